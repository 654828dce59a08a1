/* Packet decoding: from the capture's link layer to the transport payload.
 *
 * One decoder per protocol file (decode_<proto>.c), each with one entry point
 * of the form int nj_decode_<proto>(struct nj_packet *p, const uint8_t *data,
 * uint32_t len). A decoder fills the packet's fields for its layer, records
 * malformations as decoder events (nj_decode_event_add) and calls the next
 * layer's decoder. Return 0 when the layer decoded (even with events), or -1
 * when the packet could not be decoded further. Decoders never read outside
 * [data, data + len).
 */
#ifndef NJ_DECODE_DECODE_H
#define NJ_DECODE_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/packet.h"

/* Decodes p->data/p->caplen according to p->linktype. Resets every decoded
 * field first, so a packet struct can be reused. */
int nj_decode_packet(struct nj_packet *p);

/* Re-decodes from an IP header (used by the defragmenter for the reassembled
 * datagram). Clears the layer 3 and 4 fields and the fragment, truncation,
 * tunnel and checksum flags first; layer 2 fields, events and other flags
 * (NJ_PKT_REASSEMBLED) stay. data is borrowed like p->data: every pointer
 * the decoders leave in p points into it. */
int nj_decode_ip(struct nj_packet *p, const uint8_t *data, uint32_t len);

/* Called once at start-up: registers decoder counters. */
void nj_decode_init(void);

/* The linktypes nj_decode_packet understands. */
int nj_decode_linktype_supported(int linktype);

/* Per-layer decoders (one file each). */
int nj_decode_ethernet(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_vlan(struct nj_packet *p, const uint8_t *data, uint32_t len, uint16_t tpid);
int nj_decode_sll(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_sll2(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_null(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_ppp(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_ipv4(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_ipv6(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_tcp(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_udp(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_icmpv4(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_icmpv6(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_gre(struct nj_packet *p, const uint8_t *data, uint32_t len);
int nj_decode_vxlan(struct nj_packet *p, const uint8_t *data, uint32_t len);

/* Dispatches on an ethertype (0x0800, 0x86dd, 0x8100...). */
int nj_decode_ethertype(struct nj_packet *p, uint16_t type, const uint8_t *data, uint32_t len);

/* Registers the decode stage on the bus (order NJ_STAGE_DECODE, packets):
 * it decodes ev->pkt, counts decoder.pkts/bytes/invalid and, when checksum
 * validation is on, flags bad checksums. Returns 0 or -errno. */
int nj_decode_stage_register(void);

/* Checksum validation in the decode stage, off by default. Set at start-up
 * before workers run. Bad checksums set NJ_PKT_IPV4_CSUM_BAD or
 * NJ_PKT_L4_CSUM_BAD and count checksum.invalid; the packet is not
 * dropped. */
void nj_decode_set_checksum_validation(bool on);
bool nj_decode_checksum_validation(void);

/* Checks the innermost IPv4 header checksum of a decoded packet; true when it
 * is right or the packet has no IPv4 header. */
bool nj_decode_ipv4_csum_ok(const struct nj_packet *p);
/* Checks the TCP, UDP, ICMPv4 or ICMPv6 checksum of a decoded packet (with
 * the pseudo-header where the protocol has one). True when it is right or
 * cannot be checked: no such layer, a fragment, or a truncated capture. A
 * zero UDP checksum over IPv4 means "none" and is accepted (RFC 768); over
 * IPv6 it is wrong (RFC 8200 section 8.1). */
bool nj_decode_l4_csum_ok(const struct nj_packet *p);
/* The checksum p's TCP header should carry for its current bytes (the
 * field itself not counted), in host order. False when it cannot be
 * computed: no whole TCP header over IPv4/IPv6, a fragment, or a
 * truncated capture. */
bool nj_decode_tcp_csum(const struct nj_packet *p, uint16_t *csum);

#endif
