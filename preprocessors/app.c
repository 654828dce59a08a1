/* The application-layer stage: detects each flow's protocol and feeds the
 * new bytes of every packet (reassembled TCP data or the UDP payload) to the
 * flow's parser; the transactions a packet updated go into p->app_txs. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/app_buf.h"
#include "preprocessors/dns.h"
#include "preprocessors/http.h"
#include "preprocessors/http2.h"
#include "preprocessors/socks.h"
#include "preprocessors/stream.h"
#include "preprocessors/tls.h"

#define DETECT_KEEP 4096        /* bytes kept per direction while detecting */

struct app_flow {
	uint8_t proto;                  /* enum nj_app_proto */
	bool failed[2];                 /* detection gave up on a direction */
	struct nj_abuf early[2];        /* bytes seen before detection */
	bool socks_tried;               /* the first client bytes were checked */
	struct nj_socks *socks;         /* a SOCKS handshake under way */
	struct nj_http_state *http;
	struct nj_http2_state *http2;
	struct nj_dns_state *dns;
	struct nj_tls_state *tls;
};

static struct {
	struct nj_http_config http;
	bool http_on, http2_on, dns_on, tls_on;
	int c_flows[NJ_APP__COUNT];
	int c_nomem, c_parse_err;
} g;

void nj_app_flow_free(struct nj_flow *f)
{
	struct app_flow *af;

	if (!f || !f->app)
		return;
	af = f->app;
	nj_http_free(af->http);
	nj_http2_free(af->http2);
	nj_dns_free(af->dns);
	nj_tls_free(af->tls);
	nj_socks_free(af->socks);
	nj_abuf_free(&af->early[0]);
	nj_abuf_free(&af->early[1]);
	free(af);
	f->app = NULL;
}

const struct nj_app_tx *nj_app_flow_tls(const struct nj_flow *f)
{
	const struct app_flow *af = f ? f->app : NULL;

	return af && af->tls ? nj_tls_tx(af->tls) : NULL;
}

static void on_flow_end(struct nj_worker *w, struct nj_flow *f)
{
	(void)w;
	nj_app_flow_free(f);
}

static int start_parser(struct app_flow *af, int proto, bool tcp)
{
	switch (proto) {
	case NJ_APP_HTTP:
		if (!g.http_on)
			return -ENOTSUP;
		af->http = nj_http_new(&g.http);
		return af->http ? 0 : -ENOMEM;
	case NJ_APP_HTTP2:
		if (!g.http2_on)
			return -ENOTSUP;
		af->http2 = nj_http2_new(&g.http, true);
		return af->http2 ? 0 : -ENOMEM;
	case NJ_APP_DNS:
		if (!g.dns_on)
			return -ENOTSUP;
		af->dns = nj_dns_new(tcp);
		return af->dns ? 0 : -ENOMEM;
	case NJ_APP_TLS:
		if (!g.tls_on)
			return -ENOTSUP;
		af->tls = nj_tls_new();
		return af->tls ? 0 : -ENOMEM;
	default:
		return 0;       /* detected only (SSH, SMTP, FTP) */
	}
}

static int feed(struct app_flow *af, int dir, const uint8_t *d, uint32_t n)
{
	if (n == 0)
		return 0;
	if (af->http)
		return nj_http_feed(af->http, dir, d, n);
	if (af->http2)
		return nj_http2_feed(af->http2, dir, d, n);
	if (af->dns)
		return nj_dns_feed(af->dns, dir, d, n);
	if (af->tls)
		return nj_tls_feed(af->tls, dir, d, n);
	return 0;
}

static void set_failed(struct nj_flow *f, struct app_flow *af)
{
	af->proto = NJ_APP_FAILED;
	f->app_proto = NJ_APP_FAILED;
}

/* The protocol of buf read as the other side's bytes: only for a TCP
 * session picked up midstream (its direction is a guess) from whose other
 * side nothing arrived yet; NJ_APP_FAILED for any other flow. */
