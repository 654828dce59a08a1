/* Replay tests of a recorded sensor trace (tests/sensor/traces/probe.jsonl,
 * written by tests/sensor/sensor_probe --record): no privileges needed. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "capture/trace.h"
#include "core/syscall.h"
#include "preprocessors/proctable.h"

#define PROBE NJ_SRCDIR "/tests/sensor/traces/probe.jsonl"

/* A copy of the fields the tests look at (events are borrowed). */
struct ev {
	struct nj_syscall sc;
	char path[256], raw[256], newpath[256], argv[256], env[256], exe[256], cmdline[256];
	char module[256];
	int nanc;
	bool has_proc;
};

static struct ev evs[256];
static int nevs;

static void copy(char *dst, const char *s)
{
	snprintf(dst, 256, "%s", s ? s : "");
}

static int load(const char *path)
{
	struct nj_trace *t = nj_trace_open_read(path);
	struct nj_syscall sc;
	int rc;

	assert_non_null(t);
	nevs = 0;
	while ((rc = nj_trace_next(t, &sc)) == 1 && nevs < 256) {
		struct ev *e = &evs[nevs++];

		e->sc = sc;
		copy(e->path, sc.path);
		copy(e->raw, sc.raw_path);
		copy(e->newpath, sc.newpath);
		copy(e->argv, sc.argv);
		copy(e->env, sc.env);
		copy(e->module, sc.module);
		e->has_proc = sc.proc != NULL;
		copy(e->exe, sc.proc ? sc.proc->exe : NULL);
		copy(e->cmdline, sc.proc ? sc.proc->cmdline : NULL);
		e->nanc = sc.proc ? sc.proc->nancestors : 0;
	}
	assert_int_equal(rc, 0);
	rc = (int)nj_trace_errors(t);
	nj_trace_close(t);
	return rc;
}

static struct ev *find(enum nj_sc_type t, const char *path)
{
	for (int i = 0; i < nevs; i++)
		if (evs[i].sc.type == t && (!path || strcmp(evs[i].path, path) == 0))
			return &evs[i];
	return NULL;
}

