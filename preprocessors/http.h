/* HTTP/1.0 and 1.1 parser (RFC 9112): an incremental, per-flow state that
 * takes each direction's bytes in any segmentation and turns them into
 * transactions (request + response), with pipelining, keep-alive, chunked
 * transfer coding and gzip/deflate bodies.
 *
 * Buffers (nj_app_tx.get_buffer) use Suricata's contents: http.header is
 * "Name: value\r\n" per header, normalised (folding joined, repeats
 * comma-merged), without Cookie / Set-Cookie; http.header.raw the header
 * lines as received including the final empty line; http.header_names
 * "\r\nName1\r\nName2\r\n\r\n"; http.start the first line, CRLF,
 * the normalised headers (Cookie kept), CRLF; http.request_line and
 * http.response_line without CRLF; http.request_header and
 * http.response_header one "Name: value" per idx (Cookie kept). Buffers that exist in both directions (http.header*,
 * http.start, http.protocol, http.cookie, http.content_type,
 * http.content_len, http.connection, file.data) come from the direction
 * fed last, which for the txs in p->app_txs is the packet's direction.
 */
#ifndef NJ_PREPROC_HTTP_H
#define NJ_PREPROC_HTTP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/buffer.h"

struct nj_config;
struct nj_json;

/* Limits, from app-layer.protocols.http.* (see nj_http_config_load). */
struct nj_http_config {
	uint32_t request_body_limit;    /* bytes of request body kept */
	uint32_t response_body_limit;   /* bytes of (decompressed) response body */
	uint32_t line_limit;            /* longest request/status/header line */
	uint32_t header_limit;          /* raw header section kept per message */
	uint32_t max_headers;           /* headers per message */
	uint64_t decompress_limit;      /* decompressed bytes per body (bomb) */
	uint32_t max_txs;               /* open transactions per flow */
	uint32_t flow_body_limit;       /* body bytes kept by all open txs of a flow */
	uint32_t request_inspect_min;   /* body growth between inspections */
	uint32_t response_inspect_min;
};

/* Defaults, overridden by app-layer.protocols.http.request-body-limit,
 * response-body-limit, decompression-limit (sizes with kb/mb). */
void nj_http_config_load(struct nj_http_config *hc, const struct nj_config *cfg);

/* Request/response progress values (nj_app_tx.progress_ts/_tc, low bits). */
enum nj_http_progress {
	NJ_HTTP_PROG_NONE = 0,
	NJ_HTTP_PROG_LINE = 1,
	NJ_HTTP_PROG_HEADERS = 2,
	NJ_HTTP_PROG_BODY = 3,
};

struct nj_http_state;
struct nj_app_tx;

/* A new parser; hc is copied. NULL on allocation failure. Free with
 * nj_http_free(), which frees every transaction. */
struct nj_http_state *nj_http_new(const struct nj_http_config *hc);
void nj_http_free(struct nj_http_state *s);

/* Feeds data[0..len) of direction dir (NJ_DIR_TO_SERVER/TO_CLIENT). Data is
 * copied as needed; it may end anywhere. Transactions completed before the
 * previous feed are freed first, so pointers from nj_http_updated() stay
 * valid until the next feed. Returns 0, or -EINVAL when the direction can no
 * longer be parsed (it is then ignored), -ENOMEM. */
int nj_http_feed(struct nj_http_state *s, int dir, const uint8_t *data, uint32_t len);

/* Data of direction dir is missing before the next feed (a stream gap):
 * the message in progress ends there, and parsing resumes at the next line
 * that starts a request (a method) or a response ("HTTP/"). */
void nj_http_gap(struct nj_http_state *s, int dir);

/* True once the proxy granted a CONNECT that opened the connection: the
 * bytes after its response are another protocol's, no longer fed here. */
bool nj_http_tunnel(const struct nj_http_state *s);

/* The flow ended: pending messages are closed (a response read until close
 * is complete), every open transaction marked complete. */
void nj_http_close(struct nj_http_state *s);

/* Transactions updated by the feeds since the last call to nj_http_begin();
 * *txs is owned by s, valid until the next feed. Returns the count. Also
 * decides whether detection sees their bodies on this packet (the body
 * buffers exist only then; http_txq.c); asking again changes nothing. */
uint16_t nj_http_updated(struct nj_http_state *s, struct nj_app_tx ***txs);
/* Starts a new packet: forgets the updated list. */
void nj_http_begin(struct nj_http_state *s);

