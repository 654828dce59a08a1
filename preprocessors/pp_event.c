/* Event recording for preprocessors, independent of link order.
 *
 * The decoder library owns nj_decode_event_add (it also counts the event in
 * stats). It is referenced weakly so that the preprocessors and their unit
 * tests link without the decoders; the fallback records the event on the
 * packet the same way, uncounted. */
#include "preprocessors/pp_event.h"

#pragma weak nj_decode_event_add

bool nj_pp_event_has(const struct nj_packet *p, enum nj_decode_event ev)
{
	for (uint8_t i = 0; i < p->nevents && i < NJ_MAX_PKT_EVENTS; i++)
		if (p->events[i] == (uint16_t)ev)
			return true;
	return false;
}

void nj_pp_event(struct nj_packet *p, enum nj_decode_event ev)
{
	if (nj_decode_event_add) {
		nj_decode_event_add(p, ev);
		return;
	}
	if (nj_pp_event_has(p, ev) || p->nevents >= NJ_MAX_PKT_EVENTS)
		return;
	p->events[p->nevents++] = (uint16_t)ev;
}
