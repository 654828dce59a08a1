/* IP fragment reassembly with target-based overlap policies.
 *
 * Policies after Shankar and Paxson's Active Mapping and Novak's
 * "Target-Based Fragmentation Reassembly": which bytes a host keeps when
 * fragments overlap depends on where the new fragment starts and ends
 * relative to the one it overlaps.
 *
 * IPv4 header (RFC 791):          IPv6 fragment header (RFC 8200 4.5):
 *   0  ver/ihl  tos  total length    0  next hdr  reserved  offset|res|M
 *   4  identification  flags|offset  4  identification (32 bits)
 *   8  ttl  proto  checksum
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/bytes.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/packet.h"
#include "decode/decode.h"
#include "preprocessors/defrag.h"
#include "preprocessors/host_policy.h"
#include "decode/events.h"

#define MAX_HDR 512             /* IPv4 header or IPv6 unfragmentable part */
#define MAX_L2 64               /* link-layer header kept from the first fragment */
#define MAX_V4_DATA (65535u - 20u)
#define MAX_V6_DATA 65535u

struct frag {
	struct frag *next;
	uint32_t off, len;
	uint8_t data[];
};

struct frag_key {
	struct nj_addr src, dst;
	uint32_t id;
	uint16_t vlan[2];
	uint8_t ip_ver, proto;
};

struct tracker {
	struct frag_key key;
	struct tracker *hnext, *prev, *next;    /* hash chain; age list */
	struct frag *frags;
	time_t expires;
	uint32_t total;         /* data length once the last fragment is seen */
	uint16_t hdr_len;
	uint16_t nh_pos;        /* IPv6: byte that named the fragment header */
	uint8_t next_hdr;       /* IPv6: protocol after the fragment header */
	uint8_t policy;
	bool have_first, have_last, done;
	uint8_t l2_len;
	int linktype;           /* of the first fragment, when l2_len > 0 */
	uint8_t l2[MAX_L2];
	uint8_t hdr[MAX_HDR];
};

struct defrag_thread {
	struct tracker **buckets;
	uint32_t nbuckets;
	struct tracker *oldest, *newest;
	uint64_t memuse;
	time_t last_sweep;
	uint8_t *buf;           /* reassembled datagram */
};

/* What defrag reads from a fragment's IP header. */
struct frag_info {
	uint32_t id, off, len;
	const uint8_t *data;
	uint16_t hdr_len, nh_pos;
	uint8_t proto;
	bool more;
};

static struct {
	uint64_t memcap;
	uint32_t timeout, hash_size;
	int policy;
	struct nj_host_policy hosts;    /* defrag.host-config */
	struct nj_host_policy os;       /* host-os-policy */
} conf;

static struct {
	int v4_frags, v4_done, v6_frags, v6_done, memuse, memcap_drop, timeouts, overlaps,
		bad_csum;
} ctr;

bool nj_defrag_new_wins(int policy, uint32_t noff, uint32_t nend, uint32_t ooff, uint32_t oend)
{
	switch (policy) {
	case NJ_POLICY_FIRST:
		return false;
	case NJ_POLICY_LAST:
		return true;
	case NJ_POLICY_LINUX:
	case NJ_POLICY_OLD_LINUX:
		return noff <= ooff;
	case NJ_POLICY_WINDOWS:
		return noff < ooff && nend > oend;
	case NJ_POLICY_SOLARIS:
		return noff < ooff && nend >= oend;
	case NJ_POLICY_BSD_RIGHT:
		/* favours the fragment reaching further right */
		return nend > oend;
	case NJ_POLICY_BSD:
	case NJ_POLICY_MACOS:
	default:
		return noff < ooff;
	}
}

