/* Textual forms of struct nj_addr. */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>

#include "core/addr.h"

void nj_addr_unmap(struct nj_addr *dst, const struct nj_addr *src)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	memset(dst, 0, sizeof(*dst));
	if (src->family == 6 && memcmp(src->b, mapped, 12) == 0) {
		dst->family = 4;
		memcpy(dst->b, src->b + 12, 4);
	} else {
		dst->family = src->family;
		memcpy(dst->b, src->b, src->family == 4 ? 4 : 16);
	}
}

const char *nj_addr_str(const struct nj_addr *a, char *buf, size_t len)
{
	if (a->family == 4) {
		if (!inet_ntop(AF_INET, a->b, buf, (socklen_t)len))
			snprintf(buf, len, "?");
	} else if (a->family == 6) {
		if (!inet_ntop(AF_INET6, a->b, buf, (socklen_t)len))
			snprintf(buf, len, "?");
	} else {
		snprintf(buf, len, "0.0.0.0");
	}
	return buf;
}

int nj_addr_parse(const char *s, struct nj_addr *out)
{
	uint8_t tmp[16];

	if (inet_pton(AF_INET, s, tmp) == 1) {
		nj_addr_set4(out, tmp);
		return 0;
	}
	if (inet_pton(AF_INET6, s, tmp) == 1) {
		nj_addr_set6(out, tmp);
		return 0;
	}
	return -EINVAL;
}
