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

int nj_eve_format_stats(struct nj_json *j, const struct timeval *now, uint64_t uptime)
{
	size_t n = nj_counter_count();
	int *ids = calloc(n ? n : 1, sizeof(*ids));
	const char *open = "";          /* the name whose objects are open */
	int open_depth = 0;             /* how many components of it are open */

	nj_json_reset(j);
	if (!ids)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		ids[i] = (int)i;
	qsort(ids, n, sizeof(*ids), name_cmp);
	nj_json_object_open(j, NULL);
	put_time(j, "timestamp", now);
	nj_json_str(j, "event_type", "stats");
	nj_json_object_open(j, "stats");
	nj_json_uint(j, "uptime", uptime);
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
		nj_json_uint(j, name + (comps > 1 ? comp_prefix(name, comps - 1) + 1 : 0),
			     nj_counter_get(ids[i]));
	}
	for (; open_depth > 0; open_depth--)
		nj_json_object_close(j);
	nj_json_object_close(j);
	nj_json_object_close(j);
	free(ids);
	return j->oom || j->depth != 0 ? -ENOMEM : 0;
}
