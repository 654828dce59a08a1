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

/* Runs the eBPF sensor until a stop signal, dispatching every event (and
 * appending it to record when given). Returns 0 or -1 after logging. */
int nj_run_sensor(struct nj_worker *w, const struct nj_config *cfg, struct nj_trace *record);

#endif
