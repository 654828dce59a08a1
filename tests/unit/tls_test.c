/* TLS parser: ClientHello split across records and segments with JA3/JA4
 * values worked out by hand from the bytes, ServerHello and JA3S, the
 * server certificate against openssl's view of it, malformed records. */
#include <stdio.h>
#include <stdlib.h>

#include "app_test_util.h"
#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/tls.h"
#include "tls_test_cert.h"

struct bytes {
	uint8_t b[8192];
	uint32_t n;
};

static void put8(struct bytes *o, uint8_t v) { o->b[o->n++] = v; }
static void put16(struct bytes *o, uint16_t v) { put8(o, (uint8_t)(v >> 8)); put8(o, (uint8_t)v); }
static void put24(struct bytes *o, uint32_t v) { put8(o, (uint8_t)(v >> 16)); put16(o, (uint16_t)v); }
static void putn(struct bytes *o, const void *p, uint32_t n) { memcpy(o->b + o->n, p, n); o->n += n; }
static void fill(struct bytes *o, uint8_t v, uint32_t n) { memset(o->b + o->n, v, n); o->n += n; }

static void ext(struct bytes *o, uint16_t type, const struct bytes *data)
{
	put16(o, type);
	put16(o, (uint16_t)data->n);
	putn(o, data->b, data->n);
}

/* Handshake message: type, 24-bit length, body. */
static void hs(struct bytes *o, uint8_t type, const struct bytes *body)
{
	put8(o, type);
	put24(o, body->n);
	putn(o, body->b, body->n);
}

/* Wraps data[0..n) in records of at most `frag` bytes of content type ct. */
static void records(struct bytes *o, uint8_t ct, const uint8_t *d, uint32_t n, uint32_t frag)
{
	for (uint32_t off = 0; off < n; off += frag) {
		uint32_t k = n - off < frag ? n - off : frag;
		put8(o, ct);
		put16(o, 0x0303);
		put16(o, (uint16_t)k);
		putn(o, d + off, k);
	}
}

/* ClientHello: GREASE cipher 0x0a0a, 4865 4866 49195 49199 156;
 * extensions GREASE 0x1a1a, SNI, 23, groups (GREASE, 29 23 24), point
 * formats (0), sigalgs (0403 0804 0401), ALPN (h2, http/1.1),
 * supported_versions (GREASE, 0304, 0303), 65281. */
static void client_hello(struct bytes *msg)
{
	struct bytes b = { .n = 0 }, e = { .n = 0 }, x;
	static const char sni[] = "test.nightjar.example";

	put16(&b, 0x0303);
	fill(&b, 0x11, 32);
	put8(&b, 32);
	fill(&b, 0x22, 32);
	put16(&b, 12);
	put16(&b, 0x0a0a);
	put16(&b, 0x1301);
	put16(&b, 0x1302);
	put16(&b, 0xc02b);
	put16(&b, 0xc02f);
	put16(&b, 0x009c);
	put8(&b, 1);
	put8(&b, 0);

	x.n = 0;
	ext(&e, 0x1a1a, &x);
	x.n = 0;
	put16(&x, (uint16_t)(sizeof(sni) - 1 + 3));
	put8(&x, 0);
	put16(&x, sizeof(sni) - 1);
	putn(&x, sni, sizeof(sni) - 1);
	ext(&e, 0x0000, &x);
	x.n = 0;
	ext(&e, 0x0017, &x);
	x.n = 0;
	put16(&x, 8);
	put16(&x, 0x2a2a);
	put16(&x, 29);
	put16(&x, 23);
	put16(&x, 24);
	ext(&e, 0x000a, &x);
	x.n = 0;
	put8(&x, 1);
	put8(&x, 0);
	ext(&e, 0x000b, &x);
	x.n = 0;
	put16(&x, 6);
	put16(&x, 0x0403);
	put16(&x, 0x0804);
	put16(&x, 0x0401);
	ext(&e, 0x000d, &x);
	x.n = 0;
	put16(&x, 12);
	put8(&x, 2);
	putn(&x, "h2", 2);
	put8(&x, 8);
	putn(&x, "http/1.1", 8);
	ext(&e, 0x0010, &x);
	x.n = 0;
	put8(&x, 6);
	put16(&x, 0x3a3a);
	put16(&x, 0x0304);
	put16(&x, 0x0303);
	ext(&e, 0x002b, &x);
	x.n = 0;
	put8(&x, 0);
	ext(&e, 0xff01, &x);

	put16(&b, (uint16_t)e.n);
	putn(&b, e.b, e.n);
	hs(msg, 1, &b);
}

