/* Sinks: whole lines over unix dgram/stream sockets and into files, from
 * several threads at once; file reopen after rename; torn lines cut back
 * off; reconnection; config parsing. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/counters.h"
#include "output/sink.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/nj-sink-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

/* Line "T<t> N<n> <filler>\n" whose length depends on t and n. */
static size_t make_line(char *buf, int t, int n)
{
	size_t fill = (size_t)((t * 131 + n * 17) % 3000);
	int k = snprintf(buf, 64, "T%d N%d ", t, n);

	memset(buf + k, 'a' + t, fill);
	buf[(size_t)k + fill] = '\n';
	return (size_t)k + fill + 1;
}

/* Checks that a buffer holds only whole lines made by make_line(); returns
 * how many. */
static int check_lines(const char *buf, size_t len)
{
	char want[4096];
	size_t off = 0;
	int count = 0;

	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		int t, n;
		assert_non_null(nl);
		assert_int_equal(sscanf(buf + off, "T%d N%d ", &t, &n), 2);
		size_t wl = make_line(want, t, n);
		assert_int_equal((size_t)(nl - (buf + off)) + 1, wl);
		assert_memory_equal(buf + off, want, wl);
		off += wl;
		count++;
	}
	return count;
}

static void test_file_reopen_after_rename(void **state)
{
	char path[128], moved[160];
	size_t len;
	char *s;

	(void)state;
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	snprintf(moved, sizeof(moved), "%s/eve.json.1", dir);
	struct nj_sink *k = nj_sink_file_open(path);
	assert_non_null(k);
	assert_int_equal(nj_sink_write(k, "one\n", 4), 0);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(nj_sink_write(k, "two\n", 4), 0);   /* still the old file */
	assert_int_equal(nj_sink_reopen(k), 0);
	assert_int_equal(nj_sink_write(k, "three\n", 6), 0);
	nj_sink_free(k);
	s = slurp(moved, &len);
	assert_string_equal(s, "one\ntwo\n");
	free(s);
	s = slurp(path, &len);
	assert_string_equal(s, "three\n");
	free(s);
}

struct writer_arg {
	struct nj_sink *k;
	int t, lines;
};

static void *writer(void *p)
{
	struct writer_arg *w = p;
	char line[4096];

	for (int n = 0; n < w->lines; n++) {
		size_t l = make_line(line, w->t, n);
		nj_sink_write(w->k, line, l);
	}
	return NULL;
}

static void run_writers(struct nj_sink *k, int threads, int lines)
{
	pthread_t th[8];
	struct writer_arg args[8];

	for (int t = 0; t < threads; t++) {
		args[t] = (struct writer_arg){ k, t, lines };
		assert_int_equal(pthread_create(&th[t], NULL, writer, &args[t]), 0);
	}
	for (int t = 0; t < threads; t++)
		pthread_join(th[t], NULL);
}

static void test_file_threads(void **state)
{
	char path[128];
	size_t len;

	(void)state;
	snprintf(path, sizeof(path), "%s/threads.json", dir);
	struct nj_sink *k = nj_sink_file_open(path);
	assert_non_null(k);
	run_writers(k, 4, 1000);
	nj_sink_free(k);
	char *s = slurp(path, &len);
	assert_int_equal(check_lines(s, len), 4000);
	free(s);
}

/* A file size limit cuts a write short: the partial line must not stay. */
static void test_file_short_write(void **state)
{
	char path[128];
	size_t len;
	int status;
	pid_t pid;

	(void)state;
	snprintf(path, sizeof(path), "%s/short.json", dir);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 1000, 1000 };
		char line[64];
		int failed = 0;
		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		struct nj_sink *k = nj_sink_file_open(path);
		if (!k)
			_exit(100);
		for (int i = 0; i < 50; i++) {
			memset(line, 'x', sizeof(line));
			snprintf(line, sizeof(line), "%03d ", i);
			line[3] = ' ';
			line[29] = '\n';
			failed += nj_sink_write(k, line, 30) < 0;
		}
		nj_sink_free(k);
		_exit(failed == 17 ? 0 : 101);  /* 33 lines fit in 1000 bytes */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	char *s = slurp(path, &len);
	assert_int_equal(len, 990);
	for (size_t i = 0; i < len; i += 30) {
		assert_int_equal(s[i + 29], '\n');
		assert_int_equal(atoi(s + i), (int)(i / 30));
	}
	free(s);
}

