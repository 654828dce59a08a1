/* IPv6 (RFC 8200) and its extension headers: hop-by-hop and destination
 * options, routing, fragment, authentication (RFC 4302, skipped), and the
 * headers that share their layout (mobility, HIP, shim6).
 *
 *   0                   1                   2                   3
 *  +-------+---------------+---------------------------------------+
 *  |Version| Traffic Class |              Flow Label               |
 *  +-------+---------------+-------+---------------+---------------+
 *  |         Payload Length        |  Next Header  |   Hop Limit   |
 *  +-------------------------------+---------------+---------------+
 *  |                Source Address (16) / Destination Address (16)  |
 *  +---------------------------------------------------------------+
 */
#include "decode/decode_int.h"

#define IPV6_HDR_LEN 40

enum {
	NH_HOPOPTS = 0,
	NH_ROUTING = 43,
	NH_FRAGMENT = 44,
	NH_ESP = 50,
	NH_AH = 51,
	NH_NONE = 59,
	NH_DSTOPTS = 60,
	NH_MOBILITY = 135,
	NH_HIP = 139,
	NH_SHIM6 = 140,
};

/* What the extension-header walk has seen so far. */
struct exthdr_state {
	uint8_t hh, rh, fh, dh, ah;
	uint32_t off;           /* start of the current header */
	uint8_t nh;             /* its type */
};

/* Checks the TLV options of a hop-by-hop or destination options header
 * o[0..len) (RFC 8200 section 4.2), skipping the two fixed bytes. */
static void check_options(struct nj_packet *p, const uint8_t *o, uint32_t len)
{
	uint32_t off = 2;
	bool zero_padn = false, option = false;

	while (off < len) {
		uint8_t type = o[off], olen;

		if (type == 0) {        /* Pad1 */
			off++;
			continue;
		}
		if (len - off < 2) {
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_INVALID_OPTLEN);
			return;
		}
		olen = o[off + 1];
		if (olen > len - off - 2) {
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_INVALID_OPTLEN);
			return;
		}
		if (type == 1 && olen == 0)
			zero_padn = true;
		else if (type != 1)
			option = true;
		off += 2u + olen;
	}
	/* A two-byte PadN next to a real option is ordinary alignment (MLD
	 * sends PadN + router alert); in a header that carries nothing but
	 * padding it is what covert channels and evasions use. */
	if (zero_padn && !option)
		nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_ZERO_LEN_PADN);
}

/* Length of the extension header at st->off, or 0 when it is truncated. */
static uint32_t exthdr_len(const uint8_t *data, uint32_t len, const struct exthdr_state *st)
{
	uint32_t hl;

	if (!nj_has(len, st->off, 2))
		return 0;
	if (st->nh == NH_AH)
		hl = ((uint32_t)data[st->off + 1] + 2) * 4;
	else if (st->nh == NH_FRAGMENT)
		hl = 8;
	else
		hl = ((uint32_t)data[st->off + 1] + 1) * 8;
	return nj_has(len, st->off, hl) ? hl : 0;
}

static void decode_fragment(struct nj_packet *p, const uint8_t *fh, uint32_t frag_len)
{
	uint16_t offmf = nj_be16(fh + 2);

	if (fh[1] != 0 || (offmf & 0x0006))
		nj_decode_event_add(p, NJ_DEV_IPV6_FH_NON_ZERO_RES_FIELD);
	p->frag_off = offmf & 0xfff8;
	p->frag_mf = (offmf & 0x0001) != 0;
	p->ip6_frag_id = nj_be32(fh + 4);
	p->ip_id = (uint16_t)(p->ip6_frag_id & 0xffff);
	if (p->frag_off == 0 && !p->frag_mf) {
		/* An atomic fragment (RFC 6946): nothing to reassemble. A
		 * datagram the defragmenter rebuilt may keep its header. */
		if (!(p->flags & NJ_PKT_REASSEMBLED))
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_USELESS_FH);
		return;
	}
	p->flags |= NJ_PKT_IS_FRAGMENT;
	if ((uint32_t)p->frag_off + frag_len > 65535)
		nj_decode_event_add(p, NJ_DEV_IPV6_FRAG_PKT_TOO_LARGE);
	if (p->frag_mf && frag_len % 8 != 0)
		nj_decode_event_add(p, NJ_DEV_IPV6_FRAG_INVALID_LENGTH);
}

/* Counts a header for the duplicate checks; hop-by-hop, routing, fragment
 * and AH appear once, destination options at most twice (before and after
 * a routing header). */
