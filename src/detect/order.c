/* Evaluation order of a rule set, as Suricata orders flowbits (and, with
 * them here, xbits and flowint): within one packet, rules that only write bits (set,
 * unset, toggle) run first,
 * then rules that write and read, then rules that only read, then the
 * rest; otherwise load order is kept. Candidates are verified in rule
 * index order (after the prefilter's action rank, which keeps pass rules
 * first), so the reordering is of rs->rules itself, with r->num renumbered.
 */
#include <stdlib.h>

#include "detect/engine.h"
#include "detect/keywords.h"

static uint8_t rank_of(const struct nj_rule *r)
{
	int use = 0;

	for (uint16_t i = 0; i < r->nopts; i++)
		if (r->opts[i].kw->state_use && r->opts[i].data)
			use |= r->opts[i].kw->state_use(r->opts[i].data);
	if (use == NJ_STATE_WRITES)
		return 0;
	if (use == (NJ_STATE_WRITES | NJ_STATE_READS))
		return 1;
	if (use == NJ_STATE_READS)
		return 2;
	return 3;
}

int nj_ruleset_order(struct nj_ruleset *rs)
{
	struct nj_rule **sorted;
	uint32_t count[4] = { 0 }, start[4], n = 0;
	uint8_t *rank;

	if (rs->nrules == 0)
		return 0;
	sorted = malloc(rs->nrules * sizeof(*sorted));
	rank = malloc(rs->nrules);
	if (!sorted || !rank) {
		free(sorted);
		free(rank);
		return -1;
	}
	/* A counting sort by rank is stable. */
	for (uint32_t i = 0; i < rs->nrules; i++) {
		rank[i] = rank_of(rs->rules[i]);
		count[rank[i]]++;
	}
	for (int k = 0; k < 4; k++) {
		start[k] = n;
		n += count[k];
	}
	for (uint32_t i = 0; i < rs->nrules; i++)
		sorted[start[rank[i]]++] = rs->rules[i];
	for (uint32_t i = 0; i < rs->nrules; i++) {
		rs->rules[i] = sorted[i];
		rs->rules[i]->num = i;
	}
	free(sorted);
	free(rank);
	return 0;
}
