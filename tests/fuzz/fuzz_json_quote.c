/*
 * fuzz_json_quote.c: libFuzzer target for the JSON writer's string path and
 * the UTF-8 validator.
 *
 * Property: any input that utf8_invalid_at() calls valid must be written by
 * json_quote() as a JSON string that jansson parses back to the same bytes;
 * any input it calls invalid must be refused by the writer.
 * Build and run: make fuzz (clang with -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/buf.h"
#include "core/json.h"
#include "core/utf8.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = BUF_INIT(1 << 22);
	const char *s = (const char *)data;
	int valid = utf8_invalid_at(s, size) == size;
	int rc = json_quote(&b, s, size);

	if (!valid) {
		if (rc == 0)
			abort();
	} else {
		json_error_t err;
		json_t *v;

		if (rc != 0)
			abort();
		v = json_loadb(b.ptr, b.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
		if (!v || !json_is_string(v) || json_string_length(v) != size ||
		    memcmp(json_string_value(v), s, size) != 0)
			abort();
		json_decref(v);
	}
	buf_release(&b);
	return 0;
}
