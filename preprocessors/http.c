/* HTTP/1.x incremental parser (RFC 9112): message framing, headers,
 * chunked transfer coding and gzip/deflate content coding. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

#include "core/config.h"
#include "core/packet.h"
#include "preprocessors/http_int.h"

enum half_state {
	ST_LINE = 0,            /* request or status line */
	ST_HEADERS,
	ST_BODY_CL,
	ST_CHUNK_SIZE,
	ST_CHUNK_DATA,
	ST_CHUNK_END,           /* CRLF after chunk data */
	ST_TRAILERS,
	ST_BODY_CLOSE,          /* response body until the connection closes */
	ST_RESYNC,              /* after a gap: looking for a message start */
	ST_DEAD,                /* unparseable: ignore the direction */
};

struct half {
	uint8_t state;
	bool line_over;         /* current line passed line_limit */
	struct nj_abuf line;    /* bytes of the current line so far */
	uint64_t remain;        /* body or chunk bytes left */
	struct nj_http_tx *tx;  /* the message being parsed */
	bool line_start;        /* ST_RESYNC: the next byte starts a line */
};

struct nj_http_state {
	struct nj_http_config cfg;
	struct half half[2];    /* 0 to server, 1 to client */
	struct nj_http_txq q;
	bool tunnel;            /* a CONNECT was granted: no more HTTP */
};

const char *const nj_http_event_names[NJ_HTTP_EV__COUNT] = {
	"unknown_error",
	"gzip_decompression_failed",
	"request_field_missing_colon",
	"response_field_missing_colon",
	"invalid_request_chunk_len",
	"invalid_response_chunk_len",
	"invalid_transfer_encoding_value_in_request",
	"invalid_transfer_encoding_value_in_response",
	"invalid_content_length_field_in_request",
	"invalid_content_length_field_in_response",
	"unable_to_match_response_to_request",
	"missing_host_header",
	"host_header_ambiguous",
	"invalid_request_field_folding",
	"invalid_response_field_folding",
	"request_field_too_long",
	"response_field_too_long",
	"request_line_invalid",
	"request_header_repetition",
	"response_header_repetition",
	"double_encoded_uri",
	"request_line_leading_whitespace",
	"response_invalid_protocol",
	"response_invalid_status",
	"request_line_missing_protocol",
	"request_too_many_headers",
	"response_too_many_headers",
	"compression_bomb",
	"request_header_invalid",
	"response_header_invalid",
};

void nj_http_config_load(struct nj_http_config *hc, const struct nj_config *cfg)
{
	hc->request_body_limit = 100 * 1024;
	hc->response_body_limit = 100 * 1024;
	hc->line_limit = 16 * 1024;
	hc->header_limit = 64 * 1024;
	hc->max_headers = 256;
	hc->decompress_limit = 1024 * 1024;
	hc->max_txs = 512;
	hc->flow_body_limit = 1024 * 1024;
	hc->request_inspect_min = 32 * 1024;
	hc->response_inspect_min = 40 * 1024;
	if (!cfg)
		return;
	hc->request_body_limit = (uint32_t)nj_config_get_size(cfg,
		"app-layer.protocols.http.request-body-limit", hc->request_body_limit);
	hc->response_body_limit = (uint32_t)nj_config_get_size(cfg,
		"app-layer.protocols.http.response-body-limit", hc->response_body_limit);
	hc->decompress_limit = nj_config_get_size(cfg,
		"app-layer.protocols.http.decompression-limit", hc->decompress_limit);
	hc->flow_body_limit = (uint32_t)nj_config_get_size(cfg,
		"app-layer.protocols.http.flow-body-limit", hc->flow_body_limit);
	hc->request_inspect_min = (uint32_t)nj_config_get_size(cfg,
		"app-layer.protocols.http.request-body-minimal-inspect-size", hc->request_inspect_min);
	hc->response_inspect_min = (uint32_t)nj_config_get_size(cfg,
		"app-layer.protocols.http.response-body-minimal-inspect-size", hc->response_inspect_min);
}

static void ev(struct nj_http_tx *tx, int e)
{
	if (tx)
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_HTTP, e);
}

void nj_http_msg_free(struct http_msg *m)
{
	nj_abuf_free(&m->line);
	for (uint32_t i = 0; i < m->nhdrs; i++) {
		nj_abuf_free(&m->hdrs[i].name);
		nj_abuf_free(&m->hdrs[i].value);
	}
	free(m->hdrs);
	m->hdrs = NULL;
	m->nhdrs = m->hcap = 0;
	nj_abuf_free(&m->raw);
	nj_abuf_free(&m->start);
	nj_abuf_free(&m->header);
	nj_abuf_free(&m->names);
	nj_abuf_free(&m->body);
	if (m->z_init)
		inflateEnd(&m->z);
	m->z_init = false;
}

