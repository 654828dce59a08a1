/* TLS handshake keywords on the flow's handshake (Suricata semantics):
 *   ssl_version:sslv3,!tls1.0,...  any listed version matches, or any
 *                                  negated one the flow does not have
 *   ssl_state:client_hello|server_hello,!client_keyx,...  any listed
 *                                  message seen, or a negated one not seen
 *   tls.version:1.2                the version is exactly this one
 *   tls.subject:"CN=x", tls.issuerdn:"O=y"   the server certificate's
 *                                  subject / issuer contains the text
 *   tls.fingerprint:"90:86:..."    its SHA-1 fingerprint is this one (any
 *                                  case); each of the three negated by '!'
 * The version is the ServerHello's (or the ClientHello's before it); the
 * keywords match on the packets that carry the handshake, the certificate
 * ones on server packets only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/flow.h"
#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"
#include "preprocessors/app.h"
#include "preprocessors/tls.h"

#define MAX_ITEMS 8

struct tls_list {
	uint8_t n;
	uint32_t value[MAX_ITEMS];
	bool negated[MAX_ITEMS];
};

static const struct {
	const char *name;
	uint32_t value;
} versions[] = {
	{ "sslv2", 0x0002 }, { "sslv3", 0x0300 }, { "tls1.0", 0x0301 },
	{ "tls1.1", 0x0302 }, { "tls1.2", 0x0303 }, { "tls1.3", 0x0304 },
}, states[] = {
	{ "client_hello", NJ_TLS_ST_CLIENT_HELLO }, { "server_hello", NJ_TLS_ST_SERVER_HELLO },
	{ "client_keyx", NJ_TLS_ST_CLIENT_KEYX },   { "server_keyx", NJ_TLS_ST_SERVER_KEYX },
	{ "unknown", NJ_TLS_ST_UNKNOWN },
};

/* Splits arg at ',' and '|' into names looked up in table. */
static int parse_list(struct nj_rule_ctx *rc, const char *arg, void **data, const void *table_v,
		      size_t ntable)
{
	const struct { const char *name; uint32_t value; } *table = table_v;
	struct tls_list *l = nj_kw_alloc(rc, sizeof(*l));
	const char *s = arg;

	if (!l)
		return -1;
	while (*s) {
		char item[32];
		size_t n;
		bool neg = false;
		while (isspace((unsigned char)*s) || *s == ',' || *s == '|')
			s++;
		if (*s == '!') {
			neg = true;
			s++;
		}
		n = strcspn(s, ",| \t");
		if (!n)
			break;
		if (n >= sizeof(item) || l->n == MAX_ITEMS)
			goto bad;
		memcpy(item, s, n);
		item[n] = '\0';
		s += n;
		size_t i;
		for (i = 0; i < ntable; i++)
			if (strcasecmp(item, table[i].name) == 0)
				break;
		if (i == ntable) {
			free(l);
			return nj_rule_error(rc, "unknown value '%s'", item);
		}
		l->value[l->n] = table[i].value;
		l->negated[l->n++] = neg;
	}
	if (l->n) {
		*data = l;
		return 0;
	}
bad:
	free(l);
	return nj_rule_error(rc, "invalid value '%s'", arg);
}

static int parse_ssl_version(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_list(rc, arg, data, versions, sizeof(versions) / sizeof(versions[0]));
}

static int parse_ssl_state(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_list(rc, arg, data, states, sizeof(states) / sizeof(states[0]));
}

/* The flow's handshake, when this packet moved it on (so a rule fires as
 * the handshake messages pass, not on every later packet of the flow). */
static const struct nj_app_tx *flow_tls(const struct nj_match *m)
{
	const struct nj_app_tx *tx = m->p ? nj_app_flow_tls(m->p->flow) : NULL;

	for (uint16_t i = 0; tx && i < m->p->napp_txs; i++)
		if (m->p->app_txs[i] == tx)
			return tx;
	return NULL;
}

/* As Suricata inspects the handshake once per direction, a rule matches
 * a flow's handshake at most once each way: the first packet of each
 * direction that carries handshake messages and satisfies the keyword.
 * Recorded in the transaction's matched set under keys of their own. */
static int once_per_direction(const struct nj_match *m, const struct nj_app_tx *tx)
{
	uint32_t key = NJ_TX_KEY_TLS_ONCE | (m->rule->num << 1) | (m->p->dir == NJ_DIR_TO_CLIENT);
	struct nj_varset *done = &((struct nj_app_tx *)tx)->matched;

	if (nj_varset_has(done, key))
		return 0;
	nj_varset_add(done, key);
	return 1;
}

static int match_ssl_version(struct nj_match *m, const void *data)
{
	const struct tls_list *l = data;
	const struct nj_app_tx *tx = flow_tls(m);
	uint32_t v = tx ? (uint32_t)nj_tls_tx_version(tx) : 0;

	if (!v)
		return 0;
	for (uint8_t i = 0; i < l->n; i++)
		if ((v == l->value[i]) != l->negated[i])
			return once_per_direction(m, tx);
	return 0;
}

static int match_ssl_state(struct nj_match *m, const void *data)
{
	const struct tls_list *l = data;
	const struct nj_app_tx *tx = flow_tls(m);
	unsigned st = tx ? nj_tls_tx_state(tx) : 0;

	if (!tx)
		return 0;
	for (uint8_t i = 0; i < l->n; i++)
		if (((st & l->value[i]) != 0) != l->negated[i])
			return once_per_direction(m, tx);
	return 0;
}