static int detect_reversed(const struct nj_flow *f, const struct app_flow *af, int dir,
			   const uint8_t *buf, uint32_t len)
{
	int oi = dir == NJ_DIR_TO_SERVER ? 1 : 0;

	if (af->early[oi].len || af->failed[oi] || !nj_stream_direction_guessed(f))
		return NJ_APP_FAILED;
	return nj_app_detect(buf, len, nj_dir_reverse((uint8_t)dir), f->proto, f->cport, f->sport);
}

static bool decided(int proto)
{
	return proto != NJ_APP_UNKNOWN && proto != NJ_APP_FAILED;
}

/* Detection in the data's own direction, then (real packets only: a
 * pseudo-packet is dispatched in the middle of another one) as the other
 * side's data, which sets *reverse: a response picked up midstream.
 * Undecided while either reading waits for more bytes. */
static int detect_either(const struct nj_packet *p, const struct app_flow *af, int dir,
			 const uint8_t *buf, uint32_t len, bool *reverse)
{
	const struct nj_flow *f = p->flow;
	int proto = nj_app_detect(buf, len, dir, f->proto, f->sport, f->cport);
	int rev;

	*reverse = false;
	if (decided(proto) || (p->flags & NJ_PKT_PSEUDO))
		return proto;
	rev = detect_reversed(f, af, dir, buf, len);
	if (decided(rev)) {
		*reverse = true;
		return rev;
	}
	return proto == NJ_APP_UNKNOWN || rev == NJ_APP_UNKNOWN ? NJ_APP_UNKNOWN : NJ_APP_FAILED;
}

/* The flow turns round (nj_flow_reverse: its record, p->dir, the TCP
 * session), and so do the bytes kept here per direction. */
static void reverse(struct nj_packet *p, struct app_flow *af)
{
	struct nj_abuf e = af->early[0];
	bool failed = af->failed[0];

	nj_flow_reverse(p->flow, p);
	af->early[0] = af->early[1];
	af->early[1] = e;
	af->failed[0] = af->failed[1];
	af->failed[1] = failed;
}

/* Protocol proto was detected on data of direction dir (d[0..n), the
 * packet's new bytes): starts the parser and feeds it what was kept,
 * client side first. */
static void detected(struct nj_flow *f, struct app_flow *af, int proto, int dir,
		     const uint8_t *d, uint32_t n, bool udp)
{
	struct nj_abuf *e = &af->early[dir == NJ_DIR_TO_SERVER ? 0 : 1];

	af->proto = (uint8_t)proto;
	f->app_proto = (uint8_t)proto;
	nj_counter_add(g.c_flows[proto], 1);
	if (start_parser(af, proto, !udp) == -ENOMEM) {
		nj_counter_add(g.c_nomem, 1);
		return;
	}
	if (udp) {
		feed(af, dir, d, n);
	} else {
		/* replay: the current direction's bytes are in e (or d) */
		if (!e->len)
			nj_abuf_append(e, d, n, DETECT_KEEP);
		for (int k = 0; k < 2; k++)
			feed(af, k == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT,
			     af->early[k].p, af->early[k].len);
	}
	nj_abuf_free(&af->early[0]);
	nj_abuf_free(&af->early[1]);
}

/* A TCP flow whose client opens with a SOCKS greeting is a tunnel: its own
 * protocol is detected on the bytes after the proxy's grant. Consumes the
 * handshake bytes from *d; the client's bytes that follow its request are
 * kept for detection until the grant. */