void nj_http_tx_free(struct nj_http_tx *tx)
{
	if (!tx)
		return;
	nj_http_msg_free(&tx->req);
	nj_http_msg_free(&tx->resp);
	nj_abuf_free(&tx->uri);
	nj_abuf_free(&tx->host);
	nj_abuf_free(&tx->host_raw);
	nj_varset_free(&tx->h.tx.matched);
	free(tx);
}

struct nj_http_state *nj_http_new(const struct nj_http_config *hc)
{
	struct nj_http_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->cfg = *hc;
	return s;
}

void nj_http_free(struct nj_http_state *s)
{
	if (!s)
		return;
	nj_http_txq_free(&s->q);
	for (int i = 0; i < 2; i++)
		nj_abuf_free(&s->half[i].line);
	free(s);
}

uint32_t nj_http_tx_count(const struct nj_http_state *s)
{
	return s->q.ntx;
}

static void mark_updated(struct nj_http_state *s, struct nj_http_tx *tx, int dir)
{
	nj_http_txq_mark(&s->q, tx, dir);
}

uint16_t nj_http_updated(struct nj_http_state *s, struct nj_app_tx ***txs)
{
	nj_http_txq_settle(&s->q, &s->cfg);
	*txs = s->q.upd;
	return s->q.nupd;
}

void nj_http_begin(struct nj_http_state *s)
{
	nj_http_txq_begin(&s->q, s->half[0].tx, s->half[1].tx);
}

static struct nj_http_tx *tx_new(struct nj_http_state *s)
{
	return nj_http_txq_new(&s->q, s->cfg.max_txs);
}

/* ---- header section ---- */

static bool is_lws(uint8_t c)
{
	return c == ' ' || c == '\t';
}

static bool ieq(const struct nj_abuf *b, const char *s)
{
	size_t n = strlen(s);
	return b->len == n && strncasecmp((const char *)b->p, s, n) == 0;
}

const struct http_hdr *nj_http_msg_header(const struct http_msg *m, const char *name)
{
	for (uint32_t i = 0; i < m->nhdrs; i++)
		if (ieq(&m->hdrs[i].name, name))
			return &m->hdrs[i];
	return NULL;
}

int nj_http_msg_add(struct http_msg *m, const uint8_t *name, uint32_t nlen,
		    const uint8_t *value, uint32_t vlen, uint32_t lim)
{
	if (m->nhdrs == m->hcap) {
		uint32_t cap = m->hcap ? m->hcap * 2 : 16;
		struct http_hdr *nh = realloc(m->hdrs, cap * sizeof(*nh));
		if (!nh)
			return -ENOMEM;
		m->hdrs = nh;
		m->hcap = cap;
	}
	struct http_hdr *h = &m->hdrs[m->nhdrs++];
	memset(h, 0, sizeof(*h));
	if (nj_abuf_append(&h->name, name, nlen, lim) == -ENOMEM ||
	    nj_abuf_append(&h->value, value, vlen, lim) == -ENOMEM)
		return -ENOMEM;
	return 0;
}

static int add_header(struct nj_http_state *s, struct nj_http_tx *tx, struct http_msg *m,
		      bool req, const uint8_t *l, uint32_t n)
{
	uint32_t c = 0, ne, vb, ve;
	uint32_t lim = s->cfg.line_limit;

	if (n > 0 && is_lws(l[0])) {
		/* obsolete line folding: continue the previous value */
		if (m->nhdrs == 0) {
			ev(tx, req ? NJ_HTTP_EV_INVALID_REQUEST_FIELD_FOLDING :
				     NJ_HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING);
			return 0;
		}
		vb = 0;
		ve = n;
		while (vb < ve && is_lws(l[vb]))
			vb++;
		while (ve > vb && is_lws(l[ve - 1]))
			ve--;
		struct nj_abuf *v = &m->hdrs[m->nhdrs - 1].value;
		if (v->len)
			nj_abuf_putc(v, ' ', lim);
		nj_abuf_append(v, l + vb, ve - vb, lim);
		return 0;
	}
	while (c < n && l[c] != ':')
		c++;
	if (c == n) {
		ev(tx, req ? NJ_HTTP_EV_REQUEST_FIELD_MISSING_COLON :
			     NJ_HTTP_EV_RESPONSE_FIELD_MISSING_COLON);
		return 0;
	}
	ne = c;
	while (ne > 0 && is_lws(l[ne - 1]))
		ne--;
	if (ne != c || ne == 0)
		ev(tx, req ? NJ_HTTP_EV_REQUEST_HEADER_INVALID :
			     NJ_HTTP_EV_RESPONSE_HEADER_INVALID);
	if (ne == 0)
		return 0;       /* ": value" names nothing */
	vb = c + 1;
	ve = n;
	while (vb < ve && is_lws(l[vb]))
		vb++;
	while (ve > vb && is_lws(l[ve - 1]))
		ve--;
	for (uint32_t i = 0; i < m->nhdrs; i++) {
		struct http_hdr *h = &m->hdrs[i];
		if (h->name.len == ne && strncasecmp((const char *)h->name.p,
						     (const char *)l, ne) == 0) {
			/* repeated field: one value, comma-joined (RFC 9110 5.3) */
			ev(tx, req ? NJ_HTTP_EV_REQUEST_HEADER_REPETITION :
				     NJ_HTTP_EV_RESPONSE_HEADER_REPETITION);
			nj_abuf_append(&h->value, ", ", 2, lim);
			nj_abuf_append(&h->value, l + vb, ve - vb, lim);
			return 0;
		}
	}
	if (m->nhdrs >= s->cfg.max_headers) {
		ev(tx, req ? NJ_HTTP_EV_REQUEST_TOO_MANY_HEADERS :
			     NJ_HTTP_EV_RESPONSE_TOO_MANY_HEADERS);
		return 0;
	}
	return nj_http_msg_add(m, l, ne, l + vb, ve - vb, lim);
}

