/* Decoder events: every malformation a decoder can find, by name.
 *
 * Names follow Suricata's (`ipv4.trunc_pkt`, `tcp.hlen_too_small`) so that
 * `decode-event:` rules and `anomaly` records read the same. Each event is
 * counted in stats as `decoder.event.<name>`.
 */
#ifndef NJ_DECODE_EVENTS_H
#define NJ_DECODE_EVENTS_H

#include "core/packet.h"

#include "decode/event_list.h"

enum nj_decode_event {
	NJ_DEV_NONE = 0,
#define NJ_DEV_ENUM(id, name) NJ_DEV_##id,
	NJ_DECODE_EVENTS(NJ_DEV_ENUM)
#undef NJ_DEV_ENUM
	NJ_DEV__COUNT
};

/* Records ev on p (once) and counts it. */
void nj_decode_event_add(struct nj_packet *p, enum nj_decode_event ev);
int nj_decode_event_has(const struct nj_packet *p, enum nj_decode_event ev);
/* "ipv4.trunc_pkt" for an event; NULL for an invalid value. */
const char *nj_decode_event_name(int ev);
/* Event for a name (with or without a "decoder." prefix), or -1. */
int nj_decode_event_lookup(const char *name);
/* Registers the decoder.event.* counters. */
void nj_decode_events_init(void);

#endif
