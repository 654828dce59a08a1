/* A small set of integer ids: the storage behind flowbits and procbits.
 *
 * Rule sets name thousands of bits but a flow or process has few set at
 * once, so the set is a short sorted array. The owner (flow or process
 * entry) frees it with nj_varset_free(); the rule engine gives the ids.
 */
#ifndef NJ_CORE_VARSET_H
#define NJ_CORE_VARSET_H

#include <stdbool.h>
#include <stdint.h>

struct nj_varset {
	uint32_t *ids;
	uint16_t n, cap;
};

bool nj_varset_has(const struct nj_varset *s, uint32_t id);
/* Returns 0 or -ENOMEM (the set is left unchanged). */
int nj_varset_add(struct nj_varset *s, uint32_t id);
void nj_varset_del(struct nj_varset *s, uint32_t id);
void nj_varset_clear(struct nj_varset *s);
void nj_varset_free(struct nj_varset *s);
/* Copies src into dst (dst's previous content is freed). */
int nj_varset_copy(struct nj_varset *dst, const struct nj_varset *src);

#endif
