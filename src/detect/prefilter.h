/* The prefilter: rules grouped by protocol and port group, one Hyperscan
 * database per group and buffer over the rules' fast patterns, and an
 * address index for the rules that have none.
 *
 * Built once per rule set (read-only afterwards); each worker has its own
 * struct nj_pf_thread with the Hyperscan scratch and candidate arrays.
 */
#ifndef NJ_DETECT_PREFILTER_H
#define NJ_DETECT_PREFILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buffer.h"

struct nj_ruleset;
struct nj_packet;
struct nj_prefilter;
struct nj_pf_thread;

/* One buffer instance to scan: the bytes, and the buffer id whose
 * databases apply. */
struct nj_pf_input {
	int buf;
	const uint8_t *ptr;
	uint32_t len;
	uint8_t pclass_mask;            /* which protocol classes scan it (0 = all) */
};

struct nj_prefilter *nj_prefilter_build(const struct nj_ruleset *rs, char *err, size_t errlen);
void nj_prefilter_free(struct nj_prefilter *pf);

struct nj_pf_thread *nj_pf_thread_new(const struct nj_prefilter *pf);
void nj_pf_thread_free(struct nj_pf_thread *t);

/* Candidate rules (indices into rs->rules, sorted by evaluation order) for
 * packet p with the given buffer instances. The array is owned by t and
 * valid until the next call. */
uint32_t nj_prefilter_candidates(const struct nj_prefilter *pf, struct nj_pf_thread *t,
				 const struct nj_packet *p, const struct nj_pf_input *in, uint32_t nin,
				 const uint32_t **out);

/* Candidate syscall rules for an event of type sc_type with the given
 * host-buffer instances; as nj_prefilter_candidates otherwise. */
uint32_t nj_prefilter_syscall_candidates(const struct nj_prefilter *pf, struct nj_pf_thread *t,
					 int sc_type, const struct nj_pf_input *in, uint32_t nin,
					 const uint32_t **out);
/* Whether any syscall rule may apply to events of type sc_type: without
 * one, the event's buffers need not be built. */
bool nj_prefilter_syscall_type_used(const struct nj_prefilter *pf, int sc_type);

/* Which buffers have databases (indexed by enum nj_buf_id). Borrowed for
 * the life of pf. */
const bool *nj_prefilter_buffers(const struct nj_prefilter *pf);

/* Whether the in-order stream data must also be scanned as packet and
 * stream data (not only as stream.inorder): some rule with app-layer
 * buffers and a packet-data fast pattern may see UDP as well. */
bool nj_prefilter_inorder_as_pkt(const struct nj_prefilter *pf);

/* Load statistics for reports. */
struct nj_pf_stats {
	uint32_t groups, databases, patterns, always_rules, indexed_rules;
	uint32_t cache_hits, cache_misses;
	size_t db_bytes;
};
void nj_prefilter_stats(const struct nj_prefilter *pf, struct nj_pf_stats *st);

/* Protocol classes of groups. */
enum nj_pclass {
	NJ_PC_IP = 0,           /* `ip` rules: every IP packet */
	NJ_PC_TCP,
	NJ_PC_TCP_PKT,          /* tcp-pkt: packet payload only */
	NJ_PC_UDP,
	NJ_PC_ICMP,
	NJ_PC_OTHER,
	NJ_PC_SYSCALL,          /* system-call rules: one group per event type */
	NJ_PC__COUNT
};

#endif
