/* Unit tests for EVE records: fields and formats of alert, flow, stats and
 * anomaly events, config parsing and the file writer. With NJ_EVE_DUMP set,
 * also writes a sample of every record type there for the schema check
 * (tests/output/eve_schema.sh). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "core/config.h"
#include "core/counters.h"
#include "decode/events.h"
#include "output/community_id.h"
#include "core/process.h"
#include "output/eve.h"
#include "output/hold.h"
#include "output_fixture.h"

static struct nj_eve_opts all_on(void)
{
	struct nj_eve_opts o = {
		.alert = true, .flow = true, .anomaly = true, .stats = true,
		.payload = true, .payload_printable = true, .packet = true,
		.metadata = true, .rule = true, .pkt_src = true, .community_id = true,
	};
	return o;
}

static json_t *parse(const struct nj_json *j)
{
	json_error_t err;
	json_t *root = json_loadb(j->buf, j->len, 0, &err);

	if (!root)
		fail_msg("not JSON (%s): %s", err.text, j->buf);
	return root;
}

/* Follows "a/b/0" through objects and arrays; NULL when absent. */
static json_t *walk(json_t *v, const char *path)
{
	char part[64];

	while (v && *path) {
		const char *slash = strchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : strlen(path);
		snprintf(part, sizeof(part), "%.*s", (int)n, path);
		v = json_is_array(v) ? json_array_get(v, (size_t)atoi(part)) : json_object_get(v, part);
		path += n + (slash ? 1 : 0);
	}
	return v;
}

static const char *str_at(json_t *root, const char *path)
{
	json_t *v = walk(root, path);
	if (!json_is_string(v))
		fail_msg("%s is not a string", path);
	return json_string_value(v);
}

static json_int_t int_at(json_t *root, const char *path)
{
	json_t *v = walk(root, path);
	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	return json_integer_value(v);
}

static void test_alert_ipv4(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = all_on();
	struct nj_json j;
	char cid[NJ_COMMUNITY_ID_LEN];

	(void)state;
	fx_init(&x, false);
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	assert_null(strchr(j.buf, '\n'));
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "timestamp"), "2026-11-27T12:00:00.123456+0000");
	assert_int_equal(int_at(r, "flow_id"), 1234567890123ll);
	assert_int_equal(int_at(r, "pcap_cnt"), 7);
	assert_string_equal(str_at(r, "in_iface"), "eth0");
	assert_string_equal(str_at(r, "event_type"), "alert");
	assert_string_equal(str_at(r, "src_ip"), "10.0.0.1");
	assert_int_equal(int_at(r, "src_port"), 51234);
	assert_string_equal(str_at(r, "dest_ip"), "93.184.216.34");
	assert_int_equal(int_at(r, "dest_port"), 80);
	assert_string_equal(str_at(r, "proto"), "TCP");
	assert_string_equal(str_at(r, "pkt_src"), "wire/pcap");
	nj_community_id(0, &x.p.src, &x.p.dst, 51234, 80, 6, cid, sizeof(cid));
	assert_string_equal(str_at(r, "community_id"), cid);
	assert_string_equal(str_at(r, "alert/action"), "allowed");
	assert_int_equal(int_at(r, "alert/gid"), 1);
	assert_int_equal(int_at(r, "alert/signature_id"), 2019401);
	assert_int_equal(int_at(r, "alert/rev"), 3);
	assert_string_equal(str_at(r, "alert/signature"), "ET POLICY \"quoted\" test");
	assert_string_equal(str_at(r, "alert/category"), "Potentially Bad Traffic");
	assert_int_equal(int_at(r, "alert/severity"), 2);
	assert_string_equal(str_at(r, "alert/metadata/policy/0"), "balanced-ips");
	assert_string_equal(str_at(r, "alert/metadata/policy/1"), "security-ips");
	assert_string_equal(str_at(r, "alert/metadata/created_at/0"), "2014_08_14");
	assert_int_equal(json_array_size(json_object_get(
				 json_object_get(json_object_get(r, "alert"), "metadata"), "policy")), 2);
	assert_string_equal(str_at(r, "alert/rule"), x.r.text);
	assert_null(json_object_get(json_object_get(r, "alert"), "source"));
	assert_string_equal(str_at(r, "app_proto"), "http");
	assert_string_equal(str_at(r, "direction"), "to_server");
	assert_int_equal(int_at(r, "flow/pkts_toserver"), 4);
	assert_int_equal(int_at(r, "flow/pkts_toclient"), 3);
	assert_int_equal(int_at(r, "flow/bytes_toserver"), 400);
	assert_int_equal(int_at(r, "flow/bytes_toclient"), 3000);
	assert_string_equal(str_at(r, "flow/start"), "2026-11-27T11:59:58.000005+0000");
	assert_string_equal(str_at(r, "flow/src_ip"), "10.0.0.1");
	assert_string_equal(str_at(r, "payload"),
			    "R0VUIC9pbmRleC5odG1sIEhUVFAvMS4xDQpIb3N0OiBleGFtcGxlLmNvbQ0KDQo=");
	assert_string_equal(str_at(r, "payload_printable"), FX_PAYLOAD);
	assert_int_equal(int_at(r, "stream"), 0);
	assert_int_equal(int_at(r, "packet_info/linktype"), 1);
	/* the packet decodes back to the frame */
	const char *pkt = str_at(r, "packet");
	assert_int_equal(strlen(pkt), (x.p.caplen + 2) / 3 * 4);
	assert_memory_equal(pkt, "AAECAwQFAAYHCAkKCABF", 20);
	json_decref(r);
	nj_json_free(&j);
}

