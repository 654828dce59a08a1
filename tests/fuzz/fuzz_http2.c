/* libFuzzer target for the HTTP/2 parser: segments of both directions,
 * the client's starting with the connection preface the detector saw.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_http2.c libnightjar.a \
 *   $(pkg-config --libs zlib libcrypto yaml-0.1 libnghttp2) -o fuzz_http2 */
#include "fuzz_app_common.h"
#include "preprocessors/http2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_http_config hc;
	struct nj_http2_state *s;

	nj_http_config_load(&hc, NULL);
	hc.request_body_limit = 4096;
	hc.response_body_limit = 4096;
	hc.max_txs = 64;
	hc.max_headers = 64;
	/* half the inputs skip the preface, as after an h2c upgrade, so that
	 * the fuzzer reaches the frames without having to find it */
	s = nj_http2_new(&hc, size > 0 && (data[0] & 1));
	if (!s)
		return 0;
	FUZZ_SEGMENTS(http2, s, data, size, (void)0);
	FUZZ_CLOSE(http2, s);
	nj_http2_free(s);
	return 0;
}
