/* flow: connection state and direction (Suricata semantics).
 *
 * established / not_established / stateless, to_server (from_client) /
 * to_client (from_server), only_stream / no_stream (which bytes payload
 * options see), only_frag / no_frag (whether the packet was reassembled
 * from fragments). Direction and state come from the flow table; a packet
 * without a flow matches neither direction nor established.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/flow.h"
#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

enum {
	F_ESTABLISHED = 1 << 0,
	F_NOT_ESTABLISHED = 1 << 1,
	F_TO_SERVER = 1 << 2,
	F_TO_CLIENT = 1 << 3,
	F_ONLY_STREAM = 1 << 4,
	F_NO_STREAM = 1 << 5,
	F_ONLY_FRAG = 1 << 6,
	F_NO_FRAG = 1 << 7,
	F_STATELESS = 1 << 8,
};

static const struct {
	const char *name;
	unsigned bit;
} words[] = {
	{ "established", F_ESTABLISHED }, { "not_established", F_NOT_ESTABLISHED },
	{ "stateless", F_STATELESS },     { "to_server", F_TO_SERVER },
	{ "from_client", F_TO_SERVER },   { "to_client", F_TO_CLIENT },
	{ "from_server", F_TO_CLIENT },   { "only_stream", F_ONLY_STREAM },
	{ "no_stream", F_NO_STREAM },     { "only_frag", F_ONLY_FRAG },
	{ "no_frag", F_NO_FRAG },
};

/* Pairs that contradict each other. */
static const unsigned conflicts[][2] = {
	{ F_ESTABLISHED, F_NOT_ESTABLISHED }, { F_TO_SERVER, F_TO_CLIENT },
	{ F_ONLY_STREAM, F_NO_STREAM },       { F_ONLY_FRAG, F_NO_FRAG },
	{ F_ESTABLISHED, F_STATELESS },
};

static int parse_flow(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	unsigned *f = nj_kw_alloc(rc, sizeof(*f));
	const char *s = arg;

	if (!f)
		return -1;
	while (*s) {
		char w[32];
		size_t n;
		while (isspace((unsigned char)*s) || *s == ',')
			s++;
		n = strcspn(s, ", \t");
		if (!n)
			break;
		if (n >= sizeof(w))
			goto bad;
		memcpy(w, s, n);
		w[n] = '\0';
		s += n;
		size_t i;
		for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
			if (strcmp(w, words[i].name) == 0)
				break;
		if (i == sizeof(words) / sizeof(words[0])) {
			free(f);
			return nj_rule_error(rc, "unknown option '%s'", w);
		}
		if (*f & words[i].bit)
			goto bad;
		*f |= words[i].bit;
	}
	for (size_t i = 0; i < sizeof(conflicts) / sizeof(conflicts[0]); i++)
		if ((*f & conflicts[i][0]) && (*f & conflicts[i][1])) {
			free(f);
			return nj_rule_error(rc, "contradictory options");
		}
	if (*f & F_ONLY_STREAM)
		rc->rule->flags |= NJ_RULE_ONLY_STREAM;
	if (*f & F_NO_STREAM)
		rc->rule->flags |= NJ_RULE_NO_STREAM;
	*data = f;
	return 0;
bad:
	free(f);
	return nj_rule_error(rc, "invalid value '%s'", arg);
}

static int match_flow(struct nj_match *m, const void *data)
{
	unsigned f = *(const unsigned *)data;
	const struct nj_packet *p = m->p;

	if (!p)
		return 0;
	if ((f & F_ESTABLISHED) && !(p->flags & NJ_PKT_FLOW_ESTABLISHED))
		return 0;
	if ((f & F_NOT_ESTABLISHED) && (p->flags & NJ_PKT_FLOW_ESTABLISHED))
		return 0;
	if ((f & F_TO_SERVER) && p->dir != NJ_DIR_TO_SERVER)
		return 0;
	if ((f & F_TO_CLIENT) && p->dir != NJ_DIR_TO_CLIENT)
		return 0;
	if ((f & F_ONLY_STREAM) && !p->raw_stream)
		return 0;
	if ((f & F_NO_STREAM) && (p->flags & NJ_PKT_PSEUDO))
		return 0;
	if ((f & F_ONLY_FRAG) && !(p->flags & NJ_PKT_REASSEMBLED))
		return 0;
	if ((f & F_NO_FRAG) && (p->flags & NJ_PKT_REASSEMBLED))
		return 0;
	return 1;
}

static void dump_flow(const void *data, char *buf, size_t len)
{
	unsigned f = *(const unsigned *)data;
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		/* canonical names only: skip the from_* aliases */
		if (!(f & words[i].bit) || strncmp(words[i].name, "from_", 5) == 0)
			continue;
		off += (size_t)snprintf(buf + off, off < len ? len - off : 0, "%s%s", off ? "," : "",
					words[i].name);
		f &= ~words[i].bit;
	}
}

const struct nj_keyword kw_flow = {
	.name = "flow",
	.parse = parse_flow,
	.match = match_flow,
	.free = free,
	.dump = dump_flow,
};
