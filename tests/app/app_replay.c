/* Test driver for the app-layer stage on real captures: reads a pcap,
 * decodes Ethernet/VLAN/IPv4/IPv6/TCP/UDP just enough, reassembles TCP in
 * order (a stand-in for the stream engine), dispatches packets with stream
 * chunks through the bus to the app stage, and writes one EVE line per
 * completed http/dns/tls transaction to stdout.
 *
 *   tests/app/app_replay in.pcap > eve.json
 *   tests/app/tshark_crosscheck.py --eve eve.json --pcap in.pcap
 *
 * With NJ_REPLAY_BUFFERS set in the environment each record also carries a
 * "buffers" object with the transaction's inspection buffers (not EVE).
 */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/bus.h"
#include "core/bytes.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/app.h"

#define MAX_FLOWS 65536
#define MAX_OOO 256

struct seg {
	uint32_t seq;
	uint32_t len;
	uint8_t *data;
};

struct half {
	bool init;
	uint32_t next;
	struct seg ooo[MAX_OOO];
	int nooo;
	bool gap;               /* the next delivery follows lost data */
};

struct rflow {
	struct nj_flow f;
	struct half h[2];       /* 0: client to server */
	bool used;
};

static struct rflow *flows;
static uint32_t nflows;
static struct nj_worker w;
static struct nj_json json;
static uint64_t next_flow_id = 1;
static bool dump_buffers;       /* NJ_REPLAY_BUFFERS=1: add a "buffers" object */

static void addr_str(const struct nj_addr *a, char *out, size_t cap)
{
	inet_ntop(a->family == 6 ? AF_INET6 : AF_INET, a->b, out, (socklen_t)cap);
}

static void write_tx(const struct nj_packet *p, struct rflow *rf, struct nj_app_tx *tx)
{
	struct nj_app_txhdr *h = nj_app_txhdr(tx);
	char src[64], dst[64], ts[64];
	const struct nj_flow *f = &rf->f;
	bool rev = tx->proto == NJ_APP_DNS && p->dir == NJ_DIR_TO_CLIENT;
	struct tm tm;
	time_t sec = p->ts.tv_sec;

	if (!h || h->logged || !nj_app_tx_complete(tx) || !tx->log_json)
		return;
	h->logged = true;
	gmtime_r(&sec, &tm);
	strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(ts + strlen(ts), sizeof(ts) - strlen(ts), ".%06ld+0000", (long)p->ts.tv_usec);
	addr_str(rev ? &f->server : &f->client, src, sizeof(src));
	addr_str(rev ? &f->client : &f->server, dst, sizeof(dst));
	nj_json_reset(&json);
	nj_json_object_open(&json, NULL);
	nj_json_str(&json, "timestamp", ts);
	nj_json_uint(&json, "flow_id", f->flow_id);
	nj_json_str(&json, "event_type", nj_app_proto_name(tx->proto));
	nj_json_str(&json, "src_ip", src);
	nj_json_uint(&json, "src_port", rev ? f->sport : f->cport);
	nj_json_str(&json, "dest_ip", dst);
	nj_json_uint(&json, "dest_port", rev ? f->cport : f->sport);
	nj_json_str(&json, "proto", f->proto == 6 ? "TCP" : "UDP");
	nj_json_str(&json, "app_proto", nj_app_proto_name(f->app_proto));
	nj_json_uint(&json, "pcap_cnt", p->pcap_cnt);
	tx->log_json(tx, &json);
	if (dump_buffers) {
		/* every non-empty inspection buffer, for checking rules by hand */
		nj_json_object_open(&json, "buffers");
		for (int id = 0; id < NJ_BUF__COUNT; id++) {
			struct nj_buf b;
			for (uint32_t idx = 0; idx < 8; idx++) {
				if (tx->get_buffer(tx, id, idx, &b) != 1)
					break;
				char key[64];
				snprintf(key, sizeof(key), "%s%s%u", nj_buf_name(id),
					 idx ? "#" : "", idx ? idx : 0u);
				if (!idx)
					key[strlen(nj_buf_name(id))] = 0;
				nj_json_strn(&json, key, b.ptr, b.len);
			}
		}
		nj_json_object_close(&json);
	}
	nj_json_object_close(&json);
	if (!json.oom)
		printf("%s\n", json.buf);
}

static void dispatch(struct nj_packet *p, struct rflow *rf)
{
	struct nj_event ev = { .kind = NJ_EV_PACKET, .pkt = p, .ts = p->ts };

	nj_bus_dispatch(&w, &ev);
	for (uint16_t i = 0; i < p->napp_txs; i++)
		write_tx(p, rf, p->app_txs[i]);
}

