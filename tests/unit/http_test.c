/* HTTP parser: segmentation, pipelining, chunked and compressed bodies,
 * header folding and duplicates, URI/host normalisation, malformed input,
 * EVE output. */
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "app_test_util.h"
#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/http.h"

static const char req1[] =
	"GET /a/./b/../c//d%2Fe?x=1%20 HTTP/1.1\r\n"
	"Host: WWW.Example.COM:8080\r\n"
	"User-Agent: nj-test\r\n"
	"Cookie: a=b\r\n"
	"X-Fold: one\r\n"
	"  two\r\n"
	"Accept: text/html\r\n"
	"Accept: text/plain\r\n"
	"Referer: http://ref.example/\r\n"
	"Content-Length: 5\r\n"
	"\r\n"
	"hello";

static const char resp1[] =
	"HTTP/1.1 200 OK\r\n"
	"Server: nj\r\n"
	"Content-Type: text/plain\r\n"
	"Set-Cookie: s=1\r\n"
	"Transfer-Encoding: chunked\r\n"
	"\r\n"
	"3\r\nabc\r\n"
	"4;ext=1\r\ndefg\r\n"
	"0\r\n"
	"Trailer: x\r\n"
	"\r\n";

static struct nj_http_state *new_state(void)
{
	struct nj_http_config hc;
	nj_http_config_load(&hc, NULL);
	struct nj_http_state *s = nj_http_new(&hc);
	assert_non_null(s);
	return s;
}

static int feed_str(struct nj_http_state *s, int dir, const char *d, size_t n)
{
	return nj_http_feed(s, dir, (const uint8_t *)d, (uint32_t)n);
}

#define FEED(s, dir, lit) feed_str((s), (dir), (lit), strlen(lit))

/* What the app-layer stage does once a packet is parsed: decides which
 * bodies detection sees on this packet. */
static void settle(struct nj_http_state *s)
{
	struct nj_app_tx **txs;

	nj_http_updated(s, &txs);
}

static struct nj_app_tx *tx_at(struct nj_http_state *s, uint16_t i)
{
	struct nj_app_tx **txs;
	uint16_t n = nj_http_updated(s, &txs);
	assert_true(i < n);
	return txs[i];
}

static void check_req1(struct nj_app_tx *tx)
{
	assert_buf(tx, NJ_BUF_HTTP_METHOD, "GET");
	assert_buf(tx, NJ_BUF_HTTP_URI, "/a/c/d/e?x=1%20");
	assert_buf(tx, NJ_BUF_HTTP_URI_RAW, "/a/./b/../c//d%2Fe?x=1%20");
	assert_buf(tx, NJ_BUF_HTTP_REQUEST_LINE, "GET /a/./b/../c//d%2Fe?x=1%20 HTTP/1.1");
	assert_buf(tx, NJ_BUF_HTTP_HOST, "www.example.com");
	assert_buf(tx, NJ_BUF_HTTP_HOST_RAW, "WWW.Example.COM:8080");
	assert_buf(tx, NJ_BUF_HTTP_USER_AGENT, "nj-test");
	assert_buf(tx, NJ_BUF_HTTP_REFERER, "http://ref.example/");
	assert_buf(tx, NJ_BUF_HTTP_ACCEPT, "text/html, text/plain");
	assert_buf(tx, NJ_BUF_HTTP_REQUEST_BODY, "hello");
}

