/* byte_test, byte_jump and byte_extract, as Suricata and Snort define
 * them, and the number reading they share with byte_math and isdataat.
 *
 * byte_test compares a number read from the buffer and leaves the cursor
 * alone; byte_jump moves the cursor by a number read from the buffer;
 * byte_extract stores a number in one of the rule's variables (usable by
 * later content offset/depth/distance/within, byte_test, byte_jump,
 * byte_math and isdataat) and moves the cursor past the bytes read.
 */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

int nj_bytes_split(char *s, char **tok, int max)
{
	int n = 0;

	for (;;) {
		char *comma = strchr(s, ',');
		if (comma)
			*comma = '\0';
		while (isspace((unsigned char)*s))
			s++;
		char *e = s + strlen(s);
		while (e > s && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (n == max)
			return -1;
		tok[n++] = s;
		if (!comma)
			return n;
		s = comma + 1;
	}
}

int nj_bval_parse(struct nj_rule_ctx *rc, const char *s, struct nj_bval *out)
{
	out->var = -1;
	if (nj_kw_parse_int(s, &out->v) == 0)
		return 0;
	int id = nj_names_find(&rc->build->rule_vars, s);
	if (id < 0)
		return nj_rule_error(rc, "invalid value '%s'", s);
	out->var = (int8_t)id;
	out->v = 0;
	return 0;
}

int64_t nj_bval_get(const struct nj_match *m, const struct nj_bval *b)
{
	if (b->var < 0)
		return b->v;
	uint64_t v = m->vars[b->var];
	return v > INT64_MAX ? INT64_MAX : (int64_t)v;
}

void nj_bval_dump(const struct nj_bval *b, char *buf, size_t len)
{
	if (b->var >= 0)
		snprintf(buf, len, "var%d", b->var);
	else
		snprintf(buf, len, "%" PRId64, b->v);
}

int nj_bytes_define_var(struct nj_rule_ctx *rc, const char *name)
{
	if (!isalpha((unsigned char)name[0]) && name[0] != '_')
		return nj_rule_error(rc, "invalid variable name '%s'", name);
	for (const char *p = name; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '.' && *p != '-')
			return nj_rule_error(rc, "invalid variable name '%s'", name);
	if (nj_names_find(&rc->build->rule_vars, name) >= 0)
		return nj_rule_error(rc, "variable '%s' defined twice", name);
	int id = nj_names_id(&rc->build->rule_vars, name);
	if (id < 0)
		return nj_rule_error(rc, "out of memory");
	if (id >= NJ_BYTES_MAX_VARS)
		return nj_rule_error(rc, "more than %d variables in one rule", NJ_BYTES_MAX_VARS);
	return id;
}

static int parse_hex_mask(struct nj_rule_ctx *rc, const char *s, uint64_t *mask)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	errno = 0;
	*mask = strtoull(s, &end, 16);
	if (errno || end == s || *end || *mask == 0)
		return nj_rule_error(rc, "invalid bitmask '%s'", s);
	return 0;
}

int nj_bread_flag(struct nj_rule_ctx *rc, struct nj_bread *br, const char *tok)
{
	if (strcmp(tok, "relative") == 0) {
		br->relative = true;
	} else if (strcasecmp(tok, "big") == 0) {
		br->little = false;
	} else if (strcasecmp(tok, "little") == 0) {
		br->little = true;
	} else if (strcasecmp(tok, "string") == 0) {
		br->string = true;
	} else if (strcasecmp(tok, "dec") == 0) {
		br->base = 10;
	} else if (strcasecmp(tok, "hex") == 0) {
		br->base = 16;
	} else if (strcasecmp(tok, "oct") == 0) {
		br->base = 8;
	} else if (strcasecmp(tok, "dce") == 0) {
		/* Suricata ties dce to the DCE/RPC parser's byte order and
		 * makes the rule a dcerpc rule; nightjar parses no DCE/RPC. */
		char what[64];
		snprintf(what, sizeof(what), "%s dce (DCE/RPC byte order)", rc->kw_name);
		return nj_rule_unsupported(rc, what);
	} else if (strncasecmp(tok, "bitmask", 7) == 0 && (tok[7] == ' ' || tok[7] == '\t')) {
		if (parse_hex_mask(rc, tok + 8, &br->bitmask) < 0)
			return -1;
	} else {
		return 0;
	}
	return 1;
}

int nj_bread_check(struct nj_rule_ctx *rc, const struct nj_bread *br)
{
	if (br->base && !br->string)
		return nj_rule_error(rc, "hex, dec and oct need 'string'");
	if (br->nbytes.var >= 0)
		return 0;
	if (br->nbytes.v < 0 || br->nbytes.v > (br->string ? 23 : 8))
		return nj_rule_error(rc, "cannot read %" PRId64 " bytes%s", br->nbytes.v,
				     br->string ? " as a string" : "");
	if (br->offset.var < 0 && (br->offset.v < -65535 || br->offset.v > 65535))
		return nj_rule_error(rc, "offset out of range");
	return 0;
}

