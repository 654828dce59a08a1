/* System-call trace files: JSON lines written with core/json.h and read
 * back with jansson (schema: doc/syscall-trace-schema.json). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "capture/trace.h"
#include "core/counters.h"
#include "core/json.h"
#include "core/syscall.h"
#include "preprocessors/proctable.h"

struct nj_trace {
	FILE *f;
	bool writing;
	bool own;               /* close f at the end (not stdin/stdout) */
	char *line;
	size_t linecap;
	uint64_t lineno, errors;
	int c_errors, c_write_errors;
	struct nj_json j;
	json_t *cur;            /* the event handed out last */
	json_t *next;           /* the peeked event */
	struct timeval next_ts;
	bool eof;
	struct nj_process proc; /* snapshot of cur's process */
};

static struct nj_trace *trace_new(const char *path, bool writing)
{
	struct nj_trace *t = calloc(1, sizeof(*t));
	bool dash = strcmp(path, "-") == 0;

	if (!t)
		return NULL;
	t->writing = writing;
	t->own = !dash;
	if (dash)
		t->f = writing ? stdout : stdin;
	else
		t->f = fopen(path, writing ? "we" : "re");
	if (!t->f) {
		int e = errno;

		free(t);
		errno = e;
		return NULL;
	}
	t->c_errors = nj_counter_register("syscall.trace_errors");
	t->c_write_errors = nj_counter_register("syscall.trace_write_errors");
	nj_json_init(&t->j);
	return t;
}

struct nj_trace *nj_trace_open_read(const char *path)
{
	return trace_new(path, false);
}

struct nj_trace *nj_trace_open_fp(FILE *f)
{
	struct nj_trace *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->f = f;
	t->c_errors = nj_counter_register("syscall.trace_errors");
	t->c_write_errors = nj_counter_register("syscall.trace_write_errors");
	nj_json_init(&t->j);
	return t;
}

struct nj_trace *nj_trace_open_write(const char *path)
{
	return trace_new(path, true);
}

uint64_t nj_trace_line(const struct nj_trace *t)
{
	return t->lineno;
}

uint64_t nj_trace_errors(const struct nj_trace *t)
{
	return t->errors;
}

int nj_trace_close(struct nj_trace *t)
{
	int rc = 0;

	if (!t)
		return 0;
	if (t->writing && t->f && fflush(t->f))
		rc = -errno;
	if (t->own && t->f && fclose(t->f) && !rc)
		rc = -errno;
	json_decref(t->cur);
	json_decref(t->next);
	free(t->line);
	nj_json_free(&t->j);
	free(t);
	return rc;
}

/* --- time -------------------------------------------------------------- */

/* "2026-11-23T13:40:00.123456+0000", as EVE writes it. */
static void format_ts(const struct timeval *tv, char *buf, size_t len)
{
	struct tm tm;
	time_t sec = tv->tv_sec;
	char base[32];

	gmtime_r(&sec, &tm);
	strftime(base, sizeof(base), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%06ld+0000", base, (long)tv->tv_usec);
}

static int parse_ts(const char *s, struct timeval *tv)
{
	struct tm tm = { 0 };
	int usec = 0, n = 0, off = 0;
	char sign = '+';
	int oh = 0, om = 0;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
		   &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &n) != 6)
		return -EINVAL;
	s += n;
	if (*s == '.') {
		int digits = 0;

		for (s++; *s >= '0' && *s <= '9'; s++) {
			if (digits++ < 6)
				usec = usec * 10 + (*s - '0');
		}
		for (; digits < 6; digits++)
			usec *= 10;
	}
	if (*s == 'Z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		sign = *s;
		if (sscanf(s + 1, "%2d%n", &oh, &n) != 1)
			return -EINVAL;
		s += 1 + n;
		if (*s == ':')
			s++;
		if (sscanf(s, "%2d", &om) != 1)
			return -EINVAL;
		off = (oh * 60 + om) * 60;
		if (sign == '-')
			off = -off;
	}
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tv->tv_sec = timegm(&tm) - off;
	tv->tv_usec = usec;
	return 0;
}

/* --- writing ----------------------------------------------------------- */

static const char *const sock_types[] = {
	[1] = "SOCK_STREAM", [2] = "SOCK_DGRAM", [3] = "SOCK_RAW",
	[4] = "SOCK_RDM", [5] = "SOCK_SEQPACKET", [6] = "SOCK_DCCP", [10] = "SOCK_PACKET",
};

