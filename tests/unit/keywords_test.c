/* Rule keywords beyond content: byte_*, isdataat, flowbits (with the
 * writer-first order), thresholds and threshold.config, transforms, Snort 3
 * service. Hand-built packets, several sharing one flow; the expected
 * results reproduce suricata-verify cases (named at each test). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "core/alert.h"
#include "core/bus.h"
#include "core/config.h"
#include "core/flow.h"
#include "core/packet.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/threshold.h"
#include "rule_harness.h"


static void packet(struct nj_packet *p, const char *src, const char *dst, const void *payload, uint32_t len)
{
	static uint8_t l4[20];

	memset(p, 0, sizeof(*p));
	p->ip_ver = 4;
	assert_int_equal(nj_addr_parse(src, &p->src), 0);
	assert_int_equal(nj_addr_parse(dst, &p->dst), 0);
	p->proto = 6;
	p->l4 = l4;
	p->l4_len = sizeof(l4);
	p->sport = 1234;
	p->dport = 80;
	p->ttl = 64;
	p->tcp.flags = NJ_TH_ACK | NJ_TH_PUSH;
	p->payload = payload;
	p->payload_len = len;
}

static void spacket(struct nj_packet *p, const char *payload)
{
	packet(p, "10.0.0.1", "10.0.0.2", payload, (uint32_t)strlen(payload));
}



/* detect-bytetest-01 (bitmask), plus operators, endianness and strings. */
static void test_byte_test(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"HTTP\"; byte_test:1,=,0x9,0, bitmask 0xf8; sid:1;)\n"
		"alert tcp any any -> any any (content:\"HTTP\"; byte_test:1,>,0x8,0, bitmask 0xf8; sid:2;)\n"
		"alert tcp any any -> any any (content:\"HTTP\"; byte_test:1,<,0xa,0, bitmask 0xf8; sid:3;)\n"
		"alert tcp any any -> any any (content:\"HTTP\"; byte_test:1,!=,0x48,0, bitmask 0xf8; sid:4;)\n"
		"alert tcp any any -> any any (content:\"HTTP\"; byte_test:2,=,0x90a,0, bitmask 0xf8f8; sid:5;)\n"
		"alert tcp any any -> any any (byte_test:2,=,0x5448,0,little; sid:6;)\n"
		"alert tcp any any -> any any (byte_test:1,&,0x40,0; sid:7;)\n"
		"alert tcp any any -> any any (byte_test:1,!&,0x40,0; sid:8;)\n"
		"alert tcp any any -> any any (content:\"1.1 \"; byte_test:3,=,200,0,relative,string,dec; sid:9;)\n"
		"alert tcp any any -> any any (content:\"1.1 \"; byte_test:3,>,200,0,relative,string,dec; sid:10;)\n"
		"alert tcp any any -> any any (byte_test:4,=,1,20; sid:11;)\n"
		"alert tcp any any -> any any (byte_test:1,^,0x48,0; sid:12;)\n"
		"alert tcp any any -> any any (content:\"200\"; byte_test:2,=,0x1f,1,relative,string,hex; sid:13;)\n");
	struct nj_packet p;

	spacket(&p, "HTTP/1.1 200 1f");
	assert_string_equal(run(rs, &p), "1,2,3,4,5,6,7,9,13");
	nj_ruleset_free(rs);
}

/* detect-bytejump-01/05, bug-4623: from_end, post_offset, clamping at the
 * start; a jump to the very end of the buffer holds (a zero-byte relative
 * read there too), one past it fails. */
static void test_byte_jump(void **state)
{
	static const uint8_t pl[] = { 0x00, 0x03, 'a', 'b', 'c', 'X', 'Y', 'Z' };
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (byte_jump:2,0; content:\"XYZ\"; distance:0; within:3; sid:1;)\n"
		"alert tcp any any -> any any (byte_jump:2,0,post_offset -1; content:\"XYZ\"; distance:0; within:3; sid:2;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,from_beginning; content:\"bc\"; distance:0; within:2; sid:3;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,from_end,post_offset -6; content:\"XYZ\"; distance:0; within:3; sid:4;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,from_beginning,post_offset 5; sid:5;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,from_beginning,post_offset -10; content:\"|00 03|\"; distance:0; within:2; sid:6;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,multiplier 2,from_beginning; content:\"YZ\"; distance:0; within:2; sid:7;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,align,from_beginning; content:\"c\"; distance:0; within:1; sid:8;)\n"
		"alert tcp any any -> any any (content:\"ab\"; byte_jump:1,0,relative; content:\"Z\"; distance:0; within:1; sid:9;)\n"
		"alert tcp any any -> any any (content:\"c\"; byte_jump:0,0,relative,post_offset -10; content:\"|00 03|\"; distance:0; within:2; sid:10;)\n"
		"alert tcp any any -> any any (byte_jump:1,1,from_beginning,post_offset 6; sid:11;)\n"
		"alert tcp any any -> any any (content:\"XYZ\"; byte_jump:0,0,relative,post_offset -4; content:\"cXYZ\"; within:4; sid:12;)\n"
		"alert tcp any any -> any any (content:\"XYZ\"; byte_jump:0,0,relative; content:\"Z\"; distance:-1; sid:13;)\n"
		"alert tcp any any -> any any (content:\"XYZ\"; byte_jump:0,1,relative; sid:14;)\n");
	struct nj_packet p;

	packet(&p, "10.0.0.1", "10.0.0.2", pl, sizeof(pl));
	assert_string_equal(run(rs, &p), "1,3,4,5,6,7,8,10,12,13");
	nj_ruleset_free(rs);

	/* "ab" then 'c' = 0x63 is far past the end: sid 9 fails above; a
	 * string jump: */
	rs = load("alert tcp any any -> any any (byte_jump:2,0,string,dec; content:\"world\"; distance:0; within:5; sid:1;)\n"
		  "alert tcp any any -> any any (byte_jump:0,0,string,from_end,post_offset -3; sid:2;)\n");
	spacket(&p, "05helloworld");
	assert_string_equal(run(rs, &p), "1");
	nj_ruleset_free(rs);
}

