/* The process table: a pid-keyed hash with an LRU list and a memcap,
 * seeded from /proc and kept current from syscall events. */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/syscall.h"
#include "preprocessors/proctable.h"

#define NBUCKETS 16384
#define USER_CACHE 64

struct entry {
	struct nj_process p;
	struct entry *hnext;
	struct entry *prev, *next;      /* LRU, most recent at head */
	char *exe, *cmdline, *cwd;
	char user[32], tty[32], cid[65];
	struct timeval exited_at;
	size_t mem;
};

struct user_name {
	uint32_t uid;
	char name[32];
};

struct nj_proctable {
	struct entry *buckets[NBUCKETS];
	struct entry *head, *tail;
	uint32_t count;
	size_t mem, memcap;
	int linger;
	bool live, seeded;
	char procfs[64];
	long hz;
	time_t btime;
	struct user_name users[USER_CACHE];
	unsigned nusers;
	int c_tracked, c_evicted, c_created, c_exited, c_unknown, c_memcap;
};

static struct entry *find(struct nj_proctable *t, uint32_t pid)
{
	for (struct entry *e = t->buckets[pid % NBUCKETS]; e; e = e->hnext)
		if (e->p.pid == pid)
			return e;
	return NULL;
}

static void lru_unlink(struct nj_proctable *t, struct entry *e)
{
	if (e->prev)
		e->prev->next = e->next;
	else
		t->head = e->next;
	if (e->next)
		e->next->prev = e->prev;
	else
		t->tail = e->prev;
	e->prev = e->next = NULL;
}

static void lru_push(struct nj_proctable *t, struct entry *e)
{
	e->prev = NULL;
	e->next = t->head;
	if (t->head)
		t->head->prev = e;
	t->head = e;
	if (!t->tail)
		t->tail = e;
}

static void touch(struct nj_proctable *t, struct entry *e)
{
	if (t->head != e) {
		lru_unlink(t, e);
		lru_push(t, e);
	}
}

static void entry_free(struct nj_proctable *t, struct entry *e)
{
	struct entry **pp = &t->buckets[e->p.pid % NBUCKETS];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
	lru_unlink(t, e);
	t->mem -= e->mem;
	t->count--;
	free(e->exe);
	free(e->cmdline);
	free(e->cwd);
	free(e);
	nj_counter_set(t->c_tracked, t->count);
}

/* Replaces *slot with a copy of s (NULL: ""), keeping the memory count. */
static void set_str(struct nj_proctable *t, struct entry *e, char **slot, const char **view,
		    const char *s, size_t n)
{
	char *c = NULL;

	if (*slot) {
		e->mem -= strlen(*slot) + 1;
		t->mem -= strlen(*slot) + 1;
	}
	free(*slot);
	*slot = NULL;
	if (s && n && (c = malloc(n + 1))) {
		memcpy(c, s, n);
		c[n] = 0;
		e->mem += n + 1;
		t->mem += n + 1;
	}
	*slot = c;
	*view = c ? c : "";
}

static void evict(struct nj_proctable *t)
{
	while (t->mem > t->memcap && t->tail) {
		entry_free(t, t->tail);
		nj_counter_add(t->c_evicted, 1);
	}
}

static struct entry *create(struct nj_proctable *t, uint32_t pid)
{
	struct entry *e = calloc(1, sizeof(*e));

	if (!e) {
		nj_counter_add(t->c_memcap, 1);
		return NULL;
	}
	e->p.pid = pid;
	e->p.exe = e->p.cmdline = e->p.cwd = "";
	e->p.user = e->user;
	e->p.tty = e->tty;
	e->p.container_id = e->cid;
	e->mem = sizeof(*e);
	t->mem += e->mem;
	e->hnext = t->buckets[pid % NBUCKETS];
	t->buckets[pid % NBUCKETS] = e;
	lru_push(t, e);
	t->count++;
	nj_counter_add(t->c_created, 1);
	nj_counter_set(t->c_tracked, t->count);
	return e;
}

struct nj_proctable *nj_proctable_new(const struct nj_config *cfg, bool live)
{
	struct nj_proctable *t = calloc(1, sizeof(*t));
	FILE *f;
	char line[256];

