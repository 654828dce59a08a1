/* HTTP transactions as the rule engine and EVE see them: inspection
 * buffers (Suricata's http.* names) and the EVE "http" object. */
#include <string.h>
#include <strings.h>

#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/http_int.h"

static int set(struct nj_buf *out, const uint8_t *p, uint32_t n)
{
	out->ptr = p;
	out->len = n;
	return 1;
}

/* A slice of a message's first line; absent unless it lies inside it. */
static int slice(struct nj_buf *out, const struct http_msg *m, uint32_t off, uint32_t n)
{
	if (n == 0 || !m->line.p || off > m->line.len || n > m->line.len - off)
		return 0;
	return set(out, m->line.p + off, n);
}

static int from_abuf(struct nj_buf *out, const struct nj_abuf *b, bool need_data)
{
	if (need_data && b->len == 0)
		return 0;
	return set(out, b->p ? b->p : (const uint8_t *)"", b->len);
}

static int from_header(const struct http_msg *m, const char *name, struct nj_buf *out)
{
	const struct http_hdr *h = nj_http_msg_header(m, name);
	if (!h)
		return 0;
	return from_abuf(out, &h->value, false);
}

/* The message of the direction being inspected: the one fed last. */
static const struct http_msg *cur_msg(const struct nj_http_tx *tx)
{
	if (tx->h.tx.dir == NJ_DIR_TO_CLIENT && (tx->resp.line.len || tx->resp.headers_done))
		return &tx->resp;
	return &tx->req;
}

static int hdr_views(const struct http_msg *m, int buf_id, uint32_t idx, struct nj_buf *out)
{
	if (!m->headers_done)
		return 0;
	switch (buf_id) {
	case NJ_BUF_HTTP_HEADER:
		return from_abuf(out, &m->header, true);
	case NJ_BUF_HTTP_HEADER_RAW:
		return from_abuf(out, &m->raw, true);
	case NJ_BUF_HTTP_HEADER_NAMES:
		return from_abuf(out, &m->names, true);
	case NJ_BUF_HTTP_START:
		return from_abuf(out, &m->start, true);
	case NJ_BUF_HTTP_REQUEST_HEADER:
	case NJ_BUF_HTTP_RESPONSE_HEADER:
		if (idx >= m->nhdrs || m->hdrs[idx].line_off > m->start.len ||
		    m->hdrs[idx].line_len > m->start.len - m->hdrs[idx].line_off)
			return 0;
		return set(out, m->start.p + m->hdrs[idx].line_off, m->hdrs[idx].line_len);
	default:
		return 0;
	}
}

static int get_buffer(const struct nj_app_tx *atx, int buf_id, uint32_t idx,
		      struct nj_buf *out)
{
	const struct nj_http_tx *tx = (const struct nj_http_tx *)nj_app_txhdr(atx);
	const struct http_msg *rq = &tx->req, *rs = &tx->resp;
	const struct http_msg *cm = cur_msg(tx);