static void test_alert_options_off(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = { .alert = true };
	struct nj_json j;

	(void)state;
	fx_init(&x, false);
	x.a.blocked = true;
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "alert/action"), "blocked");
	assert_null(json_object_get(r, "payload"));
	assert_null(json_object_get(r, "payload_printable"));
	assert_null(json_object_get(r, "packet"));
	assert_null(json_object_get(r, "packet_info"));
	assert_null(json_object_get(r, "stream"));
	assert_null(json_object_get(r, "community_id"));
	assert_null(json_object_get(r, "pkt_src"));
	assert_null(json_object_get(json_object_get(r, "alert"), "metadata"));
	assert_null(json_object_get(json_object_get(r, "alert"), "rule"));
	json_decref(r);
	nj_json_free(&j);
}

static void test_alert_ipv6_and_target(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = all_on();
	struct nj_json j;

	(void)state;
	fx_init(&x, true);
	x.r.target = "src_ip";
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "src_ip"), "2001:0db8:0000:0000:0000:0000:0000:0001");
	assert_string_equal(str_at(r, "dest_ip"), "2001:0db8:0000:0000:0000:0000:0000:0002");
	/* target:src_ip: the packet's source is the attacked side */
	assert_string_equal(str_at(r, "alert/target/ip"), "2001:0db8:0000:0000:0000:0000:0000:0001");
	assert_int_equal(int_at(r, "alert/target/port"), 51234);
	assert_string_equal(str_at(r, "alert/source/ip"), "2001:0db8:0000:0000:0000:0000:0000:0002");
	assert_int_equal(int_at(r, "alert/source/port"), 80);
	json_decref(r);

	x.r.target = "dest_ip";
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	r = parse(&j);
	assert_string_equal(str_at(r, "alert/source/ip"), "2001:0db8:0000:0000:0000:0000:0000:0001");
	assert_string_equal(str_at(r, "alert/target/ip"), "2001:0db8:0000:0000:0000:0000:0000:0002");
	json_decref(r);
	nj_json_free(&j);
}

