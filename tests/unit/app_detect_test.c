/* Protocol detection from first bytes, both directions, with port hints. */
#include <stdio.h>

#include "app_test_util.h"
#include "core/packet.h"
#include "preprocessors/app.h"

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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_dns),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
