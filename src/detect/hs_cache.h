/* Compiled Hyperscan databases cached on disk.
 *
 * A database is stored under the SHA-256 of everything that determines it
 * (Hyperscan's version and target platform, every pattern's bytes, flags and
 * id), so a changed rule set or library simply misses; files are written to
 * a temporary name and renamed, and one that fails to load is recompiled and
 * replaced. A restart with unchanged rules then deserializes instead of
 * compiling.
 */
#ifndef NJ_DETECT_HS_CACHE_H
#define NJ_DETECT_HS_CACHE_H

#include <stddef.h>

#include <hs/hs.h>

struct nj_hs_cache_stats {
	unsigned hits, misses, stored;
};

/* Like hs_compile_lit_multi() in block mode; dir may be NULL (no cache).
 * Returns HS_SUCCESS with *db set, or an error with *cerr set (free with
 * hs_free_compile_error). */
hs_error_t nj_hs_cache_compile_lit(const char *dir, const char *const *exprs, const unsigned *flags,
				   const unsigned *ids, const size_t *lens, unsigned n,
				   hs_database_t **db, hs_compile_error_t **cerr,
				   struct nj_hs_cache_stats *st);

#endif