static void check_req1_headers(struct nj_app_tx *tx)
{
	assert_buf(tx, NJ_BUF_HTTP_PROTOCOL, "HTTP/1.1");
	assert_buf(tx, NJ_BUF_HTTP_COOKIE, "a=b");
	assert_buf(tx, NJ_BUF_HTTP_HEADER,
		   "Host: WWW.Example.COM:8080\r\n"
		   "User-Agent: nj-test\r\n"
		   "X-Fold: one two\r\n"
		   "Accept: text/html, text/plain\r\n"
		   "Referer: http://ref.example/\r\n"
		   "Content-Length: 5\r\n");
	assert_buf(tx, NJ_BUF_HTTP_HEADER_NAMES,
		   "\r\nHost\r\nUser-Agent\r\nCookie\r\nX-Fold\r\nAccept\r\nReferer\r\n"
		   "Content-Length\r\n\r\n");
	assert_buf(tx, NJ_BUF_HTTP_START,
		   "GET /a/./b/../c//d%2Fe?x=1%20 HTTP/1.1\r\n"
		   "Host: WWW.Example.COM:8080\r\n"
		   "User-Agent: nj-test\r\n"
		   "Cookie: a=b\r\n"
		   "X-Fold: one two\r\n"
		   "Accept: text/html, text/plain\r\n"
		   "Referer: http://ref.example/\r\n"
		   "Content-Length: 5\r\n\r\n");
	assert_buf(tx, NJ_BUF_HTTP_HEADER_RAW,
		   "Host: WWW.Example.COM:8080\r\n"
		   "User-Agent: nj-test\r\n"
		   "Cookie: a=b\r\n"
		   "X-Fold: one\r\n"
		   "  two\r\n"
		   "Accept: text/html\r\n"
		   "Accept: text/plain\r\n"
		   "Referer: http://ref.example/\r\n"
		   "Content-Length: 5\r\n"
		   "\r\n");
	assert_buf(tx, NJ_BUF_HTTP_CONTENT_LEN, "5");
	/* one header per idx, Cookie included (unlike http.header) */
	assert_buf_idx(tx, NJ_BUF_HTTP_REQUEST_HEADER, 2, "Cookie: a=b");
	assert_buf_idx(tx, NJ_BUF_HTTP_REQUEST_HEADER, 7, NULL);
	assert_true(nj_app_tx_has_event(tx, nj_app_event_lookup(
		"http.request_header_repetition")));
	assert_false(nj_app_tx_has_event(tx, nj_app_event_lookup(
		"http.missing_host_header")));
}

static void check_resp1(struct nj_app_tx *tx)
{
	assert_buf(tx, NJ_BUF_HTTP_STAT_CODE, "200");
	assert_buf(tx, NJ_BUF_HTTP_STAT_MSG, "OK");
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_LINE, "HTTP/1.1 200 OK");
	assert_buf(tx, NJ_BUF_HTTP_SERVER, "nj");
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_BODY, "abcdefg");
	assert_buf(tx, NJ_BUF_FILE_DATA, "abcdefg");
	assert_buf(tx, NJ_BUF_HTTP_CONTENT_TYPE, "text/plain");
	assert_buf(tx, NJ_BUF_HTTP_COOKIE, "s=1");
	assert_buf(tx, NJ_BUF_HTTP_HEADER,
		   "Server: nj\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n");
	assert_buf_idx(tx, NJ_BUF_HTTP_RESPONSE_HEADER, 1, "Content-Type: text/plain");
	assert_buf_idx(tx, NJ_BUF_HTTP_RESPONSE_HEADER, 4, NULL);
	assert_int_equal(nj_http_tx_status(tx), 200);
	assert_true(nj_app_tx_complete(tx));
}

static void test_whole(void **state)
{
	struct nj_http_state *s = new_state();

	assert_int_equal(feed_str(s, NJ_DIR_TO_SERVER, req1, sizeof(req1) - 1), 0);
	struct nj_app_tx *tx = tx_at(s, 0);
	check_req1(tx);
	check_req1_headers(tx);
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	assert_false(nj_app_tx_complete(tx));
	assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, resp1, sizeof(resp1) - 1), 0);
	settle(s);
	check_resp1(tx);
	/* the next packet frees it */
	nj_http_begin(s);
	assert_int_equal(nj_http_tx_count(s), 0);
	nj_http_free(s);
}

/* Every split point of the request and of the response, then one byte at a
 * time, gives the same buffers as whole messages. */
