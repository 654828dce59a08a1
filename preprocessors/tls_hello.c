/* ClientHello / ServerHello parsing (RFC 8446 4.1.2, 4.1.3; RFC 5246
 * 7.4.1) and the JA3, JA3S and JA4 fingerprints built from them.
 *
 *   ClientHello: version(2) random(32) session_id<0..32>
 *                cipher_suites<2..2^16-2> compression<1..2^8-1>
 *                extensions<0..2^16-1>: type(2) length(2) data
 */
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "preprocessors/tls_int.h"

enum { EXT_SNI = 0, EXT_GROUPS = 10, EXT_EC_POINT_FORMATS = 11, EXT_SIGALGS = 13,
       EXT_ALPN = 16, EXT_SUPPORTED_VERSIONS = 43 };

bool nj_tls_is_grease(uint16_t v)
{
	return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff);
}

void nj_tls_md5_hex(const void *s, size_t n, char out[33])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	out[0] = 0;
	if (!EVP_Digest(s, n, md, &mdlen, EVP_md5(), NULL) || mdlen != 16)
		return;
	for (unsigned i = 0; i < 16; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
}

static void ev(struct nj_tls_tx *tx, int e)
{
	nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS, e);
}

static void list_add(struct u16_list *l, uint16_t v)
{
	if (l->n < TLS_MAX_LIST)
		l->v[l->n++] = v;
}

/* Appends "a-b-c" (decimal, GREASE skipped) to b. */
static void join_dec(struct nj_abuf *b, const uint16_t *v, uint16_t n)
{
	char num[8];
	bool first = true;

	for (uint16_t i = 0; i < n; i++) {
		if (nj_tls_is_grease(v[i]))
			continue;
		int k = snprintf(num, sizeof(num), "%s%u", first ? "" : "-", v[i]);
		nj_abuf_append(b, num, (uint32_t)k, 8192);
		first = false;
	}
}

static void ja3_finish(struct nj_abuf *b, char hash[33])
{
	nj_tls_md5_hex(b->p ? (const void *)b->p : "", b->len, hash);
}

static void build_ja3(struct nj_tls_tx *tx)
{
	char num[8];
	uint16_t pf[TLS_MAX_LIST];
	int k = snprintf(num, sizeof(num), "%u,", tx->ch_version);

	nj_abuf_append(&tx->ja3, num, (uint32_t)k, 8192);
	join_dec(&tx->ja3, tx->ciphers.v, tx->ciphers.n);
	nj_abuf_putc(&tx->ja3, ',', 8192);
	join_dec(&tx->ja3, tx->exts.v, tx->exts.n);
	nj_abuf_putc(&tx->ja3, ',', 8192);
	join_dec(&tx->ja3, tx->groups.v, tx->groups.n);
	nj_abuf_putc(&tx->ja3, ',', 8192);
	for (uint16_t i = 0; i < tx->necpf; i++)
		pf[i] = tx->ecpf[i];
	join_dec(&tx->ja3, pf, tx->necpf);
	ja3_finish(&tx->ja3, tx->ja3_hash);
}

static int cmp_u16(const void *a, const void *b)
{
	uint16_t x = *(const uint16_t *)a, y = *(const uint16_t *)b;
	return (x > y) - (x < y);
}

/* First 12 hex digits of SHA-256 over "aaaa,bbbb,..." (+ "_" + tail when
 * with_tail), as Suricata computes it: an empty list hashes too. */
static void ja4_part(char out[13], const uint16_t *v, uint16_t n, bool with_tail,
		     const uint16_t *tail, uint16_t ntail)
{
	char *s = malloc((size_t)(n + ntail) * 5 + 2);
	size_t len = 0;
	unsigned char md[SHA256_DIGEST_LENGTH];

	if (!s) {
		memcpy(out, "000000000000", 13);
		return;
	}
	for (uint16_t i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, 6, "%s%04x", i ? "," : "", v[i]);
	if (with_tail) {
		s[len++] = '_';
		for (uint16_t i = 0; i < ntail; i++)
			len += (size_t)snprintf(s + len, 6, "%s%04x", i ? "," : "", tail[i]);
	}
	SHA256((const unsigned char *)s, len, md);
	for (int i = 0; i < 6; i++)
		snprintf(out + 2 * i, 3, "%02x", md[i]);
	free(s);
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	default: return "00";
	}
}

static char alnum_or(uint8_t c, char dflt)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return (char)c;
	return dflt;
}

