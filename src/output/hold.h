/* Alert records that wait before they are written (correlation).
 *
 * While correlation is active (a sensor or a syscall trace feeds the socket
 * map), an alert may be worth writing a little later:
 *  - a packet alert of a flow whose local process is not known yet (or
 *    known only as the listener, which the connecting local client may
 *    replace) waits for it, and is finished with the process;
 *  - a system-call alert on a connect or accept whose flow another thread
 *    holds (live: the sensor thread and a packet worker) waits for that
 *    worker to match the flow to the socket, and is finished with the
 *    flow's id.
 * Each output renders the record at once and keeps it here, per worker
 * thread, for up to correlation.alert-delay seconds of event time (default
 * 0.3). What it waited for is added when it is written; if it never came,
 * the record is written as it was. A flow that ends writes its waiting
 * records first, so records never outlive their flow. EVE and unified2
 * wait; fast.log carries neither the process of a packet alert nor a flow
 * id and is written at once. Counter: correlation.alerts_delayed.
 */
#ifndef NJ_OUTPUT_HOLD_H
#define NJ_OUTPUT_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct nj_alert;
struct nj_config;
struct nj_flow;
struct nj_proc_owner;
struct nj_sock_link;

enum nj_hold_kind { NJ_HOLD_EVE, NJ_HOLD_UNIFIED2 };

/* A kept record, as the output that finishes it sees it. */
struct nj_held {
	uint8_t *rec;                   /* the record as rendered (the hold's) */
	size_t len;
	uint8_t kind;                   /* enum nj_hold_kind */
	uint32_t tag[2];                /* the output's own (unified2: event id, second) */
	const struct nj_flow *flow;     /* packet alerts: valid until its end released it */
	struct nj_sock_link *link;      /* system-call alerts: one reference */
};

void nj_hold_config(const struct nj_config *cfg);

/* Whether alert a must wait: ask before rendering its record, so that what
 * it waits for, if it comes meanwhile, is added when it is released. */
bool nj_hold_needed(const struct nj_alert *a);

/* Keeps a's record rec (copied), for an alert that must wait; returns true
 * when kept (the caller writes nothing), false on ENOMEM. */
bool nj_hold_keep(const struct nj_alert *a, const void *rec, size_t len, enum nj_hold_kind kind,
		  uint32_t tag0, uint32_t tag1);

/* Hands finish this thread's kept records that may go: those that got what
 * they waited for, those due at now_us (event time, microseconds), those
 * of flow `ending` (may be NULL), or all when now_us is INT64_MAX; in the
 * order they were kept. */
typedef void (*nj_hold_finish_fn)(const struct nj_held *h, void *arg);
void nj_hold_release(int64_t now_us, const struct nj_flow *ending, nj_hold_finish_fn finish,
		     void *arg);

/* What a record that goes now adds: the flow's process (NULL while
 * unknown), the socket's flow id (0 while unknown). */
const struct nj_proc_owner *nj_held_owner(const struct nj_held *h);
uint64_t nj_held_flow_id(const struct nj_held *h);

#endif
