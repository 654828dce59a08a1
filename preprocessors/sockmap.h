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
struct nj_sock_link;

/* Configures the map (may be called again; cfg may be NULL). */
void nj_sockmap_config(const struct nj_config *cfg);

/* Learns from a system-call event with its process set (proctable). A
 * connect or accept gets a link to its connection's flow (sc->link,
 * core/socklink.h), borrowed from the map for the event's dispatch: call
 * this from one thread only, the one that handles system-call events. */
void nj_sockmap_update(struct nj_syscall *sc);

/* Changes whenever the map learns a socket (0 until the first): a lookup
 * that found nothing better stays so until it changes. Whether any socket
 * was seen at all is nj_correlation_active() (core/process.h). */
uint32_t nj_sockmap_generation(void);

/* How an owner matches a flow: enum nj_sockmap_match, core/flow.h. */

/* The owner of flow f matching it better than `better`: the process that
 * connected from its client end, else accepted at its server end, else
 * listens at its server end (or, UDP, bound its client end). A connected
 * or accepted socket counts only when its event time is within [from_us,
 * to_us] (microseconds): the flow's own connection, not an earlier or later
 * one on the same addresses and ports. The map keeps the previous socket of
 * each address pair for that. Returns a new reference and sets *match, or
 * returns NULL; *link gets a new reference to the connected or accepted
 * socket's link (NULL for a listener). */
struct nj_proc_owner *nj_sockmap_lookup(const struct nj_flow *f, int better, int64_t from_us,
					int64_t to_us, int *match, struct nj_sock_link **link);

#endif
