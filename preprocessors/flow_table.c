/* Flow table: per-worker hash of bidirectional flows with LRU timeouts and
 * a memcap with emergency eviction. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/verdict.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/stream.h"

enum { PROTO_DEFAULT = 0, PROTO_TCP, PROTO_UDP, PROTO_ICMP, PROTO__COUNT };
enum { TMO_NEW = 0, TMO_EST, TMO_CLOSED, TMO__COUNT };

/* Normalised key: (a, pa) is the lower endpoint so both directions hash
 * and compare the same. Zeroed before filling so memcmp sees no padding. */
struct flow_key {
	struct nj_addr a, b;
	struct nj_addr oa, ob;          /* outer tunnel addresses, sorted */
	uint16_t pa, pb;
	uint16_t vlan[2];
	uint8_t proto;
	uint8_t tunnel_proto;
};

struct flow_entry {
	struct nj_flow f;               /* first: p->flow points here */
	struct flow_key key;
	uint64_t hash;
	struct flow_entry *hnext;
	struct flow_entry *lprev, *lnext;       /* LRU: head is least recent */
};

struct flow_table {
	struct flow_entry **buckets;
	uint32_t nbuckets;
	struct flow_entry *lru_head, *lru_tail;
	uint64_t memuse, active;
	uint64_t memuse_peak;           /* high-water mark, for benchmarks */
	bool emergency;
	time_t last_sweep;
};

static struct {
	uint64_t memcap;
	uint32_t hash_size;
	uint32_t recovery;      /* percent */
	uint32_t tmo[PROTO__COUNT][TMO__COUNT];
	uint32_t emerg[PROTO__COUNT][TMO__COUNT];
	uint32_t min_tmo;
} conf;

static struct {
	int memuse, memuse_peak, active, total, timeouts, evictions, emerg_in, emerg_over, memcap_drop,
		shutdown, reuse;
} ctr;

#define MAX_BEFORE_END 8
static nj_flow_end_fn before_end[MAX_BEFORE_END];
static int nbefore_end;

int nj_flow_before_end(nj_flow_end_fn fn)
{
	for (int i = 0; i < nbefore_end; i++)
		if (before_end[i] == fn)
			return 0;
	if (nbefore_end == MAX_BEFORE_END)
		return -ENOSPC;
	before_end[nbefore_end++] = fn;
	return 0;
}

size_t nj_flow_record_size(void)
{
	return sizeof(struct flow_entry);
}

static int proto_class(uint8_t proto)
{
	switch (proto) {
	case 6:
		return PROTO_TCP;
	case 17:
		return PROTO_UDP;
	case 1:
	case 58:
		return PROTO_ICMP;
	default:
		return PROTO_DEFAULT;
	}
}

static uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

static uint64_t key_hash(const struct flow_key *k)
{
	const uint8_t *b = (const uint8_t *)k;
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < sizeof(*k); i++) {
		h ^= b[i];
		h *= 0x100000001b3ULL;
	}
	return mix64(h);
}

/* Fills k's ends (zeroing k first), the lower endpoint as a. */
static void key_ends(struct flow_key *k, const struct nj_addr *x, uint16_t xp, const struct nj_addr *y,
		     uint16_t yp)
{
	int c = nj_addr_cmp(x, y);
	bool swap = c > 0 || (c == 0 && xp > yp);

	memset(k, 0, sizeof(*k));
	k->a = swap ? *y : *x;
	k->b = swap ? *x : *y;
	k->pa = swap ? yp : xp;
	k->pb = swap ? xp : yp;
}

static void key_from_packet(const struct nj_packet *p, struct flow_key *k)
{
	key_ends(k, &p->src, p->sport, &p->dst, p->dport);
	k->proto = p->proto;
	k->vlan[0] = p->vlan_count > 0 ? p->vlan[0] : 0;
	k->vlan[1] = p->vlan_count > 1 ? p->vlan[1] : 0;
	if (p->tunnel_depth) {
		bool oswap = nj_addr_cmp(&p->outer_src, &p->outer_dst) > 0;
		k->oa = oswap ? p->outer_dst : p->outer_src;
		k->ob = oswap ? p->outer_src : p->outer_dst;
		k->tunnel_proto = p->tunnel_proto;
	}
}