static const char *sock_type_name(unsigned t)
{
	if (t < sizeof(sock_types) / sizeof(sock_types[0]))
		return sock_types[t];
	return NULL;
}

static int sock_type_value(const char *name)
{
	for (unsigned i = 0; i < sizeof(sock_types) / sizeof(sock_types[0]); i++)
		if (sock_types[i] && strcmp(sock_types[i], name) == 0)
			return (int)i;
	return -1;
}

static bool has_mode(enum nj_sc_type t)
{
	switch (t) {
	case NJ_SC_OPEN: case NJ_SC_OPENAT: case NJ_SC_OPENAT2: case NJ_SC_CREAT:
	case NJ_SC_CHMOD: case NJ_SC_FCHMOD: case NJ_SC_FCHMODAT:
	case NJ_SC_MKDIR: case NJ_SC_MKDIRAT:
		return true;
	default:
		return false;
	}
}

static bool has_target(enum nj_sc_type t)
{
	switch (t) {
	case NJ_SC_PTRACE: case NJ_SC_KILL: case NJ_SC_CLONE: case NJ_SC_CLONE3:
	case NJ_SC_FORK: case NJ_SC_VFORK: case NJ_SC_PROC_FORK:
		return true;
	default:
		return false;
	}
}

static void write_flag_name(const char *name, void *arg)
{
	nj_json_str(arg, NULL, name);
}

static void write_opt_str(struct nj_json *j, const char *key, const char *s, uint32_t len)
{
	if (s)
		nj_json_strn(j, key, (const uint8_t *)s, len);
}

static void write_process(struct nj_json *j, const struct nj_syscall *sc)
{
	const struct nj_process *p = sc->proc;
	char ts[48];

	nj_json_object_open(j, "process");
	nj_json_uint(j, "pid", sc->pid);
	nj_json_uint(j, "ppid", sc->ppid);
	nj_json_uint(j, "tid", sc->tid);
	nj_json_str(j, "name", p && p->name[0] ? p->name : sc->comm);
	if (p) {
		nj_json_str(j, "exe", p->exe);
		nj_json_str(j, "cmdline", p->cmdline);
		nj_json_str(j, "cwd", p->cwd);
	}
	nj_json_uint(j, "uid", sc->uid);
	nj_json_uint(j, "euid", sc->euid);
	nj_json_uint(j, "gid", sc->gid);
	if (p) {
		nj_json_str(j, "user", p->user);
		nj_json_str(j, "tty", p->tty);
		if (p->start.tv_sec) {
			format_ts(&p->start, ts, sizeof(ts));
			nj_json_str(j, "start", ts);
		}
		nj_json_str(j, "container_id", p->container_id);
		if (p->exe_memfd)
			nj_json_bool(j, "exe_memfd", true);
		nj_json_array_open(j, "ancestors");
		for (unsigned i = 0; i < p->nancestors && i < NJ_PROC_ANCESTORS; i++) {
			nj_json_object_open(j, NULL);
			nj_json_uint(j, "pid", p->ancestors[i].pid);
			nj_json_str(j, "name", p->ancestors[i].name);
			nj_json_str(j, "exe", p->ancestors[i].exe);
			nj_json_object_close(j);
		}
		nj_json_array_close(j);
	}
	nj_json_object_close(j);
}

static void write_socket(struct nj_json *j, const struct nj_syscall *sc)
{
	const char *name = nj_af_name(sc->family);
	char buf[64];

	if (!sc->has_sock && sc->type != NJ_SC_SOCKET)
		return;
	if (name)
		nj_json_str(j, "family", name);
	else
		nj_json_uint(j, "family", sc->family);
	name = sock_type_name(sc->sock_type);
	if (name)
		nj_json_str(j, "sock_type", name);
	else
		nj_json_uint(j, "sock_type", sc->sock_type);
	nj_json_uint(j, "protocol", sc->protocol);
	if (sc->local.family) {
		nj_json_str(j, "local_ip", nj_addr_str(&sc->local, buf, sizeof(buf)));
		nj_json_uint(j, "local_port", sc->local_port);
	}
	if (sc->remote.family) {
		nj_json_str(j, "remote_ip", nj_addr_str(&sc->remote, buf, sizeof(buf)));
		nj_json_uint(j, "remote_port", sc->remote_port);
	}
}

