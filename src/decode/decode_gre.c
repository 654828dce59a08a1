/* GRE version 0 (RFC 2784, keys and sequence numbers RFC 2890, source
 * routes RFC 1701) and the enhanced GRE version 1 of PPTP (RFC 2637);
 * inside: IP, Ethernet, ERSPAN, PPP and Aruba's 802.11 frames.
 *
 *   0                   1                   2                   3
 *  +-+-+-+-+-+-----+-+-------+-----+-------------------------------+
 *  |C|R|K|S|s|Recur|A| Flags | Ver |         Protocol Type         |
 *  +-+-+-+-+-+-----+-+-------+-----+-------------------------------+
 *  |  Checksum (C or R)            |       Offset (C or R)         |
 *  |  Key (K; v1: payload length and call id)                      |
 *  |  Sequence number (S)                                          |
 *  |  Acknowledgment number (v1, A)                                |
 *  |  Source route entries (v0, R)                                 |
 *  +---------------------------------------------------------------+
 */
#include "decode/decode_int.h"

#define GRE_HDR_LEN 4

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_SSR 0x0800
#define GRE_RECUR 0x0700
#define GRE_A 0x0080
#define GRE_FLAGS 0x0078
#define GRE_VER 0x0007

#define GRE_PROTO_PPP 0x880b
#define GRE_PROTO_ERSPAN 0x88be
#define GRE_PROTO_ARUBA_MASK 0xff00     /* Aruba WLAN: 0x8200-0x82ff */
#define GRE_PROTO_ARUBA 0x8200

/* Skips the source route entries starting at *off (RFC 1701 section 2.1):
 * address family (2), SRE offset (1), SRE length (1), routing data,
 * ending with a null entry. */
static bool skip_sre(const uint8_t *data, uint32_t len, uint32_t *off)
{
	for (;;) {
		uint16_t af;
		uint8_t slen;

		if (!nj_get_be16(data, len, *off, &af) || !nj_get_u8(data, len, *off + 3, &slen))
			return false;
		*off += 4;
		if (af == 0 && slen == 0)
			return true;
		if (!nj_has(len, *off, slen))
			return false;
		*off += slen;
	}
}

/* Returns the header length of a version 0 header, or 0 when invalid. */
static uint32_t v0_header(struct nj_packet *p, const uint8_t *data, uint32_t len, uint16_t fl)
{
	uint32_t hlen = GRE_HDR_LEN;

	if (fl & GRE_RECUR) {
		nj_decode_event_add(p, NJ_DEV_GRE_VERSION0_RECUR);
		return 0;
	}
	if (fl & (GRE_A | GRE_FLAGS)) {
		nj_decode_event_add(p, NJ_DEV_GRE_VERSION0_FLAGS);
		return 0;
	}
	if (fl & (GRE_C | GRE_R))
		hlen += 4;
	if (fl & GRE_K)
		hlen += 4;
	if (fl & GRE_S)
		hlen += 4;
	if (hlen > len) {
		nj_decode_event_add(p, NJ_DEV_GRE_VERSION0_HDR_TOO_BIG);
		return 0;
	}
	if ((fl & GRE_R) && !skip_sre(data, len, &hlen)) {
		nj_decode_event_add(p, NJ_DEV_GRE_VERSION0_MALFORMED_SRE_HDR);
		return 0;
	}
	return hlen;
}

/* PPTP's enhanced GRE: key present (payload length, call id), no checksum
 * or routing, protocol PPP. Returns the header length or 0. */
static uint32_t v1_header(struct nj_packet *p, uint32_t len, uint16_t fl, uint16_t proto)
{
	uint32_t hlen = GRE_HDR_LEN + 4;
	enum nj_decode_event ev = NJ_DEV_NONE;

	if (fl & GRE_C)
		ev = NJ_DEV_GRE_VERSION1_CHKSUM;
	else if (fl & GRE_R)
		ev = NJ_DEV_GRE_VERSION1_ROUTE;
	else if (fl & GRE_SSR)
		ev = NJ_DEV_GRE_VERSION1_SSR;
	else if (fl & GRE_RECUR)
		ev = NJ_DEV_GRE_VERSION1_RECUR;
	else if (fl & GRE_FLAGS)
		ev = NJ_DEV_GRE_VERSION1_FLAGS;
	else if (!(fl & GRE_K))
		ev = NJ_DEV_GRE_VERSION1_NO_KEY;
	else if (proto != GRE_PROTO_PPP)
		ev = NJ_DEV_GRE_VERSION1_WRONG_PROTOCOL;
	if (ev != NJ_DEV_NONE) {
		nj_decode_event_add(p, ev);
		return 0;
	}
	if (fl & GRE_S)
		hlen += 4;
	if (fl & GRE_A)
		hlen += 4;
	if (hlen > len) {
		nj_decode_event_add(p, NJ_DEV_GRE_VERSION1_HDR_TOO_BIG);
		return 0;
	}
	return hlen;
}

static int decode_inner(struct nj_packet *p, uint16_t fl, uint16_t proto, const uint8_t *data,
			uint32_t len)
{
	switch (proto) {
	case 0x0800:
	case 0x86dd:
		if (!nj_decode_tunnel_enter(p, 47))
			return -1;
		return nj_decode_ethertype(p, proto, data, len);
	case 0x6558:    /* transparent Ethernet bridging */
		if (!nj_decode_tunnel_enter(p, 47))
			return -1;
		return nj_decode_ethernet(p, data, len);
	case GRE_PROTO_ERSPAN:
		return nj_decode_erspan(p, data, len, (fl & GRE_S) != 0);
	case GRE_PROTO_PPP:
		/* PPTP acknowledgments carry no payload. */
		if (len == 0)
			return 0;
		if (!nj_decode_tunnel_enter(p, 47))
			return -1;
		if (nj_has(len, 0, 2) && data[0] == 0xff && data[1] == 0x03) {
			data += 2;
			len -= 2;
		}
		return nj_decode_ppp_proto(p, data, len);
	default:
		/* Aruba controllers tunnel their access points' 802.11
		 * frames; Suricata does not follow them, Wireshark and Zeek
		 * do, and so does nightjar. */
		if ((proto & GRE_PROTO_ARUBA_MASK) == GRE_PROTO_ARUBA)
			return nj_decode_ieee80211(p, data, len);
		return 0;
	}
}

int nj_decode_gre(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint16_t fl, proto;
	uint32_t hlen;

	nj_decode_count(NJ_DC_GRE);
	if (!nj_has(len, 0, GRE_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_GRE_PKT_TOO_SMALL);
		return -1;
	}
	fl = nj_be16(data);
	proto = nj_be16(data + 2);
	switch (fl & GRE_VER) {
	case 0:
		hlen = v0_header(p, data, len, fl);
		break;
	case 1:
		hlen = v1_header(p, len, fl, proto);
		break;
	default:
		nj_decode_event_add(p, NJ_DEV_GRE_WRONG_VERSION);
		return -1;
	}
	if (!hlen)
		return -1;
	return decode_inner(p, fl, proto, data + hlen, len - hlen);
}
