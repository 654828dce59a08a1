/* `app-layer-protocol:[!]name`: the flow's detected application protocol.
 *
 * As Suricata 7 reads it: "http" is HTTP of any version, so it matches
 * HTTP/2 flows too, while "http2" matches those alone; "failed" matches
 * flows whose protocol detection gave up. A negated name matches only once
 * the protocol is known. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buffer.h"
#include "core/flow.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

struct app_proto {
	uint8_t proto;                  /* enum nj_app_proto */
	bool negated;
};

static int parse_app_proto(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct app_proto *ap;
	char name[32];
	size_t n;
	bool neg;

	while (isspace((unsigned char)*arg))
		arg++;
	neg = *arg == '!';
	arg += neg;
	n = strcspn(arg, ", \t");
	if (n == 0 || n >= sizeof(name))
		return nj_rule_error(rc, "expected a protocol name");
	memcpy(name, arg, n);
	name[n] = '\0';
	int app = nj_app_proto_lookup(strcmp(name, "ssl") == 0 ? "tls" : name);
	if (app <= 0)
		return nj_rule_unsupported(rc, "app-layer-protocol of an unparsed protocol");
	if (!(ap = nj_kw_alloc(rc, sizeof(*ap))))
		return -1;
	ap->proto = (uint8_t)app;
	ap->negated = neg;
	*data = ap;
	return 0;
}

static int match_app_proto(struct nj_match *m, const void *data)
{
	const struct app_proto *ap = data;
	const struct nj_flow *f = m->flow;

	if (!f || f->app_proto == NJ_APP_UNKNOWN)
		return 0;
	return nj_app_proto_is(f->app_proto, ap->proto) != ap->negated;
}

static void dump_app_proto(const void *data, char *buf, size_t len)
{
	const struct app_proto *ap = data;

	snprintf(buf, len, "%s%s", ap->negated ? "!" : "", nj_app_proto_name(ap->proto));
}

const struct nj_keyword kw_app_layer_protocol = {
	.name = "app-layer-protocol",
	.parse = parse_app_proto,
	.match = match_app_proto,
	.free = free,
	.dump = dump_app_proto,
};
