/* The socket to process map (sockmap.h). */
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "preprocessors/sockmap.h"

#define SM_BUCKETS 65536
#define SM_DEFAULT_MAX 262144
#define SM_DEFAULT_TIMEOUT 3600
/* how far apart the connect and the accept of one local connection are */
#define MIRROR_US 2000000

enum { K_CONNECTED, K_LISTEN };

struct sm_key {
	uint8_t proto, kind;
	uint16_t lport, rport;
	struct nj_addr laddr, raddr;    /* raddr zero for listeners */
};

struct sm_entry {
	struct sm_key key;
	struct nj_proc_owner *owner;
	struct nj_sock_link *link;      /* connected sockets only */
	bool paired;                    /* its link is shared with the other end */
	int64_t seen;                   /* seconds, event time */
	int64_t seen_us;                /* the same in microseconds */
	/* the socket the key named before (a connection that reused the
	 * ports), for the flow of that one when it looks up late */
	struct nj_proc_owner *prev;
	struct nj_sock_link *prev_link;
	int64_t prev_us;
	struct sm_entry *next;          /* bucket chain */
	struct sm_entry *older, *newer; /* age list */
};

/* Flows that looked for their socket before the sensor reported it: when
 * the connect or accept comes, its link learns the flow's id at once (a
 * direct-mapped cache; a newer flow takes an older one's slot). */
#define WAIT_SLOTS 8192

struct wait_slot {
	struct sm_key key;              /* the client's end as the local one */
	uint64_t flow_id;               /* 0: empty */
	int64_t start_us;               /* the flow's first packet */
};

static struct {
	pthread_mutex_t lock;
	struct wait_slot waiting[WAIT_SLOTS];
	struct sm_entry *buckets[SM_BUCKETS];
	struct sm_entry *oldest, *newest;
	uint32_t n, max;
	int64_t timeout;
	uint32_t gen;                   /* changes with every socket learnt (atomic) */
} map = { .lock = PTHREAD_MUTEX_INITIALIZER, .max = SM_DEFAULT_MAX, .timeout = SM_DEFAULT_TIMEOUT };

static int c_sockets = -1, c_evicted = -1;

static void counters(void)
{
	if (c_sockets < 0) {
		c_sockets = nj_counter_register("correlation.sockets");
		c_evicted = nj_counter_register("correlation.sockets_evicted");
	}
}

void nj_sockmap_config(const struct nj_config *cfg)
{
	int64_t max = nj_config_get_int(cfg, "correlation.max-sockets", SM_DEFAULT_MAX);
	int64_t to = nj_config_get_int(cfg, "correlation.socket-timeout", SM_DEFAULT_TIMEOUT);

	pthread_mutex_lock(&map.lock);
	map.max = max > 0 && max < UINT32_MAX ? (uint32_t)max : SM_DEFAULT_MAX;
	map.timeout = to > 0 ? to : SM_DEFAULT_TIMEOUT;
	pthread_mutex_unlock(&map.lock);
	counters();
}

static uint32_t key_hash(const struct sm_key *k)
{
	return nj_hash_bytes(k, sizeof(*k)) % SM_BUCKETS;
}

/* With the lock held: the link to k's entry, or to the chain's end. */
static struct sm_entry **find(const struct sm_key *k)
{
	struct sm_entry **pp = &map.buckets[key_hash(k)];

	while (*pp && memcmp(&(*pp)->key, k, sizeof(*k)) != 0)
		pp = &(*pp)->next;
	return pp;
}

static void age_unlink(struct sm_entry *e)
{
	if (e->older)
		e->older->newer = e->newer;
	else
		map.oldest = e->newer;
	if (e->newer)
		e->newer->older = e->older;
	else
		map.newest = e->older;
	e->older = e->newer = NULL;
}

static void age_push(struct sm_entry *e)
{
	e->older = map.newest;
	e->newer = NULL;
	if (map.newest)
		map.newest->newer = e;
	else
		map.oldest = e;
	map.newest = e;
}

static void remove_entry(struct sm_entry *e)
{
	struct sm_entry **pp = find(&e->key);

	if (*pp == e)
		*pp = e->next;
	age_unlink(e);
	nj_proc_owner_unref(e->owner);
	nj_proc_owner_unref(e->prev);
	nj_sock_link_unref(e->link);
	nj_sock_link_unref(e->prev_link);
	free(e);
	map.n--;
}

/* Drops expired connected sockets from the old end, and the oldest
 * entries while the map is full. */
static void prune(int64_t now)
{
	while (map.oldest && (map.n >= map.max || (map.oldest->key.kind == K_CONNECTED &&
						    map.oldest->seen + map.timeout < now))) {
		if (map.n >= map.max)
			nj_counter_add(c_evicted, 1);
		remove_entry(map.oldest);
	}
}

static void mirror(struct sm_key *m, const struct sm_key *k)
{
	*m = *k;
	m->laddr = k->raddr;
	m->lport = k->rport;
	m->raddr = k->laddr;
	m->rport = k->lport;
}

