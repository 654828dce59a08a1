/* TCP header and options (RFC 9293; MSS RFC 9293 3.2, window scale and
 * timestamps RFC 7323, SACK RFC 2018).
 *
 *   0                   1                   2                   3
 *  +-------------------------------+-------------------------------+
 *  |          Source Port          |       Destination Port        |
 *  |                        Sequence Number                        |
 *  |                    Acknowledgment Number                      |
 *  | Offset| Rsrvd |     Flags     |            Window             |
 *  |           Checksum            |         Urgent Pointer        |
 *  |                    Options (Offset > 5)                       |
 *  +---------------------------------------------------------------+
 */
#include "decode/decode_int.h"

#define TCP_HDR_LEN 20

enum {
	TCPOPT_EOL = 0,
	TCPOPT_NOP = 1,
	TCPOPT_MSS = 2,
	TCPOPT_WS = 3,
	TCPOPT_SACKOK = 4,
	TCPOPT_SACK = 5,
	TCPOPT_TS = 8,
};

/* Expected length of a fixed-size option, 0 for variable ones. */
static uint8_t option_fixed_len(uint8_t type)
{
	switch (type) {
	case TCPOPT_MSS: return 4;
	case TCPOPT_WS: return 3;
	case TCPOPT_SACKOK: return 2;
	case TCPOPT_TS: return 10;
	default: return 0;
	}
}

static void store_option(struct nj_packet *p, const uint8_t *o)
{
	switch (o[0]) {
	case TCPOPT_MSS:
		p->tcp.mss = nj_be16(o + 2);
		break;
	case TCPOPT_WS:
		p->tcp.wscale = o[2];
		break;
	case TCPOPT_SACKOK:
		p->tcp.sackok = true;
		break;
	case TCPOPT_TS:
		p->tcp.has_ts = true;
		p->tcp.tsval = nj_be32(o + 2);
		p->tcp.tsecr = nj_be32(o + 6);
		break;
	default:
		break;
	}
}

static void decode_options(struct nj_packet *p, const uint8_t *opt, uint32_t len)
{
	uint32_t seen = 0, off = 0;

	while (off < len) {
		uint8_t type = opt[off], olen, want;

		if (type == TCPOPT_EOL)
			return;
		if (type == TCPOPT_NOP) {
			off++;
			continue;
		}
		if (len - off < 2) {
			nj_decode_event_add(p, NJ_DEV_TCP_OPT_INVALID_LEN);
			return;
		}
		olen = opt[off + 1];
		if (olen < 2 || olen > len - off) {
			nj_decode_event_add(p, NJ_DEV_TCP_OPT_INVALID_LEN);
			return;
		}
		want = option_fixed_len(type);
		if ((want && olen != want) ||
		    (type == TCPOPT_SACK && (olen < 10 || (olen - 2) % 8 != 0))) {
			nj_decode_event_add(p, NJ_DEV_TCP_OPT_INVALID_LEN);
		} else if (type < 32 && (seen & (1u << type))) {
			nj_decode_event_add(p, NJ_DEV_TCP_OPT_DUPLICATE);
		} else {
			if (type < 32)
				seen |= 1u << type;
			store_option(p, opt + off);
		}
		off += olen;
	}
}

int nj_decode_tcp(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint8_t hlen;

	nj_decode_count(NJ_DC_TCP);
	if (!nj_has(len, 0, TCP_HDR_LEN)) {
		if (!nj_decode_in_fragment(p))
			nj_decode_event_add(p, NJ_DEV_TCP_PKT_TOO_SMALL);
		return -1;
	}
	hlen = (uint8_t)((data[12] >> 4) * 4);
	if (hlen < TCP_HDR_LEN) {
		nj_decode_event_add(p, NJ_DEV_TCP_HLEN_TOO_SMALL);
		return -1;
	}
	if (hlen > len) {
		if (!nj_decode_in_fragment(p))
			nj_decode_event_add(p, NJ_DEV_TCP_PKT_TOO_SMALL);
		return -1;
	}

	p->l4 = data;
	p->l4_len = len;
	p->sport = nj_be16(data);
	p->dport = nj_be16(data + 2);
	p->tcp.seq = nj_be32(data + 4);
	p->tcp.ack = nj_be32(data + 8);
	p->tcp.hlen = hlen;
	p->tcp.flags = data[13];
	p->tcp.win = nj_be16(data + 14);
	p->tcp.urp = nj_be16(data + 18);
	p->tcp.mss = 0;
	p->tcp.wscale = 0xff;
	p->tcp.sackok = false;
	p->tcp.has_ts = false;
	p->tcp.tsval = p->tcp.tsecr = 0;
	if (hlen > TCP_HDR_LEN)
		decode_options(p, data + TCP_HDR_LEN, hlen - TCP_HDR_LEN);
	nj_decode_set_payload(p, data + hlen, len - hlen);
	return 0;
}
