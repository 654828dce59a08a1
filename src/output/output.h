/* The outputs as main.c sees them: EVE JSON, fast.log and unified2 set up
 * from the config, fed by the alert sinks and flow-end hook they register.
 */
#ifndef NJ_OUTPUT_OUTPUT_H
#define NJ_OUTPUT_OUTPUT_H

#include <sys/time.h>

struct nj_config;
struct nj_worker;
struct nj_packet;

/* Opens the enabled outputs (outputs.eve.enabled, default yes;
 * outputs.fast.enabled and outputs.unified2.enabled, default no) under
 * log_dir, and registers the alert sink and the flow-end hook (once per
 * process). linktype is the capture's, for unified2 packet records of
 * packets whose own linktype is 0. Start-up only; returns 0 or -errno after
 * logging the reason. cfg is only read during the call. */
int nj_output_init(const struct nj_config *cfg, const char *log_dir, int linktype);

/* Reopens every regular file (log rotation; call from the main loop after
 * SIGHUP, not from the signal handler) and reconnects sockets. */
void nj_output_reopen(void);

/* Writes an EVE stats record when the configured interval has passed since
 * the last one. now is packet time offline, wall time live; NULL means the
 * wall clock. The first call starts the uptime clock. */
void nj_output_stats(const struct timeval *now);
/* Writes a stats record now, whatever the interval (SIGUSR1). */
void nj_output_stats_now(void);

/* Writes anomaly records for the decoder events of p (pipeline, for every
 * packet with p->nevents > 0). */
void nj_output_anomaly(struct nj_worker *w, const struct nj_packet *p);

/* Writes each app-layer transaction of p that is complete and not yet
 * logged as its own EVE record (http, dns, tls), once. */
void nj_output_app(struct nj_worker *w, struct nj_packet *p);

/* Writes the drop record of a packet the simulated IPS dropped (p->flags
 * has NJ_PKT_DROP); notes on p's flow that it was logged. */
void nj_output_drop(struct nj_worker *w, const struct nj_packet *p);

/* Writes a last stats record, closes everything. The registered sink and
 * hook stay registered but do nothing until the next nj_output_init(). */
void nj_output_fini(void);

/* Writes the alerts waiting for their flow's process (or their socket's
 * flow) that may go at now (event time), all of them when now is NULL
 * (hold.h); on the worker's thread. */
void nj_output_release(const struct timeval *now);

#endif
