/* The decoded packet: what every stage after capture reads.
 *
 * Ownership: `data` is borrowed from the capture backend (or from the
 * defragmenter's reassembly buffer) and is valid only for the duration of one
 * dispatch. Every pointer into the packet (`l3`, `l4`, `payload`) points into
 * `data`. A stage that must keep bytes past the dispatch copies them.
 */
#ifndef NJ_CORE_PACKET_H
#define NJ_CORE_PACKET_H

#include <stdint.h>
#include <stdbool.h>
#include <sys/time.h>

#include "core/addr.h"

#define NJ_MAX_VLAN 2
#define NJ_MAX_PKT_EVENTS 16
#define NJ_MAX_TUNNEL_DEPTH 4

/* Linktypes we decode (values of pcap's LINKTYPE_*, not DLT_*). */
enum nj_linktype {
	NJ_LINKTYPE_NULL = 0,
	NJ_LINKTYPE_ETHERNET = 1,
	NJ_LINKTYPE_PPP = 9,
	NJ_LINKTYPE_RAW = 101,
	NJ_LINKTYPE_LOOP = 108,
	NJ_LINKTYPE_LINUX_SLL = 113,
	NJ_LINKTYPE_IPV4 = 228,
	NJ_LINKTYPE_IPV6 = 229,
	NJ_LINKTYPE_LINUX_SLL2 = 276,
};

/* IPv4 option bits for the `ipopts` keyword. */
enum nj_ipopt {
	NJ_IPOPT_EOL = 1 << 0,
	NJ_IPOPT_NOP = 1 << 1,
	NJ_IPOPT_RR = 1 << 2,
	NJ_IPOPT_TS = 1 << 3,
	NJ_IPOPT_SEC = 1 << 4,
	NJ_IPOPT_ESEC = 1 << 5,
	NJ_IPOPT_LSRR = 1 << 6,
	NJ_IPOPT_SSRR = 1 << 7,
	NJ_IPOPT_SATID = 1 << 8,
	NJ_IPOPT_RTRALT = 1 << 9,
	NJ_IPOPT_ANY = 1 << 15,
};

/* TCP header flag bits, as on the wire (byte 13) plus ECN nonce. */
enum nj_tcp_flag {
	NJ_TH_FIN = 0x01,
	NJ_TH_SYN = 0x02,
	NJ_TH_RST = 0x04,
	NJ_TH_PUSH = 0x08,
	NJ_TH_ACK = 0x10,
	NJ_TH_URG = 0x20,
	NJ_TH_ECE = 0x40,
	NJ_TH_CWR = 0x80,
};

/* Packet direction relative to the flow, set by the flow table. */
enum nj_dir {
	NJ_DIR_NONE = 0,
	NJ_DIR_TO_SERVER = 1,
	NJ_DIR_TO_CLIENT = 2,
};

/* The other direction; NJ_DIR_NONE stays. */
static inline uint8_t nj_dir_reverse(uint8_t dir)
{
	return dir == NJ_DIR_TO_SERVER ? NJ_DIR_TO_CLIENT : dir == NJ_DIR_TO_CLIENT ? NJ_DIR_TO_SERVER : dir;
}

/* Packet flags (p->flags). */
enum nj_pkt_flag {
	NJ_PKT_IPV4_CSUM_BAD = 1 << 0,
	NJ_PKT_L4_CSUM_BAD = 1 << 1,
	NJ_PKT_IS_FRAGMENT = 1 << 2,   /* an IP fragment (not yet reassembled) */
	NJ_PKT_REASSEMBLED = 1 << 3,   /* built by the defragmenter */
	NJ_PKT_FLOW_ESTABLISHED = 1 << 4,
	NJ_PKT_STREAM_EST = 1 << 5,    /* TCP session fully established */
	NJ_PKT_PSEUDO = 1 << 6,        /* made by a preprocessor (flow end) */
	NJ_PKT_NO_INSPECT = 1 << 7,    /* skip detection (e.g. invalid) */
	NJ_PKT_TRUNCATED = 1 << 8,     /* decoding stopped early */
	NJ_PKT_TUNNEL = 1 << 9,        /* the layers below are a tunnel's inner packet */
	NJ_PKT_IN_STREAM = 1 << 10,    /* payload taken into TCP reassembly: rules see
					* it in a stream chunk once it is in order */
	NJ_PKT_DROP = 1 << 11,         /* dropped (simulated IPS, core/verdict.h) */
	NJ_PKT_CSUM_PARTIAL = 1 << 12, /* the kernel left the checksums to the hardware
					* (sent by this host) or checked them: nightjar
					* does not validate them */
	NJ_PKT_STREAM_MODIFIED = 1 << 13, /* inline mode rewrote the payload to what
					   * the stream kept (stream_inline.h) */
};