uint64_t nj_bytes_mask(uint64_t v, uint64_t mask)
{
	if (!mask)
		return v;
	v &= mask;
	if (v)
		v >>= __builtin_ctzll(mask);
	return v;
}

int nj_bread_do(const struct nj_match *m, const struct nj_bread *br, bool apply_mask, uint64_t *val,
		uint32_t *end)
{
	int64_t nb = nj_bval_get(m, &br->nbytes), off = nj_bval_get(m, &br->offset);
	int64_t start = br->relative ? (int64_t)m->cursor + off : off;
	uint64_t v = 0;
	uint32_t used;

	/* Zero binary bytes read the value 0 (Suricata's byte_jump:0,...),
	 * which a relative read may do at the very end of the buffer; a
	 * string needs at least one digit. */
	if (m->len == 0 || nb < (br->string ? 1 : 0) || nb > (br->string ? 23 : 8))
		return 0;
	if (start < 0 || (br->relative && nb > 0 && start >= (int64_t)m->len) ||
	    nb > (int64_t)m->len - start)
		return 0;
	const uint8_t *p = m->buf + start;
	if (br->string) {
		char tmp[24], *e;
		memcpy(tmp, p, (size_t)nb);
		tmp[nb] = '\0';
		errno = 0;
		v = strtoull(tmp, &e, br->base ? br->base : 10);
		if (errno || e == tmp)
			return 0;
		used = (uint32_t)(e - tmp);
	} else {
		for (int64_t i = 0; i < nb; i++)
			v = br->little ? v | (uint64_t)p[i] << (8 * i) : v << 8 | p[i];
		used = (uint32_t)nb;
	}
	*val = apply_mask ? nj_bytes_mask(v, br->bitmask) : v;
	*end = (uint32_t)start + used;
	return 1;
}

void nj_bread_dump(const struct nj_bread *br, char *buf, size_t len)
{
	static const char *const bases[17] = { [8] = "oct", [10] = "dec", [16] = "hex" };

	snprintf(buf, len, "%s%s%s%s%s", br->relative ? ",relative" : "", br->little ? ",little" : "",
		 br->string ? ",string," : "", br->string ? bases[br->base ? br->base : 10] : "",
		 br->bitmask ? ",bitmask" : "");
	if (br->bitmask) {
		size_t off = strlen(buf);
		snprintf(buf + off, len > off ? len - off : 0, " 0x%" PRIx64, br->bitmask);
	}
}

/* ---- byte_test ---- */

enum bt_op { BT_LT, BT_GT, BT_EQ, BT_LE, BT_GE, BT_AND, BT_XOR };

struct byte_test {
	struct nj_bread br;
	struct nj_bval value;
	uint8_t op;
	bool negated;
};

static const char *const bt_ops[] = { "<", ">", "=", "<=", ">=", "&", "^" };

static int parse_bt_op(const char *s, struct byte_test *bt)
{
	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!') {
		bt->negated = true;
		s++;
		if (strcmp(s, "=") == 0 || *s == '\0') {   /* "!=" and a bare "!" */
			bt->op = BT_EQ;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(bt_ops) / sizeof(bt_ops[0]); i++) {
		if (strcmp(s, bt_ops[i]) == 0) {
			bt->op = (uint8_t)i;
			return 0;
		}
	}
	return -1;
}

static int parse_byte_test(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[16], *s = strdup(arg);
	struct byte_test *bt = nj_kw_alloc(rc, sizeof(*bt));
	int n;

	if (!s || !bt)
		goto oom;
	n = nj_bytes_split(s, tok, 16);
	if (n < 4) {
		nj_rule_error(rc, "expected bytes, operator, value, offset");
		goto fail;
	}
	if (nj_bval_parse(rc, tok[0], &bt->br.nbytes) < 0)
		goto fail;
	if (parse_bt_op(tok[1], bt) < 0) {
		nj_rule_error(rc, "invalid operator '%s'", tok[1]);
		goto fail;
	}
	if (nj_bval_parse(rc, tok[2], &bt->value) < 0 || nj_bval_parse(rc, tok[3], &bt->br.offset) < 0)
		goto fail;
	for (int i = 4; i < n; i++) {
		int r = nj_bread_flag(rc, &bt->br, tok[i]);
		if (r < 0)
			goto fail;
		if (r == 0) {
			nj_rule_error(rc, "unknown option '%s'", tok[i]);
			goto fail;
		}
	}
	if (nj_bread_check(rc, &bt->br) < 0)
		goto fail;
	free(s);
	*data = bt;
	return 0;
oom:
	nj_rule_error(rc, "out of memory");
fail:
	free(s);
	free(bt);
	return -1;
}

