/* content and its modifiers: nocase depth offset distance within
 * fast_pattern rawbytes startswith endswith, in Snort 2/Suricata form
 * (separate keywords) and Snort 3 form (content:"x",nocase,depth 4). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Parses `!"text|41 42|"` into pat; *rest points after the closing quote. */
int nj_content_parse_pattern(struct nj_rule_ctx *rc, const char *s, uint8_t **pat, uint32_t *len,
			     bool *negated, const char **rest)
{
	size_t cap = strlen(s) + 1, n = 0;
	uint8_t *out = malloc(cap);
	bool hex = false;
	int hi = -1;

	*negated = false;
	if (!out)
		return nj_rule_error(rc, "out of memory");
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!') {
		*negated = true;
		s++;
		while (isspace((unsigned char)*s))
			s++;
	}
	bool quoted = *s == '"';
	if (quoted)
		s++;
	for (; *s; s++) {
		if (quoted && *s == '"' && !hex)
			break;
		if (!quoted && *s == ',' && !hex)
			break;
		if (*s == '|') {
			if (hex && hi >= 0)
				goto bad_hex;
			hex = !hex;
			continue;
		}
		if (hex) {
			if (isspace((unsigned char)*s))
				continue;
			int v = hexval((unsigned char)*s);
			if (v < 0)
				goto bad_hex;
			if (hi < 0) {
				hi = v;
			} else {
				out[n++] = (uint8_t)(hi << 4 | v);
				hi = -1;
			}
			continue;
		}
		if (*s == '\\') {
			if (!s[1] || !strchr("\"\\;:|", s[1])) {
				free(out);
				return nj_rule_error(rc, "invalid escape '\\%c'", s[1] ? s[1] : ' ');
			}
			s++;
		}
		out[n++] = (uint8_t)*s;
	}
	if (hex)
		goto bad_hex;
	if (quoted && *s != '"') {
		free(out);
		return nj_rule_error(rc, "missing closing quote");
	}
	if (n == 0) {
		free(out);
		return nj_rule_error(rc, "empty pattern");
	}
	*rest = quoted ? s + 1 : s;
	*pat = out;
	*len = (uint32_t)n;
	return 0;
bad_hex:
	free(out);
	return nj_rule_error(rc, "invalid hex in pattern");
}

static struct nj_content *prev_content(struct nj_rule_ctx *rc)
{
	struct nj_opt *o = rc->last_payload;

	if (!o || (o->kw != &kw_content && o->kw != &kw_uricontent))
		return NULL;
	return o->data;
}

/* A number, or the name of a byte_extract variable of this rule. */
static int parse_value(struct nj_rule_ctx *rc, const char *arg, int32_t *v, int8_t *var)
{
	int64_t n;

	*var = -1;
	if (nj_kw_parse_int(arg, &n) == 0) {
		if (n < -65535 || n > 65535)
			return nj_rule_error(rc, "value out of range");
		*v = (int32_t)n;
		return 0;
	}
	while (isspace((unsigned char)*arg))
		arg++;
	int id = nj_names_find(&rc->build->rule_vars, arg);
	if (id < 0)
		return nj_rule_error(rc, "invalid value '%s'", arg);
	*var = (int8_t)id;
	*v = 0;
	return 0;
}

enum mod { MOD_NOCASE, MOD_DEPTH, MOD_OFFSET, MOD_DISTANCE, MOD_WITHIN, MOD_RAWBYTES,
	   MOD_FAST, MOD_STARTSWITH, MOD_ENDSWITH };

