/* One direction of a TCP stream: segment list, target-based overlap
 * resolution, and two consumers of the data (see doc/stream.md):
 *
 *  - in order (next_off): contiguous data as soon as it is complete, for the
 *    app-layer parsers (nj_reasm_deliver);
 *  - raw (raw_off): the window that stream rules inspect, handed out up to
 *    an offset the caller chooses (the receiver's ACK, or everything at flow
 *    end), holes included as gaps between runs (nj_reasm_raw_deliver).
 *
 * Offsets are 64-bit stream offsets (0 = first byte after the SYN). Segments
 * kept in the list never overlap each other and all lie at or after
 * raw_off: a segment is freed once the raw window has passed it. When a new
 * segment overlaps queued data the policy decides, byte range by byte range,
 * whether the queued bytes are overwritten, and only the uncovered parts of
 * the new segment are queued. Data before raw_off was inspected and cannot
 * change.
 *
 * Memory: segments, delivery buffers and the run table are owned by the
 * nj_reasm and accounted in the caller's nj_reasm_mem (one per worker).
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

/* A delivery buffer: context + the last chunk. */
struct nj_reasm_win {
	uint8_t *buf;
	uint32_t len, cap;
	uint32_t run;           /* bytes at the end contiguous with the next chunk */
};

struct nj_reasm {
	struct nj_seg *head;    /* sorted, non-overlapping, off >= raw_off */
	uint64_t next_off;      /* first byte not delivered in order yet */
	uint64_t raw_off;       /* first byte not inspected as raw stream yet */
	uint64_t max_end;       /* highest offset + 1 seen */
	uint64_t depth;         /* 0 = unlimited */
	struct nj_reasm_win in, raw;
	struct nj_stream_block *blocks;  /* runs of the last raw chunk */
	uint32_t blocks_cap;
	uint8_t policy;         /* enum nj_overlap_policy */
	bool gap;               /* next in-order chunk follows a hole */
};

/* Results of nj_reasm_insert (bits). */
enum {
	NJ_REASM_OVERLAP = 1 << 0,              /* overlapped queued or old data */
	NJ_REASM_OVERLAP_DIFF = 1 << 1,         /* ... with different bytes (queued
						 * data, or delivered data still
						 * kept as context) */
	NJ_REASM_OLD = 1 << 2,                  /* entirely before raw_off */
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

/* Whether anything is queued after next_off (in order or after a hole). */
bool nj_reasm_pending(const struct nj_reasm *r);

/* Whether anything is queued that the raw window has not covered. */
bool nj_reasm_raw_pending(const struct nj_reasm *r);

/* The receiver acknowledged up to ack_off (exclusive) but nothing queued
 * covers [next_off, ...): the bytes were lost before capture. Moves
 * next_off over the hole. Returns true when a gap was recorded. */
bool nj_reasm_ack_gap(struct nj_reasm *r, uint64_t ack_off);

/* Builds the next in-order chunk: up to ctx_max context bytes shown before
 * plus every contiguous queued byte from next_off. With skip_gap, a hole
 * before the next queued segment is skipped (has_gap set). Segments stay
 * queued for the raw window. c->data points into r and is valid until the
 * next call on r. Returns 1 with a chunk, 0 when nothing can be delivered,
 * -ENOMEM when the buffer could not grow. */
int nj_reasm_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
		     bool skip_gap, struct nj_stream_chunk *c);

/* Builds the next raw window: up to ctx_max context bytes inspected before
 * (when no hole follows them) plus every queued byte before limit, one run
 * per stretch of contiguous data (c->blocks; a run's gap counts the missing
 * bytes before it), and frees what it covered. Returns 1 with a chunk, 0
 * when nothing is queued before limit, -ENOMEM. */
int nj_reasm_raw_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
			 uint64_t limit, struct nj_stream_chunk *c);

/* Overwrites buf[0..len), the data of stream offsets [off, off + len), with
 * the bytes the stream keeps there: queued data and the inspected bytes
 * still held as raw context. Bytes it does not hold (inspected before the
 * context, or never queued) are left as they are. */
void nj_reasm_peek(const struct nj_reasm *r, uint64_t off, uint8_t *buf, uint32_t len);

/* A raw window for data sent again at off, before raw_off (inline mode
 * inspects every packet's data in the stream, as kept): the held context
 * from up to ctx_max bytes before off to raw_off, in which the bytes from
 * off on count as new. Changes nothing queued; c->data points into r and is
 * valid until the next call on r. Returns 1 with a chunk, 0 when the held
 * context does not cover off. */
int nj_reasm_raw_again(struct nj_reasm *r, uint32_t ctx_max, uint64_t off,
		       struct nj_stream_chunk *c);

/* Frees the segments and the buffer (r itself is the caller's). */
void nj_reasm_free(struct nj_reasm *r, struct nj_reasm_mem *m);

/* Whether new data [noff, nend) replaces queued data [ooff, oend) where
 * they overlap, for a TCP policy. Exposed for tests. */
bool nj_reasm_new_wins(int policy, uint64_t noff, uint64_t nend, uint64_t ooff, uint64_t oend);

#endif
