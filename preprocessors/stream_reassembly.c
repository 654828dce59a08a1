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
	memcpy(s->data, data, len);
	m->used += sz;
	return s;
}

static void seg_free(struct nj_reasm_mem *m, struct nj_seg *s)
{
	m->used -= sizeof(struct nj_seg) + s->len;
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

/* Delivered data is gone except the context kept in buf, which ends at
 * next_off: a retransmission over it can still be told apart. */
static bool old_data_differs(const struct nj_reasm *r, uint64_t off, uint64_t end,
			     const uint8_t *data)
{
	uint64_t have = r->next_off - r->buf_len;
	uint64_t from = off > have ? off : have;
	uint64_t to = end < r->next_off ? end : r->next_off;

	return from < to && memcmp(r->buf + (from - have), data + (from - off), to - from) != 0;
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
	if (off < r->next_off && old_data_differs(r, off, end, data))
		*res |= NJ_REASM_OVERLAP_DIFF;
	if (end <= r->next_off) {
		*res |= NJ_REASM_OLD | NJ_REASM_OVERLAP;
		return 0;
	}
	if (off < r->next_off) {
		/* The part already delivered stays as it was shown. */
		*res |= NJ_REASM_OVERLAP;
		data += r->next_off - off;
		off = r->next_off;
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

bool nj_reasm_ready(const struct nj_reasm *r)
{
	return r->head && r->head->off == r->next_off;
}

bool nj_reasm_pending(const struct nj_reasm *r)
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
	if (r->head && r->head->off < to)
		to = r->head->off;
	r->next_off = to;
	r->gap = true;
	r->buf_len = 0;
	if (to > r->max_end)
		r->max_end = to;
	return true;
}

static int buf_reserve(struct nj_reasm *r, struct nj_reasm_mem *m, uint64_t need)
{
	if (need <= r->buf_cap)
		return 0;
	if (need > UINT32_MAX)
		return -ENOMEM;
	uint64_t cap = r->buf_cap ? r->buf_cap : 2048;
	while (cap < need)
		cap *= 2;
	if (cap > UINT32_MAX)
		cap = need;
	if (m->cap && m->used + (cap - r->buf_cap) > m->cap)
		return -ENOMEM;
	uint8_t *nb = realloc(r->buf, cap);
	if (!nb)
		return -ENOMEM;
	m->used += cap - r->buf_cap;
	r->buf = nb;
	r->buf_cap = (uint32_t)cap;
	return 0;
}

/* A burst of out-of-order data can grow the buffer; give the memory back
 * once chunks are small again so only the context stays allocated. */
static void buf_shrink(struct nj_reasm *r, struct nj_reasm_mem *m, uint64_t need)
{
	if (r->buf_cap <= 65536 || need >= r->buf_cap / 4)
		return;
	uint32_t cap = r->buf_cap / 2;
	uint8_t *nb = realloc(r->buf, cap);
	if (!nb)
		return;
	m->used -= r->buf_cap - cap;
	r->buf = nb;
	r->buf_cap = cap;
}

int nj_reasm_deliver(struct nj_reasm *r, struct nj_reasm_mem *m, uint32_t ctx_max,
		     bool skip_gap, struct nj_stream_chunk *c)
{
	if (!r->head)
		return 0;
	if (r->head->off != r->next_off) {
		if (!skip_gap)
			return 0;
		r->next_off = r->head->off;
		r->gap = true;
		r->buf_len = 0;
	}
	if (r->gap)
		r->buf_len = 0;

	/* Keep only the last ctx_max bytes already shown as context. */
	if (r->buf_len > ctx_max) {
		memmove(r->buf, r->buf + (r->buf_len - ctx_max), ctx_max);
		r->buf_len = ctx_max;
	}
	uint64_t add = 0;
	uint64_t at = r->next_off;
	for (struct nj_seg *s = r->head; s && s->off == at; s = s->next) {
		add += s->len;
		at += s->len;
	}
	buf_shrink(r, m, (uint64_t)r->buf_len + add);
	if (buf_reserve(r, m, (uint64_t)r->buf_len + add) < 0)
		return -ENOMEM;

	uint32_t ctx_len = r->buf_len;
	while (r->head && r->head->off == r->next_off) {
		struct nj_seg *s = r->head;
		memcpy(r->buf + r->buf_len, s->data, s->len);
		r->buf_len += s->len;
		r->next_off += s->len;
		r->head = s->next;
		seg_free(m, s);
	}
	c->data = r->buf;
	c->len = r->buf_len;
	c->new_off = ctx_len;
	c->offset = r->next_off - r->buf_len;
	c->has_gap = r->gap;
	c->flow_end = false;
	r->gap = false;
	return 1;
}

void nj_reasm_free(struct nj_reasm *r, struct nj_reasm_mem *m)
{
	while (r->head) {
		struct nj_seg *s = r->head;
		r->head = s->next;
		seg_free(m, s);
	}
	m->used -= r->buf_cap;
	free(r->buf);
	r->buf = NULL;
	r->buf_len = r->buf_cap = 0;
}
