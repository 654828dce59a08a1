/* noalert and tag: rule-level options that change what a match produces.
 *
 * noalert: the rule matches (its flowbits act) but never alerts.
 * tag: session[,count,metric] or host,count,metric,src|dst with metric
 * packets, seconds or bytes (Suricata/Snort). It is validated and kept
 * with the rule; nightjar logs no tagged packets. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detect/keywords.h"
#include "detect/kw_util.h"

static int parse_noalert(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	rc->rule->flags |= NJ_RULE_NOALERT;
	return 0;
}

const struct nj_keyword kw_noalert = {
	.name = "noalert",
	.flags = NJ_KW_META | NJ_KW_NOARG,
	.parse = parse_noalert,
};

struct tag {
	bool host;
	bool dst;
	uint32_t count;
	uint8_t metric;                 /* 0 packets, 1 seconds, 2 bytes */
};

static const char *const metrics[] = { "packets", "seconds", "bytes" };

static void trim(char **s)
{
	while (isspace((unsigned char)**s))
		(*s)++;
	for (char *e = *s + strlen(*s); e > *s && isspace((unsigned char)e[-1]);)
		*--e = '\0';
}

static int parse_tag(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	char buf[128], *tok[5];
	int n = 0;
	struct tag *t;

	if (strlen(arg) >= sizeof(buf))
		return nj_rule_error(rc, "invalid value");
	snprintf(buf, sizeof(buf), "%s", arg);
	for (char *s = buf; s && n < 5;) {
		char *c = strchr(s, ',');
		if (c)
			*c = '\0';
		tok[n++] = s;
		trim(&tok[n - 1]);
		s = c ? c + 1 : NULL;
	}
	if (!(t = nj_kw_alloc(rc, sizeof(*t))))
		return -1;
	t->count = 256;
	if (strcmp(tok[0], "host") == 0) {
		t->host = true;
	} else if (strcmp(tok[0], "session") != 0) {
		free(t);
		return nj_rule_error(rc, "type must be session or host");
	}
	if (n >= 2) {
		int64_t v;
		if (nj_kw_parse_int(tok[1], &v) < 0 || v < 0 || v > UINT32_MAX || n < 3)
			goto bad;
		t->count = (uint32_t)v;
		size_t i;
		for (i = 0; i < 3; i++)
			if (strcmp(tok[2], metrics[i]) == 0)
				break;
		if (i == 3)
			goto bad;
		t->metric = (uint8_t)i;
	}
	if (n >= 4) {
		if (!t->host || n > 4 || (strcmp(tok[3], "src") && strcmp(tok[3], "dst")))
			goto bad;
		t->dst = strcmp(tok[3], "dst") == 0;
	} else if (t->host && n > 1) {
		goto bad;
	}
	*data = t;
	return 0;
bad:
	free(t);
	return nj_rule_error(rc, "invalid value '%s'", arg);
}

const struct nj_keyword kw_tag = {
	.name = "tag",
	.flags = NJ_KW_META,
	.parse = parse_tag,
	.free = free,
};