static void log_http(const struct nj_app_tx *tx, void *writer)
{
	struct nj_json *j = writer;

	nj_json_object_open(j, "http");
	nj_json_str(j, "hostname", "example.com");
	nj_json_str(j, "url", "/index.html\x01\xff");
	nj_json_object_close(j);
}

static void test_alert_app_layer_icmp_vlan(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = all_on();
	struct nj_app_tx tx = { .proto = NJ_APP_HTTP, .id = 4, .log_json = log_http };
	struct nj_json j;

	(void)state;
	fx_init(&x, false);
	x.a.tx = &tx;
	x.p.vlan[0] = 100;
	x.p.vlan[1] = 200;
	x.p.vlan_count = 2;
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "http/hostname"), "example.com");
	assert_int_equal(int_at(r, "tx_id"), 4);
	assert_string_equal(str_at(r, "http/url"), "/index.html\x01\xc3\xbf");
	assert_int_equal(json_integer_value(json_array_get(json_object_get(r, "vlan"), 1)), 200);
	json_decref(r);

	/* ICMP: type/code instead of ports, Suricata's protocol name */
	x.p.proto = 58;
	x.p.icmp.type = 128;
	x.p.icmp.code = 0;
	x.p.ip_ver = 6;
	x.a.flow = NULL;
	x.p.flow = NULL;
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	r = parse(&j);
	assert_string_equal(str_at(r, "proto"), "IPv6-ICMP");
	assert_int_equal(int_at(r, "icmp_type"), 128);
	assert_int_equal(int_at(r, "icmp_code"), 0);
	assert_null(json_object_get(r, "src_port"));
	assert_null(json_object_get(r, "flow_id"));
	assert_null(json_object_get(r, "flow"));
	json_decref(r);
	/* a system-call alert on a socket: the flow's ends, no packet fields */
	fx_init(&x, false);
	x.a.p = NULL;
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	r = parse(&j);
	assert_string_equal(str_at(r, "src_ip"), "10.0.0.1");
	assert_int_equal(int_at(r, "dest_port"), 80);
	assert_int_equal(int_at(r, "flow_id"), 1234567890123ll);
	assert_null(json_object_get(r, "pcap_cnt"));
	assert_null(json_object_get(r, "packet"));
	/* no packet bytes were matched: no payload */
	assert_null(json_object_get(r, "payload"));
	json_decref(r);
	x.a.flow = NULL;
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	r = parse(&j);
	assert_null(json_object_get(r, "proto"));
	assert_null(json_object_get(r, "src_ip"));
	json_decref(r);
	fx_init(&x, false);
	x.a.flow = NULL;
	x.p.flow = NULL;
	x.p.proto = 89;
	assert_int_equal(nj_eve_format_alert(&o, &j, &x.a), 0);
	r = parse(&j);
	assert_string_equal(str_at(r, "proto"), "89");
	json_decref(r);
	nj_json_free(&j);
}

static void test_flow(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = all_on();
	struct nj_json j;

	(void)state;
	fx_init(&x, false);
	x.f.last.tv_sec += 30;
	x.f.end_reason = NJ_FLOW_END_SHUTDOWN;
	x.f.vlan[0] = 7;
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_flow(&o, &j, &x.f), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "event_type"), "flow");
	assert_string_equal(str_at(r, "timestamp"), "2026-11-27T12:00:30.123456+0000");
	assert_int_equal(int_at(r, "flow_id"), 1234567890123ll);
	assert_string_equal(str_at(r, "src_ip"), "10.0.0.1");
	assert_int_equal(int_at(r, "src_port"), 51234);
	assert_int_equal(int_at(r, "dest_port"), 80);
	assert_string_equal(str_at(r, "app_proto"), "http");
	assert_int_equal(int_at(r, "flow/pkts_toserver"), 4);
	assert_int_equal(int_at(r, "flow/bytes_toclient"), 3000);
	assert_string_equal(str_at(r, "flow/start"), "2026-11-27T11:59:58.000005+0000");
	assert_string_equal(str_at(r, "flow/end"), "2026-11-27T12:00:30.123456+0000");
	assert_int_equal(int_at(r, "flow/age"), 32);
	assert_string_equal(str_at(r, "flow/state"), "established");
	assert_string_equal(str_at(r, "flow/reason"), "shutdown");
	assert_true(json_is_true(json_object_get(json_object_get(r, "flow"), "alerted")));
	assert_int_equal(json_array_size(json_object_get(r, "vlan")), 1);
	json_decref(r);
	nj_json_free(&j);
}

