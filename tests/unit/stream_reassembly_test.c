/* TCP segment list: every overlap policy on Novak/Sturges' overlap pattern,
 * delivery with context, gaps and depth. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "preprocessors/host_policy.h"
#include "preprocessors/stream_reassembly.h"

/* The pattern (byte offsets, 8-byte units): originals first, then the
 * overlapping segments. Same layout as the IP fragment tests. */
static const struct {
	char c;
	uint32_t off, len;
} novak[] = {
	{ 'A', 0, 24 },   { 'B', 32, 16 },  { 'C', 48, 24 },  { 'D', 80, 8 },
	{ 'E', 104, 16 }, { 'F', 120, 24 }, { 'G', 144, 16 }, { 'H', 160, 16 },
	{ 'I', 176, 8 },  { 'J', 8, 32 },   { 'K', 48, 24 },  { 'L', 72, 24 },
	{ 'M', 96, 24 },  { 'N', 128, 8 },  { 'O', 152, 8 },  { 'P', 160, 8 },
	{ 'Q', 176, 16 },
};

static void expand(const char *units, char *out)
{
	for (size_t i = 0; units[i]; i++)
		memset(out + i * 8, units[i], 8);
}

static void run_novak(int policy, const char *expect_units)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	uint8_t data[64];
	char expect[256];
	unsigned res, any = 0;

	nj_reasm_init(&r, policy, 0);
	for (size_t i = 0; i < sizeof(novak) / sizeof(novak[0]); i++) {
		memset(data, novak[i].c, novak[i].len);
		assert_int_equal(nj_reasm_insert(&r, &m, novak[i].off, data, novak[i].len, &res), 0);
		any |= res;
	}
	assert_true(any & NJ_REASM_OVERLAP_DIFF);
	assert_int_equal(nj_reasm_deliver(&r, &m, 1500, false, &c), 1);
	expand(expect_units, expect);
	assert_int_equal(c.len, strlen(expect_units) * 8);
	assert_memory_equal(c.data, expect, c.len);
	assert_int_equal(c.new_off, 0);
	assert_int_equal(c.offset, 0);
	assert_false(c.has_gap);
	nj_reasm_free(&r, &m);
	assert_int_equal(m.used, 0);
}

static void test_bsd(void **s) { run_novak(NJ_POLICY_BSD, "AAAJJBCCCLLLMMMFFFGGHHIQ"); }
static void test_windows(void **s) { run_novak(NJ_POLICY_WINDOWS, "AAAJJBCCCLLLMMMFFFGGHHIQ"); }
static void test_macos(void **s) { run_novak(NJ_POLICY_MACOS, "AAAJJBCCCLLLMMMFFFGGHHIQ"); }
static void test_linux(void **s) { run_novak(NJ_POLICY_LINUX, "AAAJJBCCCLLLMMMFFFGGHHQQ"); }
static void test_old_linux(void **s) { run_novak(NJ_POLICY_OLD_LINUX, "AAAJJBKKKLLLMMMFFFGGHHQQ"); }
static void test_solaris(void **s) { run_novak(NJ_POLICY_SOLARIS, "AJJJBBKKKLLLMMMFFFGGHHQQ"); }
static void test_first(void **s) { run_novak(NJ_POLICY_FIRST, "AAAJBBCCCLDLMEEFFFGGHHIQ"); }
static void test_last(void **s) { run_novak(NJ_POLICY_LAST, "AJJJJBKKKLLLMMMFNFGOPHQQ"); }