static bool near(int64_t a_us, int64_t b_us)
{
	return a_us >= b_us - MIRROR_US && a_us <= b_us + MIRROR_US;
}

static struct wait_slot *wait_slot(const struct sm_key *k)
{
	return &map.waiting[nj_hash_bytes(k, sizeof(*k)) % WAIT_SLOTS];
}

/* With the lock held: the id of a flow that waits for the connected socket
 * k (either end of it) seen at now_us, or 0. */
static uint64_t waiting_flow(const struct sm_key *k, int64_t now_us)
{
	struct sm_key m;

	mirror(&m, k);
	for (int i = 0; i < 2; i++) {
		const struct sm_key *x = i ? &m : k;
		struct wait_slot *w = wait_slot(x);
		if (w->flow_id && memcmp(&w->key, x, sizeof(*x)) == 0 && near(w->start_us, now_us))
			return w->flow_id;
	}
	return 0;
}

/* With the lock held: a link for the connected socket k seen at now_us,
 * a new reference. Both ends of a local connection (one process connected,
 * another accepted) share one link, as they share one flow: the other
 * end's, if it was seen within MIRROR_US and is not paired yet (a client
 * port used again soon after finds the earlier connection's ends paired),
 * else a new one. */
static struct nj_sock_link *link_for(struct sm_entry *e, int64_t now_us)
{
	struct sm_key m;
	struct nj_sock_link *l;

	mirror(&m, &e->key);
	struct sm_entry *o = *find(&m);
	e->paired = false;
	if (o && o != e && o->link && !o->paired && near(o->seen_us, now_us)) {
		l = nj_sock_link_ref(o->link);
		o->paired = e->paired = true;
	} else {
		l = nj_sock_link_new();
	}
	if (l && !nj_sock_link_flow_id(l))
		nj_sock_link_set_flow(l, waiting_flow(&e->key, now_us));
	return l;
}

/* Takes the reference o; returns the socket's link (connected sockets;
 * borrowed from the map) or NULL. */
static struct nj_sock_link *insert(const struct sm_key *k, struct nj_proc_owner *o,
				   const struct timeval *ts)
{
	int64_t now = ts->tv_sec, now_us = now * 1000000 + ts->tv_usec;
	struct nj_sock_link *l = NULL;

	pthread_mutex_lock(&map.lock);
	__atomic_store_n(&map.gen, map.gen + 1, __ATOMIC_RELEASE);
	nj_correlation_set_active(true);
	prune(now);
	struct sm_entry **pp = find(k), *e = *pp;
	if (e) {
		nj_proc_owner_unref(e->prev);
		nj_sock_link_unref(e->prev_link);
		e->prev = e->owner;
		e->prev_link = e->link;
		e->prev_us = e->seen_us;
		age_unlink(e);
	} else if ((e = calloc(1, sizeof(*e)))) {
		e->key = *k;
		*pp = e;
		map.n++;
	}
	if (e) {
		e->owner = o;
		e->link = l = k->kind == K_CONNECTED ? link_for(e, now_us) : NULL;
		e->seen = now;
		e->seen_us = now_us;
		age_push(e);
	} else {
		nj_proc_owner_unref(o);
	}
	nj_counter_set(c_sockets, map.n);
	pthread_mutex_unlock(&map.lock);
	return l;
}

/* A snapshot of the acting process; from the event alone when the process
 * table does not know it. */
static struct nj_proc_owner *owner_of(const struct nj_syscall *sc)
{
	struct nj_process p;

	if (sc->proc)
		return nj_proc_owner_new(sc->proc, sc->parent);
	memset(&p, 0, sizeof(p));
	p.pid = sc->pid;
	p.ppid = sc->ppid;
	p.uid = sc->uid;
	p.euid = sc->euid;
	p.gid = sc->gid;
	memcpy(p.name, sc->comm, sizeof(p.name));
	p.name[sizeof(p.name) - 1] = '\0';
	return nj_proc_owner_new(&p, NULL);
}

static bool inet(const struct nj_addr *a)
{
	return a->family == 4 || a->family == 6;
}

