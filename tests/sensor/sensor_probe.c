/* Privileged sensor test: starts the eBPF sensor, performs real actions in
 * child processes and checks the exact fields of the events received.
 *
 *   sensor_probe                 run every scenario (exit 77 when not root
 *                                or the kernel refuses BPF)
 *   sensor_probe --record FILE   also write every event received to FILE
 *   sensor_probe --bench SECS    only attach and count events for SECS
 *                                seconds (scripts/bench-syscalls)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "capture/sensor.h"
#include "capture/trace.h"
#include "core/alert.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/log.h"
#include "core/syscall.h"
#include "preprocessors/proctable.h"

#define MAX_EVENTS 4096

struct saved {
	struct nj_syscall sc;
	char *path, *raw, *newpath, *argv;
	char exe[256], cmdline[256];
	char anc0[16];
};

static struct saved evs[MAX_EVENTS];
static int nevs;
static pid_t watch;     /* child of the running scenario */
static pid_t grandchild;
static struct nj_trace *rec;
static struct nj_proctable *procs;
static int failures;
static char tmpdir[64];

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int on_event(struct nj_syscall *sc, void *arg)
{
	struct saved *s;

	nj_proctable_update(procs, sc);
	if (!watch || nevs == MAX_EVENTS)
		return 0;
	if (sc->pid != (uint32_t)watch && sc->ppid != (uint32_t)watch)
		return 0;
	if (rec)
		nj_trace_write(rec, sc);
	s = &evs[nevs++];
	s->sc = *sc;
	s->path = dup_or_null(sc->path);
	s->raw = dup_or_null(sc->raw_path);
	s->newpath = dup_or_null(sc->newpath);
	s->argv = dup_or_null(sc->argv);
	s->sc.env = dup_or_null(sc->env);
	s->sc.module = dup_or_null(sc->module);
	s->exe[0] = s->cmdline[0] = s->anc0[0] = 0;
	if (sc->proc) {
		snprintf(s->exe, sizeof(s->exe), "%s", sc->proc->exe);
		snprintf(s->cmdline, sizeof(s->cmdline), "%s", sc->proc->cmdline);
		if (sc->proc->nancestors)
			snprintf(s->anc0, sizeof(s->anc0), "%s", sc->proc->ancestors[0].name);
	}
	return 0;
}

static void clear_events(void)
{
	for (int i = 0; i < nevs; i++) {
		free(evs[i].path);
		free(evs[i].raw);
		free(evs[i].newpath);
		free(evs[i].argv);
		free((char *)evs[i].sc.env);
		free((char *)evs[i].sc.module);
	}
	nevs = 0;
}

static void fail(const char *scen, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "FAIL %s: ", scen);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	failures++;
}

static void dump(void)
{
	for (int i = 0; i < nevs; i++) {
		const struct nj_syscall *sc = &evs[i].sc;

		fprintf(stderr, "  [%d] %s pid=%u ret=%lld path=%s raw=%s new=%s argv=%s\n", i,
			nj_sc_type_name(sc->type), sc->pid, (long long)sc->ret,
			evs[i].path ? evs[i].path : "-", evs[i].raw ? evs[i].raw : "-",
			evs[i].newpath ? evs[i].newpath : "-", evs[i].argv ? evs[i].argv : "-");
	}
}

/* First event of type t (any of two types) of pid (0: any watched). */
static struct saved *find_ev(enum nj_sc_type t, enum nj_sc_type t2, pid_t pid,
			     const char *path)
{
	for (int i = 0; i < nevs; i++) {
		const struct nj_syscall *sc = &evs[i].sc;

		if (sc->type != t && sc->type != t2)
			continue;
		if (pid && sc->pid != (uint32_t)pid)
			continue;
		if (path && (!evs[i].path || strcmp(evs[i].path, path) != 0))
			continue;
		return &evs[i];
	}
	return NULL;
}

static bool seen_exit(pid_t pid)
{
	return find_ev(NJ_SC_EXIT, NJ_SC_EXIT, pid, NULL) != NULL;
}

/* Runs action in a child that starts when told, waits for it and collects
 * its events until its exit event arrives (at most 3 s). */
static pid_t run(struct nj_sensor *s, const char *name, void (*action)(void))
{
	int go[2];
	pid_t pid;
	char c = 0;
	int status;
	struct timespec t0, t1;

	clear_events();
	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		action();
		_exit(0);
	}
	watch = pid;
	close(go[0]);
	if (write(go[1], &c, 1) != 1)
		fail(name, "cannot start the child");
	close(go[1]);
	waitpid(pid, &status, 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		nj_sensor_poll(s, 100, on_event, NULL);
		clock_gettime(CLOCK_MONOTONIC, &t1);
	} while (!seen_exit(pid) && t1.tv_sec - t0.tv_sec < 3);
	if (!seen_exit(pid))
		fail(name, "no exit event for pid %d", pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail(name, "child failed (status %#x)", status);
	return pid;
}

