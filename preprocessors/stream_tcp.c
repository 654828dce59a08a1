/* TCP session tracking (RFC 9293 state machine as seen by a passive
 * observer) and the stream stage that feeds reassembled data to detection. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/packet.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/host_policy.h"
#include "decode/events.h"
#include "preprocessors/stream.h"
#include "preprocessors/stream_inline.h"
#include "preprocessors/stream_reassembly.h"

/* One side of the session: the bytes that side sends. d[0] is the client's
 * (to_server), d[1] the server's (to_client). */
struct tcp_side {
	struct nj_reasm r;
	uint32_t isn;           /* offset 0 is isn + 1 */
	uint32_t next_seq;      /* highest seq + len sent */
	uint32_t last_ack;      /* last ack this side sent */
	uint32_t win;           /* window this side advertised, scaled */
	uint32_t fin_seq;       /* seq of this side's FIN */
	uint8_t wscale;         /* 0xff when not offered */
	bool isn_known, ack_known, fin_seen, fin_acked, depth_hit;
};

struct tcp_session {
	struct tcp_side d[2];
	uint8_t state;          /* enum nj_tcp_state */
	bool midstream, simopen;
	bool guessed;           /* picked up without a SYN or SYN/ACK: the
				 * client is whoever was seen first */
};

struct stream_thread {
	struct nj_reasm_mem mem;
	uint64_t ssn_mem;
	uint64_t mem_peak;       /* high-water mark of sessions + segments */
	struct nj_stream_chunk chunk;   /* in order, for the parsers */
	struct nj_stream_chunk raw;     /* raw window, for stream rules */
	void *scratch;          /* p->worker of the packets handled, for pseudo-packets */
	struct nj_pkt_copy rewritten;   /* inline mode: the packet as normalised */
	bool resent;            /* inline mode: this packet's data starts before the */
	uint64_t resent_off;    /* raw window's progress, at this offset */
};

static struct {
	bool midstream, inline_mode, async_oneside;
	uint64_t memcap, reasm_memcap, depth;
	uint32_t inspect_overlap;
	int policy;
	struct nj_host_policy hosts;
} conf;

static struct {
	int sessions, memuse, reasm_memuse, memuse_peak, ssn_memcap_drop, seg_memcap_drop, gap, overlap,
		overlap_diff, bad_csum, midstream, no_session, pseudo, depth, reuse;
} ctr;

static const char *state_names[] = {
	"none", "syn_sent", "syn_recv", "established", "fin_wait1", "fin_wait2",
	"closing", "close_wait", "last_ack", "time_wait", "closed",
};

const char *nj_tcp_state_name(int state)
{
	if (state < 0 || state > NJ_TCP_CLOSED)
		return "unknown";
	return state_names[state];
}

static bool seq_lt(uint32_t a, uint32_t b)
{
	return (int32_t)(a - b) < 0;
}

/* Stream offset of seq for side s, relative to what was delivered, so that
 * offsets keep growing past 4 GiB. Returns false for seq before offset 0. */
static bool seq_to_off(const struct tcp_side *s, uint32_t seq, uint64_t *off)
{
	uint32_t base = s->isn + 1 + (uint32_t)s->r.next_off;
	int64_t o = (int64_t)s->r.next_off + (int32_t)(seq - base);

	if (o < 0)
		return false;
	*off = (uint64_t)o;
	return true;
}

static void update_mem(struct stream_thread *th)
{
	uint64_t total = th->ssn_mem + th->mem.used;

	nj_counter_set(ctr.memuse, th->ssn_mem);
	nj_counter_set(ctr.reasm_memuse, th->mem.used);
	if (total > th->mem_peak) {
		th->mem_peak = total;
		nj_counter_set(ctr.memuse_peak, total);
	}
}

/* Inline, whatever the target: the stream keeps the bytes it accepted
 * first and later copies are rewritten to them (stream_inline.h). */
static int policy_for(const struct nj_flow *f)
{
	if (conf.inline_mode)
		return NJ_POLICY_FIRST;
	const struct nj_host_policy_entry *e = nj_host_policy_find(&conf.hosts, &f->server);
	return e ? e->policy : conf.policy;
}

