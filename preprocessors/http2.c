/* HTTP/2 framing (RFC 9113 4, 6): frames of either direction in any
 * segmentation, streams as transactions.
 *
 *   +-----------------------------------------------+
 *   |                 Length (24)                   |
 *   +---------------+---------------+---------------+
 *   |   Type (8)    |   Flags (8)   |
 *   +-+-------------+---------------+-------------------------------+
 *   |R|                 Stream Identifier (31)                      |
 *   +=+=============================================================+
 *   |                   Frame Payload (0...)                      ...
 *   +---------------------------------------------------------------+
 *
 * DATA payloads go to the stream's body as they arrive; other frames are
 * collected whole (up to FRAME_KEEP) before they are read. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/packet.h"
#include "preprocessors/http2_int.h"

#define FRAME_HDR 9
#define FRAME_KEEP (64 * 1024)          /* largest non-DATA payload read */
#define BLOCK_MAX (256 * 1024)          /* header block over CONTINUATIONs */
#define TABLE_MAX (64 * 1024)           /* HPACK dynamic table we accept */

enum frame_type {
	F_DATA = 0, F_HEADERS = 1, F_PRIORITY = 2, F_RST_STREAM = 3,
	F_SETTINGS = 4, F_PUSH_PROMISE = 5, F_PING = 6, F_GOAWAY = 7,
	F_WINDOW_UPDATE = 8, F_CONTINUATION = 9,
};

enum frame_flag {
	FL_END_STREAM = 0x1, FL_END_HEADERS = 0x4, FL_PADDED = 0x8, FL_PRIORITY = 0x20,
};

enum rd_state {
	RD_PREFACE = 0,         /* client connection preface */
	RD_HEADER,              /* the 9-byte frame header */
	RD_PAYLOAD,             /* a non-DATA payload, collected */
	RD_DATA_PAD,            /* the pad length of a padded DATA frame */
	RD_DATA,                /* DATA payload, streamed to the body */
	RD_SKIP,                /* padding, or a frame not read */
	RD_DEAD,
};

struct h2_dir {
	uint8_t state;
	uint8_t hdr[FRAME_HDR];
	uint8_t hlen;
	uint8_t type, flags;
	uint32_t flen, sid;
	uint32_t remain;                /* payload bytes left in the frame */
	uint32_t pad;                   /* padding after the DATA bytes */
	struct nj_abuf frame;
	struct nj_abuf block;           /* header block being assembled */
	uint32_t block_sid;
	bool in_block, block_push, block_end;
	nghttp2_hd_inflater *inf;
};

struct nj_http2_state {
	struct nj_http_config cfg;
	struct h2_dir d[2];             /* 0 to server, 1 to client */
	struct nj_http_txq q;
	uint32_t errors;
};

struct nj_http2_state *nj_http2_new(const struct nj_http_config *hc, bool preface)
{
	struct nj_http2_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *hc;
	for (int i = 0; i < 2; i++) {
		if (nghttp2_hd_inflate_new(&s->d[i].inf) != 0) {
			nj_http2_free(s);
			return NULL;
		}
		s->d[i].state = RD_HEADER;
	}
	if (preface) {
		s->d[0].state = RD_PREFACE;
		s->d[0].remain = NJ_HTTP2_PREFACE_LEN;
	}
	return s;
}

void nj_http2_free(struct nj_http2_state *s)
{
	if (!s)
		return;
	nj_http_txq_free(&s->q);
	for (int i = 0; i < 2; i++) {
		if (s->d[i].inf)
			nghttp2_hd_inflate_del(s->d[i].inf);
		nj_abuf_free(&s->d[i].frame);
		nj_abuf_free(&s->d[i].block);
	}
	free(s);
}

uint32_t nj_http2_tx_count(const struct nj_http2_state *s)
{
	return s->q.ntx;
}

uint32_t nj_http2_errors(const struct nj_http2_state *s)
{
	return s->errors;
}

/* ---- transactions ---- */

static void mark_updated(struct nj_http2_state *s, struct nj_http_tx *tx, int dir)
{
	nj_http_txq_mark(&s->q, tx, dir);
}

uint16_t nj_http2_updated(struct nj_http2_state *s, struct nj_app_tx ***txs)
{
	nj_http_txq_settle(&s->q, &s->cfg);
	*txs = s->q.upd;
	return s->q.nupd;
}

