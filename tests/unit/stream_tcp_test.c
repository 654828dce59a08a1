/* TCP stream engine through the bus: handshake and teardown states,
 * midstream pickup (and its reversal by protocol detection), validation
 * events, chunks for detection (patterns split over segments, out of
 * order, gaps, flush at flow end). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/counters.h"
#include "decode/decode.h"
#include "decode/events.h"
#include "preprocessors/app.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/stream.h"
#include "pkt_build.h"

#define CLI "10.0.0.1"
#define SRV "10.0.0.2"
#define CISN 1000u
#define SISN 5000u

/* What a stage after the stream engine saw. */
struct seen {
	int chunks, pseudo, gaps, flow_end;
	uint8_t stream[2][8192];        /* new bytes per direction, in order */
	uint32_t len[2];
	uint8_t last[4096];             /* last chunk (context + new) */
	uint32_t last_len, last_new_off;
	uint64_t last_offset;
	bool contiguous;                /* every chunk's offsets line up */
	int raws;                       /* raw windows (p->raw_stream) */
	uint8_t raw[4096];              /* the last one (context + new) */
	uint32_t raw_len, raw_blocks;
	uint64_t raw_gap0;              /* bytes missing before its first run */
};
static struct seen seen;

static void see_raw(const struct nj_stream_chunk *r)
{
	seen.raws++;
	seen.raw_len = r->len < sizeof(seen.raw) ? r->len : sizeof(seen.raw);
	memcpy(seen.raw, r->data, seen.raw_len);
	seen.raw_blocks = r->nblocks;
	seen.raw_gap0 = r->blocks[0].gap;
}

static int capture(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	const struct nj_packet *p = ev->pkt;
	const struct nj_stream_chunk *c = p->stream;

	if (p->flags & NJ_PKT_PSEUDO)
		seen.pseudo++;
	if (p->raw_stream)
		see_raw(p->raw_stream);
	if (!c)
		return NJ_BUS_CONTINUE;
	int d = c->dir == NJ_DIR_TO_CLIENT ? 1 : 0;
	seen.chunks++;
	seen.gaps += c->has_gap;
	seen.flow_end += c->flow_end;
	if (!c->has_gap && c->offset + c->new_off != seen.len[d])
		seen.contiguous = false;
	uint32_t n = c->len - c->new_off;
	if (seen.len[d] + n <= sizeof(seen.stream[d])) {
		memcpy(seen.stream[d] + seen.len[d], c->data + c->new_off, n);
		seen.len[d] += n;
	}
	seen.last_len = c->len < sizeof(seen.last) ? c->len : sizeof(seen.last);
	memcpy(seen.last, c->data, seen.last_len);
	seen.last_new_off = c->new_off;
	seen.last_offset = c->offset;
	return NJ_BUS_CONTINUE;
}

static const struct nj_stage capture_stage = {
	.name = "capture", .order = NJ_STAGE_DETECT, .kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = capture,
};

static struct nj_worker w;
static time_t now = 1000;

/* The flow and stream stages (and the app-layer stage when app is set)
 * with settings kv, then the capture stage. */
static int setup_stages(const char *kv[], bool app)
{
	struct nj_config *cfg = nj_config_new();

	for (int i = 0; kv && kv[i]; i++)
		nj_config_set_kv(cfg, kv[i]);
	nj_bus_reset();
	int rc = nj_flow_stage_register(cfg);
	if (rc == 0)
		rc = nj_stream_stage_register(cfg);
	if (rc == 0 && app)
		rc = nj_app_stage_register(cfg);
	nj_config_free(cfg);
	if (rc < 0 || nj_bus_register(&capture_stage) < 0)
		return -1;
	memset(&seen, 0, sizeof(seen));
	seen.contiguous = true;
	memset(&w, 0, sizeof(w));
	return nj_worker_init(&w, 0, true);
}

static int setup_with(const char *kv[])
{
	return setup_stages(kv, false);
}

static int setup(void **state)
{
	return setup_with(NULL);
}

static int setup_midstream_app(void **state)
{
	const char *kv[] = { "stream.midstream=true", NULL };
	return setup_stages(kv, true);
}

static int teardown(void **state)
{
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	return 0;
}

/* Client and server segment helpers; seq/ack are relative to the ISNs. */
static struct nj_packet pk;