static int bind_unix(const char *path, int type)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, type, 0);

	assert_true(fd >= 0);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	unlink(path);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	if (type == SOCK_STREAM)
		assert_int_equal(listen(fd, 4), 0);
	return fd;
}

static void test_unix_dgram(void **state)
{
	char path[128], buf[8192];
	int fd;

	(void)state;
	snprintf(path, sizeof(path), "%s/dgram.sock", dir);
	fd = bind_unix(path, SOCK_DGRAM);
	struct nj_sink *k = nj_sink_unix_open(path, false);
	assert_non_null(k);
	assert_int_equal(nj_sink_write(k, "{\"a\":1}\n", 8), 0);
	char big[5000];
	size_t bl = make_line(big, 3, 7);
	assert_int_equal(nj_sink_write(k, big, bl), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), 8);
	assert_memory_equal(buf, "{\"a\":1}\n", 8);
	assert_int_equal(recv(fd, buf, sizeof(buf), 0), (ssize_t)bl);
	assert_memory_equal(buf, big, bl);
	nj_sink_free(k);
	close(fd);
}

struct reader_arg {
	int lfd;
	char *buf;
	size_t len, cap;
};

/* Reads every connection until the writers are done (EOF after free);
 * keeps only complete lines of each connection. */
static void *reader(void *p)
{
	struct reader_arg *r = p;

	for (;;) {
		struct pollfd pfd = { .fd = r->lfd, .events = POLLIN };
		if (poll(&pfd, 1, 500) <= 0)
			return NULL;
		int c = accept(r->lfd, NULL, NULL);
		if (c < 0)
			return NULL;
		size_t start = r->len;
		for (;;) {
			if (r->cap - r->len < 65536) {
				r->cap = r->cap * 2 + 65536;
				r->buf = realloc(r->buf, r->cap);
			}
			ssize_t n = recv(c, r->buf + r->len, r->cap - r->len, 0);
			if (n <= 0)
				break;
			r->len += (size_t)n;
		}
		close(c);
		/* a connection cut mid-line: drop the fragment */
		while (r->len > start && r->buf[r->len - 1] != '\n')
			r->len--;
		if (r->len == start && start == 0)
			continue;
	}
}

static void test_unix_stream_threads(void **state)
{
	char path[128];
	struct reader_arg r = { 0 };
	pthread_t rt;
	uint64_t err0 = nj_counter_get_by_name("output.errors");

	(void)state;
	snprintf(path, sizeof(path), "%s/stream.sock", dir);
	r.lfd = bind_unix(path, SOCK_STREAM);
	assert_int_equal(pthread_create(&rt, NULL, reader, &r), 0);
	struct nj_sink *k = nj_sink_unix_open(path, true);
	assert_non_null(k);
	run_writers(k, 4, 500);
	nj_sink_free(k);        /* EOF for the reader */
	pthread_join(rt, NULL);
	int got = check_lines(r.buf, r.len);
	uint64_t errs = nj_counter_get_by_name("output.errors") - err0;
	print_message("stream: %d lines received, %llu dropped\n", got, (unsigned long long)errs);
	assert_int_equal((uint64_t)got + errs, 2000);
	assert_true(got > 0);
	free(r.buf);
	close(r.lfd);
}