static const char want_ja3[] = "771,4865-4866-49195-49199-156,0-23-10-11-13-16-43-65281,29-23-24,0";

static void check_client(struct nj_app_tx *tx)
{
	assert_buf(tx, NJ_BUF_TLS_SNI, "test.nightjar.example");
	assert_buf(tx, NJ_BUF_JA3_STRING, want_ja3);
	/* md5 of want_ja3 */
	assert_buf(tx, NJ_BUF_JA3_HASH, "7ba82cced7f217a58d923c611b60fed5");
	assert_buf(tx, NJ_BUF_JA4_HASH, "t13d0508h2_c03c18a8b7cd_5e5676343554");
	assert_true(nj_tls_tx_state(tx) & NJ_TLS_ST_CLIENT_HELLO);
	assert_int_equal(nj_tls_tx_version(tx), 0x0303);
}

static void test_md5_grease(void **state)
{
	char h[33];
	nj_tls_md5_hex(want_ja3, strlen(want_ja3), h);
	assert_string_equal(h, "7ba82cced7f217a58d923c611b60fed5");
	nj_tls_md5_hex("", 0, h);
	assert_string_equal(h, "d41d8cd98f00b204e9800998ecf8427e");
	assert_true(nj_tls_is_grease(0x0a0a));
	assert_true(nj_tls_is_grease(0xfafa));
	assert_false(nj_tls_is_grease(0x0a1a));
	assert_false(nj_tls_is_grease(0x1301));
}

/* The vectors of Suricata's JA4 unit test (rust/src/ja4.rs), over TCP. */
static void test_ja4_vectors(void **state)
{
	char out[40];
	static const uint16_t grease_sni[] = { 0x0a0a, 0x0000 };
	static const uint16_t with_alpn[] = { 0x0a0a, 0x0000, 0x0010 };
	static const uint16_t ciphers[] = { 0x1111, 0x0a20, 0xbada };
	static const uint16_t exts[] = { 0x0a0a, 0x0000, 0x0010, 0xface, 0x0121, 0x1234 };
	static const uint16_t sigs[] = { 0x6666 };

	nj_tls_ja4(out, 't', 0, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	assert_string_equal(out, "t00i000000_e3b0c44298fc_d2e2adf7177b");
	nj_tls_ja4(out, 't', 0x0303, NULL, 0, NULL, 0, NULL, 0, NULL, 0);
	assert_string_equal(out, "t12i000000_e3b0c44298fc_d2e2adf7177b");
	nj_tls_ja4(out, 'q', 0x0303, NULL, 0, grease_sni, 1, NULL, 0, NULL, 0);
	assert_string_equal(out, "q12i000000_e3b0c44298fc_d2e2adf7177b");
	nj_tls_ja4(out, 'q', 0x0303, NULL, 0, grease_sni, 2, NULL, 0, NULL, 0);
	assert_string_equal(out, "q12d000100_e3b0c44298fc_d2e2adf7177b");
	nj_tls_ja4(out, 'q', 0x0303, NULL, 0, with_alpn, 3, NULL, 0,
		   (const uint8_t *)"h3-16", 5);
	assert_string_equal(out, "q12d0002h6_e3b0c44298fc_d2e2adf7177b");
	nj_tls_ja4(out, 'q', 0x0303, ciphers, 3, with_alpn, 3, NULL, 0,
		   (const uint8_t *)"h3-16", 5);
	assert_string_equal(out, "q12d0302h6_f500716053f9_d2e2adf7177b");
	nj_tls_ja4(out, 'q', 0x0303, ciphers, 3, exts, 6, sigs, 1,
		   (const uint8_t *)"h3-16", 5);
	assert_string_equal(out, "q12d0305h6_f500716053f9_2debc8880bae");
}

/* The hello in two records (cut inside the extensions), every segment
 * split, then byte by byte, then in 7-byte records. */
static void test_client_hello_split(void **state)
{
	struct bytes msg = { .n = 0 }, stream = { .n = 0 };
	struct nj_app_tx **txs;

	client_hello(&msg);
	records(&stream, 22, msg.b, msg.n, 120);
	assert_true(stream.n > msg.n + 5);
	for (uint32_t i = 0; i <= stream.n; i++) {
		struct nj_tls_state *s = nj_tls_new();
		assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, stream.b, i), 0);
		assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, stream.b + i, stream.n - i), 0);
		assert_int_equal(nj_tls_updated(s, &txs), 1);
		check_client(txs[0]);
		assert_false(nj_app_tx_complete(txs[0]));
		nj_tls_free(s);
	}
	struct nj_tls_state *s = nj_tls_new();
	for (uint32_t i = 0; i < stream.n; i++)
		assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, stream.b + i, 1), 0);
	check_client(nj_tls_tx(s));
	nj_tls_free(s);

	stream.n = 0;
	records(&stream, 22, msg.b, msg.n, 7);
	s = nj_tls_new();
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, stream.b, stream.n), 0);
	check_client(nj_tls_tx(s));
	nj_tls_free(s);
}

