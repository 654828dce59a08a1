/* TLS record layer (RFC 5246 6.2.1) and handshake message reassembly
 * (RFC 5246 7.4): records may be split over segments, handshake messages
 * over records. SSLv2 records (RFC 6101 E.2) are framed too, for the
 * backward-compatible ClientHello (RFC 5246 E.2) older clients send first.
 *
 *   record:    type(1) version(2) length(2) fragment
 *   handshake: msg_type(1) length(3) body
 *   SSLv2:     1LLLLLLL LLLLLLLL, or 01LLLLLL LLLLLLLL padding(1);
 *              then msg_type(1), for CLIENT-HELLO version(2)
 *              cipher_specs_length(2) session_id_length(2) ...
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/packet.h"
#include "preprocessors/tls_int.h"

#define REC_MAX (16384 + 2048)          /* TLSCiphertext limit */
#define HS_MAX (256 * 1024)             /* longest handshake message kept */
#define V2_CLIENT_HELLO 1
#define V2_HELLO_MIN 7                  /* msg_type and three 16-bit fields */

enum { CT_CCS = 20, CT_ALERT = 21, CT_HANDSHAKE = 22, CT_APPDATA = 23, CT_HEARTBEAT = 24 };
enum { HS_CLIENT_HELLO = 1, HS_SERVER_HELLO = 2, HS_CERTIFICATE = 11,
       HS_SERVER_KEYX = 12, HS_CLIENT_KEYX = 16 };

const char *const nj_tls_event_names[NJ_TLS_EV__COUNT] = {
	"invalid_ssl_record",
	"invalid_record_version",
	"invalid_record_type",
	"invalid_record_length",
	"invalid_handshake_message",
	"handshake_invalid_length",
	"certificate_invalid_der",
	"certificate_invalid_length",
	"multiple_sni_extensions",
	"invalid_sni_type",
	"invalid_sni_length",
	"record_overflow",
};

struct tls_dir {
	uint8_t hdr[6];                 /* TLS header, or SSLv2 header + 3 */
	uint8_t hdr_len;
	uint32_t rec_remain;
	struct nj_abuf hs;              /* handshake bytes not yet a message */
	bool encrypted;                 /* after ChangeCipherSpec */
	bool dead;
};

struct nj_tls_state {
	struct tls_dir d[2];            /* 0 to server, 1 to client */
	struct nj_tls_tx *tx;
	struct nj_app_tx *upd[1];
	uint16_t nupd;
	bool shown_complete;            /* a dispatch saw it complete */
};

static void ev(struct nj_tls_tx *tx, int e)
{
	nj_app_tx_set_event(&tx->h.tx, NJ_APP_TLS, e);
}

struct nj_tls_state *nj_tls_new(void)
{
	struct nj_tls_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->tx = calloc(1, sizeof(*s->tx));
	if (!s->tx) {
		free(s);
		return NULL;
	}
	s->tx->h.tx.proto = NJ_APP_TLS;
	s->tx->h.tx.priv = &s->tx->h;
	nj_tls_tx_bind(s->tx);
	return s;
}

void nj_tls_free(struct nj_tls_state *s)
{
	if (!s)
		return;
	nj_tls_tx_release(s->tx);
	free(s->tx);
	nj_abuf_free(&s->d[0].hs);
	nj_abuf_free(&s->d[1].hs);
	free(s);
}

struct nj_app_tx *nj_tls_tx(struct nj_tls_state *s)
{
	return &s->tx->h.tx;
}

void nj_tls_begin(struct nj_tls_state *s)
{
	s->nupd = 0;
}

uint16_t nj_tls_updated(struct nj_tls_state *s, struct nj_app_tx ***txs)
{
	*txs = s->upd;
	return s->nupd;
}

/* Reports the tx to this dispatch, until one has seen it complete. */
static void touch(struct nj_tls_state *s)
{
	if (s->shown_complete)
		return;
	if (nj_app_tx_complete(&s->tx->h.tx))
		s->shown_complete = true;
	s->upd[0] = &s->tx->h.tx;
	s->nupd = 1;
}

