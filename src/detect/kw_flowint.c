/* flowint (Suricata): named integer counters on the flow.
 *
 *   flowint:name,=,N|var   set        } after the rule matched
 *   flowint:name,+,N|var   add        } (a missing counter starts at 0)
 *   flowint:name,-,N|var   subtract   } (not below 0)
 *   flowint:name,==|!=|<|>|<=|>=,N|var   compare (a missing counter fails)
 *   flowint:name,isset / notset / isnotset
 *
 * Counters live in the flow's rule-engine state (flow->detect), freed when
 * the flow ends (nj_detect_flow_free, a flow-end hook). Ids are interned in
 * build->flowint_names; a packet without a flow fails every check.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "detect/capture.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

struct flow_ints {
	uint32_t n, cap;
	uint32_t *ids;
	uint32_t *vals;
};

enum { FI_SET, FI_ADD, FI_SUB, FI_EQ, FI_NE, FI_LT, FI_GT, FI_LE, FI_GE, FI_ISSET, FI_NOTSET,
       FI_ISNOTSET };

static const char *const fi_ops[] = { "=", "+", "-", "==", "!=", "<", ">", "<=", ">=", "isset", "notset",
				      "isnotset" };

struct flowint {
	uint8_t op;
	uint32_t id;
	bool target_var;
	uint32_t target;                /* value, or the id of a counter */
	const struct nj_names *names;
};

void nj_detect_flow_free(struct nj_worker *w, struct nj_flow *f)
{
	struct flow_ints *fi = f->detect;

	nj_flowvars_free(f);
	if (!fi)
		return;
	free(fi->ids);
	free(fi->vals);
	free(fi);
	f->detect = NULL;
}

static uint32_t *lookup(const struct nj_flow *f, uint32_t id)
{
	const struct flow_ints *fi = f->detect;

	for (uint32_t i = 0; fi && i < fi->n; i++)
		if (fi->ids[i] == id)
			return &fi->vals[i];
	return NULL;
}

/* Sets counter id; a failed allocation leaves it unset. */
static void store(struct nj_flow *f, uint32_t id, uint32_t v)
{
	uint32_t *slot = lookup(f, id);
	struct flow_ints *fi = f->detect;

	if (slot) {
		*slot = v;
		return;
	}
	if (!fi && !(fi = f->detect = calloc(1, sizeof(*fi))))
		return;
	if (fi->n == fi->cap) {
		uint32_t cap = fi->cap ? fi->cap * 2 : 4;
		uint32_t *ni = realloc(fi->ids, cap * sizeof(*ni));
		if (!ni)
			return;
		fi->ids = ni;
		uint32_t *nv = realloc(fi->vals, cap * sizeof(*nv));
		if (!nv)
			return;
		fi->vals = nv;
		fi->cap = cap;
	}
	fi->ids[fi->n] = id;
	fi->vals[fi->n++] = v;
}