#define CHECK(scen, cond, ...) \
	do { \
		if (!(cond)) { \
			fail(scen, __VA_ARGS__); \
			dump(); \
			return; \
		} \
	} while (0)

/* --- scenarios --------------------------------------------------------- */

static void act_exec(void)
{
	int fd = open("/dev/null", O_WRONLY);

	dup2(fd, 1);
	execle("/bin/echo", "/bin/echo", "hello", "two words", (char *)NULL,
	       (char *[]){ "NJTEST=42", "LANG=C", NULL });
	_exit(3);
}

static void check_exec(struct nj_sensor *s)
{
	pid_t pid = run(s, "exec", act_exec);
	struct saved *e = find_ev(NJ_SC_EXECVE, NJ_SC_EXECVE, pid, NULL);

	CHECK("exec", e, "no execve event");
	CHECK("exec", e->sc.ret == 0, "ret %lld", (long long)e->sc.ret);
	CHECK("exec", e->path && strcmp(e->path, "/bin/echo") == 0, "path %s", e->path);
	CHECK("exec", e->raw && strcmp(e->raw, "/bin/echo") == 0, "raw_path %s", e->raw);
	CHECK("exec", e->argv && strcmp(e->argv, "/bin/echo hello two words") == 0, "argv '%s'",
	      e->argv);
	CHECK("exec", e->sc.argc == 3 && !e->sc.argv_truncated, "argc %u trunc %d", e->sc.argc,
	      e->sc.argv_truncated);
	CHECK("exec", strcmp(e->sc.comm, "echo") == 0, "comm %s", e->sc.comm);
	CHECK("exec", e->sc.uid == 0 && e->sc.euid == 0 && e->sc.gid == 0, "ids");
	CHECK("exec", e->sc.ppid == (uint32_t)getpid(), "ppid %u", e->sc.ppid);
	CHECK("exec", e->sc.tid == (uint32_t)pid, "tid %u", e->sc.tid);
	CHECK("exec", !e->sc.exe_memfd, "exe_memfd set");
	CHECK("exec", e->sc.env && strcmp(e->sc.env, "NJTEST=42\nLANG=C") == 0, "env '%s'",
	      e->sc.env ? e->sc.env : "(null)");
	CHECK("exec", strcmp(e->exe, "/bin/echo") == 0, "proc exe %s", e->exe);
	CHECK("exec", strcmp(e->cmdline, "/bin/echo hello two words") == 0, "proc cmdline %s",
	      e->cmdline);
	CHECK("exec", strcmp(e->anc0, "sensor_probe") == 0, "ancestor %s", e->anc0);
	printf("ok exec\n");
}

static void act_shadow(void)
{
	int fd = open("/etc/shadow", O_RDONLY);

	if (fd < 0)
		_exit(4);
	close(fd);
}

static void check_shadow(struct nj_sensor *s)
{
	pid_t pid = run(s, "open-shadow", act_shadow);
	struct saved *e = find_ev(NJ_SC_OPENAT, NJ_SC_OPEN, pid, "/etc/shadow");

	CHECK("open-shadow", e, "no open event for /etc/shadow");
	CHECK("open-shadow", e->sc.ret >= 3, "ret %lld", (long long)e->sc.ret);
	CHECK("open-shadow", (e->sc.flags & O_ACCMODE) == O_RDONLY &&
	      !(e->sc.flags & (O_CREAT | O_TRUNC)), "flags %#llx", (unsigned long long)e->sc.flags);
	CHECK("open-shadow", strcmp(e->raw, "/etc/shadow") == 0, "raw %s", e->raw);
	CHECK("open-shadow", e->sc.uid == 0, "uid %u", e->sc.uid);
	printf("ok open-shadow\n");
}

static void act_create(void)
{
	int fd;

	if (chdir(tmpdir))
		_exit(5);
	fd = open("sub/../created.txt", O_WRONLY | O_CREAT | O_TRUNC, 0640);
	if (fd < 0 || write(fd, "x", 1) != 1)
		_exit(5);
	close(fd);
	fd = open("created.txt", O_WRONLY | O_TRUNC);
	if (fd < 0)
		_exit(5);
	close(fd);
}

