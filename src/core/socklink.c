/* The socket to flow link (socklink.h). */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "core/socklink.h"
#include "core/varset.h"

struct change {
	uint32_t id;
	bool set;
};

struct nj_sock_link {
	uint32_t refs;                  /* atomic */
	uint64_t flow_id;               /* atomic */
	uint32_t nchanges;              /* atomic; entries below it are final */
	struct change changes[NJ_SOCK_LINK_MAX_CHANGES];
	struct nj_varset bits;          /* under lock */
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

struct nj_sock_link *nj_sock_link_new(void)
{
	struct nj_sock_link *l = calloc(1, sizeof(*l));

	if (l)
		l->refs = 1;
	return l;
}

struct nj_sock_link *nj_sock_link_ref(struct nj_sock_link *l)
{
	if (l)
		__atomic_add_fetch(&l->refs, 1, __ATOMIC_RELAXED);
	return l;
}

void nj_sock_link_unref(struct nj_sock_link *l)
{
	if (!l || __atomic_sub_fetch(&l->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	nj_varset_free(&l->bits);
	free(l);
}

void nj_sock_link_set_flow(struct nj_sock_link *l, uint64_t flow_id)
{
	if (l)
		__atomic_store_n(&l->flow_id, flow_id, __ATOMIC_RELEASE);
}

uint64_t nj_sock_link_flow_id(const struct nj_sock_link *l)
{
	return l ? __atomic_load_n(&l->flow_id, __ATOMIC_ACQUIRE) : 0;
}

bool nj_sock_link_has(struct nj_sock_link *l, uint32_t id)
{
	pthread_mutex_lock(&lock);
	bool on = nj_varset_has(&l->bits, id);
	pthread_mutex_unlock(&lock);
	return on;
}

static void forget(struct nj_sock_link *l, uint32_t id)
{
	if (id == NJ_SOCK_LINK_ALL)
		nj_varset_clear(&l->bits);
	else
		nj_varset_del(&l->bits, id);
}

int nj_sock_link_change(struct nj_sock_link *l, uint32_t id, bool set)
{
	int rc = 0;

	pthread_mutex_lock(&lock);
	uint32_t n = l->nchanges;
	if (n == NJ_SOCK_LINK_MAX_CHANGES) {
		rc = -ENOSPC;
	} else if (set ? nj_varset_add(&l->bits, id) : (forget(l, id), 0)) {
		rc = -ENOMEM;
	} else {
		l->changes[n] = (struct change){ id, set };
		__atomic_store_n(&l->nchanges, n + 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void nj_sock_link_apply(struct nj_sock_link *l, struct nj_varset *s, uint32_t *applied)
{
	/* entries below nchanges are never rewritten: no lock to read them */
	uint32_t n = l ? __atomic_load_n(&l->nchanges, __ATOMIC_ACQUIRE) : 0;

	for (; *applied < n; (*applied)++) {
		const struct change *c = &l->changes[*applied];
		if (c->set)
			nj_varset_add(s, c->id);
		else if (c->id == NJ_SOCK_LINK_ALL)
			nj_varset_clear(s);
		else
			nj_varset_del(s, c->id);
	}
}