/* byte-extract-01: variables in offset/depth/distance, isdataat, byte_test. */
static void test_byte_extract(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (byte_extract:1,2,two,string,dec; content:\"45\"; offset:two; depth:2; sid:1;)\n"
		"alert tcp any any -> any any (byte_extract:1,0,one,string,dec; content:\"3\"; distance:one; within:1; sid:2;)\n"
		"alert tcp any any -> any any (byte_extract:1,4,v,string,dec; isdataat:v,relative; sid:3;)\n"
		"alert tcp any any -> any any (byte_extract:1,5,v,string,dec; isdataat:v,relative; sid:4;)\n"
		"alert tcp any any -> any any (byte_extract:1,0,v,string,dec; byte_test:1,=,v,0,string,dec; sid:5;)\n"
		"alert tcp any any -> any any (byte_extract:1,1,v,string,dec,multiplier 3; content:\"7\"; offset:v; depth:1; sid:6;)\n"
		"alert tcp any any -> any any (byte_extract:1,2,v,string,dec,align 4; content:\"5\"; offset:v; depth:1; sid:7;)\n");
	struct nj_packet p;

	spacket(&p, "1234567890");
	assert_string_equal(run(rs, &p), "1,2,3,5,6,7");
	nj_ruleset_free(rs);
}

/* detect-bytemath-*: operators, variables, division by zero. */
static void test_byte_math(void **state)
{
	static const uint8_t pl[] = { 0x02, 0x03, 0x10, 0x07 };
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (byte_math:bytes 1, offset 0, oper +, rvalue 5, result r; byte_test:1,=,r,3; sid:1;)\n"
		"alert tcp any any -> any any (byte_math:bytes 1, offset 0, oper <<, rvalue 3, result r; byte_test:1,=,r,2; sid:2;)\n"
		"alert tcp any any -> any any (byte_math:bytes 1, offset 0, oper /, rvalue 0, result r; sid:3;)\n"
		"alert tcp any any -> any any (byte_extract:1,1,x; byte_math:bytes 1,offset 0,oper *,rvalue x,result r; byte_test:1,<,r,3; sid:4;)\n"
		"alert tcp any any -> any any (byte_extract:1,1,x; byte_math:bytes 1,offset 0,oper *,rvalue x,result r; byte_test:1,>,r,3; sid:5;)\n"
		"alert tcp any any -> any any (byte_math:bytes 1, offset 2, oper -, rvalue 9, result r, bitmask 0x0f; byte_test:1,=,r,3; sid:6;)\n"
		"alert tcp any any -> any any (byte_math:bytes 1, offset 0, oper -, rvalue 1, result r, relative; content:\"|10|\"; distance:0; within:2; sid:7;)\n");
	struct nj_packet p;

	packet(&p, "10.0.0.1", "10.0.0.2", pl, sizeof(pl));
	assert_string_equal(run(rs, &p), "1,2,5,6,7");
	nj_ruleset_free(rs);
}

static void test_isdataat(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (isdataat:5; sid:1;)\n"
		"alert tcp any any -> any any (isdataat:6; sid:2;)\n"
		"alert tcp any any -> any any (isdataat:!6; sid:3;)\n"
		"alert tcp any any -> any any (content:\"abc\"; isdataat:3,relative; sid:4;)\n"
		"alert tcp any any -> any any (content:\"abc\"; isdataat:4,relative; sid:5;)\n"
		"alert tcp any any -> any any (content:\"abc\"; isdataat:!4,relative; sid:6;)\n"
		"alert tcp any any -> any any (content:\"abc\"; bsize:6; sid:7;)\n"
		"alert tcp any any -> any any (content:\"abc\"; bsize:<6; sid:8;)\n"
		"alert tcp any any -> any any (content:\"abc\"; bufferlen:3,relative; sid:9;)\n");
	struct nj_packet p;

	spacket(&p, "abcdef");
	assert_string_equal(run(rs, &p), "1,3,4,6,7,9");
	nj_ruleset_free(rs);
}