static void test_segmentation(void **state)
{
	size_t rl = sizeof(req1) - 1, pl = sizeof(resp1) - 1;

	for (size_t i = 0; i <= rl; i++) {
		struct nj_http_state *s = new_state();
		size_t j = i % (pl + 1);
		assert_int_equal(feed_str(s, NJ_DIR_TO_SERVER, req1, i), 0);
		assert_int_equal(feed_str(s, NJ_DIR_TO_SERVER, req1 + i, rl - i), 0);
		struct nj_app_tx *tx = tx_at(s, 0);
		check_req1(tx);
		check_req1_headers(tx);
		assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, resp1, j), 0);
		assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, resp1 + j, pl - j), 0);
		settle(s);
		check_resp1(tx);
		nj_http_free(s);
	}
	struct nj_http_state *s = new_state();
	for (size_t i = 0; i < rl; i++)
		assert_int_equal(feed_str(s, NJ_DIR_TO_SERVER, req1 + i, 1), 0);
	struct nj_app_tx *tx = tx_at(s, 0);
	check_req1_headers(tx);
	for (size_t i = 0; i < pl; i++)
		assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, resp1 + i, 1), 0);
	settle(s);
	check_req1(tx);
	check_resp1(tx);
	nj_http_free(s);
}

static void test_pipelining(void **state)
{
	struct nj_http_state *s = new_state();
	const char rq[] = "GET /1 HTTP/1.1\r\nHost: a\r\n\r\n"
			  "POST /2 HTTP/1.1\r\nHost: b\r\nContent-Length: 3\r\n\r\nxyz"
			  "GET /3 HTTP/1.1\r\nHost: c\r\n\r\n";
	const char rs[] = "HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nA"
			  "HTTP/1.1 404 Not Found\r\nContent-Length: 1\r\n\r\nB"
			  "HTTP/1.1 301 Moved\r\nLocation: /x\r\nContent-Length: 0\r\n\r\n";
	struct nj_app_tx **txs;

	assert_int_equal(feed_str(s, NJ_DIR_TO_SERVER, rq, sizeof(rq) - 1), 0);
	assert_int_equal(nj_http_updated(s, &txs), 3);
	nj_http_begin(s);
	assert_int_equal(nj_http_tx_count(s), 3);
	assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, rs, 30), 0);
	assert_int_equal(nj_http_updated(s, &txs), 1);
	assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, rs + 30, sizeof(rs) - 31), 0);
	assert_int_equal(nj_http_updated(s, &txs), 3);
	assert_buf(txs[0], NJ_BUF_HTTP_URI, "/1");
	assert_buf(txs[0], NJ_BUF_HTTP_RESPONSE_BODY, "A");
	assert_buf(txs[1], NJ_BUF_HTTP_URI, "/2");
	assert_buf(txs[1], NJ_BUF_HTTP_REQUEST_BODY, "xyz");
	assert_buf(txs[1], NJ_BUF_HTTP_STAT_CODE, "404");
	assert_buf(txs[1], NJ_BUF_HTTP_STAT_MSG, "Not Found");
	assert_buf(txs[1], NJ_BUF_HTTP_RESPONSE_BODY, "B");
	assert_buf(txs[2], NJ_BUF_HTTP_HOST, "c");
	assert_buf(txs[2], NJ_BUF_HTTP_LOCATION, "/x");
	assert_buf(txs[2], NJ_BUF_HTTP_RESPONSE_BODY, NULL);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(txs[i]->id, (uint64_t)i);
		assert_true(nj_app_tx_complete(txs[i]));
	}
	nj_http_begin(s);
	assert_int_equal(nj_http_tx_count(s), 0);
	nj_http_free(s);
}

/* Compresses src with the given zlib window bits (31 gzip, 15 zlib,
 * -15 raw deflate). */
static size_t zcompress(const uint8_t *src, size_t n, uint8_t *out, size_t cap, int wbits)
{
	z_stream z = { 0 };
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)src;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
	size_t got = cap - z.avail_out;
	deflateEnd(&z);
	return got;
}

