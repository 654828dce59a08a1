/* Packet construction for preprocessor unit tests: fills struct nj_packet
 * by hand (as the decoders would) so the tests do not need the decoders. */
#ifndef NJ_TESTS_PKT_BUILD_H
#define NJ_TESTS_PKT_BUILD_H

#include <stdint.h>
#include <string.h>

#include "core/addr.h"
#include "core/bus.h"
#include "core/event.h"
#include "core/packet.h"

static uint8_t tb_l4_dummy[20];

static inline void tb_ip(struct nj_packet *p, const char *src, const char *dst, uint8_t proto,
			 time_t sec)
{
	memset(p, 0, sizeof(*p));
	nj_addr_parse(src, &p->src);
	nj_addr_parse(dst, &p->dst);
	p->ip_ver = p->src.family;
	p->proto = proto;
	p->ts.tv_sec = sec;
	p->linktype = NJ_LINKTYPE_RAW;
}

static inline void tb_udp(struct nj_packet *p, const char *src, uint16_t sport, const char *dst,
			  uint16_t dport, uint32_t len, time_t sec)
{
	tb_ip(p, src, dst, 17, sec);
	p->sport = sport;
	p->dport = dport;
	p->l4 = tb_l4_dummy;
	p->l4_len = 8 + len;
	p->caplen = p->wirelen = 28 + len;
}

static inline void tb_tcp(struct nj_packet *p, const char *src, uint16_t sport, const char *dst,
			  uint16_t dport, uint8_t flags, uint32_t seq, uint32_t ack,
			  const void *payload, uint32_t len, time_t sec)
{
	tb_ip(p, src, dst, 6, sec);
	p->sport = sport;
	p->dport = dport;
	p->tcp.flags = flags;
	p->tcp.seq = seq;
	p->tcp.ack = ack;
	p->tcp.win = 65535;
	p->tcp.wscale = 0xff;
	p->tcp.hlen = 20;
	p->l4 = tb_l4_dummy;
	p->l4_len = 20 + len;
	p->payload = payload;
	p->payload_len = len;
	p->caplen = p->wirelen = 40 + len;
}

/* Dispatches p at packet time (offline worker), as the run loop does. */
static inline void tb_run(struct nj_worker *w, struct nj_packet *p)
{
	struct nj_event ev;

	p->worker = w;
	memset(&ev, 0, sizeof(ev));
	ev.ts = p->ts;
	ev.kind = NJ_EV_PACKET;
	ev.pkt = p;
	if (timercmp(&p->ts, &w->now, >))
		w->now = p->ts;
	nj_bus_dispatch(w, &ev);
}

#endif
