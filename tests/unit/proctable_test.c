/* Unit tests for the process table: seeding from a fake procfs, fork /
 * exec / exit from events, lingering, memcap eviction. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/syscall.h"
#include "preprocessors/process_stage.h"
#include "preprocessors/proctable.h"

#define CID "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char root[64];

static void put(const char *rel, const char *text, size_t len)
{
	char p[256];
	FILE *f;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
}

static void fake_proc(unsigned pid, unsigned ppid, const char *comm, unsigned tty,
		      const char *exe, const char *cgroup)
{
	char p[256], text[512];

	snprintf(p, sizeof(p), "%s/%u", root, pid);
	assert_int_equal(mkdir(p, 0755), 0);
	snprintf(p, sizeof(p), "%u/stat", pid);
	snprintf(text, sizeof(text),
		 "%u (%s) S %u %u %u %u -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 500 1000 100\n", pid,
		 comm, ppid, pid, pid, tty);
	put(p, text, strlen(text));
	snprintf(p, sizeof(p), "%u/status", pid);
	snprintf(text, sizeof(text), "Name:\t%s\nUid:\t1000\t1001\t1001\t1001\nGid:\t100\t100\t100\t100\n",
		 comm);
	put(p, text, strlen(text));
	snprintf(p, sizeof(p), "%u/cmdline", pid);
	put(p, "prog\0-x\0arg\0", 12);
	snprintf(p, sizeof(p), "%u/cgroup", pid);
	put(p, cgroup, strlen(cgroup));
	snprintf(p, sizeof(p), "%s/%u/exe", root, pid);
	assert_int_equal(symlink(exe, p), 0);
	snprintf(p, sizeof(p), "%s/%u/cwd", root, pid);
	assert_int_equal(symlink("/srv/www", p), 0);
}

static int setup(void **state)
{
	snprintf(root, sizeof(root), "/tmp/nj_proc_XXXXXX");
	assert_non_null(mkdtemp(root));
	fake_proc(1, 0, "init", 0, "/sbin/init", "0::/init.scope\n");
	fake_proc(40, 1, "nginx: worker (x)", 0x8803, "/usr/sbin/nginx",
		  "0::/system.slice/docker-" CID ".scope\n");
	fake_proc(41, 40, "sh", 0, "/memfd:payload (deleted)", "0::/\n");
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void test_seed(void **state)
{
	struct nj_proctable *t = nj_proctable_new(NULL, true);
	const struct nj_process *p;

	assert_int_equal(nj_proctable_seed(t, root), 3);
	assert_int_equal(nj_proctable_count(t), 3);
	p = nj_proctable_lookup(t, 40);
	assert_non_null(p);
	assert_string_equal(p->name, "nginx: worker (");   /* comm is 15 bytes */
	assert_int_equal(p->ppid, 1);
	assert_int_equal(p->uid, 1000);
	assert_int_equal(p->euid, 1001);
	assert_int_equal(p->gid, 100);
	assert_string_equal(p->exe, "/usr/sbin/nginx");
	assert_string_equal(p->cwd, "/srv/www");
	assert_string_equal(p->cmdline, "prog -x arg");
	assert_string_equal(p->tty, "pts/3");
	assert_string_equal(p->container_id, CID);
	assert_false(p->exe_memfd);
	assert_int_equal(p->nancestors, 1);
	assert_int_equal(p->ancestors[0].pid, 1);
	assert_string_equal(p->ancestors[0].exe, "/sbin/init");

	p = nj_proctable_lookup(t, 41);
	assert_true(p->exe_memfd);
	assert_string_equal(p->container_id, "");
	assert_int_equal(p->nancestors, 2);
	assert_string_equal(p->ancestors[0].name, "nginx: worker (");
	assert_string_equal(p->ancestors[1].name, "init");
	assert_int_equal(nj_counter_get_by_name("process.tracked"), 3);
	nj_proctable_free(t);
}

static void event(struct nj_syscall *sc, enum nj_sc_type type, uint32_t pid, uint32_t ppid,
		  const char *comm, long sec)
{
	nj_syscall_init(sc);
	sc->type = type;
	sc->pid = sc->tid = pid;
	sc->ppid = ppid;
	sc->ts.tv_sec = sec;
	snprintf(sc->comm, sizeof(sc->comm), "%s", comm);
}