static void test_anomaly(void **state)
{
	struct fixture x;
	struct nj_eve_opts o = all_on();
	struct nj_json j;

	(void)state;
	fx_init(&x, false);
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_anomaly(&o, &j, &x.p, NJ_DEV_IPV4_TRUNC_PKT), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "event_type"), "anomaly");
	assert_string_equal(str_at(r, "anomaly/type"), "decode");
	assert_string_equal(str_at(r, "anomaly/event"), "ipv4.trunc_pkt");
	assert_string_equal(str_at(r, "src_ip"), "10.0.0.1");
	json_decref(r);
	assert_int_equal(nj_eve_format_anomaly(&o, &j, &x.p, 9999), 0);
	r = parse(&j);
	assert_string_equal(str_at(r, "anomaly/event"), "unknown.9999");
	json_decref(r);
	nj_json_free(&j);
}

static void register_suricata_counters(void)
{
	nj_counter_add(nj_counter_register("decoder.pkts"), 10);
	nj_counter_add(nj_counter_register("decoder.bytes"), 1500);
	nj_counter_add(nj_counter_register("capture.kernel_packets"), 11);
	nj_counter_add(nj_counter_register("capture.kernel_drops"), 1);
	nj_counter_set(nj_counter_register("flow.active"), 3);
	nj_counter_add(nj_counter_register("tcp.reassembly_gap"), 2);
	nj_counter_add(nj_counter_register("detect.alert"), 5);
	nj_counter_add(nj_counter_register("decoder.event.ipv4.trunc_pkt"), 4);
	nj_counter_add(nj_counter_register("decoder.event.ipv4.pkt_too_small"), 6);
}

static void test_stats(void **state)
{
	struct nj_json j;
	struct timeval now = { 1795780800, 5 };

	(void)state;
	register_suricata_counters();
	/* a name that is also a prefix: the object wins */
	nj_counter_add(nj_counter_register("nj.a"), 1);
	nj_counter_add(nj_counter_register("nj.a.b"), 2);
	nj_counter_add(nj_counter_register("nj.a-c"), 3);
	nj_json_init(&j);
	assert_int_equal(nj_eve_format_stats(&j, &now, 42), 0);
	json_t *r = parse(&j);
	assert_string_equal(str_at(r, "event_type"), "stats");
	assert_int_equal(int_at(r, "stats/uptime"), 42);
	assert_true(int_at(r, "stats/decoder/pkts") >= 10);
	assert_true(int_at(r, "stats/capture/kernel_drops") >= 1);
	assert_true(int_at(r, "stats/decoder/event/ipv4/trunc_pkt") >= 4);
	assert_true(int_at(r, "stats/decoder/event/ipv4/pkt_too_small") >= 6);
	assert_int_equal(int_at(r, "stats/nj/a/b"), 2);
	assert_int_equal(int_at(r, "stats/nj/a-c"), 3);
	json_decref(r);
	nj_json_free(&j);
}

static void load(struct nj_eve_opts *o, const char *yaml)
{
	struct nj_config *cfg = nj_config_new();
	char err[256];

	assert_int_equal(nj_config_load_string(cfg, yaml, err, sizeof(err)), 0);
	nj_eve_opts_load(o, cfg);
	nj_config_free(cfg);
}

