/* Community ID v1: "1:" + base64(SHA-1(seed . saddr . daddr . proto . 0 .
 * sport . dport)), all in network order, endpoints put in a canonical order
 * so that both directions of a flow hash alike. */
#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/sha.h>

#include "output/community_id.h"

/* ICMP types that have a counterpart (echo request/reply and friends): the
 * counterpart stands in for the destination port. */
static bool icmp_pair(uint8_t proto, uint8_t type, uint8_t *other)
{
	static const uint8_t v4[][2] = {
		{ 8, 0 }, { 0, 8 }, { 13, 14 }, { 14, 13 }, { 15, 16 },
		{ 16, 15 }, { 10, 9 }, { 9, 10 }, { 17, 18 }, { 18, 17 },
	};
	static const uint8_t v6[][2] = {
		{ 128, 129 }, { 129, 128 }, { 133, 134 }, { 134, 133 }, { 135, 136 },
		{ 136, 135 }, { 139, 140 }, { 140, 139 }, { 144, 145 }, { 145, 144 },
	};
	const uint8_t (*t)[2] = proto == 1 ? v4 : v6;
	size_t n = proto == 1 ? sizeof(v4) / sizeof(v4[0]) : sizeof(v6) / sizeof(v6[0]);

	for (size_t i = 0; i < n; i++) {
		if (t[i][0] == type) {
			*other = t[i][1];
			return true;
		}
	}
	return false;
}

static bool has_ports(uint8_t proto)
{
	return proto == 6 || proto == 17 || proto == 132 || proto == 1 || proto == 58;
}

int nj_community_id(uint16_t seed, const struct nj_addr *saddr, const struct nj_addr *daddr,
		    uint16_t sport, uint16_t dport, uint8_t proto, char *out, size_t outlen)
{
	const struct nj_addr *a = saddr, *b = daddr;
	uint8_t buf[2 + 16 + 16 + 2 + 4], md[SHA_DIGEST_LENGTH];
	uint16_t pa = sport, pb = dport;
	bool one_way = false, ports = has_ports(proto);
	size_t alen, n = 0;
	int cmp;

	if (outlen < NJ_COMMUNITY_ID_LEN)
		return -ENOSPC;
	if (saddr->family != daddr->family || (saddr->family != 4 && saddr->family != 6))
		return -EINVAL;
	alen = saddr->family == 4 ? 4 : 16;
	if (proto == 1 || proto == 58) {
		uint8_t other;
		if (icmp_pair(proto, (uint8_t)sport, &other)) {
			pb = other;
		} else {
			pb = dport;
			one_way = true;
		}
	}
	cmp = memcmp(a->b, b->b, alen);
	if (!one_way && (cmp > 0 || (cmp == 0 && ports && pa > pb))) {
		const struct nj_addr *t = a;
		uint16_t tp = pa;
		a = b;
		b = t;
		pa = pb;
		pb = tp;
	}
	buf[n++] = (uint8_t)(seed >> 8);
	buf[n++] = (uint8_t)seed;
	memcpy(buf + n, a->b, alen);
	n += alen;
	memcpy(buf + n, b->b, alen);
	n += alen;
	buf[n++] = proto;
	buf[n++] = 0;
	if (ports) {
		buf[n++] = (uint8_t)(pa >> 8);
		buf[n++] = (uint8_t)pa;
		buf[n++] = (uint8_t)(pb >> 8);
		buf[n++] = (uint8_t)pb;
	}
	SHA1(buf, n, md);
	memcpy(out, "1:", 2);
	/* EVP_EncodeBlock writes 28 characters and a NUL for 20 bytes. */
	EVP_EncodeBlock((unsigned char *)out + 2, md, SHA_DIGEST_LENGTH);
	return 0;
}
