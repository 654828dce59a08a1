/* Simulated IPS verdicts (Suricata's --simulate-ips).
 *
 * nightjar reads traffic passively; with `ips: simulate` the actions of
 * drop and reject rules take effect as they would inline: the packet is
 * dropped (the stages between the dropping one and the outputs do not see
 * it), its flow drops every later packet, alerts say "blocked" and the
 * outputs log a drop record. Nothing is actually blocked on the wire.
 */
#ifndef NJ_CORE_VERDICT_H
#define NJ_CORE_VERDICT_H

#include <stdbool.h>

struct nj_config;
struct nj_packet;
struct nj_rule_info;

/* Why a packet was dropped (p->drop_reason); names as Suricata's
 * ips.drop_reason counters and drop.reason field. */
enum nj_drop_reason {
	NJ_DROP_NONE = 0,
	NJ_DROP_RULES,          /* a drop or reject rule matched it */
	NJ_DROP_FLOW,           /* its flow was dropped earlier */
};

/* Reads `ips` ("simulate" turns the mode on; "no", the default, leaves
 * nightjar an IDS) and registers the ips.* counters when on. Start-up
 * only; returns 0, or -EINVAL for an unknown value. */
int nj_verdict_init(const struct nj_config *cfg);
/* Sets the mode directly (tests). */
void nj_verdict_set_ips(bool on);
bool nj_verdict_ips(void);

/* Drops p: sets NJ_PKT_DROP, the reason and, for NJ_DROP_RULES, the
 * first rule that dropped it (borrowed from the rule set for the
 * dispatch), and marks p's flow dropped. Later calls for the same packet
 * keep the first reason and rule. */
void nj_packet_drop(struct nj_packet *p, enum nj_drop_reason reason, const struct nj_rule_info *rule);

/* Counts the packet's verdict (ips.accepted, ips.replaced for a packet
 * the stream engine rewrote, or ips.blocked) once it has been through
 * every stage; pseudo-packets have none. */
void nj_verdict_count(const struct nj_packet *p);

/* "rules", "flow drop": the drop record's reason. */
const char *nj_drop_reason_name(int reason);

#endif
