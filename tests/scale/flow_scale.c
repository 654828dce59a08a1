/* Scale check (not a unit test): 1,000,000 distinct TCP SYNs through the
 * flow table and stream engine; reports flow memory against the memcap and
 * the eviction counters. Usage: flow_scale [count] [flow.memcap] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/config.h"
#include "core/counters.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/stream.h"
#include "../unit/pkt_build.h"

int main(int argc, char **argv)
{
	unsigned long count = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000;
	const char *memcap = argc > 2 ? argv[2] : "32mb";
	struct nj_config *cfg = nj_config_new();
	struct nj_worker w;
	char kv[64];
	struct timespec t0, t1;

	snprintf(kv, sizeof(kv), "flow.memcap=%s", memcap);
	nj_config_set_kv(cfg, kv);
	if (nj_flow_stage_register(cfg) < 0 || nj_stream_stage_register(cfg) < 0 ||
	    nj_worker_init(&w, 0, true) < 0) {
		fprintf(stderr, "flow_scale: start-up failed\n");
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	uint64_t peak = 0;
	for (unsigned long i = 0; i < count; i++) {
		struct nj_packet p;
		char src[32];
		/* 10,000 SYNs per second of packet time */
		snprintf(src, sizeof(src), "10.%lu.%lu.%lu", (i >> 16) & 0xff, (i >> 8) & 0xff,
			 i & 0xff);
		tb_tcp(&p, src, (uint16_t)(1024 + (i >> 24)), "192.0.2.1", 80, NJ_TH_SYN,
		       (uint32_t)i * 7919u, 0, NULL, 0, 1000000 + (time_t)(i / 10000));
		tb_run(&w, &p);
		uint64_t mu = nj_counter_get_by_name("flow.memuse");
		if (mu > peak)
			peak = mu;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("syns                 %lu\n", count);
	printf("flow.memcap          %s (%llu bytes)\n", memcap,
	       (unsigned long long)nj_config_get_size(cfg, "flow.memcap", 0));
	printf("flow record size     %zu bytes\n", nj_flow_record_size());
	printf("flow.memuse peak     %llu\n", (unsigned long long)peak);
	printf("flow.memuse end      %llu\n", (unsigned long long)nj_counter_get_by_name("flow.memuse"));
	printf("flow.active end      %llu\n", (unsigned long long)nj_counter_get_by_name("flow.active"));
	printf("flow.total           %llu\n", (unsigned long long)nj_counter_get_by_name("flow.total"));
	printf("flow.evictions       %llu\n", (unsigned long long)nj_counter_get_by_name("flow.wrk.flows_evicted"));
	printf("flow.timeouts        %llu\n", (unsigned long long)nj_counter_get_by_name("flow.mgr.flows_timeout"));
	printf("flow.emerg_mode_entered %llu\n",
	       (unsigned long long)nj_counter_get_by_name("flow.emerg_mode_entered"));
	printf("flow.emerg_mode_over %llu\n", (unsigned long long)nj_counter_get_by_name("flow.emerg_mode_over"));
	printf("flow.memcap_drop     %llu\n", (unsigned long long)nj_counter_get_by_name("flow.memcap"));
	printf("tcp.sessions         %llu\n", (unsigned long long)nj_counter_get_by_name("tcp.sessions"));
	printf("tcp.memuse end       %llu\n", (unsigned long long)nj_counter_get_by_name("tcp.memuse"));
	printf("elapsed              %.2f s (%.0f pkts/s)\n", secs, count / secs);
	nj_bus_drain(&w);
	printf("after drain: flow.active %llu, flow.memuse %llu, tcp.memuse %llu\n",
	       (unsigned long long)nj_counter_get_by_name("flow.active"),
	       (unsigned long long)nj_counter_get_by_name("flow.memuse"),
	       (unsigned long long)nj_counter_get_by_name("tcp.memuse"));
	nj_worker_fini(&w);
	nj_config_free(cfg);
	return 0;
}