void nj_http2_begin(struct nj_http2_state *s)
{
	nj_http_txq_begin(&s->q, NULL, NULL);
}

static struct nj_http_tx *stream_find(struct nj_http2_state *s, uint32_t sid)
{
	for (struct nj_http_tx *t = s->q.head; t; t = t->next)
		if (t->stream_id == sid)
			return t;
	return NULL;
}

/* The stream's transaction, opened by its first header block; NULL past
 * the transaction limit. A stream the server opens (a push) has no
 * request. */
static struct nj_http_tx *stream_open(struct nj_http2_state *s, uint32_t sid, bool req)
{
	struct nj_http_tx *tx = stream_find(s, sid);

	if (tx || !(tx = nj_http_txq_new(&s->q, s->cfg.max_txs)))
		return tx;
	tx->stream_id = sid;
	if (!req)
		tx->h.tx.progress_ts = NJ_APP_PROGRESS_DONE;
	return tx;
}

static void side_done(struct nj_http2_state *s, struct nj_http_tx *tx, int di)
{
	if (di == 0)
		tx->h.tx.progress_ts |= NJ_APP_PROGRESS_DONE;
	else
		tx->h.tx.progress_tc |= NJ_APP_PROGRESS_DONE;
	mark_updated(s, tx, di == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT);
}

static void set_progress(struct nj_http_tx *tx, int di, uint32_t prog)
{
	uint32_t *p = di == 0 ? &tx->h.tx.progress_ts : &tx->h.tx.progress_tc;

	if (!(*p & NJ_APP_PROGRESS_DONE) && *p < prog)
		*p = prog;
}

/* ---- frames ---- */

static int fail(struct nj_http2_state *s, struct h2_dir *d)
{
	s->errors++;
	d->state = RD_DEAD;
	return -EINVAL;
}

/* A malformed frame that leaves the connection readable. */
static int bad_frame(struct nj_http2_state *s)
{
	s->errors++;
	return 0;
}

static void body_data(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = &s->d[di];
	struct nj_http_tx *tx = stream_find(s, d->sid);
	struct http_msg *m;
	uint32_t limit = di == 0 ? s->cfg.request_body_limit : s->cfg.response_body_limit;

	if (!tx || n == 0)
		return;
	m = di == 0 ? &tx->req : &tx->resp;
	m->wire_len += n;
	nj_http_txq_body(&s->q, m, p, n, limit, s->cfg.flow_body_limit);
	set_progress(tx, di, NJ_HTTP_PROG_BODY);
	mark_updated(s, tx, di == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT);
}

/* The frame's payload is consumed: END_STREAM on DATA closes that side. */
static void frame_end(struct nj_http2_state *s, int di)
{
	struct h2_dir *d = &s->d[di];
	struct nj_http_tx *tx;

	if (d->type == F_DATA && (d->flags & FL_END_STREAM) &&
	    (tx = stream_find(s, d->sid)))
		side_done(s, tx, di);
	d->state = RD_HEADER;
	d->hlen = 0;
}

/* A complete header block: decoded always (the HPACK state depends on
 * it), kept when it opens or answers a stream. */
static int block_done(struct nj_http2_state *s, int di)
{
	struct h2_dir *d = &s->d[di];
	struct nj_http_tx *tx = d->block_push ? NULL : stream_open(s, d->block_sid, di == 0);
	struct http_msg m;
	int rc;

	memset(&m, 0, sizeof(m));
	d->in_block = false;
	rc = nj_http2_decode(d->inf, d->block.p, d->block.len, tx ? &m : NULL, &s->cfg);
	nj_abuf_reset(&d->block);
	if (rc < 0) {
		nj_http_msg_free(&m);
		return rc == -ENOMEM ? rc : fail(s, d);
	}
	if (!tx)
		return 0;
	if (nj_http2_install(tx, di == 0, &m, &s->cfg))
		set_progress(tx, di, NJ_HTTP_PROG_HEADERS);
	mark_updated(s, tx, di == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT);
	if (d->block_end)
		side_done(s, tx, di);
	return 0;
}

static int block_add(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = &s->d[di];
	int rc = nj_abuf_append(&d->block, p, n, BLOCK_MAX);

	if (rc == -E2BIG)
		return fail(s, d);
	if (rc < 0)
		return rc;
	return (d->flags & FL_END_HEADERS) ? block_done(s, di) : 0;
}