static int apply_mod(struct nj_rule_ctx *rc, struct nj_content *c, enum mod m, const char *arg)
{
	switch (m) {
	case MOD_NOCASE:
		c->nocase = true;
		return 0;
	case MOD_RAWBYTES:
		c->rawbytes = true;
		return 0;
	case MOD_STARTSWITH:
		if (c->has_depth || c->has_offset || c->relative)
			return nj_rule_error(rc, "cannot be mixed with depth, offset, distance or within");
		c->startswith = true;
		return 0;
	case MOD_ENDSWITH:
		c->endswith = true;
		return 0;
	case MOD_DEPTH:
		if (c->startswith)
			return nj_rule_error(rc, "cannot be mixed with startswith");
		c->has_depth = true;
		if (parse_value(rc, arg, &c->depth, &c->depth_var) < 0)
			return -1;
		if (c->depth_var < 0 && c->depth < (int32_t)c->len)
			return nj_rule_error(rc, "depth smaller than the pattern");
		return 0;
	case MOD_OFFSET:
		if (c->startswith)
			return nj_rule_error(rc, "cannot be mixed with startswith");
		c->has_offset = true;
		return parse_value(rc, arg, &c->offset, &c->offset_var);
	case MOD_DISTANCE:
		c->has_distance = c->relative = true;
		return parse_value(rc, arg, &c->distance, &c->distance_var);
	case MOD_WITHIN:
		c->has_within = c->relative = true;
		if (parse_value(rc, arg, &c->within, &c->within_var) < 0)
			return -1;
		if (c->within_var < 0 && c->within < (int32_t)c->len)
			return nj_rule_error(rc, "within smaller than the pattern");
		return 0;
	case MOD_FAST:
		c->fast_pattern = true;
		if (!arg)
			return 0;
		if (strcmp(arg, "only") == 0) {
			c->fp_only = true;
			return 0;
		}
		{
			int64_t o, l;
			char tmp[64];
			const char *comma = strchr(arg, ',');
			if (!comma || (size_t)(comma - arg) >= sizeof(tmp))
				return nj_rule_error(rc, "expected 'only' or 'offset,length'");
			memcpy(tmp, arg, (size_t)(comma - arg));
			tmp[comma - arg] = '\0';
			if (nj_kw_parse_int(tmp, &o) < 0 || nj_kw_parse_int(comma + 1, &l) < 0 || o < 0 ||
			    l <= 0 || o + l > c->len)
				return nj_rule_error(rc, "invalid offset,length");
			c->fp_off = (uint32_t)o;
			c->fp_len = (uint32_t)l;
		}
		return 0;
	}
	return 0;
}

static const struct {
	const char *name;
	enum mod mod;
	bool arg;
} s3_mods[] = {
	{ "nocase", MOD_NOCASE, false },     { "depth", MOD_DEPTH, true },
	{ "offset", MOD_OFFSET, true },      { "distance", MOD_DISTANCE, true },
	{ "within", MOD_WITHIN, true },      { "rawbytes", MOD_RAWBYTES, false },
	{ "fast_pattern", MOD_FAST, false }, { "startswith", MOD_STARTSWITH, false },
	{ "endswith", MOD_ENDSWITH, false },
};

/* Snort 3 sub-options after the pattern: ",nocase,depth 4,within 10". */
static int parse_s3_mods(struct nj_rule_ctx *rc, struct nj_content *c, const char *s)
{
	char item[128];

	while (*s) {
		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		if (!*s)
			break;
		size_t n = strcspn(s, ",");
		if (n >= sizeof(item))
			return nj_rule_error(rc, "sub-option too long");
		memcpy(item, s, n);
		item[n] = '\0';
		s += n;
		char *e = item + n;
		while (e > item && isspace((unsigned char)e[-1]))
			*--e = '\0';
		char *arg = item + strcspn(item, " \t");
		if (*arg) {
			*arg++ = '\0';
			while (isspace((unsigned char)*arg))
				arg++;
		}
		size_t i;
		for (i = 0; i < sizeof(s3_mods) / sizeof(s3_mods[0]); i++)
			if (strcmp(item, s3_mods[i].name) == 0)
				break;
		if (i == sizeof(s3_mods) / sizeof(s3_mods[0]))
			return nj_rule_error(rc, "unknown sub-option '%s'", item);
		if (s3_mods[i].arg && !*arg)
			return nj_rule_error(rc, "%s needs a value", item);
		if (apply_mod(rc, c, s3_mods[i].mod, *arg ? arg : NULL) < 0)
			return -1;
	}
	return 0;
}

