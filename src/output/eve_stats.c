/* EVE stats records: every registered counter, nested by its dotted name
 * ("decoder.pkts" -> {"decoder": {"pkts": N}}) as Suricata writes them. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/counters.h"
#include "output/eve.h"

static void put_time(struct nj_json *j, const char *key, const struct timeval *tv)
{
	char ts[40];

	nj_eve_timestamp(tv, ts, sizeof(ts));
	nj_json_str(j, key, ts);
}

/* Orders dotted names component by component ('.' below every other
 * character) so that all of "a.b.*" sits right after "a.b". */
static int name_cmp(const void *x, const void *y)
{
	const unsigned char *a = (const unsigned char *)nj_counter_name(*(const int *)x);
	const unsigned char *b = (const unsigned char *)nj_counter_name(*(const int *)y);

	for (;; a++, b++) {
		unsigned ca = *a == '.' ? 1 : *a, cb = *b == '.' ? 1 : *b;
		if (ca != cb)
			return ca < cb ? -1 : 1;
		if (!ca)
			return 0;
	}
}

/* Length of the first n components' prefix of name ("a.b.c", 2 -> 3). */
static size_t comp_prefix(const char *name, int n)
{
	size_t i = 0;

	for (int c = 0; c < n; c++) {
		while (name[i] && name[i] != '.')
			i++;
		if (c + 1 < n && name[i])
			i++;
	}
	return i;
}

static int count_components(const char *s)
{
	int n = 1;

	for (; *s; s++)
		n += *s == '.';
	return n;
}

/* Writes the counters ids[0..n) (sorted by name_cmp) as nested objects,
 * with vals[id]; with prev, each value is followed by "<name>_delta", the
 * change since the previous record, as Suricata's `deltas` option. */
static void put_tree(struct nj_json *j, const int *ids, size_t n, const uint64_t *vals,
		     const uint64_t *prev)
{
	const char *open = "";          /* the name whose objects are open */
	int open_depth = 0;             /* how many components of it are open */

	for (size_t i = 0; i < n; i++) {
		const char *name = nj_counter_name(ids[i]);
		const char *next = i + 1 < n ? nj_counter_name(ids[i + 1]) : NULL;
		size_t len = strlen(name);
		int comps = count_components(name), common = 0;

		if (!len || name[0] == '.' || name[len - 1] == '.' || strstr(name, ".."))
			continue;
		/* a name that is also a prefix of others becomes their object */
		if (next && !strncmp(next, name, len) && next[len] == '.')
			continue;
		while (common < open_depth && common < comps - 1) {
			size_t pl = comp_prefix(name, common + 1);
			if (comp_prefix(open, common + 1) != pl || strncmp(open, name, pl) != 0)
				break;
			common++;
		}
		for (; open_depth > common; open_depth--)
			nj_json_object_close(j);
		for (; open_depth < comps - 1; open_depth++) {
			size_t s = open_depth ? comp_prefix(name, open_depth) + 1 : 0;
			size_t e = comp_prefix(name, open_depth + 1);
			char part[128];
			snprintf(part, sizeof(part), "%.*s", (int)(e - s), name + s);
			nj_json_object_open(j, part);
		}
		open = name;
		const char *leaf = name + (comps > 1 ? comp_prefix(name, comps - 1) + 1 : 0);
		nj_json_uint(j, leaf, vals[ids[i]]);
		if (prev) {
			char dname[160];
			snprintf(dname, sizeof(dname), "%s_delta", leaf);
			nj_json_int(j, dname, (int64_t)(vals[ids[i]] - prev[ids[i]]));
		}
	}
	for (; open_depth > 0; open_depth--)
		nj_json_object_close(j);
}

/* The previous values of view t (-1: the totals), grown on demand; NULL
 * when out of memory (the record then has no deltas for it). */
static uint64_t *prev_of(struct nj_eve_stats_state *st, long t)
{
	if (t < 0) {
		if (!st->prev_total)
			st->prev_total = calloc(NJ_MAX_COUNTERS, sizeof(uint64_t));
		return st->prev_total;
	}
	if ((size_t)t >= st->nthreads) {
		uint64_t **np = realloc(st->prev_thread, ((size_t)t + 1) * sizeof(*np));
		if (!np)
			return NULL;
		for (size_t i = st->nthreads; i <= (size_t)t; i++)
			np[i] = NULL;
		st->prev_thread = np;
		st->nthreads = (size_t)t + 1;
	}
	if (!st->prev_thread[t])
		st->prev_thread[t] = calloc(NJ_MAX_COUNTERS, sizeof(uint64_t));
	return st->prev_thread[t];
}

/* One view: the totals (t < 0) or thread t; remembers its values for the
 * next record's deltas when st is given. */
static void put_view(struct nj_json *j, const int *ids, size_t n, uint64_t *vals, long t,
		     struct nj_eve_stats_state *st)
{
	uint64_t *prev = st ? prev_of(st, t) : NULL;

	if (t < 0) {
		for (size_t i = 0; i < n; i++)
			vals[i] = nj_counter_get((int)i);
	} else {
		nj_counter_thread_values((size_t)t, vals, n);
	}
	put_tree(j, ids, n, vals, prev);
	if (prev)
		memcpy(prev, vals, n * sizeof(*vals));
}

static void put_threads(struct nj_json *j, const int *ids, size_t n, uint64_t *vals,
			struct nj_eve_stats_state *st)
{
	size_t nt = nj_counter_threads();

	nj_json_object_open(j, "threads");
	for (size_t t = 0; t < nt; t++) {
		char name[32];
		nj_counter_thread_name_get(t, name, sizeof(name));
		nj_json_object_open(j, name);
		put_view(j, ids, n, vals, (long)t, st);
		nj_json_object_close(j);
	}
	nj_json_object_close(j);
}

int nj_eve_format_stats_with(const struct nj_eve_opts *o, struct nj_eve_stats_state *st,
			     struct nj_json *j, const struct timeval *now, uint64_t uptime)
{
	size_t n = nj_counter_count();
	int *ids = calloc(n ? n : 1, sizeof(*ids));
	uint64_t *vals = calloc(n ? n : 1, sizeof(*vals));
	bool totals = !o || o->stats_totals, threads = o && o->stats_threads;
	struct nj_eve_stats_state *deltas = o && o->stats_deltas ? st : NULL;

	nj_json_reset(j);
	if (!ids || !vals) {
		free(ids);
		free(vals);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		ids[i] = (int)i;
	qsort(ids, n, sizeof(*ids), name_cmp);
	nj_json_object_open(j, NULL);
	put_time(j, "timestamp", now);
	nj_json_str(j, "event_type", "stats");
	nj_json_object_open(j, "stats");
	nj_json_uint(j, "uptime", uptime);
	if (totals)
		put_view(j, ids, n, vals, -1, deltas);
	if (threads)
		put_threads(j, ids, n, vals, deltas);
	nj_json_object_close(j);
	nj_json_object_close(j);
	free(ids);
	free(vals);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}

int nj_eve_format_stats(struct nj_json *j, const struct timeval *now, uint64_t uptime)
{
	return nj_eve_format_stats_with(NULL, NULL, j, now, uptime);
}

void nj_eve_stats_state_free(struct nj_eve_stats_state *st)
{
	free(st->prev_total);
	for (size_t i = 0; i < st->nthreads; i++)
		free(st->prev_thread[i]);
	free(st->prev_thread);
	memset(st, 0, sizeof(*st));
}
