/* Verification of prefilter candidates and the detect stage.
 *
 * For each candidate rule: protocol, header addresses and ports, the
 * non-payload options, then each buffer's payload options with
 * backtracking (a content that matches early may match again further on
 * when a later relative option fails), then post-match actions and the
 * alert. Candidates come pass-first, so a matching pass rule silences the
 * alerts of the packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/alert.h"
#include "core/bus.h"
#include "core/counters.h"
#include "core/flow.h"
#include "core/packet.h"
#include "core/verdict.h"
#include "detect/addrport.h"
#include "core/process.h"
#include "detect/capture.h"
#include "detect/engine.h"
#include "detect/inspect_int.h"
#include "detect/keywords.h"
#include "detect/prefilter.h"
#include "detect/threshold.h"

static int c_alerts = -1, c_budget = -1;
static int c_inspected = -1, c_candidates = -1, c_xform = -1;

struct nj_detect_thread *nj_detect_thread_new(const struct nj_ruleset *rs)
{
	struct nj_detect_thread *dt = calloc(1, sizeof(*dt));

	if (!dt)
		return NULL;
	dt->rs = rs;
	if ((rs->pf && !(dt->pf = nj_pf_thread_new(rs->pf))) || !(dt->captures = nj_captures_new())) {
		nj_pf_thread_free(dt->pf);
		free(dt);
		return NULL;
	}
	/* the one field of a shared rule set that changes: how many threads
	 * inspect with it (a reload frees the old set once none does) */
	__atomic_add_fetch(&((struct nj_ruleset *)rs)->users, 1, __ATOMIC_ACQ_REL);
	if (c_alerts < 0) {
		c_alerts = nj_counter_register("detect.alert");
		c_inspected = nj_counter_register("prefilter.packets");
		c_candidates = nj_counter_register("prefilter.candidates");
		c_budget = nj_counter_register("prefilter.inspect_limit");
		c_xform = nj_counter_register("nightjar.detect.transform_nomem");
	}
	return dt;
}

void nj_detect_thread_free(struct nj_detect_thread *dt)
{
	if (!dt)
		return;
	__atomic_sub_fetch(&((struct nj_ruleset *)dt->rs)->users, 1, __ATOMIC_ACQ_REL);
	nj_pf_thread_free(dt->pf);
	nj_captures_free(dt->captures);
	free(dt->xbuf[0]);
	free(dt->xbuf[1]);
	free(dt->in);
	free(dt->gbuf);
	free(dt);
}

static bool stream_list(const struct nj_rule *r)
{
	for (uint16_t i = 0; i < r->nlists; i++)
		if (r->lists[i].buf == NJ_BUF_PKT || r->lists[i].buf == NJ_BUF_STREAM)
			return true;
	return false;
}

/* A rule that also inspects app-layer buffers is evaluated with the
 * transactions a packet updated: its payload is the in-order data that fed
 * them (p->stream), not the raw window (doc/stream.md). */
static bool app_rule(const struct nj_rule *r)
{
	return r->flags & NJ_RULE_APP_BUFS;
}

static bool proto_match(const struct nj_rule *r, const struct nj_packet *p)
{
	/* a flow-end pseudo-packet has the flow's ports but no header: only
	 * rules on its raw window see it, and rules with app-layer buffers
	 * the transactions it closes (as Suricata's pseudo-packets are TCP) */
	bool l4 = !(p->flags & NJ_PKT_IS_FRAGMENT) &&
		  (p->l4 || (p->raw_stream && stream_list(r) && !app_rule(r)) ||
		   (p->napp_txs && app_rule(r)));

	switch (r->proto) {
	case NJ_RPROTO_IP: return true;
	case NJ_RPROTO_TCP: case NJ_RPROTO_TCP_PKT: case NJ_RPROTO_TCP_STREAM:
		return l4 && p->proto == 6;
	case NJ_RPROTO_UDP: return l4 && p->proto == 17;
	case NJ_RPROTO_ICMP: return l4 && (p->proto == 1 || p->proto == 58);
	case NJ_RPROTO_ICMPV4: return l4 && p->proto == 1;
	case NJ_RPROTO_ICMPV6: return l4 && p->proto == 58;
	case NJ_RPROTO_SCTP: return p->proto == 132;
	case NJ_RPROTO_APP: return p->flow && nj_app_proto_is(p->flow->app_proto, r->app_proto);
	default: return false;
	}
}

