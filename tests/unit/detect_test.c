/* Rule engine: which rules fire on hand-built packets (no decoders). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/alert.h"
#include "core/bus.h"
#include "core/config.h"
#include "core/packet.h"
#include "detect/engine.h"
#include "rule_harness.h"


static void tcp_packet(struct nj_packet *p, const char *src, uint16_t sport, const char *dst, uint16_t dport,
		       const char *payload)
{
	static uint8_t l4[20];

	memset(p, 0, sizeof(*p));
	p->ip_ver = strchr(src, ':') ? 6 : 4;
	assert_int_equal(nj_addr_parse(src, &p->src), 0);
	assert_int_equal(nj_addr_parse(dst, &p->dst), 0);
	p->proto = 6;
	p->l4 = l4;
	p->l4_len = sizeof(l4);
	p->sport = sport;
	p->dport = dport;
	p->ttl = 64;
	p->tcp.flags = NJ_TH_ACK | NJ_TH_PUSH;
	p->payload = (const uint8_t *)payload;
	p->payload_len = (uint32_t)strlen(payload);
}



static void test_content_modifiers(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"GET\"; depth:3; sid:1;)\n"
		"alert tcp any any -> any any (content:\"GET\"; offset:1; sid:2;)\n"
		"alert tcp any any -> any any (content:\"get\"; nocase; sid:3;)\n"
		"alert tcp any any -> any any (content:\"get\"; sid:4;)\n"
		"alert tcp any any -> any any (content:\"/index\"; content:\"HTTP\"; distance:1; within:10; sid:5;)\n"
		"alert tcp any any -> any any (content:\"/index\"; content:\"HTTP\"; distance:0; within:5; sid:6;)\n"
		"alert tcp any any -> any any (content:\"GET\"; content:!\"POST\"; sid:7;)\n"
		"alert tcp any any -> any any (content:\"GET\"; content:!\"HTTP\"; sid:8;)\n"
		"alert tcp any any -> any any (content:\"1.1\"; endswith; sid:9;)\n"
		"alert tcp any any -> any any (content:\"GET\"; startswith; content:\"1.0\"; endswith; sid:10;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "GET /index.html HTTP/1.1");
	assert_string_equal(run(rs, &p), "1,3,5,7,9");
	nj_ruleset_free(rs);
}

static void test_backtracking(void **state)
{
	/* The first "a" is followed by "x", the second by "b": a relative
	 * content must retry the earlier match further on. */
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"a\"; content:\"b\"; distance:0; within:1; sid:1;)\n"
		"alert tcp any any -> any any (content:\"a\"; pcre:\"/^b/R\"; sid:2;)\n"
		"alert tcp any any -> any any (content:\"a\"; content:\"c\"; distance:0; within:1; sid:3;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "axab");
	assert_string_equal(run(rs, &p), "1,2");
	nj_ruleset_free(rs);
}

static void test_header(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp 10.0.0.0/8 any -> any 80 (sid:1;)\n"
		"alert tcp any any -> any 443 (sid:2;)\n"
		"alert tcp any 80 <> any 1234 (sid:3;)\n"
		"alert tcp !10.0.0.1 any -> any any (sid:4;)\n"
		"alert tcp [10.0.0.1,10.0.0.9] any -> any [1:100,!81] (sid:5;)\n"
		"alert udp any any -> any 80 (sid:6;)\n"
		"alert ip any any -> 10.0.0.2 any (sid:7;)\n"
		"alert tcp any [1000:2000] -> any any (content:\"GET\"; sid:8;)\n"
		"alert tcp any any -> any ![80,443] (content:\"GET\"; sid:9;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "GET / HTTP/1.1");
	assert_string_equal(run(rs, &p), "1,3,5,7,8");
	tcp_packet(&p, "10.0.0.2", 80, "10.0.0.1", 1234, "HTTP/1.1 200 OK");
	assert_string_equal(run(rs, &p), "3,4");
	nj_ruleset_free(rs);
}

