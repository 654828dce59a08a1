/* Unit tests for the socket map's links between connected sockets and
 * flows (preprocessors/sockmap.c, core/socklink.c): both ends of a local
 * connection share one link, a flow that looked first hands its id to the
 * socket's link, and flowbit changes reach a flow in order. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <netinet/in.h>
#include <cmocka.h>

#include "core/flow.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "core/varset.h"
#include "preprocessors/sockmap.h"

static const uint8_t CLIENT[4] = { 10, 1, 0, 1 }, SERVER[4] = { 10, 1, 0, 2 };

/* A connect from CLIENT:cport to SERVER:80 (accept: seen from the server)
 * at t seconds. */
static void sock_event(struct nj_syscall *sc, enum nj_sc_type type, uint16_t cport, long t)
{
	bool acc = type == NJ_SC_ACCEPT;

	nj_syscall_init(sc);
	sc->type = type;
	sc->ts.tv_sec = t;
	sc->pid = acc ? 100 : 200;
	sc->has_sock = true;
	sc->family = AF_INET;
	sc->sock_type = 1;
	sc->protocol = IPPROTO_TCP;
	nj_addr_set4(&sc->local, acc ? SERVER : CLIENT);
	nj_addr_set4(&sc->remote, acc ? CLIENT : SERVER);
	sc->local_port = acc ? 80 : cport;
	sc->remote_port = acc ? cport : 80;
	sc->ret = acc ? 5 : 0;
}

static void flow_of(struct nj_flow *f, uint16_t cport, long t, uint64_t id)
{
	memset(f, 0, sizeof(*f));
	nj_addr_set4(&f->client, CLIENT);
	nj_addr_set4(&f->server, SERVER);
	f->cport = cport;
	f->sport = 80;
	f->proto = IPPROTO_TCP;
	f->start.tv_sec = t;
	f->flow_id = id;
}

static struct nj_proc_owner *look(const struct nj_flow *f, int *match, struct nj_sock_link **l)
{
	int64_t t = (int64_t)f->start.tv_sec * 1000000;

	return nj_sockmap_lookup(f, NJ_SM_NONE, t - 1000000, t + 1000000, match, l);
}

static void ends_share_one_link(void **state)
{
	struct nj_syscall c, a;
	struct nj_flow f;
	struct nj_sock_link *l;
	int m;

	sock_event(&c, NJ_SC_CONNECT, 40001, 1000);
	nj_sockmap_update(&c);
	sock_event(&a, NJ_SC_ACCEPT, 40001, 1000);
	nj_sockmap_update(&a);
	assert_non_null(c.link);
	assert_ptr_equal(c.link, a.link);
	flow_of(&f, 40001, 1000, 77);
	struct nj_proc_owner *o = look(&f, &m, &l);
	assert_non_null(o);
	assert_int_equal(m, NJ_SM_CONNECTED);
	assert_int_equal(o->p.pid, 200);
	assert_ptr_equal(l, c.link);
	nj_proc_owner_unref(o);
	nj_sock_link_unref(l);
	/* another connection from another port has a link of its own */
	sock_event(&c, NJ_SC_CONNECT, 40002, 1000);
	nj_sockmap_update(&c);
	assert_ptr_not_equal(c.link, a.link);
}

/* A client port used again a second later: the new connection's ends pair
 * with each other, not with the earlier connection's. */
static void port_reuse_pairs_anew(void **state)
{
	struct nj_syscall c1, a1, c2, a2;

	sock_event(&c1, NJ_SC_CONNECT, 40020, 3000);
	nj_sockmap_update(&c1);
	sock_event(&a1, NJ_SC_ACCEPT, 40020, 3000);
	nj_sockmap_update(&a1);
	assert_ptr_equal(c1.link, a1.link);
	nj_sock_link_change(c1.link, 7, true);
	/* the accept of the new connection comes first, then its connect */
	sock_event(&a2, NJ_SC_ACCEPT, 40020, 3001);
	nj_sockmap_update(&a2);
	assert_ptr_not_equal(a2.link, a1.link);
	assert_false(nj_sock_link_has(a2.link, 7));
	sock_event(&c2, NJ_SC_CONNECT, 40020, 3001);
	nj_sockmap_update(&c2);
	assert_ptr_equal(c2.link, a2.link);
}

static void waiting_flow_gives_its_id(void **state)
{
	struct nj_syscall c, a;
	struct nj_flow f;
	struct nj_sock_link *l;
	int m;

	/* the flow's first packet comes before its connect is reported */
	flow_of(&f, 40010, 2000, 4242);
	assert_null(look(&f, &m, &l));
	assert_null(l);
	sock_event(&c, NJ_SC_CONNECT, 40010, 2000);
	nj_sockmap_update(&c);
	assert_int_equal(nj_sock_link_flow_id(c.link), 4242);
	sock_event(&a, NJ_SC_ACCEPT, 40010, 2000);
	nj_sockmap_update(&a);
	assert_int_equal(nj_sock_link_flow_id(a.link), 4242);
	/* a connection on the same ports a minute later is not that flow */
	sock_event(&c, NJ_SC_CONNECT, 40010, 2060);
	nj_sockmap_update(&c);
	assert_int_equal(nj_sock_link_flow_id(c.link), 0);
}

static void changes_reach_the_flow_in_order(void **state)
{
	struct nj_sock_link *l = nj_sock_link_new();
	struct nj_varset bits = { 0 };
	uint32_t applied = 0;

	assert_non_null(l);
	nj_varset_add(&bits, 9);                /* set by a packet rule */
	assert_int_equal(nj_sock_link_change(l, 3, true), 0);
	assert_true(nj_sock_link_has(l, 3));
	nj_sock_link_apply(l, &bits, &applied);
	assert_int_equal(applied, 1);
	assert_true(nj_varset_has(&bits, 3) && nj_varset_has(&bits, 9));
	assert_int_equal(nj_sock_link_change(l, 3, false), 0);
	assert_int_equal(nj_sock_link_change(l, 4, true), 0);
	assert_false(nj_sock_link_has(l, 3));
	nj_sock_link_apply(l, &bits, &applied);
	assert_false(nj_varset_has(&bits, 3));
	assert_true(nj_varset_has(&bits, 4));
	/* reset: every bit of the flow, the packet rules' too */
	assert_int_equal(nj_sock_link_change(l, NJ_SOCK_LINK_ALL, false), 0);
	nj_sock_link_apply(l, &bits, &applied);
	assert_int_equal(bits.n, 0);
	assert_int_equal(applied, 4);
	for (uint32_t i = 4; i < NJ_SOCK_LINK_MAX_CHANGES; i++)
		assert_int_equal(nj_sock_link_change(l, 20 + i, true), 0);
	assert_int_equal(nj_sock_link_change(l, 99, true), -ENOSPC);
	nj_varset_free(&bits);
	nj_sock_link_unref(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ends_share_one_link),
		cmocka_unit_test(port_reuse_pairs_anew),
		cmocka_unit_test(waiting_flow_gives_its_id),
		cmocka_unit_test(changes_reach_the_flow_in_order),
	};
	nj_sockmap_config(NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