static struct nj_packet *cli(uint8_t flags, uint32_t rseq, uint32_t rack, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	tb_tcp(&pk, CLI, 40000, SRV, 80, flags, CISN + rseq, SISN + rack, data, len, now);
	tb_run(&w, &pk);
	return &pk;
}

static struct nj_packet *srv(uint8_t flags, uint32_t rseq, uint32_t rack, const char *data)
{
	uint32_t len = data ? (uint32_t)strlen(data) : 0;
	tb_tcp(&pk, SRV, 80, CLI, 40000, flags, SISN + rseq, CISN + rack, data, len, now);
	tb_run(&w, &pk);
	return &pk;
}

static struct nj_flow *handshake(void)
{
	struct nj_packet *p = cli(NJ_TH_SYN, 0, 0, NULL);
	assert_false(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_SYN_SENT);
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 1, NULL);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_SYN_RECV);
	assert_false(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	p = cli(NJ_TH_ACK, 1, 1, NULL);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_ESTABLISHED);
	assert_true(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(p->flow->state, NJ_FLOW_ESTABLISHED);
	return p->flow;
}

static void test_handshake_fin_teardown(void **state)
{
	struct nj_flow *f = handshake();
	struct nj_packet *p = cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, "GET / HTTP/1.0\r\n\r\n");
	assert_true(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_non_null(p->stream);
	assert_int_equal(p->dir, NJ_DIR_TO_SERVER);
	p = cli(NJ_TH_FIN | NJ_TH_ACK, 19, 1, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_FIN_WAIT1);
	p = srv(NJ_TH_ACK, 1, 20, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_FIN_WAIT2);
	p = srv(NJ_TH_FIN | NJ_TH_ACK, 1, 20, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_LAST_ACK);
	p = cli(NJ_TH_ACK, 20, 2, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_CLOSED);
	assert_int_equal(f->state, NJ_FLOW_CLOSED);

	uint64_t n;
	assert_true(nj_stream_size(f, NJ_DIR_TO_SERVER, &n));
	assert_int_equal(n, 18);
	assert_true(nj_stream_size(f, NJ_DIR_TO_CLIENT, &n));
	assert_int_equal(n, 0);
}

static void test_rst(void **state)
{
	struct nj_flow *f = handshake();
	struct nj_packet *p = srv(NJ_TH_RST, 1 + 0x40000000u, 0, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_RST_INVALID));
	assert_int_equal(f->tcp_state, NJ_TCP_ESTABLISHED);
	p = srv(NJ_TH_RST | NJ_TH_ACK, 1, 1, NULL);
	assert_false(nj_decode_event_has(p, NJ_DEV_STREAM_RST_INVALID));
	assert_int_equal(f->tcp_state, NJ_TCP_CLOSED);
	assert_int_equal(f->state, NJ_FLOW_CLOSED);
}

static void test_synack_wrong_ack(void **state)
{
	struct nj_packet *p = cli(NJ_TH_SYN, 0, 0, NULL);
	struct nj_flow *f = p->flow;
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 77, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_3WHS_SYNACK_WITH_WRONG_ACK));
	assert_int_equal(f->tcp_state, NJ_TCP_SYN_SENT);
	p = cli(NJ_TH_SYN | NJ_TH_ACK, 0, 1, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_3WHS_SYNACK_IN_WRONG_DIRECTION));
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 1, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_SYN_RECV);
	p = cli(NJ_TH_ACK, 1, 9, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_3WHS_WRONG_SEQ_WRONG_ACK));
	assert_int_equal(f->tcp_state, NJ_TCP_SYN_RECV);
}

static void test_simultaneous_open(void **state)
{
	struct nj_packet *p = cli(NJ_TH_SYN, 0, 0, NULL);
	struct nj_flow *f = p->flow;
	srv(NJ_TH_SYN, 0, 0, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_SYN_RECV);
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 1, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_ESTABLISHED);
	p = cli(NJ_TH_ACK, 1, 1, "hi");
	assert_non_null(p->stream);
}

