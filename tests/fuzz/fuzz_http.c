/* libFuzzer target for the HTTP parser: segments of both directions.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_http.c libnightjar.a \
 *   $(pkg-config --libs zlib libcrypto yaml-0.1) -o fuzz_http */
#include "fuzz_app_common.h"
#include "preprocessors/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_http_config hc;
	struct nj_http_state *s;

	nj_http_config_load(&hc, NULL);
	hc.request_body_limit = 4096;
	hc.response_body_limit = 4096;
	hc.max_txs = 64;
	s = nj_http_new(&hc);
	if (!s)
		return 0;
	FUZZ_SEGMENTS(http, s, data, size, (void)0);
	FUZZ_CLOSE(http, s);
	nj_http_free(s);
	return 0;
}
