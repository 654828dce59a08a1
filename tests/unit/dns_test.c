/* DNS parser: questions and answers, compression pointers and their loops,
 * record types, TCP framing in any segmentation, malformed input, EVE. */
#include <stdio.h>
#include <stdlib.h>

#include "app_test_util.h"
#include "core/json.h"
#include "core/packet.h"
#include "preprocessors/app.h"
#include "preprocessors/dns.h"

/* Hex (spaces ignored) into out; returns the byte count. */
static uint32_t unhex(const char *h, uint8_t *out)
{
	uint32_t n = 0;
	while (*h) {
		if (*h == ' ') {
			h++;
			continue;
		}
		unsigned v;
		assert_int_equal(sscanf(h, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		h += 2;
	}
	return n;
}

/* www.example.com A IN, id 0x1234, RD */
static const char query_hex[] =
	"1234 0100 0001 0000 0000 0000"
	"03 777777 07 6578616d706c65 03 636f6d 00 0001 0001";

/* the answer: CNAME web.example.com (pointer into the question), A via a
 * pointer to the CNAME target, SOA in the authority section */
static const char resp_hex[] =
	"1234 8180 0001 0002 0001 0000"
	"03 777777 07 6578616d706c65 03 636f6d 00 0001 0001"
	"c00c 0005 0001 00000e10 0006 03 776562 c010"
	"c02d 0001 0001 0000003c 0004 5db8d822"
	"c010 0006 0001 0000003c 0020 02 6e73 c010 04 726f6f74 c010"
	"00000001 00000002 00000003 00000004 00000005";

static void test_query(void **state)
{
	uint8_t b[512];
	uint32_t n = unhex(query_hex, b);
	struct nj_dns_state *s = nj_dns_new(false);
	struct nj_app_tx **txs;

	assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, b, n), 0);
	assert_int_equal(nj_dns_updated(s, &txs), 1);
	struct nj_app_tx *tx = txs[0];
	assert_true(nj_app_tx_complete(tx));
	assert_buf_idx(tx, NJ_BUF_DNS_QUERY, 0, "www.example.com");
	assert_buf_idx(tx, NJ_BUF_DNS_QUERY, 1, NULL);
	assert_buf(tx, NJ_BUF_DNS_ANSWER_NAME, NULL);
	assert_int_equal(nj_dns_tx_opcode(tx), 0);
	assert_int_equal(nj_dns_tx_rrtype(tx, 0), 1);
	assert_int_equal(nj_dns_tx_rrtype(tx, 1), -1);
	assert_int_equal(nj_dns_tx_rcode(tx), -1);
	assert_int_equal(nj_dns_tx_msg(tx)->events, 0);
	nj_dns_begin(s);
	assert_int_equal(nj_dns_updated(s, &txs), 0);
	nj_dns_free(s);
}