static uint32_t timeout_of(const struct nj_flow *f, bool emergency)
{
	int pc = proto_class(f->proto);
	int t = f->state == NJ_FLOW_ESTABLISHED ? TMO_EST :
		f->state == NJ_FLOW_CLOSED ? TMO_CLOSED : TMO_NEW;
	return emergency ? conf.emerg[pc][t] : conf.tmo[pc][t];
}

static void lru_unlink(struct flow_table *t, struct flow_entry *e)
{
	if (e->lprev)
		e->lprev->lnext = e->lnext;
	else
		t->lru_head = e->lnext;
	if (e->lnext)
		e->lnext->lprev = e->lprev;
	else
		t->lru_tail = e->lprev;
	e->lprev = e->lnext = NULL;
}

static void lru_append(struct flow_table *t, struct flow_entry *e)
{
	e->lprev = t->lru_tail;
	e->lnext = NULL;
	if (t->lru_tail)
		t->lru_tail->lnext = e;
	else
		t->lru_head = e;
	t->lru_tail = e;
}

static void hash_unlink(struct flow_table *t, struct flow_entry *e)
{
	struct flow_entry **pp = &t->buckets[e->hash % t->nbuckets];

	while (*pp && *pp != e)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = e->hnext;
}

static void update_gauges(struct flow_table *t)
{
	nj_counter_set(ctr.memuse, t->memuse);
	nj_counter_set(ctr.active, t->active);
	if (t->memuse > t->memuse_peak) {
		t->memuse_peak = t->memuse;
		nj_counter_set(ctr.memuse_peak, t->memuse_peak);
	}
}

/* Ends one flow: unlink, run the hooks while everything is attached, free. */
static void flow_end(struct nj_worker *w, struct flow_table *t, struct flow_entry *e, int reason)
{
	hash_unlink(t, e);
	lru_unlink(t, e);
	e->f.end_reason = (uint8_t)reason;
	for (int i = 0; i < nbefore_end; i++)
		before_end[i](w, &e->f);
	nj_flow_ended(w, &e->f);
	nj_varset_free(&e->f.bits);
	nj_proc_owner_unref(e->f.owner);
	nj_sock_link_unref(e->f.link);
	t->memuse -= sizeof(*e);
	t->active--;
	free(e);
	update_gauges(t);
}

static long idle_seconds(const struct nj_flow *f, const struct timeval *now)
{
	return (long)(now->tv_sec - f->last.tv_sec);
}

/* Ends every flow idle past its timeout. The LRU list is ordered by last
 * activity, so the walk stops at the first flow idle for less than the
 * shortest timeout. */
static void sweep(struct nj_worker *w, struct flow_table *t, const struct timeval *now)
{
	struct flow_entry *e = t->lru_head;
	uint32_t min = t->emergency ? 0 : conf.min_tmo;

	while (e) {
		struct flow_entry *next = e->lnext;
		long idle = idle_seconds(&e->f, now);
		if (idle < (long)min)
			break;
		if (idle >= (long)timeout_of(&e->f, t->emergency) &&
		    idle > 0 /* never a flow seen this second */) {
			nj_counter_add(ctr.timeouts, 1);
			flow_end(w, t, e, NJ_FLOW_END_TIMEOUT);
		}
		e = next;
	}
	t->last_sweep = now->tv_sec;
	if (t->emergency && t->memuse * 100 < conf.memcap * (100 - conf.recovery)) {
		t->emergency = false;
		nj_counter_add(ctr.emerg_over, 1);
	}
}

/* Makes room for one more flow: emergency timeouts first, then the least
 * recently used flows are evicted. */
