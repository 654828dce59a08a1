/* decode-event: matches packets that carry a decoder event by name. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode/events.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

static int parse_decode_event(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char name[96];
	int ev;
	int *d;

	if (nj_kw_unquote(arg, name, sizeof(name)) < 0)
		return nj_rule_error(rc, "invalid value");
	ev = nj_decode_event_lookup(name);
	if (ev < 0)
		return nj_rule_unsupported(rc, "decode-event (unknown event)");
	if (!(d = nj_kw_alloc(rc, sizeof(*d))))
		return -1;
	*d = ev;
	*data = d;
	return 0;
}

static int match_decode_event(struct nj_match *m, const void *data)
{
	return m->p && nj_decode_event_has(m->p, *(const int *)data);
}

static void dump_decode_event(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%s", nj_decode_event_name(*(const int *)data));
}

const struct nj_keyword kw_decode_event = {
	.name = "decode-event",
	.parse = parse_decode_event,
	.match = match_decode_event,
	.free = free,
	.dump = dump_decode_event,
};
