/* SOCKS 4/4a and 5 handshakes (RFC 1928, RFC 1929; SOCKS 4 and 4a after
 * the NEC protocol descriptions), client and proxy parsed apart:
 *
 *  client: 05 NMETHODS METHODS...          4: 04 01 PORT IP USERID 00
 *          [01 ULEN USER PLEN PASS]            [HOST 00 when IP is 0.0.0.x]
 *          05 CMD 00 ATYP ADDR PORT
 *  proxy:  05 METHOD                       4: 00 5A PORT IP
 *          [01 STATUS]
 *          05 REP 00 ATYP ADDR PORT
 */
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "preprocessors/app_buf.h"
#include "preprocessors/socks.h"

#define SOCKS_MSG_MAX 600       /* longest message: RFC 1929 with 255+255 */
#define SOCKS_CMD_CONNECT 1
#define SOCKS4_GRANTED 0x5a
#define SOCKS5_NO_METHOD 0xff

enum side_state { AWAIT_FIRST, AWAIT_NEXT, DONE };

struct nj_socks {
	uint8_t version;        /* 4 or 5, from the client's first message */
	uint8_t state[2];       /* enum side_state: [0] client, [1] proxy */
	uint8_t status;         /* enum nj_socks_status */
	struct nj_abuf part[2]; /* a message not yet whole */
};

/* Length of a NUL-terminated string at d[off..len) with its NUL, 0 when
 * incomplete. */
static uint32_t cstr_len(const uint8_t *d, uint32_t len, uint32_t off)
{
	const uint8_t *nul = off < len ? memchr(d + off, 0, len - off) : NULL;

	return nul ? (uint32_t)(nul - (d + off)) + 1 : 0;
}

/* SOCKS 4 CONNECT request: 8 bytes, user id, and for 4a (address
 * 0.0.0.x, x != 0) a host name. */
static int64_t socks4_request(const uint8_t *d, uint32_t len)
{
	uint32_t user, host = 0;

	if (len < 2)
		return 0;
	if (d[1] != SOCKS_CMD_CONNECT)
		return -1;
	if (len < 9 || !(user = cstr_len(d, len, 8)))
		return 0;
	if (d[4] == 0 && d[5] == 0 && d[6] == 0 && d[7] != 0 &&
	    !(host = cstr_len(d, len, 8 + user)))
		return 0;
	return 8 + user + host;
}

/* SOCKS 5 address (ATYP at d[3]) and port: the request or reply length. */
static int64_t socks5_addressed(const uint8_t *d, uint32_t len)
{
	if (len < 5)
		return 0;
	switch (d[3]) {
	case 1:
		return 10;
	case 3:
		return 7 + d[4];
	case 4:
		return 22;
	default:
		return -1;
	}
}

/* Length of the client's next message at d[0..len), 0 when incomplete,
 * -1 when it is not SOCKS. */
static int64_t client_msg(struct nj_socks *s, const uint8_t *d, uint32_t len)
{
	if (len < 2)
		return 0;
	if (s->state[0] == AWAIT_FIRST) {
		if (d[0] == 4)
			return socks4_request(d, len);
		return d[0] == 5 && d[1] ? 2 + d[1] : -1;
	}
	if (d[0] == 1)  /* RFC 1929 username/password */
		return len < 3u + d[1] ? 0 : 3 + d[1] + d[2 + d[1]];
	if (d[0] != 5 || d[1] != SOCKS_CMD_CONNECT)
		return -1;
	return socks5_addressed(d, len);
}

static int64_t proxy_msg(struct nj_socks *s, const uint8_t *d, uint32_t len)
{
	if (s->version == 4)
		return len < 8 ? 0 : 8;
	if (len < 2)
		return 0;
	if (s->state[1] == AWAIT_FIRST || d[0] == 1)
		return 2;
	return d[0] == 5 ? socks5_addressed(d, len) : -1;
}

/* Applies one whole message of side k; returns the next status. */
static int apply(struct nj_socks *s, int k, const uint8_t *m)
{
	bool first = s->state[k] == AWAIT_FIRST;

	if (k == 0) {
		if (first)
			s->version = m[0];
		s->state[0] = s->version == 4 || (!first && m[0] == 5) ? DONE : AWAIT_NEXT;
		return NJ_SOCKS_MORE;
	}
	if (s->version == 4)
		return m[0] == 0 && m[1] == SOCKS4_GRANTED ? NJ_SOCKS_OPEN : NJ_SOCKS_FAILED;
	s->state[1] = AWAIT_NEXT;
	if (first)
		return m[0] == 5 && m[1] != SOCKS5_NO_METHOD ? NJ_SOCKS_MORE : NJ_SOCKS_FAILED;
	if (m[0] == 1)
		return m[1] == 0 ? NJ_SOCKS_MORE : NJ_SOCKS_FAILED;
	return m[1] == 0 ? NJ_SOCKS_OPEN : NJ_SOCKS_FAILED;
}

bool nj_socks_greeting(const uint8_t *data, uint32_t len)
{
	struct nj_socks s = { 0 };
	int64_t m;

	if (len < 2 || (data[0] != 4 && data[0] != 5))
		return false;
	m = client_msg(&s, data, len);
	return m > 0 && m == len;
}

struct nj_socks *nj_socks_new(void)
{
	return calloc(1, sizeof(struct nj_socks));
}

void nj_socks_free(struct nj_socks *s)
{
	if (!s)
		return;
	nj_abuf_free(&s->part[0]);
	nj_abuf_free(&s->part[1]);
	free(s);
}

/* Whole messages of side k from buf[0..len); returns bytes consumed. */
static uint32_t parse(struct nj_socks *s, int k, const uint8_t *buf, uint32_t len)
{
	uint32_t off = 0;

	while (s->status == NJ_SOCKS_MORE && s->state[k] != DONE && off < len) {
		int64_t m = k == 0 ? client_msg(s, buf + off, len - off) :
				     proxy_msg(s, buf + off, len - off);
		if (m < 0 || m > SOCKS_MSG_MAX) {
			s->status = NJ_SOCKS_FAILED;
			break;
		}
		if (m == 0 || m > len - off)
			break;
		s->status = (uint8_t)apply(s, k, buf + off);
		off += (uint32_t)m;
	}
	return off;
}

int nj_socks_feed(struct nj_socks *s, int dir, const uint8_t *data, uint32_t n,
		  uint32_t *used)
{
	int k = dir == NJ_DIR_TO_SERVER ? 0 : 1;
	struct nj_abuf *part = &s->part[k];
	uint32_t before = part->len, c;
	const uint8_t *buf = data;
	uint32_t total = n;

	*used = 0;
	if (s->status != NJ_SOCKS_MORE || s->state[k] == DONE)
		return s->status;
	if (before) {
		/* a message split over segments: parse it from the copy */
		if (nj_abuf_append(part, data, n, SOCKS_MSG_MAX) != 0) {
			s->status = NJ_SOCKS_FAILED;
			return s->status;
		}
		buf = part->p;
		total = part->len;
	}
	c = parse(s, k, buf, total);
	if (s->status == NJ_SOCKS_MORE && s->state[k] != DONE) {
		/* what is left is the start of a message: keep it */
		if (before) {
			memmove(part->p, part->p + c, part->len - c);
			part->len -= c;
		} else if (c < n) {
			nj_abuf_append(part, data + c, n - c, SOCKS_MSG_MAX);
		}
		*used = n;
		return s->status;
	}
	nj_abuf_reset(part);
	*used = c > before ? c - before : 0;
	return s->status;
}
