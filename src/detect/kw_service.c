/* Snort 3 `service:name[,name...]` and `rem:`.
 *
 * As Snort 3 applies it: on a flow whose application protocol is known,
 * the rule applies only when it is one of the services; on a flow whose
 * protocol is not (yet) identified, the header's ports decide. Names
 * nightjar does not identify (sunrpc, netbios-ssn...) therefore match only
 * flows that stay unidentified. `ssl` is nightjar's `tls`. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/buffer.h"
#include "core/flow.h"
#include "detect/keywords.h"
#include "detect/kw_util.h"

struct service {
	uint32_t protos;                /* bit per enum nj_app_proto */
	char names[128];                /* as written, for the dump */
};

static int parse_service(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct service *sv;
	char buf[128];

	if (strlen(arg) >= sizeof(buf))
		return nj_rule_error(rc, "value too long");
	if (!(sv = nj_kw_alloc(rc, sizeof(*sv))))
		return -1;
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *s = buf; s;) {
		char *c = strchr(s, ',');
		if (c)
			*c = '\0';
		while (isspace((unsigned char)*s))
			s++;
		for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
			*--e = '\0';
		for (const char *p = s; *p; p++) {
			if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
				free(sv);
				return nj_rule_error(rc, "invalid service '%s'", s);
			}
		}
		if (!*s) {
			free(sv);
			return nj_rule_error(rc, "empty service name");
		}
		int app = nj_app_proto_lookup(strcmp(s, "ssl") == 0 ? "tls" : s);
		if (app > 0)
			sv->protos |= 1u << app;
		size_t off = strlen(sv->names);
		snprintf(sv->names + off, sizeof(sv->names) - off, "%s%s", off ? "," : "", s);
		s = c ? c + 1 : NULL;
	}
	*data = sv;
	return 0;
}

static int match_service(struct nj_match *m, const void *data)
{
	const struct service *sv = data;
	const struct nj_flow *f = m->flow;

	if (!f || f->app_proto == NJ_APP_UNKNOWN || f->app_proto == NJ_APP_FAILED)
		return 1;
	return ((sv->protos >> f->app_proto) & 1) ||
	       (f->app_proto == NJ_APP_HTTP2 && ((sv->protos >> NJ_APP_HTTP) & 1));
}

static void dump_service(const void *data, char *buf, size_t len)
{
	snprintf(buf, len, "%s", ((const struct service *)data)->names);
}

const struct nj_keyword kw_service = {
	.name = "service",
	.parse = parse_service,
	.match = match_service,
	.free = free,
	.dump = dump_service,
};

/* rem: a comment in the rule. */
const struct nj_keyword kw_rem = { .name = "rem", .flags = NJ_KW_META };
