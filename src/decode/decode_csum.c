/* Internet checksums (RFC 1071) of IPv4 headers and of TCP, UDP, ICMP and
 * ICMPv6 with their pseudo-headers (RFC 9293 3.1, RFC 768, RFC 8200 8.1).
 */
#include "decode/decode_int.h"

uint32_t nj_decode_csum_add(uint32_t sum, const uint8_t *data, uint32_t len)
{
	uint64_t s = sum;
	uint32_t i = 0;

	for (; i + 1 < len; i += 2)
		s += (uint32_t)((data[i] << 8) | data[i + 1]);
	if (i < len)
		s += (uint32_t)(data[i] << 8);
	while (s >> 32)
		s = (s & 0xffffffff) + (s >> 32);
	return (uint32_t)s;
}

uint16_t nj_decode_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

bool nj_decode_ipv4_csum_ok(const struct nj_packet *p)
{
	if (p->ip_ver != 4 || !p->l3 || p->ip_hlen < 20 || p->l3_len < p->ip_hlen)
		return true;
	return nj_decode_csum_fold(nj_decode_csum_add(0, p->l3, p->ip_hlen)) == 0xffff;
}

static uint32_t pseudo_header(const struct nj_packet *p, uint8_t proto, uint32_t len)
{
	uint32_t sum;

	if (p->ip_ver == 4) {
		sum = nj_decode_csum_add(0, p->src.b, 4);
		sum = nj_decode_csum_add(sum, p->dst.b, 4);
	} else {
		sum = nj_decode_csum_add(0, p->src.b, 16);
		sum = nj_decode_csum_add(sum, p->dst.b, 16);
	}
	return sum + proto + (len >> 16) + (len & 0xffff);
}

bool nj_decode_l4_csum_ok(const struct nj_packet *p)
{
	uint32_t sum;
	uint16_t field;

	if (!p->l4 || (p->flags & (NJ_PKT_IS_FRAGMENT | NJ_PKT_TRUNCATED)) ||
	    (p->ip_ver != 4 && p->ip_ver != 6))
		return true;

	switch (p->proto) {
	case 6:
		if (p->l4_len < 20)
			return true;
		sum = pseudo_header(p, 6, p->l4_len);
		break;
	case 17:
		if (!nj_get_be16(p->l4, p->l4_len, 6, &field))
			return true;
		if (field == 0)
			return p->ip_ver == 4;
		sum = pseudo_header(p, 17, p->l4_len);
		break;
	case 1:
		if (p->ip_ver != 4 || p->l4_len < 8)
			return true;
		sum = 0;
		break;
	case 58:
		if (p->ip_ver != 6 || p->l4_len < 8)
			return true;
		sum = pseudo_header(p, 58, p->l4_len);
		break;
	default:
		return true;
	}
	return nj_decode_csum_fold(nj_decode_csum_add(sum, p->l4, p->l4_len)) == 0xffff;
}

bool nj_decode_tcp_csum(const struct nj_packet *p, uint16_t *csum)
{
	if (!p->l4 || p->proto != 6 || p->l4_len < 20 || (p->ip_ver != 4 && p->ip_ver != 6) ||
	    (p->flags & (NJ_PKT_IS_FRAGMENT | NJ_PKT_TRUNCATED)))
		return false;
	uint32_t sum = pseudo_header(p, 6, p->l4_len);
	sum = nj_decode_csum_add(sum, p->l4, 16);       /* up to the checksum field */
	sum = nj_decode_csum_add(sum, p->l4 + 18, p->l4_len - 18);
	*csum = (uint16_t)~nj_decode_csum_fold(sum);
	return true;
}
