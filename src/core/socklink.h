/* The link between a connected socket and the flow of its connection.
 *
 * A system-call event on a socket (connect, accept) and the packets of its
 * connection may be handled on different threads: live, the sensor thread
 * sees the event and a packet worker owns the flow. The link is what the
 * two share. The socket map (preprocessors/sockmap.c) makes one for every
 * connected socket it learns; the packet worker that attributes a flow to
 * that socket publishes the flow's id in it and applies to the flow the
 * flowbit changes that system-call rules made on the event.
 *
 * Ownership: reference counted (atomic). References are held by the socket
 * map entry, by the flow that matched the socket (nj_flow.link), and by an
 * EVE alert waiting for the flow id; the event's own pointer (sc->link) is
 * borrowed for its dispatch. Its state is guarded by one lock for all links:
 * changes are rare (a rule fired), and readers test an atomic counter first.
 */
#ifndef NJ_CORE_SOCKLINK_H
#define NJ_CORE_SOCKLINK_H

#include <stdbool.h>
#include <stdint.h>

struct nj_sock_link;
struct nj_varset;

/* A new link with one reference, or NULL on ENOMEM. */
struct nj_sock_link *nj_sock_link_new(void);
struct nj_sock_link *nj_sock_link_ref(struct nj_sock_link *l);
void nj_sock_link_unref(struct nj_sock_link *l);

/* The flow's id once a packet worker matched it to the socket; 0 before. */
void nj_sock_link_set_flow(struct nj_sock_link *l, uint64_t flow_id);
uint64_t nj_sock_link_flow_id(const struct nj_sock_link *l);

/* Flowbits changed by system-call rules before the flow is at hand: the
 * link keeps the bits as those rules left them (has) and the changes in
 * order, at most NJ_SOCK_LINK_MAX_CHANGES (later ones are counted as lost
 * by the caller's return value: -ENOSPC). */
#define NJ_SOCK_LINK_MAX_CHANGES 32
#define NJ_SOCK_LINK_ALL UINT32_MAX     /* id: every bit (unset only) */
bool nj_sock_link_has(struct nj_sock_link *l, uint32_t id);
int nj_sock_link_change(struct nj_sock_link *l, uint32_t id, bool set);

/* Applies to s the changes made since *applied (the flow's cursor, 0 at
 * first) and moves the cursor. Cheap when there is nothing new. */
void nj_sock_link_apply(struct nj_sock_link *l, struct nj_varset *s, uint32_t *applied);

#endif
