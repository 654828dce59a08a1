/* IP defragmentation: every overlap policy on Novak/Sturges' fragment
 * pattern (expected bytes as published with Suricata's defrag tests) for
 * IPv4 and IPv6, anomalies, VLAN separation, timeout and memcap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/counters.h"
#include "decode/events.h"
#include "preprocessors/defrag.h"
#include "decode/events.h"
#include "pkt_build.h"

/* Reassembled packets seen by the stage after defrag. */
static struct {
	int n;
	uint8_t data[70000];
	uint32_t len;
	uint32_t flags;
	uint8_t proto;
	uint32_t payload_len;
	int linktype;
} got;

static int capture(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	const struct nj_packet *p = ev->pkt;

	if (!(p->flags & NJ_PKT_REASSEMBLED))
		return NJ_BUS_CONTINUE;
	got.n++;
	got.len = p->caplen;
	memcpy(got.data, p->data, p->caplen);
	got.flags = p->flags;
	got.proto = p->proto;
	got.payload_len = p->payload_len;
	got.linktype = p->linktype;
	return NJ_BUS_CONTINUE;
}

static const struct nj_stage capture_stage = {
	.name = "capture", .order = NJ_STAGE_FLOW, .kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = capture,
};

static struct nj_worker w;

static int setup_with(const char *kv[])
{
	struct nj_config *cfg = nj_config_new();

	for (int i = 0; kv && kv[i]; i++)
		nj_config_set_kv(cfg, kv[i]);
	nj_bus_reset();
	int rc = nj_defrag_stage_register(cfg);
	nj_config_free(cfg);
	if (rc < 0 || nj_bus_register(&capture_stage) < 0)
		return -1;
	memset(&got, 0, sizeof(got));
	return nj_worker_init(&w, 0, true);
}

static int setup(void **state)
{
	return setup_with(NULL);
}

static int teardown(void **state)
{
	nj_worker_fini(&w);
	return 0;
}

static uint8_t raw[2048];
static uint16_t cur_vlan;
static struct nj_packet pk;

/* Sends an IPv4 fragment of ICMP: id, byte offset, more-fragments, len
 * bytes of c. */
static struct nj_packet *frag4(const char *src, const char *dst, uint16_t id, uint32_t off,
			       bool mf, char c, uint32_t len, time_t t)
{
	memset(raw, 0, 20);
	raw[0] = 0x45;
	raw[2] = (uint8_t)((20 + len) >> 8);
	raw[3] = (uint8_t)(20 + len);
	raw[4] = (uint8_t)(id >> 8);
	raw[5] = (uint8_t)id;
	uint16_t fo = (uint16_t)((off / 8) | (mf ? 0x2000 : 0));
	raw[6] = (uint8_t)(fo >> 8);
	raw[7] = (uint8_t)fo;
	raw[8] = 64;
	raw[9] = 1;
	nj_addr_parse(src, &pk.src);
	memcpy(raw + 12, pk.src.b, 4);
	memset(raw + 20, c, len);
	tb_ip(&pk, src, dst, 1, t);
	memcpy(raw + 16, pk.dst.b, 4);
	if (cur_vlan) {
		pk.vlan[0] = cur_vlan;
		pk.vlan_count = 1;
	}
	pk.data = raw;
	pk.caplen = pk.wirelen = 20 + len;
	pk.l3 = raw;
	pk.l3_len = 20 + len;
	pk.ip_hlen = 20;
	pk.frag_off = (uint16_t)off;
	pk.frag_mf = mf;
	tb_run(&w, &pk);
	return &pk;
}

/* IPv6 fragment: base header, a destination-options header, then the
 * fragment header, carrying ICMPv6. */
static struct nj_packet *frag6(uint32_t id, uint32_t off, bool mf, char c, uint32_t len, time_t t)
{
	memset(raw, 0, 64);
	raw[0] = 0x60;
	uint32_t plen = 8 + 8 + len;
	raw[4] = (uint8_t)(plen >> 8);
	raw[5] = (uint8_t)plen;
	raw[6] = 60;                    /* destination options */
	raw[7] = 64;
	tb_ip(&pk, "2001:db8::1", "2001:db8::2", 58, t);
	memcpy(raw + 8, pk.src.b, 16);
	memcpy(raw + 24, pk.dst.b, 16);
	raw[40] = 44;                   /* next: fragment header */
	raw[41] = 0;                    /* 8 bytes */
	raw[42] = 1;                    /* PadN */
	raw[43] = 4;
	raw[48] = 58;                   /* fragment header: next ICMPv6 */
	uint16_t fo = (uint16_t)(off | (mf ? 1 : 0));
	raw[50] = (uint8_t)(fo >> 8);
	raw[51] = (uint8_t)fo;
	raw[52] = (uint8_t)(id >> 24);
	raw[53] = (uint8_t)(id >> 16);
	raw[54] = (uint8_t)(id >> 8);
	raw[55] = (uint8_t)id;
	memset(raw + 56, c, len);
	pk.data = raw;
	pk.caplen = pk.wirelen = 56 + len;
	pk.l3 = raw;
	pk.l3_len = 56 + len;
	pk.ip_hlen = 56;
	tb_run(&w, &pk);
	return &pk;
}