static struct tcp_session *session_new(struct stream_thread *th, struct nj_flow *f)
{
	struct tcp_session *s;

	if (conf.memcap && th->ssn_mem + sizeof(*s) > conf.memcap) {
		nj_counter_add(ctr.ssn_memcap_drop, 1);
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		nj_counter_add(ctr.ssn_memcap_drop, 1);
		return NULL;
	}
	int policy = policy_for(f);
	for (int i = 0; i < 2; i++) {
		nj_reasm_init(&s->d[i].r, policy, conf.depth);
		s->d[i].wscale = 0xff;
	}
	th->ssn_mem += sizeof(*s);
	nj_counter_add(ctr.sessions, 1);
	update_mem(th);
	f->stream = s;
	return s;
}

static void session_free(struct stream_thread *th, struct nj_flow *f)
{
	struct tcp_session *s = f->stream;

	if (!s)
		return;
	for (int i = 0; i < 2; i++)
		nj_reasm_free(&s->d[i].r, &th->mem);
	free(s);
	th->ssn_mem -= sizeof(*s);
	f->stream = NULL;
	update_mem(th);
}

static void side_set_isn(struct tcp_side *d, uint32_t isn)
{
	d->isn = isn;
	d->next_seq = isn + 1;
	d->isn_known = true;
}

/* Creates the session for the flow's first TCP packet we track: a SYN, or
 * anything when midstream pickup is on. */
static struct tcp_session *session_start(struct stream_thread *th, struct nj_flow *f,
					 const struct nj_packet *p, int me)
{
	uint8_t fl = p->tcp.flags;
	struct tcp_session *s;

	if ((fl & (NJ_TH_SYN | NJ_TH_ACK)) == NJ_TH_SYN) {
		if (!(s = session_new(th, f)))
			return NULL;
		side_set_isn(&s->d[me], p->tcp.seq);
		s->d[me].wscale = p->tcp.wscale;
		s->state = NJ_TCP_SYN_SENT;
		return s;
	}
	if (!conf.midstream || (fl & NJ_TH_RST)) {
		nj_counter_add(ctr.no_session, 1);
		return NULL;
	}
	if (!(s = session_new(th, f)))
		return NULL;
	nj_counter_add(ctr.midstream, 1);
	s->midstream = true;
	if (fl & NJ_TH_SYN) {           /* SYN/ACK: the SYN went by unseen */
		side_set_isn(&s->d[me], p->tcp.seq);
		side_set_isn(&s->d[!me], p->tcp.ack - 1);
		s->state = NJ_TCP_SYN_RECV;
	} else {
		side_set_isn(&s->d[me], p->tcp.seq - 1);
		if (fl & NJ_TH_ACK)
			side_set_isn(&s->d[!me], p->tcp.ack - 1);
		s->state = NJ_TCP_ESTABLISHED;
		s->guessed = true;
	}
	return s;
}

bool nj_stream_direction_guessed(const struct nj_flow *f)
{
	const struct tcp_session *s = f && f->proto == 6 ? f->stream : NULL;

	return s && s->guessed;
}