static void test_lifecycle(void **state)
{
	struct nj_proctable *t = nj_proctable_new(NULL, false);
	struct nj_syscall sc;
	const struct nj_process *p;
	struct timeval now = { 0 };

	/* Without /proc, a first event creates a bare entry. */
	event(&sc, NJ_SC_OPENAT, 100, 1, "bash", 1000);
	assert_non_null(nj_proctable_update(t, &sc));
	event(&sc, NJ_SC_EXECVE, 100, 1, "bash", 1000);
	sc.path = "/usr/bin/bash";
	sc.path_len = 13;
	sc.argv = "bash -i";
	sc.argv_len = 7;
	nj_proctable_update(t, &sc);

	event(&sc, NJ_SC_PROC_FORK, 100, 1, "bash", 1001);
	sc.target_pid = 101;
	p = nj_proctable_update(t, &sc);
	assert_int_equal(p->pid, 100);
	p = nj_proctable_lookup(t, 101);
	assert_non_null(p);
	assert_string_equal(p->exe, "/usr/bin/bash");     /* inherited until exec */
	assert_int_equal(p->ppid, 100);

	/* A fork record naming its own pid, and an event updated twice,
	 * leave the parent intact. */
	event(&sc, NJ_SC_PROC_FORK, 100, 1, "bash", 1001);
	sc.target_pid = 100;
	nj_proctable_update(t, &sc);
	nj_proctable_update(t, &sc);
	assert_string_equal(nj_proctable_lookup(t, 100)->exe, "/usr/bin/bash");

	event(&sc, NJ_SC_EXECVE, 101, 100, "curl", 1002);
	sc.path = "/usr/bin/curl";
	sc.path_len = 13;
	sc.argv = "curl -s http://x";
	sc.argv_len = 16;
	sc.exe_memfd = false;
	sc.uid = sc.euid = 33;
	p = nj_proctable_update(t, &sc);
	assert_ptr_equal(p, sc.proc);
	assert_string_equal(p->exe, "/usr/bin/curl");
	assert_string_equal(p->cmdline, "curl -s http://x");
	assert_string_equal(p->name, "curl");
	assert_int_equal(p->euid, 33);
	assert_int_equal(p->start.tv_sec, 1002);
	assert_int_equal(p->nancestors, 2);
	assert_int_equal(p->ancestors[0].pid, 100);
	assert_string_equal(p->ancestors[0].exe, "/usr/bin/bash");
	assert_int_equal(p->ancestors[1].pid, 1);

	/* A failed exec changes nothing. */
	event(&sc, NJ_SC_EXECVE, 101, 100, "curl", 1003);
	sc.ret = -ENOENT;
	sc.path = "/nope";
	sc.path_len = 5;
	nj_proctable_update(t, &sc);
	assert_string_equal(nj_proctable_lookup(t, 101)->exe, "/usr/bin/curl");

	event(&sc, NJ_SC_EXIT, 101, 100, "curl", 1004);
	nj_proctable_update(t, &sc);
	assert_true(nj_proctable_lookup(t, 101)->exited);
	now.tv_sec = 1006;
	nj_proctable_expire(t, &now);
	assert_non_null(nj_proctable_lookup(t, 101));      /* lingers */
	now.tv_sec = 1009;
	nj_proctable_expire(t, &now);
	assert_null(nj_proctable_lookup(t, 101));
	assert_non_null(nj_proctable_lookup(t, 100));
	nj_proctable_free(t);
}

static void test_memcap(void **state)
{
	struct nj_config *cfg = nj_config_new();
	struct nj_proctable *t;
	struct nj_syscall sc;
	uint64_t before = nj_counter_get_by_name("process.evicted");

	nj_config_set(cfg, "process.memcap", "64kb");
	t = nj_proctable_new(cfg, false);
	for (uint32_t pid = 1000; pid < 1200; pid++) {
		event(&sc, NJ_SC_OPENAT, pid, 1, "x", pid);
		nj_proctable_update(t, &sc);
		assert_non_null(sc.proc);
	}
	assert_true(nj_proctable_count(t) < 200);
	assert_true(nj_counter_get_by_name("process.evicted") - before ==
		    200 - nj_proctable_count(t));
	/* The least recently used go first. */
	assert_null(nj_proctable_lookup(t, 1000));
	assert_non_null(nj_proctable_lookup(t, 1199));
	nj_proctable_free(t);
	nj_config_free(cfg);
}

static void test_stage(void **state)
{
	struct nj_worker w;
	struct nj_syscall sc;
	struct nj_event ev = { .kind = NJ_EV_SYSCALL, .sc = &sc };
	struct nj_proctable *t;

	nj_bus_reset();
	assert_int_equal(nj_bus_register(&nj_process_stage), 0);
	assert_int_equal(nj_worker_init(&w, 0, true), 0);
	t = nj_proctable_of(&w);
	assert_non_null(t);
	event(&sc, NJ_SC_OPENAT, 300, 1, "cat", 50);
	nj_bus_dispatch(&w, &ev);
	assert_non_null(sc.proc);
	assert_int_equal(sc.proc->pid, 300);
	assert_string_equal(sc.proc->name, "cat");
	event(&sc, NJ_SC_EXIT, 300, 1, "cat", 51);
	nj_bus_dispatch(&w, &ev);
	w.now.tv_sec = 100;
	nj_bus_tick(&w);
	assert_null(nj_proctable_lookup(t, 300));
	nj_worker_fini(&w);
	nj_bus_reset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_seed, setup, teardown),
		cmocka_unit_test(test_lifecycle),
		cmocka_unit_test(test_memcap),
		cmocka_unit_test(test_stage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