static bool header_dir(const struct nj_rule *r, const struct nj_packet *p, bool ports, bool reverse)
{
	const struct nj_addr *s = reverse ? &p->dst : &p->src, *d = reverse ? &p->src : &p->dst;
	uint16_t sp = reverse ? p->dport : p->sport, dp = reverse ? p->sport : p->dport;

	if (!nj_addrset_match(r->src, s) || !nj_addrset_match(r->dst, d))
		return false;
	return !ports || (nj_portset_match(r->sp, sp) && nj_portset_match(r->dp, dp));
}

static bool header_match(const struct nj_rule *r, const struct nj_packet *p)
{
	bool ports = (p->proto == 6 || p->proto == 17) && !(p->flags & NJ_PKT_IS_FRAGMENT);

	if (header_dir(r, p, ports, false))
		return true;
	return (r->flags & NJ_RULE_BIDIR) && header_dir(r, p, ports, true);
}

/* Options i.. of one buffer's list, from the current cursor. */
static int inspect_list(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l,
			uint16_t i)
{
	if (i == l->n)
		return 1;
	const struct nj_opt *o = l->opts[i];
	if (dt->budget == 0)
		return 0;
	dt->budget--;
	if (!(o->kw->flags & NJ_KW_BACKTRACK)) {
		if (!o->kw->match(m, o->data))
			return 0;
		return inspect_list(dt, m, l, (uint16_t)(i + 1));
	}
	uint32_t cursor = m->cursor;
	m->from = 0;
	for (;;) {
		m->cursor = cursor;
		m->mstart = UINT32_MAX;
		if (!o->kw->match(m, o->data))
			return 0;
		/* A negated option matches nowhere in particular: it holds or
		 * not, with nothing to retry. */
		if (m->mstart == UINT32_MAX)
			return inspect_list(dt, m, l, (uint16_t)(i + 1));
		uint32_t next_from = m->mstart + 1;
		if (inspect_list(dt, m, l, (uint16_t)(i + 1)))
			return 1;
		if (dt->budget == 0 || next_from > m->len)
			return 0;
		dt->budget--;
		m->from = next_from;
	}
}

/* The stream data a rule's payload options inspect, if any. */
static const struct nj_stream_chunk *rule_stream(const struct nj_rule *r, const struct nj_packet *p)
{
	return app_rule(r) ? p->stream : p->raw_stream;
}

static bool want_packet(const struct nj_rule *r)
{
	return r->proto == NJ_RPROTO_TCP_PKT || (r->flags & NJ_RULE_NO_STREAM);
}

/* The packet's own payload, when the rule inspects it. Payload that
 * reassembly took is inspected once, as stream data, not also as this
 * (maybe out-of-order, maybe later replaced) packet; packet-only rules
 * (tcp-pkt, no_stream) see every segment, and so do rules Suricata also
 * runs on packets (NJ_RULE_ALSO_PACKET). */
static bool packet_payload(const struct nj_rule *r, const struct nj_packet *p, struct nj_buf *b)
{
	bool want_stream = r->proto == NJ_RPROTO_TCP_STREAM || (r->flags & NJ_RULE_ONLY_STREAM);

	if (want_stream || (p->flags & NJ_PKT_PSEUDO) ||
	    ((p->flags & NJ_PKT_IN_STREAM) && !want_packet(r) && !(r->flags & NJ_RULE_ALSO_PACKET)))
		return false;
	b->ptr = p->payload;
	b->len = p->payload_len;
	return true;
}

/* The bytes a rule's default payload options inspect: stream data (*c set,
 * b untouched) or the packet payload. */
static bool default_payload(const struct nj_rule *r, const struct nj_packet *p, struct nj_buf *b,
			    const struct nj_stream_chunk **c)
{
	*c = want_packet(r) ? NULL : rule_stream(r, p);
	return *c || packet_payload(r, p, b);
}