static void check_create(struct nj_sensor *s)
{
	char want[128];
	pid_t pid = run(s, "create-truncate", act_create);
	struct saved *e, *e2 = NULL;

	snprintf(want, sizeof(want), "%s/created.txt", tmpdir);
	e = find_ev(NJ_SC_OPENAT, NJ_SC_OPEN, pid, want);
	CHECK("create-truncate", e, "no open event for %s", want);
	CHECK("create-truncate", strcmp(e->raw, "sub/../created.txt") == 0, "raw %s", e->raw);
	CHECK("create-truncate", e->sc.flags == (O_WRONLY | O_CREAT | O_TRUNC),
	      "flags %#llo", (unsigned long long)e->sc.flags);
	CHECK("create-truncate", e->sc.mode == 0640, "mode %o", e->sc.mode);
	CHECK("create-truncate", e->sc.ret >= 0, "ret %lld", (long long)e->sc.ret);
	for (int i = 0; i < nevs; i++)
		if (&evs[i] != e && evs[i].sc.type == e->sc.type && evs[i].path &&
		    strcmp(evs[i].path, want) == 0)
			e2 = &evs[i];
	CHECK("create-truncate", e2 && e2->sc.flags == (O_WRONLY | O_TRUNC) &&
	      strcmp(e2->raw, "created.txt") == 0, "no truncating open");
	printf("ok create-truncate\n");
}

static uint16_t listen_port;

static void act_connect(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c, acc;

	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) || listen(l, 4) ||
	    getsockname(l, (struct sockaddr *)&a, &len))
		_exit(6);
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)))
		_exit(6);
	acc = accept(l, NULL, NULL);
	if (acc < 0)
		_exit(6);
	close(acc);
	close(c);
	c = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (connect(c, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
		_exit(6);
	close(c);
	close(l);
}

static void check_connect(struct nj_sensor *s)
{
	pid_t pid = run(s, "connect-accept", act_connect);
	struct saved *b = find_ev(NJ_SC_BIND, NJ_SC_BIND, pid, NULL);
	struct saved *c = find_ev(NJ_SC_CONNECT, NJ_SC_CONNECT, pid, NULL);
	struct saved *a = find_ev(NJ_SC_ACCEPT, NJ_SC_ACCEPT4, pid, NULL);
	struct saved *l = find_ev(NJ_SC_LISTEN, NJ_SC_LISTEN, pid, NULL);
	uint8_t lo[4] = { 127, 0, 0, 1 };
	struct nj_addr loop;

	nj_addr_set4(&loop, lo);
	CHECK("connect-accept", b && c && a && l, "missing bind/listen/connect/accept");
	listen_port = b->sc.local_port;
	CHECK("connect-accept", b->sc.has_sock && b->sc.family == AF_INET &&
	      b->sc.sock_type == SOCK_STREAM && b->sc.protocol == IPPROTO_TCP, "bind socket");
	CHECK("connect-accept", nj_addr_eq(&b->sc.local, &loop) && listen_port != 0,
	      "bind local end");
	CHECK("connect-accept", l->sc.local_port == listen_port, "listen port %u",
	      l->sc.local_port);
	CHECK("connect-accept", c->sc.ret == 0 && c->sc.has_sock, "connect ret %lld",
	      (long long)c->sc.ret);
	CHECK("connect-accept", nj_addr_eq(&c->sc.remote, &loop) &&
	      c->sc.remote_port == listen_port, "connect remote port %u", c->sc.remote_port);
	CHECK("connect-accept", nj_addr_eq(&c->sc.local, &loop) && c->sc.local_port != 0 &&
	      c->sc.local_port != listen_port, "connect local end %u", c->sc.local_port);
	CHECK("connect-accept", a->sc.ret >= 0 && a->sc.fd2 == a->sc.ret, "accept ret");
	CHECK("connect-accept", a->sc.local_port == listen_port &&
	      a->sc.remote_port == c->sc.local_port && nj_addr_eq(&a->sc.remote, &loop),
	      "accept ends %u <- %u", a->sc.local_port, a->sc.remote_port);
	for (int i = 0; i < nevs; i++) {
		if (evs[i].sc.type == NJ_SC_CONNECT && &evs[i] != c)
			c = &evs[i];
	}
	CHECK("connect-accept", c->sc.ret == 0 || c->sc.ret == -EINPROGRESS, "nonblocking ret");
	CHECK("connect-accept", c->sc.has_sock && c->sc.remote_port == listen_port &&
	      c->sc.local_port != 0, "nonblocking connect ends (ret %lld)", (long long)c->sc.ret);
	printf("ok connect-accept (port %u, peer %u, nonblocking ret %lld)\n", listen_port,
	       a->sc.remote_port, (long long)c->sc.ret);
}

static void act_ptrace(void)
{
	pid_t gc = fork();
	int st;

	if (gc == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, gc, NULL, NULL))
		_exit(7);
	waitpid(gc, &st, 0);
	kill(gc, SIGKILL);
	ptrace(PTRACE_DETACH, gc, NULL, NULL);
	waitpid(gc, &st, 0);
}

