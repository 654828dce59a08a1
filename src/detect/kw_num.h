/* Keywords that compare one number of the packet: the parse/dump pair they
 * share, and a macro defining such a keyword from a field getter. */
#ifndef NJ_DETECT_KW_NUM_H
#define NJ_DETECT_KW_NUM_H

#include <stdlib.h>

#include "detect/kw_util.h"
#include "detect/rule.h"

int nj_kw_num_parse(struct nj_rule_ctx *rc, const char *arg, void **data);
void nj_kw_num_dump(const void *data, char *buf, size_t len);

/* Defines `const struct nj_keyword kw_<id>` named name, matching when the
 * getter (an expression over `const struct nj_packet *p` that evaluates to
 * a number, or to -1 when the packet has no such field) compares true. */
#define NJ_NUM_KEYWORD(id, kwname, getter)                                             \
	static int match_##id(struct nj_match *m, const void *data)                    \
	{                                                                              \
		const struct nj_packet *p = m->p;                                      \
		int64_t v;                                                             \
		if (!p)                                                                \
			return 0;                                                      \
		v = (getter);                                                          \
		return v >= 0 && nj_cmp_eval(data, v);                                 \
	}                                                                              \
	const struct nj_keyword kw_##id = {                                            \
		.name = kwname,                                                        \
		.parse = nj_kw_num_parse,                                              \
		.match = match_##id,                                                   \
		.free = free,                                                          \
		.dump = nj_kw_num_dump,                                                \
	}

#endif