/* Applies the list's transforms to ptr/len in the thread's scratch.
 * Returns 0, or -1 when the scratch cannot grow. */
static int transform(struct nj_detect_thread *dt, const struct nj_payload_list *l, const uint8_t **ptr,
		     uint32_t *len)
{
	for (uint8_t i = 0; i < l->ntransforms; i++) {
		const struct nj_opt *o = l->transforms[i];
		int k = i & 1;
		uint64_t need = (uint64_t)*len + NJ_TRANSFORM_SLACK;
		if (need > UINT32_MAX)
			return -1;
		if (dt->xcap[k] < need) {
			uint8_t *nb = realloc(dt->xbuf[k], need);
			if (!nb)
				return -1;
			dt->xbuf[k] = nb;
			dt->xcap[k] = (uint32_t)need;
		}
		*len = o->kw->transform(o->data, *ptr, *len, dt->xbuf[k]);
		*ptr = dt->xbuf[k];
	}
	return 0;
}

int nj_inspect_buffer(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l,
		      const uint8_t *ptr, uint32_t len)
{
	if (l->ntransforms && transform(dt, l, &ptr, &len) < 0) {
		nj_counter_add(c_xform, 1);
		return 0;
	}
	m->buf = ptr;
	m->len = len;
	m->buf_id = l->buf;
	m->cursor = 0;
	m->from = 0;
	return inspect_list(dt, m, l, 0);
}

/* Whether rule r is tried on tx: once it alerted there, no more (one
 * alert per rule and transaction); once it ran out of inspection budget
 * there, not until the transaction is complete — a body that defeats the
 * rule's backtracking would otherwise cost the whole budget again on each
 * packet that makes it longer. */
static bool tx_open_to(const struct nj_app_tx *tx, const struct nj_rule *r)
{
	return !nj_varset_has(&tx->matched, r->num) &&
	       (nj_app_tx_complete(tx) || !nj_varset_has(&tx->matched, NJ_TX_KEY_EXHAUSTED | r->num));
}

/* App-layer buffers: any instance of any transaction of the packet. */
static int inspect_app(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l)
{
	const struct nj_packet *p = m->p;

	for (uint16_t t = 0; t < p->napp_txs; t++) {
		struct nj_app_tx *tx = p->app_txs[t];
		struct nj_buf b;
		/* every list of a rule must match in the same transaction */
		if ((m->tx && m->tx != tx) || !tx_open_to(tx, m->rule))
			continue;
		for (uint32_t idx = 0; tx->get_buffer && tx->get_buffer(tx, l->buf, idx, &b) == 1; idx++) {
			if (nj_inspect_buffer(dt, m, l, b.ptr, b.len)) {
				m->tx = tx;
				return 1;
			}
			if (dt->budget == 0) {
				nj_varset_add(&tx->matched, NJ_TX_KEY_EXHAUSTED | m->rule->num);
				return 0;
			}
		}
	}
	return 0;
}

int nj_inspect_host(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l)
{
	struct nj_buf b;

	return m->host && nj_host_buffer(m->host, l->buf, dt->host_scratch, &b) &&
	       nj_inspect_buffer(dt, m, l, b.ptr, b.len);
}

/* ipv4.hdr, ipv6.hdr, tcp.hdr, udp.hdr: the header as on the wire
 * (options included), when the packet has that header complete. */
static bool header_buffer(const struct nj_packet *p, int buf, struct nj_buf *b)
{
	uint32_t n;

	switch (buf) {
	case NJ_BUF_IPV4_HDR:
		if (p->ip_ver != 4 || !p->l3 || p->l3_len < 20)
			return false;
		n = (uint32_t)(p->l3[0] & 0x0f) * 4;
		b->ptr = p->l3;
		break;
	case NJ_BUF_IPV6_HDR:
		if (p->ip_ver != 6 || !p->l3)
			return false;
		n = 40;
		b->ptr = p->l3;
		break;
	case NJ_BUF_TCP_HDR:
		if (p->proto != 6 || !p->l4 || p->l4_len < 20 || (p->flags & NJ_PKT_IS_FRAGMENT))
			return false;
		n = (uint32_t)(p->l4[12] >> 4) * 4;
		b->ptr = p->l4;
		break;
	default:
		if (p->proto != 17 || !p->l4 || (p->flags & NJ_PKT_IS_FRAGMENT))
			return false;
		n = 8;
		b->ptr = p->l4;
		break;
	}
	if (buf == NJ_BUF_IPV4_HDR || buf == NJ_BUF_IPV6_HDR ? n > p->l3_len : n > p->l4_len)
		return false;
	b->len = n;
	return n > 0;
}

