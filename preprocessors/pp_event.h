/* Recording decoder/stream events from the preprocessors. */
#ifndef NJ_PREPROCESSORS_PP_EVENT_H
#define NJ_PREPROCESSORS_PP_EVENT_H

#include "core/packet.h"
#include "decode/events.h"

/* Records ev on p once (through the decoder's nj_decode_event_add, which
 * also counts it, when the decoders are linked in). */
void nj_pp_event(struct nj_packet *p, enum nj_decode_event ev);

/* Whether ev is recorded on p. */
bool nj_pp_event_has(const struct nj_packet *p, enum nj_decode_event ev);

#endif
