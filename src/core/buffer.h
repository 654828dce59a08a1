/* Named inspection buffers shared by the preprocessors that fill them and
 * the rule engine that inspects them.
 *
 * A buffer is a borrowed byte range; its owner (the packet, the stream, an
 * app-layer transaction, the process table) keeps it valid for the dispatch.
 */
#ifndef NJ_CORE_BUFFER_H
#define NJ_CORE_BUFFER_H

#include <stdbool.h>
#include <stdint.h>

#include "core/varset.h"

#define NJ_BUFFERS(X)                                                          \
	X(PKT, "pkt_data")                                                     \
	X(STREAM, "stream")                                                    \
	X(FILE_DATA, "file.data")                                              \
	X(HTTP_URI, "http.uri")                                                \
	X(HTTP_URI_RAW, "http.uri.raw")                                        \
	X(HTTP_METHOD, "http.method")                                          \
	X(HTTP_PROTOCOL, "http.protocol")                                      \
	X(HTTP_REQUEST_LINE, "http.request_line")                              \
	X(HTTP_HOST, "http.host")                                              \
	X(HTTP_HOST_RAW, "http.host.raw")                                      \
	X(HTTP_USER_AGENT, "http.user_agent")                                  \
	X(HTTP_COOKIE, "http.cookie")                                          \
	X(HTTP_HEADER, "http.header")                                          \
	X(HTTP_HEADER_RAW, "http.header.raw")                                  \
	X(HTTP_HEADER_NAMES, "http.header_names")                              \
	X(HTTP_REQUEST_BODY, "http.request_body")                              \
	X(HTTP_RESPONSE_BODY, "http.response_body")                            \
	X(HTTP_STAT_CODE, "http.stat_code")                                    \
	X(HTTP_STAT_MSG, "http.stat_msg")                                      \
	X(HTTP_RESPONSE_LINE, "http.response_line")                            \
	X(HTTP_CONTENT_TYPE, "http.content_type")                              \
	X(HTTP_CONTENT_LEN, "http.content_len")                                \
	X(HTTP_REFERER, "http.referer")                                        \
	X(HTTP_ACCEPT, "http.accept")                                          \
	X(HTTP_ACCEPT_ENC, "http.accept_enc")                                  \
	X(HTTP_ACCEPT_LANG, "http.accept_lang")                                \
	X(HTTP_CONNECTION, "http.connection")                                  \
	X(HTTP_LOCATION, "http.location")                                      \
	X(HTTP_SERVER, "http.server")                                          \
	X(HTTP_START, "http.start")                                            \
	X(HTTP_RESPONSE_HEADER, "http.response_header")                        \
	X(HTTP_REQUEST_HEADER, "http.request_header")                          \
	X(DNS_QUERY, "dns.query")                                              \
	X(DNS_ANSWER_NAME, "dns.answer.name")                                  \
	X(TLS_SNI, "tls.sni")                                                  \
	X(TLS_CERT_SUBJECT, "tls.cert_subject")                                \
	X(TLS_CERT_ISSUER, "tls.cert_issuer")                                  \
	X(TLS_CERT_SERIAL, "tls.cert_serial")                                  \
	X(TLS_CERT_FINGERPRINT, "tls.cert_fingerprint")                        \
	X(TLS_VERSION, "tls.version")                                          \
	X(JA3_HASH, "ja3.hash")                                                \
	X(JA3_STRING, "ja3.string")                                            \
	X(JA3S_HASH, "ja3s.hash")                                              \
	X(JA3S_STRING, "ja3s.string")                                          \
	X(JA4_HASH, "ja4.hash")                                                \
	X(PROC_NAME, "proc.name")                                              \
	X(PROC_EXE, "proc.exe")                                                \
	X(PROC_CMDLINE, "proc.cmdline")                                        \
	X(PROC_ARGS, "proc.args")                                              \
	X(PROC_CWD, "proc.cwd")                                                \
	X(PROC_ENV, "proc.env")                                                \
	X(PROC_PNAME, "proc.pname")                                            \
	X(PROC_PEXE, "proc.pexe")                                              \
	X(PROC_PCMDLINE, "proc.pcmdline")                                      \
	X(PROC_ANAME, "proc.aname")                                            \
	X(PROC_AEXE, "proc.aexe")                                              \
	X(FILE_PATH, "file.path")                                              \
	X(FILE_RAW, "file.raw")                                                \
	X(FILE_NEWPATH, "file.newpath")                                        \
	X(USER_NAME, "user.name")                                              \
	X(TLS_CERTS, "tls.certs")                                              \
	X(BASE64_DATA, "base64_data")                                          \
	X(IPV4_HDR, "ipv4.hdr")                                                \
	X(IPV6_HDR, "ipv6.hdr")                                                \
	X(TCP_HDR, "tcp.hdr")                                                  \
	X(UDP_HDR, "udp.hdr")                                                  \
	X(STREAM_INORDER, "stream.inorder")                                    \
	X(PKT_INSTREAM, "pkt.instream")