static int parse_content(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct nj_content *c = nj_kw_alloc(rc, sizeof(*c));
	const char *rest;

	if (!c)
		return -1;
	c->offset_var = c->depth_var = c->distance_var = c->within_var = -1;
	if (nj_content_parse_pattern(rc, arg, &c->pat, &c->len, &c->negated, &rest) < 0)
		goto fail;
	while (isspace((unsigned char)*rest))
		rest++;
	if (*rest == ',') {
		/* Snort 3 form; the option is not yet in the rule, so modifiers
		 * apply to c directly. */
		if (parse_s3_mods(rc, c, rest) < 0)
			goto fail;
	} else if (*rest) {
		nj_rule_error(rc, "unexpected text after the pattern");
		goto fail;
	}
	*data = c;
	return 0;
fail:
	kw_content.free(c);
	return -1;
}

static void free_content(void *data)
{
	struct nj_content *c = data;

	if (!c)
		return;
	free(c->pat);
	free(c);
}

static bool eq_nocase(const uint8_t *a, const uint8_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (tolower(a[i]) != tolower(b[i]))
			return false;
	return true;
}

/* First occurrence of pat starting in [start, last_start]; -1 if none. */
static int64_t find(const uint8_t *buf, uint32_t start, uint32_t end, const struct nj_content *c)
{
	if (end < start || end - start < c->len)
		return -1;
	if (!c->nocase) {
		const uint8_t *p = memmem(buf + start, end - start, c->pat, c->len);
		return p ? p - buf : -1;
	}
	uint8_t lo = (uint8_t)tolower(c->pat[0]), up = (uint8_t)toupper(c->pat[0]);
	for (uint32_t i = start; i + c->len <= end; i++) {
		if ((buf[i] == lo || buf[i] == up) && eq_nocase(buf + i, c->pat, c->len))
			return i;
	}
	return -1;
}

static int32_t value(const struct nj_match *m, int32_t v, int8_t var)
{
	return var >= 0 ? (int32_t)m->vars[var] : v;
}

int nj_content_window(const struct nj_match *m, const struct nj_content *c, int64_t *start, int64_t *end)
{
	int64_t len = m->len;

	if (c->relative) {
		int64_t dist = c->has_distance ? value(m, c->distance, c->distance_var) : 0;
		*start = (int64_t)m->cursor + dist;
		*end = c->has_within ? (int64_t)m->cursor + dist + value(m, c->within, c->within_var) : len;
		if (c->has_depth)
			*end = *start + value(m, c->depth, c->depth_var) < *end ?
				       *start + value(m, c->depth, c->depth_var) : *end;
	} else {
		*start = c->has_offset ? value(m, c->offset, c->offset_var) : 0;
		*end = c->has_depth ? *start + value(m, c->depth, c->depth_var) : len;
	}
	if (c->startswith)
		*end = *start + c->len;
	if (c->endswith && len - (int64_t)c->len > *start)
		*start = len - c->len;
	if (*start < 0)
		*start = 0;
	if (*end > len)
		*end = len;
	return *start <= *end;
}

static int match_content(struct nj_match *m, const void *data)
{
	const struct nj_content *c = data;
	int64_t start, end, pos;

	if (!nj_content_window(m, c, &start, &end)) {
		pos = -1;
	} else {
		int64_t from = c->negated ? start : (start > m->from ? start : m->from);
		pos = from <= end ? find(m->buf, (uint32_t)from, (uint32_t)end, c) : -1;
		if (pos >= 0 && c->endswith && pos + c->len != m->len)
			pos = -1;
	}
	if (c->negated)
		return pos < 0;
	if (pos < 0)
		return 0;
	m->mstart = (uint32_t)pos;
	m->cursor = (uint32_t)(pos + c->len);
	return 1;
}