static void test_replay_probe(void **state)
{
	struct ev *e, *b, *c, *a, *f, *p, *u, *o;

	assert_int_equal(load(PROBE), 0);
	assert_int_equal(nevs, 70);

	e = find(NJ_SC_EXECVE, "/bin/echo");
	assert_non_null(e);
	assert_int_equal(e->sc.ret, 0);
	assert_string_equal(e->raw, "/bin/echo");
	assert_string_equal(e->argv, "/bin/echo hello two words");
	assert_int_equal(e->sc.argc, 3);
	assert_string_equal(e->env, "NJTEST=42\nLANG=C");
	assert_false(e->sc.argv_truncated);
	assert_string_equal(e->sc.comm, "echo");
	assert_true(e->has_proc);
	assert_string_equal(e->exe, "/bin/echo");
	assert_string_equal(e->cmdline, "/bin/echo hello two words");
	assert_true(e->nanc >= 1);

	o = find(NJ_SC_OPENAT, "/etc/shadow");
	assert_non_null(o);
	assert_int_equal(o->sc.flags, O_RDONLY);
	assert_true(o->sc.ret >= 0);
	assert_int_equal(o->sc.euid, 0);

	b = find(NJ_SC_BIND, NULL);
	c = find(NJ_SC_CONNECT, NULL);
	a = find(NJ_SC_ACCEPT, NULL);
	assert_non_null(b);
	assert_non_null(c);
	assert_non_null(a);
	assert_true(c->sc.has_sock);
	assert_int_equal(c->sc.family, AF_INET);
	assert_int_equal(c->sc.sock_type, SOCK_STREAM);
	assert_int_equal(c->sc.protocol, 6);
	assert_int_equal(c->sc.remote_port, b->sc.local_port);
	assert_int_equal(a->sc.local_port, b->sc.local_port);
	assert_int_equal(a->sc.remote_port, c->sc.local_port);
	assert_int_equal(c->sc.remote.family, 4);
	assert_memory_equal(c->sc.remote.b, "\x7f\x00\x00\x01", 4);
	assert_true(nj_addr_eq(&a->sc.remote, &c->sc.local));

	f = find(NJ_SC_PROC_FORK, NULL);
	p = find(NJ_SC_PTRACE, NULL);
	assert_non_null(f);
	assert_non_null(p);
	assert_int_equal(p->sc.request, PTRACE_ATTACH);
	assert_int_equal(p->sc.target_pid, f->sc.target_pid);
	assert_int_equal(p->sc.ret, 0);

	e = find(NJ_SC_EXECVEAT, "/memfd:njtest");
	assert_non_null(e);
	assert_true(e->sc.exe_memfd);
	assert_string_equal(e->argv, "njmemfd --version");
	e = find(NJ_SC_MEMFD_CREATE, "njtest");
	assert_non_null(e);

	e = find(NJ_SC_RENAME, NULL);
	assert_non_null(e);
	assert_int_equal(strcmp(e->newpath + strlen(e->newpath) - 8, "/new.txt"), 0);
	assert_int_equal(strcmp(e->path + strlen(e->path) - 8, "/old.txt"), 0);

	e = find(NJ_SC_CHMOD, NULL);
	assert_non_null(e);
	assert_int_equal(e->sc.mode, 04755);

	e = find(NJ_SC_SYMLINK, NULL);
	assert_non_null(e);
	assert_string_equal(e->raw, "../sub/../target");
	assert_int_equal(strcmp(e->path + strlen(e->path) - 7, "/target"), 0);
	assert_int_equal(strcmp(e->newpath + strlen(e->newpath) - 7, "/d/link"), 0);
	e = find(NJ_SC_FCHMOD, NULL);
	assert_non_null(e);
	assert_int_equal(e->sc.mode, 0600);
	assert_int_equal(strcmp(e->path + strlen(e->path) - 4, "/d/x"), 0);

	e = find(NJ_SC_MOUNT, NULL);
	assert_non_null(e);
	assert_string_equal(e->path, "/");              /* the MS_PRIVATE remount */
	e++;
	while (e < evs + nevs && e->sc.type != NJ_SC_MOUNT)
		e++;
	assert_true(e < evs + nevs);
	assert_string_equal(e->newpath, "tmpfs");
	assert_int_equal(e->sc.flags, 2);               /* MS_NOSUID */
	e = find(NJ_SC_INIT_MODULE, NULL);
	assert_non_null(e);
	assert_string_equal(e->module, "njparam=1");
	e = find(NJ_SC_FINIT_MODULE, "/dev/null");
	assert_non_null(e);
	assert_string_equal(e->module, "njparam=2");
	e = find(NJ_SC_SETRESUID, NULL);
	assert_non_null(e);
	assert_int_equal(e->sc.ids[0], -1);
	assert_int_equal(e->sc.ids[2], 0);
	e = find(NJ_SC_DUP3, NULL);
	assert_non_null(e);
	assert_int_equal(e->sc.fd2, 101);
	assert_int_equal(e->sc.flags, O_CLOEXEC);

	u = find(NJ_SC_SETUID, NULL);
	assert_non_null(u);
	assert_int_equal(u->sc.ids[0], 65534);
	for (o = NULL; u < evs + nevs; u++)
		if (u->sc.type == NJ_SC_OPENAT && strcmp(u->path, "/etc/shadow") == 0)
			o = u;
	assert_non_null(o);
	assert_int_equal(o->sc.ret, -EACCES);
	assert_int_equal(o->sc.euid, 65534);
}

static void test_peek(void **state)
{
	struct nj_trace *t = nj_trace_open_read(PROBE);
	struct timeval a, b;
	struct nj_syscall sc;
	int n = 0;

	assert_non_null(t);
	while (nj_trace_peek(t, &a) == 1) {
		assert_int_equal(nj_trace_peek(t, &b), 1);
		assert_int_equal(a.tv_sec, b.tv_sec);
		assert_int_equal(a.tv_usec, b.tv_usec);
		assert_int_equal(nj_trace_next(t, &sc), 1);
		assert_int_equal(sc.ts.tv_sec, a.tv_sec);
		assert_int_equal(sc.ts.tv_usec, a.tv_usec);
		n++;
	}
	assert_int_equal(n, 70);
	assert_int_equal(nj_trace_next(t, &sc), 0);
	nj_trace_close(t);
}

