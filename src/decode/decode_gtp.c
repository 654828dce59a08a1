/* GTP-U, GTPv1 user plane (3GPP TS 29.281 5.1), over UDP port 2152:
 * a G-PDU (message type 255) carries one IPv4 or IPv6 packet.
 *
 *  +-----+--+-+-+-+--+---------------+-------------------------------+
 *  | Ver |PT|*|E|S|PN| Message Type  |            Length             |
 *  +-----+--+-+-+-+--+---------------+-------------------------------+
 *  |                 Tunnel Endpoint Identifier                      |
 *  +-------------------------------+---------------+-----------------+
 *  |  Sequence Number (if E|S|PN)  |  N-PDU Number | Next Ext. Type  |
 *  +-------------------------------+---------------+-----------------+
 *
 * Extension headers (5.2) follow while the next type is not 0, each
 * 4 * its first byte long and ending with the following type.
 */
#include "decode/decode_int.h"

#define GTP_HDR_LEN 8
#define GTP_OPT_LEN 4
#define GTP_VERSION_1 1
#define GTP_FLAG_PT 0x10
#define GTP_FLAGS_OPT 0x07
#define GTP_FLAG_E 0x04
#define GTP_MSG_GPDU 255

/* Skips the extension header chain that starts at off; returns the offset
 * of the payload, or 0 when a header runs past len. */
static uint32_t skip_extensions(const uint8_t *data, uint32_t len, uint32_t off, uint8_t next)
{
	while (next != 0) {
		uint32_t elen;

		if (!nj_has(len, off, 1) || data[off] == 0)
			return 0;
		elen = 4u * data[off];
		if (!nj_has(len, off, elen))
			return 0;
		next = data[off + elen - 1];
		off += elen;
	}
	return off;
}

/* Offset of the T-PDU in a G-PDU, or 0 when data is not one. The length
 * field counts the bytes after the mandatory header. */
static uint32_t gpdu_offset(const uint8_t *data, uint32_t len)
{
	uint32_t off = GTP_HDR_LEN;

	if (!nj_has(len, 0, GTP_HDR_LEN) || data[0] >> 5 != GTP_VERSION_1 ||
	    !(data[0] & GTP_FLAG_PT) || data[1] != GTP_MSG_GPDU ||
	    nj_be16(data + 2) > len - GTP_HDR_LEN)
		return 0;
	if (data[0] & GTP_FLAGS_OPT) {
		if (!nj_has(len, GTP_HDR_LEN, GTP_OPT_LEN))
			return 0;
		off += GTP_OPT_LEN;
		if (data[0] & GTP_FLAG_E)
			off = skip_extensions(data, len, off, data[off - 1]);
	}
	return off;
}

int nj_decode_gtp(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t off = gpdu_offset(data, len);
	uint32_t end;
	uint8_t ver;

	/* Signalling messages (echo, end marker...), GTP' and GTPv0 on the
	 * port, and anything else that is no G-PDU stay plain UDP. */
	end = GTP_HDR_LEN + (off ? nj_be16(data + 2) : 0);
	if (off == 0 || off >= end || !nj_get_u8(data, len, off, &ver))
		return 0;
	ver >>= 4;
	if (ver != 4 && ver != 6)
		return 0;
	nj_decode_count(NJ_DC_GTP);
	return nj_decode_tunnel_ip(p, ver, data + off, end - off);
}