static void *count_in_thread(void *arg)
{
	nj_counter_thread_name("T#test");
	nj_counter_add(*(int *)arg, 7);
	return NULL;
}

static json_t *stats_record(const struct nj_eve_opts *o, struct nj_eve_stats_state *st)
{
	struct nj_json j;
	struct timeval now = { 1795780800, 0 };
	json_t *r;

	nj_json_init(&j);
	assert_int_equal(nj_eve_format_stats_with(o, st, &j, &now, 1), 0);
	r = parse(&j);
	nj_json_free(&j);
	return r;
}

/* totals, threads and deltas: each value is followed by its change since
 * the previous record, in the totals and in each thread's object. */
static void test_stats_deltas(void **state)
{
	struct nj_eve_opts o;
	struct nj_eve_stats_state st = { 0 };
	int x = nj_counter_register("nj.delta.x"), g = nj_counter_register("nj.delta.gauge");
	pthread_t t;
	json_t *r;

	(void)state;
	load(&o, "outputs:\n  eve:\n    types:\n      - stats:\n          threads: yes\n"
		 "          deltas: yes\n");
	assert_true(o.stats_totals && o.stats_threads && o.stats_deltas);
	nj_counter_add(x, 5);
	nj_counter_set(g, 10);
	assert_int_equal(pthread_create(&t, NULL, count_in_thread, &x), 0);
	pthread_join(t, NULL);
	r = stats_record(&o, &st);
	assert_int_equal(int_at(r, "stats/nj/delta/x"), 12);
	assert_int_equal(int_at(r, "stats/nj/delta/x_delta"), 12);
	assert_int_equal(int_at(r, "stats/threads/T#test/nj/delta/x"), 7);
	assert_int_equal(int_at(r, "stats/threads/T#test/nj/delta/x_delta"), 7);
	assert_null(walk(r, "stats/uptime_delta"));
	json_decref(r);

	nj_counter_add(x, 3);
	nj_counter_set(g, 4);
	r = stats_record(&o, &st);
	assert_int_equal(int_at(r, "stats/nj/delta/x"), 15);
	assert_int_equal(int_at(r, "stats/nj/delta/x_delta"), 3);
	assert_int_equal(int_at(r, "stats/nj/delta/gauge"), 4);
	assert_int_equal(int_at(r, "stats/nj/delta/gauge_delta"), -6);
	assert_int_equal(int_at(r, "stats/threads/T#test/nj/delta/x"), 7);
	assert_int_equal(int_at(r, "stats/threads/T#test/nj/delta/x_delta"), 0);
	json_decref(r);
	nj_eve_stats_state_free(&st);

	/* without deltas or threads: neither key */
	load(&o, "outputs:\n  eve:\n    types:\n      - stats:\n          totals: yes\n");
	r = stats_record(&o, &st);
	assert_int_equal(int_at(r, "stats/nj/delta/x"), 15);
	assert_null(walk(r, "stats/nj/delta/x_delta"));
	assert_null(walk(r, "stats/threads"));
	json_decref(r);
	/* a record always has the totals or the threads */
	load(&o, "outputs:\n  eve:\n    types:\n      - stats:\n          totals: no\n"
		 "          threads: no\n");
	assert_true(o.stats_totals);
}

