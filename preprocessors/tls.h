/* TLS parser (RFC 5246 6.2 records, 7.4 handshake; RFC 8446 4.1
 * hellos; RFC 6066 SNI, RFC 7301 ALPN): records and handshake messages in
 * any segmentation and record fragmentation; ClientHello, ServerHello and the
 * server Certificate (X.509 via OpenSSL); JA3, JA3S and JA4 fingerprints.
 * One transaction per flow, complete when both sides finished the
 * handshake (ChangeCipherSpec or application data) or the flow ended.
 */
#ifndef NJ_PREPROC_TLS_H
#define NJ_PREPROC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buffer.h"

struct nj_app_tx;
struct nj_tls_state;

/* A new parser; NULL on allocation failure. Free with nj_tls_free(). */
struct nj_tls_state *nj_tls_new(void);
void nj_tls_free(struct nj_tls_state *s);
/* Feeds one direction's bytes. Returns 0, -EINVAL when the direction is not
 * (or no longer) parseable TLS, -ENOMEM. */
int nj_tls_feed(struct nj_tls_state *s, int dir, const uint8_t *data, uint32_t len);
void nj_tls_close(struct nj_tls_state *s);
/* Bytes of direction dir were lost: record framing cannot be recovered, the
 * direction is no longer parsed. */
void nj_tls_gap(struct nj_tls_state *s, int dir);
void nj_tls_begin(struct nj_tls_state *s);
uint16_t nj_tls_updated(struct nj_tls_state *s, struct nj_app_tx ***txs);
/* The flow's transaction (NULL before the first record). Owned by s. */
struct nj_app_tx *nj_tls_tx(struct nj_tls_state *s);

/* ssl_state bits (Suricata's ssl_state keyword). */
enum nj_tls_hs_state {
	NJ_TLS_ST_CLIENT_HELLO = 1 << 0,
	NJ_TLS_ST_SERVER_HELLO = 1 << 1,
	NJ_TLS_ST_CLIENT_KEYX = 1 << 2,
	NJ_TLS_ST_SERVER_KEYX = 1 << 3,
	NJ_TLS_ST_UNKNOWN = 1 << 4,
};

/* For ssl_version: the negotiated version (ServerHello, supported_versions
 * applied) or the client's when no ServerHello yet: 0x0300 SSLv3 ...
 * 0x0304 TLS 1.3; 0x0002 for SSLv2; 0 unknown. */
int nj_tls_tx_version(const struct nj_app_tx *tx);
/* For ssl_state: enum nj_tls_hs_state bits seen so far. */
unsigned nj_tls_tx_state(const struct nj_app_tx *tx);
/* "TLS 1.2", "TLSv1", "SSLv3", "UNDETERMINED" (as EVE writes it). */
const char *nj_tls_version_name(int version);

/* Writes the EVE "tls" object (Suricata's fields). */
void nj_tls_log_json(const struct nj_app_tx *tx, void *json_writer);

/* Fingerprint helpers, exposed for tests. GREASE values (RFC 8701) are
 * those of the form 0x?a?a with equal bytes. */
bool nj_tls_is_grease(uint16_t v);
/* JA4 fingerprint (FoxIO; empty lists hashed as Suricata does) from a
 * ClientHello's values in wire order: transport 't' (TCP) or 'q' (QUIC),
 * the highest version offered, cipher suites, extension types, signature
 * algorithms and the first ALPN value. GREASE values are skipped. */
void nj_tls_ja4(char out[40], char transport, uint16_t version, const uint16_t *ciphers,
		uint16_t nciphers, const uint16_t *exts, uint16_t nexts,
		const uint16_t *sigalgs, uint16_t nsigalgs, const uint8_t *alpn,
		uint32_t alpn_len);
/* Lowercase hex MD5 of s[0..n) into out (33 bytes). */
void nj_tls_md5_hex(const void *s, size_t n, char out[33]);

/* X.509 summary of a DER certificate, Suricata's formats:
 * subject/issuer "C=US, O=Example, CN=example.com" (attribute bytes as
 * they are, NUL included, so a rule can see an embedded NUL), serial "0A:1B:..",
 * fingerprint (SHA-1 of the DER) "aa:bb:..", dates "2026-11-23T12:00:00".
 * Returns 0 or -EINVAL when der is not a certificate. */
struct nj_tls_cert {
	char subject[1024];             /* may hold NUL bytes: use the lengths */
	char issuer[1024];
	uint32_t subject_len, issuer_len;
	char serial[128];
	char fingerprint[60];
	char notbefore[24], notafter[24];
};
int nj_tls_cert_parse(const uint8_t *der, uint32_t len, struct nj_tls_cert *out);

enum nj_tls_event {
	NJ_TLS_EV_INVALID_SSL_RECORD,
	NJ_TLS_EV_INVALID_RECORD_VERSION,
	NJ_TLS_EV_INVALID_RECORD_TYPE,
	NJ_TLS_EV_INVALID_RECORD_LENGTH,
	NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE,
	NJ_TLS_EV_HANDSHAKE_INVALID_LENGTH,
	NJ_TLS_EV_CERTIFICATE_INVALID_DER,
	NJ_TLS_EV_CERTIFICATE_INVALID_LENGTH,
	NJ_TLS_EV_MULTIPLE_SNI_EXTENSIONS,
	NJ_TLS_EV_INVALID_SNI_TYPE,
	NJ_TLS_EV_INVALID_SNI_LENGTH,
	NJ_TLS_EV_RECORD_OVERFLOW,
	NJ_TLS_EV__COUNT
};
extern const char *const nj_tls_event_names[NJ_TLS_EV__COUNT];

#endif
