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
	struct nj_http_tx *next;
};

/* Header lookup by case-insensitive name; NULL when absent. */
const struct http_hdr *nj_http_msg_header(const struct http_msg *m, const char *name);
/* Fills the tx's nj_app_tx callbacks. */
void nj_http_tx_bind(struct nj_http_tx *tx);

#endif
