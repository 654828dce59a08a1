/* Port-independent protocol detection from the first bytes of a flow:
 * HTTP (RFC 9112 3, 4), HTTP/2 (RFC 9113 3.4, the client preface), TLS (RFC 5246 6.2.1, E.2), SSH (RFC 4253 4.2), SMTP
 * (RFC 5321 4.1), FTP (RFC 959 4.2), DNS (RFC 1035 4.1.1). Ports only break
 * ties and admit DNS, which has no magic bytes. */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/dns.h"
#include "preprocessors/http2.h"

#define DETECT_MAX 4096

static const char *const http_methods[] = {
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ",
	"TRACE ", "PATCH ", "PROPFIND ", "PROPPATCH ", "MKCOL ", "COPY ", "MOVE ",
	"LOCK ", "UNLOCK ", "SEARCH ", "REPORT ",
};

enum match { NO, MAYBE, YES };

/* Whether data starts with s (YES), is a prefix of it (MAYBE), or neither. */
static enum match prefix(const uint8_t *d, uint32_t len, const char *s, bool nocase)
{
	size_t n = strlen(s);
	size_t k = len < n ? len : n;

	if ((nocase ? strncasecmp((const char *)d, s, k) : memcmp(d, s, k)) != 0)
		return NO;
	return len >= n ? YES : MAYBE;
}

static enum match any_prefix(const uint8_t *d, uint32_t len, const char *const *set,
			     size_t n, bool nocase)
{
	enum match best = NO;

	for (size_t i = 0; i < n; i++) {
		enum match m = prefix(d, len, set[i], nocase);
		if (m == YES)
			return YES;
		if (m == MAYBE)
			best = MAYBE;
	}
	return best;
}

static bool contains_nocase(const uint8_t *d, uint32_t len, const char *s)
{
	size_t n = strlen(s);
	for (uint32_t i = 0; i + n <= len; i++)
		if (strncasecmp((const char *)d + i, s, n) == 0)
			return true;
	return false;
}

static bool is_smtp_port(uint16_t p)
{
	return p == 25 || p == 465 || p == 587 || p == 2525;
}

/* A DNS message that parses cleanly with at least one question; a
 * query when queries_only. */
static bool plausible_dns(const uint8_t *d, uint32_t len, bool queries_only)
{
	struct nj_dns_msg m;
	bool ok;

	if (len < 12 || nj_be16(d + 4) == 0 || nj_be16(d + 4) > 16)
		return false;
	if (nj_dns_parse(d, len, &m) < 0) {
		nj_dns_msg_free(&m);
		return false;
	}
	ok = m.nq > 0 && !(m.events & (1ull << NJ_DNS_EV_MALFORMED_DATA)) &&
	     (!queries_only || !m.response) && m.opcode <= 6;
	nj_dns_msg_free(&m);
	return ok;
}

/* An SSLv2-format ClientHello (RFC 5246 E.2): 2-byte record header, then
 * CLIENT-HELLO (1) and version 0x0002 or 0x0300..0x0303 (the versions for
 * which Suricata registers this pattern). */
static enum match sslv2_hello(const uint8_t *d, uint32_t len)
{
	if (!(d[0] & 0x80))
		return NO;
	if (len < 5)
		return MAYBE;
	if (d[2] != 1)
		return NO;
	return (d[3] == 0 && d[4] == 2) || (d[3] == 3 && d[4] <= 3) ? YES : NO;
}

/* Server greeting "220 ..." or "220-...": FTP or SMTP. */
static int banner(const uint8_t *d, uint32_t len, uint16_t sp)
{
	const uint8_t *lf = memchr(d, '\n', len);
	uint32_t l = lf ? (uint32_t)(lf - d) : len;

	if (contains_nocase(d, l, "FTP") || sp == 21)
		return NJ_APP_FTP;
	if (contains_nocase(d, l, "SMTP") || is_smtp_port(sp))
		return NJ_APP_SMTP;
	return lf || len >= DETECT_MAX ? NJ_APP_FAILED : NJ_APP_UNKNOWN;
}

/* DNS over TCP (RFC 7766 8): a length prefix, then a message. The side on
 * port 53 answers; with midstream pickup of a flow whose first packet was
 * an answer, that side is the flow's client. */