static void server_hello(struct bytes *msg, uint16_t cipher, bool tls13)
{
	struct bytes b = { .n = 0 }, e = { .n = 0 }, x = { .n = 0 };

	put16(&b, 0x0303);
	fill(&b, 0x33, 32);
	put8(&b, 32);
	fill(&b, 0x22, 32);
	put16(&b, cipher);
	put8(&b, 0);
	if (tls13) {
		put16(&x, 0x0304);
		ext(&e, 0x002b, &x);
		x.n = 0;
		put16(&x, 29);
		put16(&x, 0);
		ext(&e, 0x0033, &x);
	} else {
		put8(&x, 0);
		ext(&e, 0xff01, &x);
		x.n = 0;
		ext(&e, 0x0017, &x);
	}
	put16(&b, (uint16_t)e.n);
	putn(&b, e.b, e.n);
	hs(msg, 2, &b);
}

static void test_tls13_server(void **state)
{
	struct bytes ch = { .n = 0 }, sh = { .n = 0 }, c = { .n = 0 }, sv = { .n = 0 };
	struct nj_tls_state *s = nj_tls_new();
	static const uint8_t ccs = 1, junk[40] = { 0 };

	client_hello(&ch);
	records(&c, 22, ch.b, ch.n, 16384);
	server_hello(&sh, 0x1301, true);
	records(&sv, 22, sh.b, sh.n, 16384);
	records(&sv, 20, &ccs, 1, 1);
	records(&sv, 23, junk, sizeof(junk), 100);     /* encrypted extensions... */
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, c.b, c.n), 0);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_CLIENT, sv.b, sv.n), 0);
	struct nj_app_tx *tx = nj_tls_tx(s);
	assert_buf(tx, NJ_BUF_JA3S_STRING, "771,4865,43-51");
	assert_buf(tx, NJ_BUF_JA3S_HASH, "f4febc55ea12b31ae17cfb7e614afda8");
	assert_buf(tx, NJ_BUF_TLS_VERSION, "TLS 1.3");
	assert_int_equal(nj_tls_tx_version(tx), 0x0304);
	assert_buf(tx, NJ_BUF_TLS_CERT_SUBJECT, NULL);
	assert_true(tx->progress_tc & NJ_APP_PROGRESS_DONE);
	assert_false(nj_app_tx_complete(tx));
	c.n = 0;
	records(&c, 20, &ccs, 1, 1);
	nj_tls_begin(s);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, c.b, c.n), 0);
	assert_true(nj_app_tx_complete(tx));
	struct nj_app_tx **txs;
	assert_int_equal(nj_tls_updated(s, &txs), 1);
	/* once shown complete it is not reported again */
	nj_tls_begin(s);
	c.n = 0;
	records(&c, 23, junk, sizeof(junk), 100);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, c.b, c.n), 0);
	assert_int_equal(nj_tls_updated(s, &txs), 0);
	nj_tls_free(s);
}

