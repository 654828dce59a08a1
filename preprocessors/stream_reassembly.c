/* TCP segment list with target-based overlap policies.
 *
 * Policies follow Novak and Sturges, "Target-Based TCP Stream Reassembly"
 * (2007), as Suricata models them: which of two overlapping segments a host
 * keeps depends on whether the new segment starts before, at or after the
 * queued one and where it ends. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "preprocessors/host_policy.h"
#include "preprocessors/stream_reassembly.h"

struct nj_seg {
	struct nj_seg *next;
	uint64_t off;
	uint32_t len;
	uint32_t size;          /* len when allocated (the raw window trims the front) */
	uint8_t data[];
};

void nj_reasm_init(struct nj_reasm *r, int policy, uint64_t depth)
{
	memset(r, 0, sizeof(*r));
	r->policy = (uint8_t)policy;
	r->depth = depth;
}

bool nj_reasm_new_wins(int policy, uint64_t noff, uint64_t nend, uint64_t ooff, uint64_t oend)
{
	switch (policy) {
	case NJ_POLICY_LAST:
		return true;
	case NJ_POLICY_FIRST:
		return false;
	default:
		break;
	}
	if (noff == ooff) {
		if (nend < oend)
			return false;
		if (nend > oend && policy == NJ_POLICY_LINUX)
			return true;
		return policy == NJ_POLICY_OLD_LINUX || policy == NJ_POLICY_SOLARIS;
	}
	if (noff < ooff) {
		if (policy == NJ_POLICY_SOLARIS)
			return nend >= oend;
		return true;    /* bsd, linux, old-linux, windows, macos */
	}
	/* starts after the queued segment */
	return policy == NJ_POLICY_SOLARIS && nend > oend;
}

static struct nj_seg *seg_new(struct nj_reasm_mem *m, uint64_t off, const uint8_t *data,
			      uint32_t len)
{
	size_t sz = sizeof(struct nj_seg) + len;
	struct nj_seg *s;

	if (m->cap && m->used + sz > m->cap)
		return NULL;
	s = malloc(sz);
	if (!s)
		return NULL;
	s->next = NULL;
	s->off = off;
	s->len = len;
	s->size = len;
	memcpy(s->data, data, len);
	m->used += sz;
	return s;
}

static void seg_free(struct nj_reasm_mem *m, struct nj_seg *s)
{
	m->used -= sizeof(struct nj_seg) + s->size;
	free(s);
}

/* Queues [from, to) of the new data after *link. */
static int queue_piece(struct nj_reasm_mem *m, struct nj_seg **link, uint64_t off,
		       const uint8_t *data, uint64_t from, uint64_t to)
{
	struct nj_seg *s = seg_new(m, from, data + (from - off), (uint32_t)(to - from));

	if (!s)
		return -ENOMEM;
	s->next = *link;
	*link = s;
	return 0;
}

/* Inspected data is gone except the raw context, which ends at raw_off:
 * the bytes [*have, raw_off) are still held, at the returned pointer. */
static const uint8_t *held_context(const struct nj_reasm *r, uint64_t *have)
{
	*have = r->raw_off - r->raw.run;
	return r->raw.buf + (r->raw.len - r->raw.run);
}

/* A retransmission over the held context can still be told apart. */
static bool old_data_differs(const struct nj_reasm *r, uint64_t off, uint64_t end,
			     const uint8_t *data)
{
	uint64_t have;
	const uint8_t *ctx = held_context(r, &have);
	uint64_t from = off > have ? off : have;
	uint64_t to = end < r->raw_off ? end : r->raw_off;

	return from < to && memcmp(ctx + (from - have), data + (from - off), to - from) != 0;
}