/* stream.inorder and pkt.instream are internal to the prefilter: the
 * in-order stream data that rules with app-layer buffers inspect, and the
 * payload of a packet that reassembly took, which only packet rules and
 * rules with an anchored content see (src/detect/prefilter.c). */
enum nj_buf_id {
#define NJ_BUF_ENUM(id, name) NJ_BUF_##id,
	NJ_BUFFERS(NJ_BUF_ENUM)
#undef NJ_BUF_ENUM
	NJ_BUF__COUNT
};

struct nj_buf {
	const uint8_t *ptr;
	uint32_t len;
};

/* Canonical name of a buffer ("http.uri"); NULL for an invalid id. */
const char *nj_buf_name(int id);
/* Id of a canonical name, or -1. */
int nj_buf_lookup(const char *name);

/* Application-layer protocols. */
#define NJ_APP_PROTOS(X)                                                       \
	X(UNKNOWN, "")                                                         \
	X(FAILED, "failed")                                                    \
	X(HTTP, "http")                                                        \
	X(TLS, "tls")                                                          \
	X(DNS, "dns")                                                          \
	X(SSH, "ssh")                                                          \
	X(SMTP, "smtp")                                                        \
	X(FTP, "ftp")                                                          \
	X(HTTP2, "http2")

enum nj_app_proto {
#define NJ_APP_ENUM(id, name) NJ_APP_##id,
	NJ_APP_PROTOS(NJ_APP_ENUM)
#undef NJ_APP_ENUM
	NJ_APP__COUNT
};

const char *nj_app_proto_name(int proto);
int nj_app_proto_lookup(const char *name);

/* Whether a flow of protocol flow_proto is one of protocol want, for rule
 * headers and app-layer-protocol: "http" names HTTP of any version, as in
 * Suricata 7, so HTTP/1 rules apply to HTTP/2 flows too. */
static inline bool nj_app_proto_is(int flow_proto, int want)
{
	return flow_proto == want || (want == NJ_APP_HTTP && flow_proto == NJ_APP_HTTP2);
}

/* An application-layer transaction as the rule engine sees it.
 *
 * The parser that owns the transaction fills `get_buffer`; the rule engine
 * calls it for the buffers its rules need. `idx` selects among repeated
 * buffers (the n-th DNS query, the n-th answer name); a call returns 1 with
 * *out set, 0 when the buffer is absent (or idx past the last), never
 * allocating. Buffers stay valid until the transaction is freed by its
 * parser, which happens only after the dispatch that completed it.
 */
struct nj_app_tx {
	uint8_t proto;          /* enum nj_app_proto */
	uint64_t id;            /* transaction number within the flow */
	uint32_t progress_ts;   /* parser-defined progress, to server */
	uint32_t progress_tc;   /* to client */
	uint8_t dir;            /* direction of the bytes that updated it last
				 * (NJ_DIR_*), NJ_DIR_NONE when not told */
	int (*get_buffer)(const struct nj_app_tx *tx, int buf_id, uint32_t idx,
			  struct nj_buf *out);
	/* For EVE: writes this transaction's object (e.g. "http": {...}) with the
	 * given JSON writer; NULL when the parser logs nothing. */
	void (*log_json)(const struct nj_app_tx *tx, void *json_writer);
	void *priv;
	/* Rules that have already matched this transaction (rule numbers),
	 * kept by the rule engine so a rule alerts once per transaction; the
	 * parser frees it with the transaction (nj_varset_free). */
	struct nj_varset matched;
	bool logged;                    /* written as its own EVE record */
};

/* Progress bit a parser sets in progress_ts/progress_tc when that side of
 * the transaction is finished; a transaction is complete when both are. */
#define NJ_APP_PROGRESS_DONE 0x80000000u

static inline bool nj_app_tx_complete(const struct nj_app_tx *tx)
{
	return (tx->progress_ts & NJ_APP_PROGRESS_DONE) && (tx->progress_tc & NJ_APP_PROGRESS_DONE);
}

#endif