static const struct {
	char c;
	uint32_t off, len;
	bool mf;
} novak[] = {
	{ 'A', 0, 24, 1 },   { 'B', 32, 16, 1 },  { 'C', 48, 24, 1 },  { 'D', 80, 8, 1 },
	{ 'E', 104, 16, 1 }, { 'F', 120, 24, 1 }, { 'G', 144, 16, 1 }, { 'H', 160, 16, 1 },
	{ 'I', 176, 8, 1 },  { 'J', 8, 32, 1 },   { 'K', 48, 24, 1 },  { 'L', 72, 24, 1 },
	{ 'M', 96, 24, 1 },  { 'N', 128, 8, 1 },  { 'O', 152, 8, 1 },  { 'P', 160, 8, 1 },
	{ 'Q', 176, 16, 0 },
};

static void run_novak(const char *policy, const char *units, int ver)
{
	char kv[64], expect[256];
	const char *kvs[] = { kv, NULL };
	int overlaps = 0;

	snprintf(kv, sizeof(kv), "defrag.policy=%s", policy);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kvs), 0);
	for (size_t i = 0; i < sizeof(novak) / sizeof(novak[0]); i++) {
		struct nj_packet *p = ver == 4 ?
			frag4("10.0.0.1", "10.0.0.2", 1, novak[i].off, novak[i].mf, novak[i].c,
			      novak[i].len, 100) :
			frag6(1, novak[i].off, novak[i].mf, novak[i].c, novak[i].len, 100);
		assert_true(p->flags & NJ_PKT_IS_FRAGMENT);
		overlaps += nj_decode_event_has(p, ver == 4 ? NJ_DEV_IPV4_FRAG_OVERLAP
						       : NJ_DEV_IPV6_FRAG_OVERLAP);
		if (i < 16)
			assert_int_equal(got.n, 0);
	}
	assert_int_equal(overlaps, 8);
	assert_int_equal(got.n, 1);
	for (size_t i = 0; units[i]; i++)
		memset(expect + i * 8, units[i], 8);
	uint32_t hl = ver == 4 ? 20 : 48;
	assert_int_equal(got.len, hl + 192);
	assert_memory_equal(got.data + hl, expect, 192);
	if (ver == 4) {
		assert_int_equal(got.data[2] << 8 | got.data[3], 212);
		assert_int_equal(got.data[6] & 0x3f, 0);
		assert_int_equal(got.data[7], 0);
		assert_int_equal(got.proto, 1);
	} else {
		assert_int_equal(got.data[4] << 8 | got.data[5], 8 + 192);
		assert_int_equal(got.data[40], 58);     /* frag header removed */
		assert_int_equal(got.proto, 58);
	}
}

/* Expected results per policy, as in the published tests. */
#define BSD_RES "AAAJJBCCCLLLMMMFFFGGHHIQ"
#define LINUX_RES "AAAJJBKKKLLLMMMFFFGGPHQQ"
#define WINDOWS_RES "AAAJBBCCCLLLMEEFFFGGHHIQ"
#define SOLARIS_RES "AAAJBBCCCLLLMMMFFFGGHHIQ"
#define FIRST_RES "AAAJBBCCCLDLMEEFFFGGHHIQ"
#define LAST_RES "AJJJJBKKKLLLMMMFNFGOPHQQ"
/* bsd-right keeps the fragment that reaches further right */
#define BSD_RIGHT_RES "AJJJBBCCCLLLMEEFFFGGHHQQ"

static void test_v4_bsd(void **s) { run_novak("bsd", BSD_RES, 4); }
static void test_v4_linux(void **s) { run_novak("linux", LINUX_RES, 4); }
static void test_v4_windows(void **s) { run_novak("windows", WINDOWS_RES, 4); }
static void test_v4_solaris(void **s) { run_novak("solaris", SOLARIS_RES, 4); }
static void test_v4_first(void **s) { run_novak("first", FIRST_RES, 4); }
static void test_v4_last(void **s) { run_novak("last", LAST_RES, 4); }
static void test_v4_bsd_right(void **s) { run_novak("bsd-right", BSD_RIGHT_RES, 4); }
static void test_v6_bsd(void **s) { run_novak("bsd", BSD_RES, 6); }
static void test_v6_linux(void **s) { run_novak("linux", LINUX_RES, 6); }
static void test_v6_windows(void **s) { run_novak("windows", WINDOWS_RES, 6); }
static void test_v6_solaris(void **s) { run_novak("solaris", SOLARIS_RES, 6); }
static void test_v6_first(void **s) { run_novak("first", FIRST_RES, 6); }
static void test_v6_last(void **s) { run_novak("last", LAST_RES, 6); }
static void test_v6_bsd_right(void **s) { run_novak("bsd-right", BSD_RIGHT_RES, 6); }

