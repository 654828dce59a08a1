/* libFuzzer target for the SOCKS handshake parser: segments of both
 * directions; checks that the bytes it reports as handshake lie inside
 * each segment.
 * Build: clang -g -fsanitize=fuzzer,address,undefined -Isrc -I. \
 *   tests/fuzz/fuzz_socks.c libnightjar.a -o fuzz_socks */
#include <stdlib.h>

#include "fuzz_app_common.h"
#include "preprocessors/socks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nj_socks *s;
	struct fuzz_seg seg;
	bool first = true;

	s = nj_socks_new();
	if (!s)
		return 0;
	while (fuzz_next(&data, &size, &seg)) {
		uint32_t used = 0;

		if (first)
			(void)nj_socks_greeting(seg.p, seg.n);
		first = false;
		if (seg.gap) {
			/* the app layer drops a handshake with a hole */
			nj_socks_free(s);
			if (!(s = nj_socks_new()))
				return 0;
			continue;
		}
		(void)nj_socks_feed(s, seg.dir, seg.p, seg.n, &used);
		if (used > seg.n)
			abort();
	}
	nj_socks_free(s);
	return 0;
}
