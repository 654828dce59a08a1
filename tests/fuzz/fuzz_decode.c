/* libFuzzer target for the packet decoders: the first input byte picks the
 * linktype, the rest is the captured frame.
 *
 * Build (from the top of a configured tree, after make):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *     tests/fuzz/fuzz_decode.c src/decode/[de]*.c src/core/counters.c \
 *     src/core/bus.c -lpthread -o fuzz_decode
 *   ./fuzz_decode -max_len=2048 corpus/
 * Linking libnightjar.a instead of the decoder sources also works, but the
 * fuzzer then sees no coverage inside the library unless it was built with
 * -fsanitize=fuzzer-no-link.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "decode/decode.h"
#include "decode/events.h"

static const int linktypes[] = {
	NJ_LINKTYPE_ETHERNET, NJ_LINKTYPE_LINUX_SLL, NJ_LINKTYPE_LINUX_SLL2,
	NJ_LINKTYPE_NULL, NJ_LINKTYPE_LOOP, NJ_LINKTYPE_PPP, NJ_LINKTYPE_RAW,
	NJ_LINKTYPE_IPV4, NJ_LINKTYPE_IPV6, 12, 14, 50, 51, 147,
};

/* Every pointer the decoders leave in the packet must lie inside the
 * frame; abort so that the fuzzer reports it. */
static void check_inside(const uint8_t *base, size_t len, const uint8_t *ptr, uint32_t plen)
{
	if (!ptr) {
		if (plen)
			abort();
		return;
	}
	if (ptr < base || ptr > base + len || plen > (size_t)(base + len - ptr))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct nj_packet p;
	uint8_t *copy;
	size_t n;

	if (!inited) {
		nj_decode_init();
		inited = 1;
	}
	if (size < 1)
		return 0;
	n = size - 1;
	/* An exact-size heap copy lets ASan catch any read past the end. */
	copy = malloc(n ? n : 1);
	if (!copy)
		return 0;
	memcpy(copy, data + 1, n);

	memset(&p, 0, sizeof(p));
	p.data = copy;
	p.caplen = (uint32_t)n;
	p.wirelen = (uint32_t)n;
	p.linktype = linktypes[data[0] % (sizeof(linktypes) / sizeof(linktypes[0]))];
	nj_decode_packet(&p);

	check_inside(copy, n, p.l3, p.l3_len);
	check_inside(copy, n, p.l4, p.l4_len);
	check_inside(copy, n, p.payload, p.payload_len);
	if (p.nevents > NJ_MAX_PKT_EVENTS || p.vlan_count > NJ_MAX_VLAN ||
	    p.tunnel_depth > NJ_MAX_TUNNEL_DEPTH)
		abort();
	for (uint8_t i = 0; i < p.nevents; i++) {
		if (!nj_decode_event_name(p.events[i]))
			abort();
	}
	(void)nj_decode_ipv4_csum_ok(&p);
	(void)nj_decode_l4_csum_ok(&p);

	/* The defragmenter's entry point on the same bytes. */
	nj_decode_ip(&p, copy, (uint32_t)n);
	check_inside(copy, n, p.payload, p.payload_len);
	(void)nj_decode_l4_csum_ok(&p);

	free(copy);
	return 0;
}
