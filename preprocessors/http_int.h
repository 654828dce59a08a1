/* HTTP parser internals shared by http.c (parsing) and http_tx.c
 * (buffers, EVE). Not for other modules. */
#ifndef NJ_PREPROC_HTTP_INT_H
#define NJ_PREPROC_HTTP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <zlib.h>

#include "preprocessors/app.h"
#include "preprocessors/app_buf.h"
#include "preprocessors/http.h"

struct http_hdr {
	struct nj_abuf name, value;
	uint32_t line_off, line_len;    /* "Name: value" inside msg.start */
	bool pseudo;                    /* HTTP/2 ":name", kept without the colon */
};

enum http_coding { CODING_NONE = 0, CODING_GZIP, CODING_DEFLATE };

/* One request or response. */
struct http_msg {
	struct nj_abuf line;            /* request/status line without CRLF */
	struct http_hdr *hdrs;
	uint32_t nhdrs, hcap;
	struct nj_abuf raw;             /* header section as received */
	struct nj_abuf start;           /* line CRLF, "Name: value" CRLF..., CRLF */
	struct nj_abuf header;          /* http.header: without Cookie/Set-Cookie */
	struct nj_abuf names;           /* CRLF Name CRLF ... CRLF */
	struct nj_abuf body;            /* decoded body up to the limit */
	uint32_t body_mark;             /* body length last shown to detection */
	bool body_show;                 /* the body buffers exist for this packet */
	uint64_t wire_len;              /* body bytes on the wire */
	uint64_t content_len;
	bool has_cl, chunked, headers_done;
	uint8_t coding;                 /* enum http_coding */
	bool z_init, z_failed, z_done;
	uint64_t z_out;
	z_stream z;
};

struct nj_http_tx {
	struct nj_app_txhdr h;
	struct http_msg req, resp;
	/* slices of req.line / resp.line */
	uint32_t meth_len, uri_off, uri_len, proto_off, proto_len;
	uint32_t rproto_len, code_off, code_len, msg_off, msg_len;
	struct nj_abuf uri;             /* normalised */
	struct nj_abuf host;            /* normalised */
	struct nj_abuf host_raw;
	int status;
	int port;                       /* from Host, -1 when absent */
	bool head;
	bool connect;                   /* the request's method is CONNECT */
	bool in_updated;
	uint32_t stream_id;             /* HTTP/2 stream, 0 for HTTP/1 */
	struct nj_http_tx *next;
};

/* The transactions of a connection, oldest first, and those updated since
 * the last nj_http_txq_begin() (upd, owned here). */
struct nj_http_txq {
	struct nj_http_tx *head, *tail;
	uint32_t ntx;
	uint64_t next_id;
	uint64_t body_bytes;            /* kept in the bodies of open transactions */
	struct nj_app_tx **upd;
	uint16_t nupd, cupd;
};

/* Decides, once a packet's data is parsed, whether the bodies of the
 * transactions it updated are inspected on this packet (body_show). */
void nj_http_txq_settle(struct nj_http_txq *q, const struct nj_http_config *cfg);

/* A new transaction at the end of q (NULL past max_txs or without memory);
 * owned by q. */
struct nj_http_tx *nj_http_txq_new(struct nj_http_txq *q, uint32_t max_txs);
/* Frees every transaction and the updated list. */
void nj_http_txq_free(struct nj_http_txq *q);
/* tx was updated by bytes of direction dir: it goes on the updated list. */
void nj_http_txq_mark(struct nj_http_txq *q, struct nj_http_tx *tx, int dir);
/* Empties the updated list and frees the complete transactions except the
 * ones still being parsed (busy0, busy1; may be NULL). */
void nj_http_txq_begin(struct nj_http_txq *q, const struct nj_http_tx *busy0,
		       const struct nj_http_tx *busy1);
/* Marks every open transaction complete and updated (the flow ended). */
void nj_http_txq_close(struct nj_http_txq *q);
/* Appends body bytes to m up to limit and what remains of the
 * connection's flow_limit. */
void nj_http_txq_body(struct nj_http_txq *q, struct http_msg *m, const uint8_t *d,
		      uint32_t n, uint32_t limit, uint32_t flow_limit);

/* Appends the header name: value to m, each cut at lim bytes. Returns 0 or
 * -ENOMEM. */
int nj_http_msg_add(struct http_msg *m, const uint8_t *name, uint32_t nlen,
		    const uint8_t *value, uint32_t vlen, uint32_t lim);
/* Header lookup by case-insensitive name; NULL when absent. */
const struct http_hdr *nj_http_msg_header(const struct http_msg *m, const char *name);
/* Builds m's http.start, http.header and http.header_names views from its
 * header list (pseudo-headers only in http.start); with `raw`, http.header.raw
 * too, as the header lines and a final CRLF. `lim` bounds each view. */
void nj_http_msg_views(struct http_msg *m, bool req, uint32_t lim, bool raw);
/* Frees what m holds (m itself is the caller's) and leaves it empty. */
void nj_http_msg_free(struct http_msg *m);
/* Frees tx, its messages and its buffers; NULL is fine. */
void nj_http_tx_free(struct nj_http_tx *tx);
/* Fills the tx's nj_app_tx callbacks. */
void nj_http_tx_bind(struct nj_http_tx *tx);

#endif