static struct nj_flow *new_flow(uint64_t id)
{
	struct nj_flow *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->flow_id = id;
	return f;
}

static void free_flow(struct nj_flow *f)
{
	nj_detect_flow_free(NULL, f);
	nj_varset_free(&f->bits);
	free(f);
}

/* detect-flowbits: writers run before readers within the packet; noalert;
 * | and & forms; no flow, no bits. */
static void test_flowbits(void **state)
{
	struct nj_ruleset *rs = load(
		"alert ip any any -> any any (msg:\"Flowbit set\"; flowbits:set,fb1; sid:1;)\n"
		"alert ip any any -> any any (msg:\"Flowbit set\"; flowbits:set,fb2; sid:2;)\n"
		"alert ip any any -> any any (flowbits:isset,fb3|fb4; sid:3;)\n"
		"alert ip any any -> any any (flowbits:isset,fb1|fb5; sid:5;)\n"
		"alert ip any any -> any any (flowbits:isnotset, fb1|fb2 ; sid:6;)\n"
		"alert ip any any -> any any (flowbits:unset,fb1; sid:7;)\n"
		"alert ip any any -> any any (flowbits:noalert; flowbits:isnotset,fb1; flowbits:set,fb1; content:\"GET \"; sid:8;)\n"
		"alert ip any any -> any any (flowbits:isset,fb1; sid:9;)\n"
		"alert ip any any -> any any (flowbits:noalert; content:\"GET \"; sid:10;)\n"
		"alert ip any any -> any any (flowbits:isset,fbt; content:\"GET \"; sid:11;)\n"
		"alert ip any any -> any any (flowbits:isset,fb1; flowbits:isset,fb2; sid:12;)\n"
		"alert ip any any -> any any (flowbits:isset,fb1&fb2; sid:13;)\n"
		"alert ip any any -> any any (flowbits:isnotset,fb3&fb4; sid:14;)\n"
		"alert ip any any -> any any (flowbits:isnotset,fb1&fb3; sid:15;)\n");
	struct nj_flow *f = new_flow(1);
	struct nj_packet p;

	spacket(&p, "GET /one/ HTTP/1.1\r\n");
	p.flow = f;
	assert_string_equal(run(rs, &p), "1,2,7,5,9,12,13,14");
	/* without a flow nothing is set and every check fails */
	spacket(&p, "GET /one/ HTTP/1.1\r\n");
	assert_string_equal(run(rs, &p), "1,2,7");
	free_flow(f);
	nj_ruleset_free(rs);
}

/* Snort 2.9 groups: setx clears the group's other members, reset clears a
 * group or every bit, all/any test the members. */
static void test_flowbits_groups(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"A\"; flowbits:set,a,g; noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"B\"; flowbits:setx,b,g; noalert; sid:2;)\n"
		"alert tcp any any -> any any (content:\"R\"; flowbits:reset,g; noalert; sid:3;)\n"
		"alert tcp any any -> any any (content:\"X\"; flowbits:set,x; noalert; sid:4;)\n"
		"alert tcp any any -> any any (content:\"Z\"; flowbits:reset; noalert; sid:5;)\n"
		"alert tcp any any -> any any (content:\"?\"; flowbits:isset,a; sid:10;)\n"
		"alert tcp any any -> any any (content:\"?\"; flowbits:isset,b; sid:11;)\n"
		"alert tcp any any -> any any (content:\"?\"; flowbits:isset,any,g; sid:12;)\n"
		"alert tcp any any -> any any (content:\"?\"; flowbits:isnotset,all,g; sid:13;)\n"
		"alert tcp any any -> any any (content:\"?\"; flowbits:isset,x; sid:14;)\n");
	struct nj_flow *f = new_flow(4);
	struct nj_packet p;
	static const struct {
		const char *payload, *want;
	} steps[] = {
		{ "A", "" },   { "?", "10,12" },        /* a set; x not yet */
		{ "B", "" },   { "?", "11,12" },           /* setx b cleared a */
		{ "X", "" },   { "R", "" },   { "?", "13,14" },  /* reset g keeps x */
		{ "A", "" },   { "Z", "" },   { "?", "13" },     /* reset clears all */
	};

	for (size_t i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		spacket(&p, steps[i].payload);
		p.flow = f;
		assert_string_equal(run(rs, &p), steps[i].want);
	}
	free_flow(f);
	nj_ruleset_free(rs);
}

