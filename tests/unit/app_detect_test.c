/* Protocol detection from first bytes, both directions, with port hints. */
#include <stdio.h>

#include "app_test_util.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/socks.h"

static int det(const char *s, int dir, uint8_t ipp, uint16_t sp)
{
	return nj_app_detect((const uint8_t *)s, (uint32_t)strlen(s), dir, ipp, sp, 40000);
}

static void test_table(void **state)
{
	static const struct {
		const char *data;
		int dir;
		uint16_t sp;
		int want;
	} t[] = {
		{ "GET / HTTP/1.1\r\n", NJ_DIR_TO_SERVER, 8000, NJ_APP_HTTP },
		{ "POST /x HTTP/1.0\r\n", NJ_DIR_TO_SERVER, 443, NJ_APP_HTTP },
		{ "GE", NJ_DIR_TO_SERVER, 80, NJ_APP_UNKNOWN },
		{ "HTTP/1.1 200 OK\r\n", NJ_DIR_TO_CLIENT, 1234, NJ_APP_HTTP },
		{ "HTTP/", NJ_DIR_TO_CLIENT, 1234, NJ_APP_UNKNOWN },
		{ "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", NJ_DIR_TO_SERVER, 8080, NJ_APP_HTTP2 },
		{ "PRI * HTTP/2.0\r\n", NJ_DIR_TO_SERVER, 80, NJ_APP_UNKNOWN },
		{ "PRI * HTTP/2.1\r\n\r\nSM\r\n\r\n", NJ_DIR_TO_SERVER, 80, NJ_APP_FAILED },
		{ "SSH-2.0-OpenSSH_9.6\r\n", NJ_DIR_TO_CLIENT, 2222, NJ_APP_SSH },
		{ "SSH-2.0-PuTTY\r\n", NJ_DIR_TO_SERVER, 22, NJ_APP_SSH },
		{ "220 mail.example.com ESMTP Postfix\r\n", NJ_DIR_TO_CLIENT, 2500, NJ_APP_SMTP },
		{ "220 (vsFTPd 3.0.5)\r\n", NJ_DIR_TO_CLIENT, 2121, NJ_APP_FTP },
		{ "220 welcome\r\n", NJ_DIR_TO_CLIENT, 21, NJ_APP_FTP },
		{ "220 welcome\r\n", NJ_DIR_TO_CLIENT, 25, NJ_APP_SMTP },
		{ "220 welcome\r\n", NJ_DIR_TO_CLIENT, 9999, NJ_APP_FAILED },
		{ "220 welc", NJ_DIR_TO_CLIENT, 9999, NJ_APP_UNKNOWN },
		{ "EHLO client.example\r\n", NJ_DIR_TO_SERVER, 2500, NJ_APP_SMTP },
		{ "USER anonymous\r\n", NJ_DIR_TO_SERVER, 2121, NJ_APP_FTP },
		{ "\x16\x03\x01\x02\x00\x01", NJ_DIR_TO_SERVER, 8443, NJ_APP_TLS },
		{ "\x16\x03", NJ_DIR_TO_SERVER, 8443, NJ_APP_UNKNOWN },
		{ "\x16\x09\x01", NJ_DIR_TO_SERVER, 443, NJ_APP_FAILED },
		/* SSLv2-format ClientHello announcing TLS 1.0 (detection reads
		 * the 5 bytes before the NUL) */
		{ "\x80\x67\x01\x03\x01\x00\x4e", NJ_DIR_TO_SERVER, 8443, NJ_APP_TLS },
		{ "\x80\x67\x01", NJ_DIR_TO_SERVER, 8443, NJ_APP_UNKNOWN },
		{ "\x80\x67\x01\x03\x07\x00\x4e", NJ_DIR_TO_SERVER, 8443, NJ_APP_FAILED },
		{ "\x80\x67\x01\x03\x01\x00\x4e", NJ_DIR_TO_CLIENT, 8443, NJ_APP_FAILED },
		{ "hello world\r\n", NJ_DIR_TO_SERVER, 80, NJ_APP_FAILED },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		int got = det(t[i].data, t[i].dir, 6, t[i].sp);
		if (got != t[i].want)
			fail_msg("case %zu: got %d want %d", i, got, t[i].want);
	}
}

static void test_dns(void **state)
{
	static const uint8_t q[] = {
		0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
		3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
		0, 1, 0, 1,
	};
	uint8_t tcp[2 + sizeof(q)] = { 0, sizeof(q) };
	memcpy(tcp + 2, q, sizeof(q));

	/* UDP on any port when it parses as a query */
	assert_int_equal(nj_app_detect(q, sizeof(q), NJ_DIR_TO_SERVER, 17, 5300, 40000),
			 NJ_APP_DNS);
	assert_int_equal(nj_app_detect((const uint8_t *)"random junk here", 16,
				       NJ_DIR_TO_SERVER, 17, 5300, 40000), NJ_APP_FAILED);
	assert_int_equal(nj_app_detect(tcp, sizeof(tcp), NJ_DIR_TO_SERVER, 6, 53, 40000),
			 NJ_APP_DNS);
	/* the first part of a message split over segments: wait for more */
	assert_int_equal(nj_app_detect(tcp, sizeof(tcp) - 4, NJ_DIR_TO_SERVER, 6, 53, 40000),
			 NJ_APP_UNKNOWN);

	/* answers come from port 53: the server's side, or the client's when
	 * the flow was picked up at an answer */
	tcp[2 + 2] = 0x81;
	tcp[2 + 3] = 0x80;
	assert_int_equal(nj_app_detect(tcp, sizeof(tcp), NJ_DIR_TO_CLIENT, 6, 53, 40000),
			 NJ_APP_DNS);
	assert_int_equal(nj_app_detect(tcp, sizeof(tcp), NJ_DIR_TO_SERVER, 6, 40000, 53),
			 NJ_APP_DNS);
	assert_int_equal(nj_app_detect(tcp, sizeof(tcp), NJ_DIR_TO_SERVER, 6, 53, 40000),
			 NJ_APP_FAILED);
}