static void compressed_body(const char *coding, int wbits, bool bytewise)
{
	char plain[3000];
	uint8_t comp[4096];
	char hdr[256];
	struct nj_http_state *s = new_state();

	for (size_t i = 0; i < sizeof(plain); i++)
		plain[i] = (char)('a' + (i * 7 + i / 13) % 26);
	size_t cn = zcompress((const uint8_t *)plain, sizeof(plain), comp, sizeof(comp), wbits);
	int hn = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Encoding: %s\r\n"
			  "Content-Length: %zu\r\n\r\n", coding, cn);
	FEED(s, NJ_DIR_TO_SERVER, "GET / HTTP/1.0\r\n\r\n");
	assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, hdr, (size_t)hn), 0);
	if (bytewise) {
		for (size_t i = 0; i < cn; i++)
			assert_int_equal(nj_http_feed(s, NJ_DIR_TO_CLIENT, comp + i, 1), 0);
	} else {
		assert_int_equal(nj_http_feed(s, NJ_DIR_TO_CLIENT, comp, (uint32_t)cn), 0);
	}
	struct nj_app_tx *tx = tx_at(s, 0);
	struct nj_buf b;
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_RESPONSE_BODY, 0, &b), 1);
	assert_int_equal(b.len, sizeof(plain));
	assert_memory_equal(b.ptr, plain, sizeof(plain));
	assert_true(nj_app_tx_complete(tx));
	assert_false(nj_app_tx_has_event(tx, nj_app_event_lookup(
		"http.gzip_decompression_failed")));
	nj_http_free(s);
}

/* A growing body is shown to detection once 32 KiB (request) more have
 * come, then not again until as much more has or the message ends. */
static void test_body_inspection_steps(void **state)
{
	struct nj_http_state *s = new_state();
	static char chunk[20 * 1024];
	struct nj_buf b;
	struct nj_app_tx *tx;

	memset(chunk, 'x', sizeof(chunk));
	FEED(s, NJ_DIR_TO_SERVER, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 41985\r\n\r\n");
	feed_str(s, NJ_DIR_TO_SERVER, chunk, sizeof(chunk));
	tx = tx_at(s, 0);
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_REQUEST_BODY, 0, &b), 0);
	nj_http_begin(s);
	feed_str(s, NJ_DIR_TO_SERVER, chunk, sizeof(chunk));
	tx = tx_at(s, 0);
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_REQUEST_BODY, 0, &b), 1);
	assert_int_equal(b.len, 2 * sizeof(chunk));
	tx = tx_at(s, 0);                               /* asked again: same answer */
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_REQUEST_BODY, 0, &b), 1);
	nj_http_begin(s);
	feed_str(s, NJ_DIR_TO_SERVER, chunk, 1024);
	tx = tx_at(s, 0);
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_REQUEST_BODY, 0, &b), 0);
	nj_http_begin(s);
	feed_str(s, NJ_DIR_TO_SERVER, chunk, 1);
	tx = tx_at(s, 0);
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_REQUEST_BODY, 0, &b), 1);
	assert_int_equal(b.len, 41985);
	nj_http_free(s);
}

static void test_gzip(void **state)
{
	compressed_body("gzip", 31, false);
	compressed_body("gzip", 31, true);
	compressed_body("deflate", 15, false);
	compressed_body("deflate", -15, false);
	compressed_body("deflate", -15, true);

	/* labelled gzip but sent in clear: kept as sent */
	struct nj_http_state *s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "POST / HTTP/1.1\r\nHost: h\r\nContent-Encoding: gzip\r\n"
		 "Content-Length: 13\r\n\r\n{\"a\":\"b\"}");
	FEED(s, NJ_DIR_TO_SERVER, "  \n");
	/* a body still growing is not inspected before 32 KiB more came */
	assert_buf(tx_at(s, 0), NJ_BUF_HTTP_REQUEST_BODY, NULL);
	FEED(s, NJ_DIR_TO_SERVER, " ");
	assert_buf(tx_at(s, 0), NJ_BUF_HTTP_REQUEST_BODY, "{\"a\":\"b\"}  \n ");
	nj_http_free(s);
}

