/* Wiring of the pipeline stages for the daemon. */
#include <stdbool.h>

#include "core/bus.h"
#include "core/config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/packet.h"
#include "core/verdict.h"
#include "decode/decode.h"
#include "detect/engine.h"
#include "main_stages.h"
#include "output/output.h"
#include "preprocessors/app.h"
#include "preprocessors/defrag.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/process_stage.h"
#include "preprocessors/stream.h"

/* The last stage: anomaly records for packets with decoder events, the
 * drop record and verdict of a (simulated IPS) dropped packet. */
static int output_handle(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	if (ev->pkt->nevents)
		nj_output_anomaly(w, ev->pkt);
	if (ev->pkt->napp_txs)
		nj_output_app(w, ev->pkt);
	if (ev->pkt->flags & NJ_PKT_DROP)
		nj_output_drop(w, ev->pkt);
	nj_verdict_count(ev->pkt);
	nj_output_release(&ev->pkt->ts);
	return NJ_BUS_CONTINUE;
}

static void output_tick(struct nj_worker *w, void *ctx)
{
	nj_output_release(&w->now);
}

static void output_drain(struct nj_worker *w, void *ctx)
{
	nj_output_release(NULL);
}

static const struct nj_stage output_stage = {
	.name = "output",
	.order = NJ_STAGE_OUTPUT,
	.kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = output_handle,
	.tick = output_tick,
	.drain = output_drain,
};

int nj_stages_init(const struct nj_config *cfg, const char *log_dir, int linktype)
{
	if (nj_verdict_init(cfg) < 0)
		return -1;
	nj_decode_init();
	nj_decode_set_checksum_validation(nj_config_get_bool(cfg, "checksum-validation", true));
	if (nj_decode_stage_register() < 0) {
		nj_err("cannot register the decoders");
		return -1;
	}
	if (nj_defrag_stage_register(cfg) < 0 || nj_flow_stage_register(cfg) < 0 ||
	    nj_stream_stage_register(cfg) < 0) {
		nj_err("invalid defrag, flow or stream configuration");
		return -1;
	}
	if (nj_app_stage_register(cfg) < 0) {
		nj_err("invalid app-layer configuration");
		return -1;
	}
	if (nj_process_stage_config(cfg) < 0 || nj_bus_register(&nj_process_stage) < 0 ||
	    nj_detect_stage_register() < 0 ||
	    nj_bus_register(&output_stage) < 0) {
		nj_err("cannot register the pipeline stages");
		return -1;
	}
	if (nj_output_init(cfg, log_dir, linktype) < 0)
		return -1;
	return 0;
}

void nj_stages_reopen(void)
{
	nj_output_reopen();
}

void nj_stages_stats(const struct timeval *now)
{
	if (now)
		nj_output_stats(now);
	else
		nj_output_stats_now();
}

void nj_stages_fini(void)
{
	nj_output_fini();
}
