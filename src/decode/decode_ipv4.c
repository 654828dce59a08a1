/* IPv4 (RFC 791), including option checks and fragment fields.
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-------+-------+---------------+-------------------------------+
 *  |Version|  IHL  |Type of Service|          Total Length         |
 *  +-------+-------+---------------+-----+-------------------------+
 *  |         Identification        |Flags|      Fragment Offset    |
 *  +---------------+---------------+-----+-------------------------+
 *  |  Time to Live |    Protocol   |         Header Checksum       |
 *  +---------------+---------------+-------------------------------+
 *  |                       Source Address                          |
 *  |                    Destination Address                        |
 *  |                    Options (IHL > 5)                          |
 *  +---------------------------------------------------------------+
 */
#include <string.h>

#include "decode/decode_int.h"

#define IPV4_HDR_LEN 20

enum {
	IPOPT_EOL = 0,
	IPOPT_NOP = 1,
	IPOPT_RR = 7,
	IPOPT_QS = 25,          /* RFC 4782 */
	IPOPT_TS = 68,
	IPOPT_SEC = 130,
	IPOPT_LSRR = 131,
	IPOPT_ESEC = 133,
	IPOPT_CIPSO = 134,
	IPOPT_SATID = 136,
	IPOPT_SSRR = 137,
	IPOPT_RTRALT = 148,     /* RFC 2113 */
};

/* The nj_ipopt bit of an option type; 0 for types known without a bit,
 * -1 for unknown types. */
static int option_bit(uint8_t type)
{
	switch (type) {
	case IPOPT_RR: return NJ_IPOPT_RR;
	case IPOPT_TS: return NJ_IPOPT_TS;
	case IPOPT_SEC: return NJ_IPOPT_SEC;
	case IPOPT_LSRR: return NJ_IPOPT_LSRR;
	case IPOPT_ESEC: return NJ_IPOPT_ESEC;
	case IPOPT_SATID: return NJ_IPOPT_SATID;
	case IPOPT_SSRR: return NJ_IPOPT_SSRR;
	case IPOPT_RTRALT: return NJ_IPOPT_RTRALT;
	case IPOPT_QS:
	case IPOPT_CIPSO:
		return 0;
	default:
		return -1;
	}
}

/* Structure checks on one multi-byte option o[0..olen) (olen >= 2).
 * Returns false when the option is malformed. */
static bool option_valid(struct nj_packet *p, const uint8_t *o, uint8_t olen)
{
	switch (o[0]) {
	case IPOPT_RR:
	case IPOPT_LSRR:
	case IPOPT_SSRR:
		/* type, length, pointer, then 4-byte addresses; the
		 * pointer is 1-based and starts at 4 (RFC 791). */
		if (olen < 3 || (olen - 3) % 4 != 0) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID_LEN);
			return false;
		}
		if (o[2] < 4 || o[2] > olen + 1 || o[2] % 4 != 0) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_MALFORMED);
			return false;
		}
		return true;
	case IPOPT_TS: {
		uint8_t flag, entry;

		if (olen < 4) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID_LEN);
			return false;
		}
		flag = o[3] & 0x0f;
		entry = flag == 0 ? 4 : 8;
		if ((flag != 0 && flag != 1 && flag != 3) || (olen - 4) % entry != 0 ||
		    o[2] < 5 || o[2] > olen + 1 || (o[2] - 5) % entry != 0) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_MALFORMED);
			return false;
		}
		return true;
	}
	case IPOPT_SATID:
	case IPOPT_RTRALT:
		if (olen != 4) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID_LEN);
			return false;
		}
		return true;
	case IPOPT_SEC:
	case IPOPT_ESEC:
	case IPOPT_CIPSO:
		if (olen < 3) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID_LEN);
			return false;
		}
		return true;
	default:
		return true;
	}
}

/* Walks the options in opt[0..len). Returns -1 when an option length makes
 * the rest of the list unparseable. */