/* flowbit-oring: a bit set by a noalert rule on the request satisfies an
 * ored isset on the response of the same flow. */
static void test_flowbits_oring(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"testmyids.com\"; flowbits:set,fb1; noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"something\"; flowbits:set,fb2; sid:2;)\n"
		"alert tcp any any -> any any (content:\"wwnotginh\"; flowbits:set,fb3; sid:3;)\n"
		"alert tcp any any -> any any (content:\"200\"; flowbits:isset,fb4|fb2|fb1; sid:4;)\n"
		"alert tcp any any -> any any (content:\"200\"; flowbits:isset,fb2|fb3|fb4; sid:5;)\n");
	struct nj_flow *f = new_flow(2);
	struct nj_packet p;

	spacket(&p, "GET / HTTP/1.1\r\nHost: testmyids.com\r\n\r\n");
	p.flow = f;
	assert_string_equal(run(rs, &p), "");
	packet(&p, "10.0.0.2", "10.0.0.1", "HTTP/1.1 200 OK\r\n", 17);
	p.flow = f;
	assert_string_equal(run(rs, &p), "4");
	free_flow(f);
	nj_ruleset_free(rs);
}

/* flowbits-prefilter-05/12: a reader listed before the writer still sees
 * the bit in the same packet; toggle flips; unset clears. */
static void test_flowbits_order_toggle(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (flowbits:isset,size; sid:2;)\n"
		"alert tcp any any -> any any (dsize:3; flowbits:set,size; sid:1;)\n"
		"alert tcp any any -> any any (flowbits:isset,tg; sid:4;)\n"
		"alert tcp any any -> any any (content:\"T\"; flowbits:toggle,tg; sid:3;)\n"
		"alert tcp any any -> any any (content:\"U\"; flowbits:unset,size; sid:5;)\n");
	struct nj_flow *f = new_flow(3);
	struct nj_packet p;

	spacket(&p, "abc");
	p.flow = f;
	assert_string_equal(run(rs, &p), "1,2");
	spacket(&p, "T");
	p.flow = f;
	assert_string_equal(run(rs, &p), "3,2,4");
	spacket(&p, "TU");
	p.flow = f;
	assert_string_equal(run(rs, &p), "3,5");
	spacket(&p, "x");
	p.flow = f;
	assert_string_equal(run(rs, &p), "");
	free_flow(f);
	nj_ruleset_free(rs);
}

/* Counts the alerts of each sid over n packets (one a second). */
static void count_alerts(struct nj_ruleset *rs, struct nj_packet *p, int n, int start_sec, uint32_t *counts,
			 uint32_t maxsid)
{
	for (int i = 0; i < n; i++) {
		p->ts.tv_sec = start_sec + i;
		run(rs, p);
		for (int k = 0; k < nfired; k++)
			if (fired[k] <= maxsid)
				counts[fired[k]]++;
	}
}

/* threshold/detection_filter-rule-hostsrc and threshold-rule-flow. */
static void test_threshold_rules(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"ping\"; sid:1;)\n"
		"alert tcp any any -> any any (content:\"ping\"; detection_filter:track by_src, count 1, seconds 3600; sid:2;)\n"
		"alert tcp any any -> any any (content:\"ping\"; detection_filter:track by_src, count 2, seconds 3600; sid:3;)\n"
		"alert tcp any any -> any any (content:\"ping\"; detection_filter:track by_src, count 4, seconds 3600; sid:4;)\n"
		"alert tcp any any -> any any (content:\"ping\"; detection_filter:track by_src, count 7, seconds 3600; sid:5;)\n"
		"alert tcp any any -> any any (content:\"ping\"; detection_filter:track by_src, count 8, seconds 3600; sid:6;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type limit, track by_flow, count 1, seconds 3600; sid:7;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type limit, track by_flow, count 2, seconds 3600; sid:8;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type both, track by_flow, count 3, seconds 3600; sid:9;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type threshold, track by_dst, count 3, seconds 60; sid:10;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type backoff, track by_flow, count 1, multiplier 2; sid:11;)\n"
		"alert tcp any any -> any any (content:\"ping\"; threshold:type limit, track by_src, count 2, seconds 5; sid:12;)\n");
	struct nj_flow *f = new_flow(4);
	struct nj_packet p;
	uint32_t c[13] = { 0 };

	spacket(&p, "ping");
	p.flow = f;
	count_alerts(rs, &p, 8, 1000, c, 12);
	assert_int_equal(c[1], 8);
	assert_int_equal(c[2], 7);
	assert_int_equal(c[3], 6);
	assert_int_equal(c[4], 4);
	assert_int_equal(c[5], 1);
	assert_int_equal(c[6], 0);
	assert_int_equal(c[7], 1);
	assert_int_equal(c[8], 2);
	assert_int_equal(c[9], 1);
	assert_int_equal(c[10], 2);            /* 3rd and 6th */
	assert_int_equal(c[11], 4);            /* 1st, 2nd, 4th, 8th */
	assert_int_equal(c[12], 4);            /* windows at 1000 and 1006 */

	/* another source and flow start their own counts */
	struct nj_flow *g = new_flow(5);
	memset(c, 0, sizeof(c));
	packet(&p, "10.0.0.9", "10.0.0.2", "ping", 4);
	p.flow = g;
	count_alerts(rs, &p, 2, 1010, c, 12);
	assert_int_equal(c[2], 1);
	assert_int_equal(c[7], 1);
	assert_int_equal(c[8], 2);
	assert_int_equal(c[10], 1);            /* same dst: its 9th match, the 3rd since the reset */
	free_flow(f);
	free_flow(g);
	nj_ruleset_free(rs);
}