static void test_midstream_off(void **state)
{
	uint64_t ns = nj_counter_get_by_name("nightjar.tcp.no_session");
	struct nj_packet *p = cli(NJ_TH_ACK | NJ_TH_PUSH, 100, 100, "data without handshake");
	assert_null(p->stream);
	assert_null(p->flow->stream);
	assert_false(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(nj_counter_get_by_name("nightjar.tcp.no_session") - ns, 1);
}

static void test_midstream_on(void **state)
{
	const char *kv[] = { "stream.midstream=true", NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);

	struct nj_packet *p = cli(NJ_TH_ACK | NJ_TH_PUSH, 100, 100, "picked ");
	assert_non_null(p->stream);
	assert_true(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_ESTABLISHED);
	p = cli(NJ_TH_ACK | NJ_TH_PUSH, 107, 100, "up");
	assert_non_null(p->stream);
	assert_int_equal(seen.len[0], 9);
	assert_memory_equal(seen.stream[0], "picked up", 9);
}

/* Only the client's side is seen (the server's goes another way): without
 * stream.async-oneside its data is not reassembled, with it the client's
 * ACK after the SYN establishes the session. */
static void test_async_oneside(void **state)
{
	struct nj_packet *p;

	cli(NJ_TH_SYN, 0, 0, NULL);
	cli(NJ_TH_ACK, 1, 1, NULL);
	p = cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, "GET / HTTP/1.1\r\n");
	assert_null(p->stream);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_SYN_SENT);

	const char *kv[] = { "stream.async-oneside=true", NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	now += 1000;            /* a new flow */
	cli(NJ_TH_SYN, 0, 0, NULL);
	p = cli(NJ_TH_ACK, 1, 1, NULL);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_ESTABLISHED);
	assert_true(p->flags & NJ_PKT_FLOW_ESTABLISHED);
	cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, "GET / ");
	/* acknowledging server bytes never seen is no gap */
	p = cli(NJ_TH_ACK | NJ_TH_PUSH, 7, 900, "HTTP/1.1");
	assert_non_null(p->stream);
	assert_true(seen.contiguous);
	assert_memory_equal(seen.stream[0], "GET / HTTP/1.1", 14);
}

static void test_pattern_two_segments(void **state)
{
	handshake();
	cli(NJ_TH_ACK, 1, 1, "xxxxmalic");
	cli(NJ_TH_ACK, 10, 1, "ious-payload");
	assert_int_equal(seen.chunks, 2);
	assert_true(seen.contiguous);
	assert_int_equal(seen.last_new_off, 9);
	assert_non_null(memmem(seen.last, seen.last_len, "malicious", 9));
}

static void test_pattern_ten_segments(void **state)
{
	static const char *parts[] = { "ev", "il", "-p", "at", "te", "rn", "-s", "pl", "it", "!" };
	uint32_t rseq = 1;

	handshake();
	for (int i = 0; i < 10; i++) {
		cli(NJ_TH_ACK, rseq, 1, parts[i]);
		rseq += (uint32_t)strlen(parts[i]);
	}
	assert_int_equal(seen.chunks, 10);
	assert_true(seen.contiguous);
	assert_int_equal(seen.last_len, 19);
	assert_memory_equal(seen.last, "evil-pattern-split!", 19);
	assert_int_equal(seen.last_new_off, 18);
}