static bool parse_v4(const uint8_t *b, uint32_t len, struct frag_info *fi)
{
	uint8_t vihl;
	uint16_t tot, fo, id;

	if (!nj_get_u8(b, len, 0, &vihl) || !nj_get_be16(b, len, 2, &tot) ||
	    !nj_get_be16(b, len, 4, &id) || !nj_get_be16(b, len, 6, &fo) ||
	    !nj_get_u8(b, len, 9, &fi->proto))
		return false;
	fi->hdr_len = (uint16_t)((vihl & 0x0f) * 4);
	if (fi->hdr_len < 20 || tot < fi->hdr_len || !nj_has(len, 0, fi->hdr_len))
		return false;
	if (tot > len)
		tot = (uint16_t)len;    /* truncated capture: use what we have */
	fi->id = id;
	fi->off = (uint32_t)(fo & 0x1fff) * 8;
	fi->more = (fo & 0x2000) != 0;
	fi->data = b + fi->hdr_len;
	fi->len = tot - fi->hdr_len;
	fi->nh_pos = 9;
	return true;
}

/* Walks the IPv6 extension headers up to the fragment header. */
static bool parse_v6(const uint8_t *b, uint32_t len, struct frag_info *fi)
{
	uint16_t plen, fo;
	uint8_t nh, hl;
	uint32_t off = 40, nh_pos = 6, id;

	if (!nj_get_be16(b, len, 4, &plen) || !nj_get_u8(b, len, 6, &nh))
		return false;
	uint32_t end = 40u + plen < len ? 40u + plen : len;
	while (nh == 0 || nh == 43 || nh == 60) {
		if (!nj_get_u8(b, end, off, &nh) || !nj_get_u8(b, end, off + 1, &hl))
			return false;
		nh_pos = off;
		off += ((uint32_t)hl + 1) * 8;
	}
	if (nh != 44 || off > MAX_HDR || !nj_get_u8(b, end, off, &fi->proto) ||
	    !nj_get_be16(b, end, off + 2, &fo) || !nj_get_be32(b, end, off + 4, &id))
		return false;
	fi->id = id;
	fi->off = fo & 0xfff8;
	fi->more = (fo & 1) != 0;
	fi->hdr_len = (uint16_t)off;
	fi->nh_pos = (uint16_t)nh_pos;
	fi->data = b + off + 8;
	fi->len = end - (off + 8);
	return true;
}

static uint32_t key_hash(const struct frag_key *k, uint32_t n)
{
	return nj_hash_bytes(k, sizeof(*k)) % n;
}

static void tracker_free(struct defrag_thread *t, struct tracker *tr)
{
	struct tracker **pp = &t->buckets[key_hash(&tr->key, t->nbuckets)];

	while (*pp && *pp != tr)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = tr->hnext;
	if (tr->prev)
		tr->prev->next = tr->next;
	else
		t->oldest = tr->next;
	if (tr->next)
		tr->next->prev = tr->prev;
	else
		t->newest = tr->prev;
	while (tr->frags) {
		struct frag *f = tr->frags;
		tr->frags = f->next;
		t->memuse -= sizeof(*f) + f->len;
		free(f);
	}
	t->memuse -= sizeof(*tr);
	free(tr);
	nj_counter_set(ctr.memuse, t->memuse);
}

static void sweep(struct defrag_thread *t, time_t now)
{
	struct tracker *tr = t->oldest;

	while (tr) {
		struct tracker *next = tr->next;
		if (tr->expires <= now) {
			if (!tr->done)
				nj_counter_add(ctr.timeouts, 1);
			tracker_free(t, tr);
		}
		tr = next;
	}
	t->last_sweep = now;
}

static void policy_for(const struct nj_addr *dst, uint8_t *policy, uint32_t *timeout)
{
	const struct nj_host_policy_entry *e = nj_host_policy_find(&conf.hosts, dst);

	*policy = (uint8_t)conf.policy;
	*timeout = conf.timeout;
	if (e) {
		*policy = e->policy;
		if (e->timeout)
			*timeout = e->timeout;
	} else if ((e = nj_host_policy_find(&conf.os, dst))) {
		*policy = e->policy;
	}
}

static struct tracker *tracker_get(struct defrag_thread *t, const struct frag_key *k, time_t now)
{
	uint32_t h = key_hash(k, t->nbuckets);
	struct tracker *tr;
	uint32_t timeout;

