/* unified2 records compared byte for byte with the Snort 2.9 layout, file
 * rolling at the size limit. With NJ_U2_DIR set, writes a known set of
 * alerts there (and their summary to NJ_U2_DIR/expected.txt) for the
 * reader round trip in tests/output/unified2_roundtrip.sh. */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/flow.h"
#include "core/process.h"
#include "output/hold.h"
#include "output/unified2.h"
#include "output_fixture.h"

/* Hex with spaces and newlines allowed, to bytes. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;

	for (; *s; s++) {
		int v;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			continue;
		if (hi < 0) {
			hi = v;
		} else {
			assert_true(n < cap);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n;
}

static const char event4_hex[] =
	/* header: type 104, length 60 */
	"00000068 0000003c"
	/* sensor 0, event 1, second, microsecond */
	"00000000 00000001 6b0970c0 0001e240"
	/* sid 2019401, gid 1, rev 3, classification 0, priority 2 */
	"001ed049 00000001 00000003 00000000 00000002"
	/* 10.0.0.1 -> 93.184.216.34, 51234 -> 80 */
	"0a000001 5db8d822 c822 0050"
	/* proto 6, impact flag, impact, blocked; mpls; vlan; pad */
	"06 00 00 00 00000000 0000 0000";

static const char packet_hdr_hex[] =
	/* type 2, length 28 + 101 */
	"00000002 00000081"
	/* sensor, event 1, event second, packet second, microsecond */
	"00000000 00000001 6b0970c0 6b0970c0 0001e240"
	/* linktype 1, length 101 */
	"00000001 00000065";

static const char flow_extra_hex[] =
	/* type 110, length 32 + 8 */
	"0000006e 00000028"
	/* event type 4 (extra data), event length */
	"00000004 00000028"
	/* sensor, event 1, event second, type 1001, blob, blob length 8 + 8 */
	"00000000 00000001 6b0970c0 000003e9 00000001 00000010"
	"0000011f71fb04cb";

static void test_ipv4_bytes(void **state)
{
	struct nj_unified2 u = { .packet = true };
	struct fixture x;
	uint8_t exp[512], got[512];
	size_t n = 0, need;

	(void)state;
	fx_init(&x, false);
	n += unhex(event4_hex, exp + n, sizeof(exp) - n);
	assert_int_equal(n, 8 + 60);
	n += unhex(packet_hdr_hex, exp + n, sizeof(exp) - n);
	memcpy(exp + n, x.frame, x.p.caplen);
	n += x.p.caplen;
	n += unhex(flow_extra_hex, exp + n, sizeof(exp) - n);
	long len = nj_unified2_build(&u, 1, &x.a, got, sizeof(got), &need);
	assert_int_equal(len, (long)n);
	assert_int_equal(need, n);
	assert_memory_equal(got, exp, n);
	/* too small a buffer says how much is needed */
	assert_int_equal(nj_unified2_build(&u, 1, &x.a, got, 10, &need), -ENOSPC);
	assert_int_equal(need, n);
}

static const char event6_hex[] =
	"00000069 00000054"
	"00000007 00000009 6b0970c0 0001e240"
	"001ed049 00000001 00000003 00000000 00000002"
	"20010db8000000000000000000000001"
	"20010db8000000000000000000000002"
	"0080 0000"
	"3a 00 00 01 00000000 0064 0000";

static uint8_t host_value[] = "example.com";

static int get_buffer(const struct nj_app_tx *tx, int id, uint32_t idx, struct nj_buf *out)
{
	static const char hdrs[] = "Host: example.com\r\nX-Forwarded-For: 192.0.2.9, 10.1.1.1\r\n";

	if (idx)
		return 0;
	if (id == NJ_BUF_HTTP_HOST_RAW) {
		out->ptr = host_value;
		out->len = 11;
		return 1;
	}
	if (id == NJ_BUF_HTTP_HEADER) {
		out->ptr = (const uint8_t *)hdrs;
		out->len = sizeof(hdrs) - 1;
		return 1;
	}
	return 0;
}