/* Linux case outside the Novak pattern: a later fragment bridging two. */
static void test_linux_bridge(void **s)
{
	const char *kv[] = { "defrag.policy=linux", NULL };
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	frag4("10.0.0.1", "10.0.0.2", 7, 0, 1, 'A', 24, 100);
	frag4("10.0.0.1", "10.0.0.2", 7, 40, 1, 'B', 48, 100);
	frag4("10.0.0.1", "10.0.0.2", 7, 24, 1, 'C', 48, 100);
	frag4("10.0.0.1", "10.0.0.2", 7, 88, 0, 'D', 14, 100);
	assert_int_equal(got.n, 1);
	char exp[102];
	memset(exp, 'A', 24);
	memset(exp + 24, 'C', 48);
	memset(exp + 72, 'B', 16);
	memset(exp + 88, 'D', 14);
	assert_int_equal(got.len, 20 + 102);
	assert_memory_equal(got.data + 20, exp, 102);
}

static void test_policy_per_destination(void **s)
{
	const char *kv[] = {
		"defrag.policy=first",
		"defrag.host-config.0.dmz.address.0=192.168.1.0/24",
		"defrag.host-config.0.dmz.policy=last",
		NULL,
	};
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	frag4("10.0.0.1", "192.168.1.5", 9, 0, 1, 'A', 16, 100);
	frag4("10.0.0.1", "192.168.1.5", 9, 0, 1, 'B', 16, 100);
	frag4("10.0.0.1", "192.168.1.5", 9, 16, 0, 'C', 8, 100);
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.data + 20, "BBBBBBBBBBBBBBBBCCCCCCCC", 24);
	frag4("10.0.0.1", "192.168.2.5", 9, 0, 1, 'A', 16, 100);
	frag4("10.0.0.1", "192.168.2.5", 9, 0, 1, 'B', 16, 100);
	frag4("10.0.0.1", "192.168.2.5", 9, 16, 0, 'C', 8, 100);
	assert_int_equal(got.n, 2);
	assert_memory_equal(got.data + 20, "AAAAAAAAAAAAAAAACCCCCCCC", 24);
}

static void test_reverse_order_and_ignored(void **s)
{
	frag4("10.0.0.1", "10.0.0.2", 3, 16, 0, 'C', 8, 100);
	frag4("10.0.0.1", "10.0.0.2", 3, 8, 1, 'B', 8, 100);
	assert_int_equal(got.n, 0);
	struct nj_packet *p = frag4("10.0.0.1", "10.0.0.2", 3, 0, 1, 'A', 8, 100);
	assert_false(nj_decode_event_has(p, NJ_DEV_IPV4_FRAG_OVERLAP));
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.data + 20, "AAAAAAAABBBBBBBBCCCCCCCC", 24);
	assert_true(got.flags & NJ_PKT_REASSEMBLED);
	assert_false(got.flags & NJ_PKT_IS_FRAGMENT);
	/* a late copy of a fragment of a reassembled datagram */
	p = frag4("10.0.0.1", "10.0.0.2", 3, 8, 1, 'B', 8, 101);
	assert_true(nj_decode_event_has(p, NJ_DEV_IPV4_FRAG_IGNORED));
	assert_int_equal(got.n, 1);
	/* an unfragmented packet is left alone */
	p = frag4("10.0.0.1", "10.0.0.2", 4, 0, 0, 'Z', 8, 101);
	assert_false(p->flags & NJ_PKT_IS_FRAGMENT);
}

static void test_bad_checksum_not_used(void **s)
{
	uint64_t bc = nj_counter_get_by_name("nightjar.defrag.invalid_checksum");

	frag4("10.0.0.1", "10.0.0.2", 21, 0, 1, 'A', 8, 100);
	memset(raw + 20, 'E', 8);
	raw[7] = 1;
	raw[6] = 0;
	tb_ip(&pk, "10.0.0.1", "10.0.0.2", 1, 100);
	pk.data = pk.l3 = raw;
	pk.caplen = pk.l3_len = 28;
	pk.flags |= NJ_PKT_IPV4_CSUM_BAD;
	tb_run(&w, &pk);
	assert_true(pk.flags & NJ_PKT_IS_FRAGMENT);
	assert_int_equal(got.n, 0);
	assert_int_equal(nj_counter_get_by_name("nightjar.defrag.invalid_checksum") - bc, 1);
	frag4("10.0.0.1", "10.0.0.2", 21, 8, 0, 'B', 8, 100);
	assert_int_equal(got.n, 1);
	assert_memory_equal(got.data + 20, "AAAAAAAABBBBBBBB", 16);
}