static void test_gzip_chunked_and_bomb(void **state)
{
	size_t big = 8u << 20;
	uint8_t *zeros = calloc(1, big), comp[16384];
	size_t cn = zcompress(zeros, big, comp, sizeof(comp), 31);
	char hdr[256];
	struct nj_http_state *s = new_state();

	/* 8 MiB of zeros in ~8 KiB: past the 1 MiB decompression limit */
	FEED(s, NJ_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	int hn = snprintf(hdr, sizeof(hdr), "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
			  "Transfer-Encoding: chunked\r\n\r\n%zx\r\n", cn);
	feed_str(s, NJ_DIR_TO_CLIENT, hdr, (size_t)hn);
	nj_http_feed(s, NJ_DIR_TO_CLIENT, comp, (uint32_t)cn);
	FEED(s, NJ_DIR_TO_CLIENT, "\r\n0\r\n\r\n");
	struct nj_app_tx *tx = tx_at(s, 0);
	struct nj_buf b;
	assert_true(nj_app_tx_has_event(tx, nj_app_event_lookup("http.compression_bomb")));
	assert_int_equal(tx->get_buffer(tx, NJ_BUF_HTTP_RESPONSE_BODY, 0, &b), 1);
	assert_int_equal(b.len, 100 * 1024);     /* the body limit */
	assert_true(nj_app_tx_complete(tx));
	free(zeros);
	nj_http_free(s);
}

static void test_uri_table(void **state)
{
	static const struct {
		const char *in, *out;
		bool dbl;
	} t[] = {
		{ "/", "/", false },
		{ "/a/b/../c", "/a/c", false },
		{ "/a/./b", "/a/b", false },
		{ "//a///b", "/a/b", false },
		{ "/%61%62c", "/abc", false },
		{ "/a/%2e%2e/b", "/b", false },
		{ "/a/%2E%2E%2Fb", "/b", false },
		{ "/../../etc/passwd", "/etc/passwd", false },
		{ "/a?x=/../y//z", "/a?x=/../y//z", false },
		{ "http://Host.example:80/x/../y?q", "/y?q", false },
		{ "http://host.example", "", false },
		{ "/a%zz%4", "/a%zz%4", false },
		{ "/a/.", "/a/", false },
		{ "/a/..", "/", false },
		{ "/a/b/..?q", "/a/?q", false },
		{ "/%252e%252e/x", "/%2e%2e/x", true },
		{ "/a#frag/../", "/a#frag/../", false },
		{ "*", "*", false },
		{ "/a/b/c/./../../g", "/a/g", false },
		{ "mid/content=5/../6", "mid/6", false },
	};
	uint8_t out[256];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		bool dbl = false;
		uint32_t n = nj_http_normalize_uri((const uint8_t *)t[i].in,
						   (uint32_t)strlen(t[i].in), out,
						   sizeof(out), &dbl);
		if (n != strlen(t[i].out) || memcmp(out, t[i].out, n) != 0)
			fail_msg("uri %s: got [%.*s] want [%s]", t[i].in, (int)n, out, t[i].out);
		assert_int_equal(dbl, t[i].dbl);
	}
}

static void test_host_table(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "Example.COM:80", "example.com" },
		{ "[::1]:8080", "[::1]" },
		{ "host.", "host" },
		{ " a.B ", "a.b" },
		{ "h:", "h" },
	};
	uint8_t out[64];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint32_t n = nj_http_normalize_host((const uint8_t *)t[i].in,
						    (uint32_t)strlen(t[i].in), out, sizeof(out));
		if (n != strlen(t[i].out) || memcmp(out, t[i].out, n) != 0)
			fail_msg("host %s: got [%.*s] want [%s]", t[i].in, (int)n, out, t[i].out);
	}
}

static bool has_ev(struct nj_app_tx *tx, const char *name)
{
	int id = nj_app_event_lookup(name);
	assert_true(id >= 0);
	return nj_app_tx_has_event(tx, id);
}