int nj_reasm_insert(struct nj_reasm *r, struct nj_reasm_mem *m, uint64_t off,
		    const uint8_t *data, uint32_t len, unsigned *res)
{
	uint64_t end = off + len;
	int rc = 0;

	*res = 0;
	if (len == 0)
		return 0;
	if (r->depth && end > r->depth) {
		*res |= NJ_REASM_DEPTH;
		if (off >= r->depth)
			return 0;
		end = r->depth;
	}
	if (end > r->max_end)
		r->max_end = end;
	if (off < r->raw_off && old_data_differs(r, off, end, data))
		*res |= NJ_REASM_OVERLAP_DIFF;
	if (end <= r->raw_off) {
		*res |= NJ_REASM_OLD | NJ_REASM_OVERLAP;
		return 0;
	}
	if (off < r->raw_off) {
		/* The part already inspected stays as it was shown. */
		*res |= NJ_REASM_OVERLAP;
		data += r->raw_off - off;
		off = r->raw_off;
	}

	struct nj_seg **link = &r->head;
	uint64_t cur = off;
	while (*link && (*link)->off < end) {
		struct nj_seg *s = *link;
		uint64_t s_end = s->off + s->len;
		if (s_end <= off) {
			link = &s->next;
			continue;
		}
		if (cur < s->off) {
			if (queue_piece(m, link, off, data, cur, s->off) < 0)
				rc = -ENOMEM;
			else
				link = &(*link)->next;
		}
		uint64_t ov_start = off > s->off ? off : s->off;
		uint64_t ov_end = end < s_end ? end : s_end;
		uint8_t *old = s->data + (ov_start - s->off);
		const uint8_t *nw = data + (ov_start - off);
		*res |= NJ_REASM_OVERLAP;
		if (memcmp(old, nw, ov_end - ov_start) != 0) {
			*res |= NJ_REASM_OVERLAP_DIFF;
			if (nj_reasm_new_wins(r->policy, off, end, s->off, s_end))
				memcpy(old, nw, ov_end - ov_start);
		}
		if (ov_end > cur)
			cur = ov_end;
		link = &s->next;
	}
	if (cur < end && queue_piece(m, link, off, data, cur, end) < 0)
		rc = -ENOMEM;
	return rc;
}

/* The first queued segment that ends after off. */
static struct nj_seg *seg_after(const struct nj_reasm *r, uint64_t off)
{
	struct nj_seg *s = r->head;

	while (s && s->off + s->len <= off)
		s = s->next;
	return s;
}

bool nj_reasm_ready(const struct nj_reasm *r)
{
	const struct nj_seg *s = seg_after(r, r->next_off);

	return s && s->off <= r->next_off;
}

bool nj_reasm_pending(const struct nj_reasm *r)
{
	return seg_after(r, r->next_off) != NULL;
}

bool nj_reasm_raw_pending(const struct nj_reasm *r)
{
	return r->head != NULL;
}

bool nj_reasm_ack_gap(struct nj_reasm *r, uint64_t ack_off)
{
	if (ack_off <= r->next_off || nj_reasm_ready(r))
		return false;
	if (r->depth && r->next_off >= r->depth)
		return false;
	uint64_t to = ack_off;
	const struct nj_seg *s = seg_after(r, r->next_off);
	if (s && s->off < to)
		to = s->off;
	r->next_off = to;
	r->gap = true;
	r->in.len = r->in.run = 0;
	if (to > r->max_end)
		r->max_end = to;
	return true;
}

static int mem_grow(struct nj_reasm_mem *m, void **p, uint64_t old_sz, uint64_t new_sz)
{
	if (m->cap && m->used + (new_sz - old_sz) > m->cap)
		return -ENOMEM;
	void *np = realloc(*p, new_sz);
	if (!np)
		return -ENOMEM;
	m->used += new_sz - old_sz;
	*p = np;
	return 0;
}

static int win_reserve(struct nj_reasm_win *w, struct nj_reasm_mem *m, uint64_t need)
{
	if (need <= w->cap)
		return 0;
	if (need > UINT32_MAX)
		return -ENOMEM;
	uint64_t cap = w->cap ? w->cap : 2048;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = need;
	if (mem_grow(m, (void **)&w->buf, w->cap, cap) < 0)
		return -ENOMEM;
	w->cap = (uint32_t)cap;
	return 0;
}

