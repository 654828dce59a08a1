/* Named pcre captures: pending per rule, packet variables per packet,
 * flow variables on the flow (flow->detect_vars). */
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/flow.h"
#include "detect/capture.h"
#include "detect/engine.h"

struct var {
	uint8_t kind;                   /* enum nj_var_kind */
	uint32_t id;                    /* in build->pktvar_names / flowvar_names */
	uint8_t *value;                 /* owned */
	uint32_t len;
};

/* A growable list of variables; each owns its value. */
struct var_list {
	struct var *v;
	uint32_t n, cap;
};

struct nj_captures {
	struct var_list pending, pkt;
	struct nj_alert_var *view;      /* what the last alert was shown */
	uint32_t view_cap;
};

static void list_clear(struct var_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		free(l->v[i].value);
	l->n = 0;
}

static void list_free(struct var_list *l)
{
	list_clear(l);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Sets (kind, id) to a copy of value; on allocation failure the variable
 * keeps its old value. */
static void list_set(struct var_list *l, uint8_t kind, uint32_t id, const uint8_t *value, uint32_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	uint32_t i;

	if (!copy)
		return;
	memcpy(copy, value, len);
	for (i = 0; i < l->n && !(l->v[i].kind == kind && l->v[i].id == id); i++)
		;
	if (i == l->n) {
		if (l->n == l->cap) {
			uint32_t cap = l->cap ? l->cap * 2 : 4;
			struct var *nv = realloc(l->v, cap * sizeof(*nv));
			if (!nv) {
				free(copy);
				return;
			}
			l->v = nv;
			l->cap = cap;
		}
		l->v[l->n++] = (struct var){ kind, id, NULL, 0 };
	}
	free(l->v[i].value);
	l->v[i].value = copy;
	l->v[i].len = len;
}

struct nj_captures *nj_captures_new(void)
{
	return calloc(1, sizeof(struct nj_captures));
}

void nj_captures_free(struct nj_captures *c)
{
	if (!c)
		return;
	list_free(&c->pending);
	list_free(&c->pkt);
	free(c->view);
	free(c);
}

void nj_captures_packet(struct nj_captures *c)
{
	list_clear(&c->pkt);
}

void nj_captures_rule(struct nj_captures *c)
{
	list_clear(&c->pending);
}

void nj_captures_record(struct nj_captures *c, uint8_t kind, uint32_t id, const uint8_t *v, uint32_t len)
{
	list_set(&c->pending, kind, id, v, len);
}

void nj_captures_commit(struct nj_captures *c, struct nj_flow *f)
{
	struct var_list *fl = f ? f->detect_vars : NULL;

	for (uint32_t i = 0; i < c->pending.n; i++) {
		const struct var *v = &c->pending.v[i];
		if (v->kind == NJ_VAR_PKT) {
			list_set(&c->pkt, v->kind, v->id, v->value, v->len);
			continue;
		}
		if (!f)
			continue;
		if (!fl && !(fl = f->detect_vars = calloc(1, sizeof(*fl))))
			continue;
		list_set(fl, v->kind, v->id, v->value, v->len);
	}
	list_clear(&c->pending);
}

/* Appends the variables of l to the view; returns how many. */
static uint32_t add_view(struct nj_captures *c, uint32_t at, const struct var_list *l,
			 const struct nj_names *names)
{
	uint32_t n = 0;

	for (uint32_t i = 0; l && i < l->n; i++) {
		if (l->v[i].id >= names->n || at + n >= c->view_cap)
			continue;
		c->view[at + n++] = (struct nj_alert_var){ names->names[l->v[i].id], l->v[i].value, l->v[i].len };
	}
	return n;
}

void nj_captures_view(struct nj_captures *c, const struct nj_flow *f, const struct nj_detect_build *b,
		      struct nj_alert *a)
{
	const struct var_list *fl = f ? f->detect_vars : NULL;
	uint32_t need = c->pkt.n + (fl ? fl->n : 0);

	a->npktvars = a->nflowvars = 0;
	if (need > c->view_cap) {
		struct nj_alert_var *nv = realloc(c->view, need * sizeof(*nv));
		if (!nv)
			return;
		c->view = nv;
		c->view_cap = need;
	}
	a->pktvars = c->view;
	a->npktvars = add_view(c, 0, &c->pkt, &b->pktvar_names);
	a->flowvars = c->view + a->npktvars;
	a->nflowvars = add_view(c, a->npktvars, fl, &b->flowvar_names);
}

void nj_flowvars_free(struct nj_flow *f)
{
	struct var_list *fl = f->detect_vars;

	if (!fl)
		return;
	list_free(fl);
	free(fl);
	f->detect_vars = NULL;
}
