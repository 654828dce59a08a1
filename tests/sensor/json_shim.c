/* A minimal core/json.h writer for the sensor and trace tests, until
 * src/core/json.c is in the tree. Weak symbols: the library's writer wins
 * when it is there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define WEAK __attribute__((weak))

static void put(struct nj_json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->len + n + 1 > j->cap) {
		size_t cap = j->cap ? j->cap : 256;
		char *b;

		while (cap < j->len + n + 1)
			cap *= 2;
		b = realloc(j->buf, cap);
		if (!b) {
			j->oom = true;
			return;
		}
		j->buf = b;
		j->cap = cap;
	}
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = 0;
}

WEAK void nj_json_init(struct nj_json *j)
{
	memset(j, 0, sizeof(*j));
}

WEAK void nj_json_free(struct nj_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

WEAK void nj_json_reset(struct nj_json *j)
{
	j->len = 0;
	j->depth = 0;
	j->oom = false;
	if (j->buf)
		j->buf[0] = 0;
}

WEAK void nj_json_escape(struct nj_json *j, const uint8_t *s, size_t n)
{
	char u[8];

	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];

		if (c == '"' || c == '\\') {
			put(j, "\\", 1);
			put(j, (const char *)&s[i], 1);
		} else if (c < 0x20 || c >= 0x80) {
			snprintf(u, sizeof(u), "\\u%04x", c);
			put(j, u, 6);
		} else {
			put(j, (const char *)&s[i], 1);
		}
	}
}

static void key(struct nj_json *j, const char *k)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			put(j, ",", 1);
		j->first[j->depth] = false;
	}
	if (k) {
		put(j, "\"", 1);
		nj_json_escape(j, (const uint8_t *)k, strlen(k));
		put(j, "\":", 2);
	}
}

static void open_c(struct nj_json *j, const char *k, const char *c)
{
	key(j, k);
	put(j, c, 1);
	if (j->depth < NJ_JSON_MAX_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = true;
}

WEAK void nj_json_object_open(struct nj_json *j, const char *k)
{
	open_c(j, k, "{");
}

WEAK void nj_json_object_close(struct nj_json *j)
{
	put(j, "}", 1);
	j->depth--;
}

WEAK void nj_json_array_open(struct nj_json *j, const char *k)
{
	open_c(j, k, "[");
}

WEAK void nj_json_array_close(struct nj_json *j)
{
	put(j, "]", 1);
	j->depth--;
}

WEAK void nj_json_strn(struct nj_json *j, const char *k, const uint8_t *s, size_t n)
{
	key(j, k);
	put(j, "\"", 1);
	nj_json_escape(j, s, n);
	put(j, "\"", 1);
}

WEAK void nj_json_str(struct nj_json *j, const char *k, const char *s)
{
	nj_json_strn(j, k, (const uint8_t *)(s ? s : ""), s ? strlen(s) : 0);
}

WEAK void nj_json_int(struct nj_json *j, const char *k, int64_t v)
{
	char b[32];

	key(j, k);
	put(j, b, (size_t)snprintf(b, sizeof(b), "%lld", (long long)v));
}

WEAK void nj_json_uint(struct nj_json *j, const char *k, uint64_t v)
{
	char b[32];

	key(j, k);
	put(j, b, (size_t)snprintf(b, sizeof(b), "%llu", (unsigned long long)v));
}

WEAK void nj_json_double(struct nj_json *j, const char *k, double v)
{
	char b[64];

	key(j, k);
	put(j, b, (size_t)snprintf(b, sizeof(b), "%.6f", v));
}

WEAK void nj_json_bool(struct nj_json *j, const char *k, bool v)
{
	key(j, k);
	put(j, v ? "true" : "false", v ? 4 : 5);
}

WEAK void nj_json_null(struct nj_json *j, const char *k)
{
	key(j, k);
	put(j, "null", 4);
}

WEAK void nj_json_base64(struct nj_json *j, const char *k, const uint8_t *s, size_t n)
{
	static const char tab[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	key(j, k);
	put(j, "\"", 1);
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		char o[4];

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		o[0] = tab[(v >> 18) & 63];
		o[1] = tab[(v >> 12) & 63];
		o[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
		o[3] = i + 2 < n ? tab[v & 63] : '=';
		put(j, o, 4);
	}
	put(j, "\"", 1);
}
