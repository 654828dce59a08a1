/* The app-layer stage on the bus: detection on the first bytes (buffered
 * while undecided), stream chunks with context, UDP datagrams, p->app_txs,
 * flow->app_proto, and the flow-end hook. */
#include <stdio.h>
#include <stdlib.h>

#include "app_test_util.h"
#include "core/bus.h"
#include "core/event.h"
#include "core/flow.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/dns.h"

static struct nj_worker w;

static int setup(void **state)
{
	nj_bus_reset();
	assert_int_equal(nj_app_stage_register(NULL), 0);
	assert_int_equal(nj_worker_init(&w, 0, true), 0);
	return 0;
}

static int teardown(void **state)
{
	nj_worker_fini(&w);
	nj_bus_reset();
	return 0;
}

/* Dispatches one TCP packet whose stream chunk holds ctx + new bytes. */
static void tcp_chunk(struct nj_flow *f, struct nj_packet *p, struct nj_stream_chunk *c,
		      int dir, const char *ctx, const char *data, bool end)
{
	static char buf[4096];
	size_t cl = strlen(ctx), dl = strlen(data);
	struct nj_event ev = { .kind = NJ_EV_PACKET };

	memcpy(buf, ctx, cl);
	memcpy(buf + cl, data, dl);
	memset(p, 0, sizeof(*p));
	memset(c, 0, sizeof(*c));
	c->data = (const uint8_t *)buf;
	c->len = (uint32_t)(cl + dl);
	c->new_off = (uint32_t)cl;
	c->dir = (uint8_t)dir;
	c->flow_end = end;
	p->proto = 6;
	p->flow = f;
	p->dir = (uint8_t)dir;
	p->stream = c;
	ev.pkt = p;
	nj_bus_dispatch(&w, &ev);
}

static void test_http_flow(void **state)
{
	struct nj_flow f = { .proto = 6, .sport = 8081, .cport = 50000 };
	struct nj_packet p;
	struct nj_stream_chunk c;

	/* "GE" is undecided; the context part of the next chunk is not fed twice */
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_SERVER, "", "GE", false);
	assert_int_equal(f.app_proto, NJ_APP_UNKNOWN);
	assert_int_equal(p.napp_txs, 0);
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_SERVER, "GE", "T /index.html HTTP/1.1\r\nHost: a.example\r\n\r\n",
		  false);
	assert_int_equal(f.app_proto, NJ_APP_HTTP);
	assert_int_equal(p.napp_txs, 1);
	assert_buf(p.app_txs[0], NJ_BUF_HTTP_URI, "/index.html");
	assert_buf(p.app_txs[0], NJ_BUF_HTTP_REQUEST_LINE, "GET /index.html HTTP/1.1");
	assert_true(p.app_txs[0]->progress_ts & NJ_APP_PROGRESS_DONE);
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_CLIENT, "", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi",
		  false);
	assert_int_equal(p.napp_txs, 1);
	assert_true(nj_app_tx_complete(p.app_txs[0]));
	assert_buf(p.app_txs[0], NJ_BUF_HTTP_RESPONSE_BODY, "hi");
	/* a packet with no new data reports nothing */
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_CLIENT, "hi", "", false);
	assert_int_equal(p.napp_txs, 0);
	/* flush at flow end closes a body read until close */
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_SERVER, "", "GET /2 HTTP/1.0\r\n\r\n", false);
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_CLIENT, "", "HTTP/1.0 200 OK\r\n\r\nbody", false);
	assert_false(nj_app_tx_complete(p.app_txs[0]));
	tcp_chunk(&f, &p, &c, NJ_DIR_TO_CLIENT, "body", "", true);
	assert_int_equal(p.napp_txs, 1);
	assert_true(nj_app_tx_complete(p.app_txs[0]));
	assert_buf(p.app_txs[0], NJ_BUF_HTTP_RESPONSE_BODY, "body");
	assert_non_null(f.app);
	nj_flow_ended(&w, &f);
	assert_null(f.app);
}

static void test_server_first_and_failed(void **state)
{
	struct nj_flow f = { .proto = 6, .sport = 2121, .cport = 50000 };
	struct nj_packet p;
	struct nj_stream_chunk c;

	tcp_chunk(&f, &p, &c, NJ_DIR_TO_CLIENT, "", "220 ProFTPD Server ready.\r\n", false);
	assert_int_equal(f.app_proto, NJ_APP_FTP);
	nj_flow_ended(&w, &f);

	struct nj_flow g = { .proto = 6, .sport = 9999, .cport = 50000 };
	tcp_chunk(&g, &p, &c, NJ_DIR_TO_SERVER, "", "\x01\x02\x03 binary", false);
	assert_int_equal(g.app_proto, NJ_APP_UNKNOWN);
	tcp_chunk(&g, &p, &c, NJ_DIR_TO_CLIENT, "", "\x05\x06 also binary", false);
	assert_int_equal(g.app_proto, NJ_APP_FAILED);
	nj_flow_ended(&w, &g);
}

static void test_dns_udp(void **state)
{
	static const uint8_t q[] = {
		0xab, 0xcd, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
		3, 'f', 'o', 'o', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 28, 0, 1,
	};
	struct nj_flow f = { .proto = 17, .sport = 5300, .cport = 40000 };
	struct nj_packet p = { .proto = 17, .flow = &f, .dir = NJ_DIR_TO_SERVER,
			       .payload = q, .payload_len = sizeof(q) };
	struct nj_event ev = { .kind = NJ_EV_PACKET, .pkt = &p };

	nj_bus_dispatch(&w, &ev);
	assert_int_equal(f.app_proto, NJ_APP_DNS);
	assert_int_equal(p.napp_txs, 1);
	assert_buf(p.app_txs[0], NJ_BUF_DNS_QUERY, "foo.example");
	assert_int_equal(nj_dns_tx_rrtype(p.app_txs[0], 0), 28);
	nj_bus_dispatch(&w, &ev);
	assert_int_equal(p.napp_txs, 1);
	assert_int_equal(p.app_txs[0]->id, 1);
	nj_flow_ended(&w, &f);
}

static void test_event_names(void **state)
{
	int id = nj_app_event_lookup("http.missing_host_header");
	assert_true(id >= 0);
	assert_string_equal(nj_app_event_name(id), "http.missing_host_header");
	assert_true(nj_app_event_lookup("dns.infinite_loop") >= 0);
	assert_true(nj_app_event_lookup("tls.invalid_record_type") >= 0);
	assert_int_equal(nj_app_event_lookup("http.nope"), -1);
	assert_int_equal(nj_app_event_lookup("missing_host_header"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_http_flow, setup, teardown),
		cmocka_unit_test_setup_teardown(test_server_first_and_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dns_udp, setup, teardown),
		cmocka_unit_test(test_event_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
