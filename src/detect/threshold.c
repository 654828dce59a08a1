/* threshold, detection_filter, rate_filter, suppress: the counting table
 * and the gate a matched rule passes before it alerts (threshold.h).
 *
 * Counting follows Suricata's: a window starts at the first match of a key
 * and lasts `seconds`; limit alerts on the first `count` matches of a
 * window, threshold on every count-th, both once when the count is
 * reached, detection_filter on every match after the first `count`,
 * rate_filter switches the action to new_action for `timeout` seconds once
 * more than `count` matches came within a window; backoff alerts on the
 * count-th match, then each time the count reaches the previous mark times
 * `multiplier` (no window: the key lives as long as the table keeps it).
 */
#include <ctype.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/bytes.h"
#include "core/alert.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/packet.h"
#include "detect/addrport.h"
#include "detect/engine.h"
#include "detect/threshold.h"

#define NBUCKETS 16384
#define DEFAULT_MEMCAP (16u << 20)

/* ---- specs ---- */

static const char *const type_names[] = { "limit", "threshold", "both", "backoff", "detection", "rate" };
static const char *const track_names[] = { "by_src", "by_dst", "by_rule", "by_both", "by_flow", "by_either",
						   "by_process" };

static int lookup(const char *const *names, size_t n, const char *s)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

/* Splits one trimmed "key value" item in place. */
static void split_kv(char *s, char **key, char **val)
{
	while (isspace((unsigned char)*s))
		s++;
	char *e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	*key = s;
	*val = s + strcspn(s, " \t");
	if (**val) {
		*(*val)++ = '\0';
		while (isspace((unsigned char)**val))
			(*val)++;
	}
}

/* Splits "key value" off s (comma-separated); returns the next item. */
static char *next_item(char *s, char **key, char **val)
{
	char *comma = strchr(s, ',');

	if (comma)
		*comma = '\0';
	split_kv(s, key, val);
	return comma ? comma + 1 : NULL;
}

static int parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

int nj_thr_spec_parse(const char *s, bool detection_filter, struct nj_thr_spec *out, char *err,
		      size_t errlen)
{
	char buf[512], *item = buf, *key, *val;
	bool have_type = detection_filter, have_track = false, have_count = false, have_secs = false;

	memset(out, 0, sizeof(*out));
	out->type = detection_filter ? NJ_THR_DETECTION : NJ_THR_LIMIT;
	if (strlen(s) >= sizeof(buf)) {
		snprintf(err, errlen, "value too long");
		return -1;
	}
	snprintf(buf, sizeof(buf), "%s", s);
	while (item) {
		item = next_item(item, &key, &val);
		int k;
		if (!*key)
			continue;
		if (strcmp(key, "type") == 0 && !detection_filter) {
			if ((k = lookup(type_names, 4, val)) < 0)
				goto bad;
			out->type = (uint8_t)k;
			have_type = true;
		} else if (strcmp(key, "track") == 0) {
			if ((k = lookup(track_names, 7, val)) < 0 || k == NJ_TRACK_EITHER)
				goto bad;
			out->track = (uint8_t)k;
			have_track = true;
		} else if (strcmp(key, "count") == 0) {
			if (parse_u32(val, &out->count) < 0)
				goto bad;
			have_count = true;
		} else if (strcmp(key, "seconds") == 0) {
			if (parse_u32(val, &out->seconds) < 0)
				goto bad;
			have_secs = true;
		} else if (strcmp(key, "multiplier") == 0 && !detection_filter) {
			if (parse_u32(val, &out->multiplier) < 0 || out->multiplier < 2)
				goto bad;
		} else if (strcmp(key, "unique_on") == 0) {
			snprintf(err, errlen, "unsupported: %s unique_on",
				 detection_filter ? "detection_filter" : "threshold");
			return -2;
		} else {
			snprintf(err, errlen, "unknown option '%s'", key);
			return -1;
		}
	}
	if (out->type == NJ_THR_BACKOFF) {
		if (!out->multiplier || have_secs) {
			snprintf(err, errlen, "backoff needs multiplier and no seconds");
			return -1;
		}
		have_secs = true;
	} else if (out->multiplier) {
		snprintf(err, errlen, "multiplier is for type backoff");
		return -1;
	}
	if (!have_type || !have_track || !have_count || !have_secs) {
		snprintf(err, errlen, "needs %strack, count and seconds", detection_filter ? "" : "type, ");
		return -1;
	}
	if (!detection_filter && out->count == 0) {
		snprintf(err, errlen, "count must be at least 1");
		return -1;
	}
	if (detection_filter && out->track == NJ_TRACK_FLOW) {
		snprintf(err, errlen, "track by_flow is not allowed");
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid %s '%s'", key, val);
	return -1;
}

void nj_thr_spec_dump(const struct nj_thr_spec *t, char *buf, size_t len)
{
	if (t->type == NJ_THR_BACKOFF) {
		snprintf(buf, len, "type backoff,track %s,count %u,multiplier %u", track_names[t->track],
			 t->count, t->multiplier);
		return;
	}
	snprintf(buf, len, "type %s,track %s,count %u,seconds %u", type_names[t->type], track_names[t->track],
		 t->count, t->seconds);
}

struct nj_gate *nj_gate_get(struct nj_rule *r)
{
	if (!r->gate)
		r->gate = calloc(1, sizeof(*r->gate));
	return r->gate;
}

void nj_gate_free(struct nj_gate *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; i < g->nsup; i++)
		nj_addrset_free(g->sup[i].ips);
	free(g->sup);
	free(g);
}

