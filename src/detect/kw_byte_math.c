/* byte_math: reads a number from the buffer, combines it with a constant
 * or variable (+ - * / << >>) and stores the result in a rule variable, as
 * Suricata: the cursor moves past the bytes read, the bitmask applies to
 * the result, a division by zero does not match. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

enum bm_op { BM_ADD, BM_SUB, BM_MUL, BM_DIV, BM_SHL, BM_SHR };

static const char *const bm_ops[] = { "+", "-", "*", "/", "<<", ">>" };

struct byte_math {
	struct nj_bread br;
	struct nj_bval rvalue;
	uint8_t op;
	int8_t var;
};

/* "key value" with the key matched case-sensitively, as Suricata. */
static const char *key_value(const char *tok, const char *key)
{
	size_t n = strlen(key);

	if (strncmp(tok, key, n) != 0 || !isspace((unsigned char)tok[n]))
		return NULL;
	tok += n;
	while (isspace((unsigned char)*tok))
		tok++;
	return tok;
}

static int parse_byte_math(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[16], *s = strdup(arg);
	struct byte_math *bm = nj_kw_alloc(rc, sizeof(*bm));
	const char *v, *result = NULL;
	bool have_bytes = false, have_off = false, have_op = false, have_rv = false;
	int n, id;

	if (!s || !bm) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	n = nj_bytes_split(s, tok, 16);
	if (n < 0) {
		nj_rule_error(rc, "too many options");
		goto fail;
	}
	for (int i = 0; i < n; i++) {
		if ((v = key_value(tok[i], "bytes"))) {
			if (nj_bval_parse(rc, v, &bm->br.nbytes) < 0)
				goto fail;
			have_bytes = true;
		} else if ((v = key_value(tok[i], "offset"))) {
			if (nj_bval_parse(rc, v, &bm->br.offset) < 0)
				goto fail;
			have_off = true;
		} else if ((v = key_value(tok[i], "oper"))) {
			size_t k;
			for (k = 0; k < sizeof(bm_ops) / sizeof(bm_ops[0]); k++)
				if (strcmp(v, bm_ops[k]) == 0)
					break;
			if (k == sizeof(bm_ops) / sizeof(bm_ops[0])) {
				nj_rule_error(rc, "invalid operator '%s'", v);
				goto fail;
			}
			bm->op = (uint8_t)k;
			have_op = true;
		} else if ((v = key_value(tok[i], "rvalue"))) {
			if (nj_bval_parse(rc, v, &bm->rvalue) < 0)
				goto fail;
			if (bm->rvalue.var < 0 && (bm->rvalue.v < 0 || bm->rvalue.v > UINT32_MAX)) {
				nj_rule_error(rc, "rvalue out of range");
				goto fail;
			}
			have_rv = true;
		} else if ((v = key_value(tok[i], "result"))) {
			result = v;
		} else if ((v = key_value(tok[i], "endian"))) {
			if (strcmp(v, "big") && strcmp(v, "little") && strcmp(v, "dce")) {
				nj_rule_error(rc, "invalid endian '%s'", v);
				goto fail;
			}
			if (nj_bread_flag(rc, &bm->br, v) < 0)
				goto fail;
		} else if ((v = key_value(tok[i], "string"))) {
			if (strcmp(v, "hex") && strcmp(v, "dec") && strcmp(v, "oct")) {
				nj_rule_error(rc, "invalid string base '%s'", v);
				goto fail;
			}
			bm->br.string = true;
			nj_bread_flag(rc, &bm->br, v);
		} else {
			int r = nj_bread_flag(rc, &bm->br, tok[i]);
			if (r < 0)
				goto fail;
			if (r == 0 || strcasecmp(tok[i], "string") == 0) {
				nj_rule_error(rc, "unknown option '%s'", tok[i]);
				goto fail;
			}
		}
	}
	if (!have_bytes || !have_off || !have_op || !have_rv || !result) {
		nj_rule_error(rc, "needs bytes, offset, oper, rvalue and result");
		goto fail;
	}
	if (bm->br.nbytes.var < 0 && (bm->br.nbytes.v < 1 || bm->br.nbytes.v > 10)) {
		nj_rule_error(rc, "bytes must be 1 to 10");
		goto fail;
	}
	if ((bm->op == BM_SHL || bm->op == BM_SHR) && bm->br.nbytes.var < 0 && bm->br.nbytes.v > 4) {
		nj_rule_error(rc, "bytes must be 1 to 4 with a shift");
		goto fail;
	}
	if (nj_bread_check(rc, &bm->br) < 0 || (id = nj_bytes_define_var(rc, result)) < 0)
		goto fail;
	bm->var = (int8_t)id;
	free(s);
	*data = bm;
	return 0;
fail:
	free(s);
	free(bm);
	return -1;
}

static int match_byte_math(struct nj_match *m, const void *data)
{
	const struct byte_math *bm = data;
	uint64_t v, rv = (uint64_t)nj_bval_get(m, &bm->rvalue);
	uint32_t end;

	if (bm->br.nbytes.var >= 0 && nj_bval_get(m, &bm->br.nbytes) > 10)
		return 0;
	if (!nj_bread_do(m, &bm->br, false, &v, &end))
		return 0;
	m->cursor = end;
	switch (bm->op) {
	case BM_ADD: v += rv; break;
	case BM_SUB: v -= rv; break;
	case BM_MUL: v *= rv; break;
	case BM_DIV:
		if (rv == 0)
			return 0;
		v /= rv;
		break;
	case BM_SHL: v = rv >= 64 ? 0 : v << rv; break;
	case BM_SHR: v = rv >= 64 ? 0 : v >> rv; break;
	}
	m->vars[bm->var] = nj_bytes_mask(v, bm->br.bitmask);
	return 1;
}

static void dump_byte_math(const void *data, char *buf, size_t len)
{
	const struct byte_math *bm = data;
	char nb[32], off[32], rv[32], fl[96];

	nj_bval_dump(&bm->br.nbytes, nb, sizeof(nb));
	nj_bval_dump(&bm->br.offset, off, sizeof(off));
	nj_bval_dump(&bm->rvalue, rv, sizeof(rv));
	nj_bread_dump(&bm->br, fl, sizeof(fl));
	snprintf(buf, len, "bytes %s,offset %s,oper %s,rvalue %s,result var%d%s", nb, off, bm_ops[bm->op], rv,
		 bm->var, fl);
}

const struct nj_keyword kw_byte_math = {
	.name = "byte_math",
	.flags = NJ_KW_PAYLOAD,
	.parse = parse_byte_math,
	.match = match_byte_math,
	.free = free,
	.dump = dump_byte_math,
};
