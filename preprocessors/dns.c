/* DNS message parser (RFC 1035 4.1, name compression 4.1.4) and its
 * per-flow state for UDP datagrams and TCP streams (RFC 1035 4.2.2).
 *
 *   header: id(2) flags(2) qdcount(2) ancount(2) nscount(2) arcount(2)
 *   flags:  QR(1) OPCODE(4) AA TC RD RA Z AD CD RCODE(4)
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bytes.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/app_buf.h"
#include "preprocessors/dns.h"

#define MAX_JUMPS 32            /* compression pointers followed per name */
#define MAX_TCP_MSG 65535

const char *const nj_dns_event_names[NJ_DNS_EV__COUNT] = {
	"malformed_data",
	"not_a_request",
	"not_a_response",
	"z_flag_set",
	"infinite_loop",
	"name_too_long",
	"invalid_opcode",
	"invalid_additionals",
	"invalid_authorities",
};

static int arena_put(struct nj_dns_msg *m, const void *p, uint32_t n, uint32_t *off)
{
	if (m->arena_cap - m->arena_len < n) {
		uint32_t cap = m->arena_cap ? m->arena_cap : 256;
		while (cap - m->arena_len < n) {
			if (cap > (1u << 24))
				return -ENOMEM;
			cap *= 2;
		}
		uint8_t *a = realloc(m->arena, cap);
		if (!a)
			return -ENOMEM;
		m->arena = a;
		m->arena_cap = cap;
	}
	*off = m->arena_len;
	if (n)
		memcpy(m->arena + m->arena_len, p, n);
	m->arena_len += n;
	return 0;
}

/* Reads the (possibly compressed) name at *off; on return *off is just past
 * the name in the record (not past a pointer's target). The dotted name
 * goes into out[0..*outlen). Returns 0 or -EINVAL. */
static int read_name(struct nj_dns_msg *m, const uint8_t *b, uint32_t len, uint32_t *off,
		     uint8_t *out, uint32_t *outlen, bool *truncated)
{
	uint32_t pos = *off, n = 0, jumps = 0;
	bool jumped = false;

	*truncated = false;
	for (;;) {
		uint8_t l;
		if (!nj_get_u8(b, len, pos, &l))
			return -EINVAL;
		if ((l & 0xc0) == 0xc0) {
			uint8_t l2;
			if (!nj_get_u8(b, len, pos + 1, &l2))
				return -EINVAL;
			if (!jumped)
				*off = pos + 2;
			jumped = true;
			if (++jumps > MAX_JUMPS) {
				m->events |= 1ull << NJ_DNS_EV_INFINITE_LOOP;
				return -EINVAL;
			}
			pos = ((uint32_t)(l & 0x3f) << 8) | l2;
			continue;
		}
		if (l & 0xc0)
			return -EINVAL;         /* reserved label types */
		if (l == 0) {
			if (!jumped)
				*off = pos + 1;
			break;
		}
		if (!nj_has(len, pos + 1, l))
			return -EINVAL;
		if (n + (n ? 1u : 0u) + l > NJ_DNS_MAX_NAME) {
			if (!*truncated)
				m->events |= 1ull << NJ_DNS_EV_NAME_TOO_LONG;
			*truncated = true;
		} else {
			if (n)
				out[n++] = '.';
			memcpy(out + n, b + pos + 1, l);
			n += l;
		}
		pos += 1u + l;
	}
	if (n == 0) {
		memcpy(out, "<root>", 6);
		n = 6;
	}
	*outlen = n;
	return 0;
}

static int put_name(struct nj_dns_msg *m, const uint8_t *b, uint32_t len, uint32_t *off,
		    uint32_t *noff, uint32_t *nlen, bool *truncated)
{
	uint8_t name[NJ_DNS_MAX_NAME + 8];
	uint32_t n = 0;
	bool t = false;

	if (read_name(m, b, len, off, name, &n, &t) < 0)
		return -EINVAL;
	if (truncated)
		*truncated = t;
	*nlen = n;
	return arena_put(m, name, n, noff) < 0 ? -ENOMEM : 0;
}

static int put_str(struct nj_dns_msg *m, struct nj_dns_rr *rr, const char *s, size_t n)
{
	rr->has_rdata = true;
	rr->rdata_len = (uint32_t)n;
	return arena_put(m, s, (uint32_t)n, &rr->rdata_off);
}