static int decode_options(struct nj_packet *p, const uint8_t *opt, uint32_t len)
{
	uint64_t seen[4] = { 0 };
	uint32_t off = 0;

	p->ip_opts |= NJ_IPOPT_ANY;
	while (off < len) {
		uint8_t type = opt[off], olen;
		int bit;

		if (type == IPOPT_EOL) {
			p->ip_opts |= NJ_IPOPT_EOL;
			return 0;       /* the rest is padding */
		}
		if (type == IPOPT_NOP) {
			p->ip_opts |= NJ_IPOPT_NOP;
			off++;
			continue;
		}
		if (len - off < 2) {
			/* A lone byte of a multi-byte option at the end. */
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_EOL_REQUIRED);
			return 0;
		}
		olen = opt[off + 1];
		if (olen < 2 || olen > len - off) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID_LEN);
			return -1;
		}
		bit = option_bit(type);
		if (bit < 0) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_INVALID);
		} else if (seen[type / 64] & (1ull << (type % 64))) {
			nj_decode_event_add(p, NJ_DEV_IPV4_OPT_DUPLICATE);
		} else {
			seen[type / 64] |= 1ull << (type % 64);
			if (option_valid(p, opt + off, olen))
				p->ip_opts |= (uint16_t)bit;
		}
		off += olen;
	}
	return 0;
}

static void set_fragment(struct nj_packet *p, uint16_t fl, uint32_t plen)
{
	p->frag_rb = (fl & 0x8000) != 0;
	p->frag_df = (fl & 0x4000) != 0;
	p->frag_mf = (fl & 0x2000) != 0;
	p->frag_off = (uint16_t)((fl & 0x1fff) * 8);
	if (p->frag_mf || p->frag_off) {
		p->flags |= NJ_PKT_IS_FRAGMENT;
		if ((uint32_t)p->frag_off + plen > 65535)
			nj_decode_event_add(p, NJ_DEV_IPV4_FRAG_PKT_TOO_LARGE);
	}
}

int nj_decode_ipv4(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint16_t hlen, tot;
	uint32_t iplen;

	nj_decode_count(NJ_DC_IPV4);
	if (!nj_has(len, 0, IPV4_HDR_LEN)) {
		nj_decode_event_add(p, NJ_DEV_IPV4_PKT_TOO_SMALL);
		return -1;
	}
	if ((data[0] >> 4) != 4) {
		nj_decode_event_add(p, NJ_DEV_IPV4_WRONG_IP_VER);
		return -1;
	}
	hlen = (uint16_t)((data[0] & 0x0f) * 4);
	tot = nj_be16(data + 2);
	/* A zero total length is what captures of TCP segmentation offload
	 * show for the large segments the NIC splits later: the captured
	 * bytes are the datagram. */
	if (tot == 0 && len >= hlen)
		tot = (uint16_t)(len > UINT16_MAX ? UINT16_MAX : len);
	if (hlen < IPV4_HDR_LEN) {
		nj_decode_event_add(p, NJ_DEV_IPV4_HLEN_TOO_SMALL);
		return -1;
	}
	if (tot < hlen) {
		nj_decode_event_add(p, NJ_DEV_IPV4_IPLEN_SMALLER_THAN_HLEN);
		return -1;
	}
	if (!nj_has(len, 0, hlen)) {
		nj_decode_event_add(p, NJ_DEV_IPV4_TRUNC_PKT);
		p->flags |= NJ_PKT_TRUNCATED;
		return -1;
	}
	if (tot > len) {
		/* Decode what was captured; checksums are not checked. */
		nj_decode_event_add(p, NJ_DEV_IPV4_TRUNC_PKT);
		p->flags |= NJ_PKT_TRUNCATED;
		iplen = len;
	} else {
		iplen = tot;    /* drops link-layer padding */
	}

	p->ip_ver = 4;
	nj_addr_set4(&p->src, data + 12);
	nj_addr_set4(&p->dst, data + 16);
	p->l3 = data;
	p->l3_len = iplen;
	p->ip_hlen = hlen;
	p->tos = data[1];
	p->ip_id = nj_be16(data + 4);
	p->ttl = data[8];
	p->proto = data[9];
	p->ip_opts = 0;
	p->ip6_exthdrs = 0;
	p->ip6_frag_id = 0;
	set_fragment(p, nj_be16(data + 6), iplen - hlen);

	p->l4 = data + hlen;
	p->l4_len = iplen - hlen;
	nj_decode_set_payload(p, data + hlen, iplen - hlen);

	if (hlen > IPV4_HDR_LEN &&
	    decode_options(p, data + IPV4_HDR_LEN, hlen - IPV4_HDR_LEN) < 0)
		return -1;

	/* Only the first fragment holds the transport header. */
	if (p->frag_off) {
		p->l4 = NULL;
		p->l4_len = 0;
		return 0;
	}
	return nj_decode_ip_payload(p, p->proto, data + hlen, iplen - hlen);
}