static struct rflow *lookup(struct nj_packet *p, bool syn_only)
{
	uint32_t hsh = 0;
	for (int i = 0; i < 16; i++)
		hsh = hsh * 31 + (p->src.b[i] ^ p->dst.b[i]);
	hsh = (hsh ^ (uint32_t)(p->sport ^ p->dport) ^ p->proto) % MAX_FLOWS;
	for (uint32_t k = 0; k < MAX_FLOWS; k++) {
		struct rflow *rf = &flows[(hsh + k) % MAX_FLOWS];
		if (!rf->used) {
			memset(rf, 0, sizeof(*rf));
			rf->used = true;
			rf->f.proto = p->proto;
			/* the SYN's sender, else the sender to a well-known port, is the client */
			bool swap = !syn_only && p->sport < 1024 && p->dport >= 1024;
			rf->f.client = swap ? p->dst : p->src;
			rf->f.server = swap ? p->src : p->dst;
			rf->f.cport = swap ? p->dport : p->sport;
			rf->f.sport = swap ? p->sport : p->dport;
			rf->f.flow_id = next_flow_id++;
			nflows++;
			return rf;
		}
		struct nj_flow *f = &rf->f;
		if (f->proto != p->proto)
			continue;
		if ((nj_addr_eq(&f->client, &p->src) && nj_addr_eq(&f->server, &p->dst) &&
		     f->cport == p->sport && f->sport == p->dport) ||
		    (nj_addr_eq(&f->client, &p->dst) && nj_addr_eq(&f->server, &p->src) &&
		     f->cport == p->dport && f->sport == p->sport))
			return rf;
	}
	return NULL;
}

static void deliver(struct nj_packet *p, struct rflow *rf, int dir, const uint8_t *d,
		    uint32_t n, bool end)
{
	struct half *h = &rf->h[dir == NJ_DIR_TO_SERVER ? 0 : 1];
	struct nj_stream_chunk c = { .data = d, .len = n, .new_off = 0, .dir = (uint8_t)dir,
				     .flow_end = end, .has_gap = h->gap };
	h->gap = false;
	p->stream = &c;
	p->dir = (uint8_t)dir;
	dispatch(p, rf);
	p->stream = NULL;
}

static void drain(struct nj_packet *p, struct rflow *rf, int dir, struct half *h)
{
	for (bool again = true; again;) {
		again = false;
		for (int i = 0; i < h->nooo; i++) {
			struct seg *s = &h->ooo[i];
			int32_t dd = (int32_t)(s->seq - h->next);
			if (dd <= 0) {
				if ((uint32_t)(-dd) < s->len) {
					deliver(p, rf, dir, s->data - dd, s->len + (uint32_t)dd, false);
					h->next += s->len + (uint32_t)dd;
				}
				free(s->data);
				*s = h->ooo[--h->nooo];
				again = true;
				break;
			}
		}
	}
}

/* Gives up on missing data: continues at the lowest queued segment. */
static void skip_gap(struct nj_packet *p, struct rflow *rf, int dir, struct half *h)
{
	int best = -1;

	for (int i = 0; i < h->nooo; i++)
		if (best < 0 || (int32_t)(h->ooo[i].seq - h->ooo[best].seq) < 0)
			best = i;
	if (best < 0)
		return;
	h->next = h->ooo[best].seq;
	h->gap = true;
	drain(p, rf, dir, h);
}

/* In-order delivery with a small out-of-order queue. */
static void tcp_data(struct nj_packet *p, struct rflow *rf, int dir, uint32_t seq,
		     const uint8_t *d, uint32_t n)
{
	struct half *h = &rf->h[dir == NJ_DIR_TO_SERVER ? 0 : 1];

	if (!h->init) {
		h->init = true;
		h->next = seq;
	}
	int32_t delta = (int32_t)(seq - h->next);
	if (delta > 0) {
		if (h->nooo < MAX_OOO) {
			struct seg *s = &h->ooo[h->nooo++];
			s->seq = seq;
			s->len = n;
			s->data = malloc(n);
			if (s->data)
				memcpy(s->data, d, n);
			else
				h->nooo--;
		}
		if (h->nooo >= 64)
			skip_gap(p, rf, dir, h);
		return;
	}
	if ((uint32_t)(-delta) >= n)
		return;         /* retransmission */
	d += -delta;
	n -= (uint32_t)(-delta);
	deliver(p, rf, dir, d, n, false);
	h->next += n;
	drain(p, rf, dir, h);
}