static bool make_room(struct nj_worker *w, struct flow_table *t, const struct timeval *now)
{
	if (t->memuse + sizeof(struct flow_entry) <= conf.memcap)
		return true;
	if (!t->emergency) {
		t->emergency = true;
		nj_counter_add(ctr.emerg_in, 1);
		sweep(w, t, now);
	}
	while (t->memuse + sizeof(struct flow_entry) > conf.memcap && t->lru_head) {
		nj_counter_add(ctr.evictions, 1);
		flow_end(w, t, t->lru_head, NJ_FLOW_END_FORCED);
	}
	return t->memuse + sizeof(struct flow_entry) <= conf.memcap;
}

static uint64_t flow_id_of(uint64_t hash, const struct timeval *ts)
{
	uint64_t id = mix64(hash ^ ((uint64_t)ts->tv_sec << 20) ^ (uint64_t)ts->tv_usec);
	id &= (1ULL << 53) - 1;         /* exact in JSON consumers using doubles */
	return id ? id : 1;
}

static struct flow_entry *flow_new(struct nj_worker *w, struct flow_table *t,
				   const struct nj_packet *p, const struct flow_key *k,
				   uint64_t hash, const struct timeval *now)
{
	struct flow_entry *e;

	if (!make_room(w, t, now)) {
		nj_counter_add(ctr.memcap_drop, 1);
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		nj_counter_add(ctr.memcap_drop, 1);
		return NULL;
	}
	e->key = *k;
	e->hash = hash;
	/* The sender of the first packet is the client, except for a SYN/ACK
	 * (we missed the SYN): its receiver opened the connection. */
	bool reverse = p->proto == 6 && (p->tcp.flags & (NJ_TH_SYN | NJ_TH_ACK)) ==
						(NJ_TH_SYN | NJ_TH_ACK);
	e->f.client = reverse ? p->dst : p->src;
	e->f.server = reverse ? p->src : p->dst;
	e->f.cport = reverse ? p->dport : p->sport;
	e->f.sport = reverse ? p->sport : p->dport;
	e->f.proto = p->proto;
	e->f.vlan[0] = k->vlan[0];
	e->f.vlan[1] = k->vlan[1];
	e->f.start = p->ts;
	e->f.last = p->ts;
	e->f.flow_id = flow_id_of(hash, &p->ts);
	e->f.state = NJ_FLOW_NEW;

	struct flow_entry **b = &t->buckets[hash % t->nbuckets];
	e->hnext = *b;
	*b = e;
	lru_append(t, e);
	t->memuse += sizeof(*e);
	t->active++;
	nj_counter_add(ctr.total, 1);
	update_gauges(t);
	return e;
}