void nj_tls_ja4(char out[40], char transport, uint16_t version, const uint16_t *cs,
		uint16_t ncs, const uint16_t *ex, uint16_t nex, const uint16_t *sa,
		uint16_t nsa, const uint8_t *alpn, uint32_t alpn_len)
{
	uint16_t ciphers[TLS_MAX_LIST], exts[TLS_MAX_LIST], sigs[TLS_MAX_LIST];
	uint16_t nc = 0, ne = 0, next_all = 0, ns = 0;
	char b[13], c[13], a0 = '0', a1 = '0';
	bool sni = false;

	for (uint16_t i = 0; i < ncs && nc < TLS_MAX_LIST; i++)
		if (!nj_tls_is_grease(cs[i]))
			ciphers[nc++] = cs[i];
	for (uint16_t i = 0; i < nex && ne < TLS_MAX_LIST; i++) {
		if (nj_tls_is_grease(ex[i]))
			continue;
		next_all++;
		if (ex[i] == EXT_SNI)
			sni = true;
		if (ex[i] != EXT_SNI && ex[i] != EXT_ALPN)
			exts[ne++] = ex[i];
	}
	for (uint16_t i = 0; i < nsa && ns < TLS_MAX_LIST; i++)
		if (!nj_tls_is_grease(sa[i]))
			sigs[ns++] = sa[i];
	if (alpn_len > 0) {
		static const char hx[] = "0123456789abcdef";
		a0 = alnum_or(alpn[0], 0);
		a1 = alnum_or(alpn[alpn_len - 1], 0);
		if (!a0 || !a1) {
			/* non-alphanumeric: first and last hex digit instead */
			a0 = hx[alpn[0] >> 4];
			a1 = hx[alpn[alpn_len - 1] & 0xf];
		}
	}
	qsort(ciphers, nc, sizeof(uint16_t), cmp_u16);
	qsort(exts, ne, sizeof(uint16_t), cmp_u16);
	ja4_part(b, ciphers, nc, false, NULL, 0);
	ja4_part(c, exts, ne, true, sigs, ns);
	snprintf(out, 40, "%c%s%c%02u%02u%c%c_%s_%s", transport, ja4_version(version),
		 sni ? 'd' : 'i', nc > 99 ? 99 : nc, next_all > 99 ? 99 : next_all,
		 a0, a1, b, c);
}

/* JA4 (FoxIO) of the ClientHello, over TCP. */
static void build_ja4(struct nj_tls_tx *tx)
{
	uint16_t ver = tx->ch_max_version ? tx->ch_max_version : tx->ch_version;
	uint32_t alen = tx->alpn.len ? (uint32_t)strnlen((const char *)tx->alpn.p,
							 tx->alpn.len) : 0;

	nj_tls_ja4(tx->ja4, 't', ver, tx->ciphers.v, tx->ciphers.n, tx->exts.v, tx->exts.n,
		   tx->sigalgs.v, tx->sigalgs.n, tx->alpn.p, alen);
}

static void ext_sni(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len)
{
	uint16_t list_len, name_len;

	if (tx->sni.len) {
		ev(tx, NJ_TLS_EV_MULTIPLE_SNI_EXTENSIONS);
		return;
	}
	if (!nj_get_be16(b, len, 0, &list_len) || !nj_has(len, 2, list_len) || list_len < 3) {
		ev(tx, NJ_TLS_EV_INVALID_SNI_LENGTH);
		return;
	}
	if (b[2] != 0) {
		ev(tx, NJ_TLS_EV_INVALID_SNI_TYPE);
		return;
	}
	if (!nj_get_be16(b, len, 3, &name_len) || !nj_has(len, 5, name_len)) {
		ev(tx, NJ_TLS_EV_INVALID_SNI_LENGTH);
		return;
	}
	nj_abuf_append(&tx->sni, b + 5, name_len, 1024);
}

static void ext_u16_list(struct u16_list *l, const uint8_t *b, uint32_t len, uint32_t hdr)
{
	uint32_t n;

	if (hdr == 2) {
		uint16_t v;
		if (!nj_get_be16(b, len, 0, &v))
			return;
		n = v;
	} else {
		uint8_t v;
		if (!nj_get_u8(b, len, 0, &v))
			return;
		n = v;
	}
	for (uint32_t off = hdr; off + 2 <= hdr + n && nj_has(len, off, 2); off += 2)
		list_add(l, nj_be16(b + off));
}

static void ext_alpn(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len)
{
	uint16_t l;

	if (!nj_get_be16(b, len, 0, &l))
		return;
	for (uint32_t off = 2; off < 2u + l && nj_has(len, off, 1);) {
		uint8_t pl = b[off];
		if (!nj_has(len, off + 1, pl))
			return;
		nj_abuf_append(&tx->alpn, b + off + 1, pl, 1024);
		nj_abuf_putc(&tx->alpn, 0, 1024);
		off += 1u + pl;
	}
}

