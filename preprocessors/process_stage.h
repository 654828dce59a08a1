/* The process stage (order NJ_STAGE_PROCESS): system-call events update the
 * worker's process table (every event gets sc->proc set) and the socket map;
 * packets of a flow look the flow up in the socket map (correlation), on
 * its first packet and again, while it is unresolved or matched by less
 * than the connecting client's socket, for correlation.window seconds of
 * flow time (default 2), and once more when the flow ends (doc/correlation.md).
 *
 * Counters: correlation.flows_attributed, correlation.late_attributions
 * (found after a first lookup failed), correlation.reattributions (a better
 * match replaced the owner), correlation.flows_unresolved (flows that ended
 * unresolved while correlation was active).
 */
#ifndef NJ_PREPROC_PROCESS_STAGE_H
#define NJ_PREPROC_PROCESS_STAGE_H

struct nj_config;
struct nj_stage;
struct nj_worker;
struct nj_proctable;

/* Call before the workers start; cfg must outlive them. Returns 0, or
 * -ENOSPC when the flow-end hook cannot be registered. */
int nj_process_stage_config(const struct nj_config *cfg);
extern const struct nj_stage nj_process_stage;

/* The worker's process table, or NULL (borrowed, lives as long as the
 * worker). */
struct nj_proctable *nj_proctable_of(struct nj_worker *w);

#endif