static struct flow_entry *flow_find(struct flow_table *t, const struct flow_key *k, uint64_t hash)
{
	for (struct flow_entry *e = t->buckets[hash % t->nbuckets]; e; e = e->hnext)
		if (e->hash == hash && memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	return NULL;
}

struct nj_flow *nj_flow_table_find(struct nj_worker *w, uint8_t proto, const struct nj_addr *x,
				   uint16_t xp, const struct nj_addr *y, uint16_t yp)
{
	struct flow_table *t = w ? w->ctx[NJ_STAGE_FLOW] : NULL;
	struct flow_key k;

	if (!t)
		return NULL;
	key_ends(&k, x, xp, y, yp);
	k.proto = proto;
	struct flow_entry *e = flow_find(t, &k, key_hash(&k));
	return e ? &e->f : NULL;
}

static uint8_t packet_dir(const struct nj_flow *f, const struct nj_packet *p)
{
	if (nj_addr_eq(&p->src, &f->client) && p->sport == f->cport)
		return NJ_DIR_TO_SERVER;
	return NJ_DIR_TO_CLIENT;
}

static void flow_update(struct flow_table *t, struct flow_entry *e, struct nj_packet *p)
{
	struct nj_flow *f = &e->f;

	p->flow = f;
	p->dir = packet_dir(f, p);
	if (p->dir == NJ_DIR_TO_SERVER) {
		f->pkts_ts++;
		f->bytes_ts += p->wirelen ? p->wirelen : p->caplen;
	} else {
		f->pkts_tc++;
		f->bytes_tc += p->wirelen ? p->wirelen : p->caplen;
	}
	if (timercmp(&p->ts, &f->last, >))
		f->last = p->ts;
	if (p->flags & NJ_PKT_REASSEMBLED)
		f->has_frag = true;
	/* TCP state belongs to the stream engine; it updates the flag for the
	 * packet after its state machine ran. */
	if (f->proto != 6 && f->state == NJ_FLOW_NEW && f->pkts_ts && f->pkts_tc)
		f->state = NJ_FLOW_ESTABLISHED;
	if (f->proto == 6 ? (f->tcp_state >= NJ_TCP_ESTABLISHED && f->tcp_state != NJ_TCP_CLOSED)
			  : f->state == NJ_FLOW_ESTABLISHED)
		p->flags |= NJ_PKT_FLOW_ESTABLISHED;
	lru_unlink(t, e);
	lru_append(t, e);
}

static struct timeval now_of(const struct nj_worker *w, const struct nj_packet *p)
{
	struct timeval now = w->now;

	if (w->offline && timercmp(&p->ts, &now, >))
		now = p->ts;
	return now;
}

static int flow_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct flow_table *t = ctx;
	struct nj_packet *p = ev->pkt;
	struct flow_key k;

	if (!p || p->ip_ver == 0 || (p->flags & (NJ_PKT_IS_FRAGMENT | NJ_PKT_PSEUDO)))
		return NJ_BUS_CONTINUE;
	struct timeval now = now_of(w, p);
	if (now.tv_sec != t->last_sweep)
		sweep(w, t, &now);

	key_from_packet(p, &k);
	uint64_t hash = key_hash(&k);
	struct flow_entry *e = flow_find(t, &k, hash);
	/* A SYN on a closed TCP session opens another connection on the same
	 * ports: a flow of its own, as its process may differ. The old one
	 * ends as if it had timed out (Suricata logs a reused flow so). */
	if (e && p->proto == 6 && e->f.tcp_state >= NJ_TCP_TIME_WAIT &&
	    (p->tcp.flags & (NJ_TH_SYN | NJ_TH_ACK | NJ_TH_RST)) == NJ_TH_SYN) {
		nj_counter_add(ctr.reuse, 1);
		flow_end(w, t, e, NJ_FLOW_END_TIMEOUT);
		e = NULL;
	}
	if (!e)
		e = flow_new(w, t, p, &k, hash, &now);
	if (!e)
		return NJ_BUS_CONTINUE;
	flow_update(t, e, p);
	/* a dropped flow drops the rest of its packets, uninspected */
	if (e->f.drop) {
		nj_packet_drop(p, NJ_DROP_FLOW, NULL);
		return NJ_BUS_DROP;
	}
	return NJ_BUS_CONTINUE;
}

static void flow_tick(struct nj_worker *w, void *ctx)
{
	struct flow_table *t = ctx;

	if (t->lru_head)
		sweep(w, t, &w->now);
}

static void end_all(struct nj_worker *w, struct flow_table *t)
{
	while (t->lru_head) {
		nj_counter_add(ctr.shutdown, 1);
		flow_end(w, t, t->lru_head, NJ_FLOW_END_SHUTDOWN);
	}
}

static void flow_drain(struct nj_worker *w, void *ctx)
{
	end_all(w, ctx);
}

static int flow_thread_init(struct nj_worker *w, void **ctx)
{
	struct flow_table *t = calloc(1, sizeof(*t));

	if (!t)
		return -ENOMEM;
	t->nbuckets = conf.hash_size;
	t->buckets = calloc(t->nbuckets, sizeof(*t->buckets));
	if (!t->buckets) {
		free(t);
		return -ENOMEM;
	}
	t->memuse = (uint64_t)t->nbuckets * sizeof(*t->buckets);
	*ctx = t;
	update_gauges(t);
	return 0;
}

