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

#include <stdint.h>

#include "core/packet.h"

/* Decodes p->data/p->caplen according to p->linktype. Resets every decoded
 * field first, so a packet struct can be reused. */
int nj_decode_packet(struct nj_packet *p);

/* Re-decodes from an IP header (used by the defragmenter for the reassembled
 * datagram and by tunnel decoders). */
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

#endif
