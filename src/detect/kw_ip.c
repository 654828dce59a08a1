/* IP header keywords: ttl tos id fragoffset ip_proto ipopts fragbits
 * sameip. */
#include <ctype.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_num.h"

NJ_NUM_KEYWORD(ttl, "ttl", p->ip_ver ? p->ttl : -1);
NJ_NUM_KEYWORD(tos, "tos", p->ip_ver ? p->tos : -1);
NJ_NUM_KEYWORD(id, "id", p->ip_ver == 4 ? p->ip_id : -1);
NJ_NUM_KEYWORD(fragoffset, "fragoffset", p->ip_ver ? p->frag_off / 8 : -1);

/* ip_proto: a number or a protocol name, with the comparison operators. */
static int parse_ip_proto(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	const char *s = arg;
	char op[3] = "";
	char name[64];

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '!' || *s == '<' || *s == '>') {
		op[0] = *s++;
	}
	if (isalpha((unsigned char)*s)) {
		struct protoent *pe;
		snprintf(name, sizeof(name), "%s", s);
		for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		pe = getprotobyname(name);
		if (!pe && !strcasecmp(name, "ipv6-icmp"))
			snprintf(name, sizeof(name), "%s58", op);
		else if (!pe)
			return nj_rule_error(rc, "unknown protocol '%s'", name);
		else
			snprintf(name, sizeof(name), "%s%d", op, pe->p_proto);
		return nj_kw_num_parse(rc, name, data);
	}
	return nj_kw_num_parse(rc, arg, data);
}

static int match_ip_proto(struct nj_match *m, const void *data)
{
	return m->p && m->p->ip_ver && nj_cmp_eval(data, m->p->proto);
}

const struct nj_keyword kw_ip_proto = {
	.name = "ip_proto",
	.parse = parse_ip_proto,
	.match = match_ip_proto,
	.free = free,
	.dump = nj_kw_num_dump,
};

static const struct {
	const char *name;
	uint16_t bit;
} ipopt_names[] = {
	{ "rr", NJ_IPOPT_RR },     { "eol", NJ_IPOPT_EOL },   { "nop", NJ_IPOPT_NOP },
	{ "ts", NJ_IPOPT_TS },     { "sec", NJ_IPOPT_SEC },   { "esec", NJ_IPOPT_ESEC },
	{ "lsrr", NJ_IPOPT_LSRR }, { "ssrr", NJ_IPOPT_SSRR }, { "satid", NJ_IPOPT_SATID },
	{ "any", NJ_IPOPT_ANY },
};

static int parse_ipopts(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	uint16_t *bit = nj_kw_alloc(rc, sizeof(*bit));
	char name[32];

	if (!bit)
		return -1;
	snprintf(name, sizeof(name), "%s", arg);
	for (char *e = name + strlen(name); e > name && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	for (size_t i = 0; i < sizeof(ipopt_names) / sizeof(ipopt_names[0]); i++) {
		if (strcasecmp(name, ipopt_names[i].name) == 0) {
			*bit = ipopt_names[i].bit;
			*data = bit;
			return 0;
		}
	}
	free(bit);
	return nj_rule_error(rc, "unknown option '%s'", name);
}

static int match_ipopts(struct nj_match *m, const void *data)
{
	const uint16_t *bit = data;

	if (!m->p || m->p->ip_ver != 4)
		return 0;
	if (*bit == NJ_IPOPT_ANY)
		return (m->p->ip_opts & ~NJ_IPOPT_ANY) != 0;
	return (m->p->ip_opts & *bit) != 0;
}

static void dump_ipopts(const void *data, char *buf, size_t len)
{
	const uint16_t *bit = data;

	for (size_t i = 0; i < sizeof(ipopt_names) / sizeof(ipopt_names[0]); i++)
		if (ipopt_names[i].bit == *bit)
			snprintf(buf, len, "%s", ipopt_names[i].name);
}

const struct nj_keyword kw_ipopts = {
	.name = "ipopts",
	.parse = parse_ipopts,
	.match = match_ipopts,
	.free = free,
	.dump = dump_ipopts,
};

/* fragbits:[!+*]MDR — plain: exactly these of M, D, R set; '+': at least
 * these; '*': any of these; '!': not exactly these. */
struct fragbits {
	uint8_t bits;
	char mod;
};

enum { FB_M = 1, FB_D = 2, FB_R = 4 };

static int parse_fragbits(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct fragbits *f = nj_kw_alloc(rc, sizeof(*f));

	if (!f)
		return -1;
	for (const char *s = arg; *s; s++) {
		switch (toupper((unsigned char)*s)) {
		case 'M': f->bits |= FB_M; break;
		case 'D': f->bits |= FB_D; break;
		case 'R': f->bits |= FB_R; break;
		case '!': case '+': case '*':
			if (f->mod) {
				free(f);
				return nj_rule_error(rc, "more than one modifier");
			}
			f->mod = *s;
			break;
		case ' ': break;
		default:
			free(f);
			return nj_rule_error(rc, "invalid flag '%c'", *s);
		}
	}
	*data = f;
	return 0;
}

static int match_fragbits(struct nj_match *m, const void *data)
{
	const struct fragbits *f = data;
	const struct nj_packet *p = m->p;
	uint8_t have;

	if (!p || !p->ip_ver)
		return 0;
	have = (uint8_t)((p->frag_mf ? FB_M : 0) | (p->frag_df ? FB_D : 0) | (p->frag_rb ? FB_R : 0));
	switch (f->mod) {
	case '+': return (have & f->bits) == f->bits;
	case '*': return (have & f->bits) != 0;
	case '!': return have != f->bits;
	}
	return have == f->bits;
}

const struct nj_keyword kw_fragbits = {
	.name = "fragbits",
	.parse = parse_fragbits,
	.match = match_fragbits,
	.free = free,
};

static int match_sameip(struct nj_match *m, const void *data)
{
	return m->p && m->p->ip_ver && nj_addr_eq(&m->p->src, &m->p->dst);
}

const struct nj_keyword kw_sameip = {
	.name = "sameip",
	.flags = NJ_KW_NOARG,
	.match = match_sameip,
};
