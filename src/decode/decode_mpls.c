/* MPLS label stacks (RFC 3032) over Ethernet, ethertypes 0x8847/0x8848.
 *
 *   0                   1                   2                   3
 *  +---------------------------------------+-----+-+---------------+
 *  |                Label                  | TC  |S|      TTL      |
 *  +---------------------------------------+-----+-+---------------+
 *
 * After the bottom of the stack (S) the payload type is not on the wire:
 * the explicit-null labels name it, otherwise the first nibble does (4 or
 * 6 for IP, 0 for a pseudowire control word, RFC 4385). Pseudowires are
 * not followed.
 */
#include "decode/decode_int.h"

#define MPLS_LABEL_LEN 4

enum {
	LABEL_IPV4_NULL = 0,
	LABEL_IPV6_NULL = 2,
	LABEL_IMPLICIT_NULL = 3,        /* signalled only, never sent */
};

/* Labels 4-6 and 8-12 are reserved (7, 13-15 have since been assigned). */
static bool label_reserved(uint32_t label)
{
	return (label >= 4 && label <= 6) || (label >= 8 && label <= 12);
}

int nj_decode_mpls(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t entry = 0, label = 0;
	uint32_t off = 0;

	nj_decode_count(NJ_DC_MPLS);
	do {
		if (!nj_get_be32(data, len, off, &entry)) {
			nj_decode_event_add(p, NJ_DEV_MPLS_HEADER_TOO_SMALL);
			return -1;
		}
		label = entry >> 12;
		if (label == LABEL_IMPLICIT_NULL)
			nj_decode_event_add(p, NJ_DEV_MPLS_BAD_LABEL_IMPLICIT_NULL);
		else if (label_reserved(label))
			nj_decode_event_add(p, NJ_DEV_MPLS_BAD_LABEL_RESERVED);
		off += MPLS_LABEL_LEN;
	} while (!(entry & 0x100));

	if (!nj_has(len, off, 1)) {
		nj_decode_event_add(p, NJ_DEV_MPLS_PKT_TOO_SMALL);
		return -1;
	}
	if (label == LABEL_IPV4_NULL || (label != LABEL_IPV6_NULL && data[off] >> 4 == 4))
		return nj_decode_ipv4(p, data + off, len - off);
	if (label == LABEL_IPV6_NULL || data[off] >> 4 == 6)
		return nj_decode_ipv6(p, data + off, len - off);
	if (data[off] >> 4 == 0)
		return 0;
	nj_decode_event_add(p, NJ_DEV_MPLS_UNKNOWN_PAYLOAD_TYPE);
	return -1;
}