static void socks_step(struct nj_flow *f, struct app_flow *af, int dir, const uint8_t **d,
		       uint32_t *n)
{
	int di = dir == NJ_DIR_TO_SERVER ? 0 : 1;
	uint32_t used = 0;
	int st;

	if (!af->socks_tried && di == 0 && !af->early[0].len && !af->early[1].len) {
		af->socks_tried = true;
		if (nj_socks_greeting(*d, *n) && !(af->socks = nj_socks_new()))
			nj_counter_add(g.c_nomem, 1);
	}
	if (!af->socks)
		return;
	st = nj_socks_feed(af->socks, dir, *d, *n, &used);
	*d += used;
	*n -= used;
	if (st == NJ_SOCKS_FAILED) {
		nj_socks_free(af->socks);
		af->socks = NULL;
		set_failed(f, af);
	} else if (st == NJ_SOCKS_OPEN) {
		nj_socks_free(af->socks);
		af->socks = NULL;
	} else if (*n) {
		nj_abuf_append(&af->early[di], *d, *n, DETECT_KEEP);
		*n = 0;
	}
}

/* After a granted HTTP CONNECT the flow carries another protocol: the
 * HTTP state goes (its transactions were handed out with the response) and
 * detection starts over on the tunnel's bytes, as Suricata changes the
 * flow's protocol. */
static void http_tunnel_step(struct nj_flow *f, struct app_flow *af)
{
	if (!af->http || !nj_http_tunnel(af->http))
		return;
	nj_http_free(af->http);
	af->http = NULL;
	af->proto = NJ_APP_UNKNOWN;
	f->app_proto = NJ_APP_UNKNOWN;
	af->failed[0] = af->failed[1] = false;
}

/* Detection on this direction's bytes so far (kept in early[]); a flow
 * picked up midstream whose data reads as the other side's is reversed
 * first (detect_either). */
static void detect(struct nj_packet *p, struct app_flow *af, int dir, const uint8_t *d,
		   uint32_t n, bool udp)
{
	struct nj_flow *f = p->flow;
	int di = dir == NJ_DIR_TO_SERVER ? 0 : 1;
	struct nj_abuf *e = &af->early[di];
	const uint8_t *buf = d;
	uint32_t len = n;
	bool rev;
	int proto;

	if (af->failed[di])
		return;
	if (!udp && e->len) {
		nj_abuf_append(e, d, n, DETECT_KEEP);
		buf = e->p;
		len = e->len;
	}
	proto = detect_either(p, af, dir, buf, len, &rev);
	if (proto == NJ_APP_UNKNOWN) {
		if (!udp && !e->len)
			nj_abuf_append(e, d, n, DETECT_KEEP);
		return;
	}
	if (proto == NJ_APP_FAILED) {
		af->failed[di] = true;
		if (af->failed[0] && af->failed[1])
			set_failed(f, af);
		if (!udp && !e->len)
			nj_abuf_append(e, d, n, DETECT_KEEP);
		return;
	}
	if (rev) {
		reverse(p, af);
		dir = nj_dir_reverse((uint8_t)dir);
	}
	detected(f, af, proto, dir, d, n, udp);
}

/* Data was lost before this chunk; before detection the bytes kept for it
 * no longer lead to the new ones, so that direction starts over. */
static void on_gap(struct app_flow *af, int dir)
{
	if (af->http)
		nj_http_gap(af->http, dir);
	else if (af->http2)
		nj_http2_gap(af->http2, dir);
	else if (af->dns)
		nj_dns_gap(af->dns, dir);
	else if (af->tls)
		nj_tls_gap(af->tls, dir);
	else if (af->proto == NJ_APP_UNKNOWN)
		nj_abuf_reset(&af->early[dir == NJ_DIR_TO_SERVER ? 0 : 1]);
	/* a handshake with a hole cannot be followed */
	nj_socks_free(af->socks);
	af->socks = NULL;
}

static void begin(struct app_flow *af)
{
	if (af->http)
		nj_http_begin(af->http);
	if (af->http2)
		nj_http2_begin(af->http2);
	if (af->dns)
		nj_dns_begin(af->dns);
	if (af->tls)
		nj_tls_begin(af->tls);
}

