/* Target-based policies chosen per destination network.
 *
 * Defrag and TCP reassembly both pick how overlapping data is resolved from
 * the destination address, like Suricata's host-os-policy and
 * defrag.host-config. A table is built at start-up from the config and is
 * read-only afterwards (shared by all workers).
 */
#ifndef NJ_PREPROCESSORS_HOST_POLICY_H
#define NJ_PREPROCESSORS_HOST_POLICY_H

#include <stdint.h>

#include "core/addr.h"

struct nj_config;

/* Overlap policies. Defrag uses FIRST..SOLARIS; TCP uses all but BSD_RIGHT. */
enum nj_overlap_policy {
	NJ_POLICY_BSD = 0,
	NJ_POLICY_FIRST,
	NJ_POLICY_LAST,
	NJ_POLICY_BSD_RIGHT,
	NJ_POLICY_LINUX,
	NJ_POLICY_OLD_LINUX,
	NJ_POLICY_WINDOWS,
	NJ_POLICY_SOLARIS,
	NJ_POLICY_MACOS,
	NJ_POLICY__COUNT
};

/* Policy for a name ("bsd", "windows", "hpux11"...), or -1. */
int nj_policy_lookup(const char *name);
const char *nj_policy_name(int policy);

struct nj_host_policy_entry {
	struct nj_addr net;
	uint8_t prefix;         /* bits */
	uint8_t policy;
	uint32_t timeout;       /* seconds, 0 = table default */
};

struct nj_host_policy {
	struct nj_host_policy_entry *e;
	uint32_t n, cap;
};

/* Adds "10.0.0.0/8", "192.168.1.1" or an IPv6 prefix. Returns 0, -EINVAL
 * or -ENOMEM. */
int nj_host_policy_add(struct nj_host_policy *hp, const char *cidr, int policy, uint32_t timeout);

/* Longest-prefix match for addr; NULL when nothing matches. Borrowed. */
const struct nj_host_policy_entry *nj_host_policy_find(const struct nj_host_policy *hp,
						       const struct nj_addr *addr);

/* Loads Suricata's host-os-policy mapping (policy name -> list of networks)
 * from key (normally "host-os-policy"). Returns 0 or -errno. */
int nj_host_policy_load_os(struct nj_host_policy *hp, const struct nj_config *cfg,
			   const char *key);

/* Frees the entries; hp itself is the caller's. Accepts NULL. */
void nj_host_policy_free(struct nj_host_policy *hp);

#endif
