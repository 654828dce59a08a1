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
 * Snort 2.9's groups: `set,a,g` also makes a a member of group g;
 * `setx,a,g` sets a and clears the other members of g; `reset[,g]` clears
 * g's members (every bit without g); `unset|toggle,all,g` act on all of
 * g; `isset|isnotset,all|any,g` test all or any member of g. Membership is
 * fixed when the rules load.
 *
 * A packet without a flow neither sets nor checks bits: every check fails
 * there, isnotset included, as in Suricata. Ids are interned in the rule
 * set's build->flowbits table.
 *
 * System-call rules use the bits of the flow of a connect or accept event.
 * When the thread handling the event does not hold that flow (live: the
 * sensor thread), the bits live on the socket's link (core/socklink.h):
 * checks see what system-call rules set there, changes reach the flow when
 * its packet worker attributes it to the socket. Other events have no flow.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "core/varset.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

#define MAX_BITS 16

enum fb_op { FB_SET, FB_SETX, FB_UNSET, FB_TOGGLE, FB_RESET, FB_ISSET, FB_ISNOTSET };

static const char *const fb_ops[] = { "set", "setx", "unset", "toggle", "reset", "isset", "isnotset" };

struct flowbits {
	uint8_t op;
	bool any;                       /* a|b: one of them suffices */
	bool whole_group;               /* all / any of the group's members */
	int32_t group;                  /* group id, -1 for none */
	uint8_t n;
	uint32_t ids[MAX_BITS];
	const struct nj_detect_build *build;    /* names and group members */
};

/* The member set of group g, grown as rules name members. */
static struct nj_varset *group_members(struct nj_rule_ctx *rc, int g)
{
	struct nj_detect_build *b = rc->build;

	if ((uint32_t)g >= b->nfb_groups) {
		struct nj_varset *ng = realloc(b->fb_groups, (g + 1) * sizeof(*ng));
		if (!ng)
			return NULL;
		memset(ng + b->nfb_groups, 0, (g + 1 - b->nfb_groups) * sizeof(*ng));
		b->fb_groups = ng;
		b->nfb_groups = (uint32_t)g + 1;
	}
	return &b->fb_groups[g];
}

static const struct nj_varset *members(const struct flowbits *fb)
{
	return fb->group >= 0 && (uint32_t)fb->group < fb->build->nfb_groups ?
		       &fb->build->fb_groups[fb->group] : NULL;
}

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

static int parse_group(struct nj_rule_ctx *rc, struct flowbits *fb, const char *g)
{
	char name[128];

	while (isspace((unsigned char)*g))
		g++;
	snprintf(name, sizeof(name), "%s", g);
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	if (!name[0] || strpbrk(name, " \t,|&"))
		return nj_rule_error(rc, "invalid group name '%s'", name);
	fb->group = nj_names_id(&rc->build->fb_group_names, name);
	if (fb->group < 0 || !group_members(rc, fb->group))
		return nj_rule_error(rc, "out of memory");
	return 0;
}

static int parse_bits(struct nj_rule_ctx *rc, struct flowbits *fb, const char *names, size_t len)
{
	char list[512];

	if (len >= sizeof(list))
		return nj_rule_error(rc, "flowbit list too long");
	memcpy(list, names, len);
	list[len] = '\0';
	bool has_or = strchr(list, '|') != NULL, has_and = strchr(list, '&') != NULL;
	if (has_or && has_and)
		return nj_rule_error(rc, "cannot mix '|' and '&'");
	if (has_or && fb->op != FB_ISSET && fb->op != FB_ISNOTSET)
		return nj_rule_error(rc, "'|' only with isset and isnotset");
	fb->any = has_or;
	char sep = has_or ? '|' : '&';
	for (const char *p = list;;) {
		const char *e = strchr(p, sep);
		if (add_name(rc, fb, p, e ? (size_t)(e - p) : strlen(p)) < 0)
			return -1;
		if (!e)
			return 0;
		p = e + 1;
	}
}

/* "all" (every member) or, for the tests, "any" (some member). */
static bool group_word(const char *names, size_t len, const char *word)
{
	while (len && isspace((unsigned char)*names)) {
		names++;
		len--;
	}
	while (len && isspace((unsigned char)names[len - 1]))
		len--;
	return len == strlen(word) && strncmp(names, word, len) == 0;
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
	if (k == sizeof(fb_ops) / sizeof(fb_ops[0]))
		return nj_rule_error(rc, "invalid operation '%s'", op);
	if (!(fb = nj_kw_alloc(rc, sizeof(*fb))))
		return -1;
	fb->op = (uint8_t)k;
	fb->group = -1;
	fb->build = rc->build;
	if (k == FB_RESET) {
		if (comma && parse_group(rc, fb, comma + 1) < 0)
			goto fail;
		*data = fb;
		return 0;
	}
	if (!comma) {
		nj_rule_error(rc, "%s needs a name", op);
		goto fail;
	}
	const char *names = comma + 1, *gcomma = strchr(names, ',');
	size_t nlen = gcomma ? (size_t)(gcomma - names) : strlen(names);
	if (gcomma && parse_group(rc, fb, gcomma + 1) < 0)
		goto fail;
	if (k == FB_SETX && fb->group < 0) {
		nj_rule_error(rc, "setx needs a group");
		goto fail;
	}
	if (fb->group >= 0 && (group_word(names, nlen, "all") ||
			       ((k == FB_ISSET || k == FB_ISNOTSET) && group_word(names, nlen, "any")))) {
		if (k != FB_UNSET && k != FB_TOGGLE && k != FB_ISSET && k != FB_ISNOTSET) {
			nj_rule_error(rc, "'all' only with unset, toggle, isset and isnotset");
			goto fail;
		}
		fb->whole_group = true;
		fb->any = group_word(names, nlen, "any");
		*data = fb;
		return 0;
	}
	if (parse_bits(rc, fb, names, nlen) < 0)
		goto fail;
	if (fb->group >= 0) {
		struct nj_varset *g = group_members(rc, fb->group);
		for (uint8_t i = 0; i < fb->n; i++)
			if (!g || nj_varset_add(g, fb->ids[i]) < 0) {
				nj_rule_error(rc, "out of memory");
				goto fail;
			}
	}
	*data = fb;
	return 0;
fail:
	free(fb);
	return -1;
}