static void test_malformed(void **state)
{
	struct nj_http_state *s = new_state();
	const char r1[] = "GET / HTTP/1.1\r\nNoColonHere\r\n folded-first\r\n"
			  "Content-Length: 12x\r\n\r\n";
	feed_str(s, NJ_DIR_TO_SERVER, r1, sizeof(r1) - 1);
	struct nj_app_tx *tx = tx_at(s, 0);
	assert_true(has_ev(tx, "http.request_field_missing_colon"));
	assert_true(has_ev(tx, "http.invalid_request_field_folding"));
	assert_true(has_ev(tx, "http.invalid_content_length_field_in_request"));
	assert_true(has_ev(tx, "http.missing_host_header"));
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	const char rs[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n";
	assert_int_equal(feed_str(s, NJ_DIR_TO_CLIENT, rs, sizeof(rs) - 1), -EINVAL);
	assert_true(has_ev(tx, "http.invalid_response_chunk_len"));
	/* the direction is dead now */
	assert_int_equal(FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1"), -EINVAL);
	nj_http_free(s);

	/* no version: the header block that follows is still parsed */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "OPTIONS HTTP/1.1\nHost: www.example\n\n");
	tx = tx_at(s, 0);
	assert_true(has_ev(tx, "http.request_line_missing_protocol"));
	assert_buf(tx, NJ_BUF_HTTP_METHOD, "OPTIONS");
	assert_buf(tx, NJ_BUF_HTTP_URI_RAW, "HTTP/1.1");
	assert_buf(tx, NJ_BUF_HTTP_HOST, "www.example");
	assert_true(tx->progress_ts & NJ_APP_PROGRESS_DONE);
	nj_http_free(s);

	/* HTTP/0.9, then a response with no request */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "GET /x\r\n");
	tx = tx_at(s, 0);
	assert_true(has_ev(tx, "http.request_line_missing_protocol"));
	assert_buf(tx, NJ_BUF_HTTP_URI, "/x");
	assert_buf(tx, NJ_BUF_HTTP_PROTOCOL, NULL);
	FEED(s, NJ_DIR_TO_SERVER, "\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n");
	assert_int_equal(nj_http_tx_count(s), 2);
	assert_true(has_ev(tx_at(s, 1), "http.unable_to_match_response_to_request"));
	nj_http_free(s);

	/* bad status, bad protocol, header name with trailing space, a line
	 * past the limit */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "  GET / HTTP/1.1\r\nHost : h\r\nX: ");
	char *longv = malloc(20000);
	memset(longv, 'A', 20000);
	feed_str(s, NJ_DIR_TO_SERVER, longv, 20000);
	FEED(s, NJ_DIR_TO_SERVER, "\r\n\r\n");
	free(longv);
	tx = tx_at(s, 0);
	assert_true(has_ev(tx, "http.request_line_leading_whitespace"));
	assert_true(has_ev(tx, "http.request_header_invalid"));
	assert_true(has_ev(tx, "http.request_field_too_long"));
	assert_buf(tx, NJ_BUF_HTTP_HOST, "h");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTPX/1.1 2x0 Eh\r\n: a\r\n : b\r\n:c\r\n\r\n");
	assert_true(has_ev(tx, "http.response_header_invalid"));
	assert_buf(tx, NJ_BUF_HTTP_HEADER_NAMES, "\r\n\r\n");
	assert_true(has_ev(tx, "http.response_invalid_protocol"));
	assert_true(has_ev(tx, "http.response_invalid_status"));
	nj_http_free(s);
}

/* A parser that has seen "GET /" and then resp from the server. */
static struct nj_http_state *after_get(const char *resp)
{
	struct nj_http_state *s = new_state();

	FEED(s, NJ_DIR_TO_SERVER, "GET / HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(FEED(s, NJ_DIR_TO_CLIENT, resp), 0);
	return s;
}

static void test_continue_head_close(void **state)
{
	struct nj_http_state *s = new_state();
	const char rq[] = "POST /u HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\n"
			  "Content-Length: 2\r\n\r\n";
	feed_str(s, NJ_DIR_TO_SERVER, rq, sizeof(rq) - 1);
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 100 Continue\r\n\r\n");
	/* the interim response leaves no slices behind */
	assert_buf(tx_at(s, 0), NJ_BUF_HTTP_STAT_CODE, NULL);
	assert_buf(tx_at(s, 0), NJ_BUF_HTTP_STAT_MSG, NULL);
	FEED(s, NJ_DIR_TO_SERVER, "ok");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	struct nj_app_tx *tx = tx_at(s, 0);
	assert_int_equal(nj_http_tx_count(s), 1);
	assert_int_equal(nj_http_tx_status(tx), 201);
	assert_buf(tx, NJ_BUF_HTTP_REQUEST_BODY, "ok");
	assert_true(nj_app_tx_complete(tx));
	nj_http_free(s);

	/* HEAD: the response has Content-Length but no body */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "HEAD / HTTP/1.1\r\nHost: h\r\n\r\nGET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"
		 "HTTP/1.1 204 No Content\r\n\r\n");
	assert_int_equal(nj_http_tx_status(tx_at(s, 0)), 200);
	assert_int_equal(nj_http_tx_status(tx_at(s, 1)), 204);
	assert_true(nj_app_tx_complete(tx_at(s, 1)));
	nj_http_free(s);