	if (!t)
		return NULL;
	t->memcap = cfg ? nj_config_get_size(cfg, "process.memcap", 32 << 20) : 32 << 20;
	t->linger = cfg ? (int)nj_config_get_int(cfg, "process.linger", 5) : 5;
	t->live = live;
	snprintf(t->procfs, sizeof(t->procfs), "/proc");
	t->hz = sysconf(_SC_CLK_TCK);
	if (t->hz <= 0)
		t->hz = 100;
	f = fopen("/proc/stat", "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "btime %ld", &t->btime) == 1)
			break;
	if (f)
		fclose(f);
	t->c_tracked = nj_counter_register("process.tracked");
	t->c_evicted = nj_counter_register("process.evicted");
	t->c_created = nj_counter_register("process.created");
	t->c_exited = nj_counter_register("process.exited");
	t->c_unknown = nj_counter_register("process.unknown");
	t->c_memcap = nj_counter_register("process.memcap_refused");
	return t;
}

void nj_proctable_free(struct nj_proctable *t)
{
	if (!t)
		return;
	while (t->head)
		entry_free(t, t->head);
	free(t);
}

uint32_t nj_proctable_count(const struct nj_proctable *t)
{
	return t->count;
}

const struct nj_process *nj_proctable_lookup(struct nj_proctable *t, uint32_t pid)
{
	struct entry *e = find(t, pid);

	return e ? &e->p : NULL;
}

/* --- /proc ------------------------------------------------------------- */

static void user_name(struct nj_proctable *t, uint32_t uid, char *out, size_t len)
{
	struct passwd pw, *res = NULL;
	char buf[1024];
	struct user_name *u;

	for (unsigned i = 0; i < t->nusers; i++) {
		if (t->users[i].uid == uid) {
			snprintf(out, len, "%s", t->users[i].name);
			return;
		}
	}
	if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) == 0 && res)
		snprintf(out, len, "%s", res->pw_name);
	else
		snprintf(out, len, "%u", uid);
	u = &t->users[t->nusers % USER_CACHE];
	t->nusers = t->nusers < USER_CACHE ? t->nusers + 1 : USER_CACHE;
	u->uid = uid;
	snprintf(u->name, sizeof(u->name), "%s", out);
}

static ssize_t read_file(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = 0;
	return n;
}

static void tty_name(unsigned tty_nr, char *out, size_t len)
{
	unsigned major = (tty_nr >> 8) & 0xfff;
	unsigned minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);

	if (!tty_nr)
		out[0] = 0;
	else if (major >= 136 && major <= 143)
		snprintf(out, len, "pts/%u", minor + (major - 136) * 256);
	else if (major == 4 && minor < 64)
		snprintf(out, len, "tty%u", minor);
	else if (major == 4)
		snprintf(out, len, "ttyS%u", minor - 64);
	else
		snprintf(out, len, "%u:%u", major, minor);
}

/* A container runtime names the cgroup after the container: the first run
 * of 64 hex digits in the path is its id. */
static void container_id(const char *cgroup, char *out)
{
	const char *p = cgroup;

	out[0] = 0;
	while (*p) {
		size_t n = 0;

		while (isxdigit((unsigned char)p[n]) && !isupper((unsigned char)p[n]))
			n++;
		if (n == 64) {
			memcpy(out, p, 64);
			out[64] = 0;
			return;
		}
		p += n ? n : 1;
	}
}

static void read_link(struct nj_proctable *t, struct entry *e, char **slot, const char **view,
		      const char *name)
{
	char p[96], buf[4096];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%u/%s", t->procfs, e->p.pid, name);
	n = readlink(p, buf, sizeof(buf) - 1);
	if (n > 0)
		set_str(t, e, slot, view, buf, (size_t)n);
}

