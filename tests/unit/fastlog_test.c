/* fast.log lines, compared as exact strings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>

#include <cmocka.h>

#include "core/config.h"
#include "output/fastlog.h"
#include "output_fixture.h"

static void test_ipv4_tcp(void **state)
{
	struct fixture x;
	char line[1024];

	(void)state;
	fx_init(&x, false);
	x.r.msg = "ET POLICY Suspicious inbound";
	int n = nj_fastlog_format(&x.a, line, sizeof(line));
	assert_int_equal(n, (int)strlen(line));
	assert_string_equal(line,
			    "11/27/2026-12:00:00.123456  [**] [1:2019401:3] ET POLICY Suspicious "
			    "inbound [**] [Classification: Potentially Bad Traffic] [Priority: 2] "
			    "{TCP} 10.0.0.1:51234 -> 93.184.216.34:80\n");
}

static void test_ipv6_icmp_blocked_noclass(void **state)
{
	struct fixture x;
	char line[1024];

	(void)state;
	fx_init(&x, true);
	x.p.proto = 58;
	x.p.icmp.type = 128;
	x.p.icmp.code = 0;
	x.r.class_desc = NULL;
	x.r.priority = 3;
	x.r.msg = "ping\nwith a newline";
	x.a.blocked = true;
	assert_true(nj_fastlog_format(&x.a, line, sizeof(line)) > 0);
	assert_string_equal(line,
			    "11/27/2026-12:00:00.123456  [Drop] [**] [1:2019401:3] ping?with a "
			    "newline [**] [Priority: 3] {IPv6-ICMP} "
			    "2001:0db8:0000:0000:0000:0000:0000:0001:128 -> "
			    "2001:0db8:0000:0000:0000:0000:0000:0002:0\n");
}

static void test_no_ports_and_short_buffer(void **state)
{
	struct fixture x;
	char line[1024];

	(void)state;
	fx_init(&x, false);
	x.p.proto = 47;
	x.r.msg = "gre";
	assert_true(nj_fastlog_format(&x.a, line, sizeof(line)) > 0);
	assert_string_equal(line, "11/27/2026-12:00:00.123456  [**] [1:2019401:3] gre [**] "
				  "[Classification: Potentially Bad Traffic] [Priority: 2] "
				  "{GRE} 10.0.0.1 -> 93.184.216.34\n");
	assert_int_equal(nj_fastlog_format(&x.a, line, 40), -ENOSPC);
}

static void test_writer(void **state)
{
	char dir[] = "/tmp/nj-fast-XXXXXX", path[256], err[256], buf[4096];
	struct nj_config *cfg = nj_config_new();
	struct fixture x;
	FILE *f;
	size_t n;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fx_init(&x, false);
	struct nj_fastlog *fl = nj_fastlog_new(cfg, dir, err, sizeof(err));
	assert_non_null(fl);
	nj_fastlog_write(fl, &x.a);
	nj_fastlog_write(fl, &x.a);
	nj_fastlog_free(fl);
	snprintf(path, sizeof(path), "%s/fast.log", dir);
	assert_non_null(f = fopen(path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_int_equal(n % 2, 0);
	assert_memory_equal(buf, buf + n / 2, n / 2);
	assert_true(strstr(buf, "[1:2019401:3]") != NULL);
	unlink(path);
	rmdir(dir);
	nj_config_free(cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_tcp),
		cmocka_unit_test(test_ipv6_icmp_blocked_noclass),
		cmocka_unit_test(test_no_ports_and_short_buffer),
		cmocka_unit_test(test_writer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
