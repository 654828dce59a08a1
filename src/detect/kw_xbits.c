/* xbits (Suricata): named bits kept per host (track ip_src / ip_dst) or
 * per address pair (track ip_pair, either direction), with an expiry
 * (`expire N` seconds, 30 by default) measured in packet time.
 *
 *   xbits:set|unset|toggle,name,track T[,expire N]   after the rule matched
 *   xbits:isset|isnotset,name,track T[,expire N]     checks (expire ignored)
 *
 * The bits live in a table owned by the rule set (build->xbits), shared by
 * the workers under a mutex and bounded in entries; expired bits are
 * removed as their bucket is visited.
 */
#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/counters.h"
#include "core/packet.h"
#include "detect/engine.h"
#include "detect/keywords.h"
#include "detect/kw_bytes.h"
#include "detect/kw_util.h"

#define XB_BUCKETS 4096
#define XB_MAX_ENTRIES 262144
#define XB_DEFAULT_EXPIRE 30

enum { XB_SET, XB_UNSET, XB_TOGGLE, XB_ISSET, XB_ISNOTSET };
enum { XB_SRC, XB_DST, XB_PAIR };

static const char *const xb_ops[] = { "set", "unset", "toggle", "isset", "isnotset" };
static const char *const xb_tracks[] = { "ip_src", "ip_dst", "ip_pair" };

struct xb_key {
	uint32_t id;
	uint8_t track;                  /* 1 for a pair, 0 for a host */
	struct nj_addr a, b;
};

struct xb_entry {
	struct xb_key key;
	struct xb_entry *next;
	int64_t expire;                 /* seconds, packet time */
};

struct nj_xbits_table {
	pthread_mutex_t lock;
	struct xb_entry *buckets[XB_BUCKETS];
	uint32_t n;
	uint32_t refs;                  /* rule sets sharing it (a reload) */
};

struct xbits {
	uint8_t op, track;
	uint32_t id, expire;
	struct nj_xbits_table *t;
	const struct nj_names *names;
};

static int c_full = -1;

static struct nj_xbits_table *table_new(void)
{
	struct nj_xbits_table *t = calloc(1, sizeof(*t));

	if (t) {
		pthread_mutex_init(&t->lock, NULL);
		t->refs = 1;
	}
	if (c_full < 0)
		c_full = nj_counter_register("nightjar.detect.xbits_full");
	return t;
}