static int detect_dns_tcp(const uint8_t *d, uint32_t len, bool from_port53)
{
	uint16_t mlen;

	if (len < 14)
		return NJ_APP_UNKNOWN;
	mlen = nj_be16(d);
	if (mlen < 12)
		return NJ_APP_FAILED;
	/* a message split over segments is judged whole when it fits */
	if (len - 2 < mlen && mlen + 2u <= DETECT_MAX)
		return NJ_APP_UNKNOWN;
	return plausible_dns(d + 2, len - 2 < mlen ? len - 2 : mlen, !from_port53) ?
		       NJ_APP_DNS : NJ_APP_FAILED;
}

static int detect_tcp(const uint8_t *d, uint32_t len, int dir, uint16_t sp, uint16_t cp)
{
	static const char *const http_resp[] = { "HTTP/1." };
	static const char *const h2[] = { NJ_HTTP2_PREFACE };
	static const char *const smtp_cmds[] = { "EHLO ", "HELO " };
	static const char *const ftp_cmds[] = { "USER ", "FEAT\r\n", "SYST\r\n" };
	static const char *const ssh[] = { "SSH-" };
	static const char *const greet[] = { "220 ", "220-" };
	enum match m, any = NO;

	if (d[0] == 0x16) {
		/* handshake record, version 3.x */
		if (len >= 2 && d[1] != 3)
			return NJ_APP_FAILED;
		if (len >= 3 && d[2] > 4)
			return NJ_APP_FAILED;
		return len >= 3 ? NJ_APP_TLS : NJ_APP_UNKNOWN;
	}
	if ((m = any_prefix(d, len, ssh, 1, false)) == YES)
		return NJ_APP_SSH;
	any = m > any ? m : any;
	if (dir == NJ_DIR_TO_SERVER) {
		if ((m = any_prefix(d, len, h2, 1, false)) == YES)
			return NJ_APP_HTTP2;
		any = m > any ? m : any;
		if ((m = any_prefix(d, len, http_methods,
				    sizeof(http_methods) / sizeof(http_methods[0]), false)) == YES)
			return NJ_APP_HTTP;
		any = m > any ? m : any;
		if ((m = any_prefix(d, len, smtp_cmds, 2, true)) == YES)
			return NJ_APP_SMTP;
		any = m > any ? m : any;
		if ((m = any_prefix(d, len, ftp_cmds, 3, true)) == YES)
			return sp == 21 || !is_smtp_port(sp) ? NJ_APP_FTP : NJ_APP_FAILED;
		any = m > any ? m : any;
		if ((m = sslv2_hello(d, len)) == YES)
			return NJ_APP_TLS;
		any = m > any ? m : any;
		if (sp == 53 || cp == 53)
			return detect_dns_tcp(d, len, cp == 53);
	} else {
		if (sp == 53)
			return detect_dns_tcp(d, len, true);
		if ((m = any_prefix(d, len, http_resp, 1, false)) == YES)
			return NJ_APP_HTTP;
		any = m > any ? m : any;
		if ((m = any_prefix(d, len, greet, 2, false)) == YES)
			return banner(d, len, sp);
		any = m > any ? m : any;
	}
	return any == MAYBE && len < DETECT_MAX ? NJ_APP_UNKNOWN : NJ_APP_FAILED;
}

int nj_app_detect(const uint8_t *data, uint32_t len, int dir, uint8_t ipproto,
		  uint16_t server_port, uint16_t client_port)
{
	if (len == 0)
		return NJ_APP_UNKNOWN;
	if (ipproto == 17) {
		if (server_port == 53 || client_port == 53)
			return len >= 12 ? NJ_APP_DNS : NJ_APP_FAILED;
		/* same wire format, other protocols: NetBIOS name service,
		 * multicast DNS, LLMNR */
		if (server_port == 137 || server_port == 5353 || server_port == 5355)
			return NJ_APP_FAILED;
		return plausible_dns(data, len, dir == NJ_DIR_TO_SERVER) ? NJ_APP_DNS :
									    NJ_APP_FAILED;
	}
	if (ipproto != 6)
		return NJ_APP_FAILED;
	return detect_tcp(data, len, dir, server_port, client_port);
}