static void handshake(struct tcp_session *s, struct nj_packet *p, int me)
{
	struct tcp_side *a = &s->d[me], *b = &s->d[!me];
	uint8_t fl = p->tcp.flags & (NJ_TH_SYN | NJ_TH_ACK | NJ_TH_RST | NJ_TH_FIN);

	if (s->state == NJ_TCP_SYN_SENT) {
		if (me == 0 && fl == NJ_TH_SYN) {
			if (p->tcp.seq != a->isn) {
				nj_decode_event_add(p, NJ_DEV_STREAM_3WHS_SYN_RESEND_DIFF_SEQ);
				side_set_isn(a, p->tcp.seq);
			}
		} else if (me == 0 && fl == (NJ_TH_SYN | NJ_TH_ACK)) {
			nj_decode_event_add(p, NJ_DEV_STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION);
		} else if (me == 1 && fl == (NJ_TH_SYN | NJ_TH_ACK)) {
			/* with TCP Fast Open the SYN/ACK may also acknowledge
			 * the data the SYN carried */
			if (seq_lt(p->tcp.ack, b->isn + 1) || seq_lt(b->next_seq, p->tcp.ack)) {
				nj_decode_event_add(p, NJ_DEV_STREAM_3WHS_SYNACK_WITH_WRONG_ACK);
				return;
			}
			side_set_isn(a, p->tcp.seq);
			a->wscale = p->tcp.wscale;
			s->state = NJ_TCP_SYN_RECV;
		} else if (me == 1 && fl == NJ_TH_SYN) {
			/* simultaneous open: both sides sent a SYN */
			side_set_isn(a, p->tcp.seq);
			a->wscale = p->tcp.wscale;
			s->simopen = true;
			s->state = NJ_TCP_SYN_RECV;
		} else if (me == 0 && fl == NJ_TH_ACK && conf.async_oneside &&
			   p->tcp.seq == a->isn + 1) {
			/* asymmetric routing: the server's SYN/ACK takes
			 * another path; its ACK number stands for it */
			side_set_isn(b, p->tcp.ack - 1);
			s->state = NJ_TCP_ESTABLISHED;
		}
		return;
	}
	/* SYN_RECV: the client's ACK of the server's SYN completes the
	 * handshake; in a simultaneous open either side's ACK or SYN/ACK does. */
	/* the ACK may also cover data the SYN/ACK carried (TCP Fast Open) */
	bool acks_syn = b->isn_known && !seq_lt(p->tcp.ack, b->isn + 1) &&
			!seq_lt(b->next_seq, p->tcp.ack);
	if (fl == NJ_TH_ACK && (me == 0 || s->simopen)) {
		if (acks_syn)
			s->state = NJ_TCP_ESTABLISHED;
		else
			nj_decode_event_add(p, NJ_DEV_STREAM_3WHS_WRONG_SEQ_WRONG_ACK);
	} else if (s->simopen && fl == (NJ_TH_SYN | NJ_TH_ACK) && acks_syn) {
		s->state = NJ_TCP_ESTABLISHED;
	}
}

static bool rst_valid(const struct tcp_session *s, const struct nj_packet *p, int me)
{
	const struct tcp_side *a = &s->d[me], *b = &s->d[!me];

	if (s->state == NJ_TCP_SYN_SENT)   /* reply to a SYN: must ACK it */
		return me == 1 && (p->tcp.flags & NJ_TH_ACK) && p->tcp.ack == b->isn + 1;
	if (!a->isn_known)
		return false;
	uint32_t win = b->ack_known && b->win > 65535 ? b->win : 65535;
	int32_t d = (int32_t)(p->tcp.seq - a->next_seq);
	if (d < 0)
		d = -d;
	return (uint32_t)d <= win;
}

static void teardown_state(struct tcp_session *s)
{
	const struct tcp_side *c = &s->d[0], *v = &s->d[1];

	if (s->state < NJ_TCP_ESTABLISHED || s->state == NJ_TCP_CLOSED)
		return;
	if (c->fin_seen && v->fin_seen) {
		if (c->fin_acked && v->fin_acked)
			s->state = NJ_TCP_CLOSED;
		else if (c->fin_acked || v->fin_acked)
			s->state = NJ_TCP_LAST_ACK;
		else
			s->state = NJ_TCP_CLOSING;
	} else if (c->fin_seen) {
		s->state = c->fin_acked ? NJ_TCP_FIN_WAIT2 : NJ_TCP_FIN_WAIT1;
	} else if (v->fin_seen) {
		s->state = NJ_TCP_CLOSE_WAIT;
	}
}

/* Flow reversed (flow_reverse.c): the halves change places, the overlap
 * policy becomes the new server's, the teardown state is read from the
 * swapped sides, and the chunks this packet carries take its new
 * direction. The direction is no longer a guess. */