static void read_cmdline(struct nj_proctable *t, struct entry *e)
{
	char p[96], buf[4096];
	ssize_t n;

	snprintf(p, sizeof(p), "%s/%u/cmdline", t->procfs, e->p.pid);
	n = read_file(p, buf, sizeof(buf));
	if (n <= 0)
		return;
	while (n && buf[n - 1] == 0)
		n--;
	for (ssize_t i = 0; i < n; i++)
		if (buf[i] == 0)
			buf[i] = ' ';
	set_str(t, e, &e->cmdline, &e->p.cmdline, buf, (size_t)n);
}

/* stat: "pid (comm) state ppid pgrp session tty_nr ... starttime(22)". The
 * comm may hold spaces and parentheses: parse from the last ')'. */
static bool read_stat(struct nj_proctable *t, struct entry *e)
{
	char p[96], buf[1024];
	const char *open, *close;
	unsigned ppid, tty;
	unsigned long long start;
	size_t n;

	snprintf(p, sizeof(p), "%s/%u/stat", t->procfs, e->p.pid);
	if (read_file(p, buf, sizeof(buf)) <= 0)
		return false;
	open = strchr(buf, '(');
	close = strrchr(buf, ')');
	if (!open || !close || close < open)
		return false;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(e->p.name))
		n = sizeof(e->p.name) - 1;
	memcpy(e->p.name, open + 1, n);
	e->p.name[n] = 0;
	if (sscanf(close + 2, "%*c %u %*d %*d %u %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d "
		   "%*d %*d %llu", &ppid, &tty, &start) != 3)
		return false;
	e->p.ppid = ppid;
	tty_name(tty, e->tty, sizeof(e->tty));
	e->p.start.tv_sec = t->btime + (time_t)(start / (unsigned long long)t->hz);
	e->p.start.tv_usec = (suseconds_t)((start % (unsigned long long)t->hz) * 1000000 / t->hz);
	return true;
}

static void read_status(struct nj_proctable *t, struct entry *e)
{
	char p[96], buf[4096];
	const char *u, *g;

	snprintf(p, sizeof(p), "%s/%u/status", t->procfs, e->p.pid);
	if (read_file(p, buf, sizeof(buf)) <= 0)
		return;
	u = strstr(buf, "\nUid:");
	g = strstr(buf, "\nGid:");
	if (u)
		sscanf(u + 5, "%u %u", &e->p.uid, &e->p.euid);
	if (g)
		sscanf(g + 5, "%u", &e->p.gid);
}

static void read_cgroup(struct nj_proctable *t, struct entry *e)
{
	char p[96], buf[4096];

	snprintf(p, sizeof(p), "%s/%u/cgroup", t->procfs, e->p.pid);
	if (read_file(p, buf, sizeof(buf)) > 0)
		container_id(buf, e->cid);
}

static void compute_ancestors(struct nj_proctable *t, struct entry *e)
{
	uint32_t pid = e->p.ppid;
	uint8_t n = 0;

	while (pid && n < NJ_PROC_ANCESTORS) {
		struct entry *a = find(t, pid);
		struct nj_proc_ancestor *out = &e->p.ancestors[n++];

		out->pid = pid;
		out->name[0] = out->exe[0] = 0;
		if (!a)
			break;
		snprintf(out->name, sizeof(out->name), "%s", a->p.name);
		snprintf(out->exe, sizeof(out->exe), "%s", a->p.exe);
		if (a->p.ppid == pid)
			break;
		pid = a->p.ppid;
	}
	e->p.nancestors = n;
}

/* Everything /proc says about e's pid; false when the process is gone. */
static bool from_proc(struct nj_proctable *t, struct entry *e)
{
	if (!read_stat(t, e))
		return false;
	read_status(t, e);
	read_link(t, e, &e->exe, &e->p.exe, "exe");
	read_link(t, e, &e->cwd, &e->p.cwd, "cwd");
	read_cmdline(t, e);
	read_cgroup(t, e);
	e->p.exe_memfd = strncmp(e->p.exe, "/memfd:", 7) == 0;
	user_name(t, e->p.euid, e->user, sizeof(e->user));
	return true;
}