static void on_packet(u_char *user, const struct pcap_pkthdr *hdr, const u_char *b)
{
	static uint64_t cnt;
	int linktype = *(int *)user;
	uint32_t len = hdr->caplen, off = 0;
	uint16_t et = 0;
	struct nj_packet p = { 0 };

	p.pcap_cnt = ++cnt;
	p.ts = hdr->ts;
	if (linktype == DLT_EN10MB) {
		if (!nj_get_be16(b, len, 12, &et))
			return;
		off = 14;
		while (et == 0x8100 || et == 0x88a8) {
			if (!nj_get_be16(b, len, off + 2, &et))
				return;
			off += 4;
		}
	} else if (linktype == DLT_NULL || linktype == DLT_LOOP) {
		/* 4-byte address family, host order (NULL) or network order */
		uint32_t fam;
		if (!nj_get_le32(b, len, 0, &fam))
			return;
		if (fam > 0xffff)
			fam = nj_be32(b);
		et = fam == 2 ? 0x0800 : 0x86dd;
		off = 4;
	} else if (linktype == DLT_RAW || linktype == 101) {
		et = (len && (b[0] >> 4) == 6) ? 0x86dd : 0x0800;
	} else if (linktype == DLT_LINUX_SLL) {
		if (!nj_get_be16(b, len, 14, &et))
			return;
		off = 16;
	} else {
		return;
	}
	uint32_t l4;
	uint8_t proto;
	if (et == 0x0800) {
		if (!nj_has(len, off, 20))
			return;
		uint32_t ihl = (b[off] & 0xf) * 4u;
		uint16_t tot = nj_be16(b + off + 2);
		if ((nj_be16(b + off + 6) & 0x3fff) != 0)
			return; /* fragments: not handled here */
		proto = b[off + 9];
		nj_addr_set4(&p.src, b + off + 12);
		nj_addr_set4(&p.dst, b + off + 16);
		if (off + tot < len)
			len = off + tot;
		l4 = off + ihl;
	} else if (et == 0x86dd) {
		if (!nj_has(len, off, 40))
			return;
		proto = b[off + 6];
		uint16_t plen = nj_be16(b + off + 4);
		memset(&p.src, 0, sizeof(p.src));
		memset(&p.dst, 0, sizeof(p.dst));
		nj_addr_set6(&p.src, b + off + 8);
		nj_addr_set6(&p.dst, b + off + 24);
		if (off + 40 + plen < len)
			len = off + 40 + plen;
		l4 = off + 40;
	} else {
		return;
	}
	p.proto = proto;
	if (proto == 17) {
		if (!nj_has(len, l4, 8))
			return;
		p.sport = nj_be16(b + l4);
		p.dport = nj_be16(b + l4 + 2);
		p.payload = b + l4 + 8;
		p.payload_len = len - l4 - 8;
		struct rflow *rf = lookup(&p, false);
		if (!rf)
			return;
		p.flow = &rf->f;
		p.dir = nj_addr_eq(&p.src, &rf->f.client) && p.sport == rf->f.cport ?
			NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT;
		dispatch(&p, rf);
	} else if (proto == 6) {
		if (!nj_has(len, l4, 20))
			return;
		p.sport = nj_be16(b + l4);
		p.dport = nj_be16(b + l4 + 2);
		uint32_t seq = nj_be32(b + l4 + 4);
		uint8_t flags = b[l4 + 13];
		uint32_t thl = (b[l4 + 12] >> 4) * 4u;
		if (!nj_has(len, l4, thl))
			return;
		bool syn = flags & NJ_TH_SYN;
		struct rflow *rf = lookup(&p, syn && !(flags & NJ_TH_ACK));
		if (!rf)
			return;
		p.flow = &rf->f;
		int dir = nj_addr_eq(&p.src, &rf->f.client) && p.sport == rf->f.cport ?
			  NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT;
		struct half *h = &rf->h[dir == NJ_DIR_TO_SERVER ? 0 : 1];
		if (syn) {
			h->init = true;
			h->next = seq + 1;
			return;
		}
		if (len - l4 - thl > 0)
			tcp_data(&p, rf, dir, seq, b + l4 + thl, len - l4 - thl);
	}
}

int main(int argc, char **argv)
{
	char err[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int linktype;

	if (argc != 2) {
		fprintf(stderr, "usage: %s file.pcap\n", argv[0]);
		return 2;
	}
	pc = pcap_open_offline(argv[1], err);
	if (!pc) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	dump_buffers = getenv("NJ_REPLAY_BUFFERS") != NULL;
	flows = calloc(MAX_FLOWS, sizeof(*flows));
	if (!flows || nj_app_stage_register(NULL) < 0 || nj_worker_init(&w, 0, true) < 0)
		return 1;
	nj_json_init(&json);
	linktype = pcap_datalink(pc);
	pcap_loop(pc, -1, on_packet, (u_char *)&linktype);
	/* end of input: flush every TCP flow, then end them all */
	for (uint32_t i = 0; i < MAX_FLOWS; i++) {
		struct rflow *rf = &flows[i];
		if (!rf->used)
			continue;
		struct nj_packet p = { .proto = rf->f.proto, .flow = &rf->f };
		for (int k = 0; k < 2 && rf->f.proto == 6; k++)
			while (rf->h[k].nooo)
				skip_gap(&p, rf, k == 0 ? NJ_DIR_TO_SERVER : NJ_DIR_TO_CLIENT,
					 &rf->h[k]);
		if (rf->f.proto == 6)
			deliver(&p, rf, NJ_DIR_TO_CLIENT, (const uint8_t *)"", 0, true);
		nj_flow_ended(&w, &rf->f);
		for (int k = 0; k < 2; k++)
			for (int s = 0; s < rf->h[k].nooo; s++)
				free(rf->h[k].ooo[s].data);
	}
	nj_worker_fini(&w);
	nj_json_free(&json);
	free(flows);
	pcap_close(pc);
	return 0;
}