static void stream_flow_reversed(struct nj_flow *f, struct nj_packet *p)
{
	struct tcp_session *s = f->proto == 6 ? f->stream : NULL;
	struct nj_worker *w = p ? p->worker : NULL;
	struct stream_thread *th = w ? w->ctx[NJ_STAGE_STREAM] : NULL;

	if (!s)
		return;
	struct tcp_side t = s->d[0];
	s->d[0] = s->d[1];
	s->d[1] = t;
	s->guessed = false;
	int policy = policy_for(f);
	for (int i = 0; i < 2; i++)
		s->d[i].r.policy = (uint8_t)policy;
	teardown_state(s);
	f->tcp_state = s->state;
	if (th && p->stream == &th->chunk)
		th->chunk.dir = p->dir;
	if (th && p->raw_stream == &th->raw)
		th->raw.dir = p->dir;
}

/* Offset up to which the peer of side me acknowledged its data (the FIN
 * takes a number but carries no byte; what was never seen cannot have been
 * acknowledged). Returns false while the peer sent no ACK. */
static bool acked_off(const struct tcp_session *s, int me, uint64_t *off)
{
	const struct tcp_side *a = &s->d[me], *b = &s->d[!me];

	if (!b->ack_known || !a->isn_known)
		return false;
	uint32_t ack = b->last_ack;
	if (a->fin_seen && !seq_lt(ack, a->fin_seq))
		ack = a->fin_seq;
	if (seq_lt(a->next_seq, ack))
		ack = a->next_seq;
	return seq_to_off(a, ack, off);
}

/* The packet's ACK: window, FIN acknowledgement, and gap detection (the
 * receiver acknowledged bytes we never saw). */
static void handle_ack(struct tcp_session *s, const struct nj_packet *p, int me)
{
	struct tcp_side *a = &s->d[me], *b = &s->d[!me];
	uint64_t ack_off;

	a->last_ack = p->tcp.ack;
	a->ack_known = true;
	bool scaled = !(p->tcp.flags & NJ_TH_SYN) && a->wscale != 0xff && b->wscale != 0xff;
	a->win = (uint32_t)p->tcp.win << (scaled ? (a->wscale > 14 ? 14 : a->wscale) : 0);
	if (b->fin_seen && p->tcp.ack == b->fin_seq + 1)
		b->fin_acked = true;
	if (s->state < NJ_TCP_ESTABLISHED)
		return;
	if (acked_off(s, !me, &ack_off) && nj_reasm_ack_gap(&b->r, ack_off))
		nj_counter_add(ctr.gap, 1);
}

static bool in_window(const struct tcp_session *s, const struct nj_packet *p, int me)
{
	const struct tcp_side *b = &s->d[!me];

	if (s->midstream || !b->ack_known)
		return true;
	uint32_t right = b->last_ack + (b->win ? b->win : 1);
	return !seq_lt(right, p->tcp.seq);
}

/* Whether the packet's data belongs to the stream: after the handshake
 * began, or on the SYN (or SYN/ACK) that set the side's ISN (TCP Fast
 * Open: the data follows the SYN's own sequence number). */
static bool data_accepted(const struct tcp_session *s, const struct nj_packet *p, int me)
{
	const struct tcp_side *a = &s->d[me];

	if (!a->isn_known || s->state == NJ_TCP_CLOSED)
		return false;
	if (p->tcp.flags & NJ_TH_SYN)
		return p->tcp.seq == a->isn;
	return s->state >= NJ_TCP_SYN_RECV;
}

/* Inline mode: the packet carries what the stream kept, and data sent
 * again is inspected again, in the stream (deliver). */
static void inline_data(struct stream_thread *th, struct nj_packet *p, const struct nj_reasm *r,
			uint64_t off, unsigned res)
{
	/* without memory for the copy the packet passes as captured */
	if (res & NJ_REASM_OVERLAP_DIFF)
		(void)nj_stream_inline_normalise(p, &th->rewritten, r, off);
	if ((p->flags & NJ_PKT_IN_STREAM) && off < r->raw_off) {
		th->resent = true;
		th->resent_off = off;
	}
}