/* "Name: value", then CRLF when crlf. */
static void view_line(struct nj_abuf *b, const struct http_hdr *h, uint32_t lim, bool crlf)
{
	nj_abuf_append(b, h->name.p, h->name.len, lim);
	nj_abuf_append(b, ": ", 2, lim);
	nj_abuf_append(b, h->value.p, h->value.len, lim);
	if (crlf)
		nj_abuf_append(b, "\r\n", 2, lim);
}

void nj_http_msg_views(struct http_msg *m, bool req, uint32_t lim, bool raw)
{
	const char *cookie = req ? "Cookie" : "Set-Cookie";

	nj_abuf_append(&m->start, m->line.p, m->line.len, lim);
	nj_abuf_append(&m->start, "\r\n", 2, lim);
	nj_abuf_append(&m->names, "\r\n", 2, lim);
	for (uint32_t i = 0; i < m->nhdrs; i++) {
		struct http_hdr *h = &m->hdrs[i];
		h->line_off = m->start.len;
		view_line(&m->start, h, lim, false);
		h->line_len = m->start.len - h->line_off;
		nj_abuf_append(&m->start, "\r\n", 2, lim);
		if (h->pseudo)
			continue;
		nj_abuf_append(&m->names, h->name.p, h->name.len, lim);
		nj_abuf_append(&m->names, "\r\n", 2, lim);
		if (raw)
			view_line(&m->raw, h, lim, true);
		if (!ieq(&h->name, cookie))
			view_line(&m->header, h, lim, true);
	}
	nj_abuf_append(&m->start, "\r\n", 2, lim);
	nj_abuf_append(&m->names, "\r\n", 2, lim);
	if (raw)
		nj_abuf_append(&m->raw, "\r\n", 2, lim);
}

/* Builds http.start, http.header and http.header_names. */
static void build_views(struct nj_http_state *s, struct http_msg *m, bool req)
{
	nj_http_msg_views(m, req, s->cfg.header_limit * 2, false);
}

/* Content-Length: digits only, surrounding whitespace allowed. */
static bool parse_cl(const struct nj_abuf *v, uint64_t *out)
{
	uint64_t n = 0;
	uint32_t i = 0, digits = 0;

	while (i < v->len && is_lws(v->p[i]))
		i++;
	for (; i < v->len && v->p[i] >= '0' && v->p[i] <= '9'; i++, digits++) {
		if (n > (UINT64_MAX - 9) / 10)
			return false;
		n = n * 10 + (uint64_t)(v->p[i] - '0');
	}
	while (i < v->len && is_lws(v->p[i]))
		i++;
	*out = n;
	return digits > 0 && i == v->len;
}

static bool contains_token(const struct nj_abuf *v, const char *tok)
{
	size_t n = strlen(tok);
	for (uint32_t i = 0; i + n <= v->len; i++)
		if (strncasecmp((const char *)v->p + i, tok, n) == 0)
			return true;
	return false;
}

/* Transfer-Encoding, Content-Length and Content-Encoding of a message. */
static void framing(struct nj_http_tx *tx, struct http_msg *m, bool req)
{
	const struct http_hdr *te = nj_http_msg_header(m, "Transfer-Encoding");
	const struct http_hdr *cl = nj_http_msg_header(m, "Content-Length");
	const struct http_hdr *ce = nj_http_msg_header(m, "Content-Encoding");

	if (te) {
		if (contains_token(&te->value, "chunked"))
			m->chunked = true;
		else if (!ieq(&te->value, "identity"))
			ev(tx, req ? NJ_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST :
				     NJ_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE);
	}
	if (cl && !m->chunked) {
		if (parse_cl(&cl->value, &m->content_len))
			m->has_cl = true;
		else
			ev(tx, req ? NJ_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST :
				     NJ_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE);
	}
	if (ce) {
		if (contains_token(&ce->value, "gzip"))
			m->coding = CODING_GZIP;
		else if (contains_token(&ce->value, "deflate"))
			m->coding = CODING_DEFLATE;
	}
}