	for (tr = t->buckets[h]; tr; tr = tr->hnext)
		if (memcmp(&tr->key, k, sizeof(*k)) == 0)
			return tr;
	if (conf.memcap && t->memuse + sizeof(*tr) > conf.memcap)
		return NULL;
	if (!(tr = calloc(1, sizeof(*tr))))
		return NULL;
	tr->key = *k;
	policy_for(&k->dst, &tr->policy, &timeout);
	tr->expires = now + (time_t)timeout;
	tr->hnext = t->buckets[h];
	t->buckets[h] = tr;
	tr->prev = t->newest;
	if (t->newest)
		t->newest->next = tr;
	else
		t->oldest = tr;
	t->newest = tr;
	t->memuse += sizeof(*tr);
	nj_counter_set(ctr.memuse, t->memuse);
	return tr;
}

static int queue_piece(struct defrag_thread *t, struct frag **link, const struct frag_info *fi,
		       uint32_t from, uint32_t to)
{
	size_t sz = sizeof(struct frag) + (to - from);
	struct frag *f;

	if (conf.memcap && t->memuse + sz > conf.memcap)
		return -ENOMEM;
	if (!(f = malloc(sz)))
		return -ENOMEM;
	f->off = from;
	f->len = to - from;
	memcpy(f->data, fi->data + (from - fi->off), f->len);
	f->next = *link;
	*link = f;
	t->memuse += sz;
	return 0;
}

/* Adds a fragment's data; stored fragments never overlap, the policy picks
 * the bytes kept where the new one overlaps them. Returns 0 or -ENOMEM;
 * *overlap is set when any byte overlapped. */
static int insert(struct defrag_thread *t, struct tracker *tr, const struct frag_info *fi,
		  bool *overlap)
{
	uint32_t start = fi->off, end = fi->off + fi->len, cur = start;
	struct frag **link = &tr->frags;
	int rc = 0;

	*overlap = false;
	while (*link && (*link)->off < end) {
		struct frag *f = *link;
		uint32_t f_end = f->off + f->len;
		if (f_end <= start) {
			link = &f->next;
			continue;
		}
		if (cur < f->off) {
			if (queue_piece(t, link, fi, cur, f->off) < 0)
				rc = -ENOMEM;
			else
				link = &(*link)->next;
		}
		uint32_t os = start > f->off ? start : f->off;
		uint32_t oe = end < f_end ? end : f_end;
		*overlap = true;
		if (nj_defrag_new_wins(tr->policy, start, end, f->off, f_end))
			memcpy(f->data + (os - f->off), fi->data + (os - start), oe - os);
		if (oe > cur)
			cur = oe;
		link = &f->next;
	}
	if (cur < end && queue_piece(t, link, fi, cur, end) < 0)
		rc = -ENOMEM;
	nj_counter_set(ctr.memuse, t->memuse);
	return rc;
}

static bool complete(const struct tracker *tr)
{
	uint32_t at = 0;

	if (!tr->have_first || !tr->have_last)
		return false;
	for (const struct frag *f = tr->frags; f && f->off < tr->total; f = f->next) {
		if (f->off != at)
			return false;
		at += f->len;
	}
	return at >= tr->total;
}

static uint16_t ipv4_csum(const uint8_t *h, uint32_t len)
{
	uint32_t sum = 0;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)(h[i] << 8 | h[i + 1]);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Writes the datagram (header + data) into t->buf after the kept link-layer
 * header; returns the datagram's length or 0. */
static uint32_t rebuild(struct defrag_thread *t, const struct tracker *tr)
{
	uint32_t len = tr->hdr_len + tr->total;
	uint8_t *b = t->buf + tr->l2_len;

	memcpy(b, tr->hdr, tr->hdr_len);
	for (const struct frag *f = tr->frags; f && f->off < tr->total; f = f->next) {
		uint32_t n = f->off + f->len > tr->total ? tr->total - f->off : f->len;
		memcpy(b + tr->hdr_len + f->off, f->data, n);
	}
	memcpy(t->buf, tr->l2, tr->l2_len);
	if (tr->key.ip_ver == 4) {
		if (len > 65535)
			return 0;
		b[2] = (uint8_t)(len >> 8);
		b[3] = (uint8_t)len;
		b[6] &= 0x40;           /* keep DF, clear MF and the offset */
		b[7] = 0;
		b[10] = b[11] = 0;
		uint16_t c = ipv4_csum(b, tr->hdr_len);
		b[10] = (uint8_t)(c >> 8);
		b[11] = (uint8_t)c;
	} else {
		uint32_t plen = len - 40;
		if (plen > 65535)
			return 0;
		b[4] = (uint8_t)(plen >> 8);
		b[5] = (uint8_t)plen;
		b[tr->nh_pos] = tr->next_hdr;
	}
	return len;
}

