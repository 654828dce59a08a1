/* flowbits: named bits stored on the flow (struct nj_flow.bits), as
 * Suricata and Snort define them.
 *
 *   flowbits:set,a[&b...]     set after the rule matched (post-match)
 *   flowbits:unset,a[&b...]   clear after the rule matched
 *   flowbits:toggle,a[&b...]  flip after the rule matched
 *   flowbits:isset,a          a is set; a|b any is set; a&b all are set
 *   flowbits:isnotset,a       a is not set; a|b any is not set; a&b none set
 *   flowbits:noalert          the rule never alerts (NJ_RULE_NOALERT)
 *
 * A packet without a flow neither sets nor checks bits: every check fails
 * there, isnotset included, as in Suricata. Ids are interned in the rule
 * set's build->flowbits table.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/varset.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

#define MAX_BITS 16

enum fb_op { FB_SET, FB_UNSET, FB_TOGGLE, FB_ISSET, FB_ISNOTSET };

static const char *const fb_ops[] = { "set", "unset", "toggle", "isset", "isnotset" };

struct flowbits {
	uint8_t op;
	bool any;                       /* a|b: one of them suffices */
	uint8_t n;
	uint32_t ids[MAX_BITS];
	const struct nj_names *names;   /* for the dump */
};

static int add_name(struct nj_rule_ctx *rc, struct flowbits *fb, const char *s, size_t len)
{
	char name[256];

	while (len && isspace((unsigned char)*s)) {
		s++;
		len--;
	}
	while (len && isspace((unsigned char)s[len - 1]))
		len--;
	if (!len || len >= sizeof(name))
		return nj_rule_error(rc, "invalid flowbit name");
	memcpy(name, s, len);
	name[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (isspace((unsigned char)name[i]) || name[i] == ',')
			return nj_rule_error(rc, "invalid flowbit name '%s'", name);
	if (fb->n == MAX_BITS)
		return nj_rule_error(rc, "more than %d flowbits in one option", MAX_BITS);
	int id = nj_names_id(&rc->build->flowbits, name);
	if (id < 0)
		return nj_rule_error(rc, "out of memory");
	fb->ids[fb->n++] = (uint32_t)id;
	return 0;
}

static int parse_flowbits(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char op[16];
	const char *comma = strchr(arg, ',');
	size_t oplen = comma ? (size_t)(comma - arg) : strlen(arg);
	struct flowbits *fb;

	while (oplen && isspace((unsigned char)arg[oplen - 1]))
		oplen--;
	if (oplen >= sizeof(op))
		return nj_rule_error(rc, "invalid operation");
	memcpy(op, arg, oplen);
	op[oplen] = '\0';
	if (strcmp(op, "noalert") == 0) {
		if (comma)
			return nj_rule_error(rc, "noalert takes no name");
		rc->rule->flags |= NJ_RULE_NOALERT;
		return 0;
	}
	size_t k;
	for (k = 0; k < sizeof(fb_ops) / sizeof(fb_ops[0]); k++)
		if (strcmp(op, fb_ops[k]) == 0)
			break;
	if (k == sizeof(fb_ops) / sizeof(fb_ops[0])) {
		char what[64];
		if (strcmp(op, "setx") == 0 || strcmp(op, "reset") == 0) {
			snprintf(what, sizeof(what), "flowbits %s", op);
			return nj_rule_unsupported(rc, what);
		}
		return nj_rule_error(rc, "invalid operation '%s'", op);
	}
	if (!comma)
		return nj_rule_error(rc, "%s needs a name", op);
	const char *names = comma + 1;
	if (strchr(names, ','))
		return nj_rule_unsupported(rc, "flowbits group");
	bool has_or = strchr(names, '|') != NULL, has_and = strchr(names, '&') != NULL;
	if (has_or && has_and)
		return nj_rule_error(rc, "cannot mix '|' and '&'");
	if (has_or && k != FB_ISSET && k != FB_ISNOTSET)
		return nj_rule_error(rc, "'|' only with isset and isnotset");
	if (!(fb = nj_kw_alloc(rc, sizeof(*fb))))
		return -1;
	fb->op = (uint8_t)k;
	fb->any = has_or;
	fb->names = &rc->build->flowbits;
	char sep = has_or ? '|' : '&';
	for (const char *s = names;;) {
		const char *e = strchr(s, sep);
		if (add_name(rc, fb, s, e ? (size_t)(e - s) : strlen(s)) < 0) {
			free(fb);
			return -1;
		}
		if (!e)
			break;
		s = e + 1;
	}
	*data = fb;
	return 0;
}

static int match_flowbits(struct nj_match *m, const void *data)
{
	const struct flowbits *fb = data;

	if (!fb || (fb->op != FB_ISSET && fb->op != FB_ISNOTSET))
		return 1;
	if (!m->flow)
		return 0;
	bool want = fb->op == FB_ISSET;
	for (uint8_t i = 0; i < fb->n; i++) {
		bool ok = nj_varset_has(&m->flow->bits, fb->ids[i]) == want;
		if (ok && fb->any)
			return 1;
		if (!ok && !fb->any)
			return 0;
	}
	return !fb->any;
}

/* Failing to grow the set (ENOMEM) leaves the bit clear. */
static void post_flowbits(struct nj_match *m, const void *data)
{
	const struct flowbits *fb = data;

	if (!fb || !m->flow)
		return;
	for (uint8_t i = 0; i < fb->n; i++) {
		struct nj_varset *s = &m->flow->bits;
		switch (fb->op) {
		case FB_SET:
			nj_varset_add(s, fb->ids[i]);
			break;
		case FB_UNSET:
			nj_varset_del(s, fb->ids[i]);
			break;
		case FB_TOGGLE:
			if (nj_varset_has(s, fb->ids[i]))
				nj_varset_del(s, fb->ids[i]);
			else
				nj_varset_add(s, fb->ids[i]);
			break;
		default:
			break;
		}
	}
}

static void dump_flowbits(const void *data, char *buf, size_t len)
{
	const struct flowbits *fb = data;
	size_t off;

	if (!fb) {
		snprintf(buf, len, "noalert");
		return;
	}
	snprintf(buf, len, "%s,", fb_ops[fb->op]);
	off = strlen(buf);
	for (uint8_t i = 0; i < fb->n && off < len; i++) {
		snprintf(buf + off, len - off, "%s%s", i ? (fb->any ? "|" : "&") : "",
			 fb->names->names[fb->ids[i]]);
		off += strlen(buf + off);
	}
}

static int state_use_flowbits(const void *data)
{
	const struct flowbits *fb = data;

	return fb->op <= FB_TOGGLE ? NJ_STATE_WRITES : NJ_STATE_READS;
}

const struct nj_keyword kw_flowbits = {
	.name = "flowbits",
	.flags = NJ_KW_POST,
	.parse = parse_flowbits,
	.match = match_flowbits,
	.post = post_flowbits,
	.free = free,
	.dump = dump_flowbits,
	.state_use = state_use_flowbits,
};
