/* What byte_test, byte_jump, byte_extract and byte_math share: operands
 * that are numbers or byte_extract variables, and reading a number out of
 * the buffer at an offset (binary big/little endian or ASCII digits). */
#ifndef NJ_DETECT_KW_BYTES_H
#define NJ_DETECT_KW_BYTES_H

#include <stdbool.h>
#include <stdint.h>

#include "detect/rule.h"

/* A number, or the value of the rule's byte_extract variable var (>= 0). */
struct nj_bval {
	int64_t v;
	int8_t var;
};

/* Where and how a number is read from the buffer. */
struct nj_bread {
	struct nj_bval nbytes, offset;
	bool relative, little, string, dce;
	uint8_t base;                   /* 8, 10, 16 for string */
	uint64_t bitmask;               /* 0: none */
};

#define NJ_BYTES_MAX_VARS 8

/* Parses a number or the name of a variable defined earlier in the rule. */
int nj_bval_parse(struct nj_rule_ctx *rc, const char *s, struct nj_bval *out);
int64_t nj_bval_get(const struct nj_match *m, const struct nj_bval *b);
/* Writes the value or the variable's number ("var0") for rule dumps. */
void nj_bval_dump(const struct nj_bval *b, char *buf, size_t len);

/* Defines the byte_extract / byte_math result variable name; returns its
 * id or -1 with the rule error set. */
int nj_bytes_define_var(struct nj_rule_ctx *rc, const char *name);

/* Applies one shared flag (relative big little string hex dec oct dce
 * bitmask N); 1 when tok was such a flag, 0 when not, -1 on error. */
int nj_bread_flag(struct nj_rule_ctx *rc, struct nj_bread *br, const char *tok);
/* Checks the byte count against the representation; 0 or -1. */
int nj_bread_check(struct nj_rule_ctx *rc, const struct nj_bread *br);

/* Reads the number: *val gets it (bitmask applied when apply_mask),
 * *end the buffer position after the bytes read. 1, or 0 when the bytes
 * are not in the buffer or are not a number. */
int nj_bread_do(const struct nj_match *m, const struct nj_bread *br, bool apply_mask, uint64_t *val,
		uint32_t *end);
uint64_t nj_bytes_mask(uint64_t v, uint64_t mask);

void nj_bread_dump(const struct nj_bread *br, char *buf, size_t len);

/* Splits s at commas into at most max trimmed tokens stored in storage;
 * returns the count or -1 when there are more. */
int nj_bytes_split(char *s, char **tok, int max);

#endif
