/* The server's Certificate message (RFC 5246 7.4.2): the chain, and the
 * first (leaf) certificate summarised with OpenSSL (RFC 5280 fields). */
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/bytes.h"
#include "preprocessors/tls_int.h"

/* "C=US, O=Example, CN=example.com": the RDNs in certificate order. */
static uint32_t name_str(X509_NAME *n, char *out, size_t cap)
{
	BIO *bio = BIO_new(BIO_s_mem());
	unsigned long flags = XN_FLAG_SEP_CPLUS_SPC | XN_FLAG_FN_SN |
			      ASN1_STRFLGS_UTF8_CONVERT;
	char *p = NULL;
	long len;
	size_t k = 0;

	out[0] = 0;
	if (!bio)
		return 0;
	if (X509_NAME_print_ex(bio, n, 0, flags) >= 0) {
		len = BIO_get_mem_data(bio, &p);
		if (len > 0 && p) {
			k = (size_t)len < cap - 1 ? (size_t)len : cap - 1;
			memcpy(out, p, k);
			out[k] = 0;
		}
	}
	BIO_free(bio);
	return (uint32_t)k;
}

static void hex_colon(const unsigned char *b, size_t n, bool upper, char *out, size_t cap)
{
	size_t o = 0;

	out[0] = 0;
	for (size_t i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, upper ? "%s%02X" : "%s%02x",
				      i ? ":" : "", b[i]);
}

static void time_str(const ASN1_TIME *t, char *out, size_t cap)
{
	struct tm tm;

	out[0] = 0;
	if (!t || ASN1_TIME_to_tm(t, &tm) != 1)
		return;
	strftime(out, cap, "%Y-%m-%dT%H:%M:%S", &tm);
}

int nj_tls_cert_parse(const uint8_t *der, uint32_t len, struct nj_tls_cert *out)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, len);
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	memset(out, 0, sizeof(*out));
	if (!x)
		return -EINVAL;
	out->subject_len = name_str(X509_get_subject_name(x), out->subject, sizeof(out->subject));
	out->issuer_len = name_str(X509_get_issuer_name(x), out->issuer, sizeof(out->issuer));
	const ASN1_INTEGER *serial = X509_get0_serialNumber(x);
	if (serial)
		hex_colon(serial->data, (size_t)serial->length, true, out->serial,
			  sizeof(out->serial));
	if (EVP_Digest(der, len, md, &mdlen, EVP_sha1(), NULL))
		hex_colon(md, mdlen, false, out->fingerprint, sizeof(out->fingerprint));
	time_str(X509_get0_notBefore(x), out->notbefore, sizeof(out->notbefore));
	time_str(X509_get0_notAfter(x), out->notafter, sizeof(out->notafter));
	X509_free(x);
	return 0;
}

/* Whether der[0..len) decodes as a certificate (the chain's others). */
static bool der_ok(const uint8_t *der, uint32_t len)
{
	const unsigned char *p = der;
	X509 *x = d2i_X509(NULL, &p, len);

	X509_free(x);
	return x != NULL;
}

void nj_tls_certificate(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len)
{
	uint32_t total, off = 3;

	if (len < 3) {
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS, NJ_TLS_EV_CERTIFICATE_INVALID_LENGTH);
		return;
	}
	total = ((uint32_t)b[0] << 16) | ((uint32_t)b[1] << 8) | b[2];
	if (!nj_has(len, 3, total)) {
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS, NJ_TLS_EV_CERTIFICATE_INVALID_LENGTH);
		return;
	}
	tx->has_cert = true;
	while (nj_has(3 + total, off, 3)) {
		uint32_t clen = ((uint32_t)b[off] << 16) | ((uint32_t)b[off + 1] << 8) | b[off + 2];
		if (!nj_has(3 + total, off + 3, clen)) {
			nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS,
					    NJ_TLS_EV_CERTIFICATE_INVALID_LENGTH);
			break;
		}
		if (!(tx->chain_len == 0 ? nj_tls_cert_parse(b + off + 3, clen, &tx->cert) == 0 :
		      der_ok(b + off + 3, clen)))
			nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS,
					    NJ_TLS_EV_CERTIFICATE_INVALID_DER);
		tx->chain_len++;
		off += 3 + clen;
	}
	tx->subject_len = tx->cert.subject_len;
	tx->issuer_len = tx->cert.issuer_len;
	tx->serial_len = (uint32_t)strlen(tx->cert.serial);
	tx->fp_len = (uint32_t)strlen(tx->cert.fingerprint);
}
