/* isdataat: is there data at an offset of the buffer (absolute) or after
 * the cursor (relative), or not (`!`). As Suricata: absolute N holds when
 * N < length; relative N holds when cursor + N <= length. N may be a
 * byte_extract variable. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

struct isdataat {
	struct nj_bval n;
	bool relative, negated;
};

static int parse_isdataat(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[4], *s = strdup(arg), *v;
	struct isdataat *d = nj_kw_alloc(rc, sizeof(*d));
	int n;

	if (!s || !d) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	n = nj_bytes_split(s, tok, 4);
	if (n < 0) {
		nj_rule_error(rc, "too many options");
		goto fail;
	}
	v = tok[0];
	if (*v == '!') {
		d->negated = true;
		v++;
		while (isspace((unsigned char)*v))
			v++;
	}
	if (nj_bval_parse(rc, v, &d->n) < 0)
		goto fail;
	if (d->n.var < 0 && (d->n.v < 0 || d->n.v > 65535)) {
		nj_rule_error(rc, "value out of range");
		goto fail;
	}
	for (int i = 1; i < n; i++) {
		if (strcmp(tok[i], "relative") == 0) {
			d->relative = true;
		} else if (strcmp(tok[i], "rawbytes") == 0) {
			;   /* buffers are raw already */
		} else {
			nj_rule_error(rc, "unknown option '%s'", tok[i]);
			goto fail;
		}
	}
	free(s);
	*data = d;
	return 0;
fail:
	free(s);
	free(d);
	return -1;
}

static int match_isdataat(struct nj_match *m, const void *data)
{
	const struct isdataat *d = data;
	int64_t n = nj_bval_get(m, &d->n);
	bool there;

	if (d->relative)
		there = (int64_t)m->cursor + n <= (int64_t)m->len;
	else
		there = n < (int64_t)m->len;
	return there != d->negated;
}

static void dump_isdataat(const void *data, char *buf, size_t len)
{
	const struct isdataat *d = data;
	char v[32];

	nj_bval_dump(&d->n, v, sizeof(v));
	snprintf(buf, len, "%s%s%s", d->negated ? "!" : "", v, d->relative ? ",relative" : "");
}

const struct nj_keyword kw_isdataat = {
	.name = "isdataat",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_isdataat,
	.match = match_isdataat,
	.free = free,
	.dump = dump_isdataat,
};