/* Walks the extensions block; client selects ClientHello semantics. */
static void extensions(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len, uint32_t off,
		       bool client)
{
	uint16_t total;

	if (!nj_get_be16(b, len, off, &total))
		return;
	off += 2;
	if (!nj_has(len, off, total)) {
		ev(tx, NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		total = (uint16_t)(len - off);
	}
	uint32_t end = off + total;
	while (off + 4 <= end) {
		uint16_t type = nj_be16(b + off), elen = nj_be16(b + off + 2);
		const uint8_t *e = b + off + 4;
		if (!nj_has(end, off + 4, elen)) {
			ev(tx, NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE);
			return;
		}
		list_add(client ? &tx->exts : &tx->sh_exts, type);
		if (client) {
			if (type == EXT_SNI)
				ext_sni(tx, e, elen);
			else if (type == EXT_GROUPS)
				ext_u16_list(&tx->groups, e, elen, 2);
			else if (type == EXT_SIGALGS)
				ext_u16_list(&tx->sigalgs, e, elen, 2);
			else if (type == EXT_ALPN)
				ext_alpn(tx, e, elen);
			else if (type == EXT_EC_POINT_FORMATS && elen >= 1)
				for (uint32_t i = 0; i < e[0] && i + 1u < elen; i++)
					if (tx->necpf < TLS_MAX_LIST)
						tx->ecpf[tx->necpf++] = e[1 + i];
			if (type == EXT_SUPPORTED_VERSIONS) {
				struct u16_list v = { .n = 0 };
				ext_u16_list(&v, e, elen, 1);
				for (uint16_t i = 0; i < v.n; i++)
					if (!nj_tls_is_grease(v.v[i]) && v.v[i] > tx->ch_max_version)
						tx->ch_max_version = v.v[i];
			}
		} else if (type == EXT_SUPPORTED_VERSIONS && elen == 2) {
			tx->sh_selected = nj_be16(e);
		}
		off += 4u + elen;
	}
}

/* Skips version, random and session id; returns the offset after them. */
static bool hello_prefix(const uint8_t *b, uint32_t len, uint16_t *version, uint32_t *off)
{
	uint8_t sid;

	if (!nj_get_be16(b, len, 0, version) || !nj_get_u8(b, len, 34, &sid) ||
	    !nj_has(len, 35, sid))
		return false;
	*off = 35u + sid;
	return true;
}

void nj_tls_client_hello(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len)
{
	uint32_t off;
	uint16_t clen;
	uint8_t complen;

	tx->has_ch = true;
	tx->hs_state |= NJ_TLS_ST_CLIENT_HELLO;
	if (!hello_prefix(b, len, &tx->ch_version, &off) ||
	    !nj_get_be16(b, len, off, &clen) || !nj_has(len, off + 2, clen)) {
		ev(tx, NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		return;
	}
	for (uint32_t i = 0; i + 1 < clen; i += 2)
		list_add(&tx->ciphers, nj_be16(b + off + 2 + i));
	off += 2u + clen;
	if (!nj_get_u8(b, len, off, &complen) || !nj_has(len, off + 1, complen)) {
		ev(tx, NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		return;
	}
	off += 1u + complen;
	if (off < len)
		extensions(tx, b, len, off, true);
	build_ja3(tx);
	build_ja4(tx);
}

void nj_tls_server_hello(struct nj_tls_tx *tx, const uint8_t *b, uint32_t len)
{
	uint32_t off;
	char num[8];

	tx->has_sh = true;
	tx->hs_state |= NJ_TLS_ST_SERVER_HELLO;
	if (!hello_prefix(b, len, &tx->sh_version, &off) ||
	    !nj_get_be16(b, len, off, &tx->sh_cipher) || !nj_has(len, off + 2, 1)) {
		ev(tx, NJ_TLS_EV_INVALID_HANDSHAKE_MESSAGE);
		return;
	}
	off += 3;
	if (off < len)
		extensions(tx, b, len, off, false);
	int k = snprintf(num, sizeof(num), "%u,", tx->sh_version);
	nj_abuf_append(&tx->ja3s, num, (uint32_t)k, 8192);
	k = snprintf(num, sizeof(num), "%u,", tx->sh_cipher);
	nj_abuf_append(&tx->ja3s, num, (uint32_t)k, 8192);
	join_dec(&tx->ja3s, tx->sh_exts.v, tx->sh_exts.n);
	ja3_finish(&tx->ja3s, tx->ja3s_hash);
}
