/* HTTP request-target and Host normalisation for http.uri / http.host
 * (RFC 3986 5.2.4 dot-segment removal, RFC 9110 4.2.3 normalisation),
 * following what libhtp does for Suricata's IDS personality. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "preprocessors/http.h"

static int hexval(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes %XX in p[0..n) in place; invalid escapes stay as they are. */
static uint32_t pct_decode(uint8_t *p, uint32_t n, bool *double_enc)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && hexval(p[i + 1]) >= 0 &&
		    hexval(p[i + 2]) >= 0) {
			uint8_t c = (uint8_t)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
			if (c == '%' && double_enc)
				*double_enc = true;
			p[o++] = c;
			i += 2;
		} else {
			p[o++] = p[i];
		}
	}
	return o;
}

/* Collapses runs of '/' into one, in place. */
static uint32_t squash_slashes(uint8_t *p, uint32_t n)
{
	uint32_t o = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (p[i] == '/' && o > 0 && p[o - 1] == '/')
			continue;
		p[o++] = p[i];
	}
	return o;
}

/* RFC 3986 5.2.4 remove_dot_segments, in place (output never grows). */
static uint32_t remove_dots(uint8_t *p, uint32_t n)
{
	uint32_t i = 0, o = 0;

	while (i < n) {
		uint32_t rem = n - i;
		const uint8_t *s = p + i;

		if (rem >= 3 && memcmp(s, "../", 3) == 0) {
			i += 3;
		} else if (rem >= 2 && memcmp(s, "./", 2) == 0) {
			i += 2;
		} else if (rem >= 3 && memcmp(s, "/./", 3) == 0) {
			i += 2;
		} else if (rem == 2 && memcmp(s, "/.", 2) == 0) {
			p[i + 1] = '/';
			i += 1;
		} else if ((rem >= 4 && memcmp(s, "/../", 4) == 0) ||
			   (rem == 3 && memcmp(s, "/..", 3) == 0)) {
			/* drop the last output segment */
			while (o > 0 && p[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
			if (rem == 3) {
				i += 2;
				p[i] = '/';
			} else {
				i += 3;
			}
		} else if ((rem == 1 && s[0] == '.') || (rem == 2 && memcmp(s, "..", 2) == 0)) {
			i = n;
		} else {
			/* move the first segment, with its leading '/' */
			uint32_t j = i;
			if (p[j] == '/')
				j++;
			while (j < n && p[j] != '/')
				j++;
			memmove(p + o, p + i, j - i);
			o += j - i;
			i = j;
		}
	}
	return o;
}

uint32_t nj_http_normalize_uri(const uint8_t *raw, uint32_t len, uint8_t *out,
			       uint32_t cap, bool *double_enc)
{
	uint32_t start = 0, qpos, n;

	if (double_enc)
		*double_enc = false;
	/* absolute-form: skip "scheme://authority" */
	for (uint32_t i = 0; i + 2 < len; i++) {
		if (raw[i] == '/' || raw[i] == '?')
			break;
		if (raw[i] == ':' && raw[i + 1] == '/' && raw[i + 2] == '/') {
			uint32_t j = i + 3;
			while (j < len && raw[j] != '/' && raw[j] != '?' && raw[j] != '#')
				j++;
			start = j;
			break;
		}
	}
	qpos = start;
	while (qpos < len && raw[qpos] != '?' && raw[qpos] != '#')
		qpos++;
	n = qpos - start;
	if (n > cap)
		n = cap;
	memcpy(out, raw + start, n);
	n = pct_decode(out, n, double_enc);
	n = squash_slashes(out, n);
	n = remove_dots(out, n);
	/* query and fragment are kept as sent */
	uint32_t tail = len - qpos;
	if (tail > cap - n)
		tail = cap - n;
	memcpy(out + n, raw + qpos, tail);
	return n + tail;
}

uint32_t nj_http_normalize_host(const uint8_t *raw, uint32_t len, uint8_t *out,
				uint32_t cap)
{
	uint32_t b = 0, e = len, n;

	while (b < e && (raw[b] == ' ' || raw[b] == '\t'))
		b++;
	while (e > b && (raw[e - 1] == ' ' || raw[e - 1] == '\t'))
		e--;
	if (b < e && raw[b] == '[') {
		/* IPv6 literal: keep the brackets, drop what follows */
		uint32_t j = b;
		while (j < e && raw[j] != ']')
			j++;
		if (j < e)
			e = j + 1;
	} else {
		for (uint32_t j = b; j < e; j++) {
			if (raw[j] == ':') {
				e = j;
				break;
			}
		}
	}
	if (e > b && raw[e - 1] == '.')
		e--;
	n = e - b;
	if (n > cap)
		n = cap;
	for (uint32_t i = 0; i < n; i++) {
		uint8_t c = raw[b + i];
		out[i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
	}
	return n;
}
