/* TLS parser internals shared by tls.c, tls_hello.c, tls_cert.c and
 * tls_tx.c. Not for other modules. */
#ifndef NJ_PREPROC_TLS_INT_H
#define NJ_PREPROC_TLS_INT_H

#include "preprocessors/app.h"
#include "preprocessors/app_buf.h"
#include "preprocessors/tls.h"

#define TLS_MAX_LIST 256        /* values kept per hello list */

struct u16_list {
	uint16_t v[TLS_MAX_LIST];
	uint16_t n;
};

struct nj_tls_tx {
	struct nj_app_txhdr h;
	unsigned hs_state;              /* enum nj_tls_hs_state */
	/* ClientHello */
	bool has_ch;
	uint16_t ch_version;            /* legacy_version */
	uint16_t ch_max_version;        /* highest supported_versions entry */
	struct u16_list ciphers, exts, groups, sigalgs;
	uint8_t ecpf[TLS_MAX_LIST];
	uint16_t necpf;
	struct nj_abuf sni;
	struct nj_abuf alpn;            /* client ALPN values, each NUL-ended */
	/* ServerHello */
	bool has_sh;
	uint16_t sh_version, sh_selected, sh_cipher;
	struct u16_list sh_exts;
	/* fingerprints */
	struct nj_abuf ja3, ja3s;
	char ja3_hash[33], ja3s_hash[33];
	char ja4[40];
	char version_str[16];
	/* server certificate */
	bool has_cert;
	uint32_t chain_len;
	struct nj_tls_cert cert;
	uint32_t subject_len, issuer_len, serial_len, fp_len;
};

/* Handshake message bodies (type byte and 24-bit length stripped). */
void nj_tls_client_hello(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len);
void nj_tls_server_hello(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len);
void nj_tls_certificate(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len);
void nj_tls_tx_bind(struct nj_tls_tx *tx);
void nj_tls_tx_release(struct nj_tls_tx *tx);

#endif
