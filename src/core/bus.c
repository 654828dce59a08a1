/* Stage table and dispatch. */
#include <errno.h>
#include <string.h>

#include "core/bus.h"

static const struct nj_stage *stages[NJ_STAGE__COUNT];

int nj_bus_register(const struct nj_stage *st)
{
	if (st->order < 0 || st->order >= NJ_STAGE__COUNT || stages[st->order])
		return -EINVAL;
	stages[st->order] = st;
	return 0;
}

void nj_bus_reset(void)
{
	memset(stages, 0, sizeof(stages));
}

int nj_worker_init(struct nj_worker *w, int id, bool offline)
{
	memset(w, 0, sizeof(*w));
	w->id = id;
	w->offline = offline;
	for (int i = 0; i < NJ_STAGE__COUNT; i++) {
		if (!stages[i] || !stages[i]->thread_init)
			continue;
		int rc = stages[i]->thread_init(w, &w->ctx[i]);
		if (rc < 0) {
			nj_worker_fini(w);
			return rc;
		}
	}
	return 0;
}

void nj_worker_fini(struct nj_worker *w)
{
	for (int i = NJ_STAGE__COUNT - 1; i >= 0; i--) {
		if (stages[i] && stages[i]->thread_fini && w->ctx[i])
			stages[i]->thread_fini(w, w->ctx[i]);
		w->ctx[i] = NULL;
	}
}

void nj_bus_dispatch_from(struct nj_worker *w, struct nj_event *ev, int order)
{
	for (int i = order; i < NJ_STAGE__COUNT; i++) {
		const struct nj_stage *st = stages[i];
		if (!st || !st->handle || !(st->kinds & NJ_KIND(ev->kind)))
			continue;
		int v = st->handle(w, w->ctx[i], ev);
		if (v == NJ_BUS_STOP)
			return;
		if (v == NJ_BUS_DROP && i < NJ_STAGE_OUTPUT)
			i = NJ_STAGE_OUTPUT - 1;
	}
}

void nj_bus_dispatch(struct nj_worker *w, struct nj_event *ev)
{
	nj_bus_dispatch_from(w, ev, 0);
}

void nj_bus_tick(struct nj_worker *w)
{
	for (int i = 0; i < NJ_STAGE__COUNT; i++)
		if (stages[i] && stages[i]->tick)
			stages[i]->tick(w, w->ctx[i]);
}

void nj_bus_drain(struct nj_worker *w)
{
	for (int i = 0; i < NJ_STAGE__COUNT; i++)
		if (stages[i] && stages[i]->drain)
			stages[i]->drain(w, w->ctx[i]);
}
