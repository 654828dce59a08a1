/* Run loops: offline merge of packets and system calls, live sensor. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "capture/pcap_file.h"
#include "capture/sensor.h"
#include "capture/trace.h"
#include "core/bus.h"
#include "core/counters.h"
#include "core/event.h"
#include "core/log.h"
#include "core/packet.h"
#include "core/syscall.h"
#include "detect/engine.h"
#include "main_run.h"
#include "main_stages.h"

volatile sig_atomic_t nj_stop_requested, nj_reopen_requested, nj_stats_requested;

static void (*reload_fn)(void), (*collect_fn)(void);

void nj_run_set_reload(void (*reload)(void), void (*collect)(void))
{
	reload_fn = reload;
	collect_fn = collect;
}

void nj_run_control(const struct timeval *wall)
{
	if (wall)
		nj_stages_stats(wall);
	if (collect_fn)
		collect_fn();
	if (nj_reopen_requested) {
		nj_reopen_requested = 0;
		nj_stages_reopen();
		if (reload_fn)
			reload_fn();
	}
	if (nj_stats_requested) {
		nj_stats_requested = 0;
		nj_stages_stats(NULL);
	}
}

/* Time moved on for w: timeouts once a second. On the controlling thread
 * also stats and the signals, which are acted on here, between events,
 * never in the handler. */
void nj_run_housekeeping(struct nj_worker *w, const struct timeval *now)
{
	w->now = *now;
	if (now->tv_sec == w->last_tick && !(w->controller && (nj_reopen_requested || nj_stats_requested)))
		return;
	if (now->tv_sec != w->last_tick) {
		w->last_tick = now->tv_sec;
		nj_bus_tick(w);
		nj_detect_sync(w);
	}
	/* the stats interval is wall-clock time, as in Suricata, also offline:
	 * a capture's own clock may jump by years */
	if (w->controller) {
		struct timeval wall;
		gettimeofday(&wall, NULL);
		nj_run_control(&wall);
	}
}

static void dispatch_syscall(struct nj_worker *w, struct nj_syscall *sc, struct nj_trace *record)
{
	struct nj_event ev = { .ts = sc->ts, .kind = NJ_EV_SYSCALL, .sc = sc };

	nj_run_housekeeping(w, &sc->ts);
	nj_bus_dispatch(w, &ev);
	if (record)
		nj_trace_write(record, sc);
}

static bool before(const struct timeval *a, const struct timeval *b)
{
	return a->tv_sec < b->tv_sec || (a->tv_sec == b->tv_sec && a->tv_usec <= b->tv_usec);
}

/* On a terminal, a line of progress through the capture once a second. */
static void progress(struct nj_pcap_file *pf, bool done)
{
	static time_t last;
	static bool shown;
	time_t now = time(NULL);
	uint64_t at, total;

	if (!pf || !isatty(STDERR_FILENO) || (!done && now == last))
		return;
	last = now;
	nj_pcap_file_progress(pf, &at, &total);
	if (done) {
		if (shown)
			fputs("\r\033[K", stderr);
		return;
	}
	if (!total)
		return;
	fprintf(stderr, "\rnightjar: %3.0f%% of %.1f MB read", 100.0 * (double)at / (double)total,
		(double)total / 1e6);
	shown = true;
}

int nj_run_offline(struct nj_worker *w, struct nj_pcap_file *pf, struct nj_trace *trace,
		   struct nj_trace *record)
{
	struct nj_packet p;
	struct nj_event ev = { .kind = NJ_EV_PACKET, .pkt = &p };
	struct nj_syscall sc;
	struct timeval sc_ts;
	char err[512];
	int have_pkt = 0, have_sc = 0;

	memset(&p, 0, sizeof(p));
	p.worker = w;
	nj_counter_thread_name("W#01");
	if (pf && (have_pkt = nj_pcap_file_next(pf, &p, err, sizeof(err))) < 0)
		goto read_error;
	if (trace && (have_sc = nj_trace_peek(trace, &sc_ts)) < 0)
		goto trace_error;
	while (!nj_stop_requested && (have_pkt == 1 || have_sc == 1)) {
		if (have_sc == 1 && (have_pkt != 1 || before(&sc_ts, &p.ts))) {
			if ((have_sc = nj_trace_next(trace, &sc)) < 0)
				goto trace_error;
			if (have_sc == 1)
				dispatch_syscall(w, &sc, record);
			if ((have_sc = nj_trace_peek(trace, &sc_ts)) < 0)
				goto trace_error;
			continue;
		}
		ev.ts = p.ts;
		nj_run_housekeeping(w, &p.ts);
		nj_bus_dispatch(w, &ev);
		if ((p.pcap_cnt & 1023) == 0)
			progress(pf, false);
		if ((have_pkt = nj_pcap_file_next(pf, &p, err, sizeof(err))) < 0)
			goto read_error;
	}
	progress(pf, true);
	nj_bus_drain(w);
	return 0;
read_error:
	nj_err("%s", err);
	return -1;
trace_error:
	nj_err("syscall trace: line %llu: %s", (unsigned long long)nj_trace_line(trace),
	       strerror(-have_sc));
	return -1;
}

struct sensor_ctx {
	struct nj_worker *w;
	struct nj_trace *record;
};

static int on_event(struct nj_syscall *sc, void *arg)
{
	struct sensor_ctx *c = arg;

	dispatch_syscall(c->w, sc, c->record);
	return 0;
}

struct nj_sensor *nj_run_sensor_start(struct nj_worker *w, const struct nj_config *cfg, bool report)
{
	struct nj_sensor *s = nj_sensor_open(cfg);
	int rc;

	if (!s) {
		nj_err("sensor: out of memory");
		return NULL;
	}
	nj_sensor_set_worker(s, w);
	rc = nj_sensor_start(s, NULL);
	if (report || rc < 0)
		fprintf(stderr, "%s", nj_sensor_report(s));
	if (rc < 0) {
		nj_err("sensor: cannot start: %s", strerror(-rc));
		nj_sensor_free(s);
		return NULL;
	}
	return s;
}

int nj_run_sensor_loop(struct nj_worker *w, struct nj_sensor *s, struct nj_trace *record)
{
	struct sensor_ctx c = { w, record };
	struct timeval now;
	int rc = 0;

	while (!nj_stop_requested) {
		rc = nj_sensor_poll(s, 200, on_event, &c);
		if (rc < 0 && rc != -EINTR) {
			nj_err("sensor: %s", strerror(-rc));
			break;
		}
		gettimeofday(&now, NULL);
		nj_run_housekeeping(w, &now);
	}
	nj_sensor_stop(s);
	nj_sensor_free(s);
	nj_bus_drain(w);
	return rc < 0 && rc != -EINTR ? -1 : 0;
}

int nj_run_sensor(struct nj_worker *w, const struct nj_config *cfg, struct nj_trace *record)
{
	struct nj_sensor *s = nj_run_sensor_start(w, cfg, true);

	return s ? nj_run_sensor_loop(w, s, record) : -1;
}