/* Printable rdata for the types EVE shows. */
static int parse_rdata(struct nj_dns_msg *m, struct nj_dns_rr *rr, const uint8_t *b,
		       uint32_t len, uint32_t off, uint16_t rdlen)
{
	char txt[INET6_ADDRSTRLEN];
	uint32_t end = off + rdlen, p = off, dummy;

	switch (rr->type) {
	case 1:         /* A */
		if (rdlen != 4)
			return -EINVAL;
		inet_ntop(AF_INET, b + off, txt, sizeof(txt));
		return put_str(m, rr, txt, strlen(txt));
	case 28:        /* AAAA */
		if (rdlen != 16)
			return -EINVAL;
		inet_ntop(AF_INET6, b + off, txt, sizeof(txt));
		return put_str(m, rr, txt, strlen(txt));
	case 15:        /* MX: preference, exchange */
		p += 2;
		/* fall through */
	case 2:         /* NS */
	case 5:         /* CNAME */
	case 12:        /* PTR */
	case 39:        /* DNAME */
		if (p > end || put_name(m, b, end, &p, &rr->rdata_off, &rr->rdata_len, NULL) < 0)
			return -EINVAL;
		rr->has_rdata = true;
		return 0;
	case 16: {      /* TXT: character-strings, concatenated */
		uint32_t start = m->arena_len;
		while (p < end) {
			uint8_t l = b[p];
			if (!nj_has(end, p + 1, l))
				return -EINVAL;
			if (arena_put(m, b + p + 1, l, &dummy) < 0)
				return -ENOMEM;
			p += 1u + l;
		}
		rr->has_rdata = true;
		rr->rdata_off = start;
		rr->rdata_len = m->arena_len - start;
		return 0;
	}
	case 6:         /* SOA */
		if (put_name(m, b, end, &p, &rr->rdata_off, &rr->rdata_len, NULL) < 0 ||
		    put_name(m, b, end, &p, &rr->rname_off, &rr->rname_len, NULL) < 0 ||
		    !nj_has(end, p, 20))
			return -EINVAL;
		rr->has_rdata = true;
		rr->soa_serial = nj_be32(b + p);
		rr->soa_refresh = nj_be32(b + p + 4);
		rr->soa_retry = nj_be32(b + p + 8);
		rr->soa_expire = nj_be32(b + p + 12);
		rr->soa_minimum = nj_be32(b + p + 16);
		return 0;
	case 33:        /* SRV */
		if (!nj_has(end, p, 6))
			return -EINVAL;
		rr->srv_prio = nj_be16(b + p);
		rr->srv_weight = nj_be16(b + p + 2);
		rr->srv_port = nj_be16(b + p + 4);
		p += 6;
		if (put_name(m, b, end, &p, &rr->rdata_off, &rr->rdata_len, NULL) < 0)
			return -EINVAL;
		rr->has_rdata = true;
		return 0;
	default:
		(void)len;
		return 0;
	}
}

