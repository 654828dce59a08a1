/* Rule grouping and Hyperscan multi-pattern prefiltering.
 *
 * Groups: per protocol class, rules are keyed by their destination port set
 * (or source port set when the destination is `any`), so a packet scans the
 * databases of the port groups its ports fall in plus the class's `any`
 * group. Identical port sets ($HTTP_PORTS) share one group, which keeps the
 * number of databases, and so compile time, small.
 *
 * Within a group, each buffer has one database of the distinct fast
 * patterns (Hyperscan's literal API, single-match); a pattern maps to the
 * rules that chose it. Rules without a fast pattern are indexed by the
 * addresses in their header when those are a positive list (the IP
 * reputation rules of ET), and otherwise always evaluated.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <hs/hs.h>

#include "core/packet.h"
#include "core/syscall.h"
#include "detect/addrport.h"
#include "core/config.h"
#include "detect/engine.h"
#include "detect/hs_cache.h"
#include "detect/prefilter.h"

struct pf_db {
	int buf;
	hs_database_t *db;
	uint32_t *pat_start;            /* CSR: rules of pattern i are */
	uint32_t *pat_rules;            /* pat_rules[pat_start[i]..pat_start[i+1]) */
	uint32_t npat;
};

/* Address index entry: rules whose header address list holds this CIDR. */
struct addr_entry {
	struct nj_cidr cidr;
	uint32_t rule;
};

struct addr_index {
	struct addr_entry *e;           /* sorted by family, bits, address */
	uint32_t n;
	/* distinct (family, bits) segments: [seg_start[i], seg_start[i+1]) */
	uint32_t *seg_start;
	uint32_t nseg;
};

struct pf_group {
	uint32_t *rules;
	uint32_t nrules, caprules;
	struct pf_db *dbs;
	uint32_t ndbs;
	uint32_t *always;
	uint32_t nalways;
	struct addr_index by_src, by_dst;
	char *key;
	bool no_index;                  /* syscall groups: no addresses to index by */
};

/* A port map: for each port, the index of a list of group ids. */
struct port_map {
	uint16_t *list_of_port;         /* 65536 entries */
	uint32_t **lists;               /* lists[i] = group ids, terminated by UINT32_MAX */
	uint32_t nlists;
};

struct pclass {
	uint32_t any_group;             /* UINT32_MAX if none */
	struct port_map dmap, smap;
};

struct nj_prefilter {
	const struct nj_ruleset *rs;
	struct pf_group *groups;
	uint32_t ngroups, capgroups;
	struct pclass pc[NJ_PC__COUNT];
	uint32_t sc_group[NJ_SC__COUNT];        /* group of each event type, or UINT32_MAX */
	hs_scratch_t *proto_scratch;
	uint32_t nrules;
	uint8_t *action_rank;           /* per rule */
	const char *cache_dir;          /* compiled databases on disk, or NULL */
	bool used[NJ_BUF__COUNT];       /* buffers with a database */
	/* a rule with app-layer buffers and a packet-data fast pattern that
	 * is not TCP-only: the in-order data is scanned as packet data too */
	bool inorder_as_pkt;
	struct nj_hs_cache_stats cache;
};

struct nj_pf_thread {
	hs_scratch_t *scratch;
	uint32_t *stamp;                /* per rule: generation when added */
	uint32_t gen;
	uint32_t *cand;
	uint32_t ncand;
	const struct nj_prefilter *pf;
	const struct pf_db *cur_db;
};

/* ---- building ---- */

static uint8_t pclass_of(const struct nj_rule *r)
{
	switch (r->proto) {
	case NJ_RPROTO_IP: return NJ_PC_IP;
	case NJ_RPROTO_TCP: case NJ_RPROTO_TCP_STREAM: return NJ_PC_TCP;
	case NJ_RPROTO_TCP_PKT: return NJ_PC_TCP_PKT;
	case NJ_RPROTO_UDP: return NJ_PC_UDP;
	case NJ_RPROTO_ICMP: case NJ_RPROTO_ICMPV4: case NJ_RPROTO_ICMPV6: return NJ_PC_ICMP;
	case NJ_RPROTO_APP:
		return r->app_proto == NJ_APP_DNS ? NJ_PC_IP : NJ_PC_TCP;
	case NJ_RPROTO_SYSCALL: return NJ_PC_SYSCALL;
	default: return NJ_PC_OTHER;
	}
}

