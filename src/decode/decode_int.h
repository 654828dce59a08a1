/* Decoder internals shared by the per-protocol files: counters, tunnel
 * bookkeeping and the payload helper. Not for use outside src/decode/.
 */
#ifndef NJ_DECODE_DECODE_INT_H
#define NJ_DECODE_DECODE_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bytes.h"
#include "core/counters.h"
#include "core/packet.h"
#include "decode/decode.h"
#include "decode/events.h"

/* Decoder counters, registered by nj_decode_init() under the names in
 * decode.c. Before that the ids are -1 and bumps are ignored. */
enum nj_decode_counter {
	NJ_DC_PKTS,
	NJ_DC_BYTES,
	NJ_DC_INVALID,
	NJ_DC_IPV4,
	NJ_DC_IPV6,
	NJ_DC_ETHERNET,
	NJ_DC_RAW,
	NJ_DC_NULL,
	NJ_DC_SLL,
	NJ_DC_PPP,
	NJ_DC_PPPOE,
	NJ_DC_MPLS,
	NJ_DC_ERSPAN,
	NJ_DC_TCP,
	NJ_DC_UDP,
	NJ_DC_ICMPV4,
	NJ_DC_ICMPV6,
	NJ_DC_GRE,
	NJ_DC_VLAN,
	NJ_DC_VLAN_QINQ,
	NJ_DC_VXLAN,
	NJ_DC_GENEVE,
	NJ_DC_GTP,
	NJ_DC_AYIYA,
	NJ_DC_IPV4_IN_IPV6,
	NJ_DC_IPV6_IN_IPV6,
	NJ_DC_IPV4_IN_IPV4,
	NJ_DC_IPV6_IN_IPV4,
	NJ_DC_UNKNOWN_ETHERTYPE,
	NJ_DC_INVALID_CHECKSUM,
	NJ_DC__COUNT
};

extern int nj_decode_counter_ids[NJ_DC__COUNT];

static inline void nj_decode_count(enum nj_decode_counter c)
{
	nj_counter_add(nj_decode_counter_ids[c], 1);
}

/* UDP ports tunnels are recognised on: VXLAN (RFC 7348) and Geneve
 * (RFC 8926) by destination, GTP-U (TS 29.281) and AYIYA by either. */
#define NJ_VXLAN_PORT 4789
#define NJ_GENEVE_PORT 6081
#define NJ_GTPU_PORT 2152
#define NJ_AYIYA_PORT 5072

/* Enters one tunnel level before an inner packet is decoded: remembers the
 * outermost addresses and tunnel protocol, sets NJ_PKT_TUNNEL. Returns
 * false (with decoder event too_many_layers) when the inner packet would
 * exceed NJ_MAX_TUNNEL_DEPTH; the caller then stops decoding. */
bool nj_decode_tunnel_enter(struct nj_packet *p, uint8_t proto);

/* A fragment's transport header may be incomplete and its length fields
 * describe the whole datagram: size checks are left to the reassembled
 * packet. */
static inline bool nj_decode_in_fragment(const struct nj_packet *p)
{
	return (p->flags & NJ_PKT_IS_FRAGMENT) != 0;
}

/* Sets p->payload to data[0..len). */
static inline void nj_decode_set_payload(struct nj_packet *p, const uint8_t *data, uint32_t len)
{
	p->payload = len ? data : NULL;
	p->payload_len = len;
}

/* Decodes PPP starting at its protocol field (after any HDLC address and
 * control bytes); used by the PPP linktype, PPPoE and PPTP GRE. */
int nj_decode_ppp_proto(struct nj_packet *p, const uint8_t *data, uint32_t len);
/* PPPoE session stage (ethertype 0x8864). */
int nj_decode_pppoe_session(struct nj_packet *p, const uint8_t *data, uint32_t len);
/* True for ethertypes the decoders know, whether or not they decode
 * them (ARP, LLDP...): VLAN uses it to tell an unknown inner type. */
bool nj_decode_ethertype_known(uint16_t type);
/* Decodes the payload of an IP header (after IPv6 extension headers) by its
 * protocol number: transports, GRE and IP-in-IP tunnels. Tunnels are not
 * followed inside fragments. */
int nj_decode_ip_payload(struct nj_packet *p, uint8_t proto, const uint8_t *data, uint32_t len);
/* MPLS label stack (ethertypes 0x8847, 0x8848). */
int nj_decode_mpls(struct nj_packet *p, const uint8_t *data, uint32_t len);
/* ERSPAN type I (no header) or II (type2) inside GRE; enters a tunnel. */
int nj_decode_erspan(struct nj_packet *p, const uint8_t *data, uint32_t len, bool type2);
/* An 802.11 data frame inside Aruba's GRE (0x8200-0x82ff): enters a
 * tunnel and decodes its LLC/SNAP payload; frames it does not follow
 * (management, encrypted, A-MSDU) return 0 and leave p as it was. */
int nj_decode_ieee80211(struct nj_packet *p, const uint8_t *data, uint32_t len);
/* UDP tunnels: each returns 0 and leaves p as plain UDP when the
 * payload does not have its shape, else enters a tunnel and decodes the
 * inner packet. */
int nj_decode_geneve(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_gtp(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_ayiya(struct nj_packet *p, const uint8_t *data, uint32_t len);
/* For the UDP tunnels that carry bare IP: enters the tunnel and decodes
 * data[0..len) as IPv4 (ver 4) or IPv6 (ver 6). */
int nj_decode_tunnel_ip(struct nj_packet *p, uint8_t ver, const uint8_t *data, uint32_t len);
/* Decodes raw IP whose version nibble selects IPv4 or IPv6. */
int nj_decode_raw(struct nj_packet *p, const uint8_t *data, uint32_t len);

/* Adds data[0..len) as big-endian 16-bit words (an odd last byte padded
 * with zero) to a running one's-complement sum. nj_decode_csum_fold()
 * folds a sum to 16 bits: 0xffff when the checksum it covers is right. */
uint32_t nj_decode_csum_add(uint32_t sum, const uint8_t *data, uint32_t len);
uint16_t nj_decode_csum_fold(uint32_t sum);

#endif