static void dispatch(struct nj_worker *w, const struct nj_packet *frag, const struct tracker *tr,
		     const uint8_t *data, uint32_t len)
{
	struct nj_packet rp;
	struct nj_event ev;

	memset(&rp, 0, sizeof(rp));
	rp.data = data;
	rp.caplen = rp.wirelen = tr->l2_len + len;
	rp.linktype = tr->l2_len ? tr->linktype :
		      tr->key.ip_ver == 4 ? NJ_LINKTYPE_IPV4 : NJ_LINKTYPE_IPV6;
	data += tr->l2_len;
	rp.ts = frag->ts;
	rp.pcap_cnt = frag->pcap_cnt;
	rp.iface = frag->iface;
	memcpy(rp.vlan, frag->vlan, sizeof(rp.vlan));
	rp.vlan_count = frag->vlan_count;
	rp.ethertype = frag->ethertype;
	rp.tunnel_depth = frag->tunnel_depth;
	rp.tunnel_proto = frag->tunnel_proto;
	rp.outer_src = frag->outer_src;
	rp.outer_dst = frag->outer_dst;
	rp.worker = frag->worker;
	rp.flags = NJ_PKT_REASSEMBLED | (frag->flags & NJ_PKT_TUNNEL);
	nj_decode_ip(&rp, data, len);
	rp.flags |= NJ_PKT_REASSEMBLED;
	rp.flags &= ~(uint32_t)NJ_PKT_IS_FRAGMENT;
	memset(&ev, 0, sizeof(ev));
	ev.ts = rp.ts;
	ev.kind = NJ_EV_PACKET;
	ev.pkt = &rp;
	nj_bus_dispatch_from(w, &ev, NJ_STAGE_FLOW);
}

/* Keeps the first fragment's link-layer header so that the rebuilt packet
 * looks like a captured one (outputs log it with its linktype). Not for
 * tunnels: the outer headers' lengths would not match. */
static void save_link_header(struct tracker *tr, const struct nj_packet *p)
{
	uintptr_t d = (uintptr_t)p->data, l3 = (uintptr_t)p->l3;

	tr->l2_len = 0;
	if (!p->data || p->tunnel_depth || l3 <= d || l3 - d > MAX_L2 || l3 - d > p->caplen)
		return;
	tr->l2_len = (uint8_t)(l3 - d);
	tr->linktype = p->linktype;
	memcpy(tr->l2, p->data, tr->l2_len);
}