static bool has_ports(uint8_t pc)
{
	return pc == NJ_PC_TCP || pc == NJ_PC_TCP_PKT || pc == NJ_PC_UDP;
}

static int group_find_or_add(struct nj_prefilter *pf, const char *key)
{
	for (uint32_t i = 0; i < pf->ngroups; i++)
		if (strcmp(pf->groups[i].key, key) == 0)
			return (int)i;
	if (pf->ngroups == pf->capgroups) {
		uint32_t cap = pf->capgroups ? pf->capgroups * 2 : 32;
		struct pf_group *ng = realloc(pf->groups, cap * sizeof(*ng));
		if (!ng)
			return -ENOMEM;
		pf->groups = ng;
		pf->capgroups = cap;
	}
	memset(&pf->groups[pf->ngroups], 0, sizeof(struct pf_group));
	if (!(pf->groups[pf->ngroups].key = strdup(key)))
		return -ENOMEM;
	return (int)pf->ngroups++;
}

static int group_add_rule(struct pf_group *g, uint32_t rule)
{
	if (g->nrules == g->caprules) {
		uint32_t cap = g->caprules ? g->caprules * 2 : 64;
		uint32_t *nr = realloc(g->rules, cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		g->rules = nr;
		g->caprules = cap;
	}
	g->rules[g->nrules++] = rule;
	return 0;
}

/* Group key: class, then "D:<ports>", "S:<ports>" or "any". */
static void group_key(const struct nj_rule *r, uint8_t pc, char *key, size_t len)
{
	char ports[1024];

	if (!has_ports(pc) || (r->flags & NJ_RULE_BIDIR) ||
	    ((r->dp->any && !r->dp->nneg) && (r->sp->any && !r->sp->nneg))) {
		snprintf(key, len, "%u:any", pc);
	} else if (!(r->dp->any && !r->dp->nneg)) {
		nj_portset_dump(r->dp, ports, sizeof(ports));
		snprintf(key, len, "%u:D:%s", pc, ports);
	} else {
		nj_portset_dump(r->sp, ports, sizeof(ports));
		snprintf(key, len, "%u:S:%s", pc, ports);
	}
}

struct pat {
	const uint8_t *bytes;
	uint32_t len;
	bool nocase;
	uint32_t id;
	uint32_t rule;
};

static int pat_cmp(const void *a, const void *b)
{
	const struct pat *x = a, *y = b;

	if (x->nocase != y->nocase)
		return x->nocase - y->nocase;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	int c = memcmp(x->bytes, y->bytes, x->len);
	if (c)
		return c;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

/* The buffer a rule's fast pattern is scanned in. A rule that also
 * inspects app-layer buffers sees the in-order stream data, the others the
 * raw window (doc/stream.md): its stream and packet-data patterns go to the
 * stream.inorder database, scanned over the in-order data only, so that
 * the bytes of a stream are scanned once for each kind of rule. */
static int rule_fp_buf(const struct nj_rule *r)
{
	bool tcp_only = r->proto == NJ_RPROTO_TCP || r->proto == NJ_RPROTO_TCP_STREAM ||
			(r->proto == NJ_RPROTO_APP && r->app_proto != NJ_APP_DNS);

	if ((r->flags & NJ_RULE_APP_BUFS) && tcp_only &&
	    (r->fp_buf == NJ_BUF_PKT || r->fp_buf == NJ_BUF_STREAM))
		return NJ_BUF_STREAM_INORDER;
	return r->fp_buf;
}

/* Whether rule r's fast pattern goes to the database of buffer buf. The
 * payload of a packet that reassembly took is inspected by tcp-pkt rules
 * (their class scans it as packet data) and by the tcp rules that see
 * packets as well or instead of the stream (NJ_RULE_ALSO_PACKET,
 * flow:no_stream): the packet-data fast patterns of those are also in the
 * pkt.instream database, scanned over that payload only, so that the
 * stream rules of their class do not scan it. */
static bool fp_in_db(const struct nj_rule *r, int buf)
{
	if (buf == NJ_BUF_PKT_INSTREAM)
		return (r->flags & (NJ_RULE_ALSO_PACKET | NJ_RULE_NO_STREAM)) &&
		       r->proto != NJ_RPROTO_TCP_PKT && rule_fp_buf(r) == NJ_BUF_PKT;
	return rule_fp_buf(r) == buf;
}

/* Compiles one database over the fast patterns of the group's rules that
 * use buffer buf. */
static int build_db(struct nj_prefilter *pf, struct pf_group *g, int buf, char *err, size_t errlen)
{
	const struct nj_ruleset *rs = pf->rs;
	struct pat *pats = calloc(g->nrules, sizeof(*pats));
	uint32_t n = 0, npat = 0;
	struct pf_db db = { .buf = buf };
	const char **exprs = NULL;
	size_t *lens = NULL;
	unsigned *flags = NULL, *ids = NULL;
	hs_compile_error_t *cerr = NULL;
	int rc = -ENOMEM;

	if (!pats)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->nrules; i++) {
		const struct nj_rule *r = rs->rules[g->rules[i]];
		const struct nj_content *c = r->fp;
		if (!c || !fp_in_db(r, buf))
			continue;
		pats[n].bytes = c->pat + c->fp_off + r->fp_dot;
		pats[n].len = (c->fp_len ? c->fp_len : c->len) - r->fp_dot;
		pats[n].nocase = c->nocase;
		pats[n].rule = g->rules[i];
		n++;
	}
	qsort(pats, n, sizeof(*pats), pat_cmp);
	for (uint32_t i = 0; i < n; i++) {
		if (i > 0 && pats[i].nocase == pats[i - 1].nocase && pats[i].len == pats[i - 1].len &&
		    memcmp(pats[i].bytes, pats[i - 1].bytes, pats[i].len) == 0)
			pats[i].id = pats[i - 1].id;
		else
			pats[i].id = npat++;
	}
	exprs = calloc(npat, sizeof(*exprs));
	lens = calloc(npat, sizeof(*lens));
	flags = calloc(npat, sizeof(*flags));
	ids = calloc(npat, sizeof(*ids));
	db.pat_start = calloc(npat + 1, sizeof(*db.pat_start));
	db.pat_rules = calloc(n ? n : 1, sizeof(*db.pat_rules));
	if (!exprs || !lens || !flags || !ids || !db.pat_start || !db.pat_rules)
		goto out;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t id = pats[i].id;
		exprs[id] = (const char *)pats[i].bytes;
		lens[id] = pats[i].len;
		flags[id] = HS_FLAG_SINGLEMATCH | (pats[i].nocase ? HS_FLAG_CASELESS : 0);
		ids[id] = id;
		db.pat_start[id + 1]++;
		db.pat_rules[i] = pats[i].rule;
	}
	for (uint32_t i = 0; i < npat; i++)
		db.pat_start[i + 1] += db.pat_start[i];
	db.npat = npat;
	if (nj_hs_cache_compile_lit(pf->cache_dir, exprs, flags, ids, lens, npat, &db.db, &cerr,
				    &pf->cache) != HS_SUCCESS) {
		snprintf(err, errlen, "hyperscan: %s", cerr ? cerr->message : "compile failed");
		hs_free_compile_error(cerr);
		rc = -EINVAL;
		goto out;
	}
	if (hs_alloc_scratch(db.db, &pf->proto_scratch) != HS_SUCCESS) {
		snprintf(err, errlen, "hyperscan: cannot allocate scratch");
		rc = -ENOMEM;
		goto out;
	}
	struct pf_db *nd = realloc(g->dbs, (g->ndbs + 1) * sizeof(*nd));
	if (!nd)
		goto out;
	g->dbs = nd;
	g->dbs[g->ndbs++] = db;
	memset(&db, 0, sizeof(db));
	rc = 0;
out:
	hs_free_database(db.db);
	free(db.pat_start);
	free(db.pat_rules);
	free(exprs);
	free(lens);
	free(flags);
	free(ids);
	free(pats);
	return rc;
}