static void check_ptrace(struct nj_sensor *s)
{
	pid_t pid = run(s, "ptrace", act_ptrace);
	struct saved *f = find_ev(NJ_SC_PROC_FORK, NJ_SC_PROC_FORK, pid, NULL);
	struct saved *p = find_ev(NJ_SC_PTRACE, NJ_SC_PTRACE, pid, NULL);
	struct saved *k = find_ev(NJ_SC_KILL, NJ_SC_KILL, pid, NULL);

	CHECK("ptrace", f && f->sc.target_pid > 0, "no proc_fork event");
	grandchild = f->sc.target_pid;
	CHECK("ptrace", p, "no ptrace event");
	CHECK("ptrace", p->sc.request == PTRACE_ATTACH && p->sc.target_pid == grandchild &&
	      p->sc.ret == 0, "request %lld target %d ret %lld", (long long)p->sc.request,
	      p->sc.target_pid, (long long)p->sc.ret);
	CHECK("ptrace", k && k->sc.target_pid == grandchild && k->sc.signal == SIGKILL, "kill");
	printf("ok ptrace (target %d)\n", grandchild);
}

static void act_memfd(void)
{
	char buf[65536];
	int in = open("/bin/true", O_RDONLY), fd = memfd_create("njtest", MFD_CLOEXEC);
	ssize_t n;
	char *argv[] = { "njmemfd", "--version", NULL };
	char *envp[] = { NULL };

	if (in < 0 || fd < 0)
		_exit(8);
	dup2(open("/dev/null", O_WRONLY), 1);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(fd, buf, (size_t)n) != n)
			_exit(8);
	close(in);
	fexecve(fd, argv, envp);
	_exit(8);
}

static void check_memfd(struct nj_sensor *s)
{
	pid_t pid = run(s, "memfd-exec", act_memfd);
	struct saved *m = find_ev(NJ_SC_MEMFD_CREATE, NJ_SC_MEMFD_CREATE, pid, NULL);
	struct saved *e = find_ev(NJ_SC_EXECVEAT, NJ_SC_EXECVE, pid, NULL);

	CHECK("memfd-exec", m && m->path && strcmp(m->path, "njtest") == 0 && m->sc.ret >= 0,
	      "memfd_create event");
	CHECK("memfd-exec", e && e->sc.ret == 0, "no successful exec");
	CHECK("memfd-exec", e->sc.exe_memfd, "exe_memfd not set");
	CHECK("memfd-exec", e->argv && strcmp(e->argv, "njmemfd --version") == 0, "argv %s",
	      e->argv);
	CHECK("memfd-exec", strncmp(e->exe, "/memfd:njtest", 13) == 0, "proc exe %s", e->exe);
	printf("ok memfd-exec (%s, exe %s)\n", nj_sc_type_name(e->sc.type), e->exe);
}

static void act_rename(void)
{
	char a[128], b[128];
	int fd;

	snprintf(a, sizeof(a), "%s/old.txt", tmpdir);
	snprintf(b, sizeof(b), "%s/new.txt", tmpdir);
	fd = open(a, O_WRONLY | O_CREAT, 0600);
	close(fd);
	if (rename(a, b))
		_exit(9);
}

static void check_rename(struct nj_sensor *s)
{
	char a[128], b[128];
	pid_t pid = run(s, "rename", act_rename);
	struct saved *e = find_ev(NJ_SC_RENAME, NJ_SC_RENAMEAT2, pid, NULL);

	if (!e)
		e = find_ev(NJ_SC_RENAMEAT, NJ_SC_RENAMEAT, pid, NULL);
	snprintf(a, sizeof(a), "%s/old.txt", tmpdir);
	snprintf(b, sizeof(b), "%s/new.txt", tmpdir);
	CHECK("rename", e, "no rename event");
	CHECK("rename", e->path && strcmp(e->path, a) == 0, "path %s", e->path);
	CHECK("rename", e->newpath && strcmp(e->newpath, b) == 0, "newpath %s", e->newpath);
	CHECK("rename", e->sc.ret == 0, "ret");
	printf("ok rename (%s)\n", nj_sc_type_name(e->sc.type));
}

static void act_chmod(void)
{
	char a[128];
	int fd;

	snprintf(a, sizeof(a), "%s/suid", tmpdir);
	fd = open(a, O_WRONLY | O_CREAT, 0755);
	close(fd);
	if (chmod(a, 04755))
		_exit(10);
}

