/* The decode stage on the bus: decodes each packet, counts it and, when
 * enabled, validates checksums. It never drops: later stages look at the
 * flags and events. */
#include "core/bus.h"
#include "decode/decode_int.h"

static bool checksum_validation;

void nj_decode_set_checksum_validation(bool on)
{
	checksum_validation = on;
}

bool nj_decode_checksum_validation(void)
{
	return checksum_validation;
}

static void validate_checksums(struct nj_packet *p)
{
	bool bad = false;

	if (!nj_decode_ipv4_csum_ok(p)) {
		p->flags |= NJ_PKT_IPV4_CSUM_BAD;
		bad = true;
	}
	if (!nj_decode_l4_csum_ok(p)) {
		p->flags |= NJ_PKT_L4_CSUM_BAD;
		bad = true;
	}
	if (bad)
		nj_decode_count(NJ_DC_INVALID_CHECKSUM);
}

static int decode_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	struct nj_packet *p = ev->pkt;

	(void)w;
	(void)ctx;
	if (!p)
		return NJ_BUS_STOP;
	/* Pseudo packets come from later stages already built. */
	if (p->flags & NJ_PKT_PSEUDO)
		return NJ_BUS_CONTINUE;

	nj_decode_count(NJ_DC_PKTS);
	nj_counter_add(nj_decode_counter_ids[NJ_DC_BYTES], p->caplen);
	if (nj_decode_packet(p) < 0)
		nj_decode_count(NJ_DC_INVALID);
	if (checksum_validation && !(p->flags & NJ_PKT_CSUM_PARTIAL))
		validate_checksums(p);
	return NJ_BUS_CONTINUE;
}

static const struct nj_stage decode_stage = {
	.name = "decode",
	.order = NJ_STAGE_DECODE,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = decode_handle,
};

int nj_decode_stage_register(void)
{
	return nj_bus_register(&decode_stage);
}