static int entry_cmp(const void *a, const void *b)
{
	const struct addr_entry *x = a, *y = b;

	if (x->cidr.net.family != y->cidr.net.family)
		return x->cidr.net.family - y->cidr.net.family;
	if (x->cidr.bits != y->cidr.bits)
		return x->cidr.bits - y->cidr.bits;
	return memcmp(x->cidr.net.b, y->cidr.net.b, 16);
}

static int index_add(struct addr_index *ix, const struct nj_addrset *set, uint32_t rule)
{
	struct addr_entry *ne = realloc(ix->e, (ix->n + set->npos) * sizeof(*ne));

	if (!ne)
		return -ENOMEM;
	ix->e = ne;
	for (uint32_t i = 0; i < set->npos; i++) {
		ne[ix->n].cidr = set->pos[i];
		ne[ix->n].rule = rule;
		ix->n++;
	}
	return 0;
}

static int index_finish(struct addr_index *ix)
{
	if (ix->n)
		qsort(ix->e, ix->n, sizeof(*ix->e), entry_cmp);
	ix->seg_start = calloc(ix->n + 1, sizeof(*ix->seg_start));
	if (!ix->seg_start)
		return -ENOMEM;
	for (uint32_t i = 0; i < ix->n; i++) {
		if (i == 0 || ix->e[i].cidr.bits != ix->e[i - 1].cidr.bits ||
		    ix->e[i].cidr.net.family != ix->e[i - 1].cidr.net.family)
			ix->seg_start[ix->nseg++] = i;
	}
	ix->seg_start[ix->nseg] = ix->n;
	return 0;
}

