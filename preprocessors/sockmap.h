/* The socket map: which local process holds which socket, learnt from the
 * sensor's connect, accept, bind and listen events, so that a flow can name
 * the process at its local end (correlation).
 *
 * One map for the program, shared by the system-call consumer that fills it
 * and the packet workers that look flows up, under a mutex. Entries hold a
 * reference to an immutable process snapshot (core/process.h); a flow that
 * finds one takes its own reference. Bounded: at most correlation.max-sockets
 * entries (default 262144); when full, the oldest entries go first (counter
 * correlation.sockets_evicted). Connected sockets expire
 * correlation.socket-timeout seconds (default 3600) after they were seen;
 * listeners stay until replaced or evicted.
 */
#ifndef NJ_PREPROC_SOCKMAP_H
#define NJ_PREPROC_SOCKMAP_H

#include <stdbool.h>
#include <stdint.h>

struct nj_config;
struct nj_flow;
struct nj_syscall;
struct nj_proc_owner;

/* Configures the map (may be called again; cfg may be NULL). */
void nj_sockmap_config(const struct nj_config *cfg);
/* Empties the map. */
void nj_sockmap_clear(void);

/* Learns from a system-call event with its process set (proctable). */
void nj_sockmap_update(const struct nj_syscall *sc);

/* Whether any socket event was seen: correlation is active. */
bool nj_sockmap_active(void);

/* The owner of flow f: the process that connected from its client end, or
 * accepted / listens at its server end, or bound its client end (UDP).
 * Returns a new reference or NULL. */
struct nj_proc_owner *nj_sockmap_lookup(const struct nj_flow *f);

/* Entries in the map. */
uint32_t nj_sockmap_count(void);

#endif
