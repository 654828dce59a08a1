/* Fuzz target for the JSON writer's string escaper: any bytes, as a key and
 * as a value, must give one line of JSON that jansson accepts, and valid
 * UTF-8 must come back unchanged.
 *
 * Build: clang -g -fsanitize=fuzzer,address -Isrc -I. tests/fuzz/fuzz_json.c \
 *   libnightjar.a $(pkg-config --libs jansson libcrypto) -o fuzz_json
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct nj_json j;
	static int ready;
	json_error_t err;
	json_t *root, *v;
	size_t half = size / 2;
	char key[64];

	if (!ready) {
		nj_json_init(&j);
		ready = 1;
	}
	nj_json_reset(&j);
	nj_json_object_open(&j, NULL);
	nj_json_strn(&j, "v", data, size);
	/* a key with arbitrary bytes (NUL ends it), never "v" or "b" */
	size_t kl = half < sizeof(key) - 2 ? half : sizeof(key) - 2;
	key[0] = 'k';
	memcpy(key + 1, data, kl);
	key[kl + 1] = '\0';
	nj_json_str(&j, key, "x");
	nj_json_base64(&j, "b", data, size);
	nj_json_object_close(&j);
	if (j.oom)
		return 0;
	if (memchr(j.buf, '\n', j.len))
		abort();
	root = json_loadb(j.buf, j.len, JSON_ALLOW_NUL, &err);
	if (!root)
		abort();
	v = json_object_get(root, "v");
	if (!json_is_string(v))
		abort();
	/* valid UTF-8 round-trips exactly */
	if (json_string_length(v) == size && memcmp(json_string_value(v), data, size) != 0) {
		json_t *probe = json_stringn((const char *)data, size);
		if (probe)
			abort();
	}
	if (json_string_length(v) < size)
		abort();
	json_decref(root);
	return 0;
}