static void test_config(void **state)
{
	struct nj_eve_opts o;

	(void)state;
	load(&o, "outputs:\n  eve:\n    enabled: yes\n");
	assert_true(o.alert && o.flow && o.anomaly && o.stats && o.metadata && o.pkt_src);
	assert_false(o.payload || o.packet || o.rule || o.community_id);
	assert_int_equal(o.stats_interval, 8);

	load(&o, "outputs:\n  eve:\n    community-id: yes\n    community-id-seed: 7\n"
		 "    types:\n      alert:\n        payload: yes\n        payload-printable: yes\n"
		 "        packet: yes\n        metadata: no\n        rule: yes\n"
		 "      flow: no\n      stats:\n        interval: 30\n");
	assert_true(o.alert && o.payload && o.payload_printable && o.packet && o.rule);
	assert_false(o.metadata || o.flow || o.anomaly);
	assert_true(o.stats);
	assert_int_equal(o.stats_interval, 30);
	assert_true(o.community_id);
	assert_int_equal(o.community_id_seed, 7);

	/* Suricata's list form */
	load(&o, "outputs:\n  eve:\n    types:\n      - alert:\n          payload: yes\n"
		 "      - flow\n      - stats:\n          interval: 2\n");
	assert_true(o.alert && o.payload && o.flow && o.stats);
	assert_false(o.anomaly || o.packet);
	assert_int_equal(o.stats_interval, 2);
}

static void test_writer_file(void **state)
{
	char dir[] = "/tmp/nj-eve-XXXXXX", path[256], line[16384], err[256];
	struct nj_config *cfg = nj_config_new();
	struct fixture x;
	FILE *f;
	int n = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fx_init(&x, false);
	x.p.events[0] = NJ_DEV_IPV4_PKT_TOO_SMALL;
	x.p.events[1] = NJ_DEV_IPV4_TRUNC_PKT;
	x.p.nevents = 2;
	struct nj_eve *e = nj_eve_new(cfg, dir, err, sizeof(err));
	assert_non_null(e);
	nj_eve_write_alert(e, &x.a);
	nj_eve_write_flow(e, &x.f);
	nj_eve_write_anomaly(e, &x.p);
	nj_eve_write_stats(e, &x.p.ts, 1);
	nj_eve_free(e);
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	assert_non_null(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f)) {
		struct nj_json j = { .buf = line, .len = strlen(line) };
		assert_true(j.len > 0 && line[j.len - 1] == '\n');
		json_decref(parse(&j));
		n++;
	}
	fclose(f);
	assert_int_equal(n, 5);
	unlink(path);
	rmdir(dir);
	nj_config_free(cfg);
}

/* Reads eve.json of dir: the number of alert lines and of those with a
 * process object, then truncates it. */
static void count_alerts(const char *dir, int *alerts, int *with_process)
{
	char path[256], line[16384];
	FILE *f;

	snprintf(path, sizeof(path), "%s/eve.json", dir);
	*alerts = *with_process = 0;
	if (!(f = fopen(path, "r")))
		return;
	while (fgets(line, sizeof(line), f)) {
		struct nj_json j = { .buf = line, .len = strlen(line) };
		json_t *r = parse(&j);
		if (json_object_get(r, "alert")) {
			(*alerts)++;
			*with_process += json_object_get(r, "process") != NULL;
		}
		json_decref(r);
	}
	fclose(f);
	truncate(path, 0);
}

static void finish_eve(const struct nj_held *h, void *arg)
{
	nj_eve_finish(arg, h);
}

/* An alert of a flow without its process waits for it (hold.h): written
 * with the process when the flow gets one, without it when the delay
 * passes, at once when the flow ends. */