static void write_ids(struct nj_json *j, const struct nj_syscall *sc)
{
	int n = 0;

	switch (sc->type) {
	case NJ_SC_SETUID: case NJ_SC_SETGID:
		n = 1;
		break;
	case NJ_SC_SETREUID: case NJ_SC_SETREGID: case NJ_SC_CHOWN: case NJ_SC_FCHOWN:
	case NJ_SC_LCHOWN: case NJ_SC_FCHOWNAT:
		n = 2;
		break;
	case NJ_SC_SETRESUID: case NJ_SC_SETRESGID:
		n = 3;
		break;
	default:
		return;
	}
	nj_json_array_open(j, "ids");
	for (int i = 0; i < n; i++)
		nj_json_int(j, NULL, sc->ids[i]);
	nj_json_array_close(j);
}

static void write_syscall(struct nj_json *j, const struct nj_syscall *sc)
{
	enum nj_sc_family fam = nj_sc_type_family(sc->type);

	nj_json_object_open(j, "syscall");
	nj_json_str(j, "name", nj_sc_type_name(sc->type));
	nj_json_int(j, "ret", sc->ret);
	if (sc->ret < 0 && sc->ret > -4096 && nj_errno_name((int)-sc->ret))
		nj_json_str(j, "errno", nj_errno_name((int)-sc->ret));
	write_opt_str(j, "path", sc->path, sc->path_len);
	write_opt_str(j, "raw_path", sc->raw_path, sc->raw_path_len);
	write_opt_str(j, "newpath", sc->newpath, sc->newpath_len);
	if (sc->path_truncated)
		nj_json_bool(j, "path_truncated", true);
	if (sc->dirfd != AT_FDCWD)
		nj_json_int(j, "dirfd", sc->dirfd);
	if (fam == NJ_SCF_OPEN) {
		nj_json_array_open(j, "flags");
		nj_open_flags_each(sc->flags, write_flag_name, j);
		nj_json_array_close(j);
	} else if (sc->flags) {
		nj_json_uint(j, "flags", sc->flags);
	}
	if (has_mode(sc->type))
		nj_json_uint(j, "mode", sc->mode);
	if (fam == NJ_SCF_EXEC) {
		write_opt_str(j, "argv", sc->argv, sc->argv_len);
		nj_json_uint(j, "argc", sc->argc);
		if (sc->argv_truncated)
			nj_json_bool(j, "argv_truncated", true);
		if (sc->exe_memfd)
			nj_json_bool(j, "exe_memfd", true);
	}
	write_opt_str(j, "env", sc->env, sc->env_len);
	write_socket(j, sc);
	if (sc->type == NJ_SC_PTRACE) {
		const char *r = nj_ptrace_request_name(sc->request);

		if (r)
			nj_json_str(j, "request", r);
		else
			nj_json_int(j, "request", sc->request);
	}
	if (has_target(sc->type))
		nj_json_int(j, "target_pid", sc->target_pid);
	if (sc->type == NJ_SC_KILL)
		nj_json_int(j, "signal", sc->signal);
	if (sc->fd >= 0)
		nj_json_int(j, "fd", sc->fd);
	if (sc->fd2 >= 0)
		nj_json_int(j, "fd2", sc->fd2);
	if (sc->type == NJ_SC_BPF)
		nj_json_int(j, "bpf_cmd", sc->bpf_cmd);
	write_ids(j, sc);
	if (sc->module)
		nj_json_str(j, "module", sc->module);
	if (sc->type == NJ_SC_EXIT)
		nj_json_int(j, "exit_code", sc->exit_code);
	nj_json_object_close(j);
}

int nj_trace_write(struct nj_trace *t, const struct nj_syscall *sc)
{
	char ts[48];

	if (!t->writing)
		return -EINVAL;
	nj_json_reset(&t->j);
	nj_json_object_open(&t->j, NULL);
	format_ts(&sc->ts, ts, sizeof(ts));
	nj_json_str(&t->j, "timestamp", ts);
	nj_json_str(&t->j, "event_type", "syscall");
	write_process(&t->j, sc);
	write_syscall(&t->j, sc);
	nj_json_object_close(&t->j);
	if (t->j.oom) {
		nj_counter_add(t->c_write_errors, 1);
		return -ENOMEM;
	}
	if (fwrite(t->j.buf, 1, t->j.len, t->f) != t->j.len || fputc('\n', t->f) == EOF) {
		nj_counter_add(t->c_write_errors, 1);
		return -EIO;
	}
	return 0;
}

