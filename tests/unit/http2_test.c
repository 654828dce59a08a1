/* HTTP/2 parser: frames split across segments, CONTINUATION, padding and
 * priority, DATA bodies, responses, malformed lengths. Header blocks are
 * encoded with libnghttp2's HPACK deflater. */
#include <nghttp2/nghttp2.h>
#include <stdio.h>
#include <stdlib.h>

#include "app_test_util.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/http2.h"

#define TS NJ_DIR_TO_SERVER
#define TC NJ_DIR_TO_CLIENT

struct wire {
	uint8_t b[8192];
	uint32_t n;
};

static void put(struct wire *w, const void *p, uint32_t n)
{
	assert_true(w->n + n <= sizeof(w->b));
	if (n)
		memcpy(w->b + w->n, p, n);
	w->n += n;
}

static void frame(struct wire *w, uint8_t type, uint8_t flags, uint32_t sid,
		  const void *p, uint32_t n)
{
	uint8_t h[9] = { (uint8_t)(n >> 16), (uint8_t)(n >> 8), (uint8_t)n, type, flags,
			 (uint8_t)(sid >> 24), (uint8_t)(sid >> 16), (uint8_t)(sid >> 8),
			 (uint8_t)sid };
	put(w, h, 9);
	put(w, p, n);
}

#define NV(n, v)                                                               \
	{ (uint8_t *)(n), (uint8_t *)(v), sizeof(n) - 1, sizeof(v) - 1,        \
	  NGHTTP2_NV_FLAG_NONE }

static nghttp2_nv req_nv[] = {
	NV(":method", "GET"), NV(":scheme", "http"), NV(":authority", "Example.COM:8080"),
	NV(":path", "/a/../b//c?q=1"), NV("user-agent", "nj-h2"), NV("cookie", "k=v"),
};
static nghttp2_nv resp_nv[] = {
	NV(":status", "200"), NV("server", "nj"), NV("content-type", "text/plain"),
};

/* The HPACK block of nv[0..n) from deflater d into out; returns its length. */
static uint32_t block(nghttp2_hd_deflater *d, nghttp2_nv *nv, size_t n, uint8_t *out, size_t cap)
{
	ssize_t r = nghttp2_hd_deflate_hd(d, out, cap, nv, n);
	assert_true(r > 0);
	return (uint32_t)r;
}

static struct nj_http2_state *new_state(void)
{
	struct nj_http_config hc;
	nj_http_config_load(&hc, NULL);
	struct nj_http2_state *s = nj_http2_new(&hc, true);
	assert_non_null(s);
	return s;
}

static struct nj_app_tx *tx_at(struct nj_http2_state *s, uint16_t i)
{
	struct nj_app_tx **txs;
	uint16_t n = nj_http2_updated(s, &txs);
	assert_true(i < n);
	return txs[i];
}

