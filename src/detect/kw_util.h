/* Helpers shared by keyword parsers: quoting, numbers, comparisons. */
#ifndef NJ_DETECT_KW_UTIL_H
#define NJ_DETECT_KW_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Strips one pair of surrounding double quotes and unescapes \" \\ \; \:
 * into out. Returns the length, or -1 when out is too small. */
int nj_kw_unquote(const char *in, char *out, size_t outlen);

/* Parses a decimal or 0x-hex integer; the whole string must be used
 * (surrounding blanks allowed). 0 or -1. */
int nj_kw_parse_int(const char *s, int64_t *out);

enum nj_cmp_op {
	NJ_CMP_EQ, NJ_CMP_NE, NJ_CMP_LT, NJ_CMP_GT, NJ_CMP_LE, NJ_CMP_GE,
	NJ_CMP_RANGE,           /* a < v < b (Suricata's a<>b and a-b) */
	NJ_CMP_RANGE_INCL,      /* a <= v <= b (Snort 3's a<=>b) */
};

struct nj_cmp {
	uint8_t op;
	int64_t a, b;
};

/* "5", "!5", "<5", ">5", "<=5", ">=5", "5<>10", "5-10", "5<=>10". */
int nj_cmp_parse(const char *s, struct nj_cmp *c);
bool nj_cmp_eval(const struct nj_cmp *c, int64_t v);
void nj_cmp_dump(const struct nj_cmp *c, char *buf, size_t len);

/* Returns a keyword's data allocated with calloc(1, size), or NULL after
 * setting the rule error. */
struct nj_rule_ctx;
void *nj_kw_alloc(struct nj_rule_ctx *rc, size_t size);

#endif