static void add_fragment(struct nj_worker *w, struct defrag_thread *t, struct nj_packet *p,
			 const struct frag_info *fi)
{
	bool v4 = p->ip_ver == 4;
	struct frag_key k;
	bool overlap;
	time_t now = w->now.tv_sec;

	if (w->offline && p->ts.tv_sec > now)
		now = p->ts.tv_sec;
	if (now != t->last_sweep)
		sweep(t, now);
	nj_counter_add(v4 ? ctr.v4_frags : ctr.v6_frags, 1);
	if ((uint64_t)fi->off + fi->len > (v4 ? MAX_V4_DATA : MAX_V6_DATA)) {
		nj_decode_event_add(p, v4 ? NJ_DEV_IPV4_FRAG_PKT_TOO_LARGE : NJ_DEV_IPV6_FRAG_PKT_TOO_LARGE);
		return;
	}
	if (fi->len == 0)
		return;
	memset(&k, 0, sizeof(k));
	k.src = p->src;
	k.dst = p->dst;
	k.id = fi->id;
	k.ip_ver = p->ip_ver;
	k.proto = fi->proto;
	k.vlan[0] = p->vlan_count > 0 ? p->vlan[0] : 0;
	k.vlan[1] = p->vlan_count > 1 ? p->vlan[1] : 0;

	struct tracker *tr = tracker_get(t, &k, now);
	if (!tr) {
		nj_counter_add(ctr.memcap_drop, 1);
		return;
	}
	if (tr->done) {
		nj_decode_event_add(p, v4 ? NJ_DEV_IPV4_FRAG_IGNORED : NJ_DEV_IPV6_FRAG_IGNORED);
		return;
	}
	if (fi->off == 0 && !tr->have_first) {
		tr->have_first = true;
		tr->hdr_len = fi->hdr_len;
		tr->nh_pos = fi->nh_pos;
		tr->next_hdr = fi->proto;
		memcpy(tr->hdr, p->l3, fi->hdr_len);
		save_link_header(tr, p);
	}
	if (!fi->more && !tr->have_last) {
		tr->have_last = true;
		tr->total = fi->off + fi->len;
	}
	if (insert(t, tr, fi, &overlap) < 0)
		nj_counter_add(ctr.memcap_drop, 1);
	if (overlap) {
		nj_counter_add(ctr.overlaps, 1);
		nj_decode_event_add(p, v4 ? NJ_DEV_IPV4_FRAG_OVERLAP : NJ_DEV_IPV6_FRAG_OVERLAP);
	}
	if (!complete(tr))
		return;
	uint32_t len = rebuild(t, tr);
	if (len) {
		nj_counter_add(v4 ? ctr.v4_done : ctr.v6_done, 1);
		dispatch(w, p, tr, t->buf, len);
	} else {
		nj_decode_event_add(p, v4 ? NJ_DEV_IPV4_FRAG_PKT_TOO_LARGE : NJ_DEV_IPV6_FRAG_PKT_TOO_LARGE);
	}
	/* Keep an empty tracker until it expires so that late copies are seen
	 * as ignored rather than starting a new datagram. */
	while (tr->frags) {
		struct frag *f = tr->frags;
		tr->frags = f->next;
		t->memuse -= sizeof(*f) + f->len;
		free(f);
	}
	tr->done = true;
	nj_counter_set(ctr.memuse, t->memuse);
}

static int defrag_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct defrag_thread *t = ctx;
	struct nj_packet *p = ev->pkt;
	struct frag_info fi;

	if (!p || !p->l3 || (p->ip_ver != 4 && p->ip_ver != 6) ||
	    (p->flags & (NJ_PKT_REASSEMBLED | NJ_PKT_PSEUDO)))
		return NJ_BUS_CONTINUE;
	memset(&fi, 0, sizeof(fi));
	if (p->ip_ver == 4) {
		if (!parse_v4(p->l3, p->l3_len, &fi) || (fi.off == 0 && !fi.more))
			return NJ_BUS_CONTINUE;
	} else if (!parse_v6(p->l3, p->l3_len, &fi) || (fi.off == 0 && !fi.more)) {
		return NJ_BUS_CONTINUE;         /* no fragment header, or atomic */
	}
	p->flags |= NJ_PKT_IS_FRAGMENT;
	if (p->flags & NJ_PKT_IPV4_CSUM_BAD) {
		nj_counter_add(ctr.bad_csum, 1);        /* the host drops it too */
		return NJ_BUS_CONTINUE;
	}
	add_fragment(w, t, p, &fi);
	return NJ_BUS_CONTINUE;
}

static void defrag_tick(struct nj_worker *w, void *ctx)
{
	sweep(ctx, w->now.tv_sec);
}

static int defrag_thread_init(struct nj_worker *w, void **ctx)
{
	struct defrag_thread *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->nbuckets = conf.hash_size;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	t->buf = malloc(MAX_L2 + MAX_HDR + 65536 + 8);
	if (!t->buckets || !t->buf) {
		free(t->buckets);
		free(t->buf);
		free(t);
		return -ENOMEM;
	}
	*ctx = t;
	return 0;
}

static void defrag_thread_fini(struct nj_worker *w, void *ctx)
{
	struct defrag_thread *t = ctx;

	if (!t)
		return;
	while (t->oldest)
		tracker_free(t, t->oldest);
	free(t->buckets);
	free(t->buf);
	free(t);
}

static const struct nj_stage defrag_stage = {
	.name = "defrag",
	.order = NJ_STAGE_DEFRAG,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.thread_init = defrag_thread_init,
	.thread_fini = defrag_thread_fini,
	.handle = defrag_handle,
	.tick = defrag_tick,
};

