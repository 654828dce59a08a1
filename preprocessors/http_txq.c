/* The transactions of one HTTP connection, either version: creation in
 * order, the list of those a packet updated, body budgets, and freeing
 * what a dispatch has seen complete. */
#include <stdlib.h>

#include "core/packet.h"
#include "preprocessors/http_int.h"

struct nj_http_tx *nj_http_txq_new(struct nj_http_txq *q, uint32_t max_txs)
{
	struct nj_http_tx *tx;

	if (q->ntx >= max_txs || !(tx = calloc(1, sizeof(*tx))))
		return NULL;
	tx->h.tx.proto = NJ_APP_HTTP;
	tx->h.tx.id = q->next_id++;
	tx->h.tx.priv = &tx->h;
	tx->port = -1;
	nj_http_tx_bind(tx);
	if (q->tail)
		q->tail->next = tx;
	else
		q->head = tx;
	q->tail = tx;
	q->ntx++;
	return tx;
}

void nj_http_txq_free(struct nj_http_txq *q)
{
	while (q->head) {
		struct nj_http_tx *n = q->head->next;
		nj_http_tx_free(q->head);
		q->head = n;
	}
	free(q->upd);
	q->upd = NULL;
}

void nj_http_txq_mark(struct nj_http_txq *q, struct nj_http_tx *tx, int dir)
{
	tx->h.tx.dir = (uint8_t)dir;
	if (tx->in_updated)
		return;
	if (q->nupd == q->cupd) {
		uint16_t cap = q->cupd ? (uint16_t)(q->cupd * 2) : 8;
		struct nj_app_tx **n;
		if (cap <= q->cupd || !(n = realloc(q->upd, cap * sizeof(*n))))
			return;
		q->upd = n;
		q->cupd = cap;
	}
	q->upd[q->nupd++] = &tx->h.tx;
	tx->in_updated = true;
}

void nj_http_txq_begin(struct nj_http_txq *q, const struct nj_http_tx *busy0,
		       const struct nj_http_tx *busy1)
{
	struct nj_http_tx **pp = &q->head, *last = NULL;

	for (uint16_t i = 0; i < q->nupd; i++) {
		struct nj_http_tx *tx = (struct nj_http_tx *)nj_app_txhdr(q->upd[i]);

		tx->in_updated = false;
		tx->req.body_show = tx->resp.body_show = false;
	}
	q->nupd = 0;
	/* completed transactions were shown to one dispatch: free them */
	while (*pp) {
		struct nj_http_tx *tx = *pp;
		if (nj_app_tx_complete(&tx->h.tx) && tx != busy0 && tx != busy1) {
			*pp = tx->next;
			q->body_bytes -= (uint64_t)tx->req.body.len + tx->resp.body.len;
			nj_http_tx_free(tx);
			q->ntx--;
			continue;
		}
		last = tx;
		pp = &tx->next;
	}
	q->tail = last;
}

/* A body is inspected when its side of the transaction is finished, and
 * while it grows only once `min` more bytes have come (or it reached its
 * limit), as Suricata's request/response-body-minimal-inspect-size: each
 * inspection reads the whole body, so one per packet would make a long
 * body cost its length squared. A finished side stays shown. Deciding
 * again before the next begin, with no new bytes, keeps the decision. */
static void body_settle(struct http_msg *m, bool done, uint32_t min, uint32_t limit)
{
	uint32_t len = m->body.len;

	m->body_show = done || (len == m->body_mark && m->body_show) ||
		       (len > m->body_mark && (len - m->body_mark >= min || len >= limit));
	if (m->body_show)
		m->body_mark = len;
}

void nj_http_txq_settle(struct nj_http_txq *q, const struct nj_http_config *cfg)
{
	for (uint16_t i = 0; i < q->nupd; i++) {
		struct nj_http_tx *tx = (struct nj_http_tx *)nj_app_txhdr(q->upd[i]);

		body_settle(&tx->req, tx->h.tx.progress_ts & NJ_APP_PROGRESS_DONE,
			    cfg->request_inspect_min, cfg->request_body_limit);
		body_settle(&tx->resp, tx->h.tx.progress_tc & NJ_APP_PROGRESS_DONE,
			    cfg->response_inspect_min, cfg->response_body_limit);
	}
}

void nj_http_txq_close(struct nj_http_txq *q)
{
	for (struct nj_http_tx *t = q->head; t; t = t->next) {
		if (nj_app_tx_complete(&t->h.tx))
			continue;
		t->h.tx.progress_ts |= NJ_APP_PROGRESS_DONE;
		t->h.tx.progress_tc |= NJ_APP_PROGRESS_DONE;
		nj_http_txq_mark(q, t, t->h.tx.dir ? t->h.tx.dir : NJ_DIR_TO_SERVER);
	}
}

void nj_http_txq_body(struct nj_http_txq *q, struct http_msg *m, const uint8_t *d,
		      uint32_t n, uint32_t limit, uint32_t flow_limit)
{
	uint64_t room = q->body_bytes < flow_limit ? flow_limit - q->body_bytes : 0;
	uint32_t before = m->body.len;

	if ((uint64_t)limit > m->body.len + room)
		limit = (uint32_t)(m->body.len + room);
	nj_abuf_append(&m->body, d, n, limit);
	q->body_bytes += m->body.len - before;
}