static void test_inspect_overlap_limit(void **state)
{
	const char *kv[] = { "stream.inspect-overlap=4", NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	handshake();
	cli(NJ_TH_ACK, 1, 1, "0123456789");
	cli(NJ_TH_ACK, 11, 1, "abc");
	assert_int_equal(seen.last_new_off, 4);
	assert_int_equal(seen.last_offset, 6);
	assert_memory_equal(seen.last, "6789abc", 7);
}

static void test_out_of_order(void **state)
{
	handshake();
	struct nj_packet *p = cli(NJ_TH_ACK, 7, 1, "world");
	assert_null(p->stream);
	p = cli(NJ_TH_ACK, 12, 1, "!");
	assert_null(p->stream);
	p = cli(NJ_TH_ACK, 1, 1, "hello ");
	assert_non_null(p->stream);
	assert_int_equal(p->stream->new_off, 0);
	assert_int_equal(p->stream->len, 12);
	assert_memory_equal(p->stream->data, "hello world!", 12);
	assert_int_equal(seen.chunks, 1);
}

static void test_gap_by_ack(void **state)
{
	uint64_t g = nj_counter_get_by_name("tcp.reassembly_gap");

	handshake();
	cli(NJ_TH_ACK, 1, 1, "first");
	/* 6..16 lost before capture; 16..21 seen */
	cli(NJ_TH_ACK, 16, 1, "third");
	assert_int_equal(seen.chunks, 1);
	/* the server acknowledges everything: the hole is a gap, and what
	 * follows it goes out at once, on a client pseudo-packet, before the
	 * server's own data */
	srv(NJ_TH_ACK, 1, 21, NULL);
	assert_int_equal(nj_counter_get_by_name("tcp.reassembly_gap") - g, 1);
	assert_int_equal(seen.chunks, 2);
	assert_int_equal(seen.pseudo, 1);
	assert_int_equal(seen.gaps, 1);
	assert_int_equal(seen.last_offset, 15);
	assert_int_equal(seen.last_new_off, 0);
	assert_memory_equal(seen.last, "third", 5);
	struct nj_packet *p = cli(NJ_TH_ACK, 21, 1, "fourth");
	assert_non_null(p->stream);
	assert_false(p->stream->has_gap);
	assert_memory_equal(p->stream->data + p->stream->new_off, "fourth", 6);
}

static void test_flush_at_flow_end(void **state)
{
	handshake();
	cli(NJ_TH_ACK, 1, 1, "head");
	cli(NJ_TH_ACK, 20, 1, "after-hole");
	srv(NJ_TH_ACK, 1, 1, "reply");
	assert_int_equal(seen.chunks, 2);
	assert_int_equal(seen.pseudo, 0);
	assert_int_equal(seen.raws, 0);        /* nothing acknowledged */
	nj_bus_drain(&w);
	/* the parsers get the run after the hole, then the client's data
	 * and the server's reply are inspected as raw windows */
	assert_int_equal(seen.pseudo, 3);
	assert_int_equal(seen.flow_end, 1);
	assert_int_equal(seen.gaps, 1);
	assert_memory_equal(seen.last, "after-hole", 10);
	assert_int_equal(seen.last_offset, 19);
	assert_int_equal(seen.raws, 2);
	assert_int_equal(seen.raw_len, 5);
	assert_memory_equal(seen.raw, "reply", 5);
}

/* Stream rules see a direction's data once the receiver acknowledged it,
 * on that direction's next packet. */
static void test_raw_on_ack(void **state)
{
	handshake();
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "GET ");
	assert_null(p->raw_stream);
	p = cli(NJ_TH_ACK, 5, 1, "/x");
	assert_null(p->raw_stream);
	p = srv(NJ_TH_ACK, 1, 7, NULL);
	assert_null(p->raw_stream);
	p = cli(NJ_TH_ACK, 7, 1, NULL);
	assert_non_null(p->raw_stream);
	assert_int_equal(p->raw_stream->len, 6);
	assert_memory_equal(p->raw_stream->data, "GET /x", 6);
	assert_int_equal(seen.raws, 1);
	/* a hole the receiver acknowledged is a gap before the next run */
	cli(NJ_TH_ACK, 11, 1, "tail");
	srv(NJ_TH_ACK, 1, 15, NULL);
	nj_bus_drain(&w);
	assert_int_equal(seen.raws, 2);
	assert_int_equal(seen.raw_blocks, 1);
	assert_int_equal(seen.raw_gap0, 4);
	assert_memory_equal(seen.raw, "tail", 4);
}

static void test_flush_at_timeout(void **state)
{
	handshake();
	cli(NJ_TH_ACK, 1, 1, "a");
	cli(NJ_TH_ACK, 5, 1, "late");
	w.now.tv_sec = now + 10000;
	nj_bus_tick(&w);
	assert_int_equal(seen.pseudo, 2);      /* "late" in order, then the raw window */
	assert_int_equal(seen.raw_blocks, 2);
	assert_memory_equal(seen.raw, "alate", 5);
	assert_int_equal(seen.flow_end, 1);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 0);
	assert_int_equal(nj_counter_get_by_name("tcp.memuse"), 0);
	assert_int_equal(nj_counter_get_by_name("tcp.reassembly_memuse"), 0);
}

static void test_bad_checksum_ignored(void **state)
{
	uint64_t bc = nj_counter_get_by_name("tcp.invalid_checksum");

	handshake();
	tb_tcp(&pk, CLI, 40000, SRV, 80, NJ_TH_ACK, CISN + 1, SISN + 1, "evil", 4, now);
	pk.flags |= NJ_PKT_L4_CSUM_BAD;
	tb_run(&w, &pk);
	assert_null(pk.stream);
	assert_int_equal(nj_counter_get_by_name("tcp.invalid_checksum") - bc, 1);
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "good");
	assert_non_null(p->stream);
	assert_memory_equal(p->stream->data, "good", 4);
}

