/* stream_size: bytes a TCP session has carried, per side, compared with a
 * number (Snort/Suricata: stream_size:server|client|both|either,op,N). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/packet.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"
#include "preprocessors/stream.h"

enum side { SIDE_SERVER, SIDE_CLIENT, SIDE_BOTH, SIDE_EITHER };

struct stream_size {
	uint8_t side;
	struct nj_cmp cmp;
};

static const char *const sides[] = { "server", "client", "both", "either" };

static int parse_stream_size(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct stream_size *d = nj_kw_alloc(rc, sizeof(*d));
	char side[16], op[8], num[32], expr[48];
	size_t i;

	if (!d)
		return -1;
	if (sscanf(arg, " %15[^, ] , %7[^, ] , %31s", side, op, num) != 3)
		goto bad;
	for (i = 0; i < 4; i++)
		if (strcmp(side, sides[i]) == 0)
			break;
	if (i == 4 || (strcmp(op, "<") && strcmp(op, ">") && strcmp(op, "=") && strcmp(op, "!=") &&
		       strcmp(op, "<=") && strcmp(op, ">=")))
		goto bad;
	d->side = (uint8_t)i;
	snprintf(expr, sizeof(expr), "%s%s", strcmp(op, "=") ? op : "", num);
	if (nj_cmp_parse(expr, &d->cmp) < 0)
		goto bad;
	*data = d;
	return 0;
bad:
	free(d);
	return nj_rule_error(rc, "expected server|client|both|either,<op>,<number>");
}

static int match_stream_size(struct nj_match *m, const void *data)
{
	const struct stream_size *d = data;
	uint64_t server, client;

	if (!m->p || !m->p->flow || m->p->proto != 6 ||
	    !nj_stream_size(m->p->flow, NJ_DIR_TO_CLIENT, &server) ||
	    !nj_stream_size(m->p->flow, NJ_DIR_TO_SERVER, &client))
		return 0;
	switch (d->side) {
	case SIDE_SERVER: return nj_cmp_eval(&d->cmp, (int64_t)server);
	case SIDE_CLIENT: return nj_cmp_eval(&d->cmp, (int64_t)client);
	case SIDE_BOTH:
		return nj_cmp_eval(&d->cmp, (int64_t)server) && nj_cmp_eval(&d->cmp, (int64_t)client);
	default:
		return nj_cmp_eval(&d->cmp, (int64_t)server) || nj_cmp_eval(&d->cmp, (int64_t)client);
	}
}

static void dump_stream_size(const void *data, char *buf, size_t len)
{
	const struct stream_size *d = data;
	char cmp[48];

	nj_cmp_dump(&d->cmp, cmp, sizeof(cmp));
	snprintf(buf, len, "%s,%s", sides[d->side], cmp);
}

const struct nj_keyword kw_stream_size = {
	.name = "stream_size",
	.parse = parse_stream_size,
	.match = match_stream_size,
	.free = free,
	.dump = dump_stream_size,
};
