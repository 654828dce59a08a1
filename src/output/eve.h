/* EVE JSON: one JSON object per line, with Suricata's field names and
 * formats (alert, flow, stats, anomaly events).
 *
 * The formatters build a record into a caller's nj_json (tests use them
 * directly); the writers format on the calling thread into a thread-local
 * buffer and hand the finished line to the output's sinks.
 */
#ifndef NJ_OUTPUT_EVE_H
#define NJ_OUTPUT_EVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/addr.h"
#include "core/buffer.h"
#include "core/json.h"
#include "output/sink.h"

struct nj_config;
struct nj_alert;
struct nj_flow;
struct nj_packet;

struct nj_eve_opts {
	bool alert, flow, anomaly, stats, drop;
	bool app[NJ_APP__COUNT];        /* http, dns, tls records, per protocol */
	/* alert options */
	bool payload, payload_printable, packet, metadata, rule, pkt_src;
	bool community_id;
	uint16_t community_id_seed;
	unsigned stats_interval;        /* seconds */
	/* stats options: the counters summed over threads (`totals`),
	 * each thread's under "threads" (`threads`), "<name>_delta" after
	 * each value (`deltas`) */
	bool stats_totals, stats_threads, stats_deltas;
	/* drop options: the dropping rule's alert object in the record
	 * (`alerts`), every packet of a dropped flow (`flows: all`) rather
	 * than the first per direction (`start`) */
	bool drop_alerts, drop_flows_all;
};

/* Reads outputs.eve.types.* and outputs.eve.community-id[-seed]. Types
 * are given as a mapping (types.alert.payload: yes) or Suricata's list
 * (types: [- alert: {payload: yes}, - flow]); without `types` every event
 * type is on. */
void nj_eve_opts_load(struct nj_eve_opts *o, const struct nj_config *cfg);

/* The counter values of the last stats record, for deltas: the totals
 * and each thread's (NJ_MAX_COUNTERS values each, allocated on first
 * use). Owned by the nj_eve; written by the stats writer only. */
struct nj_eve_stats_state {
	uint64_t *prev_total;
	uint64_t **prev_thread;
	size_t nthreads;
};
void nj_eve_stats_state_free(struct nj_eve_stats_state *st);

struct nj_eve {
	struct nj_eve_opts opts;
	struct nj_sinks sinks;
	struct nj_eve_stats_state stats;
};

/* Opens the sinks of outputs.eve (default file eve.json in log_dir).
 * Returns NULL with a message in err. Free with nj_eve_free(). */
struct nj_eve *nj_eve_new(const struct nj_config *cfg, const char *log_dir, char *err,
			  size_t errlen);
void nj_eve_free(struct nj_eve *e);

/* Formatters: reset j and write one record (no newline). Return 0, or
 * -ENOMEM when the record could not be built (dropped by the writers). */
int nj_eve_format_alert(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_alert *a);
int nj_eve_format_flow(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_flow *f);
/* An app-layer transaction as its own record (event_type "http", "dns",
 * "tls"): the flow's client as source, the parser's object. */
int nj_eve_format_tx(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_packet *p,
		     const struct nj_app_tx *tx);
/* Every registered counter, nested by its dotted name, plus uptime. */
int nj_eve_format_stats(struct nj_json *j, const struct timeval *now, uint64_t uptime);
/* The same with o's stats options; st keeps the values for the next
 * record's deltas (o and st may be NULL: totals only). */
int nj_eve_format_stats_with(const struct nj_eve_opts *o, struct nj_eve_stats_state *st,
			     struct nj_json *j, const struct timeval *now, uint64_t uptime);
/* ev is an enum nj_decode_event value. */
int nj_eve_format_anomaly(const struct nj_eve_opts *o, struct nj_json *j,
			  const struct nj_packet *p, int ev);

/* A packet the simulated IPS dropped (event_type "drop"). */
int nj_eve_format_drop(const struct nj_eve_opts *o, struct nj_json *j, const struct nj_packet *p);

/* Writers: format and write to the sinks; failures are counted in
 * output.errors. Safe from any thread. */
void nj_eve_write_alert(struct nj_eve *e, const struct nj_alert *a);
/* Writes a kept alert (output/hold.h) with what it waited for. */
struct nj_held;
void nj_eve_finish(struct nj_eve *e, const struct nj_held *h);
void nj_eve_write_flow(struct nj_eve *e, const struct nj_flow *f);
void nj_eve_write_stats(struct nj_eve *e, const struct timeval *now, uint64_t uptime);
void nj_eve_write_tx(struct nj_eve *e, const struct nj_packet *p, const struct nj_app_tx *tx);
void nj_eve_write_anomaly(struct nj_eve *e, const struct nj_packet *p);
/* Marks the packet's flow as logged in its direction (flows: start). */
void nj_eve_write_drop(struct nj_eve *e, const struct nj_packet *p);

/* Shared with fast.log: Suricata's protocol name ("TCP", "IPv6-ICMP"), or
 * the number written into buf. */
const char *nj_eve_proto_name(uint8_t proto, char *buf, size_t len);
/* Suricata's address form: dotted quad, or IPv6 with every group written
 * out ("2001:0db8:0000:..."). buf needs 40 bytes. */
const char *nj_eve_addr_str(const struct nj_addr *a, char *buf, size_t len);
/* "2026-11-23T12:00:00.123456+0000" (UTC); buf needs 32 bytes. */
void nj_eve_timestamp(const struct timeval *tv, char *buf, size_t len);

#endif
