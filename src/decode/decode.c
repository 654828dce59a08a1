/* Packet decoding entry points: linktype dispatch, ethertype dispatch,
 * tunnel bookkeeping and the decoder counters.
 *
 * Linktype values are pcap's LINKTYPE_* (https://www.tcpdump.org/linktypes.html);
 * 12 and 14 are the DLT_RAW values some writers put in files instead of 101.
 */
#include <stddef.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/decode_int.h"

/* PPP in HDLC-like framing (RFC 1662) and PPPoE session frames without
 * their Ethernet header; not in enum nj_linktype. */
#define LINKTYPE_PPP_HDLC 50
#define LINKTYPE_PPP_ETHER 51

int nj_decode_counter_ids[NJ_DC__COUNT] = { [0 ... NJ_DC__COUNT - 1] = -1 };

static const char *const counter_names[NJ_DC__COUNT] = {
	[NJ_DC_PKTS] = "decoder.pkts",
	[NJ_DC_BYTES] = "decoder.bytes",
	[NJ_DC_INVALID] = "decoder.invalid",
	[NJ_DC_IPV4] = "decoder.ipv4",
	[NJ_DC_IPV6] = "decoder.ipv6",
	[NJ_DC_ETHERNET] = "decoder.ethernet",
	[NJ_DC_RAW] = "decoder.raw",
	[NJ_DC_NULL] = "decoder.null",
	[NJ_DC_SLL] = "decoder.sll",
	[NJ_DC_PPP] = "decoder.ppp",
	[NJ_DC_PPPOE] = "decoder.pppoe",
	[NJ_DC_MPLS] = "decoder.mpls",
	[NJ_DC_ERSPAN] = "decoder.erspan",
	[NJ_DC_TCP] = "decoder.tcp",
	[NJ_DC_UDP] = "decoder.udp",
	[NJ_DC_ICMPV4] = "decoder.icmpv4",
	[NJ_DC_ICMPV6] = "decoder.icmpv6",
	[NJ_DC_GRE] = "decoder.gre",
	[NJ_DC_VLAN] = "decoder.vlan",
	[NJ_DC_VLAN_QINQ] = "decoder.vlan_qinq",
	[NJ_DC_VXLAN] = "decoder.vxlan",
	[NJ_DC_GENEVE] = "decoder.geneve",
	/* Suricata has no GTP or AYIYA decoder, hence no name for them */
	[NJ_DC_GTP] = "nightjar.decoder.gtp",
	[NJ_DC_AYIYA] = "nightjar.decoder.ayiya",
	[NJ_DC_IPV4_IN_IPV6] = "decoder.ipv4_in_ipv6",
	[NJ_DC_IPV6_IN_IPV6] = "decoder.ipv6_in_ipv6",
	[NJ_DC_IPV4_IN_IPV4] = "decoder.ipv4_in_ipv4",
	[NJ_DC_IPV6_IN_IPV4] = "decoder.ipv6_in_ipv4",
	[NJ_DC_UNKNOWN_ETHERTYPE] = "decoder.unknown_ethertype",
	[NJ_DC_INVALID_CHECKSUM] = "checksum.invalid",
};

void nj_decode_init(void)
{
	for (int i = 0; i < NJ_DC__COUNT; i++)
		nj_decode_counter_ids[i] = nj_counter_register(counter_names[i]);
	nj_decode_events_init();
}

int nj_decode_linktype_supported(int linktype)
{
	switch (linktype) {
	case NJ_LINKTYPE_NULL:
	case NJ_LINKTYPE_ETHERNET:
	case NJ_LINKTYPE_PPP:
	case LINKTYPE_PPP_HDLC:
	case LINKTYPE_PPP_ETHER:
	case 12:
	case 14:
	case NJ_LINKTYPE_RAW:
	case NJ_LINKTYPE_LOOP:
	case NJ_LINKTYPE_LINUX_SLL:
	case NJ_LINKTYPE_IPV4:
	case NJ_LINKTYPE_IPV6:
	case NJ_LINKTYPE_LINUX_SLL2:
		return 1;
	default:
		return 0;
	}
}

/* Clears every decoded field, keeping what the capture filled in. */
static void reset_packet(struct nj_packet *p)
{
	const uint8_t *data = p->data;
	uint32_t caplen = p->caplen, wirelen = p->wirelen;
	int linktype = p->linktype;
	struct timeval ts = p->ts;
	uint64_t pcap_cnt = p->pcap_cnt;
	const char *iface = p->iface;
	void *worker = p->worker;
	uint32_t csum = p->flags & NJ_PKT_CSUM_PARTIAL;

	memset(p, 0, sizeof(*p));
	p->flags = csum;
	p->data = data;
	p->caplen = caplen;
	p->wirelen = wirelen;
	p->linktype = linktype;
	p->ts = ts;
	p->pcap_cnt = pcap_cnt;
	p->iface = iface;
	p->worker = worker;
	p->tcp.wscale = 0xff;
}

