/* Transforms (Suricata): they follow a sticky buffer and rewrite the whole
 * buffer before its payload options inspect it, in the order written.
 *
 * dotprefix          prepends '.'
 * to_lowercase / to_uppercase
 * strip_whitespace   drops every blank (space, tab, CR, LF, VT, FF)
 * compress_whitespace  keeps the first blank of a run, drops the rest
 * url_decode         %XX and '+' as in a query string; a bad %XX stays
 * to_md5 / to_sha1 / to_sha256  the raw digest of the buffer
 * header_lowercase   header names (before ':' on each line) lowercased
 * pcrexform:"re"     the first capture group of the first match (the whole
 *                    match without groups); no match leaves the buffer
 *
 * The output never exceeds the input length + NJ_TRANSFORM_SLACK.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <openssl/evp.h>
#include <pcre2.h>

#include "detect/keywords.h"
#include "detect/kw_util.h"

static uint32_t t_dotprefix(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	out[0] = '.';
	memcpy(out + 1, in, len);
	return len + 1;
}

static uint32_t t_lower(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	for (uint32_t i = 0; i < len; i++)
		out[i] = (uint8_t)tolower(in[i]);
	return len;
}

static uint32_t t_upper(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	for (uint32_t i = 0; i < len; i++)
		out[i] = (uint8_t)toupper(in[i]);
	return len;
}

static bool blank(uint8_t c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static uint32_t t_strip(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < len; i++)
		if (!blank(in[i]))
			out[n++] = in[i];
	return n;
}

static uint32_t t_compress(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < len; i++)
		if (!blank(in[i]) || i == 0 || !blank(in[i - 1]))
			out[n++] = in[i];
	return n;
}

static int hexv(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (uint8_t)tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static uint32_t t_url_decode(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < len; i++) {
		if (in[i] == '%' && i + 2 < len && hexv(in[i + 1]) >= 0 && hexv(in[i + 2]) >= 0) {
			out[n++] = (uint8_t)(hexv(in[i + 1]) << 4 | hexv(in[i + 2]));
			i += 2;
		} else {
			out[n++] = in[i] == '+' ? ' ' : in[i];
		}
	}
	return n;
}

static uint32_t digest(const EVP_MD *md, const uint8_t *in, uint32_t len, uint8_t *out)
{
	unsigned int n = 0;

	if (!EVP_Digest(in, len, out, &n, md, NULL))
		return 0;
	return n;
}

static uint32_t t_md5(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	return digest(EVP_md5(), in, len, out);
}

static uint32_t t_sha1(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	return digest(EVP_sha1(), in, len, out);
}

static uint32_t t_sha256(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	return digest(EVP_sha256(), in, len, out);
}

static uint32_t t_header_lower(const void *d, const uint8_t *in, uint32_t len, uint8_t *out)
{
	bool name = true;

	for (uint32_t i = 0; i < len; i++) {
		uint8_t c = in[i];
		if (c == '\n')
			name = true;
		else if (c == ':')
			name = false;
		out[i] = name ? (uint8_t)tolower(c) : c;
	}
	return len;
}

static int parse_none(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return 0;
}

#define TRANSFORM(id, kwname, fn)                                                       \
	const struct nj_keyword kw_##id = {                                             \
		.name = kwname,                                                         \
		.flags = NJ_KW_PAYLOAD | NJ_KW_TRANSFORM | NJ_KW_NOARG,                 \
		.parse = parse_none,                                                    \
		.transform = fn,                                                        \
	}

TRANSFORM(dotprefix, "dotprefix", t_dotprefix);
TRANSFORM(to_lowercase, "to_lowercase", t_lower);
TRANSFORM(to_uppercase, "to_uppercase", t_upper);
TRANSFORM(strip_whitespace, "strip_whitespace", t_strip);
TRANSFORM(compress_whitespace, "compress_whitespace", t_compress);
TRANSFORM(url_decode, "url_decode", t_url_decode);
TRANSFORM(to_md5, "to_md5", t_md5);
TRANSFORM(to_sha1, "to_sha1", t_sha1);
TRANSFORM(to_sha256, "to_sha256", t_sha256);
TRANSFORM(header_lowercase, "header_lowercase", t_header_lower);

/* ---- pcrexform ---- */

struct pcrexform {
	pcre2_code *re;
	char *text;
};


static void free_pcrexform(void *data)
{
	struct pcrexform *x = data;

	if (!x)
		return;
	pcre2_code_free(x->re);
	free(x->text);
	free(x);
}

static int parse_pcrexform(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	size_t n = strlen(arg) + 1;
	struct pcrexform *x = nj_kw_alloc(rc, sizeof(*x));
	char *s = malloc(n);
	int errcode;
	PCRE2_SIZE erroff;

	if (!x || !s) {
		free(x);
		free(s);
		return nj_rule_error(rc, "out of memory");
	}
	if (nj_kw_unquote(arg, s, n) <= 0) {
		free(s);
		free(x);
		return nj_rule_error(rc, "invalid regular expression");
	}
	x->re = pcre2_compile((PCRE2_SPTR)s, PCRE2_ZERO_TERMINATED, 0, &errcode, &erroff, NULL);
	if (!x->re) {
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		free(s);
		free(x);
		return nj_rule_error(rc, "%s at offset %zu", (char *)msg, (size_t)erroff);
	}
	pcre2_jit_compile(x->re, PCRE2_JIT_COMPLETE);
	x->text = s;
	*data = x;
	return 0;
}

static uint32_t t_pcrexform(const void *data, const uint8_t *in, uint32_t len, uint8_t *out)
{
	const struct pcrexform *x = data;

	pcre2_match_data *md = nj_pcre_thread_md();

	if (!md)
		goto unchanged;
	int rc = pcre2_match(x->re, in, len, 0, 0, md, NULL);
	if (rc <= 0)
		goto unchanged;
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(md);
	int g = rc > 1 ? 1 : 0;
	if (ov[2 * g] == PCRE2_UNSET || ov[2 * g + 1] < ov[2 * g])
		goto unchanged;
	memcpy(out, in + ov[2 * g], ov[2 * g + 1] - ov[2 * g]);
	return (uint32_t)(ov[2 * g + 1] - ov[2 * g]);
unchanged:
	memcpy(out, in, len);
	return len;
}

static void dump_pcrexform(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "\"%s\"", ((const struct pcrexform *)data)->text);
}

const struct nj_keyword kw_pcrexform = {
	.name = "pcrexform",
	.flags = NJ_KW_PAYLOAD | NJ_KW_TRANSFORM,
	.parse = parse_pcrexform,
	.free = free_pcrexform,
	.dump = dump_pcrexform,
	.transform = t_pcrexform,
};