static void test_response(void **state)
{
	uint8_t b[512];
	uint32_t n = unhex(resp_hex, b);
	struct nj_dns_state *s = nj_dns_new(false);
	struct nj_app_tx **txs;
	struct nj_json j;

	assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_CLIENT, b, n), 0);
	assert_int_equal(nj_dns_updated(s, &txs), 1);
	struct nj_app_tx *tx = txs[0];
	const struct nj_dns_msg *m = nj_dns_tx_msg(tx);
	assert_int_equal(m->events, 0);
	assert_int_equal(m->nan, 2);
	assert_int_equal(m->nns, 1);
	assert_buf(tx, NJ_BUF_DNS_QUERY, NULL);
	assert_buf_idx(tx, NJ_BUF_DNS_ANSWER_NAME, 0, "www.example.com");
	assert_buf_idx(tx, NJ_BUF_DNS_ANSWER_NAME, 1, "web.example.com");
	assert_int_equal(nj_dns_tx_rcode(tx), 0);
	assert_int_equal(m->ns[0].soa_minimum, 5);

	nj_json_init(&j);
	nj_json_object_open(&j, NULL);
	tx->log_json(tx, &j);
	nj_json_object_close(&j);
	const char *want[] = {
		"\"version\":3", "\"type\":\"response\"", "\"id\":4660", "\"flags\":\"8180\"",
		"\"qr\":true", "\"rd\":true", "\"ra\":true", "\"rcode\":\"NOERROR\"",
		"\"queries\":[{\"rrname\":\"www.example.com\",\"rrtype\":\"A\"}]",
		"{\"rrname\":\"www.example.com\",\"rrtype\":\"CNAME\",\"ttl\":3600,"
		"\"rdata\":\"web.example.com\"}",
		"{\"rrname\":\"web.example.com\",\"rrtype\":\"A\",\"ttl\":60,"
		"\"rdata\":\"93.184.216.34\"}",
		"\"soa\":{\"mname\":\"ns.example.com\",\"rname\":\"root.example.com\","
		"\"serial\":1,\"refresh\":2,\"retry\":3,\"expire\":4,\"minimum\":5}",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!strstr(j.buf, want[i]))
			fail_msg("%s not in %s", want[i], j.buf);
	nj_json_free(&j);
	nj_dns_free(s);
}

static bool has_ev(struct nj_app_tx *tx, const char *name)
{
	return nj_app_tx_has_event(tx, nj_app_event_lookup(name));
}

static void test_loops(void **state)
{
	uint8_t b[512];
	struct nj_dns_msg m;

	/* the question's name points at itself */
	uint32_t n = unhex("0001 0100 0001 0000 0000 0000 c00c 0001 0001", b);
	assert_int_equal(nj_dns_parse(b, n, &m), 0);
	assert_true(m.events & (1u << NJ_DNS_EV_INFINITE_LOOP));
	assert_true(m.events & (1u << NJ_DNS_EV_MALFORMED_DATA));
	nj_dns_msg_free(&m);

	/* two pointers to each other, after a label */
	n = unhex("0001 0100 0001 0000 0000 0000 01 61 c010 c00c 0001 0001", b);
	assert_int_equal(nj_dns_parse(b, n, &m), 0);
	assert_true(m.events & (1u << NJ_DNS_EV_INFINITE_LOOP));
	nj_dns_msg_free(&m);

	/* pointer past the end */
	n = unhex("0001 0100 0001 0000 0000 0000 c0ff 0001 0001", b);
	assert_int_equal(nj_dns_parse(b, n, &m), 0);
	assert_true(m.events & (1u << NJ_DNS_EV_MALFORMED_DATA));
	assert_int_equal(m.nq, 0);
	nj_dns_msg_free(&m);

	/* a chain of 20 backward pointers is fine (under the jump limit) */
	n = unhex("0001 0100 0001 0000 0000 0000 01 61 00", b);
	/* name at 12: "a"; append the question "b" -> ptr chain */
	uint32_t prev = 12;
	uint32_t qname = n;
	b[n++] = 1;
	b[n++] = 'b';
	b[n++] = (uint8_t)(0xc0 | (prev >> 8));
	b[n++] = (uint8_t)prev;
	b[n++] = 0;
	b[n++] = 1;
	b[n++] = 0;
	b[n++] = 1;
	/* the header says one question: move it to the front by rewriting */
	uint8_t msg[512];
	memcpy(msg, b, 12);
	uint32_t k = 12;
	memcpy(msg + k, b + qname, n - qname);
	k += n - qname;
	/* now the pointer targets offset 12 which is itself: a loop */
	assert_int_equal(nj_dns_parse(msg, k, &m), 0);
	assert_true(m.events & (1u << NJ_DNS_EV_INFINITE_LOOP));
	nj_dns_msg_free(&m);
}

