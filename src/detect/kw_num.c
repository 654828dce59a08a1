/* Shared parse/dump of numeric comparison keywords. */
#include "detect/kw_num.h"

int nj_kw_num_parse(struct nj_rule_ctx *rc, const char *arg, void **data)
{
	struct nj_cmp *c = nj_kw_alloc(rc, sizeof(*c));

	if (!c)
		return -1;
	if (nj_cmp_parse(arg, c) < 0) {
		free(c);
		return nj_rule_error(rc, "invalid value '%s'", arg);
	}
	*data = c;
	return 0;
}

void nj_kw_num_dump(const void *data, char *buf, size_t len)
{
	nj_cmp_dump(data, buf, len);
}
