/* Decoder events: names, per-packet storage and decoder.event.* counters. */
#include <stdio.h>
#include <string.h>

#include "core/counters.h"
#include "decode/events.h"

static const char *const event_names[NJ_DEV__COUNT] = {
	[NJ_DEV_NONE] = NULL,
#define NJ_DEV_NAME(id, name) [NJ_DEV_##id] = name,
	NJ_DECODE_EVENTS(NJ_DEV_NAME)
#undef NJ_DEV_NAME
};

/* Counter ids, -1 until nj_decode_events_init(). */
static int event_counters[NJ_DEV__COUNT] = { [0 ... NJ_DEV__COUNT - 1] = -1 };

void nj_decode_events_init(void)
{
	char name[128];

	/* Layer events count under decoder.event.<layer>.<name> as Suricata's
	 * stats do; the few events that belong to no layer count under
	 * decoder.<name> (decoder.too_many_layers), or only in decoder.invalid
	 * when Suricata has no counter for them. */
	for (int ev = 1; ev < NJ_DEV__COUNT; ev++) {
		if (strncmp(event_names[ev], "stream.", 7) == 0)
			snprintf(name, sizeof(name), "%s", event_names[ev]);
		else if (strchr(event_names[ev], '.'))
			snprintf(name, sizeof(name), "decoder.event.%s", event_names[ev]);
		else if (ev == NJ_DEV_TOO_MANY_LAYERS)
			snprintf(name, sizeof(name), "decoder.%s", event_names[ev]);
		else
			continue;
		event_counters[ev] = nj_counter_register(name);
	}
}

int nj_decode_event_has(const struct nj_packet *p, enum nj_decode_event ev)
{
	for (uint8_t i = 0; i < p->nevents && i < NJ_MAX_PKT_EVENTS; i++) {
		if (p->events[i] == ev)
			return 1;
	}
	return 0;
}

void nj_decode_event_add(struct nj_packet *p, enum nj_decode_event ev)
{
	if (ev <= NJ_DEV_NONE || ev >= NJ_DEV__COUNT || nj_decode_event_has(p, ev))
		return;
	/* A packet with more distinct events than slots keeps the first
	 * ones; the counter still sees every event. */
	if (p->nevents < NJ_MAX_PKT_EVENTS)
		p->events[p->nevents++] = (uint16_t)ev;
	nj_counter_add(event_counters[ev], 1);
}

const char *nj_decode_event_name(int ev)
{
	if (ev <= NJ_DEV_NONE || ev >= NJ_DEV__COUNT)
		return NULL;
	return event_names[ev];
}

/* Other spellings accepted in rules: Suricata's "ltnull" events are also
 * known by the linktype's plain name. */
static const struct {
	const char *name;
	enum nj_decode_event ev;
} aliases[] = {
	{ "null.pkt_too_small", NJ_DEV_LTNULL_PKT_TOO_SMALL },
	{ "null.unsupported_type", NJ_DEV_LTNULL_UNSUPPORTED_TYPE },
};

int nj_decode_event_lookup(const char *name)
{
	static const char prefix[] = "decoder.";

	if (!name)
		return -1;
	if (strncmp(name, prefix, sizeof(prefix) - 1) == 0)
		name += sizeof(prefix) - 1;
	for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++) {
		if (strcmp(aliases[i].name, name) == 0)
			return aliases[i].ev;
	}
	for (int ev = 1; ev < NJ_DEV__COUNT; ev++) {
		if (strcmp(event_names[ev], name) == 0)
			return ev;
	}
	return -1;
}
