/* BSD loopback encapsulation: LINKTYPE_NULL (0) and LINKTYPE_LOOP (108).
 * See https://www.tcpdump.org/linktypes/LINKTYPE_NULL.html.
 *
 * A 4-byte address family precedes the IP packet. For NULL it is in the
 * capturing host's byte order, for LOOP in network order, and files are
 * moved between hosts, so both orders are accepted. AF_INET is 2
 * everywhere; AF_INET6 is 24 (NetBSD, OpenBSD, BSD/OS), 28 (FreeBSD,
 * DragonFly), 30 (Darwin) or 10 (Linux).
 */
#include "decode/decode_int.h"

#define NULL_HDR_LEN 4

static int family_version(uint32_t af)
{
	switch (af) {
	case 2:
		return 4;
	case 10:
	case 24:
	case 28:
	case 30:
		return 6;
	default:
		return 0;
	}
}

int nj_decode_null(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint32_t le, be;
	int ver;

	nj_decode_count(NJ_DC_NULL);
	if (!nj_get_le32(data, len, 0, &le) || !nj_get_be32(data, len, 0, &be)) {
		nj_decode_event_add(p, NJ_DEV_LTNULL_PKT_TOO_SMALL);
		return -1;
	}
	ver = family_version(le);
	if (!ver)
		ver = family_version(be);
	data += NULL_HDR_LEN;
	len -= NULL_HDR_LEN;
	if (ver == 4)
		return nj_decode_ipv4(p, data, len);
	if (ver == 6)
		return nj_decode_ipv6(p, data, len);
	nj_decode_event_add(p, NJ_DEV_LTNULL_UNSUPPORTED_TYPE);
	return -1;
}
