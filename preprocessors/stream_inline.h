/* Inline normalisation of TCP packets (stream.inline, doc/stream.md).
 *
 * An IPS forwards what its stream engine kept. In inline mode the stream
 * keeps the bytes it accepted first; a packet whose data overlaps them with
 * different bytes is rewritten to carry the kept bytes, and its TCP
 * checksum is recomputed, as Suricata does in IPS mode. Stream rules,
 * packet rules and the outputs then all see the packet as forwarded.
 *
 * Ownership: the rewritten packet lives in a struct nj_pkt_copy owned by
 * the caller (one per stream worker thread); p->data and the layer
 * pointers are moved into it, valid until the next rewrite with the same
 * copy. The capture's buffer is never written.
 */
#ifndef NJ_PREPROCESSORS_STREAM_INLINE_H
#define NJ_PREPROCESSORS_STREAM_INLINE_H

#include <stdint.h>

struct nj_packet;
struct nj_reasm;

struct nj_pkt_copy {
	uint8_t *buf;
	uint32_t cap;
};

/* Rewrites p's payload, the data of stream offsets [off, off +
 * payload_len) of r, to the bytes r keeps there (nj_reasm_peek) and sets
 * NJ_PKT_STREAM_MODIFIED. Returns 1 when p was rewritten, 0 when the kept
 * bytes equal its own (p untouched), -ENOMEM. */
int nj_stream_inline_normalise(struct nj_packet *p, struct nj_pkt_copy *pc,
			       const struct nj_reasm *r, uint64_t off);

/* Frees the buffer (pc itself is the caller's). */
void nj_pkt_copy_free(struct nj_pkt_copy *pc);

#endif