/* Number of transactions still held (for tests and memory accounting). */
uint32_t nj_http_tx_count(const struct nj_http_state *s);

/* Headers of one message, for tests and keywords: the value of the first
 * header called name (case-insensitive; duplicates are merged with ", ");
 * 1 and *out set, or 0. dir selects request (TO_SERVER) or response. */
int nj_http_tx_header(const struct nj_app_tx *tx, int dir, const char *name,
		      struct nj_buf *out);
/* Status code as a number, 0 when there is no response yet. */
int nj_http_tx_status(const struct nj_app_tx *tx);

/* Writes the EVE "http" object of tx (Suricata's fields). */
void nj_http_log_json(const struct nj_app_tx *tx, void *json_writer);

/* URI normalisation as libhtp does for http.uri: from the raw request
 * target, the path (absolute-form: scheme and authority dropped) with
 * %XX decoded, duplicate slashes collapsed and dot segments removed
 * (RFC 3986 5.2.4), then "?query" and "#fragment" as sent. Writes at most
 * cap bytes to out; returns the length (never more than the input's) and
 * sets *double_enc when a decoded byte was itself a '%' escape. */
uint32_t nj_http_normalize_uri(const uint8_t *raw, uint32_t len, uint8_t *out,
			       uint32_t cap, bool *double_enc);
/* Host normalisation: lowercased, ":port" and a trailing dot removed;
 * returns the length written to out (at most cap). */
uint32_t nj_http_normalize_host(const uint8_t *raw, uint32_t len, uint8_t *out,
				uint32_t cap);

/* The HTTP event table (names without the "http." prefix). */
enum nj_http_event {
	NJ_HTTP_EV_UNKNOWN_ERROR,
	NJ_HTTP_EV_GZIP_DECOMPRESSION_FAILED,
	NJ_HTTP_EV_REQUEST_FIELD_MISSING_COLON,
	NJ_HTTP_EV_RESPONSE_FIELD_MISSING_COLON,
	NJ_HTTP_EV_INVALID_REQUEST_CHUNK_LEN,
	NJ_HTTP_EV_INVALID_RESPONSE_CHUNK_LEN,
	NJ_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_REQUEST,
	NJ_HTTP_EV_INVALID_TRANSFER_ENCODING_VALUE_IN_RESPONSE,
	NJ_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_REQUEST,
	NJ_HTTP_EV_INVALID_CONTENT_LENGTH_FIELD_IN_RESPONSE,
	NJ_HTTP_EV_UNABLE_TO_MATCH_RESPONSE_TO_REQUEST,
	NJ_HTTP_EV_MISSING_HOST_HEADER,
	NJ_HTTP_EV_HOST_HEADER_AMBIGUOUS,
	NJ_HTTP_EV_INVALID_REQUEST_FIELD_FOLDING,
	NJ_HTTP_EV_INVALID_RESPONSE_FIELD_FOLDING,
	NJ_HTTP_EV_REQUEST_FIELD_TOO_LONG,
	NJ_HTTP_EV_RESPONSE_FIELD_TOO_LONG,
	NJ_HTTP_EV_REQUEST_LINE_INVALID,
	NJ_HTTP_EV_REQUEST_HEADER_REPETITION,
	NJ_HTTP_EV_RESPONSE_HEADER_REPETITION,
	NJ_HTTP_EV_DOUBLE_ENCODED_URI,
	NJ_HTTP_EV_REQUEST_LINE_LEADING_WHITESPACE,
	NJ_HTTP_EV_RESPONSE_INVALID_PROTOCOL,
	NJ_HTTP_EV_RESPONSE_INVALID_STATUS,
	NJ_HTTP_EV_REQUEST_LINE_MISSING_PROTOCOL,
	NJ_HTTP_EV_REQUEST_TOO_MANY_HEADERS,
	NJ_HTTP_EV_RESPONSE_TOO_MANY_HEADERS,
	NJ_HTTP_EV_COMPRESSION_BOMB,
	NJ_HTTP_EV_REQUEST_HEADER_INVALID,
	NJ_HTTP_EV_RESPONSE_HEADER_INVALID,
	NJ_HTTP_EV__COUNT
};
extern const char *const nj_http_event_names[NJ_HTTP_EV__COUNT];

#endif
