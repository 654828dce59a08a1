/* Sorted id arrays for flowbits and procbits. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/varset.h"

static int pos(const struct nj_varset *s, uint32_t id, bool *found)
{
	int lo = 0, hi = (int)s->n - 1;

	while (lo <= hi) {
		int mid = (lo + hi) / 2;
		if (s->ids[mid] == id) {
			*found = true;
			return mid;
		}
		if (s->ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	*found = false;
	return lo;
}

bool nj_varset_has(const struct nj_varset *s, uint32_t id)
{
	bool found;

	pos(s, id, &found);
	return found;
}

int nj_varset_add(struct nj_varset *s, uint32_t id)
{
	bool found;
	int i = pos(s, id, &found);

	if (found)
		return 0;
	if (s->n == s->cap) {
		uint16_t cap = s->cap ? (uint16_t)(s->cap * 2) : 4;
		uint32_t *ids;
		if (cap <= s->cap)
			return -ENOMEM;
		ids = realloc(s->ids, cap * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		s->ids = ids;
		s->cap = cap;
	}
	memmove(&s->ids[i + 1], &s->ids[i], (size_t)(s->n - i) * sizeof(*s->ids));
	s->ids[i] = id;
	s->n++;
	return 0;
}

void nj_varset_del(struct nj_varset *s, uint32_t id)
{
	bool found;
	int i = pos(s, id, &found);

	if (!found)
		return;
	memmove(&s->ids[i], &s->ids[i + 1], (size_t)(s->n - i - 1) * sizeof(*s->ids));
	s->n--;
}

void nj_varset_clear(struct nj_varset *s)
{
	s->n = 0;
}

void nj_varset_free(struct nj_varset *s)
{
	free(s->ids);
	s->ids = NULL;
	s->n = s->cap = 0;
}

int nj_varset_copy(struct nj_varset *dst, const struct nj_varset *src)
{
	uint32_t *ids = NULL;

	if (src->n) {
		ids = malloc(src->n * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		memcpy(ids, src->ids, src->n * sizeof(*ids));
	}
	free(dst->ids);
	dst->ids = ids;
	dst->n = dst->cap = src->n;
	return 0;
}
