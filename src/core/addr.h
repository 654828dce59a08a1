/* IP addresses in one 16-byte form for IPv4 and IPv6.
 *
 * IPv4 addresses occupy b[0..3] in network order with the rest zero, so two
 * addresses compare with memcmp and hash the same way whatever the family.
 */
#ifndef NJ_CORE_ADDR_H
#define NJ_CORE_ADDR_H

#include <stdint.h>
#include <stdbool.h>
#include <string.h>

struct nj_addr {
	uint8_t family;         /* 4 or 6, 0 when unset */
	uint8_t b[16];
};

static inline void nj_addr_set4(struct nj_addr *a, const uint8_t *p)
{
	memset(a, 0, sizeof(*a));
	a->family = 4;
	memcpy(a->b, p, 4);
}

static inline void nj_addr_set6(struct nj_addr *a, const uint8_t *p)
{
	a->family = 6;
	memcpy(a->b, p, 16);
}

static inline bool nj_addr_eq(const struct nj_addr *x, const struct nj_addr *y)
{
	return x->family == y->family && memcmp(x->b, y->b, 16) == 0;
}

static inline int nj_addr_cmp(const struct nj_addr *x, const struct nj_addr *y)
{
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->b, y->b, 16);
}

/* src as packets carry it: an IPv4-mapped IPv6 address (a dual-stack
 * socket's) as IPv4, unused bytes zero. */
void nj_addr_unmap(struct nj_addr *dst, const struct nj_addr *src);

/* Writes the textual form ("1.2.3.4", "2001:db8::1") into buf; returns buf. */
const char *nj_addr_str(const struct nj_addr *a, char *buf, size_t len);

/* Parses "1.2.3.4" or an IPv6 literal; returns 0 or -EINVAL. */
int nj_addr_parse(const char *s, struct nj_addr *out);

#endif