	/* body delimited by the connection close */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "GET / HTTP/1.0\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.0 200 OK\r\n\r\nabc");
	tx = tx_at(s, 0);
	assert_false(nj_app_tx_complete(tx));
	nj_http_close(s);
	assert_true(nj_app_tx_complete(tx));
	settle(s);
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_BODY, "abc");
	nj_http_free(s);

	/* 101 Switching Protocols is final; what follows is not HTTP */
	s = after_get("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n");
	tx = tx_at(s, 0);
	assert_int_equal(FEED(s, NJ_DIR_TO_CLIENT, "\x81\x05HTTP/"), -EINVAL);
	assert_int_equal(nj_http_tx_status(tx), 101);
	assert_true(nj_app_tx_complete(tx));
	FEED(s, NJ_DIR_TO_SERVER, "GET / HTTP/1.1\r\n\r\n");
	nj_http_begin(s);
	assert_int_equal(nj_http_tx_count(s), 0);
	nj_http_free(s);

	/* a granted CONNECT that opened the connection makes it a tunnel */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n");
	assert_false(nj_http_tunnel(s));
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 200 Connection established\r\n\r\n");
	tx = tx_at(s, 0);
	assert_true(nj_http_tunnel(s));
	assert_int_equal(nj_http_tx_status(tx), 200);
	assert_true(nj_app_tx_complete(tx));
	assert_int_equal(FEED(s, NJ_DIR_TO_SERVER, "\x16\x03\x01"), -EINVAL);
	nj_http_free(s);

	/* refused, or not the first request: still HTTP */
	s = new_state();
	FEED(s, NJ_DIR_TO_SERVER, "CONNECT example.com:443 HTTP/1.1\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 407 Proxy Authentication Required\r\n"
		 "Content-Length: 0\r\n\r\n");
	FEED(s, NJ_DIR_TO_SERVER, "CONNECT example.com:443 HTTP/1.1\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\n\r\n");
	assert_false(nj_http_tunnel(s));
	nj_http_free(s);

	/* the connection closes inside the response headers: they end there,
	 * an unterminated last line included */
	s = after_get("HTTP/1.0 200 OK\r\nServer:ng1nx\r\nX-A: b");
	tx = tx_at(s, 0);
	assert_buf(tx, NJ_BUF_HTTP_HEADER, NULL);
	nj_http_close(s);
	assert_true(nj_app_tx_complete(tx));
	assert_int_equal(tx->dir, NJ_DIR_TO_CLIENT);
	assert_buf(tx, NJ_BUF_HTTP_HEADER, "Server: ng1nx\r\nX-A: b\r\n");
	nj_http_free(s);

	/* no status line: the response is body until the close, whether its
	 * first line ends or not */
	s = after_get("\r\nX5O!P%");
	FEED(s, NJ_DIR_TO_CLIENT, "@AP\nmore");
	tx = tx_at(s, 0);
	assert_int_equal(tx->dir, NJ_DIR_TO_CLIENT);
	assert_buf(tx, NJ_BUF_FILE_DATA, NULL);         /* still growing */
	nj_http_close(s);
	assert_true(nj_app_tx_complete(tx));
	settle(s);
	assert_buf(tx, NJ_BUF_FILE_DATA, "X5O!P%@AP\nmore");
	nj_http_free(s);
	s = after_get("ht");
	tx = tx_at(s, 0);
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_BODY, NULL);
	nj_http_close(s);
	settle(s);
	assert_buf(tx, NJ_BUF_HTTP_RESPONSE_BODY, "ht");
	nj_http_free(s);
}

/* A gap inside a response body ends it; parsing picks up at the next
 * status line even when it follows body bytes on the same line. */