static bool indexable(const struct nj_addrset *a)
{
	return a->npos && !a->nneg && !a->any;
}

/* How narrow a positive list is: the addresses it covers, as a power of
 * two (a /32 is 0, a /24 is 8), summed over its entries as a sum of
 * 2^(width) would overflow; fewer covered addresses is more specific. */
static double breadth(const struct nj_addrset *a)
{
	double sum = 0;

	for (uint32_t i = 0; i < a->npos; i++) {
		unsigned width = (a->pos[i].net.family == 4 ? 32u : 128u) - a->pos[i].bits;
		sum += width >= 64 ? 1.8e19 : (double)(1ull << width);
	}
	return sum;
}

/* A rule without a fast pattern goes into an address index when one of its
 * header addresses is a plain positive list, else into `always`. The index
 * takes the narrower side: `$HOME_NET -> [500 C2 addresses]` is found by
 * its destinations, not by every packet from the home network. */
static int place_unscanned(struct pf_group *g, const struct nj_rule *r, uint32_t idx)
{
	if (!(r->flags & NJ_RULE_BIDIR) && !g->no_index) {
		bool s = indexable(r->src), d = indexable(r->dst);
		if (s && d) {
			if (breadth(r->dst) < breadth(r->src))
				s = false;
			else
				d = false;
		}
		if (s)
			return index_add(&g->by_src, r->src, idx);
		if (d)
			return index_add(&g->by_dst, r->dst, idx);
	}
	uint32_t *na = realloc(g->always, (g->nalways + 1) * sizeof(*na));
	if (!na)
		return -ENOMEM;
	g->always = na;
	g->always[g->nalways++] = idx;
	return 0;
}

static int build_group(struct nj_prefilter *pf, struct pf_group *g, char *err, size_t errlen)
{
	const struct nj_ruleset *rs = pf->rs;
	bool bufs[NJ_BUF__COUNT] = { false };

	for (uint32_t i = 0; i < g->nrules; i++) {
		const struct nj_rule *r = rs->rules[g->rules[i]];
		if (r->fp && (r->flags & NJ_RULE_APP_BUFS) && rule_fp_buf(r) != NJ_BUF_STREAM_INORDER &&
		    (r->fp_buf == NJ_BUF_PKT || r->fp_buf == NJ_BUF_STREAM))
			pf->inorder_as_pkt = true;
		if (r->fp && fp_in_db(r, NJ_BUF_PKT_INSTREAM))
			bufs[NJ_BUF_PKT_INSTREAM] = true;
		if (r->fp)
			bufs[rule_fp_buf(r)] = true;
		else if (place_unscanned(g, r, g->rules[i]) < 0)
			return -ENOMEM;
	}
	for (int b = 0; b < NJ_BUF__COUNT; b++) {
		if (bufs[b] && build_db(pf, g, b, err, errlen) < 0)
			return -1;
		pf->used[b] |= bufs[b];
	}
	if (index_finish(&g->by_src) < 0 || index_finish(&g->by_dst) < 0)
		return -ENOMEM;
	return 0;
}

static int list_eq(const uint32_t *a, const uint32_t *b)
{
	while (*a == *b && *a != UINT32_MAX) {
		a++;
		b++;
	}
	return *a == *b;
}

/* For each port, which of the class's port-keyed groups (prefix 'D' or 'S')
 * contain it; identical lists are shared. */
