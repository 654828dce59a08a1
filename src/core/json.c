/* A JSON writer for one record at a time (RFC 8259), with a UTF-8
 * validating string escaper (RFC 3629, section 4 for the valid sequences).
 */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/json.h"

/* Keeps buf NUL-terminated: room for n more bytes plus the terminator. */
static bool reserve(struct nj_json *j, size_t n)
{
	size_t need, cap;
	char *nb;

	if (j->oom)
		return false;
	need = j->len + n + 1;
	if (need < j->len) {
		j->oom = true;
		return false;
	}
	if (need <= j->cap)
		return true;
	cap = j->cap ? j->cap : 512;
	while (cap < need) {
		if (cap > ((size_t)-1) / 2) {
			j->oom = true;
			return false;
		}
		cap *= 2;
	}
	nb = realloc(j->buf, cap);
	if (!nb) {
		j->oom = true;
		return false;
	}
	j->buf = nb;
	j->cap = cap;
	return true;
}

static void put(struct nj_json *j, const void *s, size_t n)
{
	if (!reserve(j, n))
		return;
	memcpy(j->buf + j->len, s, n);
	j->len += n;
	j->buf[j->len] = '\0';
}

static void putc1(struct nj_json *j, char c)
{
	put(j, &c, 1);
}

void nj_json_raw(struct nj_json *j, const char *s, size_t n)
{
	put(j, s, n);
}

void nj_json_init(struct nj_json *j)
{
	memset(j, 0, sizeof(*j));
	j->first[0] = true;
}

void nj_json_free(struct nj_json *j)
{
	if (!j)
		return;
	free(j->buf);
	nj_json_init(j);
}

void nj_json_reset(struct nj_json *j)
{
	j->len = 0;
	if (j->buf)
		j->buf[0] = '\0';
	j->depth = 0;
	j->first[0] = true;
	j->oom = false;
}

static const char hex[] = "0123456789abcdef";

static void put_u00(struct nj_json *j, uint8_t c)
{
	char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

	put(j, e, sizeof(e));
}

/* Length of the valid UTF-8 sequence at s[0..n), or 0 when the bytes there
 * do not start one (stray continuation, overlong form, surrogate, code
 * point above U+10FFFF, truncated sequence). */
static size_t utf8_seq(const uint8_t *s, size_t n)
{
	uint8_t c = s[0], lo = 0x80, hi = 0xbf;
	size_t len;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;      /* overlong */
	else if (c == 0xed)
		hi = 0x9f;      /* UTF-16 surrogates */
	else if (c == 0xf0)
		lo = 0x90;      /* overlong */
	else if (c == 0xf4)
		hi = 0x8f;      /* above U+10FFFF */
	if (n < len || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return len;
}

void nj_json_escape(struct nj_json *j, const uint8_t *s, size_t n)
{
	size_t i = 0, run = 0;

	while (i < n) {
		uint8_t c = s[i];
		size_t seq;

		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
			i++;
			continue;
		}
		if (c >= 0x80 && (seq = utf8_seq(s + i, n - i)) > 0) {
			i += seq;
			continue;
		}
		put(j, s + run, i - run);
		switch (c) {
		case '"':
			put(j, "\\\"", 2);
			break;
		case '\\':
			put(j, "\\\\", 2);
			break;
		case '\n':
			put(j, "\\n", 2);
			break;
		case '\r':
			put(j, "\\r", 2);
			break;
		case '\t':
			put(j, "\\t", 2);
			break;
		case '\b':
			put(j, "\\b", 2);
			break;
		case '\f':
			put(j, "\\f", 2);
			break;
		default:
			put_u00(j, c);  /* control, DEL or a byte of invalid UTF-8 */
			break;
		}
		run = ++i;
	}
	put(j, s + run, n - run);
}

/* Separator and key before a value. */
static void begin_value(struct nj_json *j, const char *key)
{
	if (j->depth > 0) {
		if (!j->first[j->depth])
			putc1(j, ',');
		j->first[j->depth] = false;
	}
	if (key) {
		putc1(j, '"');
		nj_json_escape(j, (const uint8_t *)key, strlen(key));
		put(j, "\":", 2);
	}
}

static void open_container(struct nj_json *j, const char *key, char c)
{
	if (j->depth + 1 >= NJ_JSON_MAX_DEPTH) {
		j->oom = true;  /* the record is malformed: drop it */
		return;
	}
	begin_value(j, key);
	putc1(j, c);
	j->depth++;
	j->first[j->depth] = true;
}

