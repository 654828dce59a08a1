/* Inspection of system-call events: the syscall rules whose event types
 * include the event's, prefiltered on the host buffers (proc.*, file.*,
 * user.name) like packet rules on theirs, then verified in evaluation order
 * (pass rules first: a matching pass rule silences the event).
 */
#include <string.h>

#include "core/alert.h"
#include "core/bus.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/process.h"
#include "core/syscall.h"
#include "detect/addrport.h"
#include "detect/engine.h"
#include "detect/inspect_int.h"
#include "detect/keywords.h"
#include "detect/prefilter.h"
#include "detect/threshold.h"

static int c_events = -1;

static bool addr_any(const struct nj_addrset *a)
{
	return a->any && !a->nneg;
}

static bool port_any(const struct nj_portset *p)
{
	return p->any && !p->nneg;
}

/* One side of the header: `any` holds for every event, anything else
 * needs an address (and port) to test. */
static bool side_match(const struct nj_addrset *as, const struct nj_portset *ps, const struct nj_addr *a,
		       uint16_t port)
{
	if (!addr_any(as) && (!a || !nj_addrset_match(as, a)))
		return false;
	return port_any(ps) || (a && nj_portset_match(ps, port));
}

static bool header_match(const struct nj_rule *r, const struct nj_syscall *sc)
{
	struct nj_sc_ends e;

	if (addr_any(r->src) && addr_any(r->dst) && port_any(r->sp) && port_any(r->dp))
		return true;
	nj_syscall_ends(sc, &e);
	if (side_match(r->src, r->sp, e.src, e.sport) && side_match(r->dst, r->dp, e.dst, e.dport))
		return true;
	return (r->flags & NJ_RULE_BIDIR) && side_match(r->src, r->sp, e.dst, e.dport) &&
	       side_match(r->dst, r->dp, e.src, e.sport);
}

/* Returns 1 when the rule matched (whether or not it alerted). */
static int verify(struct nj_detect_thread *dt, struct nj_worker *w, const struct nj_rule *r,
		  const struct nj_syscall *sc, const struct nj_host_view *hv)
{
	struct nj_match m = { .dt = dt, .rule = r, .sc = sc, .flow = sc->flow, .host = hv };

	if (r->proto != NJ_RPROTO_SYSCALL || (!r->sc_all && !nj_sc_set_has(&r->sc_types, sc->type)) ||
	    !header_match(r, sc) || !nj_inspect_checks(r, &m))
		return 0;
	for (uint16_t i = 0; i < r->nlists; i++)
		if (!nj_inspect_host(dt, &m, &r->lists[i]))
			return nj_inspect_list_failed(dt);
	if (!nj_inspect_matched(r, &m) || (r->flags & NJ_RULE_NOALERT))
		return 1;
	struct nj_sc_ends e;
	nj_syscall_ends(sc, &e);
	struct nj_gate_subject subj = { sc->ts, e.src, e.dst, sc->flow ? sc->flow->flow_id : 0, sc->pid };
	uint8_t action = r->info.action;
	if (r->gate && (!nj_gate_check(dt->rs->thr, r, &subj, &action) || action == NJ_ACTION_PASS))
		return 1;
	struct nj_alert a = { .ts = sc->ts, .sc = sc, .flow = sc->flow, .pkt_src = "syscall" };
	nj_inspect_emit(w, r, action, &a);
	return 1;
}

/* The host buffers the rule set prefilters on, for this event. */
static uint32_t host_inputs(struct nj_detect_thread *dt, const struct nj_host_view *hv)
{
	const bool *used = nj_prefilter_buffers(dt->rs->pf);
	uint32_t nin = 0;

	for (int b = NJ_BUF_PROC_NAME; b <= NJ_BUF_USER_NAME; b++) {
		struct nj_buf buf;
		if (used[b] && nj_host_buffer(hv, b, dt->host_scratch, &buf))
			nj_inspect_add_input(dt, &nin, b, buf.ptr, buf.len, 0);
	}
	return nin;
}

void nj_detect_syscall(struct nj_detect_thread *dt, struct nj_worker *w, const struct nj_syscall *sc)
{
	const struct nj_ruleset *rs = dt->rs;
	struct nj_host_view hv = { sc, sc->proc, sc->parent ? sc->parent->cmdline : NULL };
	const uint32_t *cand;

	if (c_events < 0)
		c_events = nj_counter_register("nightjar.detect.syscalls");
	/* a child starts with the bits its parent passes on */
	if (sc->type == NJ_SC_PROC_FORK && sc->target_pid > 0)
		nj_procbits_fork(sc->pid, (uint32_t)sc->target_pid);
	if (rs->pf && nj_prefilter_syscall_type_used(rs->pf, sc->type)) {
		nj_counter_add(c_events, 1);
		uint32_t nin = host_inputs(dt, &hv);
		uint32_t n = nj_prefilter_syscall_candidates(rs->pf, dt->pf, sc->type, dt->in, nin, &cand);
		for (uint32_t i = 0; i < n; i++) {
			const struct nj_rule *r = rs->rules[cand[i]];
			if (verify(dt, w, r, sc, &hv) && r->info.action == NJ_ACTION_PASS)
				break;
		}
	}
	if (sc->type == NJ_SC_EXIT)
		nj_procbits_exit(sc->pid);
}