/* A burst of out-of-order data can grow the buffer; give the memory back
 * once chunks are small again so only the context stays allocated. */
static void win_shrink(struct nj_reasm_win *w, struct nj_reasm_mem *m, uint64_t need)
{
	if (w->cap <= 65536 || need >= w->cap / 4)
		return;
	uint32_t cap = w->cap / 2;
	uint8_t *nb = realloc(w->buf, cap);
	if (!nb)
		return;
	m->used -= w->cap - cap;
	w->buf = nb;
	w->cap = cap;
}

/* Keeps as context the last ctx_max bytes of the run that the next chunk
 * continues, and makes room for add more. */
static int win_start(struct nj_reasm_win *w, struct nj_reasm_mem *m, uint32_t ctx_max, uint64_t add)
{
	uint32_t keep = w->run < ctx_max ? w->run : ctx_max;

	if (keep < w->len) {
		memmove(w->buf, w->buf + (w->len - keep), keep);
		w->len = keep;
	}
	w->run = keep;
	win_shrink(w, m, (uint64_t)w->len + add);
	return win_reserve(w, m, (uint64_t)w->len + add);
}

static void win_append(struct nj_reasm_win *w, const uint8_t *data, uint32_t n)
{
	memcpy(w->buf + w->len, data, n);
	w->len += n;
	w->run += n;
}

static void chunk_fill(struct nj_stream_chunk *c, const struct nj_reasm_win *w, uint32_t ctx,
		       uint64_t end)
{
	c->data = w->buf;
	c->len = w->len;
	c->new_off = ctx;
	c->offset = end - w->run;
	c->flow_end = false;
	c->nblocks = 0;
	c->blocks = NULL;
}

int nj_reasm_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
		     bool skip_gap, struct nj_stream_chunk *c)
{
	struct nj_seg *s = seg_after(r, r->next_off);

	if (!s)
		return 0;
	if (s->off > r->next_off) {
		if (!skip_gap)
			return 0;
		r->next_off = s->off;
		r->gap = true;
	}
	if (r->gap)
		r->in.len = r->in.run = 0;
	uint64_t add = 0, at = r->next_off;
	for (const struct nj_seg *t = s; t && t->off <= at; t = t->next) {
		add += t->off + t->len - at;
		at = t->off + t->len;
	}
	if (win_start(&r->in, m, ctx_max, add) < 0)
		return -ENOMEM;
	uint32_t ctx = r->in.len;
	for (; s && s->off <= r->next_off; s = s->next) {
		uint64_t skip = r->next_off - s->off;
		win_append(&r->in, s->data + skip, (uint32_t)(s->len - skip));
		r->next_off = s->off + s->len;
	}
	chunk_fill(c, &r->in, ctx, r->next_off);
	c->has_gap = r->gap;
	r->gap = false;
	return 1;
}

/* Runs and bytes of the queued data before limit. */
static uint32_t raw_count(const struct nj_reasm *r, uint64_t limit, uint64_t *bytes)
{
	uint64_t at = r->raw_off;
	uint32_t nb = 0;

	*bytes = 0;
	for (const struct nj_seg *s = r->head; s && s->off < limit; s = s->next) {
		uint64_t e = s->off + s->len < limit ? s->off + s->len : limit;
		if (nb == 0 || s->off != at)
			nb++;
		*bytes += e - s->off;
		at = e;
	}
	return nb;
}

/* Moves the head segment's bytes before limit into the raw window. */
static void raw_take(struct nj_reasm *r, struct nj_reasm_mem *m, uint64_t limit)
{
	struct nj_seg *s = r->head;
	uint64_t e = s->off + s->len < limit ? s->off + s->len : limit;
	uint32_t n = (uint32_t)(e - s->off);

	win_append(&r->raw, s->data, n);
	r->raw_off = e;
	if (n == s->len) {
		r->head = s->next;
		seg_free(m, s);
		return;
	}
	memmove(s->data, s->data + n, s->len - n);
	s->off = e;
	s->len -= n;
}

