/* Flow table: direction, establishment, timeouts, memcap eviction, drain. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>

#include "core/config.h"
#include "core/counters.h"
#include "core/flow.h"
#include "preprocessors/flow_table.h"
#include "pkt_build.h"

static int ended[3];            /* by end reason */
static uint64_t last_ended_id;

static void on_end(struct nj_worker *w, struct nj_flow *f)
{
	(void)w;
	ended[f->end_reason]++;
	last_ended_id = f->flow_id;
}

static struct nj_worker w;

static int setup_with(const char *kv[])
{
	struct nj_config *cfg = nj_config_new();

	for (int i = 0; kv && kv[i]; i++)
		nj_config_set_kv(cfg, kv[i]);
	nj_bus_reset();
	int rc = nj_flow_stage_register(cfg);
	nj_config_free(cfg);
	if (rc < 0)
		return rc;
	memset(ended, 0, sizeof(ended));
	return nj_worker_init(&w, 0, true);
}

static int setup(void **state)
{
	(void)state;
	return setup_with(NULL);
}

static int teardown(void **state)
{
	(void)state;
	nj_worker_fini(&w);
	return 0;
}

static void test_direction_and_established(void **state)
{
	struct nj_packet a, b, c;

	tb_udp(&a, "10.0.0.1", 1234, "10.0.0.2", 53, 10, 100);
	tb_run(&w, &a);
	assert_non_null(a.flow);
	assert_int_equal(a.dir, NJ_DIR_TO_SERVER);
	assert_false(a.flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(a.flow->state, NJ_FLOW_NEW);
	assert_int_not_equal(a.flow->flow_id, 0);

	tb_udp(&b, "10.0.0.2", 53, "10.0.0.1", 1234, 20, 100);
	tb_run(&w, &b);
	assert_ptr_equal(a.flow, b.flow);
	assert_int_equal(b.dir, NJ_DIR_TO_CLIENT);
	assert_true(b.flags & NJ_PKT_FLOW_ESTABLISHED);
	assert_int_equal(b.flow->state, NJ_FLOW_ESTABLISHED);
	assert_int_equal(b.flow->pkts_ts, 1);
	assert_int_equal(b.flow->pkts_tc, 1);
	assert_int_equal(b.flow->bytes_ts, 38);
	assert_int_equal(b.flow->bytes_tc, 48);

	tb_udp(&c, "10.0.0.1", 1234, "10.0.0.2", 53, 10, 101);
	tb_run(&w, &c);
	assert_ptr_equal(c.flow, a.flow);
	assert_int_equal(c.dir, NJ_DIR_TO_SERVER);
	assert_true(c.flags & NJ_PKT_FLOW_ESTABLISHED);
}

static void test_vlan_and_synack_client(void **state)
{
	struct nj_packet a, b, s;

	tb_udp(&a, "10.0.0.1", 1, "10.0.0.2", 2, 0, 100);
	a.vlan[0] = 10;
	a.vlan_count = 1;
	tb_run(&w, &a);
	tb_udp(&b, "10.0.0.1", 1, "10.0.0.2", 2, 0, 100);
	b.vlan[0] = 11;
	b.vlan_count = 1;
	tb_run(&w, &b);
	assert_ptr_not_equal(a.flow, b.flow);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 2);

	/* first packet seen is a SYN/ACK: its receiver is the client */
	tb_tcp(&s, "10.0.0.9", 80, "10.0.0.8", 4000, NJ_TH_SYN | NJ_TH_ACK, 1, 2, NULL, 0, 100);
	tb_run(&w, &s);
	assert_int_equal(s.dir, NJ_DIR_TO_CLIENT);
	assert_int_equal(s.flow->cport, 4000);
	assert_int_equal(s.flow->sport, 80);
}

