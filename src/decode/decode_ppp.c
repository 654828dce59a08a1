/* PPP in HDLC-like framing (RFC 1662) as captured with LINKTYPE_PPP, and the
 * PPP protocol field (RFC 1661 section 2) shared with PPPoE and PPTP.
 *
 *  +----------+----------+----------------+---------
 *  | 0xff     | 0x03     | protocol (1-2) | payload
 *  +----------+----------+----------------+---------
 *  address and control are optional (ACFC), the protocol may be one byte
 *  (PFC, its low bit is then set).
 */
#include "decode/decode_int.h"

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057

int nj_decode_ppp_proto(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint16_t proto;
	uint32_t off;

	if (!nj_has(len, 0, 1)) {
		nj_decode_event_add(p, NJ_DEV_PPP_PKT_TOO_SMALL);
		return -1;
	}
	if (data[0] & 1) {
		proto = data[0];
		off = 1;
	} else if (nj_get_be16(data, len, 0, &proto)) {
		off = 2;
	} else {
		nj_decode_event_add(p, NJ_DEV_PPP_PKT_TOO_SMALL);
		return -1;
	}

	switch (proto) {
	case PPP_IPV4:
		if (!nj_has(len, off, 20)) {
			nj_decode_event_add(p, NJ_DEV_PPPIPV4_PKT_TOO_SMALL);
			return -1;
		}
		return nj_decode_ipv4(p, data + off, len - off);
	case PPP_IPV6:
		if (!nj_has(len, off, 40)) {
			nj_decode_event_add(p, NJ_DEV_PPPIPV6_PKT_TOO_SMALL);
			return -1;
		}
		return nj_decode_ipv6(p, data + off, len - off);
	default:
		/* RFC 1661: protocol numbers are odd, with an even high
		 * byte. Valid ones we do not decode (LCP, IPCP, CHAP...)
		 * are just skipped. */
		if (!(proto & 0x0001) || (proto & 0x0100)) {
			nj_decode_event_add(p, NJ_DEV_PPP_WRONG_TYPE);
			return -1;
		}
		return 0;
	}
}

int nj_decode_ppp(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	nj_decode_count(NJ_DC_PPP);
	if (nj_has(len, 0, 2) && data[0] == 0xff && data[1] == 0x03) {
		data += 2;
		len -= 2;
	}
	return nj_decode_ppp_proto(p, data, len);
}