static int build_port_map(struct nj_prefilter *pf, uint8_t pc, char dir, struct port_map *pm)
{
	uint32_t *tmp = malloc((pf->ngroups + 1) * sizeof(*tmp));
	struct nj_portset **sets = calloc(pf->ngroups, sizeof(*sets));
	uint8_t *edge = NULL;
	char prefix[16];
	int rc = -ENOMEM;

	pm->list_of_port = calloc(65536, sizeof(*pm->list_of_port));
	if (!tmp || !sets || !pm->list_of_port)
		goto out;
	snprintf(prefix, sizeof(prefix), "%u:%c:", pc, dir);
	for (uint32_t g = 0; g < pf->ngroups; g++) {
		if (strncmp(pf->groups[g].key, prefix, strlen(prefix)) == 0) {
			char e[64];
			sets[g] = nj_portset_parse(NULL, pf->groups[g].key + strlen(prefix), e, sizeof(e));
		}
	}
	/* Ports between two range boundaries fall in the same groups, so the
	 * list is worked out once per stretch, not once per port. */
	edge = calloc(65537, 1);
	if (!edge)
		goto out;
	edge[0] = 1;
	for (uint32_t g = 0; g < pf->ngroups; g++) {
		if (!sets[g])
			continue;
		for (int neg = 0; neg < 2; neg++) {
			const struct nj_port_range *r = neg ? sets[g]->neg : sets[g]->pos;
			uint32_t nr = neg ? sets[g]->nneg : sets[g]->npos;
			for (uint32_t i = 0; i < nr; i++) {
				edge[r[i].lo] = 1;
				edge[(uint32_t)r[i].hi + 1] = 1;
			}
		}
	}
	uint16_t cur = 0;
	for (uint32_t port = 0; port < 65536; port++) {
		uint32_t n = 0, li;
		if (!edge[port]) {
			pm->list_of_port[port] = cur;
			continue;
		}
		for (uint32_t g = 0; g < pf->ngroups; g++)
			if (sets[g] && nj_portset_match(sets[g], (uint16_t)port))
				tmp[n++] = g;
		tmp[n] = UINT32_MAX;
		for (li = 0; li < pm->nlists; li++)
			if (list_eq(pm->lists[li], tmp))
				break;
		if (li == pm->nlists) {
			uint32_t **nl = realloc(pm->lists, (pm->nlists + 1) * sizeof(*nl));
			if (!nl)
				goto out;
			pm->lists = nl;
			if (!(nl[li] = malloc((n + 1) * sizeof(**nl))))
				goto out;
			memcpy(nl[li], tmp, (n + 1) * sizeof(*tmp));
			pm->nlists++;
		}
		pm->list_of_port[port] = cur = (uint16_t)li;
	}
	rc = 0;
out:
	free(edge);
	for (uint32_t g = 0; g < pf->ngroups; g++)
		nj_portset_free(sets[g]);
	free(sets);
	free(tmp);
	return rc;
}

/* A syscall rule goes into the group of each event type it selects, or
 * into the class's `any` group when it selects them all. */
static int add_syscall_rule(struct nj_prefilter *pf, const struct nj_rule *r, uint32_t idx)
{
	char key[32];

	for (int t = r->sc_all ? 0 : 1; t < NJ_SC__COUNT; t++) {
		if (!r->sc_all && !nj_sc_set_has(&r->sc_types, (enum nj_sc_type)t))
			continue;
		if (r->sc_all)
			snprintf(key, sizeof(key), "%u:any", NJ_PC_SYSCALL);
		else
			snprintf(key, sizeof(key), "%u:T:%d", NJ_PC_SYSCALL, t);
		int g = group_find_or_add(pf, key);
		if (g < 0 || group_add_rule(&pf->groups[g], idx) < 0)
			return -ENOMEM;
		pf->groups[g].no_index = true;
		if (r->sc_all)
			break;
	}
	return 0;
}

static uint8_t action_rank(uint8_t action)
{
	switch (action) {
	case NJ_ACTION_PASS: return 0;
	case NJ_ACTION_DROP: return 1;
	case NJ_ACTION_REJECT: return 2;
	default: return 3;
	}
}

struct nj_prefilter *nj_prefilter_build(const struct nj_ruleset *rs, char *err, size_t errlen)
{
	struct nj_prefilter *pf = calloc(1, sizeof(*pf));
	char key[1200];

