/* base64_decode and base64_data (Suricata, Snort).
 *
 * base64_decode[:bytes N][, offset N][, relative] decodes base64 from the
 * start of the buffer (or the cursor with relative) plus offset, at most N
 * bytes of input (default: to the end), stopping at the first byte that is
 * not base64 (blanks are skipped, '=' ends the data). It matches when
 * something was decoded. base64_data then selects the decoded bytes as
 * the buffer of the options that follow. The decoded bytes live in a
 * per-thread buffer and in the match state until the rule is verified.
 */
#include <ctype.h>
#include <stdio.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

struct b64 {
	uint32_t bytes;                 /* 0: to the end */
	uint32_t offset;
	bool relative;
};

static __thread uint8_t *tls_out;
static __thread uint32_t tls_cap;
static pthread_key_t out_key;
static pthread_once_t out_once = PTHREAD_ONCE_INIT;

/* The key frees a thread's output buffer when the thread exits. */
static void out_key_init(void)
{
	pthread_key_create(&out_key, free);
}

static int parse_base64_decode(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct b64 *d = nj_kw_alloc(rc, sizeof(*d));
	char *s = NULL, *tok[4];
	int64_t v;
	int n;

	if (!d)
		return -1;
	if (!arg || !*arg) {
		*data = d;
		return 0;
	}
	if (!(s = strdup(arg)) || (n = nj_bytes_split(s, tok, 4)) < 0) {
		nj_rule_error(rc, s ? "too many options" : "out of memory");
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		if (strncmp(tok[i], "bytes", 5) == 0 && isspace((unsigned char)tok[i][5])) {
			if (nj_kw_parse_int(tok[i] + 5, &v) < 0 || v < 1 || v > 65535)
				goto bad;
			d->bytes = (uint32_t)v;
		} else if (strncmp(tok[i], "offset", 6) == 0 && isspace((unsigned char)tok[i][6])) {
			if (nj_kw_parse_int(tok[i] + 6, &v) < 0 || v < 0 || v > 65535)
				goto bad;
			d->offset = (uint32_t)v;
		} else if (strcmp(tok[i], "relative") == 0) {
			d->relative = true;
		} else {
			nj_rule_error(rc, "unknown option '%s'", tok[i]);
			goto fail;
		}
	}
	free(s);
	*data = d;
	return 0;
bad:
	nj_rule_error(rc, "invalid value in '%s'", arg);
fail:
	free(s);
	free(d);
	return -1;
}

static int b64val(uint8_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Decodes in[0..len) into out (room for len*3/4+3); returns the length. */
static uint32_t base64_decode(const uint8_t *in, uint32_t len, uint8_t *out)
{
	uint32_t n = 0, acc = 0;
	int bits = 0;

	for (uint32_t i = 0; i < len; i++) {
		if (in[i] == ' ' || in[i] == '\t' || in[i] == '\r' || in[i] == '\n')
			continue;
		int v = b64val(in[i]);
		if (v < 0)
			break;
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[n++] = (uint8_t)(acc >> bits);
		}
	}
	return n;
}

static int match_base64_decode(struct nj_match *m, const void *data)
{
	const struct b64 *d = data;
	uint64_t start = (d->relative ? m->cursor : 0) + (uint64_t)d->offset;

	m->b64 = NULL;
	m->b64_len = 0;
	if (start >= m->len)
		return 0;
	uint32_t len = m->len - (uint32_t)start;
	if (d->bytes && d->bytes < len)
		len = d->bytes;
	uint32_t need = len / 4 * 3 + 4;
	if (need > tls_cap) {
		uint8_t *nb = realloc(tls_out, need);
		if (!nb)
			return 0;
		tls_out = nb;
		tls_cap = need;
		pthread_once(&out_once, out_key_init);
		pthread_setspecific(out_key, nb);
	}
	m->b64_len = base64_decode(m->buf + start, len, tls_out);
	m->b64 = tls_out;
	return m->b64_len > 0;
}

static void dump_base64_decode(const void *data, char *buf, size_t len)
{
	const struct b64 *d = data;

	snprintf(buf, len, "bytes %u,offset %u%s", d->bytes, d->offset, d->relative ? ",relative" : "");
}

const struct nj_keyword kw_base64_decode = {
	.name = "base64_decode",
	.flags = NJ_KW_PAYLOAD | NJ_KW_OPTARG,
	.parse = parse_base64_decode,
	.match = match_base64_decode,
	.free = free,
	.dump = dump_base64_decode,
};

static int parse_base64_data(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	rc->cur_buf = NJ_BUF_BASE64_DATA;
	return 0;
}

const struct nj_keyword kw_base64_data = {
	.name = "base64_data",
	.flags = NJ_KW_STICKY | NJ_KW_NOARG,
	.parse = parse_base64_data,
};
