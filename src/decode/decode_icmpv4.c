/* ICMP for IPv4 (RFC 792, RFC 950 address masks).
 *
 *  +--------+--------+-----------------+-----------------------------+
 *  |  type  |  code  |    checksum     | id / seq, or unused / MTU   |
 *  +--------+--------+-----------------+-----------------------------+
 *  | data: for errors, the offending IPv4 header + 8 bytes           |
 */
#include "decode/decode_int.h"

#define ICMP_HDR_LEN 8

/* Highest code defined for a type, or -1 for a type we do not know. */
static int max_code(uint8_t type)
{
	switch (type) {
	case 0:  /* echo reply */
	case 4:  /* source quench */
	case 8:  /* echo */
	case 10: /* router solicitation */
	case 13: case 14: case 15: case 16: case 17: case 18:
		return 0;
	case 3:  /* destination unreachable, RFC 1812 adds 13-15 */
		return 15;
	case 5:  /* redirect */
		return 3;
	case 9:  /* router advertisement, 16 per RFC 2002 */
		return 16;
	case 11: /* time exceeded */
		return 1;
	case 12: /* parameter problem */
		return 2;
	case 30: /* traceroute, RFC 1393 */
	case 40: /* photuris, RFC 2521 */
	case 42: case 43: /* extended echo, RFC 8335 */
	case 253: case 254: /* experiments, RFC 4727 */
		return 255;
	default:
		return -1;
	}
}

static bool is_error(uint8_t type)
{
	return type == 3 || type == 4 || type == 5 || type == 11 || type == 12;
}

static bool has_id(uint8_t type)
{
	return type == 0 || type == 8 || (type >= 13 && type <= 18);
}

int nj_decode_icmpv4(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	int mc;

	nj_decode_count(NJ_DC_ICMPV4);
	if (!nj_has(len, 0, ICMP_HDR_LEN)) {
		if (!nj_decode_in_fragment(p))
			nj_decode_event_add(p, NJ_DEV_ICMPV4_PKT_TOO_SMALL);
		return -1;
	}
	p->l4 = data;
	p->l4_len = len;
	p->icmp.type = data[0];
	p->icmp.code = data[1];
	if (has_id(data[0])) {
		p->icmp.has_id = true;
		p->icmp.id = nj_be16(data + 4);
		p->icmp.seq = nj_be16(data + 6);
	}
	nj_decode_set_payload(p, data + ICMP_HDR_LEN, len - ICMP_HDR_LEN);

	mc = max_code(data[0]);
	if (mc < 0)
		nj_decode_event_add(p, NJ_DEV_ICMPV4_UNKNOWN_TYPE);
	else if (data[1] > mc)
		nj_decode_event_add(p, NJ_DEV_ICMPV4_UNKNOWN_CODE);

	if (is_error(data[0]) && !nj_decode_in_fragment(p)) {
		if (!nj_has(len, ICMP_HDR_LEN, 20))
			nj_decode_event_add(p, NJ_DEV_ICMPV4_IPV4_TRUNC_PKT);
		else if ((data[ICMP_HDR_LEN] >> 4) != 4)
			nj_decode_event_add(p, NJ_DEV_ICMPV4_IPV4_UNKNOWN_VER);
	}
	return 0;
}