static void dump_content(const void *data, char *buf, size_t len)
{
	const struct nj_content *c = data;
	size_t off = 0;
	int n;

	n = snprintf(buf, len, "%s\"", c->negated ? "!" : "");
	off = n > 0 ? (size_t)n : 0;
	for (uint32_t i = 0; i < c->len && off + 8 < len; i++) {
		uint8_t b = c->pat[i];
		if (b >= 0x20 && b < 0x7f && b != '"' && b != '|' && b != '\\' && b != ';' && b != ':')
			buf[off++] = (char)b;
		else
			off += (size_t)snprintf(buf + off, len - off, "|%02X|", b);
	}
	snprintf(buf + off, len - off, "\"%s%s%s%s%s", c->nocase ? ",nocase" : "",
		 c->fast_pattern ? ",fast_pattern" : "", c->startswith ? ",startswith" : "",
		 c->endswith ? ",endswith" : "", c->rawbytes ? ",rawbytes" : "");
	off = strlen(buf);
	if (c->has_offset)
		off += (size_t)snprintf(buf + off, len > off ? len - off : 0, ",offset %d", c->offset);
	if (c->has_depth && off < len)
		off += (size_t)snprintf(buf + off, len - off, ",depth %d", c->depth);
	if (c->has_distance && off < len)
		off += (size_t)snprintf(buf + off, len - off, ",distance %d", c->distance);
	if (c->has_within && off < len)
		snprintf(buf + off, len - off, ",within %d", c->within);
}

const struct nj_keyword kw_content = {
	.name = "content",
	.flags = NJ_KW_PAYLOAD | NJ_KW_BACKTRACK,
	.parse = parse_content,
	.match = match_content,
	.free = free_content,
	.dump = dump_content,
};

/* uricontent is content in the http.uri buffer (Snort 2). */
static int parse_uricontent(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (parse_content(rc, arg, data) < 0)
		return -1;
	rc->opt_buf = NJ_BUF_HTTP_URI;
	return 0;
}

const struct nj_keyword kw_uricontent = {
	.name = "uricontent",
	.flags = NJ_KW_PAYLOAD | NJ_KW_BACKTRACK,
	.parse = parse_uricontent,
	.match = match_content,
	.free = free_content,
	.dump = dump_content,
};

/* ---- modifiers ---- */

static int modifier(struct nj_rule_ctx *rc, const char *arg, enum mod m)
{
	struct nj_content *c = prev_content(rc);

	if (!c)
		return nj_rule_error(rc, "no preceding content");
	return apply_mod(rc, c, m, arg);
}

#define MODIFIER(fn, m)                                                                 \
	static int fn(struct nj_rule_ctx *rc, const char *arg, void **data)             \
	{                                                                               \
		return modifier(rc, arg, m);                                            \
	}

MODIFIER(parse_nocase, MOD_NOCASE)
MODIFIER(parse_depth, MOD_DEPTH)
MODIFIER(parse_offset, MOD_OFFSET)
MODIFIER(parse_distance, MOD_DISTANCE)
MODIFIER(parse_within, MOD_WITHIN)
MODIFIER(parse_rawbytes, MOD_RAWBYTES)
MODIFIER(parse_fast_pattern, MOD_FAST)
MODIFIER(parse_startswith, MOD_STARTSWITH)
MODIFIER(parse_endswith, MOD_ENDSWITH)

const struct nj_keyword kw_nocase = { .name = "nocase", .flags = NJ_KW_MODIFIER | NJ_KW_NOARG, .parse = parse_nocase };
const struct nj_keyword kw_depth = { .name = "depth", .flags = NJ_KW_MODIFIER, .parse = parse_depth };
const struct nj_keyword kw_offset = { .name = "offset", .flags = NJ_KW_MODIFIER, .parse = parse_offset };
const struct nj_keyword kw_distance = { .name = "distance", .flags = NJ_KW_MODIFIER, .parse = parse_distance };
const struct nj_keyword kw_within = { .name = "within", .flags = NJ_KW_MODIFIER, .parse = parse_within };
const struct nj_keyword kw_rawbytes = { .name = "rawbytes", .flags = NJ_KW_MODIFIER | NJ_KW_NOARG, .parse = parse_rawbytes };
const struct nj_keyword kw_fast_pattern = { .name = "fast_pattern", .flags = NJ_KW_MODIFIER | NJ_KW_OPTARG, .parse = parse_fast_pattern };
const struct nj_keyword kw_startswith = { .name = "startswith", .flags = NJ_KW_MODIFIER | NJ_KW_NOARG, .parse = parse_startswith };
const struct nj_keyword kw_endswith = { .name = "endswith", .flags = NJ_KW_MODIFIER | NJ_KW_NOARG, .parse = parse_endswith };