/* threshold-config-byrule, plus suppress, event_filter overriding the
 * rule's own threshold, rate_filter switching the action. */
static void test_threshold_config(void **state)
{
	char path[] = "/tmp/nj_threshold_XXXXXX", rpath[] = "/tmp/nj_report_XXXXXX";
	int fd = mkstemp(path), rfd = mkstemp(rpath);
	FILE *rep;
	char buf[512];
	static const char conf[] =
		"# comment\n"
		"suppress gen_id 1, sig_id 10\n"
		"suppress gen_id 1, sig_id 11, track by_src, ip [10.0.0.0/8, 192.168.0.0/16]\n"
		"suppress gen_id 1, sig_id 12, track by_dst, ip 10.0.0.3\n"
		"threshold gen_id 1, sig_id 13, type limit, track by_rule, count 3, seconds 1000\n"
		"event_filter gen_id 1, sig_id 14, type limit, track by_src, count 1, seconds 60\n"
		"rate_filter gen_id 1, sig_id 15, track by_rule, count 2, seconds 60, new_action drop, timeout 10\n"
		"threshold gen_id 1, sig_id 13, type limit\n"
		"bogus gen_id 1, sig_id 13\n";

	assert_true(fd >= 0 && rfd >= 0);
	assert_int_equal(write(fd, conf, sizeof(conf) - 1), (ssize_t)(sizeof(conf) - 1));
	close(fd);
	close(rfd);
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"x\"; sid:10;)\n"
		"alert tcp any any -> any any (content:\"x\"; sid:11;)\n"
		"alert tcp any any -> any any (content:\"x\"; sid:12;)\n"
		"alert tcp any any -> any any (content:\"x\"; sid:13;)\n"
		"alert tcp any any -> any any (content:\"x\"; threshold:type threshold, track by_src, count 100, seconds 1; sid:14;)\n"
		"alert tcp any any -> any any (content:\"x\"; sid:15;)\n");
	rep = fopen(rpath, "w");
	assert_non_null(rep);
	rs->report = rep;
	assert_int_equal(nj_ruleset_load_threshold_config(rs, path), 0);
	fclose(rep);

	struct nj_packet p;
	uint32_t c[16] = { 0 };
	char actions[16] = "";
	spacket(&p, "x");
	for (int i = 0; i < 5; i++) {
		p.ts.tv_sec = 2000 + i;
		run(rs, &p);
		for (int k = 0; k < nfired; k++) {
			c[fired[k]]++;
			if (fired[k] == 15)
				actions[i] = fired_action[k] == NJ_ACTION_DROP ? 'D' : 'A';
		}
	}
	assert_int_equal(c[10], 0);
	assert_int_equal(c[11], 0);
	assert_int_equal(c[12], 5);             /* dst is 10.0.0.2 */
	assert_int_equal(c[13], 3);
	assert_int_equal(c[14], 1);
	assert_string_equal(actions, "AADDD");

	rep = fopen(rpath, "r");
	assert_non_null(rep);
	assert_non_null(fgets(buf, sizeof(buf), rep));
	assert_non_null(strstr(buf, ":8: threshold needs type, track, count and seconds"));
	assert_non_null(fgets(buf, sizeof(buf), rep));
	assert_non_null(strstr(buf, ":9: unknown entry 'bogus'"));
	fclose(rep);
	unlink(path);
	unlink(rpath);
	nj_ruleset_free(rs);
}

/* The counting table drops expired keys and stays under its memcap. */
static void test_threshold_table(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"x\"; threshold:type limit, track by_src, count 1, seconds 10; sid:1;)\n");
	struct nj_packet p;
	char src[32];

	nj_thr_table_free(rs->thr);
	rs->thr = nj_thr_table_new(4 * 100);    /* a handful of entries */
	for (int i = 0; i < 50; i++) {
		snprintf(src, sizeof(src), "10.1.0.%d", i);
		packet(&p, src, "10.0.0.2", "x", 1);
		p.ts.tv_sec = 100;
		run(rs, &p);
	}
	assert_true(nj_thr_table_count(rs->thr) < 50);
	/* later, the old keys expire and new sources are tracked again */
	packet(&p, "10.2.0.1", "10.0.0.2", "x", 1);
	p.ts.tv_sec = 200;
	assert_string_equal(run(rs, &p), "1");
	assert_true(nj_thr_table_count(rs->thr) <= 2);
	nj_ruleset_free(rs);
}