static int parse_section(struct nj_dns_msg *m, const uint8_t *b, uint32_t len, uint32_t *off,
			 uint16_t count, bool question, struct nj_dns_rr **out, uint16_t *nout)
{
	uint16_t keep = count < NJ_DNS_MAX_RRS ? count : NJ_DNS_MAX_RRS;

	if (keep == 0)
		return 0;
	*out = calloc(keep, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (uint16_t i = 0; i < count; i++) {
		struct nj_dns_rr tmp = { 0 }, *rr = i < keep ? &(*out)[i] : &tmp;
		uint16_t rdlen;
		int rc = put_name(m, b, len, off, &rr->name_off, &rr->name_len,
				  &rr->name_truncated);
		if (rc < 0)
			return rc;
		if (!nj_get_be16(b, len, *off, &rr->type) ||
		    !nj_get_be16(b, len, *off + 2, &rr->rclass))
			return -EINVAL;
		*off += 4;
		if (i < keep)
			(*nout)++;
		if (question)
			continue;
		if (!nj_get_be32(b, len, *off, &rr->ttl) ||
		    !nj_get_be16(b, len, *off + 4, &rdlen) || !nj_has(len, *off + 6, rdlen))
			return -EINVAL;
		*off += 6;
		if (i < keep) {
			rc = parse_rdata(m, rr, b, len, *off, rdlen);
			if (rc == -ENOMEM)
				return rc;
			if (rc < 0)
				m->events |= 1ull << NJ_DNS_EV_MALFORMED_DATA;
		}
		*off += rdlen;
	}
	return 0;
}

void nj_dns_msg_free(struct nj_dns_msg *m)
{
	if (!m)
		return;
	free(m->q);
	free(m->an);
	free(m->ns);
	free(m->arena);
	memset(m, 0, sizeof(*m));
}

int nj_dns_parse(const uint8_t *msg, uint32_t len, struct nj_dns_msg *out)
{
	uint16_t qd, an, ns, ar;
	uint32_t off = 12;
	int rc;

	memset(out, 0, sizeof(*out));
	if (len < 12)
		return -EINVAL;
	out->id = nj_be16(msg);
	out->flags = nj_be16(msg + 2);
	out->response = out->flags & 0x8000;
	out->opcode = (out->flags >> 11) & 0xf;
	out->rcode = out->flags & 0xf;
	qd = nj_be16(msg + 4);
	an = nj_be16(msg + 6);
	ns = nj_be16(msg + 8);
	ar = nj_be16(msg + 10);
	if (out->flags & 0x0040)
		out->events |= 1ull << NJ_DNS_EV_Z_FLAG_SET;
	if (out->opcode > 6 || out->opcode == 3)
		out->events |= 1ull << NJ_DNS_EV_INVALID_OPCODE;
	rc = parse_section(out, msg, len, &off, qd, true, &out->q, &out->nq);
	if (rc == 0)
		rc = parse_section(out, msg, len, &off, an, false, &out->an, &out->nan);
	if (rc == 0) {
		rc = parse_section(out, msg, len, &off, ns, false, &out->ns, &out->nns);
		if (rc == -EINVAL)
			out->events |= 1ull << NJ_DNS_EV_INVALID_AUTHORITIES;
	}
	if (rc == 0 && ar) {
		/* additionals are walked for validity only */
		struct nj_dns_rr *tmp = NULL;
		uint16_t ntmp = 0;
		rc = parse_section(out, msg, len, &off, ar, false, &tmp, &ntmp);
		free(tmp);
		if (rc == -EINVAL)
			out->events |= 1ull << NJ_DNS_EV_INVALID_ADDITIONALS;
	}
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		out->events |= 1ull << NJ_DNS_EV_MALFORMED_DATA;
	return 0;
}

/* ---- per-flow state and transactions ---- */

struct nj_dns_tx {
	struct nj_app_txhdr h;
	struct nj_dns_msg msg;
};

struct nj_dns_state {
	bool tcp;
	uint64_t next_id;
	struct nj_abuf pend[2];         /* TCP: partial messages per direction */
	bool dead[2];                   /* TCP: framing lost in a gap */
	struct nj_dns_tx **txs;
	struct nj_app_tx **upd;
	uint16_t ntx, cap;
};

const struct nj_dns_msg *nj_dns_tx_msg(const struct nj_app_tx *tx)
{
	if (!tx || tx->proto != NJ_APP_DNS)
		return NULL;
	return &((const struct nj_dns_tx *)nj_app_txhdr(tx))->msg;
}

static int slice(struct nj_buf *out, const struct nj_dns_msg *m, uint32_t off, uint32_t n)
{
	out->ptr = m->arena + off;
	out->len = n;
	return 1;
}

static int get_buffer(const struct nj_app_tx *tx, int buf_id, uint32_t idx, struct nj_buf *out)
{
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);

	/* dns.query inspects requests only (Suricata 8: a response is a
	 * transaction of its own, and its echoed question does not match) */
	if (buf_id == NJ_BUF_DNS_QUERY && !m->response && idx < m->nq)
		return slice(out, m, m->q[idx].name_off, m->q[idx].name_len);
	if (buf_id == NJ_BUF_DNS_ANSWER_NAME && idx < m->nan)
		return slice(out, m, m->an[idx].name_off, m->an[idx].name_len);
	return 0;
}

int nj_dns_tx_opcode(const struct nj_app_tx *tx)
{
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);
	return m ? m->opcode : -1;
}

int nj_dns_tx_rrtype(const struct nj_app_tx *tx, uint32_t idx)
{
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);
	return m && idx < m->nq ? m->q[idx].type : -1;
}

int nj_dns_tx_rcode(const struct nj_app_tx *tx)
{
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);
	return m && m->response ? m->rcode : -1;
}

struct nj_dns_state *nj_dns_new(bool tcp)
{
	struct nj_dns_state *s = calloc(1, sizeof(*s));
	if (s)
		s->tcp = tcp;
	return s;
}

static void tx_free(struct nj_dns_tx *tx)
{
	if (!tx)
		return;
	nj_dns_msg_free(&tx->msg);
	nj_varset_free(&tx->h.tx.matched);
	free(tx);
}