	if (!pf)
		goto oom;
	pf->rs = rs;
	pf->nrules = rs->nrules;
	if (nj_config_get_bool(rs->build.cfg, "detect.sgh-mpm-caching", true))
		pf->cache_dir = nj_config_get_str(rs->build.cfg, "detect.sgh-mpm-caching-path",
						  NJ_LOCALSTATEDIR "/lib/nightjar/cache/hs");
	pf->action_rank = calloc(rs->nrules + 1, 1);
	if (!pf->action_rank)
		goto oom;
	for (uint32_t i = 0; i < rs->nrules; i++) {
		const struct nj_rule *r = rs->rules[i];
		uint8_t pc = pclass_of(r);
		if (pc == NJ_PC_SYSCALL) {
			if (add_syscall_rule(pf, r, i) < 0)
				goto oom;
		} else {
			group_key(r, pc, key, sizeof(key));
			int g = group_find_or_add(pf, key);
			if (g < 0 || group_add_rule(&pf->groups[g], i) < 0)
				goto oom;
		}
		pf->action_rank[i] = action_rank(r->info.action);
	}
	for (int t = 0; t < NJ_SC__COUNT; t++) {
		snprintf(key, sizeof(key), "%u:T:%d", NJ_PC_SYSCALL, t);
		pf->sc_group[t] = UINT32_MAX;
		for (uint32_t g = 0; g < pf->ngroups; g++)
			if (strcmp(pf->groups[g].key, key) == 0)
				pf->sc_group[t] = g;
	}
	for (uint32_t g = 0; g < pf->ngroups; g++)
		if (build_group(pf, &pf->groups[g], err, errlen) < 0)
			goto fail;
	for (uint8_t pc = 0; pc < NJ_PC__COUNT; pc++) {
		snprintf(key, sizeof(key), "%u:any", pc);
		pf->pc[pc].any_group = UINT32_MAX;
		for (uint32_t g = 0; g < pf->ngroups; g++)
			if (strcmp(pf->groups[g].key, key) == 0)
				pf->pc[pc].any_group = g;
		if (has_ports(pc) && (build_port_map(pf, pc, 'D', &pf->pc[pc].dmap) < 0 ||
				      build_port_map(pf, pc, 'S', &pf->pc[pc].smap) < 0))
			goto oom;
	}
	return pf;
oom:
	snprintf(err, errlen, "out of memory building the prefilter");
fail:
	nj_prefilter_free(pf);
	return NULL;
}

static void free_index(struct addr_index *ix)
{
	free(ix->e);
	free(ix->seg_start);
}

void nj_prefilter_free(struct nj_prefilter *pf)
{
	if (!pf)
		return;
	for (uint32_t g = 0; g < pf->ngroups; g++) {
		struct pf_group *gr = &pf->groups[g];
		for (uint32_t d = 0; d < gr->ndbs; d++) {
			hs_free_database(gr->dbs[d].db);
			free(gr->dbs[d].pat_start);
			free(gr->dbs[d].pat_rules);
		}
		free(gr->dbs);
		free(gr->rules);
		free(gr->always);
		free_index(&gr->by_src);
		free_index(&gr->by_dst);
		free(gr->key);
	}
	for (int pc = 0; pc < NJ_PC__COUNT; pc++) {
		struct port_map *maps[2] = { &pf->pc[pc].dmap, &pf->pc[pc].smap };
		for (int m = 0; m < 2; m++) {
			for (uint32_t i = 0; i < maps[m]->nlists; i++)
				free(maps[m]->lists[i]);
			free(maps[m]->lists);
			free(maps[m]->list_of_port);
		}
	}
	hs_free_scratch(pf->proto_scratch);
	free(pf->action_rank);
	free(pf->groups);
	free(pf);
}

const bool *nj_prefilter_buffers(const struct nj_prefilter *pf)
{
	return pf->used;
}

bool nj_prefilter_inorder_as_pkt(const struct nj_prefilter *pf)
{
	return pf->inorder_as_pkt;
}

