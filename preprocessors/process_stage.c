/* The process stage: process table, socket map, flow attribution. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/process_stage.h"
#include "preprocessors/proctable.h"
#include "preprocessors/sockmap.h"

#define DEFAULT_WINDOW_US 2000000
/* How much earlier than the flow's first packet the event of its own
 * connect or accept may be stamped: the sensor's clock is converted to
 * wall-clock time once at start. */
#define CLOCK_SLACK_US 200000

static const struct nj_config *stage_cfg;
static int64_t window_us = DEFAULT_WINDOW_US;
static int c_attributed = -1, c_late = -1, c_unresolved = -1, c_better = -1;

static void lookup(struct nj_flow *f);

/* A last look before the flow is logged: the events of its connection may
 * have come after its last packet (the sensor delivers them in batches,
 * a short connection is over in milliseconds). */
static void on_flow_end(struct nj_worker *w, struct nj_flow *f)
{
	(void)w;
	if ((f->proto != 6 && f->proto != 17) || !nj_correlation_active())
		return;
	if (f->owner_match < NJ_SM_CONNECTED)
		lookup(f);
	if (!f->owner)
		nj_counter_add(c_unresolved, 1);
}

int nj_process_stage_config(const struct nj_config *cfg)
{
	static bool hooked;
	const char *s = nj_config_get_str(cfg, "correlation.window", NULL);
	char *end;
	double win = s ? strtod(s, &end) : -1;

	stage_cfg = cfg;
	window_us = s && !*end && win >= 0 && win < 3600 ? (int64_t)(win * 1e6) : DEFAULT_WINDOW_US;
	nj_sockmap_config(cfg);
	if (c_attributed < 0) {
		c_attributed = nj_counter_register("correlation.flows_attributed");
		c_late = nj_counter_register("correlation.late_attributions");
		c_unresolved = nj_counter_register("correlation.flows_unresolved");
		c_better = nj_counter_register("correlation.reattributions");
	}
	if (!hooked) {
		if (nj_flow_on_end(on_flow_end) < 0)
			return -ENOSPC;
		hooked = true;
	}
	return 0;
}

static int64_t usec(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* Looks flow f up for a better owner than it has. The socket of its own
 * connection was seen at most the window after its first packet, and, when
 * that packet was the SYN, not before it (less the clock slack): a socket
 * seen outside that span belongs to another connection on the same
 * addresses and ports. */
static void lookup(struct nj_flow *f)
{
	int64_t start = usec(&f->start);
	int64_t from = f->owner_from_syn ? start - CLOCK_SLACK_US : INT64_MIN;
	int match = NJ_SM_NONE;
	uint32_t gen = nj_sockmap_generation();

	/* the same map gives the same answer: no lock, no lookup */
	if (gen == f->owner_gen)
		return;
	f->owner_gen = gen;
	struct nj_sock_link *link;
	struct nj_proc_owner *o = nj_sockmap_lookup(f, f->owner_match, from, start + window_us, &match,
						    &link);
	if (!o)
		return;
	if (link) {
		nj_sock_link_set_flow(link, f->flow_id);
		nj_sock_link_unref(f->link);
		f->link = link;
		f->link_applied = 0;
	}
	if (!f->owner) {
		nj_counter_add(c_attributed, 1);
		if (f->owner_lookups)
			nj_counter_add(c_late, 1);
	} else {
		nj_counter_add(c_better, 1);
		nj_proc_owner_unref(f->owner);
	}
	f->owner = o;
	f->owner_match = (uint8_t)match;
}

/* Gives a packet's flow its local process when the socket map knows it,
 * and a better one (the connecting client over the server that listens)
 * while the window lasts; then the flowbits that system-call rules set on
 * its socket. */
static void attribute(struct nj_packet *p)
{
	struct nj_flow *f = p->flow;

	if (!f)
		return;
	if (f->owner_match != NJ_SM_CONNECTED && nj_correlation_active() &&
	    (!f->owner_lookups || usec(&p->ts) - usec(&f->start) <= window_us)) {
		if (!f->owner_lookups && f->proto == 6 && timercmp(&p->ts, &f->start, ==) &&
		    (p->tcp.flags & (NJ_TH_SYN | NJ_TH_ACK)) == NJ_TH_SYN)
			f->owner_from_syn = true;
		lookup(f);
		if (f->owner_lookups < UINT8_MAX)
			f->owner_lookups++;
	}
	if (f->link)
		nj_sock_link_apply(f->link, &f->bits, &f->link_applied);
}

/* A connect or accept whose flow this worker holds (offline, where one
 * thread sees both) gets it for its dispatch. */
static void find_flow(struct nj_worker *w, struct nj_syscall *sc)
{
	struct nj_sc_ends e;
	struct nj_addr a, b;

	if (!sc->link)
		return;
	nj_syscall_ends(sc, &e);
	if (!e.src || !e.dst)
		return;
	nj_addr_unmap(&a, e.src);
	nj_addr_unmap(&b, e.dst);
	sc->flow = nj_flow_table_find(w, e.proto, &a, e.sport, &b, e.dport);
	if (sc->flow)
		nj_sock_link_set_flow(sc->link, sc->flow->flow_id);
}

static int stage_init(struct nj_worker *w, void **ctx)
{
	struct nj_proctable *t = nj_proctable_new(stage_cfg, !w->offline);

	if (!t)
		return -ENOMEM;
	*ctx = t;
	return 0;
}

static void stage_fini(struct nj_worker *w, void *ctx)
{
	nj_proctable_free(ctx);
}

static int stage_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct nj_proctable *t = ctx;

	if (ev->kind == NJ_EV_PACKET) {
		attribute(ev->pkt);
		return NJ_BUS_CONTINUE;
	}
	/* seeded on the first syscall event: packet-only workers never
	 * read /proc */
	nj_proctable_seed_once(t);
	if (ev->sc) {
		nj_proctable_update(t, ev->sc);
		nj_sockmap_update(ev->sc);
		find_flow(w, ev->sc);
	}
	return NJ_BUS_CONTINUE;
}

static void stage_tick(struct nj_worker *w, void *ctx)
{
	nj_proctable_expire(ctx, &w->now);
}

const struct nj_stage nj_process_stage = {
	.name = "process",
	.order = NJ_STAGE_PROCESS,
	.kinds = NJ_KIND(NJ_EV_SYSCALL) | NJ_KIND(NJ_EV_PACKET),
	.thread_init = stage_init,
	.thread_fini = stage_fini,
	.handle = stage_handle,
	.tick = stage_tick,
};

struct nj_proctable *nj_proctable_of(struct nj_worker *w)
{
	return w ? w->ctx[NJ_STAGE_PROCESS] : NULL;
}