static void test_overlap_event_and_policy(void **state)
{
	const char *kv[] = { "stream.reassembly.policy=last", NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	handshake();
	cli(NJ_TH_ACK, 5, 1, "AAAA");
	struct nj_packet *p = cli(NJ_TH_ACK, 5, 1, "BBBB");
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
	p = cli(NJ_TH_ACK, 1, 1, "1234");
	assert_memory_equal(p->stream->data, "1234BBBB", 8);
}

/* A retransmission with other bytes over data already delivered: the
 * delivered bytes stand, the difference is an event. */
static void test_retransmission_different_data(void **state)
{
	handshake();
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "GOOD");
	assert_non_null(p->stream);
	p = cli(NJ_TH_ACK, 1, 1, "EVIL");
	assert_null(p->stream);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
	assert_false(p->flags & NJ_PKT_STREAM_MODIFIED);        /* an IDS rewrites nothing */
	assert_memory_equal(p->payload, "EVIL", 4);
	p = cli(NJ_TH_ACK, 1, 1, "GOOD");
	assert_false(nj_decode_event_has(p, NJ_DEV_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
	assert_int_equal(seen.len[0], 4);
	assert_memory_equal(seen.stream[0], "GOOD", 4);
}

/* A client data segment as captured: IPv4 and TCP headers before the
 * payload, with a right TCP checksum. */
static uint8_t wire[128];

static struct nj_packet *cli_wire(uint32_t rseq, const char *data)
{
	uint32_t len = (uint32_t)strlen(data), seq = CISN + rseq, ack = SISN + 1;
	const uint8_t ip[20] = { 0x45, 0, 0, (uint8_t)(40 + len), 0, 1, 0, 0, 64, 6, 0, 0,
				 10, 0, 0, 1, 10, 0, 0, 2 };
	const uint8_t tcp[20] = { 0x9c, 0x40, 0, 80, seq >> 24, seq >> 16, seq >> 8, seq,
				  ack >> 24, ack >> 16, ack >> 8, ack, 0x50, NJ_TH_ACK, 0xff, 0xff };
	uint16_t csum;

	memcpy(wire, ip, 20);
	memcpy(wire + 20, tcp, 20);
	memcpy(wire + 40, data, len);
	tb_tcp(&pk, CLI, 40000, SRV, 80, NJ_TH_ACK, seq, ack, wire + 40, len, now);
	pk.data = wire;
	pk.l3 = wire;
	pk.l3_len = 40 + len;
	pk.ip_hlen = 20;
	pk.l4 = wire + 20;
	assert_true(nj_decode_tcp_csum(&pk, &csum));
	wire[36] = (uint8_t)(csum >> 8);
	wire[37] = (uint8_t)csum;
	tb_run(&w, &pk);
	return &pk;
}

/* Inline mode: a copy with other bytes over accepted data is rewritten to
 * the accepted bytes (checksum fixed, the capture's buffer untouched), and
 * re-sent data is inspected again in the stream. */
static void test_inline_normalise(void **state)
{
	const char *kv[] = { "stream.inline=yes", "stream.reassembly.policy=last", NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	handshake();
	struct nj_packet *p = cli_wire(1, "GOOD");
	assert_false(p->flags & NJ_PKT_STREAM_MODIFIED);
	assert_int_equal(seen.raws, 1);
	p = cli_wire(1, "EVIL");
	assert_true(p->flags & NJ_PKT_STREAM_MODIFIED);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_REASSEMBLY_OVERLAP_DIFFERENT_DATA));
	assert_memory_equal(p->payload, "GOOD", 4);
	assert_memory_equal(wire + 40, "EVIL", 4);
	assert_ptr_equal(p->l4 + 20, p->payload);
	assert_true(nj_decode_l4_csum_ok(p));
	assert_non_null(p->raw_stream);
	assert_int_equal(p->raw_stream->new_off, 0);
	assert_int_equal(seen.raws, 2);
	assert_memory_equal(seen.raw, "GOOD", 4);
	/* queued out-of-order data wins over a later copy too, whatever the policy */
	cli_wire(9, "BBBB");
	p = cli_wire(7, "XXXXXX");
	assert_memory_equal(p->payload, "XXBBBB", 6);
	p = cli_wire(5, "1234");
	assert_memory_equal(p->payload, "12XX", 4);
	assert_memory_equal(seen.stream[0], "GOOD12XXBBBB", 12);
	p = cli_wire(13, "END");
	assert_false(p->flags & NJ_PKT_STREAM_MODIFIED);
}

static void test_out_of_window(void **state)
{
	handshake();
	struct nj_packet *p = cli(NJ_TH_ACK, 1 + 200000, 1, "far");
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_EST_PACKET_OUT_OF_WINDOW));
	assert_null(p->stream);
}