static void handle_data(struct stream_thread *th, struct tcp_session *s, struct nj_packet *p,
			int me)
{
	struct tcp_side *a = &s->d[me];
	uint32_t seq = p->tcp.seq + ((p->tcp.flags & NJ_TH_SYN) ? 1 : 0);
	uint64_t off;
	unsigned res;

	if (!data_accepted(s, p, me))
		return;
	if (!in_window(s, p, me)) {
		nj_decode_event_add(p, NJ_DEV_STREAM_EST_PACKET_OUT_OF_WINDOW);
		return;
	}
	if (!seq_to_off(a, seq, &off))
		return;
	uint32_t end = seq + p->payload_len;
	if (seq_lt(a->next_seq, end))
		a->next_seq = end;
	if (nj_reasm_insert(&a->r, &th->mem, off, p->payload, p->payload_len, &res) < 0)
		nj_counter_add(ctr.seg_memcap_drop, 1);
	else if (!(res & NJ_REASM_DEPTH) && p->payload_len)
		p->flags |= NJ_PKT_IN_STREAM;
	if (conf.inline_mode)
		inline_data(th, p, &a->r, off, res);
	if (res & NJ_REASM_OVERLAP)
		nj_counter_add(ctr.overlap, 1);
	if (res & NJ_REASM_OVERLAP_DIFF) {
		nj_counter_add(ctr.overlap_diff, 1);
		nj_decode_event_add(p, NJ_DEV_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA);
	}
	if ((res & NJ_REASM_DEPTH) && !a->depth_hit) {
		a->depth_hit = true;
		nj_counter_add(ctr.depth, 1);
	}
}

static void track(struct stream_thread *th, struct nj_flow *f, struct nj_packet *p)
{
	int me = p->dir == NJ_DIR_TO_CLIENT ? 1 : 0;
	struct tcp_session *s = f->stream;
	uint8_t fl = p->tcp.flags;

	/* A new SYN on a closed session reuses the ports: start over. */
	if (s && s->state == NJ_TCP_CLOSED && (fl & (NJ_TH_SYN | NJ_TH_ACK | NJ_TH_RST)) == NJ_TH_SYN) {
		session_free(th, f);
		s = NULL;
		nj_counter_add(ctr.reuse, 1);
	}
	if (!s && !(s = session_start(th, f, p, me)))
		return;
	uint8_t was = s->state;
	struct tcp_side *a = &s->d[me];

	if (fl & NJ_TH_RST) {
		if (rst_valid(s, p, me))
			s->state = NJ_TCP_CLOSED;
		else
			nj_decode_event_add(p, NJ_DEV_STREAM_RST_INVALID);
	} else {
		if (s->state == NJ_TCP_SYN_SENT || s->state == NJ_TCP_SYN_RECV)
			handshake(s, p, me);
		if ((fl & NJ_TH_ACK) && s->state != NJ_TCP_SYN_SENT)
			handle_ack(s, p, me);
		if (p->payload_len)
			handle_data(th, s, p, me);
		if ((fl & NJ_TH_FIN) && s->state >= NJ_TCP_ESTABLISHED && a->isn_known &&
		    !a->fin_seen) {
			a->fin_seen = true;
			a->fin_seq = p->tcp.seq + p->payload_len;
			if (seq_lt(a->next_seq, a->fin_seq + 1))
				a->next_seq = a->fin_seq + 1;
		}
		teardown_state(s);
	}

	f->tcp_state = s->state;
	bool est_now = s->state >= NJ_TCP_ESTABLISHED && s->state != NJ_TCP_CLOSED;
	bool est_was = was >= NJ_TCP_ESTABLISHED && was != NJ_TCP_CLOSED;
	if (est_now || est_was)
		p->flags |= NJ_PKT_FLOW_ESTABLISHED | NJ_PKT_STREAM_EST;
	else
		p->flags &= ~(uint32_t)NJ_PKT_FLOW_ESTABLISHED;
	if (s->state == NJ_TCP_CLOSED)
		f->state = NJ_FLOW_CLOSED;
	else if (s->state >= NJ_TCP_ESTABLISHED)
		f->state = NJ_FLOW_ESTABLISHED;
}

/* Where the raw window of side me may end: what the receiver acknowledged
 * (an IDS sees what the host accepted), or in inline mode also everything
 * in order (an IPS inspects data before it forwards it). */