int nj_reasm_raw_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
			 uint64_t limit, struct nj_stream_chunk *c)
{
	uint64_t add;

	if (!r->head || r->head->off >= limit)
		return 0;
	uint32_t nb = raw_count(r, limit, &add);
	if (nb > r->blocks_cap) {
		if (mem_grow(m, (void **)&r->blocks, (uint64_t)r->blocks_cap * sizeof(*r->blocks),
			     (uint64_t)nb * sizeof(*r->blocks)) < 0)
			return -ENOMEM;
		r->blocks_cap = nb;
	}
	if (r->head->off > r->raw_off)
		r->raw.run = 0;         /* a hole: the context does not continue */
	if (win_start(&r->raw, m, ctx_max, add) < 0)
		return -ENOMEM;
	uint32_t ctx = r->raw.len, i = 0;
	uint64_t first = r->head->off;
	while (r->head && r->head->off < limit) {
		if (i == 0 || r->head->off != r->raw_off) {
			struct nj_stream_block *b = &r->blocks[i];
			b->start = i ? r->raw.len : 0;      /* the first run starts with the context */
			b->gap = r->head->off - r->raw_off;
			if (i)
				r->raw.run = 0;
			i++;
		}
		raw_take(r, m, limit);
		r->blocks[i - 1].len = r->raw.len - r->blocks[i - 1].start;
	}
	chunk_fill(c, &r->raw, ctx, r->raw_off);
	c->offset = first - ctx;
	c->has_gap = nb > 1 || r->blocks[0].gap;
	c->nblocks = nb;
	c->blocks = r->blocks;
	if (r->next_off < r->raw_off) {
		/* inspected past the in-order data: the parsers skip it */
		r->next_off = r->raw_off;
		r->gap = true;
	}
	return 1;
}

/* Copies the part of src, data of [from, to), that lies in [off, end)
 * into dst, data of [off, end). */
static void copy_common(const uint8_t *src, uint64_t from, uint64_t to, uint8_t *dst,
			uint64_t off, uint64_t end)
{
	uint64_t a = from > off ? from : off;
	uint64_t b = to < end ? to : end;

	if (a < b)
		memcpy(dst + (a - off), src + (a - from), b - a);
}

void nj_reasm_peek(const struct nj_reasm *r, uint64_t off, uint8_t *buf, uint32_t len)
{
	uint64_t end = off + len, have;
	const uint8_t *ctx = held_context(r, &have);

	copy_common(ctx, have, r->raw_off, buf, off, end);
	for (const struct nj_seg *s = r->head; s && s->off < end; s = s->next)
		copy_common(s->data, s->off, s->off + s->len, buf, off, end);
}

int nj_reasm_raw_again(struct nj_reasm *r, uint32_t ctx_max, uint64_t off,
		       struct nj_stream_chunk *c)
{
	uint64_t have;
	const uint8_t *ctx = held_context(r, &have);

	if (off < have || off >= r->raw_off || r->blocks_cap == 0)
		return 0;
	uint64_t start = off - have > ctx_max ? off - ctx_max : have;
	c->data = ctx + (start - have);
	c->len = (uint32_t)(r->raw_off - start);
	c->new_off = (uint32_t)(off - start);
	c->offset = start;
	c->flow_end = false;
	c->has_gap = false;
	r->blocks[0] = (struct nj_stream_block){ 0, c->len, 0 };
	c->nblocks = 1;
	c->blocks = r->blocks;
	return 1;
}

void nj_reasm_free(struct nj_reasm *r, struct nj_reasm_mem *m)
{
	while (r->head) {
		struct nj_seg *s = r->head;
		r->head = s->next;
		seg_free(m, s);
	}
	m->used -= r->in.cap + r->raw.cap + (uint64_t)r->blocks_cap * sizeof(*r->blocks);
	free(r->in.buf);
	free(r->raw.buf);
	free(r->blocks);
	memset(&r->in, 0, sizeof(r->in));
	memset(&r->raw, 0, sizeof(r->raw));
	r->blocks = NULL;
	r->blocks_cap = 0;
}