/* Host from the absolute-form target or the Host header. */
static void request_host(struct nj_http_state *s, struct nj_http_tx *tx)
{
	const uint8_t *u = tx->req.line.p + tx->uri_off;
	uint32_t ul = tx->uri_len, hb = 0, he = 0;
	const struct http_hdr *hh = nj_http_msg_header(&tx->req, "Host");
	uint8_t tmp[256];

	for (uint32_t i = 0; i + 2 < ul; i++) {
		if (u[i] == '/')
			break;
		if (u[i] == ':' && u[i + 1] == '/' && u[i + 2] == '/') {
			hb = i + 3;
			he = hb;
			while (he < ul && u[he] != '/' && u[he] != '?' && u[he] != '#')
				he++;
			/* userinfo@ */
			for (uint32_t k = hb; k < he; k++)
				if (u[k] == '@')
					hb = k + 1;
			break;
		}
	}
	if (he > hb) {
		nj_abuf_append(&tx->host_raw, u + hb, he - hb, 1024);
	} else if (hh) {
		nj_abuf_append(&tx->host_raw, hh->value.p, hh->value.len, 1024);
	} else if (tx->proto_len == 8 && memcmp(tx->req.line.p + tx->proto_off,
						 "HTTP/1.1", 8) == 0) {
		ev(tx, NJ_HTTP_EV_MISSING_HOST_HEADER);
	}
	if (tx->host_raw.len) {
		uint32_t n = nj_http_normalize_host(tx->host_raw.p, tx->host_raw.len,
						    tmp, sizeof(tmp));
		nj_abuf_append(&tx->host, tmp, n, sizeof(tmp));
		/* port, for http_port */
		const uint8_t *hp = tx->host_raw.p;
		uint32_t hl = tx->host_raw.len, k = hl;
		while (k > 0 && hp[k - 1] >= '0' && hp[k - 1] <= '9')
			k--;
		if (k > 0 && k < hl && hp[k - 1] == ':' && hl - k <= 5) {
			int port = 0;
			for (uint32_t j = k; j < hl; j++)
				port = port * 10 + (hp[j] - '0');
			if (port <= 65535)
				tx->port = port;
		}
	}
	if (he > hb && hh) {
		uint32_t n = nj_http_normalize_host(hh->value.p, hh->value.len, tmp,
						    sizeof(tmp));
		if (n != tx->host.len || (n && memcmp(tmp, tx->host.p, n) != 0))
			ev(tx, NJ_HTTP_EV_HOST_HEADER_AMBIGUOUS);
	}
	(void)s;
}

/* ---- request and status lines ---- */

static bool is_http_version(const uint8_t *p, uint32_t n)
{
	return n >= 5 && memcmp(p, "HTTP/", 5) == 0;
}

/* "METHOD SP target SP HTTP/x.y"; returns false for HTTP/0.9 (no version). */
static bool parse_request_line(struct nj_http_state *s, struct nj_http_tx *tx)
{
	const uint8_t *l = tx->req.line.p;
	uint32_t n = tx->req.line.len, i = 0, e;
	bool de = false;

	while (i < n && !is_lws(l[i]))
		i++;
	tx->meth_len = i;
	for (uint32_t k = 0; k < i; k++)
		if (l[k] < 0x21 || l[k] > 0x7e || strchr("()<>@,;:\\\"/[]?={}", l[k]))
			ev(tx, NJ_HTTP_EV_REQUEST_LINE_INVALID);
	while (i < n && is_lws(l[i]))
		i++;
	/* the target runs to the last whitespace before a version */
	e = n;
	while (e > i && !is_lws(l[e - 1]))
		e--;
	if (e > i && is_http_version(l + e, n - e)) {
		tx->proto_off = e;
		tx->proto_len = n - e;
		e--;
		while (e > i && is_lws(l[e - 1]))
			e--;
	} else {
		e = n;
		tx->proto_off = n;
		tx->proto_len = 0;
	}
	tx->uri_off = i;
	tx->uri_len = e - i;
	if (tx->meth_len == 0 || tx->uri_len == 0)
		ev(tx, NJ_HTTP_EV_REQUEST_LINE_INVALID);
	tx->head = tx->meth_len == 4 && memcmp(l, "HEAD", 4) == 0;
	tx->connect = tx->meth_len == 7 && memcmp(l, "CONNECT", 7) == 0;
	if (tx->uri_len) {
		uint8_t *tmp = malloc(tx->uri_len);
		if (tmp) {
			uint32_t un = nj_http_normalize_uri(l + tx->uri_off, tx->uri_len,
							    tmp, tx->uri_len, &de);
			nj_abuf_append(&tx->uri, tmp, un, tx->uri_len);
			free(tmp);
		}
	}
	if (de)
		ev(tx, NJ_HTTP_EV_DOUBLE_ENCODED_URI);
	(void)s;
	if (tx->proto_len == 0) {
		ev(tx, NJ_HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL);
		return false;
	}
	return true;
}