void nj_sockmap_update(struct nj_syscall *sc)
{
	struct sm_key k;
	struct nj_sc_ends e;
	bool ok;

	if (!sc->has_sock || !inet(&sc->local))
		return;
	memset(&k, 0, sizeof(k));
	nj_syscall_ends(sc, &e);
	k.proto = e.proto;
	nj_addr_unmap(&k.laddr, &sc->local);
	k.lport = sc->local_port;
	switch (sc->type) {
	case NJ_SC_CONNECT:
		ok = (sc->ret == 0 || sc->ret == -EINPROGRESS) && inet(&sc->remote);
		break;
	case NJ_SC_ACCEPT: case NJ_SC_ACCEPT4:
		ok = sc->ret >= 0 && inet(&sc->remote);
		break;
	case NJ_SC_LISTEN:
		ok = sc->ret == 0;
		k.kind = K_LISTEN;
		break;
	case NJ_SC_BIND:
		/* a bound UDP socket receives and sends without connecting */
		ok = sc->ret == 0 && k.proto == IPPROTO_UDP;
		k.kind = K_LISTEN;
		break;
	default:
		return;
	}
	if (!ok || (k.proto != IPPROTO_TCP && k.proto != IPPROTO_UDP))
		return;
	if (k.kind == K_CONNECTED) {
		nj_addr_unmap(&k.raddr, &sc->remote);
		k.rport = sc->remote_port;
	}
	struct nj_proc_owner *o = owner_of(sc);
	if (!o)
		return;
	/* the event's link is borrowed from the map: entries are only
	 * replaced or evicted by this function, on this thread */
	sc->link = insert(&k, o, &sc->ts);
}

uint32_t nj_sockmap_generation(void)
{
	return __atomic_load_n(&map.gen, __ATOMIC_ACQUIRE);
}

/* With the lock held: the owner of key k, a new reference, or NULL. */
static struct nj_proc_owner *get(const struct sm_key *k)
{
	struct sm_entry *e = *find(k);

	return e ? nj_proc_owner_ref(e->owner) : NULL;
}

/* With the lock held: the owner of the connected socket l:lp -> r:rp seen
 * within [from, to], the newer of the two the entry keeps, with its link
 * in *link (a new reference each). */
static struct nj_proc_owner *connected(uint8_t proto, const struct nj_addr *l, uint16_t lp,
				       const struct nj_addr *r, uint16_t rp, int64_t from, int64_t to,
				       struct nj_sock_link **link)
{
	struct sm_key k;
	struct sm_entry *e;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	nj_addr_unmap(&k.laddr, l);
	k.lport = lp;
	nj_addr_unmap(&k.raddr, r);
	k.rport = rp;
	if (!(e = *find(&k)))
		return NULL;
	if (e->seen_us >= from && e->seen_us <= to) {
		*link = nj_sock_link_ref(e->link);
		return nj_proc_owner_ref(e->owner);
	}
	if (e->prev && e->prev_us >= from && e->prev_us <= to) {
		*link = nj_sock_link_ref(e->prev_link);
		return nj_proc_owner_ref(e->prev);
	}
	return NULL;
}

/* A listener or bound socket at a:port, or at the wildcard address of
 * either family (a v6 socket also takes IPv4). */
static struct nj_proc_owner *listening(uint8_t proto, const struct nj_addr *a, uint16_t port)
{
	struct sm_key k;
	struct nj_proc_owner *o;

	memset(&k, 0, sizeof(k));
	k.proto = proto;
	k.kind = K_LISTEN;
	k.lport = port;
	nj_addr_unmap(&k.laddr, a);
	if ((o = get(&k)))
		return o;
	memset(&k.laddr, 0, sizeof(k.laddr));
	k.laddr.family = 4;
	if ((o = get(&k)))
		return o;
	k.laddr.family = 6;
	return get(&k);
}

/* With the lock held: notes flow f as waiting for the socket of its
 * connection. */
static void expect(const struct nj_flow *f)
{
	struct sm_key k;

	memset(&k, 0, sizeof(k));
	k.proto = f->proto;
	nj_addr_unmap(&k.laddr, &f->client);
	k.lport = f->cport;
	nj_addr_unmap(&k.raddr, &f->server);
	k.rport = f->sport;
	struct wait_slot *w = wait_slot(&k);
	w->key = k;
	w->flow_id = f->flow_id;
	w->start_us = (int64_t)f->start.tv_sec * 1000000 + f->start.tv_usec;
}

struct nj_proc_owner *nj_sockmap_lookup(const struct nj_flow *f, int better, int64_t from_us,
					int64_t to_us, int *match, struct nj_sock_link **link)
{
	struct nj_proc_owner *o = NULL;
	int m = NJ_SM_NONE;

	if (f->proto != IPPROTO_TCP && f->proto != IPPROTO_UDP)
		return NULL;
	pthread_mutex_lock(&map.lock);
	*link = NULL;
	if ((o = connected(f->proto, &f->client, f->cport, &f->server, f->sport, from_us, to_us, link)))
		m = NJ_SM_CONNECTED;
	else if (better < NJ_SM_ACCEPTED &&
		 (o = connected(f->proto, &f->server, f->sport, &f->client, f->cport, from_us, to_us, link)))
		m = NJ_SM_ACCEPTED;
	else if (better < NJ_SM_LISTENER &&
		 ((o = listening(f->proto, &f->server, f->sport)) ||
		  (f->proto == IPPROTO_UDP && (o = listening(f->proto, &f->client, f->cport)))))
		m = NJ_SM_LISTENER;
	if (m != NJ_SM_CONNECTED)
		expect(f);
	pthread_mutex_unlock(&map.lock);
	if (o && match)
		*match = m;
	return o;
}