static bool raw_limit(const struct tcp_session *s, int me, uint64_t *limit)
{
	bool acked = acked_off(s, me, limit);

	if (!conf.inline_mode)
		return acked;
	if (!acked || *limit < s->d[me].r.next_off)
		*limit = s->d[me].r.next_off;
	return true;
}

/* Inline mode, a packet that sent inspected data again: stream rules see it
 * in the stream as kept, its bytes counting as new. When the packet also
 * brought new data, the window built for that data starts the new part at
 * the packet's first byte if the context reaches back to it; otherwise a
 * window of the held context is built (nj_reasm_raw_again). */
static void deliver_resent(struct stream_thread *th, struct nj_reasm *r, struct nj_packet *p)
{
	uint64_t off = th->resent_off;

	if (p->raw_stream) {
		if (off < th->raw.offset + th->raw.new_off)
			th->raw.new_off = off > th->raw.offset ? (uint32_t)(off - th->raw.offset) : 0;
		return;
	}
	if (nj_reasm_raw_again(r, conf.inspect_overlap, off, &th->raw) == 1) {
		th->raw.dir = p->dir;
		p->raw_stream = &th->raw;
	}
}

/* Attaches the in-order data this packet made available in its direction,
 * and the raw window: its direction's data up to the raw limit that was
 * not inspected yet (doc/stream.md). */
static void deliver(struct stream_thread *th, struct nj_flow *f, struct nj_packet *p)
{
	struct tcp_session *s = f->stream;
	int me = p->dir == NJ_DIR_TO_CLIENT ? 1 : 0;
	uint64_t limit;

	if (!s)
		return;
	struct nj_reasm *r = &s->d[me].r;
	if (nj_reasm_ready(r) &&
	    nj_reasm_deliver(r, &th->mem, conf.inspect_overlap, false, &th->chunk) == 1) {
		th->chunk.dir = p->dir;
		p->stream = &th->chunk;
	}
	if (raw_limit(s, me, &limit) &&
	    nj_reasm_raw_deliver(r, &th->mem, conf.inspect_overlap, limit, &th->raw) == 1) {
		th->raw.dir = p->dir;
		p->raw_stream = &th->raw;
	}
	if (th->resent)
		deliver_resent(th, r, p);
}

static void dispatch_flush(struct nj_worker *w, struct stream_thread *th, struct nj_flow *f,
			   uint8_t dir, const struct nj_stream_chunk *c, bool raw);

/* Data of the other direction that this packet's ACK made deliverable (it
 * declared a hole lost) goes to the parsers first, on a pseudo-packet of
 * that direction, as Suricata reassembles the acknowledged direction
 * before the packet's own: a request seen after a hole is then parsed
 * before the response that acknowledges it. */
static void deliver_opposite(struct nj_worker *w, struct stream_thread *th, struct nj_flow *f,
			     const struct nj_packet *p)
{
	struct tcp_session *s = f->stream;
	int other = p->dir == NJ_DIR_TO_CLIENT ? 0 : 1;

	if (!s || !nj_reasm_ready(&s->d[other].r))
		return;
	if (nj_reasm_deliver(&s->d[other].r, &th->mem, conf.inspect_overlap, false, &th->chunk) != 1)
		return;
	th->chunk.dir = other ? NJ_DIR_TO_CLIENT : NJ_DIR_TO_SERVER;
	th->chunk.flow_end = false;
	dispatch_flush(w, th, f, th->chunk.dir, &th->chunk, false);
}

static int stream_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct stream_thread *th = ctx;
	struct nj_packet *p = ev->pkt;

	if (!p || p->proto != 6 || !p->flow || p->flow->proto != 6 ||
	    (p->flags & (NJ_PKT_IS_FRAGMENT | NJ_PKT_PSEUDO)) || !p->l4)
		return NJ_BUS_CONTINUE;
	if (p->worker)
		th->scratch = p->worker;
	th->resent = false;
	if (p->flags & NJ_PKT_L4_CSUM_BAD) {
		nj_counter_add(ctr.bad_csum, 1);
		return NJ_BUS_CONTINUE;
	}
	track(th, p->flow, p);
	deliver_opposite(w, th, p->flow, p);
	deliver(th, p->flow, p);
	update_mem(th);
	return NJ_BUS_CONTINUE;
}

