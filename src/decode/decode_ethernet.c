/* Ethernet II (IEEE 802.3 with an ethertype, RFC 894).
 *
 *   0                   6                   12      14
 *  +-------------------+-------------------+-------+---------
 *  | destination MAC   | source MAC        | type  | payload
 *  +-------------------+-------------------+-------+---------
 */
#include "decode/decode_int.h"

#define ETH_HDR_LEN 14

int nj_decode_ethernet(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	nj_decode_count(NJ_DC_ETHERNET);
	if (!nj_has(len, 0, ETH_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_ETHERNET_PKT_TOO_SMALL);
		return -1;
	}
	return nj_decode_ethertype(p, nj_be16(data + 12), data + ETH_HDR_LEN, len - ETH_HDR_LEN);
}