/* --- reading ----------------------------------------------------------- */

static const char *get_str(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static uint32_t get_strlen(json_t *o, const char *key)
{
	return (uint32_t)json_string_length(json_object_get(o, key));
}

static int64_t get_int(json_t *o, const char *key, int64_t dflt)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int64_t)json_integer_value(v) : dflt;
}

static bool get_bool(json_t *o, const char *key)
{
	return json_is_true(json_object_get(o, key));
}

/* Reads lines until one parses as an event with a timestamp. */
static int read_event(struct nj_trace *t, json_t **out, struct timeval *ts)
{
	for (;;) {
		ssize_t n;
		json_t *root;
		json_error_t err;
		const char *s;

		errno = 0;
		n = getline(&t->line, &t->linecap, t->f);
		if (n < 0) {
			if (errno && errno != EOF)
				return -errno;
			return 0;
		}
		t->lineno++;
		if (n == 0 || t->line[0] == '\n' || t->line[0] == '#')
			continue;
		root = json_loadb(t->line, (size_t)n, 0, &err);
		s = root ? get_str(root, "timestamp") : NULL;
		if (!root || !json_is_object(json_object_get(root, "syscall")) || !s ||
		    parse_ts(s, ts) ||
		    nj_sc_type_from_name(get_str(json_object_get(root, "syscall"), "name") ?: "") ==
			    NJ_SC_NONE) {
			json_decref(root);
			t->errors++;
			nj_counter_add(t->c_errors, 1);
			continue;
		}
		*out = root;
		return 1;
	}
}

int nj_trace_peek(struct nj_trace *t, struct timeval *ts)
{
	int rc;

	if (t->writing)
		return -EINVAL;
	if (!t->next) {
		if (t->eof)
			return 0;
		rc = read_event(t, &t->next, &t->next_ts);
		if (rc <= 0) {
			t->eof = rc == 0;
			return rc;
		}
	}
	*ts = t->next_ts;
	return 1;
}

static void copy_name(char *dst, size_t len, const char *s)
{
	size_t n = s ? strnlen(s, len - 1) : 0;

	if (n)
		memcpy(dst, s, n);
	dst[n] = 0;
}

static void read_process(struct nj_trace *t, json_t *p, struct nj_syscall *sc)
{
	struct nj_process *pr = &t->proc;
	json_t *anc;
	size_t i;
	const char *s;

	memset(pr, 0, sizeof(*pr));
	sc->pid = pr->pid = (uint32_t)get_int(p, "pid", 0);
	sc->ppid = pr->ppid = (uint32_t)get_int(p, "ppid", 0);
	sc->tid = (uint32_t)get_int(p, "tid", sc->pid);
	sc->uid = pr->uid = (uint32_t)get_int(p, "uid", 0);
	sc->euid = pr->euid = (uint32_t)get_int(p, "euid", sc->uid);
	sc->gid = pr->gid = (uint32_t)get_int(p, "gid", 0);
	copy_name(pr->name, sizeof(pr->name), get_str(p, "name"));
	copy_name(sc->comm, sizeof(sc->comm), get_str(p, "name"));
	pr->exe = get_str(p, "exe") ?: "";
	pr->cmdline = get_str(p, "cmdline") ?: "";
	pr->cwd = get_str(p, "cwd") ?: "";
	pr->user = get_str(p, "user") ?: "";
	pr->tty = get_str(p, "tty") ?: "";
	pr->container_id = get_str(p, "container_id") ?: "";
	pr->exe_memfd = get_bool(p, "exe_memfd");
	s = get_str(p, "start");
	if (s)
		parse_ts(s, &pr->start);
	anc = json_object_get(p, "ancestors");
	for (i = 0; i < json_array_size(anc) && i < NJ_PROC_ANCESTORS; i++) {
		json_t *a = json_array_get(anc, i);

		pr->ancestors[i].pid = (uint32_t)get_int(a, "pid", 0);
		copy_name(pr->ancestors[i].name, sizeof(pr->ancestors[i].name), get_str(a, "name"));
		copy_name(pr->ancestors[i].exe, sizeof(pr->ancestors[i].exe), get_str(a, "exe"));
	}
	pr->nancestors = (uint8_t)i;
	/* A record written without a process-table entry has no exe. */
	sc->proc = json_object_get(p, "exe") ? pr : NULL;
}