static void close_container(struct nj_json *j, char c)
{
	if (j->depth == 0) {
		j->oom = true;
		return;
	}
	putc1(j, c);
	j->depth--;
}

void nj_json_object_open(struct nj_json *j, const char *key)
{
	open_container(j, key, '{');
}

void nj_json_object_close(struct nj_json *j)
{
	close_container(j, '}');
}

void nj_json_array_open(struct nj_json *j, const char *key)
{
	open_container(j, key, '[');
}

void nj_json_array_close(struct nj_json *j)
{
	close_container(j, ']');
}

void nj_json_strn(struct nj_json *j, const char *key, const uint8_t *s, size_t n)
{
	begin_value(j, key);
	putc1(j, '"');
	if (s)
		nj_json_escape(j, s, n);
	putc1(j, '"');
}

void nj_json_str(struct nj_json *j, const char *key, const char *s)
{
	if (!s) {
		nj_json_null(j, key);
		return;
	}
	nj_json_strn(j, key, (const uint8_t *)s, strlen(s));
}

/* Digits are written by hand: printf's output may depend on the locale. */
static void put_u64(struct nj_json *j, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	put(j, d + sizeof(d) - n, n);
}

void nj_json_uint(struct nj_json *j, const char *key, uint64_t v)
{
	begin_value(j, key);
	put_u64(j, v);
}

void nj_json_int(struct nj_json *j, const char *key, int64_t v)
{
	begin_value(j, key);
	if (v < 0) {
		putc1(j, '-');
		put_u64(j, (uint64_t)0 - (uint64_t)v);
	} else {
		put_u64(j, (uint64_t)v);
	}
}

static locale_t c_locale(void)
{
	static locale_t loc;

	if (!__atomic_load_n(&loc, __ATOMIC_ACQUIRE)) {
		locale_t l = newlocale(LC_ALL_MASK, "C", (locale_t)0);
		locale_t expect = (locale_t)0;
		if (l && !__atomic_compare_exchange_n(&loc, &expect, l, false,
						      __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			freelocale(l);
	}
	return __atomic_load_n(&loc, __ATOMIC_ACQUIRE);
}

/* Shortest of %.15g/%.17g that reads back as v, in the C locale whatever
 * the process locale is. NaN and infinities have no JSON form: null. */
void nj_json_double(struct nj_json *j, const char *key, double v)
{
	char b[40];
	locale_t loc, old = (locale_t)0;
	int n;

	if (!isfinite(v)) {
		nj_json_null(j, key);
		return;
	}
	loc = c_locale();
	if (loc)
		old = uselocale(loc);
	n = snprintf(b, sizeof(b), "%.15g", v);
	if (n > 0 && strtod(b, NULL) != v)
		n = snprintf(b, sizeof(b), "%.17g", v);
	if (loc)
		uselocale(old);
	if (n <= 0 || (size_t)n >= sizeof(b) || (!loc && strpbrk(b, ",") != NULL)) {
		nj_json_null(j, key);
		return;
	}
	begin_value(j, key);
	put(j, b, (size_t)n);
}

void nj_json_bool(struct nj_json *j, const char *key, bool v)
{
	begin_value(j, key);
	if (v)
		put(j, "true", 4);
	else
		put(j, "false", 5);
}

void nj_json_null(struct nj_json *j, const char *key)
{
	begin_value(j, key);
	put(j, "null", 4);
}

void nj_json_base64(struct nj_json *j, const char *key, const uint8_t *s, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t out;

	begin_value(j, key);
	putc1(j, '"');
	if (n > (((size_t)-1) / 4) * 3 - 3) {
		j->oom = true;
		return;
	}
	out = (n + 2) / 3 * 4;
	if (!reserve(j, out + 1))
		return;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;
		size_t left = n - i;
		char *o = j->buf + j->len;

		if (left > 1)
			v |= (uint32_t)s[i + 1] << 8;
		if (left > 2)
			v |= s[i + 2];
		o[0] = b64[(v >> 18) & 63];
		o[1] = b64[(v >> 12) & 63];
		o[2] = left > 1 ? b64[(v >> 6) & 63] : '=';
		o[3] = left > 2 ? b64[v & 63] : '=';
		j->len += 4;
	}
	j->buf[j->len] = '\0';
	putc1(j, '"');
}