static void side_done(struct nj_tls_state *s, bool ts)
{
	if (ts)
		s->tx->h.tx.progress_ts |= NJ_APP_PROGRESS_DONE;
	else
		s->tx->h.tx.progress_tc |= NJ_APP_PROGRESS_DONE;
}

static void on_message(struct nj_tls_state *s, bool ts, uint8_t type, const uint8_t *b,
		       uint32_t len)
{
	struct nj_tls_tx *tx = s->tx;

	switch (type) {
	case HS_CLIENT_HELLO:
		if (ts && !tx->has_ch)
			nj_tls_client_hello(tx, b, len);
		break;
	case HS_SERVER_HELLO:
		if (!ts && !tx->has_sh) {
			nj_tls_server_hello(tx, b, len);
			/* TLS 1.3: everything after ServerHello is encrypted */
			if (tx->sh_selected == 0x0304)
				s->d[1].encrypted = true;
		}
		break;
	case HS_CERTIFICATE:
		if (!ts && !tx->has_cert)
			nj_tls_certificate(tx, b, len);
		break;
	case HS_SERVER_KEYX:
		tx->hs_state |= NJ_TLS_ST_SERVER_KEYX;
		break;
	case HS_CLIENT_KEYX:
		tx->hs_state |= NJ_TLS_ST_CLIENT_KEYX;
		break;
	default:
		break;
	}
	s->tx->h.tx.progress_ts |= tx->has_ch ? 1 : 0;
	s->tx->h.tx.progress_tc |= tx->has_sh ? 1 : 0;
}

/* Splits the handshake buffer into messages; keeps a partial tail. */
static int drain_handshake(struct nj_tls_state *s, struct tls_dir *d, bool ts)
{
	uint32_t off = 0;

	while (nj_has(d->hs.len, off, 4)) {
		uint8_t type = d->hs.p[off];
		uint32_t mlen = ((uint32_t)d->hs.p[off + 1] << 16) |
				((uint32_t)d->hs.p[off + 2] << 8) | d->hs.p[off + 3];
		if (mlen > HS_MAX) {
			ev(s->tx, NJ_TLS_EV_HANDSHAKE_INVALID_LENGTH);
			d->dead = true;
			return -EINVAL;
		}
		if (!nj_has(d->hs.len, off + 4, mlen))
			break;
		on_message(s, ts, type, d->hs.p + off + 4, mlen);
		off += 4 + mlen;
	}
	if (off) {
		memmove(d->hs.p, d->hs.p + off, d->hs.len - off);
		d->hs.len -= off;
	}
	return 0;
}

/* An SSLv2 record's first bit(s) tell its header length (2 or 3 bytes);
 * the header buffer also holds the message type and, for a CLIENT-HELLO,
 * the version. TLS record types have neither bit set. */
static bool is_sslv2(uint8_t first)
{
	return (first & 0xc0) != 0;
}

static uint8_t header_len(uint8_t first)
{
	return is_sslv2(first) && !(first & 0x80) ? 6 : 5;
}

/* An SSLv2 record: a CLIENT-HELLO to the server gives the client's version
 * (as Suricata's parser takes it); the rest of any record is skipped. */
static int sslv2_header(struct nj_tls_state *s, struct tls_dir *d, bool ts)
{
	uint8_t hlen = (d->hdr[0] & 0x80) ? 2 : 3;
	uint16_t len = (uint16_t)((d->hdr[0] & (hlen == 2 ? 0x7f : 0x3f)) << 8 | d->hdr[1]);
	const uint8_t *msg = d->hdr + hlen;
	struct nj_tls_tx *tx = s->tx;

	if (len < 3 || (msg[0] == V2_CLIENT_HELLO && len < V2_HELLO_MIN)) {
		ev(tx, NJ_TLS_EV_INVALID_SSL_RECORD);
		d->dead = true;
		return -EINVAL;
	}
	d->rec_remain = len - 3u;
	if (msg[0] == V2_CLIENT_HELLO && ts && !tx->has_ch) {
		tx->has_ch = true;
		tx->hs_state |= NJ_TLS_ST_CLIENT_HELLO;
		tx->ch_version = nj_be16(msg + 1);
		tx->h.tx.progress_ts |= 1;
	}
	return 0;
}

