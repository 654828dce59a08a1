/* Inline normalisation: packets rewritten to carry what the stream kept. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "decode/decode.h"
#include "preprocessors/stream_inline.h"
#include "preprocessors/stream_reassembly.h"

static int copy_reserve(struct nj_pkt_copy *pc, uint32_t len)
{
	if (len <= pc->cap)
		return 0;
	uint8_t *nb = realloc(pc->buf, len);
	if (!nb)
		return -ENOMEM;
	pc->buf = nb;
	pc->cap = len;
	return 0;
}

/* ptr, when it points into old[0..len], moved to the same place in nb. */
static const uint8_t *moved(const uint8_t *ptr, const uint8_t *old, uint32_t len,
			    const uint8_t *nb)
{
	if (!ptr || ptr < old || ptr > old + len)
		return ptr;
	return nb + (ptr - old);
}

static void move_layers(struct nj_packet *p, const uint8_t *nb)
{
	const uint8_t *old = p->data;

	p->l3 = moved(p->l3, old, p->caplen, nb);
	p->l4 = moved(p->l4, old, p->caplen, nb);
	p->payload = moved(p->payload, old, p->caplen, nb);
	p->data = nb;
}

/* The checksum field of the (now writable) TCP header in pc. */
static void fix_tcp_csum(struct nj_packet *p, struct nj_pkt_copy *pc)
{
	uint16_t csum;

	if (!nj_decode_tcp_csum(p, &csum))
		return;
	uint8_t *field = pc->buf + (p->l4 - p->data) + 16;
	field[0] = (uint8_t)(csum >> 8);
	field[1] = (uint8_t)csum;
}

int nj_stream_inline_normalise(struct nj_packet *p, struct nj_pkt_copy *pc,
			       const struct nj_reasm *r, uint64_t off)
{
	uint32_t len = p->payload_len;

	if (!len || !p->data || !p->payload || !p->l4 || p->payload < p->data ||
	    p->payload + len > p->data + p->caplen)
		return 0;
	if (copy_reserve(pc, p->caplen) < 0)
		return -ENOMEM;
	memcpy(pc->buf, p->data, p->caplen);
	uint8_t *np = pc->buf + (p->payload - p->data);
	nj_reasm_peek(r, off, np, len);
	if (memcmp(np, p->payload, len) == 0)
		return 0;
	move_layers(p, pc->buf);
	fix_tcp_csum(p, pc);
	p->flags |= NJ_PKT_STREAM_MODIFIED;
	return 1;
}

void nj_pkt_copy_free(struct nj_pkt_copy *pc)
{
	free(pc->buf);
	pc->buf = NULL;
	pc->cap = 0;
}