static void test_ipv6_icmp_extras(void **state)
{
	struct nj_unified2 u = { .sensor_id = 7, .packet = false };
	struct nj_app_tx tx = { .proto = NJ_APP_HTTP, .get_buffer = get_buffer };
	struct fixture x;
	uint8_t exp[512], got[512];
	size_t n;

	(void)state;
	fx_init(&x, true);
	x.p.proto = 58;
	x.p.icmp.type = 128;
	x.p.vlan[0] = 100;
	x.p.vlan_count = 1;
	x.a.blocked = true;
	x.a.flow = NULL;
	x.p.flow = NULL;
	x.a.tx = &tx;
	n = unhex(event6_hex, exp, sizeof(exp));
	assert_int_equal(n, 8 + 84);
	/* XFF (type 1, the first address) then hostname (type 10) */
	n += unhex("0000006e 00000024 00000004 00000024"
		   "00000007 00000009 6b0970c0 00000001 00000001 0000000c"
		   "c0000209", exp + n, sizeof(exp) - n);
	n += unhex("0000006e 0000002b 00000004 0000002b"
		   "00000007 00000009 6b0970c0 0000000a 00000001 00000013", exp + n,
		   sizeof(exp) - n);
	memcpy(exp + n, "example.com", 11);
	n += 11;
	long len = nj_unified2_build(&u, 9, &x.a, got, sizeof(got), NULL);
	assert_int_equal(len, (long)n);
	assert_memory_equal(got, exp, n);
}

static void test_syscall_alert_zero_addresses(void **state)
{
	struct nj_unified2 u = { .packet = true };
	struct fixture x;
	uint8_t got[256];

	(void)state;
	fx_init(&x, false);
	x.a.p = NULL;
	x.a.flow = NULL;
	assert_int_equal(nj_unified2_build(&u, 1, &x.a, got, sizeof(got), NULL), 68);
	for (int i = 44; i < 68; i++)
		assert_int_equal(got[i], 0);
}

static int count_files(const char *dir, off_t *total)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	*total = 0;
	assert_non_null(d);
	while ((e = readdir(d))) {
		char path[512];
		struct stat st;
		if (strncmp(e->d_name, "unified2.alert.", 15))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(stat(path, &st), 0);
		assert_true(st.st_size <= 4096);
		*total += st.st_size;
		n++;
		unlink(path);
	}
	closedir(d);
	return n;
}

static void test_rolling(void **state)
{
	char dir[] = "/tmp/nj-u2-XXXXXX", err[256];
	struct nj_config *cfg = nj_config_new();
	struct fixture x;
	off_t total;

	(void)state;
	assert_non_null(mkdtemp(dir));
	nj_config_set(cfg, "outputs.unified2.limit", "4kb");
	fx_init(&x, false);
	struct nj_unified2 *u = nj_unified2_new(cfg, dir, NJ_LINKTYPE_ETHERNET, err, sizeof(err));
	assert_non_null(u);
	/* 68 + 137 + 48 = 253 bytes an alert: 16 fit in 4096 */
	for (int i = 0; i < 40; i++)
		nj_unified2_write(u, &x.a);
	assert_int_equal(u->event_id, 40);
	nj_unified2_free(u);
	assert_int_equal(count_files(dir, &total), 3);
	assert_int_equal(total, 40 * 253);
	rmdir(dir);
	nj_config_free(cfg);
}

static void finish_u2(const struct nj_held *h, void *arg)
{
	nj_unified2_finish(arg, h);
}

/* The records of the one unified2 file in dir (emptied after), or 0 bytes. */
static size_t read_file(const char *dir, uint8_t *buf, size_t cap)
{
	char path[512];
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)))
		if (!strncmp(e->d_name, "unified2.alert.", 15)) {
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			FILE *f = fopen(path, "rb");
			assert_non_null(f);
			n = fread(buf, 1, cap, f);
			fclose(f);
			assert_int_equal(truncate(path, 0), 0);
		}
	closedir(d);
	return n;
}

/* Whether the records hold an extra-data record of type t. */
static bool has_extra(const uint8_t *b, size_t n, uint32_t t)
{
	for (size_t off = 0; off + 8 <= n;) {
		uint32_t type = (uint32_t)b[off] << 24 | b[off + 1] << 16 | b[off + 2] << 8 | b[off + 3];
		uint32_t len = (uint32_t)b[off + 4] << 24 | b[off + 5] << 16 | b[off + 6] << 8 | b[off + 7];
		if (type == NJ_U2_EXTRA_DATA && off + 8 + 32 <= n &&
		    ((uint32_t)b[off + 28] << 24 | b[off + 29] << 16 | b[off + 30] << 8 | b[off + 31]) == t)
			return true;
		off += 8 + len;
	}
	return false;
}

/* An alert of a flow whose process is not known yet waits (output/hold.h)
 * and is written with the process records once the flow has one; one that
 * is due goes without them. */