int nj_decode_raw(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	uint8_t b;

	nj_decode_count(NJ_DC_RAW);
	if (!nj_get_u8(data, len, 0, &b)) {
		nj_decode_event_add(p, NJ_DEV_IPRAW_INVALID_IPV);
		return -1;
	}
	switch (b >> 4) {
	case 4:
		return nj_decode_ipv4(p, data, len);
	case 6:
		return nj_decode_ipv6(p, data, len);
	default:
		nj_decode_event_add(p, NJ_DEV_IPRAW_INVALID_IPV);
		return -1;
	}
}

/* LINKTYPE_IPV4/IPV6 promise one version; anything else is malformed. */
static int decode_raw_version(struct nj_packet *p, const uint8_t *data, uint32_t len,
			      uint8_t want)
{
	uint8_t b;

	if (!nj_get_u8(data, len, 0, &b) || (b >> 4) != want) {
		nj_decode_count(NJ_DC_RAW);
		nj_decode_event_add(p, NJ_DEV_IPRAW_INVALID_IPV);
		return -1;
	}
	return nj_decode_raw(p, data, len);
}

int nj_decode_packet(struct nj_packet *p)
{
	const uint8_t *data;
	uint32_t len;

	reset_packet(p);
	data = p->data;
	len = data ? p->caplen : 0;

	switch (p->linktype) {
	case NJ_LINKTYPE_ETHERNET:
		return nj_decode_ethernet(p, data, len);
	case NJ_LINKTYPE_LINUX_SLL:
		return nj_decode_sll(p, data, len);
	case NJ_LINKTYPE_LINUX_SLL2:
		return nj_decode_sll2(p, data, len);
	case NJ_LINKTYPE_NULL:
	case NJ_LINKTYPE_LOOP:
		return nj_decode_null(p, data, len);
	case NJ_LINKTYPE_PPP:
	case LINKTYPE_PPP_HDLC:
		return nj_decode_ppp(p, data, len);
	case LINKTYPE_PPP_ETHER:
		return nj_decode_pppoe_session(p, data, len);
	case NJ_LINKTYPE_RAW:
	case 12:
	case 14:
		return nj_decode_raw(p, data, len);
	case NJ_LINKTYPE_IPV4:
		return decode_raw_version(p, data, len, 4);
	case NJ_LINKTYPE_IPV6:
		return decode_raw_version(p, data, len, 6);
	default:
		nj_decode_event_add(p, NJ_DEV_UNKNOWN_LINKTYPE);
		return -1;
	}
}

int nj_decode_ip(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	size_t from = offsetof(struct nj_packet, ip_ver);
	size_t to = offsetof(struct nj_packet, events);
	uint8_t b;

	/* Layer 3 and 4 start over; layer 2, events and flags set by the
	 * caller (NJ_PKT_REASSEMBLED) stay. */
	memset((uint8_t *)p + from, 0, to - from);
	p->tcp.wscale = 0xff;
	p->flags &= ~(uint32_t)(NJ_PKT_IS_FRAGMENT | NJ_PKT_TRUNCATED | NJ_PKT_TUNNEL |
				NJ_PKT_IPV4_CSUM_BAD | NJ_PKT_L4_CSUM_BAD);
	if (!nj_get_u8(data, len, 0, &b))
		return -1;
	if ((b >> 4) == 4)
		return nj_decode_ipv4(p, data, len);
	if ((b >> 4) == 6)
		return nj_decode_ipv6(p, data, len);
	return -1;
}

bool nj_decode_ethertype_known(uint16_t type)
{
	if (type < 0x0600)      /* an 802.3 length field */
		return true;
	switch (type) {
	case 0x0800: case 0x86dd: case 0x0806: case 0x8035:
	case 0x8100: case 0x88a8: case 0x9100:
	case 0x8863: case 0x8864: case 0x6558:
	case 0x8847: case 0x8848: case 0x88cc: case 0x888e: case 0x8926:
	case 0x8809: case 0x88e5: case 0x88f7: case 0x8902:
	case 0x8137: case 0x9000: case 0x88e7: case 0x22f0:
	case 0x88b5: case 0x88b6: case 0x88be: case 0x8915:
	case 0x22eb: case 0x893a: case 0x88bb: case 0x8892:
		return true;
	default:
		return false;
	}
}