static void test_pass_precedence(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (content:\"GET\"; sid:1;)\n"
		"pass tcp 10.0.0.1 any -> any any (content:\"GET\"; sid:2;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "GET / HTTP/1.1");
	assert_string_equal(run(rs, &p), "");
	tcp_packet(&p, "10.0.0.3", 1234, "10.0.0.2", 80, "GET / HTTP/1.1");
	assert_string_equal(run(rs, &p), "1");
	nj_ruleset_free(rs);
}

static void test_header_keywords(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (flags:PA; sid:1;)\n"
		"alert tcp any any -> any any (flags:S; sid:2;)\n"
		"alert tcp any any -> any any (flags:A+; sid:3;)\n"
		"alert ip any any -> any any (ttl:64; sid:4;)\n"
		"alert ip any any -> any any (ttl:<64; sid:5;)\n"
		"alert tcp any any -> any any (dsize:>10; sid:6;)\n"
		"alert tcp any any -> any any (dsize:<10; sid:7;)\n"
		"alert ip any any -> any any (ip_proto:6; sid:8;)\n"
		"alert ip any any -> any any (ip_proto:!6; sid:9;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "GET / HTTP/1.1");
	assert_string_equal(run(rs, &p), "1,3,4,6,8");
	nj_ruleset_free(rs);
}

static void test_address_index(void **state)
{
	/* IP reputation rules have no content: they are found through the
	 * address index, not by evaluating every rule. */
	struct nj_ruleset *rs = load(
		"alert ip [192.0.2.1,198.51.100.0/24] any -> any any (sid:1;)\n"
		"alert ip any any -> [203.0.113.7,2001:db8::/32] any (sid:2;)\n"
		"alert tcp [192.0.2.0/24] any -> any any (sid:3;)\n");
	struct nj_packet p;

	tcp_packet(&p, "198.51.100.77", 1, "203.0.113.7", 2, "x");
	assert_string_equal(run(rs, &p), "1,2");
	tcp_packet(&p, "192.0.2.1", 1, "10.1.1.1", 2, "x");
	assert_string_equal(run(rs, &p), "1,3");
	tcp_packet(&p, "2001:db9::1", 1, "2001:db8::5", 2, "x");
	assert_string_equal(run(rs, &p), "2");
	tcp_packet(&p, "10.9.9.9", 1, "10.1.1.1", 2, "x");
	assert_string_equal(run(rs, &p), "");
	nj_ruleset_free(rs);
}

static void test_pcre(void **state)
{
	struct nj_ruleset *rs = load(
		"alert tcp any any -> any any (pcre:\"/^get\\s+\\//i\"; sid:1;)\n"
		"alert tcp any any -> any any (pcre:!\"/POST/\"; sid:2;)\n"
		"alert tcp any any -> any any (content:\"HTTP\"; pcre:\"/^\\/1\\.[01]$/R\"; sid:3;)\n"
		"alert tcp any any -> any any (pcre:\"/index\\.php/\"; sid:4;)\n");
	struct nj_packet p;

	tcp_packet(&p, "10.0.0.1", 1234, "10.0.0.2", 80, "GET /index.html HTTP/1.1");
	assert_string_equal(run(rs, &p), "1,2,3");
	nj_ruleset_free(rs);
}

static void test_duplicate_sid(void **state)
{
	struct nj_ruleset *rs = nj_ruleset_new(NULL);

	rs->report = NULL;
	assert_int_equal(nj_ruleset_add(rs, "alert ip any any -> any any (sid:5;)", "t", 1), 0);
	assert_int_equal(nj_ruleset_add(rs, "alert ip any any -> any any (sid:5;)", "t", 2), -1);
	assert_int_equal(nj_ruleset_add(rs, "alert ip any any -> any any (sid:5; gid:2;)", "t", 3), 0);
	assert_int_equal(rs->stats.loaded, 2);
	assert_int_equal(rs->stats.duplicate, 1);
	nj_ruleset_free(rs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_content_modifiers, setup),
		cmocka_unit_test_setup(test_backtracking, setup),
		cmocka_unit_test_setup(test_header, setup),
		cmocka_unit_test_setup(test_pass_precedence, setup),
		cmocka_unit_test_setup(test_header_keywords, setup),
		cmocka_unit_test_setup(test_address_index, setup),
		cmocka_unit_test_setup(test_pcre, setup),
		cmocka_unit_test_setup(test_duplicate_sid, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
