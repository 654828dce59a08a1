/* HTTP/2 internals shared by http2.c (frames, streams) and http2_msg.c
 * (header blocks into HTTP messages). Not for other modules. */
#ifndef NJ_PREPROC_HTTP2_INT_H
#define NJ_PREPROC_HTTP2_INT_H

#include <nghttp2/nghttp2.h>

#include "preprocessors/http2.h"
#include "preprocessors/http_int.h"

/* Decodes the header block blk[0..n) with inf into m (NULL: decoded for
 * the compression state only, then dropped). Headers past hc->max_headers
 * and bytes past hc->line_limit are dropped. Returns 0, -EINVAL when the
 * block does not decode (inf is then unusable), -ENOMEM. */
int nj_http2_decode(nghttp2_hd_inflater *inf, const uint8_t *blk, uint32_t n,
		    struct http_msg *m, const struct nj_http_config *hc);

/* Moves the decoded headers m into tx as its request (req) or response and
 * fills the transaction's lines, URI and host. A block for a message that
 * already has headers (trailers) or an interim (1xx) response is dropped
 * instead; returns true when m was installed. m is left empty either way. */
bool nj_http2_install(struct nj_http_tx *tx, bool req, struct http_msg *m,
		      const struct nj_http_config *hc);

#endif