/* A raw window, run by run: a pattern never spans a hole. Data already
 * inspected as context of an earlier window does not alert again. */
static int inspect_stream(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l,
			  const struct nj_stream_chunk *c, const uint8_t **mp, uint32_t *mlen)
{
	const struct nj_stream_block one = { 0, c->len, 0 };
	const struct nj_stream_block *bl = c->nblocks ? c->blocks : &one;
	uint32_t n = c->nblocks ? c->nblocks : 1;

	m->stream = true;
	for (uint32_t i = 0; i < n; i++) {
		if (!nj_inspect_buffer(dt, m, l, c->data + bl[i].start, bl[i].len))
			continue;
		if (i == 0 && c->new_off && m->cursor <= c->new_off)
			continue;
		*mp = c->data;
		*mlen = c->len;
		return 1;
	}
	return 0;
}

static int inspect_payload(struct nj_detect_thread *dt, struct nj_match *m, const struct nj_payload_list *l,
			   const uint8_t **mp, uint32_t *mlen, const struct nj_stream_chunk **mc)
{
	const struct nj_packet *p = m->p;
	struct nj_buf b;

	switch (l->buf) {
	case NJ_BUF_PKT:
		if (!default_payload(m->rule, p, &b, mc))
			return 0;
		if (*mc && inspect_stream(dt, m, l, *mc, mp, mlen))
			return 1;
		/* no stream match: rules also run on packets try this one's */
		if (*mc && (!(m->rule->flags & NJ_RULE_ALSO_PACKET) || !packet_payload(m->rule, p, &b)))
			return 0;
		*mc = NULL;
		m->stream = false;
		break;
	case NJ_BUF_STREAM:
		*mc = rule_stream(m->rule, p);
		return *mc && inspect_stream(dt, m, l, *mc, mp, mlen);
	case NJ_BUF_IPV4_HDR: case NJ_BUF_IPV6_HDR: case NJ_BUF_TCP_HDR: case NJ_BUF_UDP_HDR:
		if (!header_buffer(p, l->buf, &b))
			return 0;
		return nj_inspect_buffer(dt, m, l, b.ptr, b.len);
	case NJ_BUF_BASE64_DATA:
		/* what the rule's last base64_decode decoded (an earlier list) */
		return m->b64 && nj_inspect_buffer(dt, m, l, m->b64, m->b64_len);
	default:
		if (nj_buf_is_host(l->buf))
			return nj_inspect_host(dt, m, l);
		return inspect_app(dt, m, l);
	}
	if (!nj_inspect_buffer(dt, m, l, b.ptr, b.len))
		return 0;
	*mp = b.ptr;
	*mlen = b.len;
	return 1;
}

/* The alert payload of a raw window with holes: its runs with each hole
 * written as "[N bytes missing]", as Suricata logs stream data. Falls back
 * to the bare bytes when the scratch cannot grow. */
static void gap_payload(struct nj_detect_thread *dt, const struct nj_stream_chunk *c,
			const uint8_t **payload, uint32_t *plen)
{
	char mark[48];
	uint64_t need = c->len + (uint64_t)c->nblocks * sizeof(mark);
	uint32_t used = 0;

	if (need > UINT32_MAX)
		return;
	if (dt->gcap < need) {
		uint8_t *nb = realloc(dt->gbuf, need);
		if (!nb)
			return;
		dt->gbuf = nb;
		dt->gcap = (uint32_t)need;
	}
	for (uint32_t i = 0; i < c->nblocks; i++) {
		const struct nj_stream_block *b = &c->blocks[i];
		if (b->gap) {
			int n = snprintf(mark, sizeof(mark), "[%llu bytes missing]",
					 (unsigned long long)b->gap);
			memcpy(dt->gbuf + used, mark, (size_t)n);
			used += (uint32_t)n;
		}
		memcpy(dt->gbuf + used, c->data + b->start, b->len);
		used += b->len;
	}
	*payload = dt->gbuf;
	*plen = used;
}