/* ---- the table ---- */

struct thr_key {
	uint32_t gid, sid;
	uint8_t kind, track;
	struct nj_addr a, b;
	uint64_t flow_id;
	uint32_t pid;
};

struct thr_entry {
	struct thr_key key;
	struct thr_entry *next;
	int64_t tv1;                    /* window start, microseconds */
	int64_t timeout_start;          /* rate_filter: seconds, 0 if off */
	int64_t expire;                 /* seconds: no use after this */
	uint32_t count;
	uint32_t mark;                  /* backoff: count of the next alert */
};

struct nj_thr_table {
	pthread_mutex_t lock;
	struct thr_entry *buckets[NBUCKETS];
	uint32_t n, max;
	uint32_t refs;                  /* rule sets sharing it (a reload) */
};

static int c_memcap = -1;

struct nj_thr_table *nj_thr_table_new(size_t memcap)
{
	struct nj_thr_table *t = calloc(1, sizeof(*t));

	if (!t)
		return NULL;
	pthread_mutex_init(&t->lock, NULL);
	t->refs = 1;
	t->max = (uint32_t)((memcap ? memcap : DEFAULT_MEMCAP) / sizeof(struct thr_entry));
	if (c_memcap < 0)
		c_memcap = nj_counter_register("nightjar.detect.threshold_memcap");
	return t;
}

struct nj_thr_table *nj_thr_table_ref(struct nj_thr_table *t)
{
	__atomic_add_fetch(&t->refs, 1, __ATOMIC_RELAXED);
	return t;
}