void nj_prefilter_stats(const struct nj_prefilter *pf, struct nj_pf_stats *st)
{
	memset(st, 0, sizeof(*st));
	st->groups = pf->ngroups;
	for (uint32_t g = 0; g < pf->ngroups; g++) {
		const struct pf_group *gr = &pf->groups[g];
		st->databases += gr->ndbs;
		for (uint32_t d = 0; d < gr->ndbs; d++) {
			size_t sz = 0;
			hs_database_size(gr->dbs[d].db, &sz);
			st->db_bytes += sz;
			st->patterns += gr->dbs[d].npat;
		}
		st->always_rules += gr->nalways;
		st->cache_hits = pf->cache.hits;
		st->cache_misses = pf->cache.misses;
		st->indexed_rules += gr->by_src.n + gr->by_dst.n;
	}
}

/* ---- per thread ---- */

struct nj_pf_thread *nj_pf_thread_new(const struct nj_prefilter *pf)
{
	struct nj_pf_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	t->pf = pf;
	t->stamp = calloc(pf->nrules + 1, sizeof(*t->stamp));
	t->cand = calloc(pf->nrules + 1, sizeof(*t->cand));
	if (!t->stamp || !t->cand ||
	    (pf->proto_scratch && hs_clone_scratch(pf->proto_scratch, &t->scratch) != HS_SUCCESS)) {
		nj_pf_thread_free(t);
		return NULL;
	}
	return t;
}

void nj_pf_thread_free(struct nj_pf_thread *t)
{
	if (!t)
		return;
	hs_free_scratch(t->scratch);
	free(t->stamp);
	free(t->cand);
	free(t);
}

static inline void add_cand(struct nj_pf_thread *t, uint32_t rule)
{
	if (t->stamp[rule] != t->gen) {
		t->stamp[rule] = t->gen;
		t->cand[t->ncand++] = rule;
	}
}

static int on_match(unsigned id, unsigned long long from, unsigned long long to, unsigned flags,
		    void *ctx)
{
	struct nj_pf_thread *t = ctx;
	const struct pf_db *db = t->cur_db;

	for (uint32_t i = db->pat_start[id]; i < db->pat_start[id + 1]; i++)
		add_cand(t, db->pat_rules[i]);
	return 0;
}