static void test_certificate(void **state)
{
	struct nj_tls_cert cert;

	assert_int_equal(nj_tls_cert_parse(test_cert_der, test_cert_der_len, &cert), 0);
	assert_string_equal(cert.fingerprint, TEST_CERT_SHA1);
	assert_string_equal(cert.subject, TEST_CERT_SUBJECT);
	assert_string_equal(cert.issuer, TEST_CERT_SUBJECT);
	assert_string_equal(cert.serial, TEST_CERT_SERIAL);
	assert_string_equal(cert.notbefore, TEST_CERT_NOTBEFORE);
	assert_string_equal(cert.notafter, TEST_CERT_NOTAFTER);
	assert_int_equal(nj_tls_cert_parse(test_cert_der, test_cert_der_len - 10, &cert),
			 -EINVAL);
}

/* TLS 1.2 server flight: ServerHello, Certificate, ServerHelloDone in one
 * record stream fragmented every 100 bytes, fed in 3-byte segments. */
static void test_tls12_flight(void **state)
{
	struct bytes ch = { .n = 0 }, fl = { .n = 0 }, body = { .n = 0 }, c = { .n = 0 },
		     sv = { .n = 0 }, empty = { .n = 0 };
	struct nj_tls_state *s = nj_tls_new();
	static const uint8_t ccs = 1;
	struct nj_json j;

	client_hello(&ch);
	records(&c, 22, ch.b, ch.n, 16384);
	server_hello(&fl, 0xc02b, false);
	put24(&body, test_cert_der_len + 3 + 4);
	put24(&body, test_cert_der_len);
	putn(&body, test_cert_der, test_cert_der_len);
	put24(&body, 1);                /* a second, broken chain entry */
	put8(&body, 0x30);
	hs(&fl, 11, &body);
	hs(&fl, 14, &empty);
	records(&sv, 22, fl.b, fl.n, 100);
	records(&sv, 20, &ccs, 1, 1);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, c.b, c.n), 0);
	for (uint32_t off = 0; off < sv.n; off += 3) {
		uint32_t k = sv.n - off < 3 ? sv.n - off : 3;
		assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_CLIENT, sv.b + off, k), 0);
	}
	struct nj_app_tx *tx = nj_tls_tx(s);
	assert_buf(tx, NJ_BUF_JA3S_STRING, "771,49195,65281-23");
	assert_buf(tx, NJ_BUF_JA3S_HASH, "4ce0442e9d20d092d9d74e9ce54b363a");
	assert_buf(tx, NJ_BUF_TLS_VERSION, "TLS 1.2");
	assert_buf(tx, NJ_BUF_TLS_CERT_SUBJECT, TEST_CERT_SUBJECT);
	assert_buf(tx, NJ_BUF_TLS_CERT_ISSUER, TEST_CERT_SUBJECT);
	assert_buf(tx, NJ_BUF_TLS_CERT_SERIAL, TEST_CERT_SERIAL);
	assert_buf(tx, NJ_BUF_TLS_CERT_FINGERPRINT, TEST_CERT_SHA1);
	assert_true(nj_app_tx_has_event(tx, nj_app_event_lookup("tls.certificate_invalid_der")));
	assert_true(nj_tls_tx_state(tx) & NJ_TLS_ST_SERVER_HELLO);

	nj_json_init(&j);
	nj_json_object_open(&j, NULL);
	tx->log_json(tx, &j);
	nj_json_object_close(&j);
	const char *want[] = {
		"\"subject\":\"" TEST_CERT_SUBJECT "\"", "\"issuerdn\":\"" TEST_CERT_SUBJECT "\"",
		"\"serial\":\"" TEST_CERT_SERIAL "\"", "\"fingerprint\":\"" TEST_CERT_SHA1 "\"",
		"\"sni\":\"test.nightjar.example\"", "\"version\":\"TLS 1.2\"",
		"\"notbefore\":\"" TEST_CERT_NOTBEFORE "\"", "\"ja3\":{\"hash\":\"7ba82cced7f217a58d923c611b60fed5\"",
		"\"ja3s\":{\"hash\":\"4ce0442e9d20d092d9d74e9ce54b363a\",\"string\":\"771,49195,65281-23\"}",
		"\"ja4\":\"t13d0508h2_c03c18a8b7cd_5e5676343554\"",
		"\"client_alpns\":[\"h2\",\"http/1.1\"]",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(j.buf, want[i]))
			fail_msg("%s not in %s", want[i], j.buf);
	nj_json_free(&j);
	nj_tls_close(s);
	assert_true(nj_app_tx_complete(tx));
	nj_tls_free(s);
}

