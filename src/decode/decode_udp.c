/* UDP (RFC 768); the UDP tunnels (VXLAN, Geneve, GTP-U, AYIYA) are
 * recognised on their ports.
 *
 *  +----------------+----------------+----------------+----------------+
 *  |  Source Port   |  Dest. Port    |     Length     |    Checksum    |
 *  +----------------+----------------+----------------+----------------+
 */
#include "decode/decode_int.h"

#define UDP_HDR_LEN 8

/* Hands the payload to the tunnel decoder its ports name, if any; the
 * decoders leave payloads without their tunnel's shape as plain UDP. */
static int decode_tunnel(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	if (p->dport == NJ_VXLAN_PORT)
		return nj_decode_vxlan(p, data, len);
	if (p->dport == NJ_GENEVE_PORT)
		return nj_decode_geneve(p, data, len);
	if (p->sport == NJ_GTPU_PORT || p->dport == NJ_GTPU_PORT)
		return nj_decode_gtp(p, data, len);
	if (p->sport == NJ_AYIYA_PORT || p->dport == NJ_AYIYA_PORT)
		return nj_decode_ayiya(p, data, len);
	return 0;
}

int nj_decode_udp(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint16_t ulen;
	uint32_t dlen;
	int rc = 0;

	nj_decode_count(NJ_DC_UDP);
	if (!nj_has(len, 0, UDP_HDR_LEN)) {
		if (!nj_decode_in_fragment(p))
			nj_decode_event_add(p, NJ_DEV_UDP_HLEN_TOO_SMALL);
		return -1;
	}
	p->l4 = data;
	p->l4_len = len;
	p->sport = nj_be16(data);
	p->dport = nj_be16(data + 2);
	ulen = nj_be16(data + 4);

	if (nj_decode_in_fragment(p)) {
		/* The length covers the whole datagram. */
		dlen = len;
	} else if (ulen > len) {
		/* Decode what was captured. */
		nj_decode_event_add(p, NJ_DEV_UDP_PKT_TOO_SMALL);
		dlen = len;
		rc = -1;
	} else if (ulen < UDP_HDR_LEN) {
		nj_decode_event_add(p, NJ_DEV_UDP_LEN_INVALID);
		nj_decode_set_payload(p, NULL, 0);
		return -1;
	} else {
		if (ulen != len)
			nj_decode_event_add(p, NJ_DEV_UDP_HLEN_INVALID);
		dlen = ulen;
	}
	nj_decode_set_payload(p, data + UDP_HDR_LEN, dlen - UDP_HDR_LEN);

	if (rc != 0 || nj_decode_in_fragment(p))
		return rc;
	return decode_tunnel(p, data + UDP_HDR_LEN, dlen - UDP_HDR_LEN);
}