static void test_port_reuse_after_close(void **state)
{
	struct nj_flow *f = handshake();
	srv(NJ_TH_RST | NJ_TH_ACK, 1, 1, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_CLOSED);
	/* data on a closed session is not reassembled */
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "late");
	assert_null(p->stream);
	/* a new SYN on the same ports starts a new session, in a new flow */
	uint64_t total = nj_counter_get_by_name("flow.total");
	tb_tcp(&pk, CLI, 40000, SRV, 80, NJ_TH_SYN, 9000, 0, NULL, 0, now);
	tb_run(&w, &pk);
	assert_int_equal(nj_counter_get_by_name("flow.total") - total, 1);
	assert_int_equal(pk.flow->tcp_state, NJ_TCP_SYN_SENT);
}

static void test_depth(void **state)
{
	const char *kv[] = { "stream.reassembly.depth=8", NULL };
	uint64_t d = nj_counter_get_by_name("tcp.stream_depth_reached");
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	handshake();
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "0123456789");
	assert_non_null(p->stream);
	assert_int_equal(p->stream->len, 8);
	p = cli(NJ_TH_ACK, 11, 1, "more");
	assert_null(p->stream);
	assert_int_equal(nj_counter_get_by_name("tcp.stream_depth_reached") - d, 1);
}

static void test_host_os_policy(void **state)
{
	/* first for the server's network, last elsewhere */
	const char *kv[] = { "stream.reassembly.policy=last", "host-os-policy.vista.0=10.0.0.0/24",
			     NULL };
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	handshake();
	cli(NJ_TH_ACK, 5, 1, "AAAA");
	cli(NJ_TH_ACK, 5, 1, "BBBB");
	struct nj_packet *p = cli(NJ_TH_ACK, 1, 1, "1234");
	assert_memory_equal(p->stream->data, "1234AAAA", 8);
}

static void test_data_on_third_ack(void **state)
{
	cli(NJ_TH_SYN, 0, 0, NULL);
	srv(NJ_TH_SYN | NJ_TH_ACK, 0, 1, NULL);
	struct nj_packet *p = cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, "early");
	assert_int_equal(p->flow->tcp_state, NJ_TCP_ESTABLISHED);
	assert_non_null(p->stream);
	assert_memory_equal(p->stream->data, "early", 5);
}

/* TCP Fast Open: data on the SYN (and the SYN/ACK) follows the SYN's own
 * sequence number, and the SYN/ACK may acknowledge it. */
static void test_fast_open(void **state)
{
	struct nj_packet *p = cli(NJ_TH_SYN, 0, 0, "GET /");
	assert_non_null(p->stream);
	assert_int_equal(p->stream->offset, 0);
	assert_memory_equal(p->stream->data, "GET /", 5);
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 6, "hi");
	assert_false(nj_decode_event_has(p, NJ_DEV_STREAM_3WHS_SYNACK_WITH_WRONG_ACK));
	assert_int_equal(p->flow->tcp_state, NJ_TCP_SYN_RECV);
	assert_non_null(p->stream);
	assert_memory_equal(p->stream->data, "hi", 2);
	p = cli(NJ_TH_ACK, 6, 3, NULL);
	assert_int_equal(p->flow->tcp_state, NJ_TCP_ESTABLISHED);
	assert_non_null(p->raw_stream);
	assert_memory_equal(p->raw_stream->data, "GET /", 5);
	/* acknowledging more than the SYN carried is still wrong */
	teardown(state);
	setup(state);
	cli(NJ_TH_SYN, 0, 0, "abc");
	p = srv(NJ_TH_SYN | NJ_TH_ACK, 0, 9, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_3WHS_SYNACK_WITH_WRONG_ACK));
}