struct nj_captures *nj_detect_captures(struct nj_detect_thread *dt)
{
	return dt ? dt->captures : NULL;
}

void nj_inspect_emit(struct nj_worker *w, const struct nj_rule *r, uint8_t action, struct nj_alert *a)
{
	struct nj_rule_info changed;

	a->rule = &r->info;
	/* a rate_filter changed the action: report it with the new one */
	if (action != r->info.action) {
		changed = r->info;
		changed.action = action;
		a->rule = &changed;
	}
	nj_counter_add(c_alerts, 1);
	nj_alert_emit(w, a);
}

static void emit(struct nj_detect_thread *dt, struct nj_worker *w, const struct nj_rule *r,
		 uint8_t action, struct nj_packet *p,
		 const struct nj_app_tx *tx, const uint8_t *payload, uint32_t plen, bool stream,
		 bool blocked)
{
	struct nj_alert a = {
		.ts = p->ts,
		.p = p,
		.flow = p->flow,
		.tx = tx ? tx : (p->napp_txs ? p->app_txs[0] : NULL),
		.stream = stream,
		.blocked = blocked,
		.payload = payload ? payload : p->payload,
		.payload_len = payload ? plen : p->payload_len,
		.pkt_src = (p->flags & NJ_PKT_PSEUDO) ? "stream (flow timeout)" : "wire/pcap",
	};

	nj_captures_view(dt->captures, p->flow, &dt->rs->build, &a);
	if (p->flow)
		p->flow->alerted = true;
	nj_inspect_emit(w, r, action, &a);
}

int nj_inspect_checks(const struct nj_rule *r, struct nj_match *m)
{
	nj_captures_rule(m->dt->captures);
	for (uint16_t i = 0; i < r->nchecks; i++)
		if (!r->checks[i]->kw->match(m, r->checks[i]->data))
			return 0;
	m->dt->budget = INSPECT_BUDGET;
	return 1;
}

int nj_inspect_list_failed(struct nj_detect_thread *dt)
{
	if (dt->budget == 0)
		nj_counter_add(c_budget, 1);
	return 0;
}

bool nj_inspect_matched(const struct nj_rule *r, struct nj_match *m)
{
	if (m->tx)
		nj_varset_add(&m->tx->matched, r->num);
	nj_captures_commit(m->dt->captures, m->flow);
	for (uint16_t i = 0; i < r->nposts; i++)
		r->posts[i]->kw->post(m, r->posts[i]->data);
	return r->info.action != NJ_ACTION_PASS;
}

/* Drop and reject act only in (simulated) IPS mode. */
static bool blocks(uint8_t action)
{
	return nj_verdict_ips() && (action == NJ_ACTION_DROP || action == NJ_ACTION_REJECT);
}

/* The local process of the packet's flow, for proc.* and process checks. */
static const struct nj_host_view *flow_host(const struct nj_packet *p, struct nj_host_view *v)
{
	const struct nj_proc_owner *o = p->flow ? p->flow->owner : NULL;

	if (!o)
		return NULL;
	*v = (struct nj_host_view){ NULL, &o->p, o->pcmdline };
	return v;
}