/* "HTTP/x.y SP code SP reason". */
static void parse_status_line(struct nj_http_tx *tx)
{
	const uint8_t *l = tx->resp.line.p;
	uint32_t n = tx->resp.line.len, i = 0;

	while (i < n && !is_lws(l[i]))
		i++;
	tx->rproto_len = i;
	if (!is_http_version(l, i))
		ev(tx, NJ_HTTP_EV_RESPONSE_INVALID_PROTOCOL);
	while (i < n && is_lws(l[i]))
		i++;
	tx->code_off = i;
	while (i < n && !is_lws(l[i]))
		i++;
	tx->code_len = i - tx->code_off;
	while (i < n && is_lws(l[i]))
		i++;
	tx->msg_off = i;
	tx->msg_len = n - i;
	tx->status = 0;
	if (tx->code_len != 3)
		goto bad;
	for (uint32_t k = 0; k < 3; k++) {
		uint8_t c = l[tx->code_off + k];
		if (c < '0' || c > '9')
			goto bad;
		tx->status = tx->status * 10 + (c - '0');
	}
	if (tx->status >= 100)
		return;
bad:
	tx->status = 0;
	ev(tx, NJ_HTTP_EV_RESPONSE_INVALID_STATUS);
}

/* ---- bodies ---- */

/* Keeps body bytes up to the message's limit and the flow's budget. */
static void body_store(struct nj_http_state *s, struct http_msg *m, const uint8_t *d,
		       uint32_t n, uint32_t limit)
{
	nj_http_txq_body(&s->q, m, d, n, limit, s->cfg.flow_body_limit);
}

/* A body labelled compressed that does not decompress from its first
 * bytes is kept as sent, as libhtp falls back to the raw data: clients do
 * send "Content-Encoding: gzip" with clear text. */
static void body_passthrough(struct nj_http_state *s, struct http_msg *m,
			     const uint8_t *d, uint32_t n, uint32_t limit)
{
	inflateEnd(&m->z);
	m->z_init = false;
	m->z_failed = false;
	m->coding = CODING_NONE;
	body_store(s, m, d, n, limit);
}

static void body_inflate(struct nj_http_state *s, struct nj_http_tx *tx, struct http_msg *m,
			 const uint8_t *d, uint32_t n, uint32_t limit)
{
	uint8_t out[4096];

	if (!m->z_init) {
		int wbits = 15 + 32;    /* zlib or gzip, detected */
		if (m->coding == CODING_DEFLATE && n > 0 && (d[0] & 0x8f) != 0x08)
			wbits = -15;    /* raw deflate, as some servers send */
		memset(&m->z, 0, sizeof(m->z));
		if (inflateInit2(&m->z, wbits) != Z_OK) {
			m->z_failed = true;
			return;
		}
		m->z_init = true;
	}
	m->z.next_in = (Bytef *)(uintptr_t)d;
	m->z.avail_in = n;
	while (m->z.avail_in > 0 && !m->z_done) {
		m->z.next_out = out;
		m->z.avail_out = sizeof(out);
		int rc = inflate(&m->z, Z_NO_FLUSH);
		uint32_t got = (uint32_t)(sizeof(out) - m->z.avail_out);
		m->z_out += got;
		body_store(s, m, out, got, limit);
		if (m->z_out > s->cfg.decompress_limit) {
			ev(tx, NJ_HTTP_EV_COMPRESSION_BOMB);
			m->z_done = true;
			break;
		}
		if (rc == Z_STREAM_END) {
			m->z_done = true;
		} else if (rc != Z_OK && rc != Z_BUF_ERROR) {
			ev(tx, NJ_HTTP_EV_GZIP_DECOMPRESSION_FAILED);
			m->z_failed = true;
			if (m->z_out == 0)
				body_passthrough(s, m, d, n, limit);
			break;
		} else if (rc == Z_BUF_ERROR && got == 0) {
			break;
		}
	}
}

static void body_data(struct nj_http_state *s, struct nj_http_tx *tx, bool req,
		      const uint8_t *d, uint32_t n)
{
	struct http_msg *m = req ? &tx->req : &tx->resp;
	uint32_t limit = req ? s->cfg.request_body_limit : s->cfg.response_body_limit;

	m->wire_len += n;
	if (m->coding != CODING_NONE && !m->z_failed) {
		if (!m->z_done)
			body_inflate(s, tx, m, d, n, limit);
		return;
	}
	if (m->coding == CODING_NONE)
		body_store(s, m, d, n, limit);
}

/* ---- message state machine ---- */

static void msg_done(struct nj_http_state *s, struct half *h, bool req)
{
	struct nj_http_tx *tx = h->tx;

	if (tx) {
		if (req)
			tx->h.tx.progress_ts |= NJ_APP_PROGRESS_DONE;
		else
			tx->h.tx.progress_tc |= NJ_APP_PROGRESS_DONE;
		mark_updated(s, tx, req ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT);
	}
	h->tx = NULL;
	h->state = ST_LINE;
}

