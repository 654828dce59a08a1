/* Named pcre captures (Suricata's `(?P<pkt_name>...)`, `(?P<flow_name>...)`):
 * packet variables, which live for one packet, and flow variables, which
 * live on the flow until it ends or a later capture replaces them.
 *
 * While a rule is verified its captures are pending; they take effect only
 * when the whole rule matched (a later option may fail, or backtracking
 * may retry the regex elsewhere: the last capture of a variable wins).
 */
#ifndef NJ_DETECT_CAPTURE_H
#define NJ_DETECT_CAPTURE_H

#include <stdbool.h>
#include <stdint.h>

struct nj_alert;
struct nj_detect_build;
struct nj_flow;
struct nj_match;
struct nj_worker;

enum nj_var_kind {
	NJ_VAR_PKT = 0,
	NJ_VAR_FLOW = 1,
};

/* Per-thread capture state; owned by the detect thread. */
struct nj_captures;
struct nj_captures *nj_captures_new(void);
void nj_captures_free(struct nj_captures *c);

/* A new packet: its packet variables start empty. */
void nj_captures_packet(struct nj_captures *c);
/* A new rule: pending captures are forgotten. */
void nj_captures_rule(struct nj_captures *c);
/* Keeps a capture of the rule being verified (value copied). */
void nj_captures_record(struct nj_captures *c, uint8_t kind, uint32_t id, const uint8_t *v,
			uint32_t len);
/* The rule matched: its pending captures become packet variables, or
 * flow variables of f (ignored without a flow). */
void nj_captures_commit(struct nj_captures *c, struct nj_flow *f);
/* Points a's pktvars and flowvars at the packet's and f's variables,
 * named from b. Valid until the next call on c or change to f's vars. */
void nj_captures_view(struct nj_captures *c, const struct nj_flow *f,
		      const struct nj_detect_build *b, struct nj_alert *a);

/* Flow-end: frees f's flow variables. */
void nj_flowvars_free(struct nj_flow *f);

#endif
