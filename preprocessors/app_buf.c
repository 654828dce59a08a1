/* Growable byte buffers for app-layer parsers. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "preprocessors/app_buf.h"

int nj_abuf_append(struct nj_abuf *b, const void *data, uint32_t n, uint32_t limit)
{
	int rc = 0;

	if (b->len >= limit)
		return n ? -E2BIG : 0;
	if (n > limit - b->len) {
		n = limit - b->len;
		rc = -E2BIG;
	}
	if (n == 0)
		return rc;
	if (b->cap - b->len < n) {
		uint64_t cap = b->cap ? b->cap : 64;
		while (cap < (uint64_t)b->len + n)
			cap *= 2;
		if (cap > limit)
			cap = limit;
		uint8_t *np = realloc(b->p, (size_t)cap);
		if (!np)
			return -ENOMEM;
		b->p = np;
		b->cap = (uint32_t)cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return rc;
}

int nj_abuf_putc(struct nj_abuf *b, uint8_t c, uint32_t limit)
{
	return nj_abuf_append(b, &c, 1, limit);
}

void nj_abuf_reset(struct nj_abuf *b)
{
	b->len = 0;
}

void nj_abuf_free(struct nj_abuf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
