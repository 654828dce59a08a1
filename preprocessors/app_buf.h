/* Growable byte buffers for app-layer parsers: bounded appends that count,
 * never abort, and report truncation to the caller. */
#ifndef NJ_PREPROC_APP_BUF_H
#define NJ_PREPROC_APP_BUF_H

#include <stdbool.h>
#include <stdint.h>

/* A heap buffer owned by whoever embeds it; freed with nj_abuf_free(). */
struct nj_abuf {
	uint8_t *p;
	uint32_t len, cap;
};

/* Appends up to `limit - b->len` bytes of data[0..n). Returns 0 when all of
 * it fit, -E2BIG when it was cut at limit, -ENOMEM on allocation failure
 * (nothing appended). */
int nj_abuf_append(struct nj_abuf *b, const void *data, uint32_t n, uint32_t limit);
int nj_abuf_putc(struct nj_abuf *b, uint8_t c, uint32_t limit);
void nj_abuf_reset(struct nj_abuf *b);
void nj_abuf_free(struct nj_abuf *b);

#endif