static void test_too_large(void **s)
{
	struct nj_packet *p = frag4("10.0.0.1", "10.0.0.2", 5, 8183 * 8, 0, 'A', 71, 100);
	assert_true(nj_decode_event_has(p, NJ_DEV_IPV4_FRAG_PKT_TOO_LARGE));
	assert_int_equal(nj_counter_get_by_name("defrag.memuse"), 0);
	p = frag6(5, 65528, 0, 'A', 16, 100);
	assert_true(nj_decode_event_has(p, NJ_DEV_IPV6_FRAG_PKT_TOO_LARGE));
}

static void test_vlan_separates(void **s)
{
	cur_vlan = 1;
	frag4("10.0.0.1", "10.0.0.2", 6, 0, 1, 'A', 8, 100);
	cur_vlan = 2;
	frag4("10.0.0.1", "10.0.0.2", 6, 8, 0, 'B', 8, 100);
	assert_int_equal(got.n, 0);
	cur_vlan = 1;
	frag4("10.0.0.1", "10.0.0.2", 6, 8, 0, 'B', 8, 100);
	assert_int_equal(got.n, 1);
	cur_vlan = 0;
}

/* The first fragment's link-layer header is kept in front of the rebuilt
 * datagram, with its linktype. */
static void test_link_header_kept(void **s)
{
	static const uint8_t hdr[14] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x00 };
	uint8_t eth[14 + 20 + 8];

	for (int i = 0; i < 2; i++) {
		uint8_t *ip = eth + 14;
		memset(eth, 0, sizeof(eth));
		memcpy(eth, hdr, 14);
		ip[0] = 0x45;
		ip[3] = 28;                     /* total length */
		ip[5] = 13;                     /* id */
		ip[6] = i == 0 ? 0x20 : 0x00;   /* MF on the first */
		ip[7] = (uint8_t)i;             /* offset 8 on the second */
		ip[9] = 1;
		memset(ip + 20, 'A' + i, 8);
		tb_ip(&pk, "10.0.0.1", "10.0.0.2", 1, 100);
		memcpy(ip + 12, pk.src.b, 4);
		memcpy(ip + 16, pk.dst.b, 4);
		pk.data = eth;
		pk.caplen = pk.wirelen = sizeof(eth);
		pk.linktype = NJ_LINKTYPE_ETHERNET;
		pk.l3 = ip;
		pk.l3_len = 28;
		tb_run(&w, &pk);
	}
	assert_int_equal(got.n, 1);
	assert_int_equal(got.linktype, NJ_LINKTYPE_ETHERNET);
	assert_int_equal(got.len, 14 + 20 + 16);
	assert_memory_equal(got.data, hdr, 14);
	assert_int_equal(got.data[14], 0x45);
	assert_int_equal(got.data[17], 36);
	assert_memory_equal(got.data + 34, "AAAAAAAABBBBBBBB", 16);
}

static void test_timeout_and_memcap(void **s)
{
	const char *kv[] = { "defrag.timeout=10", "defrag.memcap=3000", NULL };
	uint64_t to = nj_counter_get_by_name("defrag.mgr.tracker_timeout");
	uint64_t md = nj_counter_get_by_name("nightjar.defrag.memcap_drop");

	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	frag4("10.0.0.1", "10.0.0.2", 11, 0, 1, 'A', 8, 100);
	/* after the timeout the first half is gone: no reassembly */
	frag4("10.0.0.1", "10.0.0.2", 11, 8, 0, 'B', 8, 111);
	assert_int_equal(got.n, 0);
	assert_int_equal(nj_counter_get_by_name("defrag.mgr.tracker_timeout") - to, 1);
	/* memcap: trackers beyond it are refused and counted */
	for (int i = 0; i < 10; i++)
		frag4("10.0.0.1", "10.0.0.2", (uint16_t)(100 + i), 0, 1, 'X', 8, 112);
	assert_true(nj_counter_get_by_name("nightjar.defrag.memcap_drop") - md > 0);
	assert_true(nj_counter_get_by_name("defrag.memuse") <= 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_v4_bsd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_solaris, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v4_bsd_right, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_bsd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_linux, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_windows, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_solaris, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_last, setup, teardown),
		cmocka_unit_test_setup_teardown(test_v6_bsd_right, setup, teardown),
		cmocka_unit_test_setup_teardown(test_linux_bridge, setup, teardown),
		cmocka_unit_test_setup_teardown(test_policy_per_destination, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reverse_order_and_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_checksum_not_used, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_separates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_header_kept, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_and_memcap, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
