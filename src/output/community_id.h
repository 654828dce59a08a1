/* Community ID flow hashing, version 1 (the Community ID specification,
 * https://github.com/corelight/community-id-spec). */
#ifndef NJ_OUTPUT_COMMUNITY_ID_H
#define NJ_OUTPUT_COMMUNITY_ID_H

#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

/* "1:" + 28 base64 characters + NUL */
#define NJ_COMMUNITY_ID_LEN 31

/* Computes the ID of the flow saddr:sport -> daddr:dport over proto into out
 * (outlen >= NJ_COMMUNITY_ID_LEN). For ICMP (1) and ICMPv6 (58) pass the
 * type as sport and the code as dport; they are mapped as the specification
 * says (request/reply types pair up, other types are one-way). Ports are
 * ignored for protocols other than TCP, UDP, SCTP, ICMP and ICMPv6.
 * Returns 0, -EINVAL (address families differ or unset) or -ENOSPC. */
int nj_community_id(uint16_t seed, const struct nj_addr *saddr, const struct nj_addr *daddr,
		    uint16_t sport, uint16_t dport, uint8_t proto, char *out, size_t outlen);

#endif
