/* Buffer length keywords: bsize (Suricata), bufferlen (Snort 3) and urilen.
 *
 * bsize:N, <N, >N, <=N, >=N, !N, N<>M (exclusive), on the whole current
 * buffer. bufferlen takes the same forms plus N<=>M (inclusive) and
 * `,relative` (the bytes after the cursor). urilen compares the length of
 * http.uri, or of http.uri.raw with `,raw` (`,norm` is the default). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/keywords.h"
#include "detect/kw_util.h"

struct blen {
	struct nj_cmp cmp;
	bool relative;
	bool raw;
};

static int parse_len(struct nj_rule_ctx *rc, const char *arg, void **data, const char *opt1,
		     const char *opt2)
{
	char tmp[128];
	struct blen *b;
	char *comma;

	if (strlen(arg) >= sizeof(tmp))
		return nj_rule_error(rc, "invalid value");
	snprintf(tmp, sizeof(tmp), "%s", arg);
	if (!(b = nj_kw_alloc(rc, sizeof(*b))))
		return -1;
	comma = strchr(tmp, ',');
	if (comma) {
		char *o = comma + 1;
		*comma = '\0';
		while (isspace((unsigned char)*o))
			o++;
		for (char *e = o + strlen(o); e > o && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		if (opt1 && strcmp(o, opt1) == 0) {
			b->relative = b->raw = true;
		} else if (opt2 && strcmp(o, opt2) == 0) {
			;
		} else {
			free(b);
			return nj_rule_error(rc, "unknown option '%s'", o);
		}
	}
	if (nj_cmp_parse(tmp, &b->cmp) < 0 || b->cmp.a < 0) {
		free(b);
		return nj_rule_error(rc, "invalid value '%s'", tmp);
	}
	*data = b;
	return 0;
}

static int parse_bsize(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (parse_len(rc, arg, data, NULL, NULL) < 0)
		return -1;
	if (((struct blen *)*data)->cmp.op == NJ_CMP_RANGE_INCL) {
		free(*data);
		*data = NULL;
		return nj_rule_error(rc, "invalid value '%s'", arg);
	}
	return 0;
}

static int parse_bufferlen(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_len(rc, arg, data, "relative", NULL);
}

static int parse_urilen(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (parse_len(rc, arg, data, "raw", "norm") < 0)
		return -1;
	rc->opt_buf = ((struct blen *)*data)->raw ? NJ_BUF_HTTP_URI_RAW : NJ_BUF_HTTP_URI;
	return 0;
}

static int match_len(struct nj_match *m, const void *data)
{
	const struct blen *b = data;
	int64_t len = m->len;

	if (b->relative)
		len = m->cursor <= m->len ? (int64_t)(m->len - m->cursor) : 0;
	return nj_cmp_eval(&b->cmp, len);
}

/* urilen always takes the whole buffer; raw only picks the buffer. */
static int match_urilen(struct nj_match *m, const void *data)
{
	return nj_cmp_eval(&((const struct blen *)data)->cmp, m->len);
}

static void dump_len(const void *data, char *buf, size_t len)
{
	const struct blen *b = data;

	nj_cmp_dump(&b->cmp, buf, len);
	if (b->relative) {
		size_t off = strlen(buf);
		snprintf(buf + off, len > off ? len - off : 0, ",relative");
	}
}

static void dump_urilen(const void *data, char *buf, size_t len)
{
	nj_cmp_dump(&((const struct blen *)data)->cmp, buf, len);
}

const struct nj_keyword kw_bsize = {
	.name = "bsize",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_bsize,
	.match = match_len,
	.free = free,
	.dump = dump_len,
};

const struct nj_keyword kw_bufferlen = {
	.name = "bufferlen",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_bufferlen,
	.match = match_len,
	.free = free,
	.dump = dump_len,
};

const struct nj_keyword kw_urilen = {
	.name = "urilen",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_urilen,
	.match = match_urilen,
	.free = free,
	.dump = dump_urilen,
};