/* HEADERS and PUSH_PROMISE: padding, priority or the promised stream id
 * around the block fragment (RFC 9113 6.2, 6.6). */
static int headers_frame(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n)
{
	struct h2_dir *d = &s->d[di];
	uint32_t off = 0, pad = 0;
	bool push = d->type == F_PUSH_PROMISE;

	if (d->sid == 0)
		return fail(s, d);
	if (d->flags & FL_PADDED) {
		if (n < 1)
			return fail(s, d);
		pad = p[0];
		off = 1;
	}
	if (push)
		off += 4;
	else if (d->flags & FL_PRIORITY)
		off += 5;
	if (off > n || pad > n - off)
		return fail(s, d);
	d->block_sid = d->sid;
	d->block_push = push;
	d->block_end = !push && (d->flags & FL_END_STREAM);
	d->in_block = true;
	nj_abuf_reset(&d->block);
	return block_add(s, di, p + off, n - off - pad);
}

/* SETTINGS_HEADER_TABLE_SIZE bounds the table the peer's encoder may use,
 * that is, the table of the other direction's decoder. */
static int settings_frame(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n)
{
	struct h2_dir *other = &s->d[1 - di];

	if (s->d[di].sid != 0 || n % 6 != 0)
		return bad_frame(s);
	for (uint32_t i = 0; i < n; i += 6) {
		uint32_t v = nj_be32(p + i + 2);
		if (nj_be16(p + i) == 1 && other->state != RD_DEAD)
			nghttp2_hd_inflate_change_table_size(other->inf, v < TABLE_MAX ? v : TABLE_MAX);
	}
	return 0;
}

static int frame_done(struct nj_http2_state *s, int di)
{
	struct h2_dir *d = &s->d[di];
	const uint8_t *p = d->frame.p;
	uint32_t n = d->frame.len;
	struct nj_http_tx *tx;

	switch (d->type) {
	case F_HEADERS:
	case F_PUSH_PROMISE:
		return headers_frame(s, di, p, n);
	case F_CONTINUATION:
		return block_add(s, di, p, n);
	case F_SETTINGS:
		return settings_frame(s, di, p, n);
	case F_RST_STREAM:
		if (n != 4 || d->sid == 0)
			return bad_frame(s);
		if ((tx = stream_find(s, d->sid))) {
			side_done(s, tx, 0);
			side_done(s, tx, 1);
		}
		return 0;
	case F_GOAWAY:
		return n < 8 || d->sid != 0 ? bad_frame(s) : 0;
	case F_PING:
		return n != 8 || d->sid != 0 ? bad_frame(s) : 0;
	case F_PRIORITY:
		return n != 5 ? bad_frame(s) : 0;
	case F_WINDOW_UPDATE:
		return n != 4 ? bad_frame(s) : 0;
	default:
		return 0;       /* unknown types are ignored (RFC 9113 4.1) */
	}
}

/* The frame header is complete: how its payload is read. */
static int frame_start(struct nj_http2_state *s, int di)
{
	struct h2_dir *d = &s->d[di];
	const uint8_t *h = d->hdr;

	d->flen = ((uint32_t)h[0] << 16) | ((uint32_t)h[1] << 8) | h[2];
	d->type = h[3];
	d->flags = h[4];
	d->sid = nj_be32(h + 5) & 0x7fffffffu;
	d->remain = d->flen;
	d->pad = 0;
	/* a header block admits only its own CONTINUATIONs (RFC 9113 6.10) */
	if (d->in_block != (d->type == F_CONTINUATION) ||
	    (d->in_block && d->sid != d->block_sid))
		return fail(s, d);
	if (d->type == F_DATA) {
		if (d->sid == 0)
			bad_frame(s);
		d->state = (d->flags & FL_PADDED) ? RD_DATA_PAD : RD_DATA;
	} else if (d->flen > FRAME_KEEP) {
		if (d->type == F_HEADERS || d->type == F_PUSH_PROMISE ||
		    d->type == F_CONTINUATION)
			return fail(s, d);
		bad_frame(s);
		d->state = RD_SKIP;
	} else {
		d->state = RD_PAYLOAD;
		nj_abuf_reset(&d->frame);
	}
	if (d->remain == 0 && d->state == RD_DATA_PAD)
		return fail(s, d);
	if (d->remain == 0) {
		int rc = d->state == RD_PAYLOAD ? frame_done(s, di) : 0;
		if (d->state != RD_DEAD)
			frame_end(s, di);
		return rc;
	}
	return 0;
}