/* Where a match reads and writes bits: its flow's set, or the link of the
 * socket a system-call event acted on. */
struct bits {
	struct nj_varset *set;
	struct nj_sock_link *link;
};

static bool bits_of(const struct nj_match *m, struct bits *b)
{
	b->set = m->flow ? &m->flow->bits : NULL;
	b->link = !b->set && m->sc ? m->sc->link : NULL;
	return b->set || b->link;
}

static bool bit_has(const struct bits *b, uint32_t id)
{
	return b->set ? nj_varset_has(b->set, id) : nj_sock_link_has(b->link, id);
}

/* Failing to grow the set (ENOMEM) leaves the bit clear. */
static void bit_put(const struct bits *b, uint32_t id, bool on)
{
	if (b->link)
		nj_sock_link_change(b->link, id, on);
	else if (on)
		nj_varset_add(b->set, id);
	else
		nj_varset_del(b->set, id);
}

static int match_flowbits(struct nj_match *m, const void *data)
{
	const struct flowbits *fb = data;
	struct bits b;

	if (!fb || (fb->op != FB_ISSET && fb->op != FB_ISNOTSET))
		return 1;
	if (!bits_of(m, &b))
		return 0;
	bool want = fb->op == FB_ISSET;
	const struct nj_varset *g = fb->whole_group ? members(fb) : NULL;
	uint32_t n = g ? g->n : fb->n;
	const uint32_t *ids = g ? g->ids : fb->ids;
	for (uint32_t i = 0; i < n; i++) {
		bool ok = bit_has(&b, ids[i]) == want;
		if (ok && fb->any)
			return 1;
		if (!ok && !fb->any)
			return 0;
	}
	return !fb->any;
}

static void apply(const struct bits *b, uint8_t op, uint32_t id)
{
	switch (op) {
	case FB_SET:
	case FB_SETX:
		bit_put(b, id, true);
		break;
	case FB_UNSET:
	case FB_RESET:
		bit_put(b, id, false);
		break;
	case FB_TOGGLE:
		bit_put(b, id, !bit_has(b, id));
		break;
	}
}

static void post_flowbits(struct nj_match *m, const void *data)
{
	const struct flowbits *fb = data;
	const struct nj_varset *g;
	struct bits b;

	if (!fb || fb->op == FB_ISSET || fb->op == FB_ISNOTSET || !bits_of(m, &b))
		return;
	if (fb->op == FB_RESET && fb->group < 0) {
		if (b.link)
			nj_sock_link_change(b.link, NJ_SOCK_LINK_ALL, false);
		else
			nj_varset_clear(b.set);
		return;
	}
	g = members(fb);
	if (g && (fb->op == FB_SETX || fb->op == FB_RESET || fb->whole_group)) {
		/* the group's members are cleared (or toggled) first */
		for (uint32_t i = 0; i < g->n; i++)
			apply(&b, fb->op == FB_TOGGLE ? FB_TOGGLE : FB_UNSET, g->ids[i]);
	}
	if (fb->whole_group || fb->op == FB_RESET)
		return;
	for (uint8_t i = 0; i < fb->n; i++)
		apply(&b, fb->op, fb->ids[i]);
}

static void dump_flowbits(const void *data, char *buf, size_t len)
{
	const struct flowbits *fb = data;
	size_t off;

	if (!fb) {
		snprintf(buf, len, "noalert");
		return;
	}
	snprintf(buf, len, "%s", fb_ops[fb->op]);
	off = strlen(buf);
	if (fb->whole_group && off < len)
		off += (size_t)snprintf(buf + off, len - off, ",%s", fb->any ? "any" : "all");
	for (uint8_t i = 0; i < fb->n && off < len; i++) {
		snprintf(buf + off, len - off, "%s%s", i ? (fb->any ? "|" : "&") : ",",
			 fb->build->flowbits.names[fb->ids[i]]);
		off += strlen(buf + off);
	}
	if (fb->group >= 0 && off < len)
		snprintf(buf + off, len - off, ",%s", fb->build->fb_group_names.names[fb->group]);
}

static int state_use_flowbits(const void *data)
{
	const struct flowbits *fb = data;

	return fb->op <= FB_RESET ? NJ_STATE_WRITES : NJ_STATE_READS;
}

const struct nj_keyword kw_flowbits = {
	.name = "flowbits",
	.flags = NJ_KW_POST | NJ_KW_HOST,
	.parse = parse_flowbits,
	.match = match_flowbits,
	.post = post_flowbits,
	.free = free,
	.dump = dump_flowbits,
	.state_use = state_use_flowbits,
};
