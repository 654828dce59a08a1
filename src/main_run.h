/* The daemon's run loops: offline (a capture and/or a syscall trace merged
 * by timestamp) and the live system-call sensor. */
#ifndef NJ_MAIN_RUN_H
#define NJ_MAIN_RUN_H

#include <signal.h>
#include <stdbool.h>

struct nj_config;
struct nj_worker;
struct nj_pcap_file;
struct nj_trace;

extern volatile sig_atomic_t nj_stop_requested, nj_reopen_requested, nj_stats_requested;

/* Reads pf (may be NULL) and trace (may be NULL) to the end, dispatching
 * packets and system calls in timestamp order; every system call is also
 * appended to record when given. Returns 0 or -1 after logging. */
int nj_run_offline(struct nj_worker *w, struct nj_pcap_file *pf, struct nj_trace *trace,
		   struct nj_trace *record);

/* Live capture: workers per interface (AF_PACKET fanout, or one libpcap
 * handle each with pcap), optionally the sensor on its own thread, until a
 * stop signal. Every event is drained and every flow ended before it
 * returns 0 (or -1 after logging). */
struct nj_live_opts {
	const struct nj_config *cfg;
	const char *const *ifaces;
	unsigned nifaces;
	unsigned workers;               /* per interface */
	bool pcap;                      /* libpcap instead of AF_PACKET */
	bool sensor;
	struct nj_trace *record;
	const char *user, *group;       /* drop to these once everything is open */
	const char *log_dir;            /* handed to the user when dropping */
	const char *rules_summary;      /* for the start-up report */
};
int nj_run_live(const struct nj_live_opts *o);

/* What SIGHUP does beyond reopening logs (reload the rules), and what runs
 * once a second on the controlling thread (free a swapped-out rule set). */
void nj_run_set_reload(void (*reload)(void), void (*collect)(void));
/* The controlling thread's periodic work: stats (when wall is given and
 * the interval passed), signals, reload. */
void nj_run_control(const struct timeval *wall);

/* Time moved on for worker w (see main_run.c); for the run loops. */
struct timeval;
void nj_run_housekeeping(struct nj_worker *w, const struct timeval *now);

/* Runs the eBPF sensor until a stop signal, dispatching every event (and
 * appending it to record when given). Returns 0 or -1 after logging. */
int nj_run_sensor(struct nj_worker *w, const struct nj_config *cfg, struct nj_trace *record);
/* The two halves of nj_run_sensor: loading and attaching (privileged),
 * then the loop, which takes and frees the sensor. */
struct nj_sensor;
struct nj_sensor *nj_run_sensor_start(struct nj_worker *w, const struct nj_config *cfg, bool report);
int nj_run_sensor_loop(struct nj_worker *w, struct nj_sensor *s, struct nj_trace *record);

#endif
