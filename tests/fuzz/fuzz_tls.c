/* libFuzzer target for the TLS parser: segments of both directions.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_tls.c libnightjar.a \
 *   $(pkg-config --libs zlib libcrypto yaml-0.1) -o fuzz_tls */
#include "fuzz_app_common.h"
#include "preprocessors/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_tls_state *s = nj_tls_new();
	struct fuzz_seg seg;
	struct nj_app_tx **txs;

	if (!s)
		return 0;
	while (fuzz_next(&data, &size, &seg)) {
		nj_tls_begin(s);
		if (seg.gap)
			nj_tls_gap(s, seg.dir);
		else
			nj_tls_feed(s, seg.dir, seg.p, seg.n);
		uint16_t n = nj_tls_updated(s, &txs);
		fuzz_touch(txs, n);
		(void)nj_tls_tx_version(nj_tls_tx(s));
		(void)nj_tls_tx_state(nj_tls_tx(s));
	}
	nj_tls_begin(s);
	nj_tls_close(s);
	uint16_t n = nj_tls_updated(s, &txs);
	fuzz_touch(txs, n);
	nj_tls_free(s);
	return 0;
}