static void test_gap_resync(void **state)
{
	struct nj_http_state *s = new_state();
	struct nj_app_tx **txs;

	FEED(s, NJ_DIR_TO_SERVER, "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
				  "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc");
	nj_http_gap(s, NJ_DIR_TO_CLIENT);
	assert_int_equal(FEED(s, NJ_DIR_TO_CLIENT, "tail of the first body"), 0);
	assert_int_equal(FEED(s, NJ_DIR_TO_CLIENT, "xyzHTTP/1.1 404 Nope\r\n"
				  "Content-Length: 1\r\n\r\nZ"), 0);
	assert_int_equal(nj_http_updated(s, &txs), 2);
	assert_true(nj_app_tx_complete(txs[0]));
	assert_buf(txs[0], NJ_BUF_HTTP_RESPONSE_BODY, "abc");
	assert_int_equal(nj_http_tx_status(txs[1]), 404);
	assert_buf(txs[1], NJ_BUF_HTTP_RESPONSE_BODY, "Z");
	assert_true(nj_app_tx_complete(txs[1]));

	/* requests resync at a line that starts with a method */
	FEED(s, NJ_DIR_TO_SERVER, "POST /3 HTTP/1.1\r\nHost: h\r\nContent-Length: 50\r\n\r\nab");
	nj_http_gap(s, NJ_DIR_TO_SERVER);
	FEED(s, NJ_DIR_TO_SERVER, "rest of the body GET /no\r\nGET /4 HTTP/1.1\r\nHost: h\r\n\r\n");
	assert_int_equal(nj_http_updated(s, &txs), 4);
	assert_buf(txs[3], NJ_BUF_HTTP_URI, "/4");
	nj_http_free(s);
}

/* Bodies of all open transactions share the flow's budget. */
static void test_body_budget(void **state)
{
	struct nj_http_config hc;
	struct nj_app_tx **txs;

	nj_http_config_load(&hc, NULL);
	hc.flow_body_limit = 10;
	struct nj_http_state *s = nj_http_new(&hc);
	FEED(s, NJ_DIR_TO_SERVER, "POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\n12345678"
				  "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 8\r\n\r\nabcdefgh");
	assert_int_equal(nj_http_updated(s, &txs), 2);
	assert_buf(txs[0], NJ_BUF_HTTP_REQUEST_BODY, "12345678");
	assert_buf(txs[1], NJ_BUF_HTTP_REQUEST_BODY, "ab");
	assert_true(txs[1]->progress_ts & NJ_APP_PROGRESS_DONE);
	/* freeing completed transactions gives the budget back */
	FEED(s, NJ_DIR_TO_CLIENT, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
				  "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
	nj_http_begin(s);
	assert_int_equal(nj_http_tx_count(s), 0);
	FEED(s, NJ_DIR_TO_SERVER, "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 9\r\n\r\n123456789");
	assert_int_equal(nj_http_updated(s, &txs), 1);
	assert_buf(txs[0], NJ_BUF_HTTP_REQUEST_BODY, "123456789");
	nj_http_free(s);
}

static void test_eve(void **state)
{
	struct nj_http_state *s = new_state();
	struct nj_json j;

	feed_str(s, NJ_DIR_TO_SERVER, req1, sizeof(req1) - 1);
	feed_str(s, NJ_DIR_TO_CLIENT, resp1, sizeof(resp1) - 1);
	struct nj_app_tx *tx = tx_at(s, 0);
	nj_json_init(&j);
	nj_json_object_open(&j, NULL);
	tx->log_json(tx, &j);
	nj_json_object_close(&j);
	assert_false(j.oom);
	const char *want[] = {
		"\"hostname\":\"www.example.com\"", "\"http_port\":8080",
		"\"url\":\"/a/./b/../c//d%2Fe?x=1%20\"", "\"http_user_agent\":\"nj-test\"",
		"\"http_content_type\":\"text/plain\"", "\"http_refer\":\"http://ref.example/\"",
		"\"http_method\":\"GET\"", "\"protocol\":\"HTTP/1.1\"", "\"status\":200",
		"\"length\":",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(j.buf, want[i]))
			fail_msg("%s not in %s", want[i], j.buf);
	nj_json_free(&j);
	nj_http_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_segmentation),
		cmocka_unit_test(test_pipelining),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_body_inspection_steps),
		cmocka_unit_test(test_gzip_chunked_and_bomb),
		cmocka_unit_test(test_uri_table),
		cmocka_unit_test(test_host_table),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_continue_head_close),
		cmocka_unit_test(test_gap_resync),
		cmocka_unit_test(test_body_budget),
		cmocka_unit_test(test_eve),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
