/* The eBPF system-call sensor: tracepoints in, struct nj_syscall out.
 *
 * Life cycle: nj_sensor_open() reads the configuration; nj_sensor_start()
 * loads the BPF programs (CO-RE), writes the in-kernel syscall filter for
 * the given set plus the state set (process lifecycle and sockets) and
 * attaches to syscalls:sys_enter_<call>/sys_exit_<call> of each traced
 * call (or raw_syscalls:sys_enter/sys_exit) and
 * sched:sched_process_exec/fork/exit; nj_sensor_poll() decodes ring-buffer
 * records and hands each event to a callback; nj_sensor_stop() detaches and
 * nj_sensor_free() releases everything.
 *
 * Built without eBPF (--disable-ebpf), nj_sensor_start() returns -ENOTSUP.
 *
 * Configuration keys:
 *   sensor.ringbuf-size   ring buffer bytes (power of two, default 16mb)
 *   sensor.exec-env       read the environment of exec'd processes (false)
 *   sensor.syscall-hooks  auto (default), per-call or raw (doc/sensor.md)
 *
 * Drops: records the kernel could not queue are counted per CPU and per
 * category in a BPF map; nj_sensor_poll() publishes them as the counters
 * syscall.drops and syscall.drops_by_type.<exec|file|net|proc|cred|other|
 * stash> and raises an engine alert (gid 1, sid 2210001 + category, see
 * NJ_SENSOR_DROP_SID) at most once per category every 10 seconds.
 */
#ifndef NJ_CAPTURE_SENSOR_H
#define NJ_CAPTURE_SENSOR_H

#include <stddef.h>

#include "core/syscall.h"

struct nj_config;
struct nj_worker;
struct nj_sensor;

#define NJ_SENSOR_DROP_GID 1
#define NJ_SENSOR_DROP_SID 2210001      /* + category index, up to 2210007 */

/* Receives one event; sc and everything it points to are borrowed for the
 * call (the callback may set sc->proc). A negative return stops the poll
 * and is returned by nj_sensor_poll(); the records not yet read stay in
 * the ring buffer for the next poll. */
typedef int (*nj_sensor_cb)(struct nj_syscall *sc, void *arg);

/* Returns a sensor configured from cfg (may be NULL for defaults), or NULL
 * on allocation failure. cfg is read here only. Free with
 * nj_sensor_free(). */
struct nj_sensor *nj_sensor_open(const struct nj_config *cfg);

/* Loads and attaches. set selects the event types rules need (NULL: all);
 * the state set is always added. Returns 0, -ENOTSUP when built without
 * eBPF, or -errno with the reason logged. Events of the calling process
 * are never reported. */
int nj_sensor_start(struct nj_sensor *s, const struct nj_sc_set *set);

/* Replaces the traced set of a started sensor (rule reload). */
int nj_sensor_configure(struct nj_sensor *s, const struct nj_sc_set *set);

/* Waits up to timeout_ms for records and delivers every queued event to cb
 * (may be NULL: events are only counted). Returns the number of events
 * delivered, a callback's negative return, or -errno. Also publishes the
 * drop counters (at most once a second). */
int nj_sensor_poll(struct nj_sensor *s, int timeout_ms, nj_sensor_cb cb, void *arg);

/* The worker engine alerts (drops) are emitted on; may be NULL. */
void nj_sensor_set_worker(struct nj_sensor *s, struct nj_worker *w);

/* What nj_sensor_start() attached and what it could not, one line per
 * tracepoint. Borrowed; valid until the sensor is freed. */
const char *nj_sensor_report(const struct nj_sensor *s);

/* Kernel-side drop total (all CPUs, all categories) as of the last poll. */
unsigned long long nj_sensor_drops(const struct nj_sensor *s);

void nj_sensor_stop(struct nj_sensor *s);
void nj_sensor_free(struct nj_sensor *s);

#endif