static void test_context_and_delivery(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;

	nj_reasm_init(&r, NJ_POLICY_BSD, 0);
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"hello ", 6, &res);
	assert_int_equal(nj_reasm_deliver(&r, &m, 4, false, &c), 1);
	assert_int_equal(c.len, 6);
	assert_int_equal(c.new_off, 0);
	/* out of order: nothing to deliver until the hole is filled */
	nj_reasm_insert(&r, &m, 11, (const uint8_t *)"!", 1, &res);
	assert_false(nj_reasm_ready(&r));
	assert_int_equal(nj_reasm_deliver(&r, &m, 4, false, &c), 0);
	nj_reasm_insert(&r, &m, 6, (const uint8_t *)"world", 5, &res);
	assert_int_equal(nj_reasm_deliver(&r, &m, 4, false, &c), 1);
	assert_int_equal(c.len, 4 + 6);
	assert_int_equal(c.new_off, 4);
	assert_int_equal(c.offset, 2);
	assert_memory_equal(c.data, "llo world!", 10);
	/* delivered in order but not inspected yet: an overlap is still
	 * resolved by the policy (bsd: a copy starting at the same byte loses) */
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"HE", 2, &res);
	assert_false(res & NJ_REASM_OLD);
	assert_true(res & NJ_REASM_OVERLAP_DIFF);
	/* the raw window up to an ack, then the rest with context */
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 4, 8, &c), 1);
	assert_int_equal(c.len, 8);
	assert_int_equal(c.nblocks, 1);
	assert_false(c.has_gap);
	assert_memory_equal(c.data, "hello wo", 8);
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 4, 8, &c), 0);
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 4, UINT64_MAX, &c), 1);
	assert_int_equal(c.new_off, 4);
	assert_int_equal(c.offset, 4);
	assert_memory_equal(c.data, "o world!", 8);
	/* inspected data cannot change; different bytes are noticed while
	 * they are still kept as context */
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"HE", 2, &res);
	assert_true(res & NJ_REASM_OLD);
	assert_false(res & NJ_REASM_OVERLAP_DIFF);      /* no longer kept */
	nj_reasm_insert(&r, &m, 8, (const uint8_t *)"rld!", 4, &res);
	assert_true(res & NJ_REASM_OLD);
	assert_false(res & NJ_REASM_OVERLAP_DIFF);
	nj_reasm_insert(&r, &m, 8, (const uint8_t *)"RLD!", 4, &res);
	assert_true(res & NJ_REASM_OVERLAP_DIFF);
	assert_false(nj_reasm_pending(&r));
	assert_false(nj_reasm_raw_pending(&r));
	nj_reasm_free(&r, &m);
	assert_int_equal(m.used, 0);
}

/* Raw windows keep holes as gaps between runs; context never crosses one. */
static void test_raw_runs(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;

	nj_reasm_init(&r, NJ_POLICY_BSD, 0);
	nj_reasm_insert(&r, &m, 4, (const uint8_t *)"GOOD", 4, &res);
	nj_reasm_insert(&r, &m, 12, (const uint8_t *)"DATA", 4, &res);
	nj_reasm_insert(&r, &m, 16, (const uint8_t *)"MORE", 4, &res);
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 100, 18, &c), 1);
	assert_true(c.has_gap);
	assert_int_equal(c.nblocks, 2);
	assert_int_equal(c.offset, 4);
	assert_int_equal(c.blocks[0].gap, 4);
	assert_int_equal(c.blocks[0].start, 0);
	assert_int_equal(c.blocks[0].len, 4);
	assert_int_equal(c.blocks[1].gap, 4);
	assert_int_equal(c.blocks[1].start, 4);
	assert_int_equal(c.blocks[1].len, 6);
	assert_memory_equal(c.data, "GOODDATAMO", 10);
	/* the rest continues the last run: its bytes are the context */
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 100, UINT64_MAX, &c), 1);
	assert_false(c.has_gap);
	assert_int_equal(c.new_off, 6);
	assert_int_equal(c.offset, 12);
	assert_memory_equal(c.data, "DATAMORE", 8);
	/* the in-order consumer skips what the raw window passed */
	assert_false(nj_reasm_pending(&r));
	nj_reasm_free(&r, &m);
	assert_int_equal(m.used, 0);
}

static void test_gap_skip(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;

	nj_reasm_init(&r, NJ_POLICY_BSD, 0);
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"abc", 3, &res);
	nj_reasm_deliver(&r, &m, 100, false, &c);
	nj_reasm_insert(&r, &m, 10, (const uint8_t *)"xyz", 3, &res);
	/* acked up to 13 but 3..10 never seen: the hole is a gap */
	assert_true(nj_reasm_ack_gap(&r, 13));
	assert_true(nj_reasm_ready(&r));
	assert_int_equal(nj_reasm_deliver(&r, &m, 100, false, &c), 1);
	assert_true(c.has_gap);
	assert_int_equal(c.new_off, 0);     /* no context across a hole */
	assert_int_equal(c.offset, 10);
	assert_memory_equal(c.data, "xyz", 3);
	/* skip_gap delivers past a hole without an ack */
	nj_reasm_insert(&r, &m, 20, (const uint8_t *)"q", 1, &res);
	assert_int_equal(nj_reasm_deliver(&r, &m, 100, false, &c), 0);
	assert_int_equal(nj_reasm_deliver(&r, &m, 100, true, &c), 1);
	assert_true(c.has_gap);
	assert_int_equal(c.offset, 20);
	nj_reasm_free(&r, &m);
}