static void dump_list(const struct tls_list *l, const void *table_v, size_t ntable, char *buf,
		      size_t len)
{
	const struct { const char *name; uint32_t value; } *table = table_v;
	size_t off = 0;

	buf[0] = '\0';
	for (uint8_t i = 0; i < l->n && off < len; i++)
		for (size_t k = 0; k < ntable; k++)
			if (table[k].value == l->value[i])
				off += (size_t)snprintf(buf + off, len - off, "%s%s%s", i ? "," : "",
							l->negated[i] ? "!" : "", table[k].name);
}

static void dump_ssl_version(const void *data, char *buf, size_t len)
{
	dump_list(data, versions, sizeof(versions) / sizeof(versions[0]), buf, len);
}

static void dump_ssl_state(const void *data, char *buf, size_t len)
{
	dump_list(data, states, sizeof(states) / sizeof(states[0]), buf, len);
}

const struct nj_keyword kw_ssl_version = {
	.name = "ssl_version",
	.parse = parse_ssl_version,
	.match = match_ssl_version,
	.free = free,
	.dump = dump_ssl_version,
};

const struct nj_keyword kw_ssl_state = {
	.name = "ssl_state",
	.parse = parse_ssl_state,
	.match = match_ssl_state,
	.free = free,
	.dump = dump_ssl_state,
};

/* tls.version:1.2 (also 1.0, 1.1, 1.3 and a 0x-number). */
static int parse_tls_version(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char v[16];
	int64_t n;
	uint32_t *d;

	if (nj_kw_unquote(arg, v, sizeof(v)) < 0)
		return nj_rule_error(rc, "invalid value");
	if (!strcmp(v, "1.0"))
		n = 0x0301;
	else if (!strcmp(v, "1.1"))
		n = 0x0302;
	else if (!strcmp(v, "1.2"))
		n = 0x0303;
	else if (!strcmp(v, "1.3"))
		n = 0x0304;
	else if (nj_kw_parse_int(v, &n) < 0 || n <= 0 || n > 0xffff)
		return nj_rule_error(rc, "invalid version '%s'", v);
	if (!(d = nj_kw_alloc(rc, sizeof(*d))))
		return -1;
	*d = (uint32_t)n;
	*data = d;
	return 0;
}

static int match_tls_version(struct nj_match *m, const void *data)
{
	const struct nj_app_tx *tx = flow_tls(m);

	return tx && (uint32_t)nj_tls_tx_version(tx) == *(const uint32_t *)data &&
	       once_per_direction(m, tx);
}

static void dump_tls_version(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "0x%04x", *(const uint32_t *)data);
}

const struct nj_keyword kw_tls_version = {
	.name = "tls.version",
	.parse = parse_tls_version,
	.match = match_tls_version,
	.free = free,
	.dump = dump_tls_version,
};

/* tls.subject, tls.issuerdn, tls.fingerprint: legacy forms of the
 * certificate buffers with a fixed comparison. */
struct tls_cert_str {
	int buf;                /* NJ_BUF_TLS_CERT_* */
	bool negated;
	char text[256];
};

static int parse_cert_str(struct nj_rule_ctx *rc, const char *arg, int buf, void **data)
{
	struct tls_cert_str *c;

	while (isspace((unsigned char)*arg))
		arg++;
	if (!(c = nj_kw_alloc(rc, sizeof(*c))))
		return -1;
	c->buf = buf;
	if (*arg == '!') {
		c->negated = true;
		arg++;
	}
	if (nj_kw_unquote(arg, c->text, sizeof(c->text)) <= 0) {
		free(c);
		return nj_rule_error(rc, "invalid value '%s'", arg);
	}
	*data = c;
	return 0;
}

static int parse_tls_subject(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_cert_str(rc, arg, NJ_BUF_TLS_CERT_SUBJECT, data);
}

static int parse_tls_issuerdn(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_cert_str(rc, arg, NJ_BUF_TLS_CERT_ISSUER, data);
}

static int parse_tls_fingerprint(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	return parse_cert_str(rc, arg, NJ_BUF_TLS_CERT_FINGERPRINT, data);
}

static bool cert_str_has(const struct tls_cert_str *c, const struct nj_buf *b)
{
	size_t n = strlen(c->text);

	if (c->buf == NJ_BUF_TLS_CERT_FINGERPRINT)
		return b->len == n && strncasecmp((const char *)b->ptr, c->text, n) == 0;
	return memmem(b->ptr, b->len, c->text, n) != NULL;
}

/* Suricata inspects the certificate once, in the server's direction, and
 * only when the server sent one. */
static int match_cert_str(struct nj_match *m, const void *data)
{
	const struct tls_cert_str *c = data;
	const struct nj_app_tx *tx = flow_tls(m);
	struct nj_buf b;

	if (!tx || m->p->dir != NJ_DIR_TO_CLIENT || !tx->get_buffer ||
	    tx->get_buffer(tx, c->buf, 0, &b) != 1)
		return 0;
	return cert_str_has(c, &b) != c->negated && once_per_direction(m, tx);
}

static void dump_cert_str(const void *data, char *buf, size_t len)
{
	const struct tls_cert_str *c = data;

	snprintf(buf, len, "%s\"%s\"", c->negated ? "!" : "", c->text);
}

const struct nj_keyword kw_tls_subject = {
	.name = "tls.subject",
	.parse = parse_tls_subject,
	.match = match_cert_str,
	.free = free,
	.dump = dump_cert_str,
};

const struct nj_keyword kw_tls_issuerdn = {
	.name = "tls.issuerdn",
	.parse = parse_tls_issuerdn,
	.match = match_cert_str,
	.free = free,
	.dump = dump_cert_str,
};

const struct nj_keyword kw_tls_fingerprint = {
	.name = "tls.fingerprint",
	.parse = parse_tls_fingerprint,
	.match = match_cert_str,
	.free = free,
	.dump = dump_cert_str,
};