static void test_timeout_by_packet_time(void **state)
{
	struct nj_packet a, b, c;
	uint64_t to = nj_counter_get_by_name("flow.mgr.flows_timeout");

	tb_udp(&a, "10.0.0.1", 1000, "10.0.0.2", 2000, 0, 1000);
	tb_run(&w, &a);
	uint64_t id = a.flow->flow_id;
	/* udp new timeout is 30 s: still alive at +29 */
	tb_udp(&b, "10.0.0.3", 1, "10.0.0.4", 2, 0, 1029);
	tb_run(&w, &b);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 0);
	tb_udp(&c, "10.0.0.3", 1, "10.0.0.4", 2, 0, 1031);
	tb_run(&w, &c);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 1);
	assert_int_equal(last_ended_id, id);
	assert_int_equal(nj_counter_get_by_name("flow.mgr.flows_timeout") - to, 1);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 1);

	/* an established flow lives for the established timeout (300 s) */
	tb_udp(&a, "10.0.0.4", 2, "10.0.0.3", 1, 0, 1032);
	tb_run(&w, &a);
	tb_udp(&b, "10.0.0.5", 1, "10.0.0.6", 2, 0, 1310);
	tb_run(&w, &b);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 1);
	tb_udp(&b, "10.0.0.5", 1, "10.0.0.6", 2, 0, 1333);
	tb_run(&w, &b);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 2);

	/* a tick with time moved on ends the rest */
	w.now.tv_sec = 5000;
	nj_bus_tick(&w);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 3);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 0);
}

static void test_custom_timeouts(void **state)
{
	const char *kv[] = { "flow-timeouts.udp.new=5", NULL };
	struct nj_packet a, b;

	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	tb_udp(&a, "10.0.0.1", 1000, "10.0.0.2", 2000, 0, 1000);
	tb_run(&w, &a);
	tb_udp(&b, "10.0.0.1", 1000, "10.0.0.2", 2000, 0, 1006);
	tb_run(&w, &b);
	assert_int_equal(ended[NJ_FLOW_END_TIMEOUT], 1);
	assert_ptr_not_equal(b.flow, NULL);
}

static void test_memcap_eviction(void **state)
{
	char cap[64];
	size_t rec = nj_flow_record_size();
	/* 16 buckets plus room for exactly 10 flows */
	snprintf(cap, sizeof(cap), "flow.memcap=%zu", 16 * sizeof(void *) + 10 * rec);
	const char *kv[] = { "flow.hash-size=16", cap, NULL };
	uint64_t ev0 = nj_counter_get_by_name("flow.wrk.flows_evicted");
	uint64_t em0 = nj_counter_get_by_name("flow.emerg_mode_entered");

	nj_worker_fini(&w);
	assert_int_equal(setup_with(kv), 0);
	for (int i = 0; i < 15; i++) {
		struct nj_packet p;
		char src[32];
		snprintf(src, sizeof(src), "192.168.0.%d", i + 1);
		tb_udp(&p, src, 1000, "10.0.0.1", 53, 0, 2000);
		tb_run(&w, &p);
		assert_non_null(p.flow);
	}
	assert_int_equal(nj_counter_get_by_name("flow.wrk.flows_evicted") - ev0, 5);
	assert_int_equal(nj_counter_get_by_name("flow.emerg_mode_entered") - em0, 1);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 10);
	assert_int_equal(ended[NJ_FLOW_END_FORCED], 5);
	assert_true(nj_counter_get_by_name("flow.memuse") <= 16 * sizeof(void *) + 10 * rec);
}

static void test_drain(void **state)
{
	struct nj_packet a, b;

	tb_udp(&a, "10.0.0.1", 1, "10.0.0.2", 2, 0, 100);
	tb_run(&w, &a);
	tb_udp(&b, "10.0.0.1", 3, "10.0.0.2", 4, 0, 100);
	tb_run(&w, &b);
	nj_bus_drain(&w);
	assert_int_equal(ended[NJ_FLOW_END_SHUTDOWN], 2);
	assert_int_equal(nj_counter_get_by_name("flow.active"), 0);
}

static void test_flow_id_stable(void **state)
{
	struct nj_packet a, b;

	tb_udp(&a, "2001:db8::1", 5000, "2001:db8::2", 53, 0, 100);
	tb_run(&w, &a);
	tb_udp(&b, "2001:db8::2", 53, "2001:db8::1", 5000, 0, 101);
	tb_run(&w, &b);
	assert_ptr_equal(a.flow, b.flow);
	assert_true(b.flow->flow_id < (1ULL << 53));
	uint64_t id = b.flow->flow_id;
	nj_bus_drain(&w);
	assert_int_equal(last_ended_id, id);
}

int main(void)
{
	nj_flow_on_end(on_end);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_direction_and_established, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vlan_and_synack_client, setup, teardown),
		cmocka_unit_test_setup_teardown(test_timeout_by_packet_time, setup, teardown),
		cmocka_unit_test_setup_teardown(test_custom_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memcap_eviction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_drain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flow_id_stable, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
