/* libFuzzer target for the TLS parser: segments of both directions.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_tls.c libnightjar.a \
 *   $(pkg-config --libs zlib libcrypto yaml-0.1) -o fuzz_tls */
#include "fuzz_app_common.h"
#include "preprocessors/tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_tls_state *s = nj_tls_new();

	if (!s)
		return 0;
	FUZZ_SEGMENTS(tls, s, data, size, {
		(void)nj_tls_tx_version(nj_tls_tx(s));
		(void)nj_tls_tx_state(nj_tls_tx(s));
	});
	FUZZ_CLOSE(tls, s);
	nj_tls_free(s);
	return 0;
}
