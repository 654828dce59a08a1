/* A flow: one bidirectional conversation keyed on the 5-tuple plus VLAN and
 * tunnel context. The record is a core type so that every stage can read it;
 * the table that owns flows is preprocessors/flow_table.c.
 *
 * Each worker thread owns one table partition (its ctx in the bus). A flow is
 * owned by its table; the pointer the table puts in p->flow is valid for the
 * dispatch of that packet. Other stages attach state of their own (`stream`,
 * `app`, `detect`) and free it from a flow-end hook (nj_flow_on_end), which
 * the table calls when the flow ends, before freeing it.
 */
#ifndef NJ_CORE_FLOW_H
#define NJ_CORE_FLOW_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/addr.h"
#include "core/varset.h"

struct nj_packet;
struct nj_worker;
struct nj_config;
struct nj_sock_link;

enum nj_flow_state {
	NJ_FLOW_NEW = 0,
	NJ_FLOW_ESTABLISHED,
	NJ_FLOW_CLOSED,
};

enum nj_flow_end_reason {
	NJ_FLOW_END_TIMEOUT = 0,
	NJ_FLOW_END_FORCED,     /* memcap / emergency eviction */
	NJ_FLOW_END_SHUTDOWN,   /* end of input or exit */
};

struct nj_flow {
	/* client = source of the first packet seen (or the SYN's sender) */
	struct nj_addr client, server;
	uint16_t cport, sport;
	uint8_t proto;
	uint16_t vlan[2];
	uint64_t flow_id;               /* stable, non-zero */
	struct timeval start, last;
	uint64_t pkts_ts, pkts_tc, bytes_ts, bytes_tc;
	uint8_t state;                  /* enum nj_flow_state */
	uint8_t end_reason;             /* enum nj_flow_end_reason */
	uint8_t app_proto;              /* enum nj_app_proto */
	uint8_t tcp_state;              /* enum nj_tcp_state, preprocessors/stream.h */
	bool alerted;
	bool has_frag;                  /* a reassembled fragment was part of it */
	bool drop;                      /* simulated IPS: a drop rule fired, later
					 * packets are dropped (core/verdict.h) */
	uint8_t drop_logged;            /* bit per enum nj_dir: a drop record of the
					 * flow was written in that direction */
	struct nj_varset bits;          /* flowbits (ids from the rule engine) */
	void *stream;                   /* TCP session: preprocessors/stream.c */
	void *app;                      /* app-layer state: preprocessors/app*.c */
	void *detect;                   /* rule-engine state: src/detect/ */
	/* The local process at one end (correlation): one reference, dropped
	 * when the flow is freed; NULL while unknown. */
	struct nj_proc_owner *owner;
	uint8_t owner_lookups;          /* attempts while unresolved or matched
					 * by less than its connect */
	uint8_t owner_match;            /* enum nj_sockmap_match: how owner matched */
	bool owner_from_syn;            /* its first lookup was on the SYN */
	uint32_t owner_gen;             /* socket-map generation of the last lookup */
	/* The link to its connected socket (core/socklink.h), one reference,
	 * dropped when the flow is freed; and how many of the flowbit changes
	 * made there it applied. */
	struct nj_sock_link *link;
	uint32_t link_applied;
	void *detect_vars;              /* flow variables: src/detect/capture.c */
};

/* How a flow's owner matched it in the socket map, weakest first
 * (preprocessors/sockmap.c); outputs wait for more than a listener. */
enum nj_sockmap_match {
	NJ_SM_NONE = 0,
	NJ_SM_LISTENER,         /* listens at (or bound, UDP) the server end, or
				 * bound the client end (UDP) */
	NJ_SM_ACCEPTED,         /* accepted the connection at the server end */
	NJ_SM_CONNECTED,        /* connected from the client end */
};

/* Hooks called for every flow that ends, in registration order, before its
 * memory is freed: outputs log it, stages free what they attached. Register
 * at start-up only. Returns 0 or -ENOSPC. */
typedef void (*nj_flow_end_fn)(struct nj_worker *w, struct nj_flow *f);
int nj_flow_on_end(nj_flow_end_fn fn);
/* Called by the flow table for a flow that ends. */
void nj_flow_ended(struct nj_worker *w, struct nj_flow *f);

#endif
