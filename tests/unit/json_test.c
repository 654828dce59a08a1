/* Unit tests for the JSON writer: structure, numbers, the UTF-8 escaper, and
 * random input checked with jansson. */
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/json.h"

static const char *esc(struct nj_json *j, const char *s, size_t n)
{
	nj_json_reset(j);
	nj_json_escape(j, (const uint8_t *)s, n);
	return j->buf ? j->buf : "";
}

static void test_structure(void **state)
{
	struct nj_json j;

	(void)state;
	nj_json_init(&j);
	nj_json_object_open(&j, NULL);
	nj_json_str(&j, "a", "x");
	nj_json_int(&j, "b", -12);
	nj_json_uint(&j, "c", UINT64_MAX);
	nj_json_bool(&j, "d", true);
	nj_json_null(&j, "e");
	nj_json_array_open(&j, "f");
	nj_json_int(&j, NULL, 1);
	nj_json_object_open(&j, NULL);
	nj_json_object_close(&j);
	nj_json_array_open(&j, NULL);
	nj_json_array_close(&j);
	nj_json_array_close(&j);
	nj_json_int(&j, "g", INT64_MIN);
	nj_json_object_close(&j);
	assert_false(j.oom);
	assert_int_equal(j.depth, 0);
	assert_string_equal(j.buf, "{\"a\":\"x\",\"b\":-12,\"c\":18446744073709551615,"
				   "\"d\":true,\"e\":null,\"f\":[1,{},[]],"
				   "\"g\":-9223372036854775808}");
	nj_json_reset(&j);
	nj_json_object_open(&j, NULL);
	nj_json_str(&j, "k\"ey", NULL);
	nj_json_object_close(&j);
	assert_string_equal(j.buf, "{\"k\\\"ey\":null}");
	nj_json_free(&j);
	nj_json_free(NULL);
}

static void test_depth_limit(void **state)
{
	struct nj_json j;

	(void)state;
	nj_json_init(&j);
	for (int i = 0; i < NJ_JSON_MAX_DEPTH + 2; i++)
		nj_json_array_open(&j, NULL);
	assert_true(j.oom);
	nj_json_reset(&j);
	assert_false(j.oom);
	nj_json_object_close(&j);     /* unbalanced close */
	assert_true(j.oom);
	nj_json_free(&j);
}

static void test_double_locale(void **state)
{
	struct nj_json j;

	(void)state;
	/* A locale with a decimal comma, when the system has one. */
	const char *loc = setlocale(LC_NUMERIC, "de_DE.UTF-8");
	nj_json_init(&j);
	nj_json_array_open(&j, NULL);
	nj_json_double(&j, NULL, 0.5);
	nj_json_double(&j, NULL, 0.1);
	nj_json_double(&j, NULL, 1e300);
	nj_json_double(&j, NULL, -3.0);
	nj_json_double(&j, NULL, 1.0 / 3.0);
	nj_json_double(&j, NULL, NAN);
	nj_json_double(&j, NULL, INFINITY);
	nj_json_array_close(&j);
	if (loc)
		setlocale(LC_NUMERIC, "C");
	/* 1/3 needs 17 digits to read back. */
	assert_string_equal(j.buf, "[0.5,0.1,1e+300,-3,0.33333333333333331,null,null]");
	nj_json_free(&j);
}

static void test_escapes(void **state)
{
	struct nj_json j;

	(void)state;
	nj_json_init(&j);
	assert_string_equal(esc(&j, "plain", 5), "plain");
	assert_string_equal(esc(&j, "a\"b\\c", 5), "a\\\"b\\\\c");
	assert_string_equal(esc(&j, "\n\r\t\b\f", 5), "\\n\\r\\t\\b\\f");
	assert_string_equal(esc(&j, "\x01\x1f\x7f", 3), "\\u0001\\u001f\\u007f");
	assert_string_equal(esc(&j, "a\0b", 3), "a\\u0000b");
	/* valid UTF-8 passes through: 2, 3 and 4 byte forms, U+10FFFF */
	assert_string_equal(esc(&j, "\xc3\xa9", 2), "\xc3\xa9");
	assert_string_equal(esc(&j, "\xe2\x82\xac", 3), "\xe2\x82\xac");
	assert_string_equal(esc(&j, "\xf0\x9f\x98\x80", 4), "\xf0\x9f\x98\x80");
	assert_string_equal(esc(&j, "\xf4\x8f\xbf\xbf", 4), "\xf4\x8f\xbf\xbf");
	assert_string_equal(esc(&j, "\xed\x9f\xbf", 3), "\xed\x9f\xbf");
	/* overlongs */
	assert_string_equal(esc(&j, "\xc0\x80", 2), "\\u00c0\\u0080");
	assert_string_equal(esc(&j, "\xc1\xbf", 2), "\\u00c1\\u00bf");
	assert_string_equal(esc(&j, "\xe0\x80\xaf", 3), "\\u00e0\\u0080\\u00af");
	assert_string_equal(esc(&j, "\xf0\x80\x80\xaf", 4), "\\u00f0\\u0080\\u0080\\u00af");
	/* surrogates, beyond U+10FFFF, invalid lead bytes */
	assert_string_equal(esc(&j, "\xed\xa0\x80", 3), "\\u00ed\\u00a0\\u0080");
	assert_string_equal(esc(&j, "\xf4\x90\x80\x80", 4), "\\u00f4\\u0090\\u0080\\u0080");
	assert_string_equal(esc(&j, "\xf5\xff\xfe", 3), "\\u00f5\\u00ff\\u00fe");
	/* truncated sequences, and a valid one right after a bad lead */
	assert_string_equal(esc(&j, "\xe2\x82", 2), "\\u00e2\\u0082");
	assert_string_equal(esc(&j, "\xf0\x9f\x98", 3), "\\u00f0\\u009f\\u0098");
	assert_string_equal(esc(&j, "\xe2\xc3\xa9x", 4), "\\u00e2\xc3\xa9x");
	assert_string_equal(esc(&j, "\x80", 1), "\\u0080");
	nj_json_free(&j);
}

