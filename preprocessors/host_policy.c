/* Per-network overlap policy table (longest-prefix match). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/config.h"
#include "preprocessors/host_policy.h"

static const struct {
	const char *name;
	int policy;
} policy_names[] = {
	{ "bsd", NJ_POLICY_BSD },
	{ "first", NJ_POLICY_FIRST },
	{ "last", NJ_POLICY_LAST },
	{ "bsd-right", NJ_POLICY_BSD_RIGHT },
	{ "bsd_right", NJ_POLICY_BSD_RIGHT },
	{ "linux", NJ_POLICY_LINUX },
	{ "old-linux", NJ_POLICY_OLD_LINUX },
	{ "old_linux", NJ_POLICY_OLD_LINUX },
	{ "windows", NJ_POLICY_WINDOWS },
	{ "solaris", NJ_POLICY_SOLARIS },
	{ "macos", NJ_POLICY_MACOS },
	/* Suricata's host-os-policy aliases */
	{ "hpux10", NJ_POLICY_BSD },
	{ "irix", NJ_POLICY_BSD },
	{ "windows2k3", NJ_POLICY_WINDOWS },
	{ "vista", NJ_POLICY_FIRST },
	{ "old-solaris", NJ_POLICY_FIRST },     /* never takes new data, streams and fragments */
	{ "hpux11", NJ_POLICY_SOLARIS },
};

int nj_policy_lookup(const char *name)
{
	if (!name)
		return -1;
	for (size_t i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (!strcasecmp(name, policy_names[i].name))
			return policy_names[i].policy;
	return -1;
}

const char *nj_policy_name(int policy)
{
	for (size_t i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (policy_names[i].policy == policy)
			return policy_names[i].name;
	return NULL;
}

int nj_host_policy_add(struct nj_host_policy *hp, const char *cidr, int policy, uint32_t timeout)
{
	char buf[64];
	const char *slash = strchr(cidr, '/');
	size_t alen = slash ? (size_t)(slash - cidr) : strlen(cidr);
	struct nj_host_policy_entry e;
	long bits;

	if (alen == 0 || alen >= sizeof(buf) || policy < 0 || policy >= NJ_POLICY__COUNT)
		return -EINVAL;
	memcpy(buf, cidr, alen);
	buf[alen] = '\0';
	memset(&e, 0, sizeof(e));
	if (nj_addr_parse(buf, &e.net) < 0)
		return -EINVAL;
	bits = e.net.family == 4 ? 32 : 128;
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (*end || b < 0 || b > bits)
			return -EINVAL;
		bits = b;
	}
	e.prefix = (uint8_t)bits;
	e.policy = (uint8_t)policy;
	e.timeout = timeout;
	if (hp->n == hp->cap) {
		uint32_t cap = hp->cap ? hp->cap * 2 : 8;
		struct nj_host_policy_entry *ne = realloc(hp->e, cap * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		hp->e = ne;
		hp->cap = cap;
	}
	hp->e[hp->n++] = e;
	return 0;
}

static bool prefix_match(const struct nj_host_policy_entry *e, const struct nj_addr *a)
{
	unsigned full = e->prefix / 8, rest = e->prefix % 8;

	if (e->net.family != a->family)
		return false;
	if (memcmp(e->net.b, a->b, full) != 0)
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));
		if ((e->net.b[full] & mask) != (a->b[full] & mask))
			return false;
	}
	return true;
}

const struct nj_host_policy_entry *nj_host_policy_find(const struct nj_host_policy *hp,
						       const struct nj_addr *addr)
{
	const struct nj_host_policy_entry *best = NULL;

	for (uint32_t i = 0; hp && i < hp->n; i++)
		if (prefix_match(&hp->e[i], addr) && (!best || hp->e[i].prefix > best->prefix))
			best = &hp->e[i];
	return best;
}

struct os_load {
	struct nj_host_policy *hp;
	const struct nj_config *cfg;
	const char *key;
	int rc;
};

static void load_os_policy(const char *name, const char *value, void *arg)
{
	struct os_load *ld = arg;
	char k[256];
	int policy = nj_policy_lookup(name);

	if (policy < 0) {
		ld->rc = -EINVAL;
		return;
	}
	snprintf(k, sizeof(k), "%s.%s", ld->key, name);
	if (value && *value) {
		int rc = nj_host_policy_add(ld->hp, value, policy, 0);
		if (rc < 0)
			ld->rc = rc;
		return;
	}
	size_t n = nj_config_seq_len(ld->cfg, k);
	for (size_t i = 0; i < n; i++) {
		char ik[400];
		snprintf(ik, sizeof(ik), "%s.%zu", k, i);
		const char *net = nj_config_get(ld->cfg, ik);
		if (!net || nj_host_policy_add(ld->hp, net, policy, 0) < 0)
			ld->rc = -EINVAL;
	}
}

int nj_host_policy_load_os(struct nj_host_policy *hp, const struct nj_config *cfg,
			   const char *key)
{
	struct os_load ld = { hp, cfg, key, 0 };

	if (!cfg)
		return 0;
	nj_config_each_child(cfg, key, load_os_policy, &ld);
	return ld.rc;
}

void nj_host_policy_free(struct nj_host_policy *hp)
{
	if (!hp)
		return;
	free(hp->e);
	hp->e = NULL;
	hp->n = hp->cap = 0;
}