/* An SSLv2-format ClientHello (RFC 5246 E.2: 2-byte header, CLIENT-HELLO,
 * version 3.1, cipher specs, no session id, challenge), then a TLS record
 * on the same side: the hello gives the client's version and state. */
static void test_sslv2_hello(void **state)
{
	static const uint8_t v2[] = { 0x80, 0x1f, 0x01, 0x03, 0x01, 0x00, 0x06, 0x00, 0x00,
				      0x00, 0x10, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x35,
				      'c', 'h', 'a', 'l', 'l', 'e', 'n', 'g',
				      'e', '1', '2', '3', '4', '5', '6', '7' };
	static const uint8_t ckx[] = { 0x16, 0x03, 0x01, 0x00, 0x04, 0x10, 0x00, 0x00, 0x00 };
	/* 3-byte header (no top bit, 14-bit length, padding count) */
	static const uint8_t v2pad[] = { 0x40, 0x04, 0x00, 0x07, 0xaa, 0xbb, 0xcc };
	struct nj_tls_state *s = nj_tls_new();
	struct nj_app_tx *tx = nj_tls_tx(s);

	for (uint32_t i = 0; i < sizeof(v2); i++)
		assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, v2 + i, 1), 0);
	assert_true(nj_tls_tx_state(tx) & NJ_TLS_ST_CLIENT_HELLO);
	assert_int_equal(nj_tls_tx_version(tx), 0x0301);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, ckx, sizeof(ckx)), 0);
	assert_true(nj_tls_tx_state(tx) & NJ_TLS_ST_CLIENT_KEYX);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_CLIENT, v2pad, sizeof(v2pad)), 0);
	assert_false(nj_app_tx_has_event(tx, nj_app_event_lookup("tls.invalid_ssl_record")));
	nj_tls_free(s);
}

static void test_malformed(void **state)
{
	/* an SSLv2 CLIENT-HELLO too short for its fixed fields */
	static const uint8_t sslv2[] = { 0x80, 0x05, 0x01, 0x00, 0x02, 0x00, 0x15 };
	static const uint8_t badver[] = { 0x16, 0x07, 0x01, 0x00, 0x10 };
	static const uint8_t big[] = { 0x16, 0x03, 0x01, 0xff, 0xff };
	static const uint8_t badhs[] = { 0x16, 0x03, 0x01, 0x00, 0x08,
					 0x01, 0x00, 0x00, 0x04, 0x03, 0x03, 0x00, 0x00 };
	struct nj_tls_state *s;

	s = nj_tls_new();
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, sslv2, sizeof(sslv2)), -EINVAL);
	assert_true(nj_app_tx_has_event(nj_tls_tx(s), nj_app_event_lookup("tls.invalid_ssl_record")));
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, sslv2, 1), -EINVAL);
	nj_tls_free(s);
	s = nj_tls_new();
	nj_tls_gap(s, NJ_DIR_TO_SERVER);
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, badhs, sizeof(badhs)), -EINVAL);
	nj_tls_free(s);
	s = nj_tls_new();
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, badver, sizeof(badver)), -EINVAL);
	assert_true(nj_app_tx_has_event(nj_tls_tx(s), nj_app_event_lookup("tls.invalid_record_version")));
	nj_tls_free(s);
	s = nj_tls_new();
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, big, sizeof(big)), -EINVAL);
	assert_true(nj_app_tx_has_event(nj_tls_tx(s), nj_app_event_lookup("tls.record_overflow")));
	nj_tls_free(s);
	s = nj_tls_new();
	assert_int_equal(nj_tls_feed(s, NJ_DIR_TO_SERVER, badhs, sizeof(badhs)), 0);
	assert_true(nj_app_tx_has_event(nj_tls_tx(s),
					nj_app_event_lookup("tls.invalid_handshake_message")));
	assert_buf(nj_tls_tx(s), NJ_BUF_JA3_HASH, NULL);
	nj_tls_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md5_grease),
		cmocka_unit_test(test_ja4_vectors),
		cmocka_unit_test(test_client_hello_split),
		cmocka_unit_test(test_tls13_server),
		cmocka_unit_test(test_certificate),
		cmocka_unit_test(test_tls12_flight),
		cmocka_unit_test(test_sslv2_hello),
		cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