struct nj_flow;
struct nj_app_tx;
struct nj_rule_info;

/* One contiguous run of a raw stream window: data[start..start + len),
 * with gap bytes missing (never captured) right before it. */
struct nj_stream_block {
	uint32_t start, len;
	uint64_t gap;
};

/* Reassembled TCP data. Owned by the stream engine; valid for the dispatch.
 * data[0..new_off) was shown before and is repeated as context so that a
 * pattern spanning the previous chunk matches; data[new_off..len) is new.
 * Two kinds (doc/stream.md): the in-order chunk (p->stream, for the
 * app-layer parsers: one run, nblocks 0) and the raw window (p->raw_stream,
 * for stream rules: acknowledged data, nblocks >= 1 runs separated by holes;
 * only the first run carries context). */
struct nj_stream_chunk {
	const uint8_t *data;
	uint32_t len;
	uint32_t new_off;
	uint64_t offset;        /* stream offset of data[0] (0 = first byte after SYN) */
	uint8_t dir;            /* enum nj_dir of the data */
	bool flow_end;          /* flushed because the flow ended */
	bool has_gap;           /* data is missing before or inside this chunk */
	uint32_t nblocks;       /* raw windows: runs in blocks[] */
	const struct nj_stream_block *blocks;
};

struct nj_packet {
	/* capture */
	const uint8_t *data;
	uint32_t caplen;
	uint32_t wirelen;
	int linktype;
	struct timeval ts;
	uint64_t pcap_cnt;      /* 1-based packet number in the input */
	const char *iface;      /* borrowed, static for the run */

	/* layer 2 */
	uint16_t vlan[NJ_MAX_VLAN];
	uint8_t vlan_count;
	uint16_t ethertype;

	/* layer 3; for tunnels, the innermost IP header */
	uint8_t ip_ver;                 /* 0 (none), 4 or 6 */
	struct nj_addr src, dst;
	const uint8_t *l3;              /* IP header */
	uint32_t l3_len;                /* IP header + payload as captured */
	uint16_t ip_hlen;               /* IPv4 header or IPv6 header + ext hdrs */
	uint8_t ttl;                    /* TTL or hop limit */
	uint8_t tos;                    /* TOS or traffic class */
	uint16_t ip_id;                 /* IPv4 id; low 16 bits of IPv6 frag id */
	uint32_t ip6_frag_id;
	uint16_t frag_off;              /* offset in bytes */
	bool frag_mf;                   /* more fragments */
	bool frag_df;                   /* don't fragment */
	bool frag_rb;                   /* reserved bit */
	uint16_t ip_opts;               /* enum nj_ipopt bits */
	uint8_t ip6_exthdrs;            /* count of IPv6 extension headers */
	uint8_t proto;                  /* upper-layer protocol number */
	uint8_t tunnel_depth;
	uint8_t tunnel_proto;           /* outermost tunnel: 47 GRE, 4, 41, 17 (VXLAN) */
	struct nj_addr outer_src, outer_dst;   /* outermost IP of a tunnel */

	/* layer 4 */
	const uint8_t *l4;
	uint32_t l4_len;
	uint16_t sport, dport;
	struct {
		uint32_t seq, ack;
		uint16_t win;
		uint8_t flags;
		uint8_t hlen;
		uint16_t mss;
		uint8_t wscale;         /* 0xff when absent */
		bool sackok;
		bool has_ts;
		uint32_t tsval, tsecr;
		uint16_t urp;
	} tcp;
	struct {
		uint8_t type, code;
		uint16_t id, seq;
		bool has_id;            /* echo/timestamp/info types */
	} icmp;

	const uint8_t *payload;
	uint32_t payload_len;

	/* decoder events found in this packet (enum nj_decode_event values) */
	uint16_t events[NJ_MAX_PKT_EVENTS];
	uint8_t nevents;

	uint32_t flags;                 /* enum nj_pkt_flag */
	/* with NJ_PKT_DROP: enum nj_drop_reason, and the rule that dropped
	 * it (borrowed from the rule set for the dispatch; NULL when the
	 * flow was dropped before) */
	uint8_t drop_reason;
	const struct nj_rule_info *drop_rule;

	/* attached by preprocessors; borrowed, valid for the dispatch */
	struct nj_flow *flow;
	uint8_t dir;                    /* enum nj_dir */
	const struct nj_stream_chunk *stream;   /* new in-order data, if any */
	const struct nj_stream_chunk *raw_stream; /* raw window to inspect, if any */
	/* app-layer transactions updated by this packet (owned by the parser) */
	struct nj_app_tx **app_txs;
	uint16_t napp_txs;

	/* thread-local scratch owned by the worker */
	void *worker;
};

#endif
