/* Test-only stand-in for the JSON writer (src/core/json.h) so the app-layer
 * tests run before the real writer is in the library. The definitions are
 * weak: when the library's writer is linked, it is the one used. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

#define W __attribute__((weak))

static void put(struct nj_json *j, const char *s, size_t n)
{
	if (j->oom)
		return;
	if (j->cap - j->len < n + 1) {
		size_t cap = j->cap ? j->cap : 256;
		while (cap - j->len < n + 1)
			cap *= 2;
		char *b = realloc(j->buf, cap);
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

static void puts_(struct nj_json *j, const char *s)
{
	put(j, s, strlen(s));
}

W void nj_json_init(struct nj_json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

W void nj_json_free(struct nj_json *j)
{
	free(j->buf);
	memset(j, 0, sizeof(*j));
}

W void nj_json_reset(struct nj_json *j)
{
	j->len = 0;
	j->depth = 0;
	j->first[0] = true;
	j->oom = false;
	if (j->buf)
		j->buf[0] = 0;
}

W void nj_json_escape(struct nj_json *j, const uint8_t *s, size_t n)
{
	char tmp[8];

	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c == '"' || c == '\\') {
			tmp[0] = '\\';
			tmp[1] = (char)c;
			put(j, tmp, 2);
		} else if (c < 0x20 || c >= 0x7f) {
			snprintf(tmp, sizeof(tmp), "\\u%04x", c);
			put(j, tmp, 6);
		} else {
			put(j, (const char *)&c, 1);
		}
	}
}

static void key(struct nj_json *j, const char *k)
{
	if (!j->first[j->depth])
		puts_(j, ",");
	j->first[j->depth] = false;
	if (k) {
		puts_(j, "\"");
		nj_json_escape(j, (const uint8_t *)k, strlen(k));
		puts_(j, "\":");
	}
}

static void open_(struct nj_json *j, const char *k, const char *c)
{
	key(j, k);
	puts_(j, c);
	if (j->depth + 1 < NJ_JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

W void nj_json_object_open(struct nj_json *j, const char *k) { open_(j, k, "{"); }
W void nj_json_array_open(struct nj_json *j, const char *k) { open_(j, k, "["); }

W void nj_json_object_close(struct nj_json *j)
{
	puts_(j, "}");
	if (j->depth > 0)
		j->depth--;
}

W void nj_json_array_close(struct nj_json *j)
{
	puts_(j, "]");
	if (j->depth > 0)
		j->depth--;
}

W void nj_json_strn(struct nj_json *j, const char *k, const uint8_t *s, size_t n)
{
	key(j, k);
	puts_(j, "\"");
	nj_json_escape(j, s, n);
	puts_(j, "\"");
}

W void nj_json_str(struct nj_json *j, const char *k, const char *s)
{
	nj_json_strn(j, k, (const uint8_t *)s, strlen(s));
}

W void nj_json_int(struct nj_json *j, const char *k, int64_t v)
{
	char b[32];
	key(j, k);
	snprintf(b, sizeof(b), "%lld", (long long)v);
	puts_(j, b);
}

W void nj_json_uint(struct nj_json *j, const char *k, uint64_t v)
{
	char b[32];
	key(j, k);
	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	puts_(j, b);
}

W void nj_json_double(struct nj_json *j, const char *k, double v)
{
	char b[64];
	key(j, k);
	snprintf(b, sizeof(b), "%.6f", v);
	puts_(j, b);
}

W void nj_json_bool(struct nj_json *j, const char *k, bool v)
{
	key(j, k);
	puts_(j, v ? "true" : "false");
}

W void nj_json_null(struct nj_json *j, const char *k)
{
	key(j, k);
	puts_(j, "null");
}

W void nj_json_base64(struct nj_json *j, const char *k, const uint8_t *s, size_t n)
{
	static const char tb[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	key(j, k);
	puts_(j, "\"");
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		char o[4] = { tb[(v >> 18) & 63], tb[(v >> 12) & 63],
			      i + 1 < n ? tb[(v >> 6) & 63] : '=',
			      i + 2 < n ? tb[v & 63] : '=' };
		put(j, o, 4);
	}
	puts_(j, "\"");
}
