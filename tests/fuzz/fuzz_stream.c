/* libFuzzer target: TCP segments and IP fragments through the defrag, flow
 * and stream stages.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_stream.c libnightjar.a $(pkg-config --libs libpcap libhs \
 *   libpcre2-8 yaml-0.1 zlib libcrypto jansson) -lm
 *
 * Input: a sequence of records. TCP record (first byte even):
 *   [0] bit1 direction, bits 2..7 flag selector  [1..2] seq delta
 *   [3..4] ack delta  [5] payload length  [6..] payload
 * Fragment record (first byte odd): [1] offset/8  [2] bit0 MF, bit1 IPv6
 *   [3] length  [4..] data. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/bus.h"
#include "core/config.h"
#include "preprocessors/defrag.h"
#include "preprocessors/flow_table.h"
#include "preprocessors/stream.h"
#include "../unit/pkt_build.h"

static int inspect(struct nj_worker *w, void *ctx, struct nj_event *ev)
{
	const struct nj_stream_chunk *c = ev->pkt->stream;
	volatile uint8_t sink = 0;

	if (c) {
		for (uint32_t i = 0; i < c->len; i++)
			sink ^= c->data[i];
		if (c->new_off > c->len)
			__builtin_trap();
	}
	(void)sink;
	return NJ_BUS_CONTINUE;
}

static const struct nj_stage inspect_stage = {
	.name = "inspect", .order = NJ_STAGE_DETECT, .kinds = NJ_KIND(NJ_EV_PACKET),
	.handle = inspect,
};

static const uint8_t flag_sets[] = {
	NJ_TH_SYN, NJ_TH_SYN | NJ_TH_ACK, NJ_TH_ACK, NJ_TH_ACK | NJ_TH_PUSH, NJ_TH_FIN | NJ_TH_ACK,
	NJ_TH_RST, NJ_TH_RST | NJ_TH_ACK, NJ_TH_SYN | NJ_TH_FIN, 0,
};

static void send_frag(struct nj_worker *w, const uint8_t *d, size_t n, time_t t)
{
	static uint8_t raw[40 + 16 + 256];
	struct nj_packet p;
	bool v6 = d[2] & 2, mf = d[2] & 1;
	uint32_t off = (uint32_t)d[1] * 8, len = d[3];

	if (len > n - 4)
		len = (uint32_t)(n - 4);
	memset(raw, 0, sizeof(raw));
	if (!v6) {
		tb_ip(&p, "10.0.0.1", "10.0.0.2", 17, t);
		raw[0] = 0x45;
		raw[2] = (uint8_t)((20 + len) >> 8);
		raw[3] = (uint8_t)(20 + len);
		raw[5] = 1;
		uint16_t fo = (uint16_t)((off / 8) | (mf ? 0x2000 : 0));
		raw[6] = (uint8_t)(fo >> 8);
		raw[7] = (uint8_t)fo;
		raw[9] = 17;
		memcpy(raw + 20, d + 4, len);
		p.l3_len = 20 + len;
	} else {
		tb_ip(&p, "2001:db8::1", "2001:db8::2", 17, t);
		raw[0] = 0x60;
		raw[4] = (uint8_t)((8 + len) >> 8);
		raw[5] = (uint8_t)(8 + len);
		raw[6] = 44;
		raw[40] = 17;
		uint16_t fo = (uint16_t)(off | (mf ? 1 : 0));
		raw[42] = (uint8_t)(fo >> 8);
		raw[43] = (uint8_t)fo;
		raw[47] = 1;
		memcpy(raw + 48, d + 4, len);
		p.l3_len = 48 + len;
	}
	p.l3 = p.data = raw;
	p.caplen = p.l3_len;
	tb_run(w, &p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool init;
	static struct nj_worker w;

	if (!init) {
		struct nj_config *cfg = nj_config_new();
		nj_config_set(cfg, "stream.midstream", "true");
		nj_config_set(cfg, "stream.inspect-overlap", "16");
		nj_defrag_stage_register(cfg);
		nj_flow_stage_register(cfg);
		nj_stream_stage_register(cfg);
		nj_bus_register(&inspect_stage);
		nj_config_free(cfg);
		init = true;
	}
	if (nj_worker_init(&w, 0, true) < 0)
		return 0;
	uint32_t seq[2] = { 1000, 5000 };
	time_t t = 100;
	size_t i = 0;
	while (i + 6 <= size) {
		const uint8_t *r = data + i;
		if (r[0] & 1) {
			send_frag(&w, r, size - i, t);
			i += 4 + (r[3] < size - i - 4 ? r[3] : size - i - 4);
			continue;
		}
		int d = (r[0] >> 1) & 1;
		uint8_t fl = flag_sets[(r[0] >> 2) % sizeof(flag_sets)];
		uint32_t len = r[5];
		if (len > size - i - 6)
			len = (uint32_t)(size - i - 6);
		struct nj_packet p;
		uint32_t s = seq[d] + (uint32_t)(int16_t)(r[1] << 8 | r[2]);
		uint32_t a = seq[!d] + (uint32_t)(int16_t)(r[3] << 8 | r[4]);
		if (d == 0)
			tb_tcp(&p, "10.1.0.1", 1234, "10.1.0.2", 80, fl, s, a, r + 6, len, t);
		else
			tb_tcp(&p, "10.1.0.2", 80, "10.1.0.1", 1234, fl, s, a, r + 6, len, t);
		tb_run(&w, &p);
		seq[d] = s + len;
		i += 6 + len;
		t += r[0] >> 7;
	}
	nj_bus_drain(&w);
	nj_worker_fini(&w);
	return 0;
}
