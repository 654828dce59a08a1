/* One direction of a TCP stream: out-of-order segment list, target-based
 * overlap resolution and in-order delivery with inspection context.
 *
 * Offsets are 64-bit stream offsets (0 = first byte after the SYN). Segments
 * kept in the list never overlap each other and all lie at or after
 * next_off: when a new segment overlaps queued data the policy decides, byte
 * range by byte range, whether the queued bytes are overwritten, and only
 * the uncovered parts of the new segment are queued. Data before next_off
 * was delivered already and cannot change (see doc/stream.md).
 *
 * Memory: segments and the delivery buffer are owned by the nj_reasm and
 * accounted in the caller's nj_reasm_mem (one per worker).
 */
#ifndef NJ_PREPROCESSORS_STREAM_REASSEMBLY_H
#define NJ_PREPROCESSORS_STREAM_REASSEMBLY_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

struct nj_reasm_mem {
	uint64_t used;
	uint64_t cap;           /* 0 = unlimited */
};

struct nj_seg;

struct nj_reasm {
	struct nj_seg *head;    /* sorted, non-overlapping, off >= next_off */
	uint64_t next_off;      /* first byte not delivered yet */
	uint64_t max_end;       /* highest offset + 1 seen */
	uint64_t depth;         /* 0 = unlimited */
	uint8_t *buf;           /* context + last chunk */
	uint32_t buf_len, buf_cap;
	uint8_t policy;         /* enum nj_overlap_policy */
	bool gap;               /* next chunk follows a hole */
};

/* Results of nj_reasm_insert (bits). */
enum {
	NJ_REASM_OVERLAP = 1 << 0,              /* overlapped queued or old data */
	NJ_REASM_OVERLAP_DIFF = 1 << 1,         /* ... with different bytes (queued
						 * data, or delivered data still
						 * kept as context) */
	NJ_REASM_OLD = 1 << 2,                  /* entirely before next_off */
	NJ_REASM_DEPTH = 1 << 3,                /* cut at the reassembly depth */
};

void nj_reasm_init(struct nj_reasm *r, int policy, uint64_t depth);

/* Copies data [off, off + len) into the stream. Returns 0 or -ENOMEM when
 * the memcap refused a segment (the rest of the data is kept); *res gets
 * NJ_REASM_* bits. */
int nj_reasm_insert(struct nj_reasm *r, struct nj_reasm_mem *m, uint64_t off,
		    const uint8_t *data, uint32_t len, unsigned *res);

/* Whether in-order data is waiting at next_off. */
bool nj_reasm_ready(const struct nj_reasm *r);

/* Whether anything is queued at all (in order or after a hole). */
bool nj_reasm_pending(const struct nj_reasm *r);

/* The receiver acknowledged up to ack_off (exclusive) but nothing queued
 * covers [next_off, ...): the bytes were lost before capture. Moves
 * next_off over the hole. Returns true when a gap was recorded. */
bool nj_reasm_ack_gap(struct nj_reasm *r, uint64_t ack_off);

/* Builds the next chunk: up to ctx_max context bytes shown before plus every
 * contiguous queued byte from next_off. With skip_gap, a hole before the
 * first queued segment is skipped (has_gap set). c->data points into r and
 * is valid until the next call on r. Returns 1 with a chunk, 0 when nothing
 * can be delivered, -ENOMEM when the buffer could not grow. */
int nj_reasm_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
		     bool skip_gap, struct nj_stream_chunk *c);

/* Frees the segments and the buffer (r itself is the caller's). */
void nj_reasm_free(struct nj_reasm *r, struct nj_reasm_mem *m);

/* Whether new data [noff, nend) replaces queued data [ooff, oend) where
 * they overlap, for a TCP policy. Exposed for tests. */
bool nj_reasm_new_wins(int policy, uint64_t noff, uint64_t nend, uint64_t ooff, uint64_t oend);

#endif
