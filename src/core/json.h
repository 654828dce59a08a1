/* A JSON writer for one record at a time (EVE lines, trace lines, control
 * replies).
 *
 * The writer owns a growable buffer; nj_json_reset() starts the next record
 * and keeps the memory. Every string goes through one escaper that turns any
 * byte sequence (attacker-controlled URIs, paths, command lines) into valid
 * JSON: quotes, backslashes and control bytes escaped, invalid UTF-8 written
 * as \u00XX per byte, so no input can end a string, add a field or a line.
 * An allocation failure sets `oom`; the caller drops the record. Nesting
 * deeper than NJ_JSON_MAX_DEPTH or closing more than was opened sets it too.
 *
 * Keys are NULL inside arrays.
 */
#ifndef NJ_CORE_JSON_H
#define NJ_CORE_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NJ_JSON_MAX_DEPTH 32

struct nj_json {
	char *buf;
	size_t len, cap;
	int depth;
	bool first[NJ_JSON_MAX_DEPTH];
	bool oom;
};

void nj_json_init(struct nj_json *j);
void nj_json_free(struct nj_json *j);
void nj_json_reset(struct nj_json *j);

void nj_json_object_open(struct nj_json *j, const char *key);
void nj_json_object_close(struct nj_json *j);
void nj_json_array_open(struct nj_json *j, const char *key);
void nj_json_array_close(struct nj_json *j);

void nj_json_str(struct nj_json *j, const char *key, const char *s);
/* Arbitrary bytes, escaped as described above. */
void nj_json_strn(struct nj_json *j, const char *key, const uint8_t *s, size_t n);
void nj_json_int(struct nj_json *j, const char *key, int64_t v);
void nj_json_uint(struct nj_json *j, const char *key, uint64_t v);
void nj_json_double(struct nj_json *j, const char *key, double v);
void nj_json_bool(struct nj_json *j, const char *key, bool v);
void nj_json_null(struct nj_json *j, const char *key);
/* Base64 of n bytes as a string value. */
void nj_json_base64(struct nj_json *j, const char *key, const uint8_t *s, size_t n);

/* Appends n bytes verbatim (a record's final '\n', pre-built JSON); the
 * caller vouches that they keep the record valid. */
void nj_json_raw(struct nj_json *j, const char *s, size_t n);

/* Appends the escaped form of s[0..n) (without quotes) to j's buffer. */
void nj_json_escape(struct nj_json *j, const uint8_t *s, size_t n);

#endif
