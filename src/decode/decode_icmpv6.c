/* ICMPv6 (RFC 4443), with the MLD (RFC 2710, RFC 3810) hop-limit rule.
 *
 *  +--------+--------+-----------------+-----------------------------+
 *  |  type  |  code  |    checksum     | id / seq, or message body   |
 *  +--------+--------+-----------------+-----------------------------+
 */
#include "decode/decode_int.h"

#define ICMPV6_HDR_LEN 8

/* Highest code defined for a type, or -1 when codes are not checked. */
static int max_code(uint8_t type)
{
	switch (type) {
	case 1: return 8;       /* unreachable; 7 RFC 6550, 8 RFC 8883 */
	case 2: return 0;       /* packet too big */
	case 3: return 1;       /* time exceeded */
	case 4: return 3;       /* parameter problem; 3 RFC 7112 */
	case 128: case 129:     /* echo */
	case 130: case 131: case 132: case 143:        /* MLD */
	case 133: case 134: case 135: case 136: case 137:       /* ND */
		return 0;
	default:
		return -1;
	}
}

static void check_type(struct nj_packet *p, uint8_t type, uint8_t code)
{
	int mc = max_code(type);

	if (mc >= 0) {
		if (code > mc)
			nj_decode_event_add(p, NJ_DEV_ICMPV6_UNKNOWN_CODE);
		return;
	}
	if (type == 100 || type == 101 || type == 200 || type == 201)
		nj_decode_event_add(p, NJ_DEV_ICMPV6_EXPERIMENTATION_TYPE);
	else if ((type > 4 && type < 100) || (type > 101 && type < 127) ||
		 (type > 161 && type < 200) || (type > 201 && type < 255))
		nj_decode_event_add(p, NJ_DEV_ICMPV6_UNASSIGNED_TYPE);
	else if (type == 0 || type == 127 || type == 255)
		nj_decode_event_add(p, NJ_DEV_ICMPV6_UNKNOWN_TYPE);
}

int nj_decode_icmpv6(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint8_t type;

	nj_decode_count(NJ_DC_ICMPV6);
	if (!nj_has(len, 0, ICMPV6_HDR_LEN)) {
		if (!nj_decode_in_fragment(p))
			nj_decode_event_add(p, NJ_DEV_ICMPV6_PKT_TOO_SMALL);
		return -1;
	}
	type = data[0];
	p->l4 = data;
	p->l4_len = len;
	p->icmp.type = type;
	p->icmp.code = data[1];
	if (type == 128 || type == 129) {
		p->icmp.has_id = true;
		p->icmp.id = nj_be16(data + 4);
		p->icmp.seq = nj_be16(data + 6);
	}
	nj_decode_set_payload(p, data + ICMPV6_HDR_LEN, len - ICMPV6_HDR_LEN);
	check_type(p, type, data[1]);

	/* MLD messages are link-local: sent with a hop limit of 1. */
	if ((type == 130 || type == 131 || type == 132 || type == 143) && p->ttl != 1)
		nj_decode_event_add(p, NJ_DEV_ICMPV6_MLD_MESSAGE_WITH_INVALID_HL);

	if (type >= 1 && type <= 4 && !nj_decode_in_fragment(p)) {
		if (!nj_has(len, ICMPV6_HDR_LEN, 40))
			nj_decode_event_add(p, NJ_DEV_ICMPV6_IPV6_TRUNC_PKT);
		else if ((data[ICMPV6_HDR_LEN] >> 4) != 6)
			nj_decode_event_add(p, NJ_DEV_ICMPV6_IPV6_UNKNOWN_VER);
	}
	return 0;
}