static void dispatch_flush(struct nj_worker *w, struct stream_thread *th, struct nj_flow *f,
			   uint8_t dir, const struct nj_stream_chunk *c, bool raw)
{
	struct nj_packet pp;
	struct nj_event ev;
	bool ts = dir == NJ_DIR_TO_SERVER;

	memset(&pp, 0, sizeof(pp));
	pp.flags = NJ_PKT_PSEUDO;
	if (f->tcp_state >= NJ_TCP_ESTABLISHED)
		pp.flags |= NJ_PKT_STREAM_EST;
	if (f->state == NJ_FLOW_ESTABLISHED)
		pp.flags |= NJ_PKT_FLOW_ESTABLISHED;
	pp.ts = w->now.tv_sec ? w->now : f->last;
	pp.linktype = NJ_LINKTYPE_RAW;
	pp.ip_ver = f->client.family;
	pp.src = ts ? f->client : f->server;
	pp.dst = ts ? f->server : f->client;
	pp.sport = ts ? f->cport : f->sport;
	pp.dport = ts ? f->sport : f->cport;
	pp.proto = 6;
	pp.vlan[0] = f->vlan[0];
	pp.vlan[1] = f->vlan[1];
	pp.vlan_count = f->vlan[1] ? 2 : f->vlan[0] ? 1 : 0;
	pp.flow = f;
	pp.dir = dir;
	if (raw)
		pp.raw_stream = c;
	else
		pp.stream = c;
	pp.worker = th->scratch;
	memset(&ev, 0, sizeof(ev));
	ev.ts = pp.ts;
	ev.kind = NJ_EV_PACKET;
	ev.pkt = &pp;
	nj_counter_add(ctr.pseudo, 1);
	nj_bus_dispatch_from(w, &ev, NJ_STAGE_STREAM + 1);
}

/* Flow end, one direction: what was never delivered in order goes to the
 * parsers (each run after a hole is one pseudo-packet with has_gap), then
 * everything not inspected yet, acknowledged or not, is one raw window. */
static void flush_side(struct nj_worker *w, struct stream_thread *th, struct nj_flow *f, int i)
{
	struct nj_reasm *r = &((struct tcp_session *)f->stream)->d[i].r;
	uint8_t dir = i == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT;

	while (nj_reasm_pending(r)) {
		bool hole = !nj_reasm_ready(r);
		if (nj_reasm_deliver(r, &th->mem, conf.inspect_overlap, true, &th->chunk) != 1)
			break;
		if (hole)
			nj_counter_add(ctr.gap, 1);
		th->chunk.dir = dir;
		th->chunk.flow_end = true;
		dispatch_flush(w, th, f, dir, &th->chunk, false);
	}
	if (nj_reasm_raw_pending(r) &&
	    nj_reasm_raw_deliver(r, &th->mem, conf.inspect_overlap, UINT64_MAX, &th->raw) == 1) {
		th->raw.dir = dir;
		th->raw.flow_end = true;
		dispatch_flush(w, th, f, dir, &th->raw, true);
	}
}

/* Flow end: flush both directions, then free the session. */
static void stream_flow_end(struct nj_worker *w, struct nj_flow *f)
{
	struct stream_thread *th = w->ctx[NJ_STAGE_STREAM];
	struct tcp_session *s = f->stream;

	if (!s)
		return;
	if (!th) {      /* thread shutting down: nothing left to dispatch to */
		struct nj_reasm_mem m = { 0, 0 };
		for (int i = 0; i < 2; i++)
			nj_reasm_free(&s->d[i].r, &m);
		free(s);
		f->stream = NULL;
		return;
	}
	for (int i = 0; i < 2; i++)
		flush_side(w, th, f, i);
	session_free(th, f);
}

