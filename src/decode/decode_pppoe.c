/* PPPoE session stage (RFC 2516 section 4), ethertype 0x8864.
 *
 *  +-----+-----+------+------------+--------+------------------
 *  | ver | typ | code | session id | length | PPP protocol ...
 *  +-----+-----+------+------------+--------+------------------
 *   4 b   4 b   1 B    2 B          2 B
 */
#include "decode/decode_int.h"

#define PPPOE_HDR_LEN 6

int nj_decode_pppoe_session(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint16_t plen;

	nj_decode_count(NJ_DC_PPPOE);
	if (!nj_has(len, 0, PPPOE_HDR_LEN + 1)) {
		nj_decode_event_add(p, NJ_DEV_PPPOE_PKT_TOO_SMALL);
		return -1;
	}
	/* Session data always has code 0. */
	if (data[1] != 0) {
		nj_decode_event_add(p, NJ_DEV_PPPOE_WRONG_CODE);
		return -1;
	}
	plen = nj_be16(data + 4);
	data += PPPOE_HDR_LEN;
	len -= PPPOE_HDR_LEN;
	/* Ethernet padding follows the session payload. */
	if (plen < len)
		len = plen;
	return nj_decode_ppp_proto(p, data, len);
}
