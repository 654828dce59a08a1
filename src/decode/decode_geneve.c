/* Geneve (RFC 8926) over UDP port 6081: an Ethernet frame (protocol type
 * 0x6558) or a packet of the ethertype given, after 4 * Opt Len bytes of
 * options.
 *
 *  +---+-----------+-+-+-----------+-------------------------------+
 *  |Ver|  Opt Len  |O|C|   Rsvd.   |         Protocol Type         |
 *  +---+-----------+-+-+-----------+---------------+---------------+
 *  |        Virtual Network Identifier (VNI)       |   Reserved    |
 *  +-----------------------------------------------+---------------+
 *  |                    Variable-Length Options                    |
 *  +---------------------------------------------------------------+
 */
#include "decode/decode_int.h"

#define GENEVE_HDR_LEN 8
#define GENEVE_VERSION 0
#define ETHERTYPE_TEB 0x6558

static bool payload_type_ok(uint16_t type)
{
	return type == ETHERTYPE_TEB || type == 0x0800 || type == 0x86dd || type == 0x0806;
}

int nj_decode_geneve(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t off;
	uint16_t type;

	/* Other versions, and data too short for its own options, stay
	 * plain UDP. */
	if (!nj_has(len, 0, GENEVE_HDR_LEN) || data[0] >> 6 != GENEVE_VERSION)
		return 0;
	off = GENEVE_HDR_LEN + 4u * (data[0] & 0x3f);
	if (!nj_has(len, 0, off))
		return 0;
	type = nj_be16(data + 2);
	if (!payload_type_ok(type)) {
		nj_decode_event_add(p, NJ_DEV_GENEVE_UNKNOWN_PAYLOAD_TYPE);
		return -1;
	}
	nj_decode_count(NJ_DC_GENEVE);
	if (!nj_decode_tunnel_enter(p, 17))
		return -1;
	if (type == ETHERTYPE_TEB)
		return nj_decode_ethernet(p, data + off, len - off);
	return nj_decode_ethertype(p, type, data + off, len - off);
}
