/* A hand-made alert for the output tests: an Ethernet/IPv4/TCP HTTP request
 * (or its IPv6 twin), the rule that fired on it and the flow it belongs to. */
#ifndef NJ_TESTS_OUTPUT_FIXTURE_H
#define NJ_TESTS_OUTPUT_FIXTURE_H

#include <string.h>

#include "core/alert.h"
#include "core/buffer.h"
#include "core/flow.h"
#include "core/packet.h"

#define FX_PAYLOAD "GET /index.html HTTP/1.1\r\nHost: example.com\r\n\r\n"

struct fixture {
	uint8_t frame[256];
	struct nj_packet p;
	struct nj_flow f;
	struct nj_rule_info r;
	struct nj_meta_kv meta[3];
	struct nj_alert a;
};

static inline void fx_put16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static inline uint16_t fx_csum(const uint8_t *b, size_t n)
{
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* Builds the frame and fills the packet as the decoders would. */
static inline void fx_init(struct fixture *x, bool v6)
{
	static const uint8_t mac[12] = { 0, 1, 2, 3, 4, 5, 0, 6, 7, 8, 9, 10 };
	const size_t plen = sizeof(FX_PAYLOAD) - 1;
	uint8_t *ip = x->frame + 14, *tcp;
	size_t iphl = v6 ? 40 : 20;

	memset(x, 0, sizeof(*x));
	memcpy(x->frame, mac, 12);
	fx_put16(x->frame + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		ip[0] = 0x60;
		fx_put16(ip + 4, (uint16_t)(20 + plen));
		ip[6] = 6;
		ip[7] = 64;
		ip[8] = 0x20; ip[9] = 0x01; ip[10] = 0x0d; ip[11] = 0xb8; ip[23] = 1;
		ip[24] = 0x20; ip[25] = 0x01; ip[26] = 0x0d; ip[27] = 0xb8; ip[39] = 2;
		nj_addr_set6(&x->p.src, ip + 8);
		nj_addr_set6(&x->p.dst, ip + 24);
	} else {
		ip[0] = 0x45;
		fx_put16(ip + 2, (uint16_t)(20 + 20 + plen));
		fx_put16(ip + 4, 0x1234);
		ip[8] = 64;
		ip[9] = 6;
		ip[12] = 10; ip[13] = 0; ip[14] = 0; ip[15] = 1;
		ip[16] = 93; ip[17] = 184; ip[18] = 216; ip[19] = 34;
		fx_put16(ip + 10, fx_csum(ip, 20));
		nj_addr_set4(&x->p.src, ip + 12);
		nj_addr_set4(&x->p.dst, ip + 16);
	}
	tcp = ip + iphl;
	fx_put16(tcp, 51234);
	fx_put16(tcp + 2, 80);
	tcp[12] = 0x50;
	tcp[13] = NJ_TH_ACK | NJ_TH_PUSH;
	fx_put16(tcp + 14, 512);
	memcpy(tcp + 20, FX_PAYLOAD, plen);

	x->p.data = x->frame;
	x->p.caplen = x->p.wirelen = (uint32_t)(14 + iphl + 20 + plen);
	x->p.linktype = NJ_LINKTYPE_ETHERNET;
	x->p.ts.tv_sec = 1795780800;    /* 2026-11-27T12:00:00Z */
	x->p.ts.tv_usec = 123456;
	x->p.pcap_cnt = 7;
	x->p.iface = "eth0";
	x->p.ethertype = v6 ? 0x86dd : 0x0800;
	x->p.ip_ver = v6 ? 6 : 4;
	x->p.l3 = ip;
	x->p.l3_len = (uint32_t)(iphl + 20 + plen);
	x->p.proto = 6;
	x->p.l4 = tcp;
	x->p.l4_len = (uint32_t)(20 + plen);
	x->p.sport = 51234;
	x->p.dport = 80;
	x->p.payload = tcp + 20;
	x->p.payload_len = (uint32_t)plen;
	x->p.dir = NJ_DIR_TO_SERVER;

	x->f.client = x->p.src;
	x->f.server = x->p.dst;
	x->f.cport = 51234;
	x->f.sport = 80;
	x->f.proto = 6;
	x->f.flow_id = 1234567890123ull;
	x->f.start.tv_sec = x->p.ts.tv_sec - 2;
	x->f.start.tv_usec = 5;
	x->f.last = x->p.ts;
	x->f.pkts_ts = 4;
	x->f.pkts_tc = 3;
	x->f.bytes_ts = 400;
	x->f.bytes_tc = 3000;
	x->f.state = NJ_FLOW_ESTABLISHED;
	x->f.end_reason = NJ_FLOW_END_TIMEOUT;
	x->f.app_proto = NJ_APP_HTTP;
	x->f.alerted = true;
	x->p.flow = &x->f;

	x->meta[0] = (struct nj_meta_kv){ "policy", "balanced-ips" };
	x->meta[1] = (struct nj_meta_kv){ "created_at", "2014_08_14" };
	x->meta[2] = (struct nj_meta_kv){ "policy", "security-ips" };
	x->r.gid = 1;
	x->r.sid = 2019401;
	x->r.rev = 3;
	x->r.action = NJ_ACTION_ALERT;
	x->r.msg = "ET POLICY \"quoted\" test";
	x->r.classtype = "bad-unknown";
	x->r.class_desc = "Potentially Bad Traffic";
	x->r.priority = 2;
	x->r.metadata = x->meta;
	x->r.nmetadata = 3;
	x->r.text = "alert http any any -> any any (msg:\"ET POLICY \\\"quoted\\\" test\"; sid:2019401; rev:3;)";
	x->r.target = NULL;

	x->a.rule = &x->r;
	x->a.ts = x->p.ts;
	x->a.p = &x->p;
	x->a.flow = &x->f;
	x->a.payload = x->p.payload;
	x->a.payload_len = x->p.payload_len;
	x->a.pkt_src = "wire/pcap";
}

#endif