int nj_decode_ethertype(struct nj_packet *p, uint16_t type, const uint8_t *data, uint32_t len)
{
	p->ethertype = type;
	switch (type) {
	case 0x0800:
		return nj_decode_ipv4(p, data, len);
	case 0x86dd:
		return nj_decode_ipv6(p, data, len);
	case 0x8100:
	case 0x88a8:
	case 0x9100:
	case 0x8926:    /* VN-Tag */
		return nj_decode_vlan(p, data, len, type);
	case 0x8864:
		return nj_decode_pppoe_session(p, data, len);
	case 0x8847:
	case 0x8848:
		return nj_decode_mpls(p, data, len);
	default:
		/* ARP, LLDP and the like: nothing for the later stages. */
		if (!nj_decode_ethertype_known(type))
			nj_decode_count(NJ_DC_UNKNOWN_ETHERTYPE);
		return 0;
	}
}

bool nj_decode_tunnel_enter(struct nj_packet *p, uint8_t proto)
{
	if (p->tunnel_depth >= NJ_MAX_TUNNEL_DEPTH) {
		nj_decode_event_add(p, NJ_DEV_TOO_MANY_LAYERS);
		return false;
	}
	if (p->tunnel_depth == 0) {
		p->outer_src = p->src;
		p->outer_dst = p->dst;
		p->tunnel_proto = proto;
	}
	p->tunnel_depth++;
	p->flags |= NJ_PKT_TUNNEL;

	/* The transport fields will describe the inner packet. */
	p->l4 = NULL;
	p->l4_len = 0;
	p->sport = p->dport = 0;
	memset(&p->tcp, 0, sizeof(p->tcp));
	p->tcp.wscale = 0xff;
	memset(&p->icmp, 0, sizeof(p->icmp));
	return true;
}

/* IPv4 (proto 4) or IPv6 (proto 41) inside IPv4 or IPv6 (RFC 2003,
 * RFC 4213, RFC 2473). */
static int decode_ip_in_ip(struct nj_packet *p, uint8_t proto, const uint8_t *data, uint32_t len)
{
	bool outer6 = p->ip_ver == 6;
	uint8_t want = proto == 4 ? 4 : 6;
	uint8_t ver = len ? data[0] >> 4 : 0;

	if (outer6 && want == 4) {
		if (!nj_has(len, 0, 20)) {
			nj_decode_event_add(p, NJ_DEV_IPV4_IN_IPV6_PKT_TOO_SMALL);
			return -1;
		}
		if (ver != 4) {
			nj_decode_event_add(p, NJ_DEV_IPV4_IN_IPV6_WRONG_IP_VER);
			return -1;
		}
		nj_decode_count(NJ_DC_IPV4_IN_IPV6);
	} else if (outer6) {
		if (!nj_has(len, 0, 40)) {
			nj_decode_event_add(p, NJ_DEV_IPV6_IN_IPV6_PKT_TOO_SMALL);
			return -1;
		}
		if (ver != 6) {
			nj_decode_event_add(p, NJ_DEV_IPV6_IN_IPV6_WRONG_IP_VER);
			return -1;
		}
		nj_decode_count(NJ_DC_IPV6_IN_IPV6);
	} else {
		nj_decode_count(want == 4 ? NJ_DC_IPV4_IN_IPV4 : NJ_DC_IPV6_IN_IPV4);
	}
	if (!nj_decode_tunnel_enter(p, proto))
		return -1;
	return want == 4 ? nj_decode_ipv4(p, data, len) : nj_decode_ipv6(p, data, len);
}

int nj_decode_tunnel_ip(struct nj_packet *p, uint8_t ver, const uint8_t *data, uint32_t len)
{
	if (!nj_decode_tunnel_enter(p, 17))
		return -1;
	return ver == 4 ? nj_decode_ipv4(p, data, len) : nj_decode_ipv6(p, data, len);
}

int nj_decode_ip_payload(struct nj_packet *p, uint8_t proto, const uint8_t *data, uint32_t len)
{
	bool frag = (p->flags & NJ_PKT_IS_FRAGMENT) != 0;

	switch (proto) {
	case 6:
		return nj_decode_tcp(p, data, len);
	case 17:
		return nj_decode_udp(p, data, len);
	case 1:
		if (p->ip_ver == 6) {
			nj_decode_event_add(p, NJ_DEV_IPV6_WITH_ICMPV4);
			return -1;
		}
		return nj_decode_icmpv4(p, data, len);
	case 58:
		if (p->ip_ver == 4) {
			nj_decode_event_add(p, NJ_DEV_IPV4_WITH_ICMPV6);
			return -1;
		}
		return nj_decode_icmpv6(p, data, len);
	case 47:
		return frag ? 0 : nj_decode_gre(p, data, len);
	case 4:
	case 41:
		return frag ? 0 : decode_ip_in_ip(p, proto, data, len);
	default:
		return 0;
	}
}