static void test_rst_in_syn_sent(void **state)
{
	struct nj_packet *p = cli(NJ_TH_SYN, 0, 0, NULL);
	struct nj_flow *f = p->flow;
	p = srv(NJ_TH_RST | NJ_TH_ACK, 0, 5, NULL);
	assert_true(nj_decode_event_has(p, NJ_DEV_STREAM_RST_INVALID));
	p = srv(NJ_TH_RST | NJ_TH_ACK, 0, 1, NULL);
	assert_int_equal(f->tcp_state, NJ_TCP_CLOSED);
	assert_false(p->flags & NJ_PKT_FLOW_ESTABLISHED);
}

#define RESPONSE "HTTP/1.1 200 OK\r\nServer: x\r\nContent-Length: 2\r\n\r\nhi"

/* Picked up midstream from the server's side: a pure ACK makes the server
 * the client, then its data reads as an HTTP response and detection turns
 * the flow round, flow_id kept. */
static void test_midstream_reversed_by_detection(void **state)
{
	struct nj_packet *p = srv(NJ_TH_ACK, 1, 1, NULL);
	struct nj_flow *f = p->flow;
	uint64_t id = f->flow_id, n;

	assert_int_equal(p->dir, NJ_DIR_TO_SERVER);
	assert_true(nj_stream_direction_guessed(f));
	p = srv(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, RESPONSE);
	assert_int_equal(f->app_proto, NJ_APP_HTTP);
	assert_int_equal(p->dir, NJ_DIR_TO_CLIENT);
	assert_int_equal(f->flow_id, id);
	assert_int_equal(f->cport, 40000);
	assert_int_equal(f->sport, 80);
	assert_int_equal(f->pkts_ts, 0);
	assert_int_equal(f->pkts_tc, 2);
	assert_int_equal(f->bytes_ts, 0);
	assert_false(nj_stream_direction_guessed(f));
	/* the data went on as the server's */
	assert_int_equal(seen.len[0], 0);
	assert_int_equal(seen.len[1], strlen(RESPONSE));
	assert_true(nj_stream_size(f, NJ_DIR_TO_CLIENT, &n));
	assert_int_equal(n, strlen(RESPONSE));
	assert_true(nj_stream_size(f, NJ_DIR_TO_SERVER, &n));
	assert_int_equal(n, 0);
	/* the client's next data is to_server, in the client's half */
	p = cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1 + strlen(RESPONSE), "GET / HTTP/1.1\r\n\r\n");
	assert_int_equal(p->dir, NJ_DIR_TO_SERVER);
	assert_int_equal(f->pkts_ts, 1);
	assert_int_equal(seen.len[0], 18);
	assert_int_equal(f->tcp_state, NJ_TCP_ESTABLISHED);
}

/* A flow whose handshake was seen keeps its direction whatever its data
 * looks like. */
static void test_handshake_not_reversed(void **state)
{
	struct nj_flow *f = handshake();
	struct nj_packet *p;

	assert_false(nj_stream_direction_guessed(f));
	p = cli(NJ_TH_ACK | NJ_TH_PUSH, 1, 1, RESPONSE);
	assert_int_equal(p->dir, NJ_DIR_TO_SERVER);
	assert_int_equal(f->cport, 40000);
	assert_int_not_equal(f->app_proto, NJ_APP_HTTP);
	assert_int_equal(seen.len[0], strlen(RESPONSE));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_handshake_fin_teardown, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst, setup, teardown),
		cmocka_unit_test_setup_teardown(test_synack_wrong_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_simultaneous_open, setup, teardown),
		cmocka_unit_test_setup_teardown(test_midstream_off, setup, teardown),
		cmocka_unit_test_setup_teardown(test_midstream_on, setup, teardown),
		cmocka_unit_test_setup_teardown(test_midstream_reversed_by_detection,
						setup_midstream_app, teardown),
		cmocka_unit_test_setup_teardown(test_handshake_not_reversed, setup_midstream_app,
						teardown),
		cmocka_unit_test_setup_teardown(test_async_oneside, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pattern_two_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pattern_ten_segments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inspect_overlap_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_gap_by_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_at_flow_end, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_at_timeout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_raw_on_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_checksum_ignored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_overlap_event_and_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_of_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_retransmission_different_data, setup, teardown),
		cmocka_unit_test_setup_teardown(test_inline_normalise, setup, teardown),
		cmocka_unit_test_setup_teardown(test_port_reuse_after_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_depth, setup, teardown),
		cmocka_unit_test_setup_teardown(test_host_os_policy, setup, teardown),
		cmocka_unit_test_setup_teardown(test_data_on_third_ack, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rst_in_syn_sent, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fast_open, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