static void check_chmod(struct nj_sensor *s)
{
	char a[128];
	pid_t pid = run(s, "chmod-suid", act_chmod);
	struct saved *e;

	snprintf(a, sizeof(a), "%s/suid", tmpdir);
	e = find_ev(NJ_SC_CHMOD, NJ_SC_FCHMODAT, pid, a);
	CHECK("chmod-suid", e, "no chmod event");
	CHECK("chmod-suid", e->sc.mode == 04755 && (e->sc.mode & S_ISUID), "mode %o", e->sc.mode);
	CHECK("chmod-suid", e->sc.ret == 0, "ret");
	printf("ok chmod-suid (%s)\n", nj_sc_type_name(e->sc.type));
}

static void act_setuid(void)
{
	int fd;

	if (setuid(65534))
		_exit(11);
	fd = open("/etc/shadow", O_RDONLY);
	if (fd >= 0)
		_exit(11);
}

static void check_setuid(struct nj_sensor *s)
{
	pid_t pid = run(s, "setuid", act_setuid);
	struct saved *u = find_ev(NJ_SC_SETUID, NJ_SC_SETUID, pid, NULL);
	struct saved *o = find_ev(NJ_SC_OPENAT, NJ_SC_OPEN, pid, "/etc/shadow");

	CHECK("setuid", u && u->sc.ids[0] == 65534 && u->sc.ret == 0, "no setuid event");
	CHECK("setuid", u->sc.uid == 65534 && u->sc.euid == 65534, "ids after setuid %u/%u",
	      u->sc.uid, u->sc.euid);
	CHECK("setuid", o && o->sc.ret == -EACCES, "open as nobody: %lld",
	      o ? (long long)o->sc.ret : 0LL);
	CHECK("setuid", o->sc.uid == 65534 && o->sc.euid == 65534, "open ids");
	printf("ok setuid\n");
}

/* A one-page ring buffer that is not read while a child opens files in a
 * loop must drop, count the drops per category and raise the engine
 * alert. */
static int drop_alerts;
static uint32_t drop_sid;

static void count_alert(struct nj_worker *w, const struct nj_alert *a, void *arg)
{
	if (a->rule->gid == NJ_SENSOR_DROP_GID && a->rule->sid >= NJ_SENSOR_DROP_SID &&
	    a->rule->sid < NJ_SENSOR_DROP_SID + 7) {
		/* Other categories may drop too (the whole machine is
		 * traced): count the file category's alerts only. */
		if (a->rule->sid == NJ_SENSOR_DROP_SID + 1) {
			drop_alerts++;
			drop_sid = a->rule->sid;
		}
	}
}

static void act_many_opens(void)
{
	for (int i = 0; i < 5000; i++)
		close(open("/etc/hostname", O_RDONLY));
}

static void check_drops(void)
{
	struct nj_config *cfg = nj_config_new();
	struct nj_sensor *s;
	struct nj_sc_set set = { { 0 } };
	int go[2], st;
	char c = 0;
	pid_t pid;

	nj_config_set(cfg, "sensor.ringbuf-size", "4kb");
	s = nj_sensor_open(cfg);
	nj_sc_set_add(&set, NJ_SC_OPENAT);
	if (!s || nj_sensor_start(s, &set)) {
		fail("drops", "cannot start a second sensor");
		return;
	}
	nj_alert_sink_register(count_alert, NULL);
	if (pipe(go))
		return;
	pid = fork();
	if (pid == 0) {
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		act_many_opens();
		_exit(0);
	}
	if (write(go[1], &c, 1) != 1)
		fail("drops", "cannot start the child");
	waitpid(pid, &st, 0);
	nj_sensor_poll(s, 0, NULL, NULL);
	/* Within the 10 s rate limit a second look raises nothing new. */
	{
		int before = drop_alerts;
		unsigned long long dropped = nj_sensor_drops(s);

		sleep(1);
		pid = fork();
		if (pid == 0) {
			act_many_opens();
			_exit(0);
		}
		waitpid(pid, &st, 0);
		nj_sensor_poll(s, 0, NULL, NULL);
		if (nj_sensor_drops(s) <= dropped || drop_alerts != before)
			fail("drops", "second burst: drops %llu -> %llu, alerts %d -> %d", dropped,
			     nj_sensor_drops(s), before, drop_alerts);
	}
	if (nj_sensor_drops(s) == 0)
		fail("drops", "no drops with a 4 KiB ring buffer");
	else if (nj_counter_get_by_name("syscall.drops") != nj_sensor_drops(s) ||
		 nj_counter_get_by_name("syscall.drops_by_type.file") == 0)
		fail("drops", "drop counters not published");
	else if (drop_sid != NJ_SENSOR_DROP_SID + 1)
		fail("drops", "%d drop alerts (sid %u)", drop_alerts, drop_sid);
	else
		printf("ok drops (%llu dropped, alert sid %u)\n", nj_sensor_drops(s), drop_sid);
	nj_sensor_free(s);
	nj_config_free(cfg);
	close(go[0]);
	close(go[1]);
}