static void check_duplicate(struct nj_packet *p, struct exthdr_state *st)
{
	switch (st->nh) {
	case NH_HOPOPTS:
		if (st->hh++)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_DUPL_HH);
		break;
	case NH_ROUTING:
		if (st->rh++)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_DUPL_RH);
		break;
	case NH_FRAGMENT:
		if (st->fh++)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_DUPL_FH);
		break;
	case NH_DSTOPTS:
		if (st->dh++ >= 2)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_DUPL_DH);
		break;
	case NH_AH:
		if (st->ah++)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_DUPL_AH);
		break;
	default:
		break;
	}
}

static bool is_exthdr(uint8_t nh)
{
	switch (nh) {
	case NH_HOPOPTS:
	case NH_ROUTING:
	case NH_FRAGMENT:
	case NH_AH:
	case NH_DSTOPTS:
	case NH_MOBILITY:
	case NH_HIP:
	case NH_SHIM6:
		return true;
	default:
		return false;
	}
}

/* Walks the extension headers in data[40..len). Returns -1 on a truncated
 * header; on return st->off/st->nh name the upper-layer header. */
static int walk_exthdrs(struct nj_packet *p, const uint8_t *data, uint32_t len,
			struct exthdr_state *st)
{
	while (is_exthdr(st->nh)) {
		const uint8_t *h = data + st->off;
		uint32_t hl = exthdr_len(data, len, st);

		if (!hl) {
			nj_decode_event_add(p, NJ_DEV_IPV6_TRUNC_EXTHDR);
			return -1;
		}
		check_duplicate(p, st);
		if (st->nh == NH_HOPOPTS || st->nh == NH_DSTOPTS)
			check_options(p, h, hl);
		else if (st->nh == NH_ROUTING && hl >= 4 && h[2] == 0)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_RH_TYPE_0);
		else if (st->nh == NH_AH && nj_be16(h + 2) != 0)
			nj_decode_event_add(p, NJ_DEV_IPV6_EXTHDR_AH_RES_NOT_NULL);
		else if (st->nh == NH_FRAGMENT)
			decode_fragment(p, h, len - st->off - hl);
		if (p->ip6_exthdrs < UINT8_MAX)
			p->ip6_exthdrs++;
		st->nh = h[0];
		st->off += hl;
		/* Past a fragment header with a non-zero offset the bytes
		 * continue a datagram we do not have the start of. */
		if (p->frag_off)
			break;
	}
	return 0;
}

int nj_decode_ipv6(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	struct exthdr_state st = { 0 };
	uint32_t iplen, plen;

	nj_decode_count(NJ_DC_IPV6);
	if (!nj_has(len, 0, IPV6_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_IPV6_PKT_TOO_SMALL);
		return -1;
	}
	if ((data[0] >> 4) != 6) {
		nj_decode_event_add(p, NJ_DEV_IPV6_WRONG_IP_VER);
		return -1;
	}
	plen = nj_be16(data + 4);
	if (!nj_has(len, IPV6_HDR_LEN, plen)) {
		nj_decode_event_add(p, NJ_DEV_IPV6_TRUNC_PKT);
		p->flags |= NJ_PKT_TRUNCATED;
		iplen = len;
	} else {
		iplen = IPV6_HDR_LEN + plen;
	}

	p->ip_ver = 6;
	nj_addr_set6(&p->src, data + 8);
	nj_addr_set6(&p->dst, data + 24);
	p->l3 = data;
	p->l3_len = iplen;
	p->tos = (uint8_t)(((data[0] & 0x0f) << 4) | (data[1] >> 4));
	p->ttl = data[7];
	p->ip_opts = 0;
	p->ip6_exthdrs = 0;
	p->ip6_frag_id = 0;
	p->ip_id = 0;
	p->frag_off = 0;
	p->frag_mf = p->frag_df = p->frag_rb = false;

	st.off = IPV6_HDR_LEN;
	st.nh = data[6];
	if (walk_exthdrs(p, data, iplen, &st) < 0) {
		p->proto = st.nh;
		p->ip_hlen = (uint16_t)(st.off > UINT16_MAX ? UINT16_MAX : st.off);
		return -1;
	}
	p->proto = st.nh;
	p->ip_hlen = (uint16_t)(st.off > UINT16_MAX ? UINT16_MAX : st.off);
	p->l4 = data + st.off;
	p->l4_len = iplen - st.off;
	nj_decode_set_payload(p, data + st.off, iplen - st.off);

	if (p->frag_off) {
		p->l4 = NULL;
		p->l4_len = 0;
		return 0;
	}
	if (st.nh == NH_NONE) {
		if (iplen > st.off)
			nj_decode_event_add(p, NJ_DEV_IPV6_DATA_AFTER_NONE_HEADER);
		return 0;
	}
	/* Numbers IANA has not assigned (143-252, 255). */
	if (st.nh >= 143 && st.nh != 253 && st.nh != 254)
		nj_decode_event_add(p, NJ_DEV_IPV6_UNKNOWN_NEXT_HEADER);
	return nj_decode_ip_payload(p, st.nh, data + st.off, iplen - st.off);
}