static void collect(struct app_flow *af, struct nj_packet *p)
{
	struct nj_app_tx **txs = NULL;
	uint16_t n = 0;

	if (af->http)
		n = nj_http_updated(af->http, &txs);
	else if (af->http2)
		n = nj_http2_updated(af->http2, &txs);
	else if (af->dns)
		n = nj_dns_updated(af->dns, &txs);
	else if (af->tls)
		n = nj_tls_updated(af->tls, &txs);
	p->app_txs = n ? txs : NULL;
	p->napp_txs = n;
}

/* One pseudo-packet of flow f in direction dir carrying the transactions
 * of txs[0..n) last updated in that direction (those that do not say go
 * with the client's), dispatched to the stages after this one. */
static void dispatch_closing(struct nj_worker *w, struct nj_flow *f, int dir,
			     struct nj_app_tx **txs, uint16_t n, struct nj_app_tx **sel)
{
	bool ts = dir == NJ_DIR_TO_SERVER;
	struct nj_packet p;
	struct nj_event ev = { .kind = NJ_EV_PACKET, .pkt = &p };
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		int tdir = txs[i]->dir == NJ_DIR_TO_CLIENT ? NJ_DIR_TO_CLIENT : NJ_DIR_TO_SERVER;
		if (tdir == dir)
			sel[k++] = txs[i];
	}
	if (!k)
		return;
	memset(&p, 0, sizeof(p));
	p.ip_ver = f->client.family;
	p.src = ts ? f->client : f->server;
	p.dst = ts ? f->server : f->client;
	p.sport = ts ? f->cport : f->sport;
	p.dport = ts ? f->sport : f->cport;
	p.proto = f->proto;
	p.ts = f->last;
	/* A session that was established still is for its last data, as
	 * Suricata marks its flow-end pseudo-packets. */
	p.flags = NJ_PKT_PSEUDO;
	if (f->proto == 6 && f->tcp_state >= NJ_TCP_ESTABLISHED)
		p.flags |= NJ_PKT_STREAM_EST | NJ_PKT_FLOW_ESTABLISHED;
	else if (f->state == NJ_FLOW_ESTABLISHED)
		p.flags |= NJ_PKT_FLOW_ESTABLISHED;
	p.flow = f;
	p.dir = (uint8_t)dir;
	p.worker = w;
	p.app_txs = sel;
	p.napp_txs = k;
	ev.ts = p.ts;
	nj_bus_dispatch_from(w, &ev, NJ_STAGE_APP + 1);
}

/* Before a flow's state goes: parsers close what is open, and the
 * transactions that become complete are shown to the rule engine and the
 * outputs on a pseudo-packet of the flow per direction, as Suricata
 * inspects and logs unfinished transactions at flow end (a response cut
 * short is inspected as server data). */
static void on_flow_closing(struct nj_worker *w, struct nj_flow *f)
{
	struct app_flow *af = f->app;
	struct nj_packet p;
	struct nj_app_tx **sel;

	if (!af || !w || (!af->http && !af->http2 && !af->tls && !af->dns))
		return;
	begin(af);
	if (af->http)
		nj_http_close(af->http);
	if (af->http2)
		nj_http2_close(af->http2);
	if (af->tls)
		nj_tls_close(af->tls);
	memset(&p, 0, sizeof(p));
	collect(af, &p);
	if (!p.napp_txs)
		return;
	sel = calloc(p.napp_txs, sizeof(*sel));
	if (!sel) {
		nj_counter_add(g.c_nomem, 1);
		return;
	}
	dispatch_closing(w, f, NJ_DIR_TO_SERVER, p.app_txs, p.napp_txs, sel);
	dispatch_closing(w, f, NJ_DIR_TO_CLIENT, p.app_txs, p.napp_txs, sel);
	free(sel);
}