/* Returns 1 when the rule matched (whether or not it alerted). */
static int verify(struct nj_detect_thread *dt, struct nj_worker *w, const struct nj_rule *r, struct nj_packet *p)
{
	struct nj_host_view hv;
	struct nj_match m = { .dt = dt, .rule = r, .p = p, .flow = p->flow, .host = flow_host(p, &hv) };
	const uint8_t *payload = NULL;
	uint32_t plen = 0;
	bool stream = false;
	const struct nj_stream_chunk *chunk = NULL;

	if (!proto_match(r, p) || !header_match(r, p) || !nj_inspect_checks(r, &m))
		return 0;
	for (uint16_t i = 0; i < r->nlists; i++) {
		const uint8_t *mp = NULL;
		uint32_t ml = 0;
		const struct nj_stream_chunk *mc = NULL;
		m.stream = false;
		if (!inspect_payload(dt, &m, &r->lists[i], &mp, &ml, &mc))
			return nj_inspect_list_failed(dt);
		if (!payload && (r->lists[i].buf == NJ_BUF_PKT || r->lists[i].buf == NJ_BUF_STREAM)) {
			payload = mp;
			plen = ml;
			stream = m.stream;
			chunk = mc;
		}
	}
	if (!nj_inspect_matched(r, &m))
		return 1;
	/* Thresholds gate the alert and the drop only: the rule matched and
	 * its post-match actions (flowbits) took effect either way. */
	uint8_t action = r->info.action;
	struct nj_gate_subject subj = { p->ts, &p->src, &p->dst, p->flow ? p->flow->flow_id : 0,
					m.host ? m.host->proc->pid : 0 };
	if (r->gate && (!nj_gate_check(dt->rs->thr, r, &subj, &action) || action == NJ_ACTION_PASS))
		return 1;
	if (chunk && chunk->nblocks && chunk->has_gap)
		gap_payload(dt, chunk, &payload, &plen);
	bool blocked = blocks(action);
	if (blocked)
		nj_packet_drop(p, NJ_DROP_RULES, &r->info);
	if (!(r->flags & NJ_RULE_NOALERT))
		emit(dt, w, r, action, p, m.tx, payload, plen, stream, blocked);
	return 1;
}

void nj_inspect_add_input(struct nj_detect_thread *dt, uint32_t *nin, int buf, const uint8_t *ptr,
			  uint32_t len, uint8_t mask)
{
	if (*nin == dt->incap) {
		uint32_t cap = dt->incap ? dt->incap * 2 : 16;
		struct nj_pf_input *ni = realloc(dt->in, cap * sizeof(*ni));
		if (!ni)
			return;         /* inspected without those inputs */
		dt->in = ni;
		dt->incap = cap;
	}
	dt->in[(*nin)++] = (struct nj_pf_input){ buf, ptr, len, mask };
}

/* Every instance of every app-layer buffer the rule set prefilters on,
 * from the transactions this packet updated. */
static void add_app_inputs(struct nj_detect_thread *dt, const struct nj_packet *p, uint32_t *nin)
{
	const bool *used = nj_prefilter_buffers(dt->rs->pf);

	for (uint16_t t = 0; t < p->napp_txs; t++) {
		const struct nj_app_tx *tx = p->app_txs[t];
		if (!tx->get_buffer)
			continue;
		for (int b = NJ_BUF_STREAM + 1; b < NJ_BUF_STREAM_INORDER; b++) {
			struct nj_buf buf;
			if (!used[b])
				continue;
			for (uint32_t idx = 0; tx->get_buffer(tx, b, idx, &buf) == 1; idx++)
				nj_inspect_add_input(dt, nin, b, buf.ptr, buf.len, 0);
		}
	}
}