void nj_thr_table_free(struct nj_thr_table *t)
{
	if (!t || __atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	for (uint32_t i = 0; i < NBUCKETS; i++) {
		struct thr_entry *e = t->buckets[i], *n;
		for (; e; e = n) {
			n = e->next;
			free(e);
		}
	}
	pthread_mutex_destroy(&t->lock);
	free(t);
}

uint32_t nj_thr_table_count(struct nj_thr_table *t)
{
	pthread_mutex_lock(&t->lock);
	uint32_t n = t->n;
	pthread_mutex_unlock(&t->lock);
	return n;
}

static uint32_t key_hash(const struct thr_key *k)
{
	return nj_hash_bytes(k, sizeof(*k)) % NBUCKETS;
}

static void prune_bucket(struct nj_thr_table *t, uint32_t b, int64_t now)
{
	struct thr_entry **pp = &t->buckets[b];

	while (*pp) {
		struct thr_entry *e = *pp;
		if (e->expire < now) {
			*pp = e->next;
			free(e);
			t->n--;
		} else {
			pp = &e->next;
		}
	}
}

/* Finds the key's entry (pruning expired ones on the way); *fresh tells a
 * new one. NULL when the table is full. */
static struct thr_entry *find(struct nj_thr_table *t, const struct thr_key *k, int64_t now, bool *fresh)
{
	uint32_t b = key_hash(k);

	*fresh = false;
	prune_bucket(t, b, now);
	for (struct thr_entry *e = t->buckets[b]; e; e = e->next)
		if (memcmp(&e->key, k, sizeof(*k)) == 0)
			return e;
	if (t->n >= t->max) {
		for (uint32_t i = 0; i < NBUCKETS; i++)
			prune_bucket(t, i, now);
		if (t->n >= t->max) {
			nj_counter_add(c_memcap, 1);
			return NULL;
		}
	}
	struct thr_entry *e = calloc(1, sizeof(*e));
	if (!e) {
		nj_counter_add(c_memcap, 1);
		return NULL;
	}
	e->key = *k;
	e->next = t->buckets[b];
	t->buckets[b] = e;
	t->n++;
	*fresh = true;
	return e;
}

/* A host (by_src, by_dst) of an event without addresses is its process. */
static bool host_key(const struct nj_addr *a, const struct nj_gate_subject *s, struct thr_key *k)
{
	if (a) {
		k->a = *a;
		return true;
	}
	k->pid = s->pid;
	return s->pid != 0;
}

static bool make_key(const struct nj_rule *r, const struct nj_thr_spec *sp, const struct nj_gate_subject *s,
		     struct thr_key *k)
{
	memset(k, 0, sizeof(*k));
	k->gid = r->info.gid;
	k->sid = r->info.sid;
	k->kind = sp->type;
	k->track = sp->track;
	switch (sp->track) {
	case NJ_TRACK_SRC:
		return host_key(s->src, s, k);
	case NJ_TRACK_DST:
		return host_key(s->dst, s, k);
	case NJ_TRACK_BOTH: {
		if (!s->src || !s->dst)
			return host_key(NULL, s, k);
		/* the pair, whichever way the packet goes */
		bool swap = memcmp(s->src, s->dst, sizeof(*s->src)) > 0;
		k->a = swap ? *s->dst : *s->src;
		k->b = swap ? *s->src : *s->dst;
		break;
	}
	case NJ_TRACK_FLOW:
		k->flow_id = s->flow_id;
		return s->flow_id != 0;
	case NJ_TRACK_PROCESS:
		return host_key(NULL, s, k);
	default:
		break;
	}
	return true;
}

static int64_t expiry(const struct thr_entry *e, const struct nj_thr_spec *s)
{
	int64_t exp = e->tv1 / 1000000 + s->seconds + 1;

	if (e->timeout_start && e->timeout_start + s->timeout + 1 > exp)
		exp = e->timeout_start + s->timeout + 1;
	return exp;
}

/* rate_filter: once more than count matches came within a window, the
 * action is new_action for timeout seconds; matches during the timeout
 * are not counted. */
static void handle_rate(struct thr_entry *e, bool fresh, const struct nj_thr_spec *s, int64_t now_us,
			uint8_t *action)
{
	int64_t secs = now_us / 1000000;

	if (fresh) {
		e->tv1 = now_us;
		e->count = 1;
	} else if (e->timeout_start) {
		if (secs - e->timeout_start > (int64_t)s->timeout)
			e->timeout_start = 0;
		else
			*action = s->new_action;
	} else if (now_us <= e->tv1 + (int64_t)s->seconds * 1000000) {
		if (++e->count > s->count) {
			e->timeout_start = secs;
			*action = s->new_action;
		}
	} else {
		e->tv1 = now_us;
		e->count = 1;
	}
	e->expire = expiry(e, s);
}

/* Returns 1 to alert, 0 not to; may set *action (rate_filter). */
static int handle(struct thr_entry *e, bool fresh, const struct nj_thr_spec *s, int64_t now_us,
		  uint8_t *action)
{
	bool within = !fresh && now_us <= e->tv1 + (int64_t)s->seconds * 1000000;
	int ret = 0;

	if (s->type == NJ_THR_RATE) {
		handle_rate(e, fresh, s, now_us, action);
		return 1;
	}
	if (s->type == NJ_THR_BACKOFF) {
		if (fresh)
			e->mark = s->count;
		if (e->count < UINT32_MAX)
			e->count++;
		if (e->count == e->mark) {
			ret = 1;
			uint64_t m = (uint64_t)e->mark * s->multiplier;
			e->mark = m > UINT32_MAX ? UINT32_MAX : (uint32_t)m;
		}
		e->expire = INT64_MAX;
		return ret;
	}
	if (within) {
		e->count++;
	} else {
		e->tv1 = now_us;
		e->count = 1;
	}
	switch (s->type) {
	case NJ_THR_LIMIT:
		ret = e->count <= s->count;
		break;
	case NJ_THR_THRESHOLD:
		if (e->count >= s->count) {
			ret = 1;
			e->count = 0;
		}
		break;
	case NJ_THR_BOTH:
		ret = e->count == s->count;
		break;
	case NJ_THR_DETECTION:
		ret = within && e->count > s->count;
		break;
	}
	e->expire = expiry(e, s);
	return ret;
}

static int apply(struct nj_thr_table *t, const struct nj_rule *r, const struct nj_thr_spec *s,
		 const struct nj_gate_subject *subj, uint8_t *action)
{
	struct thr_key k;
	int64_t now = (int64_t)subj->ts.tv_sec * 1000000 + subj->ts.tv_usec;
	bool fresh;
	int ret;

	if (!make_key(r, s, subj, &k))
		return s->type == NJ_THR_RATE;
	pthread_mutex_lock(&t->lock);
	struct thr_entry *e = find(t, &k, now / 1000000, &fresh);
	ret = e ? handle(e, fresh, s, now, action) : s->type == NJ_THR_RATE;
	pthread_mutex_unlock(&t->lock);
	return ret;
}

static bool addr_in(const struct nj_addrset *set, const struct nj_addr *a)
{
	return a && nj_addrset_match(set, a);
}

static bool suppressed(const struct nj_gate *g, const struct nj_gate_subject *p)
{
	for (uint32_t i = 0; i < g->nsup; i++) {
		const struct nj_suppress *s = &g->sup[i];
		switch (s->track) {
		case NJ_TRACK_SRC:
			if (addr_in(s->ips, p->src))
				return true;
			break;
		case NJ_TRACK_DST:
			if (addr_in(s->ips, p->dst))
				return true;
			break;
		case NJ_TRACK_EITHER:
			if (addr_in(s->ips, p->src) || addr_in(s->ips, p->dst))
				return true;
			break;
		default:
			return true;
		}
	}
	return false;
}

int nj_gate_check(struct nj_thr_table *t, const struct nj_rule *r, const struct nj_gate_subject *p,
		  uint8_t *action)
{
	const struct nj_gate *g = r->gate;

	*action = r->info.action;
	if (!g)
		return 1;
	if (suppressed(g, p))
		return 0;
	if (!t)
		return 1;
	if (g->has_df && !apply(t, r, &g->df, p, action))
		return 0;
	if (g->has_thr && !apply(t, r, &g->thr, p, action))
		return 0;
	if (g->has_rate)
		apply(t, r, &g->rate, p, action);
	return 1;
}

/* ---- threshold.config ---- */

struct cfg_line {
	uint32_t gid, sid;
	bool has_gid, has_sid;
	struct nj_thr_spec spec;
	bool has_type, has_track, has_count, has_secs, has_action, has_timeout;
	char ip[1024];
};

static const struct {
	const char *name;
	uint8_t action;
} actions[] = {
	{ "alert", NJ_ACTION_ALERT }, { "drop", NJ_ACTION_DROP }, { "sdrop", NJ_ACTION_DROP },
	{ "pass", NJ_ACTION_PASS },   { "log", NJ_ACTION_LOG },   { "reject", NJ_ACTION_REJECT },
	{ "rejectsrc", NJ_ACTION_REJECT }, { "rejectdst", NJ_ACTION_REJECT },
	{ "rejectboth", NJ_ACTION_REJECT },
};

/* Splits at commas outside [..] (ip lists). */
static int parse_cfg_items(char *s, struct cfg_line *c, bool suppress, char *err, size_t errlen)
{
	while (s && *s) {
		char *p = s;
		int depth = 0;
		while (*p && (depth > 0 || *p != ',')) {
			depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
			p++;
		}
		char *next = *p ? p + 1 : NULL;
		*p = '\0';
		char *key, *val;
		split_kv(s, &key, &val);
		s = next;
		int k;
		if (!*key)
			continue;
		if (strcmp(key, "gen_id") == 0) {
			if (parse_u32(val, &c->gid) < 0)
				goto bad;
			c->has_gid = true;
		} else if (strcmp(key, "sig_id") == 0) {
			if (parse_u32(val, &c->sid) < 0)
				goto bad;
			c->has_sid = true;
		} else if (strcmp(key, "type") == 0 && !suppress) {
			if ((k = lookup(type_names, 3, val)) < 0)
				goto bad;
			c->spec.type = (uint8_t)k;
			c->has_type = true;
		} else if (strcmp(key, "track") == 0) {
			k = lookup(track_names, 7, val);
			if (k < 0 || (suppress ? (k != NJ_TRACK_SRC && k != NJ_TRACK_DST && k != NJ_TRACK_EITHER)
					       : k == NJ_TRACK_EITHER))
				goto bad;
			c->spec.track = (uint8_t)k;
			c->has_track = true;
		} else if (strcmp(key, "count") == 0 && !suppress) {
			if (parse_u32(val, &c->spec.count) < 0)
				goto bad;
			c->has_count = true;
		} else if (strcmp(key, "seconds") == 0 && !suppress) {
			if (parse_u32(val, &c->spec.seconds) < 0)
				goto bad;
			c->has_secs = true;
		} else if (strcmp(key, "timeout") == 0 && !suppress) {
			if (parse_u32(val, &c->spec.timeout) < 0)
				goto bad;
			c->has_timeout = true;
		} else if (strcmp(key, "new_action") == 0 && !suppress) {
			size_t i;
			for (i = 0; i < sizeof(actions) / sizeof(actions[0]); i++)
				if (strcmp(val, actions[i].name) == 0)
					break;
			if (i == sizeof(actions) / sizeof(actions[0]))
				goto bad;
			c->spec.new_action = actions[i].action;
			c->has_action = true;
		} else if (strcmp(key, "ip") == 0 && suppress) {
			snprintf(c->ip, sizeof(c->ip), "%s", val);
		} else {
			snprintf(err, errlen, "unknown option '%s'", key);
			return -1;
		}
	}
	return 0;
bad:
	snprintf(err, errlen, "invalid value in '%s'", s ? s : "");
	return -1;
}

static bool applies(const struct nj_rule *r, uint32_t gid, uint32_t sid)
{
	if (sid == 0)
		return gid == 0 || r->info.gid == gid;
	return r->info.sid == sid && r->info.gid == gid;
}

static int add_suppress(struct nj_ruleset *rs, struct nj_rule *r, const struct cfg_line *c)
{
	struct nj_gate *g = nj_gate_get(r);
	char err[128];

	if (!g)
		return -ENOMEM;
	struct nj_suppress *ns = realloc(g->sup, (g->nsup + 1) * sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	g->sup = ns;
	ns[g->nsup].track = c->has_track ? c->spec.track : NJ_TRACK_RULE;
	ns[g->nsup].ips = NULL;
	if (c->has_track && !(ns[g->nsup].ips = nj_addrset_parse(rs->build.vars, c->ip, err, sizeof(err))))
		return -EINVAL;
	g->nsup++;
	return 0;
}

static int apply_line(struct nj_ruleset *rs, const char *kind, const struct cfg_line *c)
{
	for (uint32_t i = 0; i < rs->nrules; i++) {
		struct nj_rule *r = rs->rules[i];
		if (!applies(r, c->gid, c->sid))
			continue;
		if (strcmp(kind, "suppress") == 0) {
			int rc = add_suppress(rs, r, c);
			if (rc < 0)
				return rc;
			continue;
		}
		struct nj_gate *g = nj_gate_get(r);
		if (!g)
			return -ENOMEM;
		if (strcmp(kind, "rate_filter") == 0) {
			g->rate = c->spec;
			g->rate.type = NJ_THR_RATE;
			g->has_rate = true;
		} else if (c->sid == 0 && (g->has_thr || g->has_df) && !g->thr_from_config) {
			/* a global entry leaves rules with their own threshold alone */
			continue;
		} else {
			/* replaces the rule's threshold and detection_filter */
			g->thr = c->spec;
			g->has_thr = true;
			g->has_df = false;
			g->thr_from_config = true;
		}
	}
	return 0;
}

static int parse_cfg_line(struct nj_ruleset *rs, char *s, char *err, size_t errlen)
{
	struct cfg_line c;
	char *kind = s;

	memset(&c, 0, sizeof(c));
	s += strcspn(s, " \t");
	if (*s)
		*s++ = '\0';
	bool suppress = strcmp(kind, "suppress") == 0, rate = strcmp(kind, "rate_filter") == 0;
	if (!suppress && !rate && strcmp(kind, "threshold") != 0 && strcmp(kind, "event_filter") != 0) {
		snprintf(err, errlen, "unknown entry '%s'", kind);
		return -1;
	}
	if (parse_cfg_items(s, &c, suppress, err, errlen) < 0)
		return -1;
	if (!c.has_gid || !c.has_sid) {
		snprintf(err, errlen, "%s needs gen_id and sig_id", kind);
		return -1;
	}
	if (suppress && c.has_track != (c.ip[0] != '\0')) {
		snprintf(err, errlen, "suppress needs both track and ip, or neither");
		return -1;
	}
	if (rate && (!c.has_track || !c.has_count || !c.has_secs || !c.has_action || !c.has_timeout)) {
		snprintf(err, errlen, "rate_filter needs track, count, seconds, new_action and timeout");
		return -1;
	}
	if (!suppress && !rate && (!c.has_type || !c.has_track || !c.has_count || !c.has_secs)) {
		snprintf(err, errlen, "%s needs type, track, count and seconds", kind);
		return -1;
	}
	if (!suppress && !rate && c.spec.count == 0) {
		snprintf(err, errlen, "count must be at least 1");
		return -1;
	}
	int rc = apply_line(rs, kind, &c);
	if (rc < 0) {
		snprintf(err, errlen, rc == -EINVAL ? "invalid ip '%s'" : "out of memory", c.ip);
		return -1;
	}
	return 0;
}

int nj_ruleset_load_threshold_config(struct nj_ruleset *rs, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL, err[256];
	size_t cap = 0;
	int lineno = 0;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		char *s = line;
		lineno++;
		s[strcspn(s, "\r\n")] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (!*s || *s == '#')
			continue;
		if (parse_cfg_line(rs, s, err, sizeof(err)) < 0 && rs->report)
			fprintf(rs->report, "%s:%d: %s\n", path, lineno, err);
	}
	free(line);
	fclose(f);
	return 0;
}
