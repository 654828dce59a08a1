/* threshold and detection_filter rule options: they fill the rule's gate
 * (threshold.h), evaluated once the rule has matched. One of them per
 * rule, as Suricata. */
#include <stdio.h>
#include <string.h>

#include "detect/keywords.h"
#include "detect/threshold.h"

static int parse_common(struct nj_rule_ctx *rc, const char *arg, bool df)
{
	struct nj_gate *g;
	struct nj_thr_spec spec;
	char err[160];

	if (rc->rule->gate && (rc->rule->gate->has_thr || rc->rule->gate->has_df))
		return nj_rule_error(rc, "only one threshold or detection_filter per rule");
	int r = nj_thr_spec_parse(arg, df, &spec, err, sizeof(err));
	if (r == -2)
		return nj_rule_unsupported(rc, err + strlen("unsupported: "));
	if (r < 0)
		return nj_rule_error(rc, "%s", err);
	if (!(g = nj_gate_get(rc->rule)))
		return nj_rule_error(rc, "out of memory");
	if (df) {
		g->df = spec;
		g->has_df = true;
	} else {
		g->thr = spec;
		g->has_thr = true;
	}
	return 0;
}

static int parse_threshold(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_common(rc, arg, false);
}

static int parse_detection_filter(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_common(rc, arg, true);
}

const struct nj_keyword kw_threshold = {
	.name = "threshold",
	.flags = NJ_KW_META,
	.parse = parse_threshold,
};

const struct nj_keyword kw_detection_filter = {
	.name = "detection_filter",
	.flags = NJ_KW_META,
	.parse = parse_detection_filter,
};