void nj_detect_packet(struct nj_detect_thread *dt, struct nj_worker *w, struct nj_packet *p)
{
	const struct nj_ruleset *rs = dt->rs;
	uint32_t nin = 0;
	const uint32_t *cand;
	uint32_t n;

	/* A bad checksum (flagged only with -k all) keeps a segment out of
	 * reassembly, but the packet itself is still inspected, as Suricata
	 * does. */
	if (!p->ip_ver || !rs->pf || (p->flags & NJ_PKT_NO_INSPECT))
		return;
	nj_counter_add(c_inspected, 1);
	nj_captures_packet(dt->captures);
	/* stream data: the raw window, and the in-order chunk that rules with
	 * app-layer buffers inspect (stream.inorder, prefilter.c) */
	const struct nj_stream_chunk *cs[2] = { p->raw_stream, p->stream };
	for (int i = 0; i < 2; i++) {
		if (!cs[i])
			continue;
		if (i == 1)
			nj_inspect_add_input(dt, &nin, NJ_BUF_STREAM_INORDER, cs[i]->data, cs[i]->len, 0);
		if (i == 1 && !nj_prefilter_inorder_as_pkt(rs->pf))
			continue;
		nj_inspect_add_input(dt, &nin, NJ_BUF_PKT, cs[i]->data, cs[i]->len, (uint8_t)~(1u << NJ_PC_TCP_PKT));
		nj_inspect_add_input(dt, &nin, NJ_BUF_STREAM, cs[i]->data, cs[i]->len, 0);
	}
	/* a packet reassembly took: tcp-pkt rules, and the rules that see
	 * packets too (pkt.instream, prefilter.c), inspect its payload */
	if (p->raw_stream || p->stream || (p->flags & NJ_PKT_IN_STREAM)) {
		nj_inspect_add_input(dt, &nin, NJ_BUF_PKT, p->payload, p->payload_len,
				     (uint8_t)(1u << NJ_PC_TCP_PKT));
		if (nj_prefilter_buffers(rs->pf)[NJ_BUF_PKT_INSTREAM])
			nj_inspect_add_input(dt, &nin, NJ_BUF_PKT_INSTREAM, p->payload, p->payload_len, 0);
	} else
		nj_inspect_add_input(dt, &nin, NJ_BUF_PKT, p->payload, p->payload_len, 0);
	if (p->napp_txs)
		add_app_inputs(dt, p, &nin);
	n = nj_prefilter_candidates(rs->pf, dt->pf, p, dt->in, nin, &cand);
	nj_counter_add(c_candidates, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct nj_rule *r = rs->rules[cand[i]];
		if (verify(dt, w, r, p) && r->info.action == NJ_ACTION_PASS)
			break;
	}
}

/* ---- the bus stage ---- */

static struct nj_ruleset *current;

void nj_detect_set_ruleset(struct nj_ruleset *rs)
{
	__atomic_store_n(&current, rs, __ATOMIC_RELEASE);
}

struct nj_ruleset *nj_detect_ruleset(void)
{
	return __atomic_load_n(&current, __ATOMIC_ACQUIRE);
}

bool nj_ruleset_in_use(const struct nj_ruleset *rs)
{
	return __atomic_load_n(&rs->users, __ATOMIC_ACQUIRE) != 0;
}

/* A worker's per-thread state follows the current rule set: rebuilt when a
 * reload swapped it, so the old set loses its last user and can be freed. */
static struct nj_detect_thread *sync_thread(struct nj_worker *w, struct nj_detect_thread *dt)
{
	struct nj_ruleset *rs = nj_detect_ruleset();

	if (dt && dt->rs == rs)
		return dt;
	nj_detect_thread_free(dt);
	dt = rs ? nj_detect_thread_new(rs) : NULL;
	w->ctx[NJ_STAGE_DETECT] = dt;
	return dt;
}

void nj_detect_sync(struct nj_worker *w)
{
	sync_thread(w, w->ctx[NJ_STAGE_DETECT]);
}

static int stage_init(struct nj_worker *w, void **ctx)
{
	*ctx = NULL;
	return 0;
}

static void stage_fini(struct nj_worker *w, void *ctx)
{
	nj_detect_thread_free(ctx);
}

static int stage_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct nj_detect_thread *dt = sync_thread(w, ctx);

	if (ev->kind == NJ_EV_SYSCALL) {
		if (dt)
			nj_detect_syscall(dt, w, ev->sc);
		return NJ_BUS_CONTINUE;
	}
	struct nj_packet *p = ev->pkt;
	/* a dropped flow is not inspected any more, not even its flush at
	 * flow end */
	if (dt && !(p->flow && p->flow->drop))
		nj_detect_packet(dt, w, p);
	return (p->flags & NJ_PKT_DROP) ? NJ_BUS_DROP : NJ_BUS_CONTINUE;
}

static const struct nj_stage detect_stage = {
	.name = "detect",
	.order = NJ_STAGE_DETECT,
	.kinds = NJ_KIND(NJ_EV_PACKET) | NJ_KIND(NJ_EV_SYSCALL),
	.thread_init = stage_init,
	.thread_fini = stage_fini,
	.handle = stage_handle,
};

int nj_detect_stage_register(void)
{
	int rc = nj_flow_on_end(nj_detect_flow_free);

	return rc < 0 ? rc : nj_bus_register(&detect_stage);
}
