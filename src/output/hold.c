/* Alert records that wait before they are written (hold.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "output/hold.h"

#define DEFAULT_DELAY_US 300000
#define MAX_HELD 4096                   /* per thread; beyond, written at once */

struct held {
	struct nj_held h;
	int64_t due;
	struct held *next;
};

static int64_t delay_us = DEFAULT_DELAY_US;
static int c_delayed = -1;

/* Each worker thread its own list: flows belong to one worker. */
static __thread struct held *head;
static __thread struct held **tail;     /* last link of the list; NULL: &head */
static __thread uint32_t nheld;
static __thread int64_t clock_us;       /* the latest time releases were asked for */

void nj_hold_config(const struct nj_config *cfg)
{
	const char *s = nj_config_get_str(cfg, "correlation.alert-delay", NULL);
	char *end;
	double d = s ? strtod(s, &end) : -1;

	delay_us = s && !*end && d >= 0 && d <= 10 ? (int64_t)(d * 1e6) : DEFAULT_DELAY_US;
	if (c_delayed < 0)
		c_delayed = nj_counter_register("correlation.alerts_delayed");
}

static int64_t usec(const struct timeval *tv)
{
	return (int64_t)tv->tv_sec * 1000000 + tv->tv_usec;
}

/* A flow's owner is worth logging once more than a listener matched it: the
 * process that accepted or made the connection (a listener may yet give
 * way to the local client that connected). */
static bool settled(const struct nj_flow *f)
{
	return f->owner && f->owner_match >= NJ_SM_ACCEPTED;
}

bool nj_hold_needed(const struct nj_alert *a)
{
	const struct nj_flow *f = nj_alert_flow(a);

	if (!delay_us || !nj_correlation_active() || nheld >= MAX_HELD)
		return false;
	if (a->sc)
		return !f && a->sc->link && !nj_sock_link_flow_id(a->sc->link);
	return a->p && f && !settled(f) && (f->proto == 6 || f->proto == 17);
}

static bool ready(const struct nj_held *h)
{
	return h->flow ? settled(h->flow) : nj_sock_link_flow_id(h->link) != 0;
}

bool nj_hold_keep(const struct nj_alert *a, const void *rec, size_t len, enum nj_hold_kind kind,
		  uint32_t tag0, uint32_t tag1)
{
	const struct nj_flow *f = nj_alert_flow(a);
	struct held *x;

	if (!len)
		return false;
	if (!(x = calloc(1, sizeof(*x))) || !(x->h.rec = malloc(len))) {
		free(x);
		return false;
	}
	memcpy(x->h.rec, rec, len);
	x->h.len = len;
	x->h.kind = (uint8_t)kind;
	x->h.tag[0] = tag0;
	x->h.tag[1] = tag1;
	x->h.flow = f;
	x->h.link = f ? NULL : nj_sock_link_ref(a->sc->link);
	/* a thread that handles its events late (the sensor's come in
	 * batches) still gives each the whole delay */
	x->due = (usec(&a->ts) > clock_us ? usec(&a->ts) : clock_us) + delay_us;
	if (!tail)
		tail = &head;
	*tail = x;
	tail = &x->next;
	nheld++;
	nj_counter_add(c_delayed, 1);
	return true;
}

void nj_hold_release(int64_t now_us, const struct nj_flow *ending, nj_hold_finish_fn finish,
		     void *arg)
{
	struct held **pp = &head;

	if (now_us != INT64_MAX && now_us > clock_us)
		clock_us = now_us;
	while (*pp) {
		struct held *x = *pp;
		if (!ready(&x->h) && !(ending && x->h.flow == ending) && x->due > now_us) {
			pp = &x->next;
			continue;
		}
		*pp = x->next;
		nheld--;
		if (finish)
			finish(&x->h, arg);
		nj_sock_link_unref(x->h.link);
		free(x->h.rec);
		free(x);
	}
	tail = pp;
}

const struct nj_proc_owner *nj_held_owner(const struct nj_held *h)
{
	return h->flow ? h->flow->owner : NULL;
}

uint64_t nj_held_flow_id(const struct nj_held *h)
{
	return nj_sock_link_flow_id(h->link);
}
