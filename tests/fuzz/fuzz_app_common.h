/* Shared by the app-layer fuzz targets: splits the input into segments of
 * both directions and exercises every buffer and the EVE writer of the
 * transactions a parser reports. */
#ifndef NJ_FUZZ_APP_COMMON_H
#define NJ_FUZZ_APP_COMMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buffer.h"
#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/app.h"

/* Input layout: repeated [ctl][data...], ctl bit 7 = direction (to client),
 * bits 0..6 = segment length (0 means "the rest", 0x7f a stream gap before
 * the next segment of that direction, with no data). */
struct fuzz_seg {
	int dir;
	bool gap;
	const uint8_t *p;
	uint32_t n;
};

static inline int fuzz_next(const uint8_t **d, size_t *len, struct fuzz_seg *seg)
{
	if (*len == 0)
		return 0;
	uint8_t ctl = (*d)[0];
	size_t n = ctl & 0x7f;
	(*d)++;
	(*len)--;
	seg->dir = (ctl & 0x80) ? NJ_DIR_TO_CLIENT : NJ_DIR_TO_SERVER;
	seg->gap = n == 0x7f;
	if (seg->gap) {
		seg->p = *d;
		seg->n = 0;
		return 1;
	}
	if (n == 0 || n > *len)
		n = *len;
	seg->p = *d;
	seg->n = (uint32_t)n;
	*d += n;
	*len -= n;
	return 1;
}

/* Where buffer bytes are read to, so the reads are not optimised away. */
volatile uint8_t fuzz_sink;

/* Reads every buffer (and a few repeated indexes) and logs EVE. */
static inline void fuzz_touch(struct nj_app_tx **txs, uint16_t n)
{
	struct nj_json j;

	for (uint16_t i = 0; i < n; i++) {
		struct nj_app_tx *tx = txs[i];
		for (int id = 0; id < NJ_BUF__COUNT; id++) {
			for (uint32_t idx = 0; idx < 3; idx++) {
				struct nj_buf b;
				if (tx->get_buffer(tx, id, idx, &b) == 1 && b.len)
					fuzz_sink ^= b.ptr[0] ^ b.ptr[b.len - 1];
			}
		}
		nj_json_init(&j);
		nj_json_object_open(&j, NULL);
		if (tx->log_json)
			tx->log_json(tx, &j);
		nj_json_object_close(&j);
		nj_json_free(&j);
		(void)nj_app_tx_complete(tx);
	}
}

/* Feeds every segment of the input to the parser nj_<pr>_* (begin, then gap
 * or feed, then updated, as the app-layer stage does per packet) and reads
 * what each segment updated; `step` runs after each, with txs_ and n_ in
 * scope. */
#define FUZZ_SEGMENTS(pr, s, data, size, step)                                 \
	do {                                                                   \
		struct fuzz_seg seg_;                                          \
		struct nj_app_tx **txs_;                                       \
		uint16_t n_;                                                   \
		while (fuzz_next(&(data), &(size), &seg_)) {                   \
			nj_##pr##_begin(s);                                     \
			if (seg_.gap)                                          \
				nj_##pr##_gap((s), seg_.dir);                   \
			else                                                   \
				nj_##pr##_feed((s), seg_.dir, seg_.p, seg_.n);  \
			n_ = nj_##pr##_updated((s), &txs_);                     \
			fuzz_touch(txs_, n_);                                  \
			step;                                                  \
		}                                                              \
	} while (0)

/* The flow's end: the parser closes what is open; reads what completed. */
#define FUZZ_CLOSE(pr, s)                                                      \
	do {                                                                   \
		struct nj_app_tx **txs_;                                       \
		uint16_t n_;                                                   \
		nj_##pr##_begin(s);                                             \
		nj_##pr##_close(s);                                             \
		n_ = nj_##pr##_updated((s), &txs_);                             \
		fuzz_touch(txs_, n_);                                          \
	} while (0)

#endif