/* Flows still present at thread end (no drain) are ended as shutdown so
 * that every stage frees what it attached. */
static void flow_thread_fini(struct nj_worker *w, void *ctx)
{
	struct flow_table *t = ctx;

	if (!t)
		return;
	end_all(w, t);
	free(t->buckets);
	free(t);
}

static const struct nj_stage flow_stage = {
	.name = "flow",
	.order = NJ_STAGE_FLOW,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.thread_init = flow_thread_init,
	.thread_fini = flow_thread_fini,
	.handle = flow_handle,
	.tick = flow_tick,
	.drain = flow_drain,
};

static void load_timeouts(const struct nj_config *cfg)
{
	static const char *pnames[PROTO__COUNT] = { "default", "tcp", "udp", "icmp" };
	static const char *tnames[TMO__COUNT] = { "new", "established", "closed" };
	/* Suricata's defaults. */
	static const uint32_t dflt[PROTO__COUNT][TMO__COUNT] = {
		{ 30, 300, 0 }, { 60, 600, 60 }, { 30, 300, 0 }, { 30, 300, 0 } };
	static const uint32_t edflt[PROTO__COUNT][TMO__COUNT] = {
		{ 10, 100, 0 }, { 10, 100, 20 }, { 10, 100, 0 }, { 10, 100, 0 } };
	char k[96];

	conf.min_tmo = UINT32_MAX;
	for (int pc = 0; pc < PROTO__COUNT; pc++) {
		for (int ti = 0; ti < TMO__COUNT; ti++) {
			snprintf(k, sizeof(k), "flow-timeouts.%s.%s", pnames[pc], tnames[ti]);
			int64_t v = nj_config_get_int(cfg, k, dflt[pc][ti]);
			conf.tmo[pc][ti] = v < 0 ? 0 : (uint32_t)v;
			snprintf(k, sizeof(k), "flow-timeouts.%s.emergency-%s", pnames[pc],
				 tnames[ti]);
			v = nj_config_get_int(cfg, k, edflt[pc][ti]);
			conf.emerg[pc][ti] = v < 0 ? 0 : (uint32_t)v;
			if (conf.tmo[pc][ti] < conf.min_tmo)
				conf.min_tmo = conf.tmo[pc][ti];
		}
	}
}

int nj_flow_stage_register(const struct nj_config *cfg)
{
	conf.memcap = nj_config_get_size(cfg, "flow.memcap", 32ULL << 20);
	int64_t hs = nj_config_get_int(cfg, "flow.hash-size", 65536);
	conf.hash_size = hs < 1 ? 1 : hs > (1 << 26) ? (1 << 26) : (uint32_t)hs;
	int64_t rec = nj_config_get_int(cfg, "flow.emergency-recovery", 30);
	conf.recovery = rec < 0 ? 0 : rec > 100 ? 100 : (uint32_t)rec;
	load_timeouts(cfg);

	ctr.memuse = nj_counter_register("flow.memuse");
	ctr.memuse_peak = nj_counter_register("nightjar.flow.memuse_peak");
	ctr.active = nj_counter_register("flow.active");
	ctr.total = nj_counter_register("flow.total");
	ctr.timeouts = nj_counter_register("flow.mgr.flows_timeout");
	ctr.evictions = nj_counter_register("flow.wrk.flows_evicted");
	ctr.emerg_in = nj_counter_register("flow.emerg_mode_entered");
	ctr.emerg_over = nj_counter_register("flow.emerg_mode_over");
	ctr.memcap_drop = nj_counter_register("flow.memcap");
	ctr.shutdown = nj_counter_register("nightjar.flow.shutdown");
	ctr.reuse = nj_counter_register("flow.tcp_reuse");
	return nj_bus_register(&flow_stage);
}