	if (idx > 0 && buf_id != NJ_BUF_HTTP_REQUEST_HEADER &&
	    buf_id != NJ_BUF_HTTP_RESPONSE_HEADER)
		return 0;
	switch (buf_id) {
	case NJ_BUF_HTTP_URI:
		return rq->line.len ? from_abuf(out, &tx->uri, false) : 0;
	case NJ_BUF_HTTP_URI_RAW:
		return slice(out, rq, tx->uri_off, tx->uri_len);
	case NJ_BUF_HTTP_METHOD:
		return slice(out, rq, 0, tx->meth_len);
	case NJ_BUF_HTTP_PROTOCOL:
		if (cm == rs)
			return slice(out, rs, 0, tx->rproto_len);
		return slice(out, rq, tx->proto_off, tx->proto_len);
	case NJ_BUF_HTTP_REQUEST_LINE:
		return from_abuf(out, &rq->line, true);
	case NJ_BUF_HTTP_HOST:
		return from_abuf(out, &tx->host, true);
	case NJ_BUF_HTTP_HOST_RAW:
		return from_abuf(out, &tx->host_raw, true);
	case NJ_BUF_HTTP_USER_AGENT:
		return from_header(rq, "User-Agent", out);
	case NJ_BUF_HTTP_COOKIE:
		if (cm == rs)
			return from_header(rs, "Set-Cookie", out);
		return from_header(rq, "Cookie", out);
	case NJ_BUF_HTTP_HEADER:
	case NJ_BUF_HTTP_HEADER_RAW:
	case NJ_BUF_HTTP_HEADER_NAMES:
	case NJ_BUF_HTTP_START:
		return hdr_views(cm, buf_id, idx, out);
	case NJ_BUF_HTTP_REQUEST_HEADER:
		return hdr_views(rq, buf_id, idx, out);
	case NJ_BUF_HTTP_RESPONSE_HEADER:
		return hdr_views(rs, buf_id, idx, out);
	case NJ_BUF_HTTP_REQUEST_BODY:
		return rq->body_show && from_abuf(out, &rq->body, true);
	case NJ_BUF_HTTP_RESPONSE_BODY:
		return rs->body_show && from_abuf(out, &rs->body, true);
	case NJ_BUF_FILE_DATA:
		return cm->body_show && from_abuf(out, &cm->body, true);
	case NJ_BUF_HTTP_STAT_CODE:
		return slice(out, rs, tx->code_off, tx->code_len);
	case NJ_BUF_HTTP_STAT_MSG:
		return slice(out, rs, tx->msg_off, tx->msg_len);
	case NJ_BUF_HTTP_RESPONSE_LINE:
		return from_abuf(out, &rs->line, true);
	case NJ_BUF_HTTP_CONTENT_TYPE:
		return from_header(cm, "Content-Type", out);
	case NJ_BUF_HTTP_CONTENT_LEN:
		return from_header(cm, "Content-Length", out);
	case NJ_BUF_HTTP_CONNECTION:
		return from_header(cm, "Connection", out);
	case NJ_BUF_HTTP_REFERER:
		return from_header(rq, "Referer", out);
	case NJ_BUF_HTTP_ACCEPT:
		return from_header(rq, "Accept", out);
	case NJ_BUF_HTTP_ACCEPT_ENC:
		return from_header(rq, "Accept-Encoding", out);
	case NJ_BUF_HTTP_ACCEPT_LANG:
		return from_header(rq, "Accept-Language", out);
	case NJ_BUF_HTTP_LOCATION:
		return from_header(rs, "Location", out);
	case NJ_BUF_HTTP_SERVER:
		return from_header(rs, "Server", out);
	default:
		return 0;
	}
}

int nj_http_tx_header(const struct nj_app_tx *atx, int dir, const char *name,
		      struct nj_buf *out)
{
	const struct nj_http_tx *tx = (const struct nj_http_tx *)nj_app_txhdr(atx);
	if (!tx || atx->proto != NJ_APP_HTTP)
		return 0;
	return from_header(dir == NJ_DIR_TO_CLIENT ? &tx->resp : &tx->req, name, out);
}

int nj_http_tx_status(const struct nj_app_tx *atx)
{
	const struct nj_http_tx *tx = (const struct nj_http_tx *)nj_app_txhdr(atx);
	return tx && atx->proto == NJ_APP_HTTP ? tx->status : 0;
}

static void json_hdr(struct nj_json *j, const char *key, const struct http_msg *m,
		     const char *name)
{
	const struct http_hdr *h = nj_http_msg_header(m, name);
	if (h)
		nj_json_strn(j, key, h->value.p, h->value.len);
}

void nj_http_log_json(const struct nj_app_tx *atx, void *json_writer)
{
	const struct nj_http_tx *tx = (const struct nj_http_tx *)nj_app_txhdr(atx);
	struct nj_json *j = json_writer;
	const struct http_msg *rq = &tx->req, *rs = &tx->resp;

	nj_json_object_open(j, "http");
	if (tx->host.len)
		nj_json_strn(j, "hostname", tx->host.p, tx->host.len);
	if (tx->port >= 0)
		nj_json_int(j, "http_port", tx->port);
	if (tx->uri_len)
		nj_json_strn(j, "url", rq->line.p + tx->uri_off, tx->uri_len);
	json_hdr(j, "http_user_agent", rq, "User-Agent");
	json_hdr(j, "xff", rq, "X-Forwarded-For");
	json_hdr(j, "http_content_type", rs, "Content-Type");
	json_hdr(j, "http_refer", rq, "Referer");
	if (tx->meth_len)
		nj_json_strn(j, "http_method", rq->line.p, tx->meth_len);
	if (tx->proto_len)
		nj_json_strn(j, "protocol", rq->line.p + tx->proto_off, tx->proto_len);
	else if (tx->rproto_len)
		nj_json_strn(j, "protocol", rs->line.p, tx->rproto_len);
	if (tx->status)
		nj_json_int(j, "status", tx->status);
	json_hdr(j, "redirect", rs, "Location");
	if (rs->line.len)
		nj_json_uint(j, "length", rs->wire_len);
	nj_json_object_close(j);
}

void nj_http_tx_bind(struct nj_http_tx *tx)
{
	tx->h.tx.get_buffer = get_buffer;
	tx->h.tx.log_json = nj_http_log_json;
}