int nj_proctable_seed(struct nj_proctable *t, const char *procfs)
{
	DIR *d;
	struct dirent *de;
	int n = 0;
	struct entry *e;

	snprintf(t->procfs, sizeof(t->procfs), "%s", procfs);
	d = opendir(procfs);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		char *end;
		unsigned long pid = strtoul(de->d_name, &end, 10);

		if (*end || !pid || pid > UINT32_MAX || find(t, (uint32_t)pid))
			continue;
		e = create(t, (uint32_t)pid);
		if (!e)
			break;
		if (!from_proc(t, e)) {
			entry_free(t, e);
			continue;
		}
		n++;
	}
	closedir(d);
	/* Parents are in the table now: link the ancestry. */
	for (e = t->head; e; e = e->next)
		compute_ancestors(t, e);
	evict(t);
	return n;
}

/* --- events ------------------------------------------------------------ */

static void from_event(struct nj_proctable *t, struct entry *e, const struct nj_syscall *sc)
{
	e->p.ppid = sc->ppid ? sc->ppid : e->p.ppid;
	e->p.uid = sc->uid;
	e->p.gid = sc->gid;
	if (e->p.euid != sc->euid || !e->user[0]) {
		e->p.euid = sc->euid;
		user_name(t, e->p.euid, e->user, sizeof(e->user));
	}
	if (sc->comm[0])
		snprintf(e->p.name, sizeof(e->p.name), "%s", sc->comm);
}

/* What a child shares with its parent until it execs. */
static void inherit(struct nj_proctable *t, struct entry *c, const struct entry *parent)
{
	set_str(t, c, &c->exe, &c->p.exe, parent->p.exe, strlen(parent->p.exe));
	set_str(t, c, &c->cmdline, &c->p.cmdline, parent->p.cmdline, strlen(parent->p.cmdline));
	set_str(t, c, &c->cwd, &c->p.cwd, parent->p.cwd, strlen(parent->p.cwd));
	memcpy(c->tty, parent->tty, sizeof(c->tty));
	memcpy(c->cid, parent->cid, sizeof(c->cid));
	c->p.exe_memfd = parent->p.exe_memfd;
}

/* The entry of an event's pid, created on first sight: from /proc when
 * the process is still there, else from its parent's entry (a child that
 * came and went between two reads of the ring buffer). */
static struct entry *get(struct nj_proctable *t, const struct nj_syscall *sc)
{
	struct entry *e = find(t, sc->pid), *parent;

	if (e)
		return e;
	e = create(t, sc->pid);
	if (!e)
		return NULL;
	if (!t->live || !from_proc(t, e)) {
		parent = sc->ppid ? find(t, sc->ppid) : NULL;
		if (parent) {
			inherit(t, e, parent);
			e->p.start = sc->ts;
		} else {
			nj_counter_add(t->c_unknown, 1);
		}
	}
	from_event(t, e, sc);
	compute_ancestors(t, e);
	return e;
}

static void copy_snapshot(struct nj_proctable *t, struct entry *e, const struct nj_process *s)
{
	e->p.ppid = s->ppid;
	e->p.uid = s->uid;
	e->p.euid = s->euid;
	e->p.gid = s->gid;
	memcpy(e->p.name, s->name, sizeof(e->p.name));
	set_str(t, e, &e->exe, &e->p.exe, s->exe, strlen(s->exe));
	set_str(t, e, &e->cmdline, &e->p.cmdline, s->cmdline, strlen(s->cmdline));
	set_str(t, e, &e->cwd, &e->p.cwd, s->cwd, strlen(s->cwd));
	snprintf(e->user, sizeof(e->user), "%s", s->user);
	snprintf(e->tty, sizeof(e->tty), "%s", s->tty);
	snprintf(e->cid, sizeof(e->cid), "%s", s->container_id);
	e->p.start = s->start;
	e->p.exe_memfd = s->exe_memfd;
	e->p.nancestors = s->nancestors;
	memcpy(e->p.ancestors, s->ancestors, sizeof(e->p.ancestors));
}