/* The preface, an empty SETTINGS and stream 1's request headers. */
static void client_start(struct wire *w, nghttp2_hd_deflater *d, uint8_t flags)
{
	uint8_t blk[512];
	uint32_t n = block(d, req_nv, sizeof(req_nv) / sizeof(req_nv[0]), blk, sizeof(blk));

	put(w, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	frame(w, 4, 0, 0, NULL, 0);
	frame(w, 1, flags, 1, blk, n);
}

static void check_request(const struct nj_app_tx *tx)
{
	assert_buf(tx, NJ_BUF_HTTP_METHOD, "GET");
	assert_buf(tx, NJ_BUF_HTTP_URI_RAW, "/a/../b//c?q=1");
	assert_buf(tx, NJ_BUF_HTTP_URI, "/b/c?q=1");
	assert_buf(tx, NJ_BUF_HTTP_HOST, "example.com");
	assert_buf(tx, NJ_BUF_HTTP_HOST_RAW, "Example.COM:8080");
	assert_buf(tx, NJ_BUF_HTTP_PROTOCOL, "HTTP/2");
	assert_buf(tx, NJ_BUF_HTTP_USER_AGENT, "nj-h2");
	assert_buf(tx, NJ_BUF_HTTP_COOKIE, "k=v");
	assert_buf_idx(tx, NJ_BUF_HTTP_REQUEST_HEADER, 0, "method: GET");
	assert_buf_idx(tx, NJ_BUF_HTTP_REQUEST_HEADER, 2, "authority: Example.COM:8080");
	assert_buf_idx(tx, NJ_BUF_HTTP_REQUEST_HEADER, 4, "user-agent: nj-h2");
	assert_buf(tx, NJ_BUF_HTTP_HEADER, "user-agent: nj-h2\r\n");
	assert_buf(tx, NJ_BUF_HTTP_HEADER_NAMES, "\r\nuser-agent\r\ncookie\r\n\r\n");
}

/* Every byte in its own feed: frame headers, the preface and header
 * blocks all span segments. */
static void test_bytewise(void **state)
{
	struct nj_http2_state *s = new_state();
	nghttp2_hd_deflater *d;
	struct wire w = { .n = 0 };

	assert_int_equal(nghttp2_hd_deflate_new(&d, 4096), 0);
	client_start(&w, d, 0x4 | 0x1);
	for (uint32_t i = 0; i < w.n; i++)
		assert_int_equal(nj_http2_feed(s, TS, w.b + i, 1), 0);
	struct nj_app_tx *tx = tx_at(s, 0);
	check_request(tx);
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	assert_false(nj_app_tx_complete(tx));
	assert_int_equal(nj_http2_errors(s), 0);
	nghttp2_hd_deflate_del(d);
	nj_http2_free(s);
}

/* A header block cut in three: HEADERS, two CONTINUATIONs. */
static void test_continuation(void **state)
{
	struct nj_http2_state *s = new_state();
	nghttp2_hd_deflater *d;
	struct wire w = { .n = 0 };
	uint8_t blk[512];

	assert_int_equal(nghttp2_hd_deflate_new(&d, 4096), 0);
	uint32_t n = block(d, req_nv, sizeof(req_nv) / sizeof(req_nv[0]), blk, sizeof(blk));
	put(&w, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	frame(&w, 1, 0x1, 1, blk, 3);
	frame(&w, 9, 0, 1, blk + 3, 4);
	frame(&w, 9, 0x4, 1, blk + 7, n - 7);
	assert_int_equal(nj_http2_feed(s, TS, w.b, w.n), 0);
	check_request(tx_at(s, 0));
	nghttp2_hd_deflate_del(d);
	nj_http2_free(s);
}

/* HEADERS with PADDED and PRIORITY, padded DATA: the padding is not body. */
static void test_padding(void **state)
{
	struct nj_http2_state *s = new_state();
	nghttp2_hd_deflater *d;
	struct wire w = { .n = 0 };
	uint8_t blk[512], p[600] = { 0 };

	assert_int_equal(nghttp2_hd_deflate_new(&d, 4096), 0);
	uint32_t n = block(d, req_nv, sizeof(req_nv) / sizeof(req_nv[0]), blk, sizeof(blk));
	put(&w, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	p[0] = 7;                               /* pad length */
	memcpy(p + 6, blk, n);                  /* after 5 bytes of priority */
	frame(&w, 1, 0x8 | 0x20 | 0x4, 1, p, 1 + 5 + n + 7);
	memset(p, 'z', sizeof(p));
	p[0] = 3;
	memcpy(p + 1, "body", 4);
	frame(&w, 0, 0x8 | 0x1, 1, p, 1 + 4 + 3);
	for (uint32_t i = 0; i < w.n; i += 5)
		assert_int_equal(nj_http2_feed(s, TS, w.b + i, w.n - i < 5 ? w.n - i : 5), 0);
	struct nj_app_tx *tx = tx_at(s, 0);
	check_request(tx);
	assert_buf(tx, NJ_BUF_HTTP_REQUEST_BODY, "body");
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	assert_int_equal(nj_http2_errors(s), 0);
	nghttp2_hd_deflate_del(d);
	nj_http2_free(s);
}

/* The server's SETTINGS before the client's preface, then a response
 * with a body in two DATA frames: the transaction completes. */
static void test_response(void **state)
{
	struct nj_http2_state *s = new_state();
	nghttp2_hd_deflater *dc, *ds;
	struct wire c = { .n = 0 }, sv = { .n = 0 };
	uint8_t blk[512];

	assert_int_equal(nghttp2_hd_deflate_new(&dc, 4096), 0);
	assert_int_equal(nghttp2_hd_deflate_new(&ds, 4096), 0);
	frame(&sv, 4, 0, 0, "\x00\x03\x00\x00\x00\x64", 6);
	client_start(&c, dc, 0x5);
	uint32_t n = block(ds, resp_nv, sizeof(resp_nv) / sizeof(resp_nv[0]), blk, sizeof(blk));
	frame(&sv, 1, 0x4, 1, blk, n);
	frame(&sv, 0, 0, 1, "hel", 3);
	frame(&sv, 0, 0x1, 1, "lo", 2);
	assert_int_equal(nj_http2_feed(s, TC, sv.b, 15), 0);
	assert_int_equal(nj_http2_feed(s, TS, c.b, c.n), 0);
	nj_http2_begin(s);
	assert_int_equal(nj_http2_feed(s, TC, sv.b + 15, sv.n - 15), 0);
	struct nj_app_tx *tx = tx_at(s, 0);
	assert_true(nj_app_tx_complete(tx));
	assert_buf(tx, NJ_BUF_HTTP_STAT_CODE, "200");
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_LINE, "HTTP/2 200");
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_BODY, "hello");
	assert_buf(tx, NJ_BUF_FILE_DATA, "hello");
	assert_buf_idx(tx, NJ_BUF_HTTP_RESPONSE_HEADER, 0, "status: 200");
	assert_buf(tx, NJ_BUF_HTTP_METHOD, "GET");
	nj_http2_begin(s);
	assert_int_equal(nj_http2_tx_count(s), 0);
	nghttp2_hd_deflate_del(dc);
	nghttp2_hd_deflate_del(ds);
	nj_http2_free(s);
}

/* Lengths that do not add up: bad SETTINGS and RST_STREAM sizes are
 * counted and skipped; padding longer than the frame, a CONTINUATION
 * without HEADERS and a wrong preface stop the direction. */
static void test_bad_lengths(void **state)
{
	struct nj_http2_state *s = new_state();
	struct wire w = { .n = 0 };
	uint8_t p[16] = { 20, 0, 0 };

	put(&w, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	frame(&w, 4, 0, 0, "\x00\x01\x00\x00\x10", 5);
	frame(&w, 3, 0, 1, "\x00\x00", 2);
	assert_int_equal(nj_http2_feed(s, TS, w.b, w.n), 0);
	assert_int_equal(nj_http2_errors(s), 2);
	w.n = 0;
	frame(&w, 1, 0x8 | 0x4, 1, p, 3);
	assert_int_equal(nj_http2_feed(s, TS, w.b, w.n), -EINVAL);
	assert_int_equal(nj_http2_feed(s, TS, w.b, 1), -EINVAL);
	w.n = 0;
	frame(&w, 9, 0x4, 1, p, 3);
	assert_int_equal(nj_http2_feed(s, TC, w.b, w.n), -EINVAL);
	assert_int_equal(nj_http2_errors(s), 4);
	nj_http2_free(s);

	s = new_state();
	assert_int_equal(nj_http2_feed(s, TS, (const uint8_t *)"PRI * HTTP/1.1", 14), -EINVAL);
	nj_http2_free(s);
}

/* A frame header announcing 16 MiB of HEADERS is refused before any of
 * it is kept; the same size of DATA is streamed. */
static void test_oversized(void **state)
{
	struct nj_http2_state *s = new_state();
	struct wire w = { .n = 0 };

	put(&w, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	frame(&w, 0, 0, 1, NULL, 0);
	w.b[w.n - 9] = 0xff;
	w.b[w.n - 8] = 0xff;
	w.b[w.n - 7] = 0xff;
	put(&w, "abc", 3);
	assert_int_equal(nj_http2_feed(s, TS, w.b, w.n), 0);
	w.n = 0;
	frame(&w, 1, 0x4, 3, NULL, 0);
	w.b[0] = 0xff;
	nj_http2_free(s);
	s = new_state();
	struct wire w2 = { .n = 0 };
	put(&w2, NJ_HTTP2_PREFACE, NJ_HTTP2_PREFACE_LEN);
	put(&w2, w.b, 9);
	assert_int_equal(nj_http2_feed(s, TS, w2.b, w2.n), -EINVAL);
	nj_http2_free(s);
}

/* A flow cut short: close completes the open stream. */
static void test_close(void **state)
{
	struct nj_http2_state *s = new_state();
	nghttp2_hd_deflater *d;
	struct wire w = { .n = 0 };

	assert_int_equal(nghttp2_hd_deflate_new(&d, 4096), 0);
	client_start(&w, d, 0x4);
	assert_int_equal(nj_http2_feed(s, TS, w.b, w.n), 0);
	nj_http2_begin(s);
	nj_http2_close(s);
	assert_true(nj_app_tx_complete(tx_at(s, 0)));
	nghttp2_hd_deflate_del(d);
	nj_http2_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytewise),
		cmocka_unit_test(test_continuation),
		cmocka_unit_test(test_padding),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_bad_lengths),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