/* The empty line after the headers: decide how the body is framed. */
static void headers_end(struct nj_http_state *s, struct half *h, bool req)
{
	struct nj_http_tx *tx = h->tx;
	struct http_msg *m = req ? &tx->req : &tx->resp;

	m->headers_done = true;
	build_views(s, m, req);
	framing(tx, m, req);
	if (req) {
		request_host(s, tx);
		tx->h.tx.progress_ts = NJ_HTTP_PROG_HEADERS;
	} else {
		tx->h.tx.progress_tc = NJ_HTTP_PROG_HEADERS;
		if (tx->status == 101) {
			/* Switching Protocols: what follows, both ways, is
			 * another protocol (WebSocket, h2c), as libhtp tunnels */
			msg_done(s, h, false);
			s->half[0].state = s->half[1].state = ST_DEAD;
			return;
		}
		if (tx->connect && tx->status >= 200 && tx->status < 300 &&
		    tx->h.tx.id == 0) {
			/* A proxy that grants CONNECT becomes a tunnel after
			 * its response (RFC 9110 9.3.6); like Suricata, only
			 * when the CONNECT opened the connection. */
			msg_done(s, h, false);
			s->half[0].state = s->half[1].state = ST_DEAD;
			s->tunnel = true;
			return;
		}
		if (tx->status >= 100 && tx->status < 200) {
			/* interim response (100 Continue): the real one follows */
			nj_http_msg_free(&tx->resp);
			memset(&tx->resp, 0, sizeof(tx->resp));
			tx->rproto_len = tx->code_off = tx->code_len = 0;
			tx->msg_off = tx->msg_len = 0;
			tx->h.tx.progress_tc = NJ_HTTP_PROG_NONE;
			h->state = ST_LINE;
			return;
		}
		if (tx->head || tx->status == 204 || tx->status == 304) {
			msg_done(s, h, false);
			return;
		}
	}
	if (m->chunked) {
		h->state = ST_CHUNK_SIZE;
	} else if (m->has_cl) {
		if (m->content_len == 0) {
			msg_done(s, h, req);
			return;
		}
		h->remain = m->content_len;
		h->state = ST_BODY_CL;
	} else if (!req) {
		h->state = ST_BODY_CLOSE;
	} else {
		msg_done(s, h, req);
		return;
	}
	if (req)
		tx->h.tx.progress_ts = NJ_HTTP_PROG_BODY;
	else
		tx->h.tx.progress_tc = NJ_HTTP_PROG_BODY;
}

/* The response goes to the oldest transaction without one. */
static struct nj_http_tx *response_tx(struct nj_http_state *s)
{
	for (struct nj_http_tx *t = s->q.head; t; t = t->next)
		if (t->h.tx.progress_tc == NJ_HTTP_PROG_NONE && t->req.line.len)
			return t;
	struct nj_http_tx *t = tx_new(s);
	if (t) {
		ev(t, NJ_HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST);
		t->h.tx.progress_ts = NJ_APP_PROGRESS_DONE;
	}
	return t;
}

static int start_line(struct nj_http_state *s, struct half *h, bool req,
		      const uint8_t *l, uint32_t n, bool leading_ws)
{
	struct nj_http_tx *tx = h->tx;

	if (!tx) {
		tx = req ? tx_new(s) : response_tx(s);
		if (!tx)
			return -ENOMEM;
		h->tx = tx;
	}
	struct http_msg *m = req ? &tx->req : &tx->resp;
	if (nj_abuf_append(&m->line, l, n, s->cfg.line_limit) == -ENOMEM)
		return -ENOMEM;
	if (req) {
		if (leading_ws)
			ev(tx, NJ_HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE);
		tx->h.tx.progress_ts = NJ_HTTP_PROG_LINE;
		/* Without a version this would be HTTP/0.9 (no headers), but
		 * what follows such a line in practice is a header block
		 * ("OPTIONS HTTP/1.1", "GET/x HTTP/1.1"): parse it as one. A
		 * real 0.9 request completes when the flow ends. */
		parse_request_line(s, tx);
	} else {
		tx->h.tx.progress_tc = NJ_HTTP_PROG_LINE;
		parse_status_line(tx);
	}
	h->state = ST_HEADERS;
	return 0;
}

static bool parse_chunk_size(const uint8_t *l, uint32_t n, uint64_t *out)
{
	uint64_t v = 0;
	uint32_t i = 0, digits = 0;

	while (i < n && is_lws(l[i]))
		i++;
	for (; i < n; i++, digits++) {
		uint8_t c = l[i];
		int d = (c >= '0' && c <= '9') ? c - '0' :
			(c >= 'a' && c <= 'f') ? c - 'a' + 10 :
			(c >= 'A' && c <= 'F') ? c - 'A' + 10 : -1;
		if (d < 0)
			break;
		if (v >> 56)
			return false;
		v = v * 16 + (uint64_t)d;
	}
	while (i < n && is_lws(l[i]))
		i++;
	*out = v;
	return digits > 0 && (i == n || l[i] == ';');
}

