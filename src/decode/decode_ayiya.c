/* AYIYA, "Anything In Anything" (draft-massar-v6ops-ayiya-02), over UDP
 * port 5072: a forwarded (opcode 1) IPv6 or IPv4 packet after a header of
 * 8 bytes, an identity of 2^IDlen bytes and a signature of 4 * SigLen.
 *
 *  +-------+-------+-------+-------+-------+-------+---------------+
 *  | IDlen |IDtype |SigLen |HshMeth|AutMeth|OpCode |  Next Header  |
 *  +-------+-------+-------+-------+-------+-------+---------------+
 *  |                          Epoch Time                           |
 *  +---------------------------------------------------------------+
 *  |               Identity, Signature, payload ...                |
 */
#include "decode/decode_int.h"

#define AYIYA_HDR_LEN 8
#define AYIYA_OP_FORWARD 1

int nj_decode_ayiya(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t off;
	uint8_t next, ver;

	if (!nj_has(len, 0, AYIYA_HDR_LEN) || (data[2] & 0x0f) != AYIYA_OP_FORWARD)
		return 0;
	next = data[3];
	off = AYIYA_HDR_LEN + (1u << (data[0] >> 4)) + 4u * (data[1] >> 4);
	/* Heartbeats and anything carrying no IP packet stay plain UDP. */
	if ((next != 41 && next != 4) || !nj_get_u8(data, len, off, &ver) ||
	    ver >> 4 != (next == 41 ? 6 : 4))
		return 0;
	nj_decode_count(NJ_DC_AYIYA);
	return nj_decode_tunnel_ip(p, ver >> 4, data + off, len - off);
}