static void test_unix_reconnect(void **state)
{
	char path[128], buf[64];
	struct timespec pause = { 0, 250 * 1000000 };
	uint64_t err0 = nj_counter_get_by_name("output.errors");
	int fd;

	(void)state;
	signal(SIGPIPE, SIG_DFL);       /* a SIGPIPE would kill the test */
	snprintf(path, sizeof(path), "%s/late.sock", dir);
	struct nj_sink *k = nj_sink_unix_open(path, false);
	assert_non_null(k);
	assert_true(nj_sink_write(k, "lost\n", 5) < 0);
	assert_true(nj_counter_get_by_name("output.errors") > err0);
	fd = bind_unix(path, SOCK_DGRAM);
	nanosleep(&pause, NULL);        /* past the first back-off */
	assert_int_equal(nj_sink_write(k, "kept\n", 5), 0);
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 5);
	assert_memory_equal(buf, "kept\n", 5);
	nj_sink_free(k);
	close(fd);

	/* a stream peer that goes away: EPIPE counted, no signal */
	snprintf(path, sizeof(path), "%s/gone.sock", dir);
	fd = bind_unix(path, SOCK_STREAM);
	k = nj_sink_unix_open(path, true);
	assert_non_null(k);
	int c = accept(fd, NULL, NULL);
	close(c);
	close(fd);
	unlink(path);
	for (int i = 0; i < 5; i++)
		nj_sink_write(k, "after\n", 6);
	assert_true(nj_sink_write(k, "after\n", 6) < 0);
	nj_sink_free(k);
}

/* stdout into a pipe nobody reads: EPIPE, not a dead process. */
static void test_stdout_broken_pipe(void **state)
{
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fds[2];
		if (pipe(fds) < 0)
			_exit(2);
		signal(SIGPIPE, SIG_DFL);
		close(fds[0]);
		dup2(fds[1], STDOUT_FILENO);
		struct nj_sink *k = nj_sink_stdout_open();
		int rc = nj_sink_write(k, "x\n", 2);
		nj_sink_free(k);
		_exit(rc == -EPIPE ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

static void test_config(void **state)
{
	char yaml[512], err[256], path[160], sock[160], buf[64];
	struct nj_config *cfg = nj_config_new();
	struct nj_sinks set;
	size_t len;
	int fd;

	(void)state;
	snprintf(sock, sizeof(sock), "%s/cfg.sock", dir);
	fd = bind_unix(sock, SOCK_DGRAM);
	snprintf(yaml, sizeof(yaml),
		 "outputs:\n  eve:\n    filetype: [regular, unix_dgram, syslog]\n"
		 "    filename: out.json\n    socket: %s\n    facility: local3\n", sock);
	assert_int_equal(nj_config_load_string(cfg, yaml, err, sizeof(err)), 0);
	assert_int_equal(nj_sinks_open(&set, cfg, "outputs.eve", dir, "eve.json", err,
				       sizeof(err)), 0);
	assert_int_equal(set.n, 3);
	nj_sinks_write(&set, "both\n", 5);
	nj_sinks_close(&set);
	snprintf(path, sizeof(path), "%s/out.json", dir);
	char *s = slurp(path, &len);
	assert_string_equal(s, "both\n");
	free(s);
	assert_int_equal(recv(fd, buf, sizeof(buf), MSG_DONTWAIT), 5);
	close(fd);

	nj_config_set(cfg, "outputs.bad.filetype", "carrier-pigeon");
	assert_int_equal(nj_sinks_open(&set, cfg, "outputs.bad", dir, "x", err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "carrier-pigeon"));
	nj_config_set(cfg, "outputs.bad.filetype", "syslog");
	nj_config_set(cfg, "outputs.bad.facility", "nowhere");
	assert_true(nj_sinks_open(&set, cfg, "outputs.bad", dir, "x", err, sizeof(err)) < 0);
	nj_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_file_reopen_after_rename),
		cmocka_unit_test(test_file_threads),
		cmocka_unit_test(test_file_short_write),
		cmocka_unit_test(test_unix_dgram),
		cmocka_unit_test(test_unix_stream_threads),
		cmocka_unit_test(test_unix_reconnect),
		cmocka_unit_test(test_stdout_broken_pipe),
		cmocka_unit_test(test_config),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
