/* Alerts that wait for their flow's process, or their socket's flow
 * (eve_hold.h). */
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/json.h"
#include "core/packet.h"
#include "core/process.h"
#include "core/socklink.h"
#include "core/syscall.h"
#include "core/syscall_json.h"
#include "output/eve.h"
#include "output/eve_hold.h"
#include "output/eve_int.h"

#define DEFAULT_DELAY_US 300000
#define MAX_HELD 4096                   /* per thread; beyond, written at once */

struct held {
	char *line;                     /* the record, no newline */
	size_t len;
	const struct nj_flow *flow;     /* valid until its end hook released it */
	struct nj_sock_link *link;      /* or a system-call alert's socket: one
					 * reference */
	int64_t due;
	struct held *next;
};

static int64_t delay_us = DEFAULT_DELAY_US;
static int c_delayed = -1;

/* Each worker thread its own list: flows belong to one worker. */
static __thread struct held *head;
static __thread struct held **tail;     /* last link of the list; NULL: &head */
static __thread uint32_t nheld;

void nj_eve_hold_config(const struct nj_config *cfg)
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

/* What the alert waits for: its flow's process (packet alerts), or the
 * flow id of its socket's connection (system-call alerts on a connect or
 * accept whose flow another thread holds). */
static bool must_wait(const struct nj_alert *a, const struct nj_flow *f)
{
	if (!delay_us || !nj_correlation_active() || nheld >= MAX_HELD)
		return false;
	if (a->sc)
		return !f && a->sc->link && !nj_sock_link_flow_id(a->sc->link);
	return a->p && f && !settled(f) && (f->proto == 6 || f->proto == 17);
}

static bool ready(const struct held *h)
{
	return h->flow ? settled(h->flow) : nj_sock_link_flow_id(h->link) != 0;
}

bool nj_eve_hold(const struct nj_alert *a, const struct nj_json *j)
{
	const struct nj_flow *f = a->flow ? a->flow : a->p ? a->p->flow : NULL;
	struct held *h;

	if (!must_wait(a, f) || j->len < 2)
		return false;
	if (!(h = malloc(sizeof(*h))) || !(h->line = malloc(j->len))) {
		free(h);
		return false;
	}
	memcpy(h->line, j->buf, j->len);
	h->len = j->len;
	h->flow = f;
	h->link = f ? NULL : nj_sock_link_ref(a->sc->link);
	h->due = usec(&a->ts) + delay_us;
	h->next = NULL;
	if (!tail)
		tail = &head;
	*tail = h;
	tail = &h->next;
	nheld++;
	nj_counter_add(c_delayed, 1);
	return true;
}

/* The members of an object (rendered in p) appended to the record in j. */
static void append_members(struct nj_json *j, struct nj_json *p)
{
	if (!p->oom && p->len > 2) {
		nj_json_raw(j, ",", 1);
		nj_json_raw(j, p->buf + 1, p->len - 2);
	}
}

/* The record with what it waited for put before its closing brace:
 * `"process":{...}`, or the socket's `"flow_id":N`. */
static void write_completed(struct nj_eve *e, const struct held *h)
{
	struct nj_json *j = nj_eve_thread_json();
	const struct nj_proc_owner *o = h->flow ? h->flow->owner : NULL;
	uint64_t flow_id = h->link ? nj_sock_link_flow_id(h->link) : 0;
	struct nj_json p;

	if (!j)
		return;
	nj_json_reset(j);
	nj_json_raw(j, h->line, h->len - 1);
	nj_json_init(&p);
	nj_json_object_open(&p, NULL);
	if (o)
		nj_json_process(&p, &o->p, NULL);
	if (flow_id)
		nj_json_uint(&p, "flow_id", flow_id);
	nj_json_object_close(&p);
	append_members(j, &p);
	nj_json_free(&p);
	nj_json_raw(j, "}", 1);
	nj_eve_emit(e, j, 0);
}

void nj_eve_release(struct nj_eve *e, int64_t now_us, const struct nj_flow *ending)
{
	struct held **pp = &head;

	while (*pp) {
		struct held *h = *pp;
		if (!ready(h) && !(ending && h->flow == ending) && h->due > now_us) {
			pp = &h->next;
			continue;
		}
		*pp = h->next;
		nheld--;
		if (e)
			write_completed(e, h);
		nj_sock_link_unref(h->link);
		free(h->line);
		free(h);
	}
	tail = pp;
}
