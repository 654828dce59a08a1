/* Default-route interface from /proc/net/route and /proc/net/ipv6_route. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "capture/afpacket.h"

static char path4[64], path6[64];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	snprintf(path4, sizeof(path4), "/tmp/nj-route4-%d", (int)getpid());
	snprintf(path6, sizeof(path6), "/tmp/nj-route6-%d", (int)getpid());
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(path4);
	unlink(path6);
	return 0;
}

#define HDR4 "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"

static void test_ipv4_lowest_metric(void **state)
{
	char buf[32];

	(void)state;
	write_file(path4, HDR4
			  "eth1\t00000000\t010200C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
			  "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			  "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n");
	assert_int_equal(nj_default_route_iface_from(path4, NULL, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "wlan0");
	assert_int_equal(nj_default_route_iface_from(path4, NULL, buf, 3), -ENOSPC);
}

static void test_ipv4_none_then_ipv6(void **state)
{
	char buf[32];

	(void)state;
	write_file(path4, HDR4
			  "eth0\t000200C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
			  "eth2\t00000000\t00000000\t0000\t0\t0\t0\t00000000\t0\t0\t0\n");
	write_file(path6,
		   "fe800000000000000000000000000000 40 00000000000000000000000000000000 00 "
		   "00000000000000000000000000000000 00000100 00000002 00000000 00000001     eth0\n"
		   "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
		   "00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"
		   "00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
		   "fd000000000000000000000000000001 00000400 00000002 00000000 00000003     ens3\n");
	assert_int_equal(nj_default_route_iface_from(path4, path6, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "ens3");
}

static void test_none(void **state)
{
	char buf[32];

	(void)state;
	write_file(path4, HDR4);
	assert_int_equal(nj_default_route_iface_from(path4, "/nonexistent", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(nj_default_route_iface_from(NULL, NULL, buf, sizeof(buf)), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ipv4_lowest_metric, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ipv4_none_then_ipv6, setup, teardown),
		cmocka_unit_test_setup_teardown(test_none, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
