/* Rule metadata keywords: msg sid rev gid classtype priority reference
 * metadata target. They fill the rule's info and match nothing. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "detect/engine.h"
#include "detect/kw_util.h"
#include "detect/keywords.h"

static int parse_msg(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	size_t n = strlen(arg) + 1;
	char *s = malloc(n);

	if (!s)
		return nj_rule_error(rc, "out of memory");
	if (nj_kw_unquote(arg, s, n) < 0) {
		free(s);
		return nj_rule_error(rc, "invalid value");
	}
	free(rc->rule->msg_owned);
	rc->rule->msg_owned = s;
	rc->rule->info.msg = s;
	return 0;
}

static int parse_u32(struct nj_rule_ctx *rc, const char *arg, uint32_t *out)
{
	int64_t v;

	if (nj_kw_parse_int(arg, &v) < 0 || v < 0 || v > UINT32_MAX)
		return nj_rule_error(rc, "invalid number '%s'", arg);
	*out = (uint32_t)v;
	return 0;
}

static int parse_sid(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (parse_u32(rc, arg, &rc->rule->info.sid) < 0)
		return -1;
	if (rc->rule->info.sid == 0)
		return nj_rule_error(rc, "sid 0 is not allowed");
	return 0;
}

static int parse_rev(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_u32(rc, arg, &rc->rule->info.rev);
}

static int parse_gid(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_u32(rc, arg, &rc->rule->info.gid);
}

/* An explicit priority wins over the classtype's, in either order. */
static int parse_priority(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	int64_t v;

	if (nj_kw_parse_int(arg, &v) < 0 || v < 1 || v > 255)
		return nj_rule_error(rc, "invalid priority '%s'", arg);
	rc->rule->info.priority = (int)v;
	rc->rule->flags |= NJ_RULE_HAS_PRIORITY;
	return 0;
}

static int parse_classtype(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	const struct nj_detect_build *b = rc->build;
	char name[128];

	if (nj_kw_unquote(arg, name, sizeof(name)) < 0)
		return nj_rule_error(rc, "invalid value");
	for (uint32_t i = 0; i < b->nclasses; i++) {
		if (strcasecmp(b->classes[i].name, name) == 0) {
			rc->rule->info.classtype = b->classes[i].name;
			rc->rule->info.class_desc = b->classes[i].desc;
			rc->rule->info.class_id = i + 1;
			if (!(rc->rule->flags & (NJ_RULE_HAS_PRIORITY)))
				rc->rule->info.priority = b->classes[i].priority;
			return 0;
		}
	}
	return nj_rule_error(rc, "unknown classtype '%s'", name);
}

static int parse_reference(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (!strchr(arg, ','))
		return nj_rule_error(rc, "expected 'system,id'");
	return 0;
}

static int add_meta(struct nj_rule *r, const char *k, size_t kn, const char *v, size_t vn)
{
	struct nj_meta_kv *nm = realloc(r->meta_owned, (r->info.nmetadata + 1) * sizeof(*nm));

	if (!nm)
		return -1;
	r->meta_owned = nm;
	r->info.metadata = nm;
	nm[r->info.nmetadata].key = strndup(k, kn);
	nm[r->info.nmetadata].value = strndup(v, vn);
	if (!nm[r->info.nmetadata].key || !nm[r->info.nmetadata].value) {
		free((char *)nm[r->info.nmetadata].key);
		free((char *)nm[r->info.nmetadata].value);
		return -1;
	}
	r->info.nmetadata++;
	return 0;
}

/* "key value, key value": the first word is the key, the rest the value. */
static int parse_metadata(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	const char *s = arg;

	while (*s) {
		const char *end = strchr(s, ',');
		const char *e = end ? end : s + strlen(s);
		while (s < e && isspace((unsigned char)*s))
			s++;
		const char *te = e;
		while (te > s && isspace((unsigned char)te[-1]))
			te--;
		if (te > s) {
			const char *sp = s;
			while (sp < te && !isspace((unsigned char)*sp))
				sp++;
			const char *v = sp;
			while (v < te && isspace((unsigned char)*v))
				v++;
			if (add_meta(rc->rule, s, (size_t)(sp - s), v, (size_t)(te - v)) < 0)
				return nj_rule_error(rc, "out of memory");
		}
		if (!end)
			break;
		s = end + 1;
	}
	return 0;
}

static int parse_target(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	if (strcmp(arg, "src_ip") == 0)
		rc->rule->info.target = "src_ip";
	else if (strcmp(arg, "dest_ip") == 0)
		rc->rule->info.target = "dest_ip";
	else
		return nj_rule_error(rc, "expected src_ip or dest_ip");
	return 0;
}

/* `prefilter` asks Suricata to use a keyword as its prefilter engine; here
 * every rule is prefiltered by its fast pattern or its addresses, so the
 * hint changes nothing and is accepted as such. */
static int parse_prefilter(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return 0;
}

const struct nj_keyword kw_prefilter = { .name = "prefilter", .flags = NJ_KW_META | NJ_KW_NOARG,
					 .parse = parse_prefilter };
const struct nj_keyword kw_msg = { .name = "msg", .flags = NJ_KW_META, .parse = parse_msg };
const struct nj_keyword kw_sid = { .name = "sid", .flags = NJ_KW_META, .parse = parse_sid };
const struct nj_keyword kw_rev = { .name = "rev", .flags = NJ_KW_META, .parse = parse_rev };
const struct nj_keyword kw_gid = { .name = "gid", .flags = NJ_KW_META, .parse = parse_gid };
const struct nj_keyword kw_classtype = { .name = "classtype", .flags = NJ_KW_META, .parse = parse_classtype };
const struct nj_keyword kw_priority = { .name = "priority", .flags = NJ_KW_META, .parse = parse_priority };
const struct nj_keyword kw_reference = { .name = "reference", .flags = NJ_KW_META, .parse = parse_reference };
const struct nj_keyword kw_metadata = { .name = "metadata", .flags = NJ_KW_META, .parse = parse_metadata };
const struct nj_keyword kw_target = { .name = "target", .flags = NJ_KW_META, .parse = parse_target };
