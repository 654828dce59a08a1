/* TCP header keywords: flags (tcp.flags) seq ack window. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_num.h"

#define IS_TCP(p) ((p)->ip_ver && (p)->proto == 6 && (p)->l4 && !((p)->flags & NJ_PKT_IS_FRAGMENT))

NJ_NUM_KEYWORD(seq, "seq", IS_TCP(p) ? (int64_t)p->tcp.seq : -1);
NJ_NUM_KEYWORD(ack, "ack", IS_TCP(p) ? (int64_t)p->tcp.ack : -1);
NJ_NUM_KEYWORD(window, "window", IS_TCP(p) ? (int64_t)p->tcp.win : -1);

struct tcp_flags {
	uint8_t want, ignore;
	char mod;
};

static int flag_bit(char c, uint8_t *bit)
{
	switch (toupper((unsigned char)c)) {
	case 'F': *bit = NJ_TH_FIN; return 0;
	case 'S': *bit = NJ_TH_SYN; return 0;
	case 'R': *bit = NJ_TH_RST; return 0;
	case 'P': *bit = NJ_TH_PUSH; return 0;
	case 'A': *bit = NJ_TH_ACK; return 0;
	case 'U': *bit = NJ_TH_URG; return 0;
	case 'C': case '1': *bit = NJ_TH_CWR; return 0;
	case 'E': case '2': *bit = NJ_TH_ECE; return 0;
	case '0': *bit = 0; return 0;
	}
	return -1;
}

static int parse_flags(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct tcp_flags *f = nj_kw_alloc(rc, sizeof(*f));
	const char *s = arg;
	uint8_t bit;

	if (!f)
		return -1;
	for (; *s && *s != ','; s++) {
		if (isspace((unsigned char)*s))
			continue;
		if (*s == '!' || *s == '+' || *s == '*') {
			if (f->mod)
				goto bad;
			f->mod = *s;
		} else if (flag_bit(*s, &bit) == 0) {
			f->want |= bit;
		} else {
			goto bad;
		}
	}
	if (*s == ',') {
		for (s++; *s; s++) {
			if (isspace((unsigned char)*s))
				continue;
			if (flag_bit(*s, &bit) < 0)
				goto bad;
			f->ignore |= bit;
		}
	}
	*data = f;
	return 0;
bad:
	free(f);
	return nj_rule_error(rc, "invalid flags '%s'", arg);
}

static int match_flags(struct nj_match *m, const void *data)
{
	const struct tcp_flags *f = data;
	uint8_t have;

	if (!m->p || !IS_TCP(m->p))
		return 0;
	have = m->p->tcp.flags & (uint8_t)~f->ignore;
	switch (f->mod) {
	case '+': return (have & f->want) == f->want;
	case '*': return (have & f->want) != 0;
	case '!': return (have & f->want) != f->want;
	}
	return have == f->want;
}

static void dump_flags(const void *data, char *buf, size_t len)
{
	const struct tcp_flags *f = data;
	static const char names[] = "FSRPAUEC";
	size_t o = 0;

	if (f->mod && o + 1 < len)
		buf[o++] = f->mod;
	for (int i = 0; i < 8 && o + 1 < len; i++)
		if (f->want & (1 << i))
			buf[o++] = names[i];
	if (!f->want && o + 1 < len)
		buf[o++] = '0';
	buf[o] = '\0';
}

const struct nj_keyword kw_flags = {
	.name = "flags",
	.parse = parse_flags,
	.match = match_flags,
	.free = free,
	.dump = dump_flags,
};

const struct nj_keyword kw_tcp_flags = {
	.name = "tcp.flags",
	.parse = parse_flags,
	.match = match_flags,
	.free = free,
	.dump = dump_flags,
};