struct nj_xbits_table *nj_xbits_table_ref(struct nj_xbits_table *t)
{
	if (t)
		__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

void nj_xbits_table_free(struct nj_xbits_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (uint32_t i = 0; i < XB_BUCKETS; i++) {
		for (struct xb_entry *e = t->buckets[i], *n; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	pthread_mutex_destroy(&t->lock);
	free(t);
}

static int parse_xbits(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char *tok[5], *s = strdup(arg);
	struct xbits *x = nj_kw_alloc(rc, sizeof(*x));
	struct nj_detect_build *b = rc->build;
	int n, id;
	size_t k;

	if (!s || !x) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	n = nj_bytes_split(s, tok, 5);
	if (n < 3 || n > 4) {
		nj_rule_error(rc, "expected operation, name, track and an optional expire");
		goto fail;
	}
	for (k = 0; k < 5 && strcmp(tok[0], xb_ops[k]) != 0; k++)
		;
	if (k == 5) {
		nj_rule_error(rc, "invalid operation '%s'", tok[0]);
		goto fail;
	}
	x->op = (uint8_t)k;
	if (strncmp(tok[2], "track", 5) != 0 || !isspace((unsigned char)tok[2][5])) {
		nj_rule_error(rc, "expected 'track ip_src|ip_dst|ip_pair'");
		goto fail;
	}
	const char *tr = tok[2] + 6;
	while (isspace((unsigned char)*tr))
		tr++;
	for (k = 0; k < 3 && strcmp(tr, xb_tracks[k]) != 0; k++)
		;
	if (k == 3) {
		nj_rule_unsupported(rc, "xbits track other than ip_src, ip_dst, ip_pair");
		goto fail;
	}
	x->track = (uint8_t)k;
	x->expire = XB_DEFAULT_EXPIRE;
	if (n == 4) {
		int64_t v;
		if (strncmp(tok[3], "expire", 6) != 0 || nj_kw_parse_int(tok[3] + 6, &v) < 0 || v < 1 ||
		    v > 86400 * 365) {
			nj_rule_error(rc, "invalid '%s'", tok[3]);
			goto fail;
		}
		x->expire = (uint32_t)v;
	}
	if (!tok[1][0] || strpbrk(tok[1], " \t|&")) {
		nj_rule_error(rc, "invalid name '%s'", tok[1]);
		goto fail;
	}
	if ((id = nj_names_id(&b->xbits_names, tok[1])) < 0 || (!b->xbits && !(b->xbits = table_new()))) {
		nj_rule_error(rc, "out of memory");
		goto fail;
	}
	x->id = (uint32_t)id;
	x->t = b->xbits;
	x->names = &b->xbits_names;
	free(s);
	*data = x;
	return 0;
fail:
	free(s);
	free(x);
	return -1;
}

static void make_key(const struct xbits *x, const struct nj_packet *p, struct xb_key *k)
{
	memset(k, 0, sizeof(*k));
	k->id = x->id;
	/* ip_src and ip_dst name the same per-host bit */
	k->track = x->track == XB_PAIR;
	if (x->track == XB_SRC) {
		k->a = p->src;
	} else if (x->track == XB_DST) {
		k->a = p->dst;
	} else {
		bool swap = memcmp(&p->src, &p->dst, sizeof(p->src)) > 0;
		k->a = swap ? p->dst : p->src;
		k->b = swap ? p->src : p->dst;
	}
}

static uint32_t key_hash(const struct xb_key *k)
{
	return nj_hash_bytes(k, sizeof(*k)) % XB_BUCKETS;
}

/* With the lock held: the live entry of k (expired ones are dropped),
 * and its link for removal. */
static struct xb_entry **find(struct nj_xbits_table *t, const struct xb_key *k, int64_t now)
{
	struct xb_entry **pp = &t->buckets[key_hash(k)];

	while (*pp) {
		struct xb_entry *e = *pp;
		if (e->expire < now) {
			*pp = e->next;
			free(e);
			t->n--;
			continue;
		}
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return pp;
		pp = &e->next;
	}
	return pp;
}

static int match_xbits(struct nj_match *m, const void *data)
{
	const struct xbits *x = data;
	struct xb_key k;

	if (x->op != XB_ISSET && x->op != XB_ISNOTSET)
		return 1;
	if (!m->p || !m->p->ip_ver)
		return 0;
	make_key(x, m->p, &k);
	pthread_mutex_lock(&x->t->lock);
	bool set = *find(x->t, &k, m->p->ts.tv_sec) != NULL;
	pthread_mutex_unlock(&x->t->lock);
	return set == (x->op == XB_ISSET);
}

static void post_xbits(struct nj_match *m, const void *data)
{
	const struct xbits *x = data;
	int64_t now;
	struct xb_key k;

	if (x->op > XB_TOGGLE || !m->p || !m->p->ip_ver)
		return;
	now = m->p->ts.tv_sec;
	make_key(x, m->p, &k);
	pthread_mutex_lock(&x->t->lock);
	struct xb_entry **pp = find(x->t, &k, now), *e = *pp;
	if (e && (x->op == XB_UNSET || x->op == XB_TOGGLE)) {
		*pp = e->next;
		free(e);
		x->t->n--;
	} else if (e) {
		e->expire = now + x->expire;
	} else if (x->op != XB_UNSET) {
		if (x->t->n >= XB_MAX_ENTRIES || !(e = calloc(1, sizeof(*e)))) {
			nj_counter_add(c_full, 1);
		} else {
			e->key = k;
			e->expire = now + x->expire;
			*pp = e;
			x->t->n++;
		}
	}
	pthread_mutex_unlock(&x->t->lock);
}

static void dump_xbits(const void *data, char *buf, size_t len)
{
	const struct xbits *x = data;

	snprintf(buf, len, "%s,%s,track %s,expire %u", xb_ops[x->op], x->names->names[x->id], xb_tracks[x->track],
		 x->expire);
}

static int state_use_xbits(const void *data)
{
	return ((const struct xbits *)data)->op <= XB_TOGGLE ? NJ_STATE_WRITES : NJ_STATE_READS;
}

const struct nj_keyword kw_xbits = {
	.name = "xbits",
	.flags = NJ_KW_POST,
	.parse = parse_xbits,
	.match = match_xbits,
	.post = post_xbits,
	.free = free,
	.dump = dump_xbits,
	.state_use = state_use_xbits,
};