static int handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct nj_packet *p = ev->pkt;
	struct nj_flow *f = p->flow;
	struct app_flow *af;
	const uint8_t *d = NULL;
	uint32_t n = 0;
	int dir = p->dir;
	bool udp = p->proto == 17, end = false, gap = false;

	(void)w;
	(void)ctx;
	p->app_txs = NULL;
	p->napp_txs = 0;
	if (!f || (p->proto != 6 && p->proto != 17))
		return NJ_BUS_CONTINUE;
	if (p->proto == 6 && p->stream) {
		const struct nj_stream_chunk *c = p->stream;
		if (c->new_off <= c->len) {
			d = c->data + c->new_off;
			n = c->len - c->new_off;
		}
		dir = c->dir;
		end = c->flow_end;
		gap = c->has_gap;
	} else if (udp) {
		d = p->payload;
		n = p->payload_len;
	}
	af = f->app;
	if (!af) {
		if (n == 0 && !end)
			return NJ_BUS_CONTINUE;
		af = calloc(1, sizeof(*af));
		if (!af) {
			nj_counter_add(g.c_nomem, 1);
			return NJ_BUS_CONTINUE;
		}
		f->app = af;
	}
	http_tunnel_step(f, af);
	begin(af);
	if (gap && (dir == NJ_DIR_TO_SERVER || dir == NJ_DIR_TO_CLIENT))
		on_gap(af, dir);
	if (n && !udp && af->proto == NJ_APP_UNKNOWN &&
	    (dir == NJ_DIR_TO_SERVER || dir == NJ_DIR_TO_CLIENT))
		socks_step(f, af, dir, &d, &n);
	if (n && (dir == NJ_DIR_TO_SERVER || dir == NJ_DIR_TO_CLIENT)) {
		if (af->proto == NJ_APP_UNKNOWN)
			detect(p, af, dir, d, n, udp);
		else if (feed(af, dir, d, n) == -ENOMEM)
			nj_counter_add(g.c_nomem, 1);
	}
	if (end) {
		if (af->http)
			nj_http_close(af->http);
		if (af->http2)
			nj_http2_close(af->http2);
		if (af->tls)
			nj_tls_close(af->tls);
	}
	collect(af, p);
	return NJ_BUS_CONTINUE;
}

static const struct nj_stage app_stage = {
	.name = "app-layer",
	.order = NJ_STAGE_APP,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = handle,
};

int nj_app_stage_register(const struct nj_config *cfg)
{
	char name[64];
	int rc;

	nj_http_config_load(&g.http, cfg);
	g.http_on = !cfg || nj_config_get_bool(cfg, "app-layer.protocols.http.enabled", true);
	g.http2_on = !cfg || nj_config_get_bool(cfg, "app-layer.protocols.http2.enabled", true);
	g.dns_on = !cfg || nj_config_get_bool(cfg, "app-layer.protocols.dns.enabled", true);
	g.tls_on = !cfg || nj_config_get_bool(cfg, "app-layer.protocols.tls.enabled", true);
	/* Suricata's stats name the TCP protocols by name; nightjar's own
	 * counts (undetected, failed, DNS over either transport) go under
	 * stats.nightjar. */
	for (int i = 0; i < NJ_APP__COUNT; i++) {
		bool suricata = i == NJ_APP_HTTP || i == NJ_APP_HTTP2 || i == NJ_APP_TLS || i == NJ_APP_SSH ||
				i == NJ_APP_SMTP || i == NJ_APP_FTP;
		snprintf(name, sizeof(name), suricata ? "app_layer.flow.%s" : "nightjar.app_layer.flow_%s",
			 i == NJ_APP_UNKNOWN ? "unknown" : nj_app_proto_name(i));
		g.c_flows[i] = nj_counter_register(name);
	}
	g.c_nomem = nj_counter_register("nightjar.app_layer.nomem");
	nj_app_event_counters_init();
	rc = nj_flow_before_end(on_flow_closing);
	if (rc == 0)
		rc = nj_flow_on_end(on_flow_end);
	if (rc < 0)
		return rc;
	return nj_bus_register(&app_stage);
}
