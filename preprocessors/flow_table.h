/* The flow table stage: one hash table of flows per worker thread.
 *
 * Keys are the bidirectional 5-tuple plus VLAN ids and the outer tunnel
 * addresses. The table sets p->flow, p->dir and NJ_PKT_FLOW_ESTABLISHED,
 * keeps per-direction counters, ends flows on timeout (packet time offline,
 * wall time live), under memory pressure (memcap, emergency mode) and at
 * drain, and calls the flow-end hooks (core/flow.h) for each ended flow.
 *
 * Config keys (all optional):
 *   flow.memcap (size, default 32mb, per worker), flow.hash-size (65536),
 *   flow.emergency-recovery (percent, 30),
 *   flow-timeouts.<default|tcp|udp|icmp>.<new|established|closed|
 *     emergency-new|emergency-established|emergency-closed> (seconds).
 * Counters: flow.memuse, flow.active, flow.total, flow.timeouts,
 *   flow.evictions, flow.emerg_mode_entered, flow.emerg_mode_over,
 *   flow.memcap_drop, flow.shutdown.
 */
#ifndef NJ_PREPROCESSORS_FLOW_TABLE_H
#define NJ_PREPROCESSORS_FLOW_TABLE_H

#include <stddef.h>

#include "core/flow.h"

struct nj_config;
struct nj_packet;
struct nj_worker;

/* Reads the config and registers the stage (NJ_STAGE_FLOW) and its counters
 * with the bus. Call once at start-up, before nj_worker_init(); cfg may be
 * NULL (defaults) and is not kept. Returns 0 or -errno. */
int nj_flow_stage_register(const struct nj_config *cfg);

/* Hooks run for an ending flow before the core flow-end hooks
 * (nj_flow_ended), while every stage's state is still attached: the stream
 * engine uses it to flush undelivered data through detection. Registering
 * the same function twice is a no-op. Start-up only; 0 or -ENOSPC. */
int nj_flow_before_end(nj_flow_end_fn fn);

/* Reverses flow f (preprocessors/flow_reverse.c): client and server, their
 * ports, the per-direction counters and the rest of what the record keeps
 * per direction are swapped, p->dir too when p is a packet of f (p may be
 * NULL), then the reverse hooks run so that each stage swaps the state it
 * attached. The key and flow_id stay. For protocol detection, on a session
 * picked up midstream whose direction was guessed wrong. */
void nj_flow_reverse(struct nj_flow *f, struct nj_packet *p);

/* Hooks run by nj_flow_reverse, after the record was swapped: a stage swaps
 * its own per-direction state of f and fixes what it attached to p.
 * Registering the same function twice is a no-op. Start-up only; 0 or
 * -ENOSPC. */
typedef void (*nj_flow_reverse_fn)(struct nj_flow *f, struct nj_packet *p);
int nj_flow_on_reverse(nj_flow_reverse_fn fn);

/* The flow of this worker between x:xp and y:yp (either way round; no
 * VLAN, no tunnel), or NULL. Addresses as flows hold them (IPv4 as IPv4).
 * The pointer is valid until the worker handles its next event. */
struct nj_flow *nj_flow_table_find(struct nj_worker *w, uint8_t proto, const struct nj_addr *x,
				   uint16_t xp, const struct nj_addr *y, uint16_t yp);

/* Size of one flow record as accounted against flow.memcap. */
size_t nj_flow_record_size(void);

#endif
