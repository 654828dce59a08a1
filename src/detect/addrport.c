/* Address/port set parsing and matching for rule headers. */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/config.h"
#include "detect/addrport.h"

#define MAX_VAR_DEPTH 16

/* ---- variables ---- */

struct var {
	char *name, *value;
	bool port;
};

struct nj_vars {
	struct var *v;
	size_t n, cap;
};

int nj_vars_set(struct nj_vars *vs, bool port, const char *name, const char *value)
{
	for (size_t i = 0; i < vs->n; i++) {
		if (vs->v[i].port == port && strcmp(vs->v[i].name, name) == 0) {
			char *nv = strdup(value);
			if (!nv)
				return -ENOMEM;
			free(vs->v[i].value);
			vs->v[i].value = nv;
			return 0;
		}
	}
	if (vs->n == vs->cap) {
		size_t cap = vs->cap ? vs->cap * 2 : 32;
		struct var *nv = realloc(vs->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		vs->v = nv;
		vs->cap = cap;
	}
	vs->v[vs->n].name = strdup(name);
	vs->v[vs->n].value = strdup(value);
	vs->v[vs->n].port = port;
	if (!vs->v[vs->n].name || !vs->v[vs->n].value) {
		free(vs->v[vs->n].name);
		free(vs->v[vs->n].value);
		return -ENOMEM;
	}
	vs->n++;
	return 0;
}

struct load_arg {
	struct nj_vars *vs;
	bool port;
};

static void load_one(const char *name, const char *value, void *arg)
{
	struct load_arg *la = arg;

	if (value)
		nj_vars_set(la->vs, la->port, name, value);
}

struct nj_vars *nj_vars_new(const struct nj_config *cfg)
{
	struct nj_vars *vs = calloc(1, sizeof(*vs));
	struct load_arg la = { vs, false };

	if (!vs || !cfg)
		return vs;
	nj_config_each_child(cfg, "vars.address-groups", load_one, &la);
	la.port = true;
	nj_config_each_child(cfg, "vars.port-groups", load_one, &la);
	return vs;
}

void nj_vars_free(struct nj_vars *vs)
{
	if (!vs)
		return;
	for (size_t i = 0; i < vs->n; i++) {
		free(vs->v[i].name);
		free(vs->v[i].value);
	}
	free(vs->v);
	free(vs);
}

static const char *var_get(const struct nj_vars *vs, bool port, const char *name)
{
	if (!vs)
		return NULL;
	for (size_t i = 0; i < vs->n; i++)
		if (vs->v[i].port == port && strcmp(vs->v[i].name, name) == 0)
			return vs->v[i].value;
	return NULL;
}

const char *nj_vars_addr(const struct nj_vars *vs, const char *name)
{
	return var_get(vs, false, name);
}

const char *nj_vars_port(const struct nj_vars *vs, const char *name)
{
	return var_get(vs, true, name);
}

/* ---- a generic list walker shared by addresses and ports ---- */

struct walker {
	const struct nj_vars *vars;
	bool port;
	char *err;
	size_t errlen;
	/* called for each leaf: text, negated */
	int (*leaf)(struct walker *w, const char *tok, size_t n, bool neg);
	void *set;
	int depth;
};

static int walk(struct walker *w, const char *s, size_t n, bool neg);

/* Splits s[0..n) at top-level commas and walks each element. */
static int walk_list(struct walker *w, const char *s, size_t n, bool neg)
{
	size_t start = 0;
	int nest = 0;

	for (size_t i = 0; i <= n; i++) {
		if (i < n && s[i] == '[')
			nest++;
		else if (i < n && s[i] == ']')
			nest--;
		if (nest < 0) {
			snprintf(w->err, w->errlen, "unbalanced ']'");
			return -1;
		}
		if (i == n || (s[i] == ',' && nest == 0)) {
			if (walk(w, s + start, i - start, neg) < 0)
				return -1;
			start = i + 1;
		}
	}
	if (nest != 0) {
		snprintf(w->err, w->errlen, "unbalanced '['");
		return -1;
	}
	return 0;
}

static int walk(struct walker *w, const char *s, size_t n, bool neg)
{
	while (n && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if (n == 0) {
		snprintf(w->err, w->errlen, "empty element");
		return -1;
	}
	if (++w->depth > MAX_VAR_DEPTH) {
		snprintf(w->err, w->errlen, "variables nested too deeply");
		return -1;
	}
	int rc;
	if (s[0] == '!') {
		rc = walk(w, s + 1, n - 1, !neg);
	} else if (s[0] == '[') {
		if (s[n - 1] != ']') {
			snprintf(w->err, w->errlen, "unbalanced '['");
			rc = -1;
		} else {
			rc = walk_list(w, s + 1, n - 2, neg);
		}
	} else if (s[0] == '$') {
		char name[128];
		const char *val;
		if (n - 1 >= sizeof(name)) {
			snprintf(w->err, w->errlen, "variable name too long");
			rc = -1;
		} else {
			memcpy(name, s + 1, n - 1);
			name[n - 1] = '\0';
			val = var_get(w->vars, w->port, name);
			if (!val) {
				snprintf(w->err, w->errlen, "undefined %s variable $%s",
					 w->port ? "port" : "address", name);
				rc = -1;
			} else {
				rc = walk(w, val, strlen(val), neg);
			}
		}
	} else {
		rc = w->leaf(w, s, n, neg);
	}
	w->depth--;
	return rc;
}

static int push(void **arr, uint32_t *n, size_t size, const void *item)
{
	void *na = realloc(*arr, (*n + 1) * size);

	if (!na)
		return -ENOMEM;
	memcpy((char *)na + *n * size, item, size);
	*arr = na;
	(*n)++;
	return 0;
}

/* ---- addresses ---- */

static void mask_addr(struct nj_addr *a, unsigned bits)
{
	unsigned total = a->family == 4 ? 32 : 128;

	for (unsigned i = 0; i < 16; i++) {
		unsigned lo = i * 8;
		if (lo >= total) {
			a->b[i] = 0;
		} else if (bits <= lo) {
			a->b[i] = 0;
		} else if (bits < lo + 8) {
			a->b[i] &= (uint8_t)(0xff << (lo + 8 - bits));
		}
	}
}

typedef unsigned __int128 u128;

static u128 to_u128(const struct nj_addr *a)
{
	u128 v = 0;
	unsigned n = a->family == 4 ? 4 : 16;

	for (unsigned i = 0; i < n; i++)
		v = (v << 8) | a->b[i];
	return v;
}

static void from_u128(u128 v, uint8_t family, struct nj_addr *a)
{
	unsigned n = family == 4 ? 4 : 16;

	memset(a, 0, sizeof(*a));
	a->family = family;
	for (unsigned i = n; i-- > 0;) {
		a->b[i] = (uint8_t)v;
		v >>= 8;
	}
}

/* "a-b": the smallest list of CIDR blocks covering the range exactly. */
static int addr_range(struct walker *w, const char *lo_s, const char *hi_s, bool neg)
{
	struct nj_addrset *set = w->set;
	struct nj_addr lo, hi;

	if (nj_addr_parse(lo_s, &lo) < 0 || nj_addr_parse(hi_s, &hi) < 0 || lo.family != hi.family) {
		snprintf(w->err, w->errlen, "invalid address range '%s-%s'", lo_s, hi_s);
		return -1;
	}
	unsigned bits = lo.family == 4 ? 32 : 128;
	u128 a = to_u128(&lo), b = to_u128(&hi);
	if (a > b) {
		snprintf(w->err, w->errlen, "invalid address range '%s-%s'", lo_s, hi_s);
		return -1;
	}
	for (;;) {
		unsigned size = 0;      /* block of 2^size addresses */
		while (size < bits) {
			u128 block = (u128)1 << (size + 1);
			if ((a & (block - 1)) != 0 || a + block - 1 > b || a + block - 1 < a)
				break;
			size++;
		}
		struct nj_cidr c;
		from_u128(a, lo.family, &c.net);
		c.bits = (uint8_t)(bits - size);
		int rc = neg ? push((void **)&set->neg, &set->nneg, sizeof(c), &c)
			     : push((void **)&set->pos, &set->npos, sizeof(c), &c);
		if (rc < 0)
			return rc;
		u128 last = a + (((u128)1 << size) - 1);
		if (size == 128 || last >= b)
			return 0;
		a = last + 1;
	}
}

static int addr_leaf(struct walker *w, const char *s, size_t n, bool neg)
{
	struct nj_addrset *set = w->set;
	char tmp[128];
	char *slash;
	struct nj_cidr c;

	if (n == 3 && strncasecmp(s, "any", 3) == 0) {
		if (neg) {
			snprintf(w->err, w->errlen, "'!any' matches nothing");
			return -1;
		}
		set->any = true;
		return 0;
	}
	if (n >= sizeof(tmp)) {
		snprintf(w->err, w->errlen, "address too long");
		return -1;
	}
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	char *dash = strchr(tmp, '-');
	if (dash) {
		*dash = '\0';
		return addr_range(w, tmp, dash + 1, neg);
	}
	slash = strchr(tmp, '/');
	if (slash)
		*slash = '\0';
	if (nj_addr_parse(tmp, &c.net) < 0) {
		snprintf(w->err, w->errlen, "invalid address '%s'", tmp);
		return -1;
	}
	unsigned max = c.net.family == 4 ? 32 : 128;
	c.bits = (uint8_t)max;
	if (slash) {
		char *end;
		const char *m = slash + 1;
		long bits = strtol(m, &end, 10);
		if (*end == '.' && c.net.family == 4) {
			/* netmask form 255.255.0.0 */
			struct nj_addr mask;
			uint32_t mv;
			if (nj_addr_parse(m, &mask) < 0 || mask.family != 4) {
				snprintf(w->err, w->errlen, "invalid netmask '%s'", m);
				return -1;
			}
			mv = ((uint32_t)mask.b[0] << 24) | (mask.b[1] << 16) | (mask.b[2] << 8) | mask.b[3];
			bits = 0;
			while (mv & 0x80000000u) {
				bits++;
				mv <<= 1;
			}
		} else if (*end || end == m || bits < 0 || bits > (long)max) {
			snprintf(w->err, w->errlen, "invalid prefix length '%s'", m);
			return -1;
		}
		c.bits = (uint8_t)bits;
	}
	mask_addr(&c.net, c.bits);
	if (neg)
		return push((void **)&set->neg, &set->nneg, sizeof(c), &c);
	return push((void **)&set->pos, &set->npos, sizeof(c), &c);
}

/* Walks s into set with leaf; a set with no positive element means
 * "anything but the negated ones". Returns 0 or -1 with err set. */
static int parse_set(const struct nj_vars *v, bool port, const char *s, char *err, size_t errlen,
		     int (*leaf)(struct walker *, const char *, size_t, bool), void *set, bool *any,
		     const uint32_t *npos, const uint32_t *nneg)
{
	struct walker w = { v, port, err, errlen, leaf, set, 0 };

	if (walk(&w, s, strlen(s), false) < 0)
		return -1;
	if (*npos)
		*any = false;
	else if (!*nneg)
		*any = true;
	return 0;
}

struct nj_addrset *nj_addrset_parse(const struct nj_vars *v, const char *s, char *err, size_t errlen)
{
	struct nj_addrset *set = calloc(1, sizeof(*set));

	if (set && parse_set(v, false, s, err, errlen, addr_leaf, set, &set->any, &set->npos,
			     &set->nneg) < 0) {
		nj_addrset_free(set);
		return NULL;
	}
	return set;
}

void nj_addrset_free(struct nj_addrset *a)
{
	if (!a)
		return;
	free(a->pos);
	free(a->neg);
	free(a);
}

static bool cidr_match(const struct nj_cidr *c, const struct nj_addr *a)
{
	unsigned full, rem;

	if (c->net.family != a->family)
		return false;
	full = c->bits / 8;
	rem = c->bits % 8;
	if (memcmp(c->net.b, a->b, full) != 0)
		return false;
	if (rem) {
		uint8_t m = (uint8_t)(0xff << (8 - rem));
		if ((a->b[full] & m) != c->net.b[full])
			return false;
	}
	return true;
}

bool nj_addrset_match(const struct nj_addrset *s, const struct nj_addr *a)
{
	bool pos = s->any || s->npos == 0;

	for (uint32_t i = 0; !pos && i < s->npos; i++)
		pos = cidr_match(&s->pos[i], a);
	if (!pos)
		return false;
	for (uint32_t i = 0; i < s->nneg; i++)
		if (cidr_match(&s->neg[i], a))
			return false;
	return true;
}

/* ---- ports ---- */

static int parse_port(const char *s, size_t n, long *out)
{
	char tmp[16];
	char *end;

	if (n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	*out = strtol(tmp, &end, 10);
	if (*end || *out < 0 || *out > 65535)
		return -1;
	return 0;
}

static int port_leaf(struct walker *w, const char *s, size_t n, bool neg)
{
	struct nj_portset *set = w->set;
	struct nj_port_range r;
	const char *colon = memchr(s, ':', n);
	long lo = 0, hi = 65535;

	if (n == 3 && strncasecmp(s, "any", 3) == 0) {
		if (neg) {
			snprintf(w->err, w->errlen, "'!any' matches nothing");
			return -1;
		}
		set->any = true;
		return 0;
	}
	if (colon) {
		size_t ln = (size_t)(colon - s), rn = n - ln - 1;
		if ((ln && parse_port(s, ln, &lo) < 0) || (rn && parse_port(colon + 1, rn, &hi) < 0) ||
		    (!ln && !rn)) {
			snprintf(w->err, w->errlen, "invalid port range '%.*s'", (int)n, s);
			return -1;
		}
	} else {
		if (parse_port(s, n, &lo) < 0) {
			snprintf(w->err, w->errlen, "invalid port '%.*s'", (int)n, s);
			return -1;
		}
		hi = lo;
	}
	if (lo > hi) {
		snprintf(w->err, w->errlen, "invalid port range '%.*s'", (int)n, s);
		return -1;
	}
	r.lo = (uint16_t)lo;
	r.hi = (uint16_t)hi;
	if (neg)
		return push((void **)&set->neg, &set->nneg, sizeof(r), &r);
	return push((void **)&set->pos, &set->npos, sizeof(r), &r);
}

struct nj_portset *nj_portset_parse(const struct nj_vars *v, const char *s, char *err, size_t errlen)
{
	struct nj_portset *set = calloc(1, sizeof(*set));

	if (set && parse_set(v, true, s, err, errlen, port_leaf, set, &set->any, &set->npos,
			     &set->nneg) < 0) {
		nj_portset_free(set);
		return NULL;
	}
	return set;
}

void nj_portset_free(struct nj_portset *p)
{
	if (!p)
		return;
	free(p->pos);
	free(p->neg);
	free(p);
}

bool nj_portset_match(const struct nj_portset *s, uint16_t port)
{
	bool pos = s->any || s->npos == 0;

	for (uint32_t i = 0; !pos && i < s->npos; i++)
		pos = port >= s->pos[i].lo && port <= s->pos[i].hi;
	if (!pos)
		return false;
	for (uint32_t i = 0; i < s->nneg; i++)
		if (port >= s->neg[i].lo && port <= s->neg[i].hi)
			return false;
	return true;
}

/* ---- dumps ---- */

static size_t add(char *buf, size_t len, size_t off, const char *s)
{
	if (off < len)
		snprintf(buf + off, len - off, "%s", s);
	return off + strlen(s);
}

void nj_addrset_dump(const struct nj_addrset *a, char *buf, size_t len)
{
	size_t off = 0;
	char tmp[64], item[80];
	bool first = true;

	if (a->any && !a->nneg) {
		snprintf(buf, len, "any");
		return;
	}
	off = add(buf, len, off, "[");
	for (int neg = 0; neg < 2; neg++) {
		const struct nj_cidr *c = neg ? a->neg : a->pos;
		uint32_t n = neg ? a->nneg : a->npos;
		for (uint32_t i = 0; i < n; i++) {
			nj_addr_str(&c[i].net, tmp, sizeof(tmp));
			snprintf(item, sizeof(item), "%s%s%s/%u", first ? "" : ",", neg ? "!" : "", tmp,
				 c[i].bits);
			off = add(buf, len, off, item);
			first = false;
		}
	}
	add(buf, len, off, "]");
}

void nj_portset_dump(const struct nj_portset *p, char *buf, size_t len)
{
	size_t off = 0;
	char item[32];
	bool first = true;

	if (p->any && !p->nneg) {
		snprintf(buf, len, "any");
		return;
	}
	off = add(buf, len, off, "[");
	for (int neg = 0; neg < 2; neg++) {
		const struct nj_port_range *r = neg ? p->neg : p->pos;
		uint32_t n = neg ? p->nneg : p->npos;
		for (uint32_t i = 0; i < n; i++) {
			if (r[i].lo == r[i].hi)
				snprintf(item, sizeof(item), "%s%s%u", first ? "" : ",", neg ? "!" : "", r[i].lo);
			else
				snprintf(item, sizeof(item), "%s%s%u:%u", first ? "" : ",", neg ? "!" : "",
					 r[i].lo, r[i].hi);
			off = add(buf, len, off, item);
			first = false;
		}
	}
	add(buf, len, off, "]");
}