/* One complete line (without its CR LF) in the current state. */
static int on_line(struct nj_http_state *s, struct half *h, bool req,
		   const uint8_t *l, uint32_t n)
{
	switch (h->state) {
	case ST_LINE: {
		uint32_t b = 0;
		while (b < n && is_lws(l[b]))
			b++;
		if (b == n)
			return 0;       /* empty lines between messages */
		return start_line(s, h, req, l + b, n - b, b > 0);
	}
	case ST_HEADERS: {
		if (n == 0) {
			headers_end(s, h, req);
			return 0;
		}
		struct http_msg *m = req ? &h->tx->req : &h->tx->resp;
		return add_header(s, h->tx, m, req, l, n);
	}
	case ST_CHUNK_SIZE: {
		uint64_t sz;
		if (!parse_chunk_size(l, n, &sz)) {
			ev(h->tx, req ? NJ_HTTP_EV_INVALID_REQUEST_CHUNK_LEN :
					NJ_HTTP_EV_INVALID_RESPONSE_CHUNK_LEN);
			msg_done(s, h, req);
			h->state = ST_DEAD;
			return -EINVAL;
		}
		if (sz == 0) {
			h->state = ST_TRAILERS;
		} else {
			h->remain = sz;
			h->state = ST_CHUNK_DATA;
		}
		return 0;
	}
	case ST_CHUNK_END:
		h->state = ST_CHUNK_SIZE;
		return 0;
	case ST_TRAILERS:
		if (n == 0)
			msg_done(s, h, req);
		return 0;
	default:
		return 0;
	}
}

static bool line_state(uint8_t st)
{
	return st == ST_LINE || st == ST_HEADERS || st == ST_CHUNK_SIZE ||
	       st == ST_CHUNK_END || st == ST_TRAILERS;
}

/* Whether the response line so far can start a status line: 1 yes, 0 no,
 * -1 not known yet. As libhtp (and browsers) decide, it must start with
 * "HTTP" (any case) after whitespace; `whole` says the line is complete. */
static int status_line_start(const uint8_t *l, uint32_t n, bool whole)
{
	uint32_t i = 0;

	while (i < n && (is_lws(l[i]) || l[i] == '\r' || l[i] == '\0'))
		i++;
	if (i == n)
		return whole ? 1 : -1;  /* an empty line is skipped */
	if (n - i < 4)
		return whole ? 0 : (strncasecmp((const char *)l + i, "HTTP", n - i) ? 0 : -1);
	return strncasecmp((const char *)l + i, "HTTP", 4) == 0;
}

/* A response that does not start with a status line is all body, read
 * until the connection closes (HTTP/0.9 style, as libhtp reads it): the
 * line so far (and its LF when `lf`) is its first data. */
static int response_as_body(struct nj_http_state *s, struct half *h, bool lf)
{
	struct nj_http_tx *tx = response_tx(s);

	if (!tx)
		return -ENOMEM;
	h->tx = tx;
	tx->resp.headers_done = true;
	tx->h.tx.progress_tc = NJ_HTTP_PROG_BODY;
	h->state = ST_BODY_CLOSE;
	body_data(s, tx, false, h->line.p, h->line.len);
	if (lf)
		body_data(s, tx, false, (const uint8_t *)"\n", 1);
	h->line.len = 0;
	h->line_over = false;
	mark_updated(s, tx, NJ_DIR_TO_CLIENT);
	return 0;
}

/* Line mode: collect up to LF (lines may span feeds). Returns bytes used. */
static int feed_line(struct nj_http_state *s, struct half *h, bool req,
		     const uint8_t *d, uint32_t len, uint32_t *used)
{
	const uint8_t *lf = memchr(d, '\n', len);
	uint32_t take = lf ? (uint32_t)(lf - d) + 1 : len;
	uint32_t keep = lf ? take - 1 : take;

	*used = take;
	if (h->state == ST_HEADERS && h->tx) {
		struct http_msg *m = req ? &h->tx->req : &h->tx->resp;
		nj_abuf_append(&m->raw, d, take, s->cfg.header_limit);
	}
	if (!h->line_over) {
		int rc = nj_abuf_append(&h->line, d, keep, s->cfg.line_limit);
		if (rc == -E2BIG) {
			h->line_over = true;
			if (h->tx)
				ev(h->tx, req ? NJ_HTTP_EV_REQUEST_FIELD_TOO_LONG :
						NJ_HTTP_EV_RESPONSE_FIELD_TOO_LONG);
		} else if (rc == -ENOMEM) {
			return -ENOMEM;
		}
	}
	if (!req && h->state == ST_LINE && !h->tx &&
	    status_line_start(h->line.p, h->line.len, lf != NULL) == 0)
		return response_as_body(s, h, lf != NULL);
	if (!lf)
		return 0;
	uint32_t n = h->line.len;
	if (n > 0 && h->line.p[n - 1] == '\r')
		n--;
	int rc = on_line(s, h, req, h->line.p, n);
	h->line.len = 0;
	h->line_over = false;
	return rc;
}