static int match_byte_test(struct nj_match *m, const void *data)
{
	const struct byte_test *bt = data;
	uint64_t v, want = (uint64_t)nj_bval_get(m, &bt->value);
	uint32_t end;
	bool r = false;

	if (!nj_bread_do(m, &bt->br, true, &v, &end))
		return 0;
	switch (bt->op) {
	case BT_LT: r = v < want; break;
	case BT_GT: r = v > want; break;
	case BT_EQ: r = v == want; break;
	case BT_LE: r = v <= want; break;
	case BT_GE: r = v >= want; break;
	case BT_AND: r = (v & want) != 0; break;
	case BT_XOR: r = (v ^ want) != 0; break;
	}
	return r != bt->negated;
}

static void dump_byte_test(const void *data, char *buf, size_t len)
{
	const struct byte_test *bt = data;
	char nb[32], val[32], off[32], fl[96];

	nj_bval_dump(&bt->br.nbytes, nb, sizeof(nb));
	nj_bval_dump(&bt->value, val, sizeof(val));
	nj_bval_dump(&bt->br.offset, off, sizeof(off));
	nj_bread_dump(&bt->br, fl, sizeof(fl));
	snprintf(buf, len, "%s,%s%s,%s,%s%s", nb, bt->negated ? "!" : "", bt_ops[bt->op], val, off, fl);
}

const struct nj_keyword kw_byte_test = {
	.name = "byte_test",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_byte_test,
	.match = match_byte_test,
	.free = free,
	.dump = dump_byte_test,
};

/* ---- byte_jump ---- */

struct byte_jump {
	struct nj_bread br;
	uint32_t multiplier;
	int32_t post_offset;
	bool align, from_beginning, from_end;
};

static int parse_num_opt(struct nj_rule_ctx *rc, const char *tok, size_t skip, int64_t lo, int64_t hi,
			 int64_t *out)
{
	if (nj_kw_parse_int(tok + skip, out) < 0 || *out < lo || *out > hi)
		return nj_rule_error(rc, "invalid value in '%s'", tok);
	return 0;
}

static bool opt_is(const char *tok, const char *name)
{
	size_t n = strlen(name);

	return strncasecmp(tok, name, n) == 0 && (tok[n] == ' ' || tok[n] == '\t');
}

static int parse_byte_jump(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[20], *s = strdup(arg);
	struct byte_jump *bj = nj_kw_alloc(rc, sizeof(*bj));
	int64_t v;
	int n;

	if (!s || !bj)
		goto oom;
	bj->multiplier = 1;
	n = nj_bytes_split(s, tok, 20);
	if (n < 2) {
		nj_rule_error(rc, "expected bytes, offset");
		goto fail;
	}
	if (nj_bval_parse(rc, tok[0], &bj->br.nbytes) < 0 || nj_bval_parse(rc, tok[1], &bj->br.offset) < 0)
		goto fail;
	for (int i = 2; i < n; i++) {
		int r = nj_bread_flag(rc, &bj->br, tok[i]);
		if (r < 0)
			goto fail;
		if (r == 1)
			continue;
		if (strcasecmp(tok[i], "align") == 0) {
			bj->align = true;
		} else if (strcasecmp(tok[i], "from_beginning") == 0) {
			bj->from_beginning = true;
		} else if (strcasecmp(tok[i], "from_end") == 0) {
			bj->from_end = true;
		} else if (opt_is(tok[i], "multiplier")) {
			if (parse_num_opt(rc, tok[i], 10, 1, 65535, &v) < 0)
				goto fail;
			bj->multiplier = (uint32_t)v;
		} else if (opt_is(tok[i], "post_offset")) {
			if (parse_num_opt(rc, tok[i], 11, -65535, 65535, &v) < 0)
				goto fail;
			bj->post_offset = (int32_t)v;
		} else {
			nj_rule_error(rc, "unknown option '%s'", tok[i]);
			goto fail;
		}
	}
	if (bj->from_beginning && bj->from_end) {
		nj_rule_error(rc, "from_beginning and from_end cannot be combined");
		goto fail;
	}
	if (nj_bread_check(rc, &bj->br) < 0)
		goto fail;
	free(s);
	*data = bj;
	return 0;
oom:
	nj_rule_error(rc, "out of memory");
fail:
	free(s);
	free(bj);
	return -1;
}

/* A jump before the buffer start lands on the start; one to the very end
 * leaves the cursor there (a following relative match can only be empty),
 * one past the end fails (as Suricata since 7.0.3). */
