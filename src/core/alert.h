/* An alert as the outputs receive it.
 *
 * The rule engine fills one per fired rule and hands it to the outputs on the
 * same thread. Everything it points to is borrowed: the rule metadata lives
 * as long as the loaded rule set, the packet/syscall for the dispatch.
 */
#ifndef NJ_CORE_ALERT_H
#define NJ_CORE_ALERT_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

struct nj_packet;
struct nj_syscall;
struct nj_flow;
struct nj_app_tx;

enum nj_action {
	NJ_ACTION_ALERT = 1,
	NJ_ACTION_PASS,
	NJ_ACTION_DROP,
	NJ_ACTION_REJECT,
	NJ_ACTION_LOG,
};

struct nj_meta_kv {
	const char *key;
	const char *value;
};

/* What outputs need to know of a rule; owned by the rule set. */
struct nj_rule_info {
	uint32_t gid, sid, rev;
	uint8_t action;                 /* enum nj_action */
	const char *msg;                /* may be "" */
	const char *classtype;          /* short name or NULL */
	const char *class_desc;         /* classification description or NULL */
	uint32_t class_id;              /* 1-based line of classification.config, 0 if none */
	int priority;                   /* resolved severity, 3 when unknown */
	const struct nj_meta_kv *metadata;
	uint32_t nmetadata;
	const char *text;               /* the rule as written, one line */
	const char *target;             /* "src_ip", "dest_ip" or NULL */
};

/* A packet or flow variable (named pcre capture) as alerts show it. */
struct nj_alert_var {
	const char *name;               /* without its pkt_/flow_ prefix */
	const uint8_t *value;
	uint32_t len;
};

struct nj_alert {
	const struct nj_rule_info *rule;
	struct timeval ts;
	const struct nj_packet *p;      /* NULL for syscall alerts */
	const struct nj_syscall *sc;    /* NULL for packet alerts */
	const struct nj_flow *flow;     /* may be NULL */
	const struct nj_app_tx *tx;     /* app-layer context, may be NULL */
	bool blocked;                   /* action "blocked" (inline drop) */
	bool stream;                    /* matched on reassembled stream data */
	/* The bytes the rule matched on (stream chunk or packet payload). */
	const uint8_t *payload;
	uint32_t payload_len;
	/* Source of the pseudo-packet that carried the match, for pkt_src:
	 * "wire/pcap", "stream (flow timeout)", "defrag"... */
	const char *pkt_src;
	/* the packet's and the flow's variables, may be NULL */
	const struct nj_alert_var *pktvars, *flowvars;
	uint32_t npktvars, nflowvars;
};

/* The alert's flow: its own, else its packet's; NULL for none. Needs
 * core/packet.h where it is used. */
#define nj_alert_flow(a) ((a)->flow ? (a)->flow : (a)->p ? (a)->p->flow : NULL)

struct nj_worker;

/* Outputs register a sink at start-up; the rule engine emits each alert to
 * every sink, on the worker's thread. The alert is borrowed for the call. */
typedef void (*nj_alert_sink_fn)(struct nj_worker *w, const struct nj_alert *a, void *arg);
int nj_alert_sink_register(nj_alert_sink_fn fn, void *arg);
void nj_alert_sinks_reset(void);
void nj_alert_emit(struct nj_worker *w, const struct nj_alert *a);

#endif
