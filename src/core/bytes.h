/* Bounds-checked reads of borrowed wire bytes.
 *
 * Every read of packet or syscall bytes goes through these helpers: each
 * takes the buffer length and the offset and fails instead of reading past
 * the end. Multi-byte readers are big-endian (network order) unless named _le.
 */
#ifndef NJ_CORE_BYTES_H
#define NJ_CORE_BYTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* FNV-1a over n bytes: the hash of the fixed-size keys of nightjar's
 * tables (defrag trackers, thresholds, xbits, sockets). Keys are zeroed
 * before they are filled, so padding hashes the same every time. */
static inline uint32_t nj_hash_bytes(const void *key, size_t n)
{
	const uint8_t *p = key;
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h;
}

static inline bool nj_has(uint32_t len, uint32_t off, uint32_t need)
{
	return off <= len && need <= len - off;
}

static inline bool nj_get_u8(const uint8_t *b, uint32_t len, uint32_t off, uint8_t *v)
{
	if (!nj_has(len, off, 1))
		return false;
	*v = b[off];
	return true;
}

static inline bool nj_get_be16(const uint8_t *b, uint32_t len, uint32_t off, uint16_t *v)
{
	if (!nj_has(len, off, 2))
		return false;
	*v = (uint16_t)((b[off] << 8) | b[off + 1]);
	return true;
}

static inline bool nj_get_be32(const uint8_t *b, uint32_t len, uint32_t off, uint32_t *v)
{
	if (!nj_has(len, off, 4))
		return false;
	*v = ((uint32_t)b[off] << 24) | ((uint32_t)b[off + 1] << 16) |
	     ((uint32_t)b[off + 2] << 8) | b[off + 3];
	return true;
}

static inline bool nj_get_le16(const uint8_t *b, uint32_t len, uint32_t off, uint16_t *v)
{
	if (!nj_has(len, off, 2))
		return false;
	*v = (uint16_t)(b[off] | (b[off + 1] << 8));
	return true;
}

static inline bool nj_get_le32(const uint8_t *b, uint32_t len, uint32_t off, uint32_t *v)
{
	if (!nj_has(len, off, 4))
		return false;
	*v = b[off] | ((uint32_t)b[off + 1] << 8) | ((uint32_t)b[off + 2] << 16) |
	     ((uint32_t)b[off + 3] << 24);
	return true;
}

/* Unchecked big-endian loads for callers that have already proven the
 * length with nj_has(). */
static inline uint16_t nj_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline uint32_t nj_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

#endif
