/* HTTP/2 parser (RFC 9113) for cleartext connections that start with the
 * client connection preface (prior knowledge, or h2c after an HTTP/1.1
 * Upgrade): an incremental, per-flow state that splits each direction's
 * bytes into frames and turns every stream into one HTTP transaction.
 *
 * Header blocks (HEADERS, PUSH_PROMISE, CONTINUATION) are decoded with
 * libnghttp2's HPACK inflater, one per direction. A stream's transaction
 * is an HTTP transaction (nj_app_tx.proto NJ_APP_HTTP) with the buffers of
 * preprocessors/http.h, filled as Suricata maps HTTP/2 onto them:
 * http.method from :method, http.uri / http.uri.raw from :path,
 * http.host / http.host.raw from :authority (or Host), http.protocol
 * "HTTP/2", http.stat_code from :status; http.request_line is
 * ":method :path HTTP/2" and http.response_line "HTTP/2 :status";
 * http.request_header / http.response_header give one "name: value" per
 * header, pseudo-headers without their colon ("method: GET"); http.header,
 * http.header.raw and http.header_names leave pseudo-headers out. DATA
 * frames make the bodies, bounded like HTTP/1's and not decompressed.
 *
 * PUSH_PROMISE blocks are decoded (to keep the HPACK state) and dropped;
 * the pushed response, on its own stream, is a transaction without a
 * request. PRIORITY, PING, WINDOW_UPDATE and flow control are not
 * followed. A protocol error in a header block, an oversized frame or a
 * stream gap ends the parsing of that direction.
 */
#ifndef NJ_PREPROC_HTTP2_H
#define NJ_PREPROC_HTTP2_H

#include <stdint.h>

#include "preprocessors/http.h"

/* The client connection preface (RFC 9113 3.4). */
#define NJ_HTTP2_PREFACE "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
#define NJ_HTTP2_PREFACE_LEN 24

struct nj_http2_state;
struct nj_app_tx;

/* A new parser; hc (its body, transaction and header limits) is copied.
 * NULL on allocation failure. Free with nj_http2_free(), which frees every
 * transaction. `preface` says the client direction starts with the
 * connection preface (false after an h2c upgrade, where it was already
 * consumed as HTTP/1). */
struct nj_http2_state *nj_http2_new(const struct nj_http_config *hc, bool preface);
void nj_http2_free(struct nj_http2_state *s);

/* Feeds data[0..len) of direction dir (NJ_DIR_TO_SERVER/TO_CLIENT); it may
 * end anywhere. As nj_http_feed: completed transactions are freed at the
 * next nj_http2_begin(). Returns 0, -EINVAL once the direction can no
 * longer be parsed (it is then ignored), -ENOMEM. */
int nj_http2_feed(struct nj_http2_state *s, int dir, const uint8_t *data, uint32_t len);

/* Data of direction dir is missing: frame boundaries and the header
 * compression state are lost, so the direction is no longer parsed. */
void nj_http2_gap(struct nj_http2_state *s, int dir);

/* The flow ended: every open transaction is marked complete. */
void nj_http2_close(struct nj_http2_state *s);

/* Transactions updated since nj_http2_begin(); *txs owned by s, valid until
 * the next feed. Returns the count. Decides, as nj_http_updated() does,
 * whether detection sees their bodies on this packet. */
uint16_t nj_http2_updated(struct nj_http2_state *s, struct nj_app_tx ***txs);
/* Starts a new packet: forgets the updated list, frees completed
 * transactions. */
void nj_http2_begin(struct nj_http2_state *s);

/* Transactions held, and protocol errors seen (malformed frames, header
 * blocks that do not decode); for tests and stats. */
uint32_t nj_http2_tx_count(const struct nj_http2_state *s);
uint32_t nj_http2_errors(const struct nj_http2_state *s);

#endif