static uint64_t read_flags(json_t *s)
{
	json_t *v = json_object_get(s, "flags");
	uint64_t f = 0;
	size_t i;

	if (json_is_integer(v))
		return (uint64_t)json_integer_value(v);
	for (i = 0; i < json_array_size(v); i++) {
		const char *n = json_string_value(json_array_get(v, i));
		int64_t x = n ? nj_open_flag_value(n) : -1;

		if (x > 0)
			f |= (uint64_t)x;
	}
	return f;
}

static void read_socket(json_t *s, struct nj_syscall *sc)
{
	json_t *v = json_object_get(s, "family");
	const char *ip;

	if (!v)
		return;
	sc->has_sock = sc->type != NJ_SC_SOCKET;
	if (json_is_string(v))
		sc->family = (uint16_t)nj_af_value(json_string_value(v));
	else
		sc->family = (uint16_t)json_integer_value(v);
	v = json_object_get(s, "sock_type");
	if (json_is_string(v))
		sc->sock_type = (uint16_t)sock_type_value(json_string_value(v));
	else
		sc->sock_type = (uint16_t)json_integer_value(v);
	sc->protocol = (uint16_t)get_int(s, "protocol", 0);
	ip = get_str(s, "local_ip");
	if (ip && nj_addr_parse(ip, &sc->local) == 0)
		sc->local_port = (uint16_t)get_int(s, "local_port", 0);
	ip = get_str(s, "remote_ip");
	if (ip && nj_addr_parse(ip, &sc->remote) == 0)
		sc->remote_port = (uint16_t)get_int(s, "remote_port", 0);
}

static void read_syscall(json_t *s, struct nj_syscall *sc)
{
	json_t *v;
	const char *str;
	size_t i;

	sc->type = nj_sc_type_from_name(get_str(s, "name"));
	sc->ret = get_int(s, "ret", 0);
	sc->path = get_str(s, "path");
	sc->path_len = get_strlen(s, "path");
	sc->raw_path = get_str(s, "raw_path");
	sc->raw_path_len = get_strlen(s, "raw_path");
	sc->newpath = get_str(s, "newpath");
	sc->newpath_len = get_strlen(s, "newpath");
	sc->path_truncated = get_bool(s, "path_truncated");
	sc->dirfd = (int32_t)get_int(s, "dirfd", AT_FDCWD);
	sc->flags = read_flags(s);
	sc->mode = (uint32_t)get_int(s, "mode", 0);
	sc->argv = get_str(s, "argv");
	sc->argv_len = get_strlen(s, "argv");
	sc->argc = (uint32_t)get_int(s, "argc", 0);
	sc->argv_truncated = get_bool(s, "argv_truncated");
	sc->exe_memfd = get_bool(s, "exe_memfd");
	sc->env = get_str(s, "env");
	sc->env_len = get_strlen(s, "env");
	read_socket(s, sc);
	v = json_object_get(s, "request");
	if (json_is_string(v))
		sc->request = nj_ptrace_request_value(json_string_value(v));
	else if (json_is_integer(v))
		sc->request = json_integer_value(v);
	sc->target_pid = (int32_t)get_int(s, "target_pid", 0);
	sc->signal = (int32_t)get_int(s, "signal", 0);
	sc->fd = (int32_t)get_int(s, "fd", -1);
	sc->fd2 = (int32_t)get_int(s, "fd2", -1);
	sc->bpf_cmd = (int32_t)get_int(s, "bpf_cmd", 0);
	v = json_object_get(s, "ids");
	for (i = 0; i < json_array_size(v) && i < 3; i++)
		sc->ids[i] = json_integer_value(json_array_get(v, i));
	str = get_str(s, "module");
	sc->module = str;
	sc->exit_code = (int32_t)get_int(s, "exit_code", 0);
}

int nj_trace_next(struct nj_trace *t, struct nj_syscall *out)
{
	struct timeval ts;
	json_t *p;
	int rc;

	rc = nj_trace_peek(t, &ts);
	if (rc <= 0)
		return rc;
	json_decref(t->cur);
	t->cur = t->next;
	t->next = NULL;
	nj_syscall_init(out);
	out->ts = ts;
	p = json_object_get(t->cur, "process");
	if (json_is_object(p))
		read_process(t, p, out);
	read_syscall(json_object_get(t->cur, "syscall"), out);
	return 1;
}
