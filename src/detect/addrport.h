/* Address and port sets of rule headers.
 *
 * "[10.0.0.0/8,!10.1.0.0/16]", "$HOME_NET", "any", "[80,443,8000:8100]",
 * "!$HTTP_PORTS": lists nest, variables expand recursively from the
 * vars.address-groups / vars.port-groups config, `!` negates an element or
 * a whole list. A set matches an address when it matches some positive
 * element (or there are none) and no negated element.
 */
#ifndef NJ_DETECT_ADDRPORT_H
#define NJ_DETECT_ADDRPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/addr.h"

struct nj_config;

struct nj_cidr {
	struct nj_addr net;             /* masked */
	uint8_t bits;                   /* prefix length within the family */
};

struct nj_addrset {
	bool any;
	struct nj_cidr *pos, *neg;
	uint32_t npos, nneg;
};

struct nj_port_range {
	uint16_t lo, hi;
};

struct nj_portset {
	bool any;
	struct nj_port_range *pos, *neg;
	uint32_t npos, nneg;
};

/* Resolves `$NAME` for the parser; returns a borrowed string or NULL. */
struct nj_vars;
struct nj_vars *nj_vars_new(const struct nj_config *cfg);
void nj_vars_free(struct nj_vars *v);
const char *nj_vars_addr(const struct nj_vars *v, const char *name);
const char *nj_vars_port(const struct nj_vars *v, const char *name);
/* Adds or replaces a variable (for tests and --set). */
int nj_vars_set(struct nj_vars *v, bool port, const char *name, const char *value);

/* Parse; NULL with a reason in err. The result is owned by the caller. */
struct nj_addrset *nj_addrset_parse(const struct nj_vars *v, const char *s, char *err, size_t errlen);
struct nj_portset *nj_portset_parse(const struct nj_vars *v, const char *s, char *err, size_t errlen);
void nj_addrset_free(struct nj_addrset *a);
void nj_portset_free(struct nj_portset *p);

bool nj_addrset_match(const struct nj_addrset *a, const struct nj_addr *addr);
bool nj_portset_match(const struct nj_portset *p, uint16_t port);

/* Canonical text for dumps. */
void nj_addrset_dump(const struct nj_addrset *a, char *buf, size_t len);
void nj_portset_dump(const struct nj_portset *p, char *buf, size_t len);

#endif