/* detect-pcrexform-01 style: transforms rewrite the buffer first; a
 * transform after payload options opens a new instance of the buffer. */
static void test_transforms(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (to_lowercase; content:\"get /a%41  http\"; sid:1;)\n"
		"alert tcp any any -> any any (url_decode; content:\"GET /AA  HTTP\"; sid:2;)\n"
		"alert tcp any any -> any any (dotprefix; content:\".GET\"; startswith; sid:3;)\n"
		"alert tcp any any -> any any (strip_whitespace; content:\"GET/A%41HTTP\"; bsize:12; sid:4;)\n"
		"alert tcp any any -> any any (to_md5; content:\"|38 C9 45 D1 88 97 7C B2 48 AB 3E FF 16 1F 8C 7D|\"; bsize:16; sid:5;)\n"
		"alert tcp any any -> any any (to_uppercase; content:\"get\"; sid:6;)\n"
		"alert tcp any any -> any any (content:\"GET\"; to_lowercase; content:\"get\"; sid:7;)\n"
		"alert tcp any any -> any any (content:\"GET\"; to_lowercase; content:\"GET\"; sid:8;)\n"
		"alert tcp any any -> any any (pcrexform:\"GET (\\S+)\"; content:\"/A%41\"; startswith; endswith; sid:9;)\n"
		"alert tcp any any -> any any (compress_whitespace; content:\"%41 HTTP\"; sid:10;)\n"
		"alert tcp any any -> any any (to_sha256; bsize:32; sid:11;)\n"
		"alert tcp any any -> any any (pcrexform:\"nomatch\"; content:\"GET\"; startswith; sid:12;)\n");
	struct nj_packet p;

	spacket(&p, "GET /A%41  HTTP");
	assert_string_equal(run(rs, &p), "1,2,3,4,5,7,9,10,11,12");
	nj_ruleset_free(rs);
}

static const struct nj_rule *rule_by_sid(const struct nj_ruleset *rs, uint32_t sid)
{
	for (uint32_t i = 0; i < rs->nrules; i++)
		if (rs->rules[i]->info.sid == sid)
			return rs->rules[i];
	return NULL;
}

/* dotprefix gives a fast pattern: the content less a leading dot, looked
 * for in the buffer as it is; a content of the dot alone gives none. */
static void test_dotprefix_fast_pattern(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (dotprefix; content:\".example.com\"; endswith; sid:1;)\n"
		"alert tcp any any -> any any (dotprefix; content:\"ample.com\"; endswith; sid:2;)\n"
		"alert tcp any any -> any any (dotprefix; content:\".\"; content:\"zz\"; sid:3;)\n");
	const struct nj_rule *r1 = rule_by_sid(rs, 1), *r2 = rule_by_sid(rs, 2), *r3 = rule_by_sid(rs, 3);
	struct nj_packet p;

	assert_non_null(r1->fp);
	assert_int_equal(r1->fp_dot, 1);
	assert_int_equal(r2->fp_dot, 0);
	assert_int_equal(r3->fp->len, 2);
	assert_memory_equal(r3->fp->pat, "zz", 2);
	spacket(&p, "www.example.com");
	assert_string_equal(run(rs, &p), "1,2");
	spacket(&p, "example.com");
	assert_string_equal(run(rs, &p), "1,2");
	spacket(&p, "badexample.com");
	assert_string_equal(run(rs, &p), "2");
	spacket(&p, "zz.example.comzz");
	assert_string_equal(run(rs, &p), "3");
	nj_ruleset_free(rs);
}

/* An app-layer transaction whose file.data is a test buffer. */
static char body_buf[12000];

static int body_get(const struct nj_app_tx *tx, int buf, uint32_t idx, struct nj_buf *out)
{
	if (buf != NJ_BUF_FILE_DATA || idx)
		return 0;
	out->ptr = (const uint8_t *)body_buf;
	out->len = (uint32_t)strlen(body_buf);
	return 1;
}

/* A rule that ran out of inspection budget on a transaction is not tried
 * on it again until the transaction is complete. */
