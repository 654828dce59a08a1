/* Simulated IPS verdicts: the mode, the drop mark on packets and flows,
 * and the ips.* counters. */
#include <errno.h>
#include <string.h>

#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/log.h"
#include "core/packet.h"
#include "core/verdict.h"

static bool ips_mode;
static int c_accepted = -1, c_blocked = -1, c_replaced = -1, c_rules = -1, c_flow = -1;

static void register_counters(void)
{
	if (c_accepted >= 0)
		return;
	c_accepted = nj_counter_register("ips.accepted");
	c_blocked = nj_counter_register("ips.blocked");
	c_replaced = nj_counter_register("ips.replaced");
	c_rules = nj_counter_register("ips.drop_reason.rules");
	c_flow = nj_counter_register("ips.drop_reason.flow_drop");
}

void nj_verdict_set_ips(bool on)
{
	ips_mode = on;
	if (on)
		register_counters();
}

bool nj_verdict_ips(void)
{
	return ips_mode;
}

int nj_verdict_init(const struct nj_config *cfg)
{
	const char *v = nj_config_get_str(cfg, "ips", "no");

	if (!strcmp(v, "simulate")) {
		nj_verdict_set_ips(true);
		return 0;
	}
	if (strcmp(v, "no") && strcmp(v, "false") && strcmp(v, "off")) {
		nj_err("ips: '%s' is not 'simulate' or 'no'", v);
		return -EINVAL;
	}
	nj_verdict_set_ips(false);
	return 0;
}

void nj_packet_drop(struct nj_packet *p, enum nj_drop_reason reason, const struct nj_rule_info *rule)
{
	if (p->flow)
		p->flow->drop = true;
	if (p->flags & NJ_PKT_DROP)
		return;
	p->flags |= NJ_PKT_DROP;
	p->drop_reason = (uint8_t)reason;
	p->drop_rule = rule;
}

void nj_verdict_count(const struct nj_packet *p)
{
	if (!ips_mode || (p->flags & NJ_PKT_PSEUDO))
		return;
	if (!(p->flags & NJ_PKT_DROP)) {
		nj_counter_add(p->flags & NJ_PKT_STREAM_MODIFIED ? c_replaced : c_accepted, 1);
		return;
	}
	nj_counter_add(c_blocked, 1);
	nj_counter_add(p->drop_reason == NJ_DROP_FLOW ? c_flow : c_rules, 1);
}

const char *nj_drop_reason_name(int reason)
{
	return reason == NJ_DROP_FLOW ? "flow drop" : "rules";
}