static const char *const methods[] = {
	"GET ", "POST ", "HEAD ", "PUT ", "DELETE ", "OPTIONS ", "CONNECT ",
	"TRACE ", "PATCH ",
};

/* Whether d (n bytes, possibly cut short) starts a message. */
static bool message_start(const uint8_t *d, uint32_t n, bool req)
{
	if (!req)
		return n >= 5 && memcmp(d, "HTTP/", 5) == 0;
	for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++) {
		size_t l = strlen(methods[i]);
		if (n >= l && memcmp(d, methods[i], l) == 0)
			return true;
	}
	return false;
}

/* ST_RESYNC: skips to the first line that starts a message; returns the
 * bytes skipped (all of them when none does). */
static uint32_t resync(struct half *h, bool req, const uint8_t *d, uint32_t len)
{
	uint32_t i = 0;

	if (!req) {
		/* a body need not end with a newline: the next status line may
		 * follow its last byte directly */
		const uint8_t *m = memmem(d, len, "HTTP/1.", 7);
		if (!m)
			return len;
		h->state = ST_LINE;
		h->line.len = 0;
		h->line_over = false;
		return (uint32_t)(m - d);
	}

	while (i < len) {
		if (h->line_start && message_start(d + i, len - i, req)) {
			h->state = ST_LINE;
			h->line.len = 0;
			h->line_over = false;
			return i;
		}
		const uint8_t *lf = memchr(d + i, '\n', len - i);
		if (!lf) {
			h->line_start = false;
			return len;
		}
		i = (uint32_t)(lf - d) + 1;
		h->line_start = true;
	}
	return len;
}

bool nj_http_tunnel(const struct nj_http_state *s)
{
	return s && s->tunnel;
}

void nj_http_gap(struct nj_http_state *s, int dir)
{
	bool req = dir == NJ_DIR_TO_SERVER;
	struct half *h = &s->half[req ? 0 : 1];

	if (h->state == ST_DEAD)
		return;
	if (h->tx)
		msg_done(s, h, req);
	h->state = ST_RESYNC;
	h->line_start = true;
	h->line.len = 0;
}

int nj_http_feed(struct nj_http_state *s, int dir, const uint8_t *data, uint32_t len)
{
	bool req = dir == NJ_DIR_TO_SERVER;
	struct half *h = &s->half[req ? 0 : 1];
	uint32_t off = 0;

	if (dir != NJ_DIR_TO_SERVER && dir != NJ_DIR_TO_CLIENT)
		return -EINVAL;
	while (off < len) {
		uint32_t used = 0;
		int rc = 0;
		struct nj_http_tx *before = h->tx;
		uint8_t state = h->state;

		if (h->state == ST_DEAD)
			return -EINVAL;
		if (h->state == ST_RESYNC) {
			used = resync(h, req, data + off, len - off);
		} else if (line_state(h->state)) {
			rc = feed_line(s, h, req, data + off, len - off, &used);
		} else {
			uint64_t want = h->state == ST_BODY_CLOSE ? len - off : h->remain;
			used = (uint32_t)(want < len - off ? want : len - off);
			body_data(s, h->tx, req, data + off, used);
			h->remain -= h->state == ST_BODY_CLOSE ? 0 : used;
			if (h->state == ST_BODY_CL && h->remain == 0)
				msg_done(s, h, req);
			else if (h->state == ST_CHUNK_DATA && h->remain == 0)
				h->state = ST_CHUNK_END;
		}
		if (before)
			mark_updated(s, before, dir);
		if (h->tx && h->tx != before)
			mark_updated(s, h->tx, dir);
		off += used;
		if (rc < 0)
			return rc;
		if (used == 0 && h->state == state) {
			/* no progress: never spin on input */
			h->state = ST_DEAD;
			return -EINVAL;
		}
	}
	return 0;
}

/* A header section the connection cut short ends where the data ended, as
 * libhtp ends it: a last unterminated line counts, then the headers are
 * complete and the message has what it received. */
static void finish_headers(struct nj_http_state *s, struct half *h, bool req)
{
	uint32_t n = h->line.len;

	if (h->state != ST_HEADERS || !h->tx)
		return;
	if (n > 0 && h->line.p[n - 1] == '\r')
		n--;
	if (n > 0)
		on_line(s, h, req, h->line.p, n);
	h->line.len = 0;
	if (h->state == ST_HEADERS && h->tx) {
		struct nj_http_tx *tx = h->tx;
		headers_end(s, h, req);
		mark_updated(s, tx, req ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT);
	}
}

void nj_http_close(struct nj_http_state *s)
{
	struct half *rh = &s->half[1];

	if (rh->state == ST_LINE && !rh->tx && rh->line.len &&
	    status_line_start(rh->line.p, rh->line.len, true) == 0)
		response_as_body(s, rh, false);
	finish_headers(s, &s->half[0], true);
	finish_headers(s, &s->half[1], false);
	nj_http_txq_close(&s->q);
	s->half[0].tx = s->half[1].tx = NULL;
	s->half[0].state = s->half[1].state = ST_DEAD;
}
