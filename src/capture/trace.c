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
#include "core/syscall_json.h"
#include "preprocessors/proctable.h"

struct nj_trace {
	FILE *f;
	bool writing;
	bool own;               /* close f at the end (not stdin/stdout) */
	char *line;
	size_t linecap;
	uint64_t lineno, errors;
	int c_errors, c_write_errors, c_events;
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
	t->c_events = nj_counter_register("syscall.events");
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
	t->c_events = nj_counter_register("syscall.events");
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


int nj_trace_write(struct nj_trace *t, const struct nj_syscall *sc)
{
	char ts[48];

	if (!t->writing)
		return -EINVAL;
	nj_json_reset(&t->j);
	nj_json_object_open(&t->j, NULL);
	nj_format_utc_ts(&sc->ts, ts, sizeof(ts));
	nj_json_str(&t->j, "timestamp", ts);
	nj_json_str(&t->j, "event_type", "syscall");
	nj_json_process(&t->j, sc->proc, sc);
	nj_json_syscall(&t->j, sc);
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
		sc->sock_type = (uint16_t)nj_sock_type_value(json_string_value(v));
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
	if (!t->writing)
		nj_counter_add(t->c_events, 1);
	return 1;
}