static void test_exhausted_tx(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (file.data; content:\"a\"; content:\"a\"; distance:0; content:\"b\"; distance:0; sid:1;)\n");
	struct nj_app_tx tx = { .get_buffer = body_get };
	struct nj_app_tx *txs[1] = { &tx };
	struct nj_packet p;

	memset(body_buf, 'a', 10000);
	body_buf[10000] = 0;
	spacket(&p, "");
	p.app_txs = txs;
	p.napp_txs = 1;
	assert_string_equal(run(rs, &p), "");          /* 10,000 tries: out of budget */
	assert_true(nj_varset_has(&tx.matched, NJ_TX_KEY_EXHAUSTED | rs->rules[0]->num));
	strcat(body_buf, "b");
	assert_string_equal(run(rs, &p), "");          /* not tried again */
	tx.progress_ts = tx.progress_tc = NJ_APP_PROGRESS_DONE;
	assert_string_equal(run(rs, &p), "1");         /* complete: tried, and matches */
	nj_varset_free(&tx.matched);
	nj_ruleset_free(rs);
}

/* flowint: counters per flow, changed after a match, compared by later
 * rules (writers first), freed with the flow. */
static void test_flowint(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (flowint:n,>=,2; flowint:n,<,m; sid:3;)\n"
		"alert tcp any any -> any any (content:\"dll\"; flowint:n,+,1; noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"set\"; flowint:m,=,3; noalert; sid:2;)\n"
		"alert tcp any any -> any any (flowint:n,notset; sid:4;)\n"
		"alert tcp any any -> any any (content:\"sub\"; flowint:n,-,5; flowint:n,isset; sid:5;)\n"
		"alert tcp any any -> any any (flowint:n,==,0; sid:6;)\n");
	struct nj_flow *f = new_flow(7);
	struct nj_packet p;

	spacket(&p, "set dll");
	p.flow = f;
	assert_string_equal(run(rs, &p), "");
	spacket(&p, "dll");
	p.flow = f;
	assert_string_equal(run(rs, &p), "3");
	spacket(&p, "x");
	assert_string_equal(run(rs, &p), "");   /* no flow */
	spacket(&p, "sub");
	p.flow = f;
	assert_string_equal(run(rs, &p), "5,6");
	nj_detect_flow_free(NULL, f);
	assert_null(f->detect);
	spacket(&p, "x");
	p.flow = f;
	assert_string_equal(run(rs, &p), "4");
	free_flow(f);
	nj_ruleset_free(rs);
}

/* ipv4.hdr and tcp.hdr: the headers as on the wire. */
static void test_header_buffers(void **state)
{
	static const uint8_t ip[40] = { 0x45, 0x00, 0x00, 0x28, 0, 0, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
					0x04, 0xd2, 0x00, 0x50, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x18, 0x04, 0x00 };
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (ipv4.hdr; byte_test:1,=,0x45,0; bsize:20; sid:1;)\n"
		"alert tcp any any -> any any (tcp.hdr; content:\"|50 18|\"; offset:12; depth:2; bsize:20; sid:2;)\n"
		"alert tcp any any -> any any (udp.hdr; bsize:8; sid:3;)\n"
		"alert tcp any any -> any any (ipv4.hdr; byte_math:bytes 1, offset 8, oper *, rvalue 2, result r; tcp.hdr; byte_test:1,=,r,-1,relative; sid:4;)\n");
	struct nj_packet p;

	spacket(&p, "x");
	p.l3 = ip;
	p.l3_len = sizeof(ip);
	p.l4 = ip + 20;
	p.l4_len = 20;
	assert_string_equal(run(rs, &p), "1,2");
	nj_ruleset_free(rs);
}

/* xbits: set with track ip_dst on the request, checked with track ip_src
 * on the response of another flow; expiry in packet time; ip_pair either
 * way. */
static void test_xbits(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"req\"; xbits:set,seen,track ip_dst,expire 10; noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"resp\"; xbits:isset,seen,track ip_src; sid:2;)\n"
		"alert tcp any any -> any any (content:\"resp\"; xbits:isnotset,seen,track ip_src; sid:3;)\n"
		"alert tcp any any -> any any (content:\"pair\"; xbits:set,p,track ip_pair; sid:4;)\n"
		"alert tcp any any -> any any (content:\"resp\"; xbits:isset,p,track ip_pair; sid:5;)\n"
		"alert tcp any any -> any any (content:\"clear\"; xbits:unset,seen,track ip_src; sid:6;)\n");
	struct nj_packet p;

	packet(&p, "10.0.0.1", "10.0.0.2", "req", 3);
	p.ts.tv_sec = 100;
	assert_string_equal(run(rs, &p), "");
	packet(&p, "10.0.0.2", "10.0.0.1", "resp", 4);
	p.ts.tv_sec = 105;
	assert_string_equal(run(rs, &p), "2");
	packet(&p, "10.0.0.9", "10.0.0.1", "resp", 4);
	p.ts.tv_sec = 105;
	assert_string_equal(run(rs, &p), "3");
	packet(&p, "10.0.0.2", "10.0.0.1", "resp", 4);
	p.ts.tv_sec = 111;                      /* expired */
	assert_string_equal(run(rs, &p), "3");
	packet(&p, "10.0.0.1", "10.0.0.2", "reqpair", 7);
	p.ts.tv_sec = 200;
	assert_string_equal(run(rs, &p), "4");
	packet(&p, "10.0.0.2", "10.0.0.1", "resp", 4);
	p.ts.tv_sec = 201;
	assert_string_equal(run(rs, &p), "2,5");
	packet(&p, "10.0.0.2", "10.0.0.1", "clear resp", 10);
	p.ts.tv_sec = 202;
	assert_string_equal(run(rs, &p), "6,3,5");
	nj_ruleset_free(rs);
}