bool nj_stream_size(const struct nj_flow *f, uint8_t dir, uint64_t *bytes)
{
	const struct tcp_session *s;

	if (!f)
		return false;
	s = f->stream;
	if (!s || f->proto != 6) {
		*bytes = dir == NJ_DIR_TO_CLIENT ? f->bytes_tc : f->bytes_ts;
		return true;
	}
	const struct tcp_side *d = &s->d[dir == NJ_DIR_TO_CLIENT ? 1 : 0];
	*bytes = d->isn_known ? (uint64_t)(uint32_t)(d->next_seq - (d->isn + 1)) : 0;
	if (d->fin_seen && *bytes)
		(*bytes)--;             /* the FIN's sequence number is no byte */
	if (d->r.max_end > *bytes)
		*bytes = d->r.max_end;
	return true;
}

static int stream_thread_init(struct nj_worker *w, void **ctx)
{
	struct stream_thread *th = calloc(1, sizeof(*th));

	if (!th)
		return -ENOMEM;
	th->mem.cap = conf.reasm_memcap;
	*ctx = th;
	return 0;
}

static void stream_thread_fini(struct nj_worker *w, void *ctx)
{
	struct stream_thread *th = ctx;

	if (th)
		nj_pkt_copy_free(&th->rewritten);
	free(th);
}

static const struct nj_stage stream_stage = {
	.name = "stream",
	.order = NJ_STAGE_STREAM,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.thread_init = stream_thread_init,
	.thread_fini = stream_thread_fini,
	.handle = stream_handle,
};

static void register_counters(void)
{
	ctr.sessions = nj_counter_register("tcp.sessions");
	ctr.memuse = nj_counter_register("tcp.memuse");
	ctr.reasm_memuse = nj_counter_register("tcp.reassembly_memuse");
	ctr.memuse_peak = nj_counter_register("nightjar.tcp.memuse_peak");
	ctr.ssn_memcap_drop = nj_counter_register("tcp.ssn_memcap_drop");
	ctr.seg_memcap_drop = nj_counter_register("tcp.segment_memcap_drop");
	ctr.gap = nj_counter_register("tcp.reassembly_gap");
	ctr.overlap = nj_counter_register("tcp.overlap");
	ctr.overlap_diff = nj_counter_register("tcp.overlap_diff_data");
	ctr.bad_csum = nj_counter_register("tcp.invalid_checksum");
	ctr.midstream = nj_counter_register("tcp.midstream_pickups");
	ctr.no_session = nj_counter_register("nightjar.tcp.no_session");
	ctr.pseudo = nj_counter_register("tcp.pseudo");
	ctr.depth = nj_counter_register("tcp.stream_depth_reached");
	ctr.reuse = nj_counter_register("flow.tcp_reuse");
}

int nj_stream_stage_register(const struct nj_config *cfg)
{
	int rc;

	conf.midstream = nj_config_get_bool(cfg, "stream.midstream", false);
	/* as Suricata's stream.inline: auto, inline in (simulated) IPS mode */
	conf.inline_mode = nj_config_get_bool(cfg, "stream.inline",
					      !strcmp(nj_config_get_str(cfg, "ips", "no"), "simulate"));
	conf.async_oneside = nj_config_get_bool(cfg, "stream.async-oneside", false);
	conf.memcap = nj_config_get_size(cfg, "stream.memcap", 64ULL << 20);
	conf.reasm_memcap = nj_config_get_size(cfg, "stream.reassembly.memcap", 256ULL << 20);
	conf.depth = nj_config_get_size(cfg, "stream.reassembly.depth", 1ULL << 20);
	int64_t ov = nj_config_get_int(cfg, "stream.inspect-overlap", 1500);
	conf.inspect_overlap = ov < 0 ? 0 : ov > (1 << 20) ? (1 << 20) : (uint32_t)ov;
	conf.policy = nj_policy_lookup(nj_config_get_str(cfg, "stream.reassembly.policy", "bsd"));
	if (conf.policy < 0)
		return -EINVAL;
	nj_host_policy_free(&conf.hosts);
	if ((rc = nj_host_policy_load_os(&conf.hosts, cfg, "host-os-policy")) < 0)
		return rc;
	register_counters();
	if ((rc = nj_flow_before_end(stream_flow_end)) < 0)
		return rc;
	if ((rc = nj_flow_on_reverse(stream_flow_reversed)) < 0)
		return rc;
	return nj_bus_register(&stream_stage);
}
