/* Output set-up and dispatch: one alert sink and one flow-end hook fan out
 * to the enabled formats. */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/alert.h"
#include "core/config.h"
#include "core/flow.h"
#include "core/log.h"
#include "core/packet.h"
#include "output/eve.h"
#include "output/hold.h"
#include "output/fastlog.h"
#include "output/output.h"
#include "output/unified2.h"

static struct {
	struct nj_eve *eve;
	struct nj_fastlog *fast;
	struct nj_unified2 *u2;
	int linktype;
	pthread_mutex_t stats_lock;
	bool started;
	struct timeval start, last_stats, last_now;
} out = { .stats_lock = PTHREAD_MUTEX_INITIALIZER };

static bool registered;

/* A kept alert goes to the output that kept it, as it is now. */
static void finish(const struct nj_held *h, void *arg)
{
	if (h->kind == NJ_HOLD_EVE)
		nj_eve_finish(out.eve, h);
	else
		nj_unified2_finish(out.u2, h);
}

static void on_alert(struct nj_worker *w, const struct nj_alert *a, void *arg)
{
	/* earlier alerts that may go now go first, in order */
	nj_hold_release((int64_t)a->ts.tv_sec * 1000000 + a->ts.tv_usec, NULL, finish, NULL);
	nj_eve_write_alert(out.eve, a);
	nj_fastlog_write(out.fast, a);
	nj_unified2_write(out.u2, a);
}

static void on_flow_end(struct nj_worker *w, struct nj_flow *f)
{
	nj_hold_release(INT64_MIN, f, finish, NULL);
	nj_eve_write_flow(out.eve, f);
}

void nj_output_release(const struct timeval *now)
{
	nj_hold_release(now ? (int64_t)now->tv_sec * 1000000 + now->tv_usec : INT64_MAX, NULL, finish,
			NULL);
}

int nj_output_init(const struct nj_config *cfg, const char *log_dir, int linktype)
{
	char err[512] = "";
	int rc = 0;

	nj_output_fini();
	out.linktype = linktype;
	nj_hold_config(cfg);
	if (nj_config_get_bool(cfg, "outputs.eve.enabled", true) &&
	    !(out.eve = nj_eve_new(cfg, log_dir, err, sizeof(err))))
		goto fail;
	if (nj_config_get_bool(cfg, "outputs.fast.enabled", false) &&
	    !(out.fast = nj_fastlog_new(cfg, log_dir, err, sizeof(err))))
		goto fail;
	if (nj_config_get_bool(cfg, "outputs.unified2.enabled", false) &&
	    !(out.u2 = nj_unified2_new(cfg, log_dir, linktype, err, sizeof(err))))
		goto fail;
	if (!registered) {
		rc = nj_alert_sink_register(on_alert, NULL);
		if (rc == 0)
			rc = nj_flow_on_end(on_flow_end);
		if (rc < 0) {
			snprintf(err, sizeof(err), "outputs: cannot register: %s", strerror(-rc));
			goto fail;
		}
		registered = true;
	}
	return 0;
fail:
	nj_err("%s", err);
	nj_output_fini();
	return rc < 0 ? rc : -EINVAL;
}

void nj_output_reopen(void)
{
	if (out.eve)
		nj_sinks_reopen(&out.eve->sinks);
	if (out.fast)
		nj_sinks_reopen(&out.fast->sinks);
}

static uint64_t seconds_between(const struct timeval *a, const struct timeval *b)
{
	return b->tv_sec > a->tv_sec ? (uint64_t)(b->tv_sec - a->tv_sec) : 0;
}

static void stats_at(const struct timeval *now, bool force)
{
	struct timeval t;

	if (now) {
		t = *now;
	} else {
		gettimeofday(&t, NULL);
	}
	pthread_mutex_lock(&out.stats_lock);
	if (!out.started) {
		out.started = true;
		out.start = t;
		out.last_stats = t;
	}
	out.last_now = t;
	if (out.eve && (force || seconds_between(&out.last_stats, &t) >=
					 out.eve->opts.stats_interval)) {
		out.last_stats = t;
		nj_eve_write_stats(out.eve, &t, seconds_between(&out.start, &t));
	}
	pthread_mutex_unlock(&out.stats_lock);
}

void nj_output_stats(const struct timeval *now)
{
	stats_at(now, false);
}

void nj_output_stats_now(void)
{
	stats_at(NULL, true);
}

void nj_output_app(struct nj_worker *w, struct nj_packet *p)
{
	for (uint16_t i = 0; i < p->napp_txs; i++) {
		struct nj_app_tx *tx = p->app_txs[i];
		if (tx->logged || !nj_app_tx_complete(tx))
			continue;
		tx->logged = true;
		nj_eve_write_tx(out.eve, p, tx);
	}
}

void nj_output_anomaly(struct nj_worker *w, const struct nj_packet *p)
{
	if (p && p->nevents)
		nj_eve_write_anomaly(out.eve, p);
}

void nj_output_drop(struct nj_worker *w, const struct nj_packet *p)
{
	nj_eve_write_drop(out.eve, p);
}

void nj_output_fini(void)
{
	if (out.eve && out.started)
		stats_at(&out.last_now, true);
	nj_eve_free(out.eve);
	nj_fastlog_free(out.fast);
	nj_unified2_free(out.u2);
	out.eve = NULL;
	out.fast = NULL;
	out.u2 = NULL;
	out.started = false;
}