void nj_dns_begin(struct nj_dns_state *s)
{
	/* every message is complete when made: one dispatch shows it */
	for (uint16_t i = 0; i < s->ntx; i++)
		tx_free(s->txs[i]);
	s->ntx = 0;
}

void nj_dns_free(struct nj_dns_state *s)
{
	if (!s)
		return;
	nj_dns_begin(s);
	nj_abuf_free(&s->pend[0]);
	nj_abuf_free(&s->pend[1]);
	free(s->txs);
	free(s->upd);
	free(s);
}

uint16_t nj_dns_updated(struct nj_dns_state *s, struct nj_app_tx ***txs)
{
	for (uint16_t i = 0; i < s->ntx; i++)
		s->upd[i] = &s->txs[i]->h.tx;
	*txs = s->upd;
	return s->ntx;
}

static int add_message(struct nj_dns_state *s, int dir, const uint8_t *b, uint32_t len)
{
	struct nj_dns_tx *tx;
	int rc;

	if (s->ntx == s->cap) {
		uint16_t cap = s->cap ? (uint16_t)(s->cap * 2) : 4;
		if (cap <= s->cap || cap > 1024)
			return -ENOSPC;
		struct nj_dns_tx **nt = realloc(s->txs, cap * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		s->txs = nt;
		struct nj_app_tx **nu = realloc(s->upd, cap * sizeof(*nu));
		if (!nu)
			return -ENOMEM;
		s->upd = nu;
		s->cap = cap;
	}
	tx = calloc(1, sizeof(*tx));
	if (!tx)
		return -ENOMEM;
	rc = nj_dns_parse(b, len, &tx->msg);
	if (rc < 0) {
		tx_free(tx);
		return rc;
	}
	tx->h.tx.proto = NJ_APP_DNS;
	tx->h.tx.id = s->next_id++;
	tx->h.tx.priv = &tx->h;
	tx->h.tx.get_buffer = get_buffer;
	tx->h.tx.log_json = nj_dns_log_json;
	tx->h.tx.progress_ts = NJ_APP_PROGRESS_DONE;
	tx->h.tx.progress_tc = NJ_APP_PROGRESS_DONE;
	for (int e = 0; e < NJ_DNS_EV__COUNT; e++)
		if ((tx->msg.events >> e) & 1)
			nj_app_tx_set_event(&tx->h.tx, NJ_APP_DNS, e);
	if (dir == NJ_DIR_TO_SERVER && tx->msg.response)
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_DNS, NJ_DNS_EV_NOT_A_REQUEST);
	if (dir == NJ_DIR_TO_CLIENT && !tx->msg.response)
		nj_app_tx_set_event(&tx->h.tx, NJ_APP_DNS, NJ_DNS_EV_NOT_A_RESPONSE);
	s->txs[s->ntx++] = tx;
	return 0;
}

int nj_dns_feed(struct nj_dns_state *s, int dir, const uint8_t *data, uint32_t len)
{
	struct nj_abuf *pb;

	if (dir != NJ_DIR_TO_SERVER && dir != NJ_DIR_TO_CLIENT)
		return -EINVAL;
	if (!s->tcp)
		return add_message(s, dir, data, len);
	if (s->dead[dir == NJ_DIR_TO_SERVER ? 0 : 1])
		return -EINVAL;
	pb = &s->pend[dir == NJ_DIR_TO_SERVER ? 0 : 1];
	while (len > 0) {
		uint32_t need, take;
		if (pb->len < 2) {
			take = 2 - pb->len < len ? 2 - pb->len : len;
		} else {
			need = 2u + nj_be16(pb->p);
			take = need - pb->len < len ? need - pb->len : len;
		}
		if (nj_abuf_append(pb, data, take, MAX_TCP_MSG + 2) < 0)
			return -ENOMEM;
		data += take;
		len -= take;
		if (pb->len >= 2 && pb->len == 2u + nj_be16(pb->p)) {
			int rc = add_message(s, dir, pb->p + 2, pb->len - 2);
			pb->len = 0;
			if (rc == -ENOMEM)
				return rc;
		}
	}
	return 0;
}

void nj_dns_gap(struct nj_dns_state *s, int dir)
{
	int d = dir == NJ_DIR_TO_SERVER ? 0 : 1;

	if (!s->tcp)
		return;
	s->dead[d] = true;
	nj_abuf_reset(&s->pend[d]);
}