static void test_base64(void **state)
{
	struct nj_json j;

	(void)state;
	nj_json_init(&j);
	nj_json_array_open(&j, NULL);
	nj_json_base64(&j, NULL, (const uint8_t *)"", 0);
	nj_json_base64(&j, NULL, (const uint8_t *)"f", 1);
	nj_json_base64(&j, NULL, (const uint8_t *)"fo", 2);
	nj_json_base64(&j, NULL, (const uint8_t *)"foo", 3);
	nj_json_base64(&j, NULL, (const uint8_t *)"foobar", 6);
	nj_json_base64(&j, NULL, (const uint8_t *)"\xff\xfe\x00", 3);
	nj_json_array_close(&j);
	/* RFC 4648 section 10 vectors */
	assert_string_equal(j.buf, "[\"\",\"Zg==\",\"Zm8=\",\"Zm9v\",\"Zm9vYmFy\",\"//4A\"]");
	nj_json_free(&j);
}

static uint32_t rng = 12345;

static uint32_t next_rand(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Parses the one-string record and returns the decoded string. */
static json_t *parse_one(struct nj_json *j)
{
	json_error_t err;
	json_t *root = json_loadb(j->buf, j->len, JSON_ALLOW_NUL | JSON_DECODE_ANY, &err);

	if (!root)
		fail_msg("jansson rejected %s: %s", j->buf, err.text);
	return root;
}

/* Any byte string becomes a string that parses, in one line. */
static void test_random_bytes_parse(void **state)
{
	struct nj_json j;
	uint8_t in[256];

	(void)state;
	nj_json_init(&j);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = next_rand() % sizeof(in);
		for (size_t i = 0; i < n; i++) {
			uint32_t r = next_rand();
			/* bias towards the interesting bytes */
			in[i] = (r & 0x100) ? (uint8_t)(0x80 | (r & 0x7f)) : (uint8_t)r;
		}
		nj_json_reset(&j);
		nj_json_object_open(&j, NULL);
		nj_json_strn(&j, "s", in, n);
		nj_json_object_close(&j);
		assert_false(j.oom);
		assert_null(memchr(j.buf, '\n', j.len));
		json_t *root = parse_one(&j);
		assert_int_equal(json_object_size(root), 1);
		json_t *s = json_object_get(root, "s");
		assert_non_null(s);
		/* every input byte yields one code point or is part of one */
		assert_true(json_string_length(s) >= n);
		json_decref(root);
	}
	nj_json_free(&j);
}

static size_t put_utf8(uint8_t *o, uint32_t cp)
{
	if (cp < 0x80) {
		o[0] = (uint8_t)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (uint8_t)(0xc0 | (cp >> 6));
		o[1] = (uint8_t)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (uint8_t)(0xe0 | (cp >> 12));
		o[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (uint8_t)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (uint8_t)(0xf0 | (cp >> 18));
	o[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (uint8_t)(0x80 | (cp & 0x3f));
	return 4;
}

/* Valid UTF-8 (random code points, controls included) round-trips exactly. */
static void test_random_utf8_roundtrip(void **state)
{
	struct nj_json j;
	uint8_t in[512];

	(void)state;
	nj_json_init(&j);
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = 0, count = next_rand() % 100;
		for (size_t k = 0; k < count; k++) {
			uint32_t cp;
			switch (next_rand() % 4) {
			case 0:
				cp = next_rand() % 0x80;
				break;
			case 1:
				cp = next_rand() % 0x800;
				break;
			case 2:
				cp = next_rand() % 0x10000;
				break;
			default:
				cp = 0x10000 + next_rand() % 0x100000;
				break;
			}
			if (cp >= 0xd800 && cp <= 0xdfff)
				cp = 0xfffd;
			n += put_utf8(in + n, cp);
		}
		nj_json_reset(&j);
		nj_json_strn(&j, NULL, in, n);
		json_t *s = parse_one(&j);
		assert_true(json_is_string(s));
		assert_int_equal(json_string_length(s), n);
		assert_memory_equal(json_string_value(s), in, n);
		json_decref(s);
	}
	nj_json_free(&j);
}

/* Invalid bytes come back as U+0080..U+00FF, one per byte. */
static void test_invalid_decodes_per_byte(void **state)
{
	struct nj_json j;

	(void)state;
	nj_json_init(&j);
	nj_json_strn(&j, NULL, (const uint8_t *)"a\xc0\xaf" "b", 4);
	json_t *s = parse_one(&j);
	assert_string_equal(json_string_value(s), "a\xc3\x80\xc2\xaf" "b");
	json_decref(s);
	nj_json_free(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_double_locale),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_random_bytes_parse),
		cmocka_unit_test(test_random_utf8_roundtrip),
		cmocka_unit_test(test_invalid_decodes_per_byte),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