static int match_byte_jump(struct nj_match *m, const void *data)
{
	const struct byte_jump *bj = data;
	uint64_t v;
	uint32_t end;

	if (!nj_bread_do(m, &bj->br, true, &v, &end))
		return 0;
	if (v > (uint64_t)m->len + 200000)
		return 0;
	v *= bj->multiplier;
	if (bj->align && v % 4)
		v += 4 - v % 4;
	if (v > (uint64_t)m->len + 200000)
		return 0;
	int64_t base = bj->from_beginning ? 0 : bj->from_end ? (int64_t)m->len : (int64_t)end;
	int64_t pos = base + (int64_t)v + bj->post_offset;
	if (pos < 0)
		pos = 0;
	else if (pos > (int64_t)m->len)
		return 0;
	m->cursor = (uint32_t)pos;
	return 1;
}

static void dump_byte_jump(const void *data, char *buf, size_t len)
{
	const struct byte_jump *bj = data;
	char nb[32], off[32], fl[96];

	nj_bval_dump(&bj->br.nbytes, nb, sizeof(nb));
	nj_bval_dump(&bj->br.offset, off, sizeof(off));
	nj_bread_dump(&bj->br, fl, sizeof(fl));
	snprintf(buf, len, "%s,%s%s%s%s%s,multiplier %u,post_offset %d", nb, off, fl,
		 bj->align ? ",align" : "", bj->from_beginning ? ",from_beginning" : "",
		 bj->from_end ? ",from_end" : "", bj->multiplier, bj->post_offset);
}

const struct nj_keyword kw_byte_jump = {
	.name = "byte_jump",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_byte_jump,
	.match = match_byte_jump,
	.free = free,
	.dump = dump_byte_jump,
};

/* ---- byte_extract ---- */

struct byte_extract {
	struct nj_bread br;
	uint32_t multiplier;
	uint8_t align;
	int8_t var;
};

static int parse_byte_extract(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[20], *s = strdup(arg);
	struct byte_extract *be = nj_kw_alloc(rc, sizeof(*be));
	int64_t v;
	int n, id;

	if (!s || !be)
		goto oom;
	be->multiplier = 1;
	n = nj_bytes_split(s, tok, 20);
	if (n < 3) {
		nj_rule_error(rc, "expected bytes, offset, name");
		goto fail;
	}
	if (parse_num_opt(rc, tok[0], 0, 1, 23, &v) < 0)
		goto fail;
	be->br.nbytes.v = v;
	be->br.nbytes.var = -1;
	if (nj_bval_parse(rc, tok[1], &be->br.offset) < 0)
		goto fail;
	for (int i = 3; i < n; i++) {
		int r = nj_bread_flag(rc, &be->br, tok[i]);
		if (r < 0)
			goto fail;
		if (r == 1)
			continue;
		if (opt_is(tok[i], "multiplier")) {
			if (parse_num_opt(rc, tok[i], 10, 1, 65535, &v) < 0)
				goto fail;
			be->multiplier = (uint32_t)v;
		} else if (opt_is(tok[i], "align")) {
			if (parse_num_opt(rc, tok[i], 5, 2, 4, &v) < 0 || v == 3) {
				nj_rule_error(rc, "align must be 2 or 4");
				goto fail;
			}
			be->align = (uint8_t)v;
		} else {
			nj_rule_error(rc, "unknown option '%s'", tok[i]);
			goto fail;
		}
	}
	if (nj_bread_check(rc, &be->br) < 0)
		goto fail;
	/* Defined last so that a failed option does not leave the name. */
	if ((id = nj_bytes_define_var(rc, tok[2])) < 0)
		goto fail;
	be->var = (int8_t)id;
	free(s);
	*data = be;
	return 0;
oom:
	nj_rule_error(rc, "out of memory");
fail:
	free(s);
	free(be);
	return -1;
}

static int match_byte_extract(struct nj_match *m, const void *data)
{
	const struct byte_extract *be = data;
	uint64_t v;
	uint32_t end;

	if (!nj_bread_do(m, &be->br, true, &v, &end))
		return 0;
	v *= be->multiplier;
	if (be->align && v % be->align)
		v += be->align - v % be->align;
	m->vars[be->var] = v;
	m->cursor = end;
	return 1;
}

static void dump_byte_extract(const void *data, char *buf, size_t len)
{
	const struct byte_extract *be = data;
	char off[32], fl[96];

	nj_bval_dump(&be->br.offset, off, sizeof(off));
	nj_bread_dump(&be->br, fl, sizeof(fl));
	snprintf(buf, len, "%" PRId64 ",%s,var%d%s,multiplier %u,align %u", be->br.nbytes.v, off, be->var, fl,
		 be->multiplier, be->align);
}

const struct nj_keyword kw_byte_extract = {
	.name = "byte_extract",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_byte_extract,
	.match = match_byte_extract,
	.free = free,
	.dump = dump_byte_extract,
};