static void first_child(const char *name, const char *value, void *arg)
{
	char *out = arg;

	if (!*out && !value)
		snprintf(out, 128, "%s", name);
}

static int add_nets(const struct nj_config *cfg, const char *key, int policy, uint32_t tmo)
{
	const char *v = nj_config_get(cfg, key);

	if (v)
		return nj_host_policy_add(&conf.hosts, v, policy, tmo);
	size_t n = nj_config_seq_len(cfg, key);
	for (size_t i = 0; i < n; i++) {
		char ik[400];
		snprintf(ik, sizeof(ik), "%s.%zu", key, i);
		v = nj_config_get(cfg, ik);
		if (!v || nj_host_policy_add(&conf.hosts, v, policy, tmo) < 0)
			return -EINVAL;
	}
	return 0;
}

/* One defrag.host-config item: {address, policy, timeout}, possibly under a
 * name (Suricata's "- dmz: {timeout: 30, address: [...]}"). */
static int load_host_item(const struct nj_config *cfg, const char *item)
{
	char k[300], base[256], name[128] = "";
	const char *v;

	snprintf(base, sizeof(base), "%s", item);
	snprintf(k, sizeof(k), "%s.address", item);
	if (!nj_config_get(cfg, k) && nj_config_seq_len(cfg, k) == 0) {
		nj_config_each_child(cfg, item, first_child, name);
		if (!*name)
			return -EINVAL;
		snprintf(base, sizeof(base), "%s.%s", item, name);
	}
	snprintf(k, sizeof(k), "%s.policy", base);
	v = nj_config_get(cfg, k);
	int policy = v ? nj_policy_lookup(v) : conf.policy;
	if (policy < 0)
		return -EINVAL;
	snprintf(k, sizeof(k), "%s.timeout", base);
	int64_t tmo = nj_config_get_int(cfg, k, 0);
	snprintf(k, sizeof(k), "%s.address", base);
	return add_nets(cfg, k, policy, tmo > 0 ? (uint32_t)tmo : 0);
}

int nj_defrag_stage_register(const struct nj_config *cfg)
{
	int rc;

	conf.memcap = nj_config_get_size(cfg, "defrag.memcap", 32ULL << 20);
	int64_t v = nj_config_get_int(cfg, "defrag.timeout", 60);
	conf.timeout = v < 1 ? 1 : v > 86400 ? 86400 : (uint32_t)v;
	v = nj_config_get_int(cfg, "defrag.hash-size", 4096);
	conf.hash_size = v < 1 ? 1 : v > (1 << 24) ? (1 << 24) : (uint32_t)v;
	conf.policy = nj_policy_lookup(nj_config_get_str(cfg, "defrag.policy", "bsd"));
	if (conf.policy < 0)
		return -EINVAL;
	nj_host_policy_free(&conf.hosts);
	nj_host_policy_free(&conf.os);
	if (cfg) {
		size_t n = nj_config_seq_len(cfg, "defrag.host-config");
		for (size_t i = 0; i < n; i++) {
			char item[64];
			snprintf(item, sizeof(item), "defrag.host-config.%zu", i);
			if ((rc = load_host_item(cfg, item)) < 0)
				return rc;
		}
		if ((rc = nj_host_policy_load_os(&conf.os, cfg, "host-os-policy")) < 0)
			return rc;
	}
	ctr.v4_frags = nj_counter_register("defrag.ipv4.fragments");
	ctr.v4_done = nj_counter_register("defrag.ipv4.reassembled");
	ctr.v6_frags = nj_counter_register("defrag.ipv6.fragments");
	ctr.v6_done = nj_counter_register("defrag.ipv6.reassembled");
	ctr.memuse = nj_counter_register("defrag.memuse");
	ctr.memcap_drop = nj_counter_register("nightjar.defrag.memcap_drop");
	ctr.timeouts = nj_counter_register("defrag.mgr.tracker_timeout");
	ctr.overlaps = nj_counter_register("nightjar.defrag.overlaps");
	ctr.bad_csum = nj_counter_register("nightjar.defrag.invalid_checksum");
	return nj_bus_register(&defrag_stage);
}