/* A reload keeps host bits and threshold counts: the new set sees the
 * bit the old one set and goes on counting its gid:sid, after the old set
 * is gone. */
static void test_reload_keeps_state(void **state)
{
	static const char rules[] =
		"alert tcp any any -> any any (content:\"req\"; xbits:set,seen,track ip_src,expire 60; noalert; sid:1;)\n"
		"alert tcp any any -> any any (content:\"resp\"; xbits:isset,seen,track ip_dst; sid:2;)\n"
		"alert tcp any any -> any any (content:\"req\"; threshold:type limit, track by_src, count 2, seconds 3600; sid:3;)\n";
	struct nj_ruleset *old = load(rules), *rs;
	struct nj_packet p;

	packet(&p, "10.0.0.1", "10.0.0.2", "req", 3);
	p.ts.tv_sec = 100;
	assert_string_equal(run(old, &p), "3");
	rs = load_after(rules, old);
	nj_ruleset_free(old);
	p.ts.tv_sec = 101;
	assert_string_equal(run(rs, &p), "3");          /* the second of 2 */
	p.ts.tv_sec = 102;
	assert_string_equal(run(rs, &p), "");           /* limit reached before the reload */
	packet(&p, "10.0.0.2", "10.0.0.1", "resp", 4);
	assert_string_equal(run(rs, &p), "2");          /* bit set before the reload */
	nj_ruleset_free(rs);
}

/* base64_decode then base64_data: content inspects the decoded bytes. */
static void test_base64(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"xx \"; base64_decode:relative; base64_data; content:\"hello world\"; sid:1;)\n"
		"alert tcp any any -> any any (base64_decode:bytes 8, offset 3; base64_data; content:\"hello\"; bsize:6; sid:2;)\n"
		"alert tcp any any -> any any (base64_decode; base64_data; content:\"hello\"; sid:3;)\n"
		"alert tcp any any -> any any (content:\"yy\"; base64_decode:relative; sid:4;)\n");
	struct nj_packet p;

	spacket(&p, "xx aGVsbG8gd29ybGQ= yy");
	assert_string_equal(run(rs, &p), "1,2");
	nj_ruleset_free(rs);
}

/* Snort 3 service: the flow's protocol decides when known, the ports when
 * not. */
static void test_service(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"x\"; service:http; sid:1;)\n"
		"alert tcp any any -> any any (content:\"x\"; service:dns, sunrpc; sid:2;)\n"
		"alert tcp any any -> any any (content:\"x\"; service:ssl; sid:3;)\n");
	struct nj_flow *f = new_flow(6);
	struct nj_packet p;

	spacket(&p, "x");
	p.flow = f;
	assert_string_equal(run(rs, &p), "1,2,3");
	f->app_proto = NJ_APP_HTTP;
	assert_string_equal(run(rs, &p), "1");
	f->app_proto = NJ_APP_TLS;
	assert_string_equal(run(rs, &p), "3");
	free_flow(f);
	nj_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_flowbits_groups, setup),
		cmocka_unit_test_setup(test_byte_test, setup),
		cmocka_unit_test_setup(test_byte_jump, setup),
		cmocka_unit_test_setup(test_byte_extract, setup),
		cmocka_unit_test_setup(test_byte_math, setup),
		cmocka_unit_test_setup(test_isdataat, setup),
		cmocka_unit_test_setup(test_flowbits, setup),
		cmocka_unit_test_setup(test_flowbits_oring, setup),
		cmocka_unit_test_setup(test_flowbits_order_toggle, setup),
		cmocka_unit_test_setup(test_threshold_rules, setup),
		cmocka_unit_test_setup(test_threshold_config, setup),
		cmocka_unit_test_setup(test_threshold_table, setup),
		cmocka_unit_test_setup(test_transforms, setup),
		cmocka_unit_test_setup(test_service, setup),
		cmocka_unit_test_setup(test_base64, setup),
		cmocka_unit_test_setup(test_xbits, setup),
		cmocka_unit_test_setup(test_reload_keeps_state, setup),
		cmocka_unit_test_setup(test_header_buffers, setup),
		cmocka_unit_test_setup(test_flowint, setup),
		cmocka_unit_test_setup(test_dotprefix_fast_pattern, setup),
		cmocka_unit_test_setup(test_exhausted_tx, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
