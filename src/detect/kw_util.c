/* Helpers shared by keyword parsers. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/kw_util.h"
#include "detect/rule.h"

int nj_kw_unquote(const char *in, char *out, size_t outlen)
{
	size_t n = strlen(in), o = 0;

	while (n && isspace((unsigned char)*in)) {
		in++;
		n--;
	}
	while (n && isspace((unsigned char)in[n - 1]))
		n--;
	if (n >= 2 && in[0] == '"' && in[n - 1] == '"') {
		in++;
		n -= 2;
	}
	for (size_t i = 0; i < n; i++) {
		char c = in[i];
		if (c == '\\' && i + 1 < n && strchr("\"\\;:", in[i + 1]))
			c = in[++i];
		if (o + 1 >= outlen)
			return -1;
		out[o++] = c;
	}
	out[o] = '\0';
	return (int)o;
}

int nj_kw_parse_int(const char *s, int64_t *out)
{
	char *end;
	long long v;

	while (isspace((unsigned char)*s))
		s++;
	if (!*s)
		return -1;
	/* base 10 unless 0x: a leading zero is not octal (sid:09901001) */
	const char *d = s + (*s == '-' || *s == '+');
	errno = 0;
	v = strtoll(s, &end, d[0] == '0' && (d[1] == 'x' || d[1] == 'X') ? 16 : 10);
	if (errno || end == s)
		return -1;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -1;
	*out = v;
	return 0;
}

int nj_cmp_parse(const char *s, struct nj_cmp *c)
{
	char tmp[64];
	const char *sep;

	while (isspace((unsigned char)*s))
		s++;
	if (strlen(s) >= sizeof(tmp))
		return -1;
	memset(c, 0, sizeof(*c));
	if ((sep = strstr(s, "<=>")) || (sep = strstr(s, "<>"))) {
		size_t ln = (size_t)(sep - s);
		memcpy(tmp, s, ln);
		tmp[ln] = '\0';
		c->op = sep[1] == '=' ? NJ_CMP_RANGE_INCL : NJ_CMP_RANGE;
		if (nj_kw_parse_int(tmp, &c->a) < 0 ||
		    nj_kw_parse_int(sep + (c->op == NJ_CMP_RANGE_INCL ? 3 : 2), &c->b) < 0 || c->a > c->b)
			return -1;
		return 0;
	}
	if (s[0] == '!' && s[1] == '=') {
		c->op = NJ_CMP_NE;
		return nj_kw_parse_int(s + 2, &c->a);
	}
	if (s[0] == '<' && s[1] == '=') {
		c->op = NJ_CMP_LE;
		return nj_kw_parse_int(s + 2, &c->a);
	}
	if (s[0] == '>' && s[1] == '=') {
		c->op = NJ_CMP_GE;
		return nj_kw_parse_int(s + 2, &c->a);
	}
	if (s[0] == '<' || s[0] == '>' || s[0] == '!' || s[0] == '=') {
		c->op = s[0] == '<' ? NJ_CMP_LT : s[0] == '>' ? NJ_CMP_GT : s[0] == '!' ? NJ_CMP_NE : NJ_CMP_EQ;
		return nj_kw_parse_int(s + 1, &c->a);
	}
	sep = strchr(s + 1, '-');
	if (sep && isdigit((unsigned char)s[0])) {
		size_t ln = (size_t)(sep - s);
		memcpy(tmp, s, ln);
		tmp[ln] = '\0';
		c->op = NJ_CMP_RANGE;
		if (nj_kw_parse_int(tmp, &c->a) < 0 || nj_kw_parse_int(sep + 1, &c->b) < 0 || c->a > c->b)
			return -1;
		return 0;
	}
	c->op = NJ_CMP_EQ;
	return nj_kw_parse_int(s, &c->a);
}

bool nj_cmp_eval(const struct nj_cmp *c, int64_t v)
{
	switch (c->op) {
	case NJ_CMP_EQ: return v == c->a;
	case NJ_CMP_NE: return v != c->a;
	case NJ_CMP_LT: return v < c->a;
	case NJ_CMP_GT: return v > c->a;
	case NJ_CMP_LE: return v <= c->a;
	case NJ_CMP_GE: return v >= c->a;
	case NJ_CMP_RANGE: return v > c->a && v < c->b;
	case NJ_CMP_RANGE_INCL: return v >= c->a && v <= c->b;
	}
	return false;
}

void nj_cmp_dump(const struct nj_cmp *c, char *buf, size_t len)
{
	static const char *const ops[] = { "", "!", "<", ">", "<=", ">=" };

	if (c->op == NJ_CMP_RANGE)
		snprintf(buf, len, "%lld<>%lld", (long long)c->a, (long long)c->b);
	else if (c->op == NJ_CMP_RANGE_INCL)
		snprintf(buf, len, "%lld<=>%lld", (long long)c->a, (long long)c->b);
	else
		snprintf(buf, len, "%s%lld", ops[c->op], (long long)c->a);
}

void *nj_kw_alloc(struct nj_rule_ctx *rc, size_t size)
{
	void *p = calloc(1, size);

	if (!p)
		nj_rule_error(rc, "out of memory");
	return p;
}
