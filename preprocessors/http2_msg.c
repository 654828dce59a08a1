/* HTTP/2 header blocks (RFC 9113 8.3, RFC 7541) into HTTP messages: HPACK
 * through libnghttp2's inflater, pseudo-headers into the request and status
 * lines that the HTTP buffers slice. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "preprocessors/http2_int.h"

static int add_header(struct http_msg *m, const nghttp2_nv *nv,
		      const struct nj_http_config *hc)
{
	bool pseudo = nv->namelen > 0 && nv->name[0] == ':';
	int rc;

	if (m->nhdrs >= hc->max_headers)
		return 0;
	rc = nj_http_msg_add(m, nv->name + pseudo, (uint32_t)(nv->namelen - pseudo), nv->value,
			     (uint32_t)nv->valuelen, hc->line_limit);
	if (rc == 0)
		m->hdrs[m->nhdrs - 1].pseudo = pseudo;
	return rc;
}

int nj_http2_decode(nghttp2_hd_inflater *inf, const uint8_t *blk, uint32_t n,
		    struct http_msg *m, const struct nj_http_config *hc)
{
	for (;;) {
		nghttp2_nv nv;
		int flags = 0;
		ssize_t used = nghttp2_hd_inflate_hd2(inf, &nv, &flags, blk, n, 1);

		if (used < 0 || (size_t)used > n)
			return -EINVAL;
		blk += used;
		n -= (uint32_t)used;
		if ((flags & NGHTTP2_HD_INFLATE_EMIT) && m && add_header(m, &nv, hc) < 0)
			return -ENOMEM;
		if (flags & NGHTTP2_HD_INFLATE_FINAL) {
			nghttp2_hd_inflate_end_headers(inf);
			return 0;
		}
		if (!(flags & NGHTTP2_HD_INFLATE_EMIT) && n == 0)
			return -EINVAL;
	}
}

/* The first pseudo-header called name (without its colon), or NULL. */
static const struct nj_abuf *pseudo(const struct http_msg *m, const char *name)
{
	size_t n = strlen(name);

	for (uint32_t i = 0; i < m->nhdrs; i++) {
		const struct http_hdr *h = &m->hdrs[i];
		if (h->pseudo && h->name.len == n && memcmp(h->name.p, name, n) == 0)
			return &h->value;
	}
	return NULL;
}

static void put(struct nj_abuf *b, const struct nj_abuf *v, uint32_t lim)
{
	if (v)
		nj_abuf_append(b, v->p, v->len, lim);
}

static void request_uri(struct nj_http_tx *tx)
{
	const uint8_t *raw = tx->req.line.p + tx->uri_off;
	bool de = false;
	uint8_t *tmp;

	if (!tx->uri_len || !(tmp = malloc(tx->uri_len)))
		return;
	uint32_t un = nj_http_normalize_uri(raw, tx->uri_len, tmp, tx->uri_len, &de);
	nj_abuf_append(&tx->uri, tmp, un, tx->uri_len);
	free(tmp);
	if (de)
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_HTTP, NJ_HTTP_EV_DOUBLE_ENCODED_URI);
}

static void request_host(struct nj_http_tx *tx)
{
	const struct nj_abuf *a = pseudo(&tx->req, "authority");
	const struct http_hdr *hh = nj_http_msg_header(&tx->req, "Host");
	uint8_t tmp[256];

	if (!a && hh && !hh->pseudo)
		a = &hh->value;
	if (!a || !a->len)
		return;
	nj_abuf_append(&tx->host_raw, a->p, a->len, 1024);
	uint32_t n = nj_http_normalize_host(a->p, a->len, tmp, sizeof(tmp));
	nj_abuf_append(&tx->host, tmp, n, sizeof(tmp));
}

/* ":method :path HTTP/2", with the slices http.method, http.uri.raw and
 * http.protocol read; CONNECT names its target in :authority. */
static void request_line(struct nj_http_tx *tx, uint32_t lim)
{
	struct nj_abuf *l = &tx->req.line;
	const struct nj_abuf *meth = pseudo(&tx->req, "method");
	const struct nj_abuf *path = pseudo(&tx->req, "path");

	if (!path)
		path = pseudo(&tx->req, "authority");
	put(l, meth, lim);
	tx->meth_len = l->len;
	nj_abuf_putc(l, ' ', lim);
	tx->uri_off = l->len;
	put(l, path, lim);
	tx->uri_len = l->len - tx->uri_off;
	nj_abuf_putc(l, ' ', lim);
	tx->proto_off = l->len;
	nj_abuf_append(l, "HTTP/2", 6, lim);
	tx->proto_len = l->len - tx->proto_off;
	tx->head = tx->meth_len == 4 && memcmp(l->p, "HEAD", 4) == 0;
	tx->connect = tx->meth_len == 7 && memcmp(l->p, "CONNECT", 7) == 0;
}

static int parse_status(const struct nj_abuf *v)
{
	int st = 0;

	if (!v || v->len != 3)
		return 0;
	for (uint32_t i = 0; i < 3; i++) {
		if (v->p[i] < '0' || v->p[i] > '9')
			return 0;
		st = st * 10 + (v->p[i] - '0');
	}
	return st;
}

/* "HTTP/2 :status", with the slice http.stat_code reads. */
static void status_line(struct nj_http_tx *tx, const struct nj_abuf *code, uint32_t lim)
{
	struct nj_abuf *l = &tx->resp.line;

	nj_abuf_append(l, "HTTP/2", 6, lim);
	tx->rproto_len = l->len;
	nj_abuf_putc(l, ' ', lim);
	tx->code_off = l->len;
	put(l, code, lim);
	tx->code_len = l->len - tx->code_off;
	tx->status = parse_status(code);
}

bool nj_http2_install(struct nj_http_tx *tx, bool req, struct http_msg *m,
		      const struct nj_http_config *hc)
{
	struct http_msg *dst = req ? &tx->req : &tx->resp;
	int st = req ? 0 : parse_status(pseudo(m, "status"));

	if (dst->headers_done || (st >= 100 && st < 200)) {
		nj_http_msg_free(m);
		memset(m, 0, sizeof(*m));
		return false;
	}
	nj_http_msg_free(dst);
	*dst = *m;
	memset(m, 0, sizeof(*m));
	if (req) {
		request_line(tx, hc->line_limit);
		request_uri(tx);
		request_host(tx);
	} else {
		status_line(tx, pseudo(dst, "status"), hc->line_limit);
	}
	nj_http_msg_views(dst, req, hc->header_limit * 2, true);
	dst->headers_done = true;
	return true;
}