static void lookup_index(struct nj_pf_thread *t, const struct addr_index *ix, const struct nj_addr *a)
{
	for (uint32_t s = 0; s < ix->nseg; s++) {
		uint32_t lo = ix->seg_start[s], hi = ix->seg_start[s + 1];
		const struct nj_cidr *c0 = &ix->e[lo].cidr;
		struct nj_cidr key;
		if (c0->net.family != a->family)
			continue;
		key.net = *a;
		key.bits = c0->bits;
		for (unsigned i = 0; i < 16; i++) {
			unsigned base = i * 8;
			if (base >= key.bits)
				key.net.b[i] = 0;
			else if (key.bits < base + 8)
				key.net.b[i] &= (uint8_t)(0xff << (base + 8 - key.bits));
		}
		/* lower bound, then every equal entry */
		while (lo < hi) {
			uint32_t mid = (lo + hi) / 2;
			if (memcmp(ix->e[mid].cidr.net.b, key.net.b, 16) < 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		for (uint32_t i = lo; i < ix->seg_start[s + 1] &&
				      memcmp(ix->e[i].cidr.net.b, key.net.b, 16) == 0; i++)
			add_cand(t, ix->e[i].rule);
	}
}

static void scan_group(struct nj_pf_thread *t, const struct pf_group *g, const struct nj_packet *p,
		       uint8_t pc, const struct nj_pf_input *in, uint32_t nin)
{
	for (uint32_t i = 0; i < g->nalways; i++)
		add_cand(t, g->always[i]);
	if (p && p->ip_ver) {
		if (g->by_src.n)
			lookup_index(t, &g->by_src, &p->src);
		if (g->by_dst.n)
			lookup_index(t, &g->by_dst, &p->dst);
	}
	for (uint32_t d = 0; d < g->ndbs; d++) {
		for (uint32_t i = 0; i < nin; i++) {
			if (in[i].buf != g->dbs[d].buf || !in[i].len)
				continue;
			if (in[i].pclass_mask && !(in[i].pclass_mask & (1u << pc)))
				continue;
			t->cur_db = &g->dbs[d];
			hs_scan(g->dbs[d].db, (const char *)in[i].ptr, in[i].len, 0, t->scratch, on_match, t);
		}
	}
}

static void scan_class(const struct nj_prefilter *pf, struct nj_pf_thread *t, uint8_t pc,
		       const struct nj_packet *p, const struct nj_pf_input *in, uint32_t nin)
{
	const struct pclass *c = &pf->pc[pc];

	if (c->any_group != UINT32_MAX)
		scan_group(t, &pf->groups[c->any_group], p, pc, in, nin);
	if (!has_ports(pc) || !c->dmap.list_of_port)
		return;
	for (const uint32_t *g = c->dmap.lists[c->dmap.list_of_port[p->dport]]; *g != UINT32_MAX; g++)
		scan_group(t, &pf->groups[*g], p, pc, in, nin);
	for (const uint32_t *g = c->smap.lists[c->smap.list_of_port[p->sport]]; *g != UINT32_MAX; g++)
		scan_group(t, &pf->groups[*g], p, pc, in, nin);
}

static int cand_cmp(const void *a, const void *b, void *arg)
{
	const struct nj_prefilter *pf = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	uint8_t rx = pf->action_rank[x], ry = pf->action_rank[y];

	if (rx != ry)
		return rx < ry ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Insertion sort for the usual handful of candidates; qsort beyond. */
static void sort_cands(const struct nj_prefilter *pf, uint32_t *c, uint32_t n)
{
	if (n > 32) {
		qsort_r(c, n, sizeof(*c), cand_cmp, (void *)pf);
		return;
	}
	for (uint32_t i = 1; i < n; i++) {
		uint32_t v = c[i], j = i;
		while (j > 0) {
			uint32_t u = c[j - 1];
			if (pf->action_rank[u] < pf->action_rank[v] ||
			    (pf->action_rank[u] == pf->action_rank[v] && u < v))
				break;
			c[j] = u;
			j--;
		}
		c[j] = v;
	}
}

static void cands_reset(const struct nj_prefilter *pf, struct nj_pf_thread *t)
{
	t->ncand = 0;
	if (++t->gen == 0) {
		memset(t->stamp, 0, (pf->nrules + 1) * sizeof(*t->stamp));
		t->gen = 1;
	}
}

bool nj_prefilter_syscall_type_used(const struct nj_prefilter *pf, int sc_type)
{
	return pf->pc[NJ_PC_SYSCALL].any_group != UINT32_MAX ||
	       (sc_type > 0 && sc_type < NJ_SC__COUNT && pf->sc_group[sc_type] != UINT32_MAX);
}

uint32_t nj_prefilter_syscall_candidates(const struct nj_prefilter *pf, struct nj_pf_thread *t,
					 int sc_type, const struct nj_pf_input *in, uint32_t nin,
					 const uint32_t **out)
{
	uint32_t any = pf->pc[NJ_PC_SYSCALL].any_group;

	cands_reset(pf, t);
	if (any != UINT32_MAX)
		scan_group(t, &pf->groups[any], NULL, NJ_PC_SYSCALL, in, nin);
	if (sc_type > 0 && sc_type < NJ_SC__COUNT && pf->sc_group[sc_type] != UINT32_MAX)
		scan_group(t, &pf->groups[pf->sc_group[sc_type]], NULL, NJ_PC_SYSCALL, in, nin);
	sort_cands(pf, t->cand, t->ncand);
	*out = t->cand;
	return t->ncand;
}

uint32_t nj_prefilter_candidates(const struct nj_prefilter *pf, struct nj_pf_thread *t,
				 const struct nj_packet *p, const struct nj_pf_input *in, uint32_t nin,
				 const uint32_t **out)
{
	cands_reset(pf, t);
	if (p->ip_ver) {
		scan_class(pf, t, NJ_PC_IP, p, in, nin);
		/* A fragment carries no complete transport header: only `ip`
		 * rules apply to it (the reassembled packet gets the rest). */
		if (p->flags & NJ_PKT_IS_FRAGMENT) {
			;
		} else if (p->proto == 6) {
			scan_class(pf, t, NJ_PC_TCP, p, in, nin);
			scan_class(pf, t, NJ_PC_TCP_PKT, p, in, nin);
		} else if (p->proto == 17) {
			scan_class(pf, t, NJ_PC_UDP, p, in, nin);
		} else if (p->proto == 1 || p->proto == 58) {
			scan_class(pf, t, NJ_PC_ICMP, p, in, nin);
		} else {
			scan_class(pf, t, NJ_PC_OTHER, p, in, nin);
		}
	}
	sort_cands(pf, t->cand, t->ncand);
	*out = t->cand;
	return t->ncand;
}
