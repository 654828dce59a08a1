/* Alerts that wait for their flow's process, or for their socket's flow.
 *
 * A packet alert of a flow whose local process is not known yet (or known
 * only as the listener, which the connecting local client may replace), while
 * correlation is active (a sensor or a syscall trace feeds the socket map),
 * is rendered at once and kept, per worker thread, for up to
 * correlation.alert-delay seconds of event time (default 0.3): when the
 * flow gets its process in the meantime, the record is written with the
 * `process` object, otherwise without. A flow that ends writes its waiting
 * alerts first, so records never outlive their flow. Likewise a system-call
 * alert on a connect or accept whose flow is held by another thread (live:
 * the sensor thread and a packet worker) waits for that worker to match the
 * flow to the socket, and is written with the flow's `flow_id` when it
 * did. Only EVE waits:
 * fast.log and unified2 are written at once (without the process).
 * Counter: correlation.alerts_delayed.
 */
#ifndef NJ_OUTPUT_EVE_HOLD_H
#define NJ_OUTPUT_EVE_HOLD_H

#include <stdbool.h>
#include <stdint.h>

struct nj_config;
struct nj_eve;
struct nj_json;
struct nj_alert;
struct nj_flow;

void nj_eve_hold_config(const struct nj_config *cfg);

/* Keeps the alert a (rendered in j, without its newline) when it must
 * wait; returns true when kept (the caller writes nothing). */
bool nj_eve_hold(const struct nj_alert *a, const struct nj_json *j);

/* Writes this thread's waiting alerts that may go: those whose flow got
 * its process, those due at now_us (event time, microseconds), those of
 * flow `ending` (may be NULL), or all when now_us is INT64_MAX. */
void nj_eve_release(struct nj_eve *e, int64_t now_us, const struct nj_flow *ending);

#endif