static void test_alert_waits_for_process(void **state)
{
	char dir[] = "/tmp/nj-eve-XXXXXX", err[256];
	struct nj_config *cfg = nj_config_new();
	struct nj_process proc = { .pid = 4242, .ppid = 1, .name = "curl", .exe = "/usr/bin/curl",
				    .cmdline = "curl x", .cwd = "/", .user = "root", .tty = "",
				    .container_id = "" };
	struct fixture x;
	int n, np;

	(void)state;
	assert_non_null(mkdtemp(dir));
	fx_init(&x, false);
	nj_hold_config(cfg);
	nj_correlation_set_active(true);
	struct nj_eve *e = nj_eve_new(cfg, dir, err, sizeof(err));
	assert_non_null(e);
	/* resolved before the delay: written with its process */
	nj_eve_write_alert(e, &x.a);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 0);
	x.f.owner = nj_proc_owner_new(&proc, NULL);
	x.f.owner_match = NJ_SM_LISTENER;
	nj_hold_release((int64_t)x.a.ts.tv_sec * 1000000, NULL, finish_eve, e);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 0);         /* a listener may yet give way */
	x.f.owner_match = NJ_SM_CONNECTED;
	nj_hold_release((int64_t)x.a.ts.tv_sec * 1000000, NULL, finish_eve, e);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 1);
	assert_int_equal(np, 1);
	/* never resolved: written without it once due */
	nj_proc_owner_unref(x.f.owner);
	x.f.owner = NULL;
	x.f.owner_match = NJ_SM_NONE;
	nj_eve_write_alert(e, &x.a);
	nj_hold_release((int64_t)x.a.ts.tv_sec * 1000000 + 100000, NULL, finish_eve, e);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 0);
	nj_hold_release((int64_t)x.a.ts.tv_sec * 1000000 + x.a.ts.tv_usec + 300000, NULL, finish_eve, e);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 1);
	assert_int_equal(np, 0);
	/* the flow ends: written at once */
	nj_eve_write_alert(e, &x.a);
	nj_hold_release(INT64_MIN, &x.f, finish_eve, e);
	count_alerts(dir, &n, &np);
	assert_int_equal(n, 1);
	nj_correlation_set_active(false);
	nj_eve_free(e);
	char path[256];
	snprintf(path, sizeof(path), "%s/eve.json", dir);
	unlink(path);
	rmdir(dir);
	nj_config_free(cfg);
}

/* Writes one record of every kind for the schema check. */
static int dump(const char *path)
{
	struct nj_eve_opts o = all_on();
	struct nj_app_tx tx = { .proto = NJ_APP_HTTP, .log_json = log_http };
	struct timeval now = { 1795780800, 5 };
	struct nj_json j;
	struct fixture x;
	FILE *f = fopen(path, "w");

	if (!f)
		return 1;
	nj_json_init(&j);
	register_suricata_counters();
	nj_eve_format_stats(&j, &now, 12);
	fprintf(f, "%s\n", j.buf);
	fx_init(&x, false);
	nj_eve_format_alert(&o, &j, &x.a);
	fprintf(f, "%s\n", j.buf);
	x.a.tx = &tx;
	x.r.target = "dest_ip";
	x.a.blocked = true;
	x.p.vlan[0] = 10;
	x.p.vlan_count = 1;
	nj_eve_format_alert(&o, &j, &x.a);
	fprintf(f, "%s\n", j.buf);
	nj_eve_format_flow(&o, &j, &x.f);
	fprintf(f, "%s\n", j.buf);
	nj_eve_format_anomaly(&o, &j, &x.p, NJ_DEV_IPV4_TRUNC_PKT);
	fprintf(f, "%s\n", j.buf);
	fx_init(&x, true);
	x.r.target = "src_ip";
	nj_eve_format_alert(&o, &j, &x.a);
	fprintf(f, "%s\n", j.buf);
	x.p.proto = 58;
	x.p.icmp.type = 3;
	x.p.flow = NULL;
	x.a.flow = NULL;
	nj_eve_format_alert(&o, &j, &x.a);
	fprintf(f, "%s\n", j.buf);
	nj_json_free(&j);
	return fclose(f) == 0 ? 0 : 1;
}

int main(void)
{
	const char *dump_path = getenv("NJ_EVE_DUMP");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_alert_ipv4),
		cmocka_unit_test(test_alert_options_off),
		cmocka_unit_test(test_alert_ipv6_and_target),
		cmocka_unit_test(test_alert_app_layer_icmp_vlan),
		cmocka_unit_test(test_flow),
		cmocka_unit_test(test_anomaly),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_stats_deltas),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_writer_file),
		cmocka_unit_test(test_alert_waits_for_process),
	};

	if (dump_path)
		return dump(dump_path);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