static int parse_flowint(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[4], *s = strdup(arg);
	struct flowint *x = nj_kw_alloc(rc, sizeof(*x));
	struct nj_names *names = &rc->build->flowint_names;
	int n, id;
	size_t k;

	if (!s || !x) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	n = nj_bytes_split(s, tok, 4);
	if (n < 2 || n > 3) {
		nj_rule_error(rc, "expected name, operation and a value");
		goto fail;
	}
	for (k = 0; k < sizeof(fi_ops) / sizeof(fi_ops[0]) && strcmp(tok[1], fi_ops[k]) != 0; k++)
		;
	if (k == sizeof(fi_ops) / sizeof(fi_ops[0])) {
		nj_rule_error(rc, "invalid operation '%s'", tok[1]);
		goto fail;
	}
	x->op = (uint8_t)k;
	if ((x->op >= FI_ISSET) != (n == 2)) {
		nj_rule_error(rc, "%s", n == 2 ? "needs a value" : "takes no value");
		goto fail;
	}
	if (!tok[0][0] || strpbrk(tok[0], " \t")) {
		nj_rule_error(rc, "invalid name '%s'", tok[0]);
		goto fail;
	}
	if ((id = nj_names_id(names, tok[0])) < 0) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	x->id = (uint32_t)id;
	if (n == 3) {
		int64_t v;
		if (nj_kw_parse_int(tok[2], &v) == 0) {
			if (v < 0 || v > UINT32_MAX) {
				nj_rule_error(rc, "value out of range");
				goto fail;
			}
			x->target = (uint32_t)v;
		} else if (isalpha((unsigned char)tok[2][0]) && !strpbrk(tok[2], " \t")) {
			if ((id = nj_names_id(names, tok[2])) < 0) {
				nj_rule_error(rc, "out of memory");
				goto fail;
			}
			x->target_var = true;
			x->target = (uint32_t)id;
		} else {
			nj_rule_error(rc, "invalid value '%s'", tok[2]);
			goto fail;
		}
	}
	x->names = names;
	free(s);
	*data = x;
	return 0;
fail:
	free(s);
	free(x);
	return -1;
}

/* The operand; false when it is a counter the flow does not have. */
static bool target(const struct flowint *x, const struct nj_flow *f, uint32_t *v)
{
	if (!x->target_var) {
		*v = x->target;
		return true;
	}
	const uint32_t *t = lookup(f, x->target);
	if (t)
		*v = *t;
	return t != NULL;
}

static int match_flowint(struct nj_match *m, const void *data)
{
	const struct flowint *x = data;
	uint32_t want;

	if (x->op <= FI_SUB)
		return 1;
	if (!m->flow)
		return 0;
	const uint32_t *v = lookup(m->flow, x->id);
	switch (x->op) {
	case FI_ISSET: return v != NULL;
	case FI_NOTSET: case FI_ISNOTSET: return v == NULL;
	default: break;
	}
	if (!v || !target(x, m->flow, &want))
		return 0;
	switch (x->op) {
	case FI_EQ: return *v == want;
	case FI_NE: return *v != want;
	case FI_LT: return *v < want;
	case FI_GT: return *v > want;
	case FI_LE: return *v <= want;
	default: return *v >= want;
	}
}

static void post_flowint(struct nj_match *m, const void *data)
{
	const struct flowint *x = data;
	uint32_t t;

	if (x->op > FI_SUB || !m->flow || !target(x, m->flow, &t))
		return;
	const uint32_t *v = lookup(m->flow, x->id);
	uint32_t cur = v ? *v : 0;
	if (x->op == FI_SET)
		store(m->flow, x->id, t);
	else if (x->op == FI_ADD)
		store(m->flow, x->id, cur > UINT32_MAX - t ? UINT32_MAX : cur + t);
	else
		store(m->flow, x->id, cur < t ? 0 : cur - t);
}

static void dump_flowint(const void *data, char *buf, size_t len)
{
	const struct flowint *x = data;

	if (x->op >= FI_ISSET)
		snprintf(buf, len, "%s,%s", x->names->names[x->id], fi_ops[x->op]);
	else if (x->target_var)
		snprintf(buf, len, "%s,%s,%s", x->names->names[x->id], fi_ops[x->op], x->names->names[x->target]);
	else
		snprintf(buf, len, "%s,%s,%u", x->names->names[x->id], fi_ops[x->op], x->target);
}

static int state_use_flowint(const void *data)
{
	return ((const struct flowint *)data)->op <= FI_SUB ? NJ_STATE_WRITES : NJ_STATE_READS;
}

const struct nj_keyword kw_flowint = {
	.name = "flowint",
	.flags = NJ_KW_POST,
	.parse = parse_flowint,
	.match = match_flowint,
	.post = post_flowint,
	.free = free,
	.dump = dump_flowint,
	.state_use = state_use_flowint,
};