static void test_malformed(void **state)
{
	uint8_t b[4096];
	struct nj_dns_msg m;
	struct nj_dns_state *s = nj_dns_new(false);
	struct nj_app_tx **txs;

	/* short header */
	assert_int_equal(nj_dns_parse(b, 11, &m), -EINVAL);
	nj_dns_msg_free(&m);
	assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, b, 5), -EINVAL);

	/* answer count larger than the records present */
	uint32_t n = unhex(resp_hex, b);
	b[7] = 9;
	assert_int_equal(nj_dns_parse(b, n, &m), 0);
	assert_true(m.events & (1u << NJ_DNS_EV_MALFORMED_DATA));
	assert_int_equal(m.nq, 1);
	nj_dns_msg_free(&m);

	/* a name longer than 1025 bytes: 20 labels of 63 */
	n = unhex("0001 0140 0001 0000 0000 0000", b);
	for (int i = 0; i < 20; i++) {
		b[n++] = 63;
		memset(b + n, 'x', 63);
		n += 63;
	}
	b[n++] = 0;
	n += unhex("0001 0001", b + n);
	assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, b, n), 0);
	assert_int_equal(nj_dns_updated(s, &txs), 1);
	assert_true(has_ev(txs[0], "dns.name_too_long"));
	assert_true(has_ev(txs[0], "dns.z_flag_set"));
	struct nj_buf q;
	assert_int_equal(txs[0]->get_buffer(txs[0], NJ_BUF_DNS_QUERY, 0, &q), 1);
	assert_true(q.len <= NJ_DNS_MAX_NAME);

	/* a response sent to the server */
	nj_dns_begin(s);
	n = unhex(resp_hex, b);
	assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, b, n), 0);
	assert_int_equal(nj_dns_updated(s, &txs), 1);
	assert_true(has_ev(txs[0], "dns.not_a_request"));
	nj_dns_free(s);
}

static void test_tcp_framing(void **state)
{
	uint8_t q[512], r[512], stream[1200];
	uint32_t qn = unhex(query_hex, q), rn = unhex(resp_hex, r), sn = 0;
	struct nj_app_tx **txs;

	stream[sn++] = (uint8_t)(qn >> 8);
	stream[sn++] = (uint8_t)qn;
	memcpy(stream + sn, q, qn);
	sn += qn;
	stream[sn++] = (uint8_t)(qn >> 8);
	stream[sn++] = (uint8_t)qn;
	memcpy(stream + sn, q, qn);
	sn += qn;
	for (uint32_t split = 0; split <= sn; split++) {
		struct nj_dns_state *s = nj_dns_new(true);
		assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, stream, split), 0);
		assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_SERVER, stream + split, sn - split), 0);
		assert_int_equal(nj_dns_updated(s, &txs), 2);
		assert_buf(txs[1], NJ_BUF_DNS_QUERY, "www.example.com");
		assert_int_equal(txs[1]->id, 1);
		nj_dns_free(s);
	}
	struct nj_dns_state *s = nj_dns_new(true);
	uint8_t hdr[2] = { (uint8_t)(rn >> 8), (uint8_t)rn };
	nj_dns_feed(s, NJ_DIR_TO_CLIENT, hdr, 1);
	nj_dns_feed(s, NJ_DIR_TO_CLIENT, hdr + 1, 1);
	for (uint32_t i = 0; i < rn; i++)
		assert_int_equal(nj_dns_feed(s, NJ_DIR_TO_CLIENT, r + i, 1), 0);
	assert_int_equal(nj_dns_updated(s, &txs), 1);
	assert_buf_idx(txs[0], NJ_BUF_DNS_ANSWER_NAME, 1, "web.example.com");
	nj_dns_free(s);
}

static void test_names(void **state)
{
	assert_string_equal(nj_dns_rrtype_name(28), "AAAA");
	assert_string_equal(nj_dns_rrtype_name(65), "HTTPS");
	assert_null(nj_dns_rrtype_name(9999));
	assert_string_equal(nj_dns_rcode_name(3), "NXDOMAIN");
	assert_null(nj_dns_rcode_name(15));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_response),
		cmocka_unit_test(test_loops),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_tcp_framing),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