static void act_files(void)
{
	int fd;

	if (chdir(tmpdir) || mkdir("d", 0700) || symlink("../sub/../target", "d/link"))
		_exit(12);
	fd = open("d/x", O_WRONLY | O_CREAT, 0644);
	if (fd < 0 || fchmod(fd, 0600) || dup2(fd, 100) != 100 || unlink("d/link"))
		_exit(12);
}

/* Paths of a process that has exited before its events are read: the
 * kernel side resolved them (cwd and fd dentry walks), /proc cannot. */
static void check_files(struct nj_sensor *s)
{
	char d[128], link[128], target[128], x[128];
	pid_t pid = run(s, "files", act_files);
	struct saved *m, *l, *f, *u, *du;

	snprintf(d, sizeof(d), "%s/d", tmpdir);
	snprintf(link, sizeof(link), "%s/d/link", tmpdir);
	snprintf(target, sizeof(target), "%s/target", tmpdir);
	snprintf(x, sizeof(x), "%s/d/x", tmpdir);
	m = find_ev(NJ_SC_MKDIR, NJ_SC_MKDIRAT, pid, d);
	CHECK("files", m && m->sc.mode == 0700 && m->sc.ret == 0 && strcmp(m->raw, "d") == 0,
	      "mkdir");
	l = find_ev(NJ_SC_SYMLINK, NJ_SC_SYMLINKAT, pid, NULL);
	CHECK("files", l && l->newpath && strcmp(l->newpath, link) == 0, "symlink newpath %s",
	      l ? l->newpath : "-");
	CHECK("files", strcmp(l->path, target) == 0 && strcmp(l->raw, "../sub/../target") == 0,
	      "symlink target %s", l->path);
	f = find_ev(NJ_SC_FCHMOD, NJ_SC_FCHMOD, pid, x);
	CHECK("files", f && f->sc.mode == 0600 && f->sc.fd >= 3 && f->sc.ret == 0, "fchmod");
	du = find_ev(NJ_SC_DUP2, NJ_SC_DUP2, pid, NULL);
	CHECK("files", du && du->sc.fd == f->sc.fd && du->sc.fd2 == 100 && du->sc.ret == 100,
	      "dup2");
	u = find_ev(NJ_SC_UNLINK, NJ_SC_UNLINKAT, pid, link);
	CHECK("files", u && u->sc.ret == 0 && strcmp(u->raw, "d/link") == 0, "unlink");
	printf("ok files (%s, %s, %s)\n", nj_sc_type_name(m->sc.type), nj_sc_type_name(l->sc.type),
	       nj_sc_type_name(u->sc.type));
}

static void act_misc(void)
{
	char m[128];
	int fd = open("/dev/null", O_RDONLY);
	static const char junk[64] = "not an ELF module";

	snprintf(m, sizeof(m), "%s/m", tmpdir);
	if (mkdir(m, 0755) || unshare(CLONE_NEWNS) ||
	    mount("none", "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("tmpfs", m, "tmpfs", MS_NOSUID, "size=1m") || umount2(m, 0))
		_exit(13);
	syscall(SYS_init_module, junk, sizeof(junk), "njparam=1");
	syscall(SYS_finit_module, fd, "njparam=2", 0);
	syscall(SYS_delete_module, "njnomodule", O_NONBLOCK);
	syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, NULL, 0);
	kill(getpid(), 0);
	if (setresuid(-1, -1, 0) || dup3(fd, 101, O_CLOEXEC) != 101)
		_exit(13);
}

/* True when the sensor reports the call as having no tracepoint (per-call
 * hooks). That is only right when the kernel does not have the call: the
 * call must then fail with ENOSYS (with NULL arguments, harmless either
 * way), and failing the test otherwise. */
static bool not_built_in(struct nj_sensor *s, const char *name, long nr)
{
	const char *line = strstr(nj_sensor_report(s), "not built into this kernel: ");
	const char *p;
	size_t n = strlen(name);
	bool listed = false;

	if (!line)
		return false;
	for (p = line + strlen("not built into this kernel: "); *p && *p != '\n';) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\n' || !p[n]))
			listed = true;
		p += strcspn(p, ",\n");
		p += strspn(p, ", ");
	}
	if (!listed)
		return false;
	errno = 0;
	if (syscall(nr, NULL, 0, NULL) != -1 || errno != ENOSYS)
		fail("misc", "%s has no tracepoint but the kernel has it (%s)", name, strerror(errno));
	return true;
}