/* Every event written back reads as the same event. */
static void test_roundtrip(void **state)
{
	char tmp[] = "/tmp/nj_trace_XXXXXX";
	int fd = mkstemp(tmp);
	struct nj_trace *in = nj_trace_open_read(PROBE), *out, *back;
	struct nj_syscall sc, sc2;
	char line1[8192], line2[8192];
	FILE *f1, *f2;
	int n = 0;

	assert_true(fd >= 0);
	close(fd);
	out = nj_trace_open_write(tmp);
	assert_non_null(in);
	assert_non_null(out);
	while (nj_trace_next(in, &sc) == 1)
		assert_int_equal(nj_trace_write(out, &sc), 0);
	assert_int_equal(nj_trace_close(out), 0);
	nj_trace_close(in);

	/* Equal JSON line by line (the escaping of the writer may differ
	 * from the one that made the file): the reader loses nothing the
	 * writer wrote. */
	f1 = fopen(PROBE, "r");
	f2 = fopen(tmp, "r");
	assert_non_null(f1);
	assert_non_null(f2);
	while (fgets(line1, sizeof(line1), f1)) {
		json_t *a, *b;

		assert_non_null(fgets(line2, sizeof(line2), f2));
		a = json_loads(line1, 0, NULL);
		b = json_loads(line2, 0, NULL);
		assert_non_null(a);
		assert_non_null(b);
		if (!json_equal(a, b))
			fail_msg("line %d differs:\n%s%s", n + 1, line1, line2);
		json_decref(a);
		json_decref(b);
		n++;
	}
	assert_null(fgets(line2, sizeof(line2), f2));
	fclose(f1);
	fclose(f2);
	assert_int_equal(n, 70);

	back = nj_trace_open_read(tmp);
	assert_int_equal(nj_trace_next(back, &sc2), 1);
	assert_int_equal(sc2.type, NJ_SC_OPENAT);
	nj_trace_close(back);
	unlink(tmp);
}

static void test_malformed(void **state)
{
	char tmp[] = "/tmp/nj_trace_XXXXXX";
	int fd = mkstemp(tmp);
	static const char text[] =
		"not json\n"
		"{}\n"
		"\n"
		"{\"timestamp\":\"yesterday\",\"syscall\":{\"name\":\"openat\"}}\n"
		"{\"timestamp\":\"2026-11-23T10:00:00.5+0100\",\"syscall\":{\"name\":\"frobnicate\"}}\n"
		"{\"timestamp\":\"2026-11-23T10:00:00.5+0100\",\"syscall\":{\"name\":\"kill\","
		"\"ret\":-1,\"target_pid\":1,\"signal\":9},\"process\":{\"pid\":7,\"name\":\"sh\"}}\n"
		"[1,2,3]\n";
	struct nj_trace *t;
	struct nj_syscall sc;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	t = nj_trace_open_read(tmp);
	assert_int_equal(nj_trace_next(t, &sc), 1);
	assert_int_equal(sc.type, NJ_SC_KILL);
	assert_int_equal(sc.ret, -1);
	assert_int_equal(sc.target_pid, 1);
	assert_int_equal(sc.signal, 9);
	assert_int_equal(sc.pid, 7);
	assert_string_equal(sc.comm, "sh");
	assert_null(sc.proc);   /* no exe: no snapshot */
	/* 10:00:00.5 at +01:00 is 09:00:00.5 UTC */
	assert_int_equal(sc.ts.tv_sec % 86400, 9 * 3600);
	assert_int_equal(sc.ts.tv_usec, 500000);
	assert_int_equal(nj_trace_next(t, &sc), 0);
	assert_int_equal(nj_trace_errors(t), 5);
	nj_trace_close(t);
	unlink(tmp);
}

/* The process table takes the trace's snapshots offline. */
static void test_proctable_replay(void **state)
{
	struct nj_trace *t = nj_trace_open_read(PROBE);
	struct nj_proctable *pt = nj_proctable_new(NULL, false);
	struct nj_syscall sc;
	const struct nj_process *p;
	uint32_t echo = 0;

	while (nj_trace_next(t, &sc) == 1) {
		nj_proctable_update(pt, &sc);
		assert_non_null(sc.proc);
		if (sc.type == NJ_SC_EXECVE)
			echo = sc.pid;
	}
	nj_trace_close(t);
	assert_true(echo != 0);
	p = nj_proctable_lookup(pt, echo);
	assert_non_null(p);
	assert_string_equal(p->exe, "/bin/echo");
	assert_string_equal(p->name, "echo");
	assert_true(p->exited);
	nj_proctable_free(pt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_probe),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_proctable_replay),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
