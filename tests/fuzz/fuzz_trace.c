/* libFuzzer target: the syscall trace reader and the process table over
 * arbitrary trace text.
 * Build: clang -g -fsanitize=fuzzer,address -Isrc -I. tests/fuzz/fuzz_trace.c \
 *   libnightjar.a $(pkg-config --libs jansson libyaml) */
#include <stdint.h>
#include <stdio.h>

#include "capture/trace.h"
#include "core/syscall.h"
#include "preprocessors/proctable.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f = fmemopen((void *)data, size, "r");
	struct nj_proctable *pt = nj_proctable_new(NULL, false);
	struct nj_trace *t;
	struct nj_syscall sc;
	struct timeval ts;

	if (!f || !pt)
		goto out;
	t = nj_trace_open_fp(f);
	if (!t)
		goto out;
	while (nj_trace_peek(t, &ts) == 1 && nj_trace_next(t, &sc) == 1) {
		nj_proctable_update(pt, &sc);
		nj_proctable_expire(pt, &sc.ts);
	}
	nj_trace_close(t);
out:
	nj_proctable_free(pt);
	if (f)
		fclose(f);
	return 0;
}