static void check_misc(struct nj_sensor *s)
{
	char m[128];
	pid_t pid = run(s, "misc", act_misc);
	struct saved *e;

	snprintf(m, sizeof(m), "%s/m", tmpdir);
	e = find_ev(NJ_SC_MOUNT, NJ_SC_MOUNT, pid, m);
	CHECK("misc", e && e->sc.ret == 0 && e->newpath && strcmp(e->newpath, "tmpfs") == 0 &&
	      e->sc.flags == MS_NOSUID, "mount");
	e = find_ev(NJ_SC_UMOUNT2, NJ_SC_UMOUNT2, pid, m);
	CHECK("misc", e && e->sc.ret == 0, "umount2");
	if (not_built_in(s, "init_module", SYS_init_module)) {
		printf("ok misc: module calls are not built into this kernel (ENOSYS)\n");
	} else {
		e = find_ev(NJ_SC_INIT_MODULE, NJ_SC_INIT_MODULE, pid, NULL);
		CHECK("misc", e && e->sc.ret < 0 && e->sc.module &&
		      strcmp(e->sc.module, "njparam=1") == 0, "init_module");
		e = find_ev(NJ_SC_FINIT_MODULE, NJ_SC_FINIT_MODULE, pid, "/dev/null");
		CHECK("misc", e && e->sc.ret < 0 && e->sc.module &&
		      strcmp(e->sc.module, "njparam=2") == 0, "finit_module");
		e = find_ev(NJ_SC_DELETE_MODULE, NJ_SC_DELETE_MODULE, pid, NULL);
		/* ENOENT, or ENOSYS on a kernel without modules. */
		CHECK("misc", e && e->sc.module && strcmp(e->sc.module, "njnomodule") == 0 &&
		      e->sc.ret < 0, "delete_module");
	}
	e = find_ev(NJ_SC_BPF, NJ_SC_BPF, pid, NULL);
	CHECK("misc", e && e->sc.bpf_cmd == 0 && e->sc.ret < 0, "bpf");
	e = find_ev(NJ_SC_KILL, NJ_SC_KILL, pid, NULL);
	CHECK("misc", e && e->sc.target_pid == pid && e->sc.signal == 0 && e->sc.ret == 0, "kill");
	e = find_ev(NJ_SC_SETRESUID, NJ_SC_SETRESUID, pid, NULL);
	CHECK("misc", e && e->sc.ids[0] == -1 && e->sc.ids[1] == -1 && e->sc.ids[2] == 0, "setresuid");
	e = find_ev(NJ_SC_DUP3, NJ_SC_DUP3, pid, NULL);
	CHECK("misc", e && e->sc.fd2 == 101 && e->sc.flags == O_CLOEXEC && e->sc.ret == 101, "dup3");
	printf("ok misc (mount, modules, bpf, kill, setresuid, dup3)\n");
}

/* A reload with a smaller set: chmod and open are no longer sent, the
 * state set (exec, sockets, fork, exit) still is; then back to all. */
static void check_filter(struct nj_sensor *s)
{
	struct nj_sc_set set = { { 0 } };
	pid_t pid;

	nj_sc_set_add(&set, NJ_SC_UNLINK);
	CHECK("filter", nj_sensor_configure(s, &set) == 0, "configure");
	pid = run(s, "filter", act_chmod);
	CHECK("filter", !find_ev(NJ_SC_CHMOD, NJ_SC_FCHMODAT, pid, NULL), "chmod still traced");
	CHECK("filter", !find_ev(NJ_SC_OPENAT, NJ_SC_OPEN, pid, NULL), "openat still traced");
	pid = run(s, "filter", act_exec);
	CHECK("filter", find_ev(NJ_SC_EXECVE, NJ_SC_EXECVE, pid, NULL), "exec not traced");
	CHECK("filter", !find_ev(NJ_SC_OPENAT, NJ_SC_OPEN, pid, NULL), "openat still traced");
	CHECK("filter", nj_sensor_configure(s, NULL) == 0, "configure all");
	pid = run(s, "filter", act_chmod);
	CHECK("filter", find_ev(NJ_SC_CHMOD, NJ_SC_FCHMODAT, pid, NULL), "chmod not traced again");
	printf("ok filter\n");
}

/* --- main -------------------------------------------------------------- */

static int print_event(struct nj_syscall *sc, void *arg)
{
	printf("%s pid=%u comm=%s ret=%lld path=%s raw=%s new=%s argv=%s memfd=%d\n",
	       nj_sc_type_name(sc->type), sc->pid, sc->comm, (long long)sc->ret,
	       sc->path ? sc->path : "-", sc->raw_path ? sc->raw_path : "-",
	       sc->newpath ? sc->newpath : "-", sc->argv ? sc->argv : "-", sc->exe_memfd);
	return 0;
}

static int bench(struct nj_sensor *s, int secs, bool print)
{
	time_t end = time(NULL) + secs;
	int n = 0, rc;

	while (time(NULL) < end) {
		rc = nj_sensor_poll(s, 100, print ? print_event : NULL, NULL);
		if (rc > 0)
			n += rc;
	}
	printf("events %d drops %llu\n", n, nj_sensor_drops(s));
	return 0;
}

