/* TLS transactions as the rule engine and EVE see them: tls.* and ja3/ja4
 * buffers, ssl_version / ssl_state values, the EVE "tls" object. */
#include <string.h>

#include "core/json.h"
#include "preprocessors/tls_int.h"

static const struct nj_tls_tx *tls_tx(const struct nj_app_tx *tx)
{
	if (!tx || tx->proto != NJ_APP_TLS)
		return NULL;
	return (const struct nj_tls_tx *)nj_app_txhdr(tx);
}

int nj_tls_tx_version(const struct nj_app_tx *atx)
{
	const struct nj_tls_tx *tx = tls_tx(atx);

	if (!tx)
		return 0;
	if (tx->has_sh)
		return tx->sh_selected ? tx->sh_selected : tx->sh_version;
	if (tx->has_ch)
		return tx->ch_version;
	return 0;
}

unsigned nj_tls_tx_state(const struct nj_app_tx *atx)
{
	const struct nj_tls_tx *tx = tls_tx(atx);
	return tx ? tx->hs_state : 0;
}

const char *nj_tls_version_name(int v)
{
	switch (v) {
	case 0x0002: return "SSLv2";
	case 0x0300: return "SSLv3";
	case 0x0301: return "TLSv1";
	case 0x0302: return "TLS 1.1";
	case 0x0303: return "TLS 1.2";
	case 0x0304: return "TLS 1.3";
	default: return "UNDETERMINED";
	}
}

static int set(struct nj_buf *out, const void *p, uint32_t n)
{
	if (n == 0)
		return 0;
	out->ptr = p;
	out->len = n;
	return 1;
}

static int get_buffer(const struct nj_app_tx *atx, int buf_id, uint32_t idx,
		      struct nj_buf *out)
{
	const struct nj_tls_tx *tx = tls_tx(atx);

	if (!tx || idx > 0)
		return 0;
	switch (buf_id) {
	case NJ_BUF_TLS_SNI:
		return set(out, tx->sni.p, tx->sni.len);
	case NJ_BUF_TLS_CERT_SUBJECT:
		return set(out, tx->cert.subject, tx->subject_len);
	case NJ_BUF_TLS_CERT_ISSUER:
		return set(out, tx->cert.issuer, tx->issuer_len);
	case NJ_BUF_TLS_CERT_SERIAL:
		return set(out, tx->cert.serial, tx->serial_len);
	case NJ_BUF_TLS_CERT_FINGERPRINT:
		return set(out, tx->cert.fingerprint, tx->fp_len);
	case NJ_BUF_TLS_VERSION: {
		const char *v = nj_tls_version_name(nj_tls_tx_version(atx));
		return nj_tls_tx_version(atx) ? set(out, v, (uint32_t)strlen(v)) : 0;
	}
	case NJ_BUF_JA3_HASH:
		return tx->ja3.len ? set(out, tx->ja3_hash, 32) : 0;
	case NJ_BUF_JA3_STRING:
		return set(out, tx->ja3.p, tx->ja3.len);
	case NJ_BUF_JA3S_HASH:
		return tx->ja3s.len ? set(out, tx->ja3s_hash, 32) : 0;
	case NJ_BUF_JA3S_STRING:
		return set(out, tx->ja3s.p, tx->ja3s.len);
	case NJ_BUF_JA4_HASH:
		return set(out, tx->ja4, (uint32_t)strlen(tx->ja4));
	default:
		return 0;
	}
}

void nj_tls_log_json(const struct nj_app_tx *atx, void *json_writer)
{
	const struct nj_tls_tx *tx = tls_tx(atx);
	struct nj_json *j = json_writer;

	if (!tx)
		return;
	nj_json_object_open(j, "tls");
	if (tx->has_cert) {
		if (tx->subject_len)
			nj_json_strn(j, "subject", (const uint8_t *)tx->cert.subject,
				     tx->subject_len);
		if (tx->issuer_len)
			nj_json_strn(j, "issuerdn", (const uint8_t *)tx->cert.issuer,
				     tx->issuer_len);
		if (tx->serial_len)
			nj_json_str(j, "serial", tx->cert.serial);
		if (tx->fp_len)
			nj_json_str(j, "fingerprint", tx->cert.fingerprint);
	}
	if (tx->sni.len)
		nj_json_strn(j, "sni", tx->sni.p, tx->sni.len);
	nj_json_str(j, "version", nj_tls_version_name(nj_tls_tx_version(atx)));
	if (tx->has_cert && tx->cert.notbefore[0])
		nj_json_str(j, "notbefore", tx->cert.notbefore);
	if (tx->has_cert && tx->cert.notafter[0])
		nj_json_str(j, "notafter", tx->cert.notafter);
	if (tx->ja3.len) {
		nj_json_object_open(j, "ja3");
		nj_json_str(j, "hash", tx->ja3_hash);
		nj_json_strn(j, "string", tx->ja3.p, tx->ja3.len);
		nj_json_object_close(j);
	}
	if (tx->ja3s.len) {
		nj_json_object_open(j, "ja3s");
		nj_json_str(j, "hash", tx->ja3s_hash);
		nj_json_strn(j, "string", tx->ja3s.p, tx->ja3s.len);
		nj_json_object_close(j);
	}
	if (tx->ja4[0])
		nj_json_str(j, "ja4", tx->ja4);
	if (tx->alpn.len) {
		nj_json_array_open(j, "client_alpns");
		for (uint32_t off = 0; off < tx->alpn.len;) {
			size_t l = strnlen((const char *)tx->alpn.p + off, tx->alpn.len - off);
			nj_json_strn(j, NULL, tx->alpn.p + off, l);
			off += (uint32_t)l + 1;
		}
		nj_json_array_close(j);
	}
	nj_json_object_close(j);
}

void nj_tls_tx_bind(struct nj_tls_tx *tx)
{
	tx->h.tx.get_buffer = get_buffer;
	tx->h.tx.log_json = nj_tls_log_json;
}

void nj_tls_tx_release(struct nj_tls_tx *tx)
{
	if (!tx)
		return;
	nj_abuf_free(&tx->sni);
	nj_abuf_free(&tx->alpn);
	nj_abuf_free(&tx->ja3);
	nj_abuf_free(&tx->ja3s);
	nj_varset_free(&tx->h.tx.matched);
}
