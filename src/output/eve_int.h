/* What the EVE record files share: the packet header every packet-borne
 * record starts with, the alert object, the thread's writer. Not for use
 * outside src/output/eve*.c. */
#ifndef NJ_OUTPUT_EVE_INT_H
#define NJ_OUTPUT_EVE_INT_H

#include <sys/time.h>

#include "core/json.h"
#include "output/eve.h"

struct nj_alert;
struct nj_flow;
struct nj_packet;

/* Opens a record and writes timestamp, flow_id, pcap_cnt, in_iface,
 * event_type, vlan, the 5-tuple and community_id of p. */
void nj_eve_packet_header(const struct nj_eve_opts *o, struct nj_json *j,
			  const struct nj_packet *p, const struct nj_flow *f,
			  const struct timeval *ts, const char *event_type);
/* The "alert" object of a. */
void nj_eve_put_alert(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_alert *a);

/* The calling thread's record buffer (owned by the thread, freed when it
 * exits); NULL when out of memory. */
struct nj_json *nj_eve_thread_json(void);
/* Writes j as one line when rc is 0; otherwise, or when the line cannot
 * be finished, counts output.errors. */
void nj_eve_emit(struct nj_eve *e, struct nj_json *j, int rc);

#endif
