/* libFuzzer target for the DNS parser: the first byte picks UDP (one
 * message per segment) or TCP framing; then segments of both directions.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_dns.c libnightjar.a \
 *   $(pkg-config --libs zlib libcrypto yaml-0.1) -o fuzz_dns */
#include "fuzz_app_common.h"
#include "preprocessors/dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_dns_state *s;

	if (size < 1)
		return 0;
	s = nj_dns_new(data[0] & 1);
	data++;
	size--;
	if (!s)
		return 0;
	FUZZ_SEGMENTS(dns, s, data, size, {
		for (uint16_t i = 0; i < n_; i++) {
			(void)nj_dns_tx_opcode(txs_[i]);
			(void)nj_dns_tx_rrtype(txs_[i], 0);
			(void)nj_dns_tx_rcode(txs_[i]);
		}
	});
	nj_dns_free(s);
	return 0;
}