/* Each run of the checks has its own directory (they create fixed names). */
static bool make_tmpdir(void)
{
	char sub[128];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/njprobe.XXXXXX");
	if (!mkdtemp(tmpdir) || chmod(tmpdir, 0755)) {
		fail("tmpdir", "cannot make %s", tmpdir);
		return false;
	}
	snprintf(sub, sizeof(sub), "%s/sub", tmpdir);
	mkdir(sub, 0755);
	return true;
}

static void remove_tmpdir(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd))
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* Starts a sensor tracing everything with the given syscall hooks; 77
 * when the sensor cannot run here. */
static int start(const char *hooks, struct nj_config **cfg, struct nj_sensor **s)
{
	int rc;

	*cfg = nj_config_new();
	nj_config_set(*cfg, "sensor.exec-env", "yes");
	nj_config_set(*cfg, "sensor.syscall-hooks", hooks);
	*s = nj_sensor_open(*cfg);
	if (!*s)
		return 1;
	rc = nj_sensor_start(*s, NULL);
	if (rc == -ENOTSUP || rc == -EPERM) {
		fprintf(stderr, "skip: sensor unavailable: %s\n", strerror(-rc));
		return 77;
	}
	if (rc) {
		fprintf(stderr, "sensor start failed: %s\n", strerror(-rc));
		return 1;
	}
	fputs(nj_sensor_report(*s), stdout);
	return 0;
}

/* Every check, with the syscall programs on one kind of hook. The report
 * must name the hooks asked for. */
static void run_checks(const char *hooks, const char *want_report)
{
	struct nj_config *cfg;
	struct nj_sensor *s;

	printf("--- sensor.syscall-hooks: %s\n", hooks);
	if (!make_tmpdir())
		return;
	if (start(hooks, &cfg, &s)) {
		fail(hooks, "cannot start the sensor");
		return;
	}
	CHECK(hooks, strstr(nj_sensor_report(s), want_report), "report does not say %s", want_report);
	check_exec(s);
	check_shadow(s);
	check_create(s);
	check_connect(s);
	check_ptrace(s);
	check_memfd(s);
	check_rename(s);
	check_chmod(s);
	check_setuid(s);
	check_files(s);
	check_misc(s);
	check_filter(s);
	clear_events();
	nj_sensor_free(s);
	nj_config_free(cfg);
	remove_tmpdir();
}

int main(int argc, char **argv)
{
	struct nj_sensor *s;
	struct nj_config *cfg;
	const char *hooks = "auto";
	int rc, bench_secs = 0;
	bool print = false;

	for (int i = 1; i + 1 < argc; i++) {
		if (strcmp(argv[i], "--record") == 0)
			rec = nj_trace_open_write(argv[++i]);
		else if (strcmp(argv[i], "--bench") == 0)
			bench_secs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--dump") == 0 && (print = true))
			bench_secs = atoi(argv[++i]);
		else if (strcmp(argv[i], "--hooks") == 0)
			hooks = argv[++i];
	}
	if (geteuid() != 0) {
		fprintf(stderr, "skip: needs root\n");
		return 77;
	}
	nj_log_set_level(NJ_LOG_WARN);
	procs = nj_proctable_new(NULL, true);
	if (!procs)
		return 1;
	if (bench_secs) {
		rc = start(hooks, &cfg, &s);
		if (rc)
			return rc;
		bench(s, bench_secs, print);
		nj_sensor_free(s);
		nj_config_free(cfg);
		return 0;
	}
	/* skip (77) when the sensor cannot run here at all */
	rc = start("auto", &cfg, &s);
	nj_sensor_free(s);
	nj_config_free(cfg);
	if (rc)
		return rc;
	if (nj_proctable_seed(procs, "/proc") <= 0)
		fail("seed", "no process seeded from /proc");
	run_checks("per-call", "syscalls:sys_enter_*/sys_exit_* (");
	run_checks("raw", "raw_syscalls:sys_enter attached");
	printf("syscall.events %llu syscall.drops %llu process.tracked %llu\n",
	       (unsigned long long)nj_counter_get_by_name("syscall.events"),
	       (unsigned long long)nj_counter_get_by_name("syscall.drops"),
	       (unsigned long long)nj_counter_get_by_name("process.tracked"));
	if (nj_counter_get_by_name("syscall.events") == 0)
		fail("counters", "syscall.events is 0");
	if (nj_counter_get_by_name("syscall.bad_records") != 0)
		fail("counters", "bad records");
	nj_proctable_free(procs);
	check_drops();
	if (rec && nj_trace_close(rec))
		fail("record", "trace write failed");
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