static int record_header(struct nj_tls_state *s, struct tls_dir *d, bool ts)
{
	uint8_t type = d->hdr[0];
	uint16_t len = nj_be16(d->hdr + 3);

	if (is_sslv2(type))
		return sslv2_header(s, d, ts);
	if (type < CT_CCS || type > CT_HEARTBEAT) {
		ev(s->tx, NJ_TLS_EV_INVALID_RECORD_TYPE);
		d->dead = true;
		return -EINVAL;
	}
	if (d->hdr[1] != 3 || d->hdr[2] > 4) {
		ev(s->tx, NJ_TLS_EV_INVALID_RECORD_VERSION);
		d->dead = true;
		return -EINVAL;
	}
	if (len > REC_MAX) {
		ev(s->tx, NJ_TLS_EV_RECORD_OVERFLOW);
		d->dead = true;
		return -EINVAL;
	}
	if (len == 0 && type != CT_APPDATA)
		ev(s->tx, NJ_TLS_EV_INVALID_RECORD_LENGTH);
	d->rec_remain = len;
	if (type == CT_APPDATA) {
		/* application data: this side's handshake is over */
		d->encrypted = true;
		side_done(s, ts);
	}
	return 0;
}

static int record_data(struct nj_tls_state *s, struct tls_dir *d, bool ts,
		       const uint8_t *b, uint32_t n)
{
	uint8_t type = d->hdr[0];

	if (type != CT_HANDSHAKE || d->encrypted)
		return 0;
	if (nj_abuf_append(&d->hs, b, n, HS_MAX + 4) < 0) {
		ev(s->tx, NJ_TLS_EV_HANDSHAKE_INVALID_LENGTH);
		d->dead = true;
		return -EINVAL;
	}
	return drain_handshake(s, d, ts);
}

static void record_end(struct nj_tls_state *s, struct tls_dir *d, bool ts)
{
	if (d->hdr[0] == CT_CCS) {
		d->encrypted = true;
		side_done(s, ts);
	}
}

int nj_tls_feed(struct nj_tls_state *s, int dir, const uint8_t *data, uint32_t len)
{
	bool ts = dir == NJ_DIR_TO_SERVER;
	struct tls_dir *d = &s->d[ts ? 0 : 1];
	uint32_t off = 0;
	int rc = 0;

	if (dir != NJ_DIR_TO_SERVER && dir != NJ_DIR_TO_CLIENT)
		return -EINVAL;
	if (d->dead)
		return -EINVAL;
	while (off < len && rc == 0) {
		if (d->hdr_len == 0 || d->hdr_len < header_len(d->hdr[0])) {
			d->hdr[d->hdr_len++] = data[off++];
			if (d->hdr_len == header_len(d->hdr[0])) {
				rc = record_header(s, d, ts);
				if (rc == 0 && d->rec_remain == 0) {
					record_end(s, d, ts);
					d->hdr_len = 0;
				}
			}
			continue;
		}
		uint32_t take = d->rec_remain < len - off ? d->rec_remain : len - off;
		rc = record_data(s, d, ts, data + off, take);
		off += take;
		d->rec_remain -= take;
		if (d->rec_remain == 0) {
			record_end(s, d, ts);
			d->hdr_len = 0;
		}
	}
	if (len)
		touch(s);
	return rc;
}

void nj_tls_close(struct nj_tls_state *s)
{
	if (!nj_app_tx_complete(&s->tx->h.tx)) {
		side_done(s, true);
		side_done(s, false);
		touch(s);
	}
	s->d[0].dead = s->d[1].dead = true;
}

void nj_tls_gap(struct nj_tls_state *s, int dir)
{
	s->d[dir == NJ_DIR_TO_SERVER ? 0 : 1].dead = true;
}