/* ---- byte loop ---- */

static int read_preface(struct nj_http2_state *s, struct h2_dir *d, const uint8_t *p,
			uint32_t n, uint32_t *used)
{
	uint32_t at = NJ_HTTP2_PREFACE_LEN - d->remain;
	uint32_t k = n < d->remain ? n : d->remain;

	*used = k;
	if (memcmp(p, NJ_HTTP2_PREFACE + at, k) != 0)
		return fail(s, d);
	d->remain -= k;
	if (d->remain == 0)
		d->state = RD_HEADER;
	return 0;
}

static int read_header(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n,
		       uint32_t *used)
{
	struct h2_dir *d = &s->d[di];
	uint32_t k = FRAME_HDR - d->hlen;

	if (k > n)
		k = n;
	memcpy(d->hdr + d->hlen, p, k);
	d->hlen = (uint8_t)(d->hlen + k);
	*used = k;
	return d->hlen == FRAME_HDR ? frame_start(s, di) : 0;
}

static int read_payload(struct nj_http2_state *s, int di, const uint8_t *p, uint32_t n,
			uint32_t *used)
{
	struct h2_dir *d = &s->d[di];
	uint32_t k = n < d->remain ? n : d->remain;
	int rc = 0;

	*used = k;
	d->remain -= k;
	switch (d->state) {
	case RD_PAYLOAD:
		if (nj_abuf_append(&d->frame, p, k, FRAME_KEEP) == -ENOMEM)
			return -ENOMEM;
		if (d->remain == 0)
			rc = frame_done(s, di);
		break;
	case RD_DATA:
		body_data(s, di, p, k);
		if (d->remain == 0 && d->pad) {
			d->remain = d->pad;
			d->pad = 0;
			d->state = RD_SKIP;
			return 0;
		}
		break;
	default:
		break;
	}
	if (d->remain == 0 && d->state != RD_DEAD)
		frame_end(s, di);
	return rc;
}

/* RD_DATA_PAD: the pad length byte, then DATA bytes and padding. */
static int read_pad_len(struct nj_http2_state *s, int di, uint8_t pad)
{
	struct h2_dir *d = &s->d[di];

	d->remain--;
	if (pad > d->remain) {
		bad_frame(s);
		d->state = RD_SKIP;
	} else {
		d->pad = pad;
		d->remain -= pad;
		d->state = RD_DATA;
		if (d->remain == 0) {
			d->remain = d->pad;
			d->pad = 0;
			d->state = RD_SKIP;
		}
	}
	if (d->remain == 0)
		frame_end(s, di);
	return 0;
}

int nj_http2_feed(struct nj_http2_state *s, int dir, const uint8_t *data, uint32_t len)
{
	int di = dir == NJ_DIR_TO_SERVER ? 0 : 1;
	struct h2_dir *d = &s->d[di];
	uint32_t off = 0;

	if (dir != NJ_DIR_TO_SERVER && dir != NJ_DIR_TO_CLIENT)
		return -EINVAL;
	while (off < len) {
		uint32_t used = 1;
		int rc;

		switch (d->state) {
		case RD_DEAD:
			return -EINVAL;
		case RD_PREFACE:
			rc = read_preface(s, d, data + off, len - off, &used);
			break;
		case RD_HEADER:
			rc = read_header(s, di, data + off, len - off, &used);
			break;
		case RD_DATA_PAD:
			rc = read_pad_len(s, di, data[off]);
			break;
		default:
			rc = read_payload(s, di, data + off, len - off, &used);
			break;
		}
		if (rc < 0)
			return rc;
		off += used;
	}
	return 0;
}

void nj_http2_gap(struct nj_http2_state *s, int dir)
{
	struct h2_dir *d = &s->d[dir == NJ_DIR_TO_SERVER ? 0 : 1];

	d->state = RD_DEAD;
}

void nj_http2_close(struct nj_http2_state *s)
{
	nj_http_txq_close(&s->q);
	s->d[0].state = s->d[1].state = RD_DEAD;
}
