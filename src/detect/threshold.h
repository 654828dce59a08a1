/* Alert gating: threshold, detection_filter, rate_filter and suppress, as
 * Suricata defines them, and the state they keep.
 *
 * A rule's gate (struct nj_gate, owned by the rule) holds what its own
 * threshold/detection_filter options and the threshold.config entries for
 * its gid:sid say. When the rule has matched a packet, nj_gate_check()
 * decides whether it alerts, and with which action. Counting state lives
 * in one table per rule set (struct nj_thr_table), shared by the workers
 * under a mutex, bounded by a memcap, with entries expiring once their
 * window has passed. Time is packet time.
 */
#ifndef NJ_DETECT_THRESHOLD_H
#define NJ_DETECT_THRESHOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "core/addr.h"

struct nj_packet;
struct nj_rule;
struct nj_ruleset;
struct nj_addrset;

enum nj_thr_type { NJ_THR_LIMIT, NJ_THR_THRESHOLD, NJ_THR_BOTH, NJ_THR_BACKOFF, NJ_THR_DETECTION,
		   NJ_THR_RATE };
enum nj_thr_track { NJ_TRACK_SRC, NJ_TRACK_DST, NJ_TRACK_RULE, NJ_TRACK_BOTH, NJ_TRACK_FLOW,
		    NJ_TRACK_EITHER, NJ_TRACK_PROCESS };

struct nj_thr_spec {
	uint8_t type;                   /* enum nj_thr_type */
	uint8_t track;                  /* enum nj_thr_track */
	uint8_t new_action;             /* rate_filter: enum nj_action */
	uint32_t count;
	uint32_t seconds;
	uint32_t timeout;               /* rate_filter */
	uint32_t multiplier;            /* backoff */
};

struct nj_suppress {
	uint8_t track;                  /* SRC, DST, EITHER; RULE: every alert */
	struct nj_addrset *ips;         /* NULL with NJ_TRACK_RULE */
};

struct nj_gate {
	bool has_thr, has_df, has_rate;
	bool thr_from_config;           /* a threshold.config entry replaced the rule's */
	struct nj_thr_spec thr;         /* threshold / event_filter */
	struct nj_thr_spec df;          /* detection_filter */
	struct nj_thr_spec rate;        /* rate_filter */
	struct nj_suppress *sup;
	uint32_t nsup;
};

/* Parses "type limit, track by_src, count 1, seconds 60" (threshold),
 * "track by_src, count 5, seconds 60" (detection_filter: type fixed).
 * Returns 0, or -1 with a reason in err, -2 when the reason is an
 * option nightjar does not support. */
int nj_thr_spec_parse(const char *s, bool detection_filter, struct nj_thr_spec *out, char *err,
		      size_t errlen);
void nj_thr_spec_dump(const struct nj_thr_spec *t, char *buf, size_t len);

/* Returns the rule's gate, creating it; NULL on ENOMEM. */
struct nj_gate *nj_gate_get(struct nj_rule *r);
void nj_gate_free(struct nj_gate *g);

struct nj_thr_table;
/* memcap in bytes (0: default 16 MiB). */
struct nj_thr_table *nj_thr_table_new(size_t memcap);
/* A rule set that replaces another on reload shares its table: gid:sid
 * keys keep counting (nj_ruleset_inherit). Each reference is freed. */
struct nj_thr_table *nj_thr_table_ref(struct nj_thr_table *t);
void nj_thr_table_free(struct nj_thr_table *t);
/* Entries in use (tests). */
uint32_t nj_thr_table_count(struct nj_thr_table *t);

/* What a matched rule is counted by: the event's time, its addresses
 * (NULL for a system call without a socket), its flow (0 if none) and the
 * acting or owning process (0 if unknown). by_src/by_dst of an event
 * without addresses count by process; by_process always does. */
struct nj_gate_subject {
	struct timeval ts;
	const struct nj_addr *src, *dst;
	uint64_t flow_id;
	uint32_t pid;
};

/* For a rule that matched: 1 to alert (*action set to the action to
 * report, the rule's own unless a rate_filter changed it), 0 not to. */
int nj_gate_check(struct nj_thr_table *t, const struct nj_rule *r, const struct nj_gate_subject *s,
		  uint8_t *action);

/* Loads a threshold.config file into the rule set (after its rules are
 * loaded): threshold, event_filter, rate_filter, suppress lines. Bad lines
 * are reported on rs->report as "file:line: reason" and skipped. Returns 0,
 * or -errno when the file cannot be read. */
int nj_ruleset_load_threshold_config(struct nj_ruleset *rs, const char *path);

#endif