static void on_fork(struct nj_proctable *t, struct entry *parent, const struct nj_syscall *sc)
{
	struct entry *c;

	if (sc->target_pid <= 0 || (uint32_t)sc->target_pid == parent->p.pid)
		return;
	c = find(t, (uint32_t)sc->target_pid);
	if (c)
		entry_free(t, c);       /* a reused pid */
	c = create(t, (uint32_t)sc->target_pid);
	if (!c)
		return;
	c->p.ppid = parent->p.pid;
	c->p.uid = parent->p.uid;
	c->p.euid = parent->p.euid;
	c->p.gid = parent->p.gid;
	memcpy(c->p.name, parent->p.name, sizeof(c->p.name));
	memcpy(c->user, parent->user, sizeof(c->user));
	inherit(t, c, parent);
	c->p.start = sc->ts;
	compute_ancestors(t, c);
}

static void on_exec(struct nj_proctable *t, struct entry *e, const struct nj_syscall *sc)
{
	if (sc->path)
		set_str(t, e, &e->exe, &e->p.exe, sc->path, sc->path_len);
	if (sc->argv)
		set_str(t, e, &e->cmdline, &e->p.cmdline, sc->argv, sc->argv_len);
	e->p.exe_memfd = sc->exe_memfd;
	e->p.start = sc->ts;
	e->p.exited = false;
	if (t->live) {
		char buf[4096];
		char p[96];
		ssize_t n;

		read_link(t, e, &e->cwd, &e->p.cwd, "cwd");
		read_cgroup(t, e);
		/* /proc shows the process as it is when the event is handled,
		 * maybe after a later exec: only an event without the image's
		 * path asks it (the sensor's path and memfd flag were read in
		 * the kernel at the exec) */
		if (!sc->path) {
			snprintf(p, sizeof(p), "%s/%u/exe", t->procfs, e->p.pid);
			n = readlink(p, buf, sizeof(buf) - 1);
			if (n > 0)
				set_str(t, e, &e->exe, &e->p.exe, buf, (size_t)n);
			if (n > 7 && memcmp(buf, "/memfd:", 7) == 0)
				e->p.exe_memfd = true;
		}
	}
	compute_ancestors(t, e);
}

const struct nj_process *nj_proctable_update(struct nj_proctable *t, struct nj_syscall *sc)
{
	struct entry *e;

	if (!sc->pid) {
		sc->proc = NULL;
		return NULL;
	}
	if (sc->proc) {
		const struct nj_process *snap = sc->proc;

		e = find(t, sc->pid);
		if (!e)
			e = create(t, sc->pid);
		if (!e) {
			sc->proc = NULL;
			return NULL;
		}
		/* An event updated twice points at its own entry already. */
		if (snap != &e->p)
			copy_snapshot(t, e, snap);
	} else {
		e = get(t, sc);
		if (!e) {
			sc->proc = NULL;
			return NULL;
		}
		from_event(t, e, sc);
	}
	touch(t, e);
	switch (sc->type) {
	case NJ_SC_PROC_FORK:
		on_fork(t, e, sc);
		break;
	case NJ_SC_EXECVE:
	case NJ_SC_EXECVEAT:
		if (sc->ret == 0)
			on_exec(t, e, sc);
		break;
	case NJ_SC_EXIT:
		if (!e->p.exited) {
			e->p.exited = true;
			e->exited_at = sc->ts;
			nj_counter_add(t->c_exited, 1);
		}
		break;
	default:
		break;
	}
	evict(t);
	/* The acting entry may have been evicted when it alone exceeds the
	 * memcap: look it up again. */
	e = find(t, sc->pid);
	sc->proc = e ? &e->p : NULL;
	struct entry *pe = e ? find(t, e->p.ppid) : NULL;
	sc->parent = pe ? &pe->p : NULL;
	return sc->proc;
}

void nj_proctable_expire(struct nj_proctable *t, const struct timeval *now)
{
	struct entry *e = t->tail;

	while (e) {
		struct entry *prev = e->prev;

		if (e->p.exited && now->tv_sec - e->exited_at.tv_sec >= t->linger)
			entry_free(t, e);
		e = prev;
	}
}

void nj_proctable_seed_once(struct nj_proctable *t)
{
	if (t->live && !t->seeded) {
		t->seeded = true;
		nj_proctable_seed(t, "/proc");
	}
}