static void test_depth_and_memcap(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;
	uint8_t big[100];

	memset(big, 'x', sizeof(big));
	nj_reasm_init(&r, NJ_POLICY_BSD, 50);
	nj_reasm_insert(&r, &m, 0, big, 100, &res);
	assert_true(res & NJ_REASM_DEPTH);
	nj_reasm_deliver(&r, &m, 0, false, &c);
	assert_int_equal(c.len, 50);
	nj_reasm_insert(&r, &m, 100, big, 10, &res);
	assert_true(res & NJ_REASM_DEPTH);
	assert_false(nj_reasm_pending(&r));
	nj_reasm_free(&r, &m);

	struct nj_reasm_mem small = { 0, 64 };
	nj_reasm_init(&r, NJ_POLICY_BSD, 0);
	assert_int_equal(nj_reasm_insert(&r, &small, 5, big, 100, &res), -ENOMEM);
	assert_false(nj_reasm_pending(&r));
	assert_int_equal(small.used, 0);
	nj_reasm_free(&r, &small);
}

/* What the stream keeps over a range, as inline mode rewrites a packet to:
 * held context before raw_off, queued bytes after, the rest untouched. */
static void test_peek(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;
	uint8_t buf[16];

	nj_reasm_init(&r, NJ_POLICY_FIRST, 0);
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"GOOD", 4, &res);
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 100, 4, &c), 1);
	nj_reasm_insert(&r, &m, 6, (const uint8_t *)"ok", 2, &res);
	/* a copy over [2, 10): held "OD", nothing at 4..6, queued "ok" */
	memcpy(buf, "EVILxxYYzz", 10);
	nj_reasm_insert(&r, &m, 2, buf + 2, 8, &res);
	assert_true(res & NJ_REASM_OVERLAP_DIFF);
	memcpy(buf, "EVILxxYYzz", 10);
	nj_reasm_peek(&r, 2, buf + 2, 8);
	assert_memory_equal(buf, "EVODxxokzz", 10);
	/* before the held context nothing is known: left as it is */
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 2, 10, &c), 1);
	memcpy(buf, "abcdefghij", 10);
	nj_reasm_peek(&r, 0, buf, 10);
	assert_memory_equal(buf, "abODxxokzz", 10);      /* held: [2, 10) */
	nj_reasm_free(&r, &m);
	assert_int_equal(m.used, 0);
}

/* Data sent again after inspection: a window of the held context in which
 * the re-sent bytes are new. */
static void test_raw_again(void **s)
{
	struct nj_reasm r;
	struct nj_reasm_mem m = { 0, 0 };
	struct nj_stream_chunk c;
	unsigned res;

	nj_reasm_init(&r, NJ_POLICY_FIRST, 0);
	assert_int_equal(nj_reasm_raw_again(&r, 100, 0, &c), 0);    /* nothing inspected */
	nj_reasm_insert(&r, &m, 0, (const uint8_t *)"HEADGOOD", 8, &res);
	assert_int_equal(nj_reasm_raw_deliver(&r, &m, 100, 8, &c), 1);
	assert_int_equal(nj_reasm_raw_again(&r, 100, 4, &c), 1);
	assert_int_equal(c.offset, 0);
	assert_int_equal(c.len, 8);
	assert_int_equal(c.new_off, 4);
	assert_int_equal(c.nblocks, 1);
	assert_false(c.has_gap);
	assert_memory_equal(c.data, "HEADGOOD", 8);
	/* context before the re-sent bytes is bounded by ctx_max */
	assert_int_equal(nj_reasm_raw_again(&r, 2, 4, &c), 1);
	assert_int_equal(c.offset, 2);
	assert_int_equal(c.new_off, 2);
	assert_memory_equal(c.data, "ADGOOD", 6);
	/* at or past raw_off there is nothing inspected to repeat */
	assert_int_equal(nj_reasm_raw_again(&r, 100, 8, &c), 0);
	nj_reasm_free(&r, &m);
	assert_int_equal(m.used, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bsd),
		cmocka_unit_test(test_windows),
		cmocka_unit_test(test_macos),
		cmocka_unit_test(test_linux),
		cmocka_unit_test(test_old_linux),
		cmocka_unit_test(test_solaris),
		cmocka_unit_test(test_first),
		cmocka_unit_test(test_last),
		cmocka_unit_test(test_context_and_delivery),
		cmocka_unit_test(test_raw_runs),
		cmocka_unit_test(test_gap_skip),
		cmocka_unit_test(test_depth_and_memcap),
		cmocka_unit_test(test_peek),
		cmocka_unit_test(test_raw_again),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