static void test_alert_waits_for_process(void **state)
{
	char dir[] = "/tmp/nj-u2w-XXXXXX", err[256];
	struct nj_config *cfg = nj_config_new();
	struct nj_process proc = { .pid = 77, .name = "curl", .exe = "/usr/bin/curl", .cmdline = "curl x",
				    .cwd = "/", .user = "root", .tty = "", .container_id = "" };
	struct fixture x;
	uint8_t buf[4096];
	int64_t t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fx_init(&x, false);
	t = (int64_t)x.a.ts.tv_sec * 1000000 + x.a.ts.tv_usec;
	nj_hold_config(cfg);
	nj_correlation_set_active(true);
	struct nj_unified2 *u = nj_unified2_new(cfg, dir, NJ_LINKTYPE_ETHERNET, err, sizeof(err));
	assert_non_null(u);
	nj_unified2_write(u, &x.a);
	nj_hold_release(t, NULL, finish_u2, u);
	assert_int_equal(read_file(dir, buf, sizeof(buf)), 0);
	x.f.owner = nj_proc_owner_new(&proc, NULL);
	x.f.owner_match = NJ_SM_CONNECTED;
	nj_hold_release(t, NULL, finish_u2, u);
	size_t n = read_file(dir, buf, sizeof(buf));
	assert_int_equal(n, 253 + 4 * 40 + 12 + 4 + 13 + 6);
	assert_true(has_extra(buf, n, NJ_U2_EXTRA_NJ_PROC_NAME));
	/* never resolved: due after the delay, written without them */
	nj_proc_owner_unref(x.f.owner);
	x.f.owner = NULL;
	x.f.owner_match = NJ_SM_NONE;
	nj_unified2_write(u, &x.a);
	nj_hold_release(t + 300000, NULL, finish_u2, u);
	n = read_file(dir, buf, sizeof(buf));
	assert_int_equal(n, 253);
	assert_false(has_extra(buf, n, NJ_U2_EXTRA_NJ_PROC_NAME));
	nj_correlation_set_active(false);
	nj_unified2_free(u);
	off_t total;
	count_files(dir, &total);
	rmdir(dir);
	nj_config_free(cfg);
}

/* Alerts for the reader round trip: a mix of IPv4/IPv6, TCP/UDP/ICMP. */
static int write_for_reader(const char *dir)
{
	char path[512], err[256];
	struct nj_config *cfg = nj_config_new();
	struct fixture x;
	FILE *exp;

	nj_config_set(cfg, "outputs.unified2.limit", "4kb");
	struct nj_unified2 *u = nj_unified2_new(cfg, dir, NJ_LINKTYPE_ETHERNET, err, sizeof(err));
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	exp = fopen(path, "w");
	if (!u || !exp)
		return 1;
	for (int i = 0; i < 30; i++) {
		fx_init(&x, i % 3 == 1);
		x.r.sid = 1000 + (uint32_t)i;
		x.r.rev = 1 + (uint32_t)i % 4;
		x.p.sport = x.f.cport = (uint16_t)(40000 + i);
		x.a.ts.tv_sec += i;
		x.p.ts.tv_sec += i;
		/* keep the frame's TCP source port in step with the packet */
		x.frame[14 + (x.p.ip_ver == 6 ? 40 : 20)] = (uint8_t)(x.p.sport >> 8);
		x.frame[14 + (x.p.ip_ver == 6 ? 40 : 20) + 1] = (uint8_t)x.p.sport;
		nj_unified2_write(u, &x.a);
		char s[48], d[48];
		fprintf(exp, "%u %u %u %s %u %s %u %d\n", x.r.gid, x.r.sid, x.r.rev,
			nj_addr_str(&x.p.src, s, sizeof(s)), x.p.sport,
			nj_addr_str(&x.p.dst, d, sizeof(d)), x.p.dport, x.p.proto);
	}
	nj_unified2_free(u);
	nj_config_free(cfg);
	return fclose(exp) == 0 ? 0 : 1;
}

int main(void)
{
	const char *dir = getenv("NJ_U2_DIR");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipv4_bytes),
		cmocka_unit_test(test_ipv6_icmp_extras),
		cmocka_unit_test(test_syscall_alert_zero_addresses),
		cmocka_unit_test(test_rolling),
		cmocka_unit_test(test_alert_waits_for_process),
	};

	if (dir)
		return write_for_reader(dir);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