#define B(s) (const uint8_t *)(s), (uint32_t)(sizeof(s) - 1)

static int feed(struct nj_socks *s, int dir, const uint8_t *d, uint32_t n, uint32_t *used)
{
	return nj_socks_feed(s, dir, d, n, used);
}

static void test_socks_greeting(void **state)
{
	assert_true(nj_socks_greeting(B("\x05\x01\x00")));
	assert_true(nj_socks_greeting(B("\x05\x02\x00\x02")));
	assert_true(nj_socks_greeting(B("\x04\x01\x00\x50\x0a\x00\x00\x01me\x00")));
	/* 4a: address 0.0.0.1, the host name follows the user id */
	assert_true(nj_socks_greeting(B("\x04\x01\x00\x50\x00\x00\x00\x01\x00host\x00")));
	/* more, or less, than one message; BIND; other versions */
	assert_false(nj_socks_greeting(B("\x05\x01\x00GET")));
	assert_false(nj_socks_greeting(B("\x05\x02\x00")));
	assert_false(nj_socks_greeting(B("\x04\x02\x00\x50\x0a\x00\x00\x01\x00")));
	assert_false(nj_socks_greeting(B("\x04\x01\x00\x50\x00\x00\x00\x01\x00host")));
	assert_false(nj_socks_greeting(B("\x06\x01\x00")));
	assert_false(nj_socks_greeting(B("GET / HTTP/1.1\r\n")));
}

static void test_socks5(void **state)
{
	struct nj_socks *s = nj_socks_new();
	uint32_t used;

	assert_non_null(s);
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B("\x05\x01\x02"), &used), NJ_SOCKS_MORE);
	assert_int_equal(used, 3);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x05\x02"), &used), NJ_SOCKS_MORE);
	/* RFC 1929 credentials split over two segments */
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B("\x01\x03us"), &used), NJ_SOCKS_MORE);
	assert_int_equal(used, 4);
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B("r\x02pw"), &used), NJ_SOCKS_MORE);
	assert_int_equal(used, 4);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x01\x00"), &used), NJ_SOCKS_MORE);
	/* CONNECT to a name, with the request of the tunnel right behind */
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER,
			      B("\x05\x01\x00\x03\x0b" "example.com\x00\x50GET /"), &used),
			 NJ_SOCKS_MORE);
	assert_int_equal(used, 18);
	/* the client said all it had to: later bytes are the tunnel's */
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B(" HTTP/1.1"), &used), NJ_SOCKS_MORE);
	assert_int_equal(used, 0);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT,
			      B("\x05\x00\x00\x01\x0a\x00\x00\x01\x00\x50HTTP/1.1"), &used),
			 NJ_SOCKS_OPEN);
	assert_int_equal(used, 10);
	nj_socks_free(s);

	/* no acceptable method; a refused CONNECT; a request that is no CONNECT */
	s = nj_socks_new();
	feed(s, NJ_DIR_TO_SERVER, B("\x05\x01\x00"), &used);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x05\xff"), &used), NJ_SOCKS_FAILED);
	nj_socks_free(s);
	s = nj_socks_new();
	feed(s, NJ_DIR_TO_SERVER, B("\x05\x01\x00"), &used);
	feed(s, NJ_DIR_TO_CLIENT, B("\x05\x00"), &used);
	feed(s, NJ_DIR_TO_SERVER, B("\x05\x01\x00\x01\x0a\x00\x00\x01\x00\x50"), &used);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT,
			      B("\x05\x05\x00\x01\x00\x00\x00\x00\x00\x00"), &used),
			 NJ_SOCKS_FAILED);
	nj_socks_free(s);
	s = nj_socks_new();
	feed(s, NJ_DIR_TO_SERVER, B("\x05\x01\x00"), &used);
	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B("\x05\x03\x00\x01\x0a\x00\x00\x01\x00\x50"),
			      &used), NJ_SOCKS_FAILED);
	nj_socks_free(s);
	nj_socks_free(NULL);
}

static void test_socks4(void **state)
{
	struct nj_socks *s = nj_socks_new();
	uint32_t used;

	assert_int_equal(feed(s, NJ_DIR_TO_SERVER, B("\x04\x01\x00\x50\x0a\x00\x00\x01\x00"),
			      &used), NJ_SOCKS_MORE);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x00\x5a\x00\x00\x00\x00"), &used),
			 NJ_SOCKS_MORE);
	assert_int_equal(used, 6);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x00\x00SSH-2.0"), &used), NJ_SOCKS_OPEN);
	assert_int_equal(used, 2);
	nj_socks_free(s);

	s = nj_socks_new();
	feed(s, NJ_DIR_TO_SERVER, B("\x04\x01\x00\x50\x0a\x00\x00\x01\x00"), &used);
	assert_int_equal(feed(s, NJ_DIR_TO_CLIENT, B("\x00\x5b\x00\x00\x00\x00\x00\x00"), &used),
			 NJ_SOCKS_FAILED);
	nj_socks_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_dns),
		cmocka_unit_test(test_socks_greeting),
		cmocka_unit_test(test_socks5),
		cmocka_unit_test(test_socks4),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
