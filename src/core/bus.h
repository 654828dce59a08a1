/* The event bus: stages registered once, run in a fixed order on the thread
 * that received the event (run-to-completion).
 *
 * A stage keeps per-thread state in the worker (w->ctx[order]). A stage that
 * creates a new event (the defragmenter's reassembled packet, the stream
 * engine's flush at flow end) hands it to the stages after it with
 * nj_bus_dispatch_from(); the new event is borrowed by them for that call.
 */
#ifndef NJ_CORE_BUS_H
#define NJ_CORE_BUS_H

#include <stdbool.h>
#include <sys/time.h>
#include <time.h>

#include "core/event.h"

enum nj_stage_order {
	NJ_STAGE_DECODE = 0,
	NJ_STAGE_DEFRAG,
	NJ_STAGE_FLOW,
	NJ_STAGE_STREAM,
	NJ_STAGE_APP,
	NJ_STAGE_PROCESS,
	NJ_STAGE_DETECT,
	NJ_STAGE_OUTPUT,
	NJ_STAGE__COUNT
};

enum nj_bus_verdict {
	NJ_BUS_CONTINUE = 0,
	NJ_BUS_STOP = 1,        /* later stages do not see this event */
	NJ_BUS_DROP = 2,        /* the packet is dropped (core/verdict.h): only
				 * the output stage sees it, to log it */
};

struct nj_worker {
	int id;
	void *ctx[NJ_STAGE__COUNT];
	struct timeval now;     /* packet time offline, wall time live */
	bool offline;
	time_t last_tick;       /* second of the last nj_bus_tick() */
	bool controller;        /* this worker's thread also writes stats and
				 * reopens outputs (the offline loop) */
};

struct nj_stage {
	const char *name;
	int order;                      /* enum nj_stage_order */
	unsigned kinds;                 /* bit (1 << NJ_EV_*) per kind handled */
	/* Creates this stage's per-thread state; returns 0 or -errno. */
	int (*thread_init)(struct nj_worker *w, void **ctx);
	void (*thread_fini)(struct nj_worker *w, void *ctx);
	int (*handle)(struct nj_worker *w, void *ctx, struct nj_event *ev);
	/* Time moved on (timeouts); may dispatch events of its own. */
	void (*tick)(struct nj_worker *w, void *ctx);
	/* End of input: flush what is pending (flows, streams). */
	void (*drain)(struct nj_worker *w, void *ctx);
};

#define NJ_KIND(k) (1u << (k))

/* Registers st (borrowed; must outlive the bus). One stage per order. */
int nj_bus_register(const struct nj_stage *st);
void nj_bus_reset(void);

int nj_worker_init(struct nj_worker *w, int id, bool offline);
void nj_worker_fini(struct nj_worker *w);

void nj_bus_dispatch(struct nj_worker *w, struct nj_event *ev);
void nj_bus_dispatch_from(struct nj_worker *w, struct nj_event *ev, int order);
void nj_bus_tick(struct nj_worker *w);
void nj_bus_drain(struct nj_worker *w);

#endif
