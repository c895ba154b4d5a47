/*
 * fuzz_sheet_csv.c: libFuzzer target for the CSV path of the sheet reader.
 *
 * Property: whatever the bytes, sheet_open_mem() + sheet_next() either
 * fail cleanly or hand out rows whose every cell is valid UTF-8 of the
 * stated length, within the limits; nothing leaks or overflows (ASan,
 * UBSan). The first byte picks the encoding option so both the detection
 * and the forced GB18030 / UTF-8 paths are explored.
 * Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_options o = SHEET_OPTIONS_INIT;
	struct sheet *s = NULL;
	const struct sheet_row *r;

	if (size < 1)
		return 0;
	o.format = SHEET_FORMAT_CSV;
	o.encoding = (enum sheet_encoding)(data[0] % 3);
	o.limits.max_cols = 64;
	o.limits.max_cell_bytes = 1024;
	if (sheet_open_mem(&s, data + 1, size - 1, &o, NULL) == SG_OK) {
		while (sheet_next(s, &r, NULL) == SG_OK && r) {
			if (r->ncells > 64)
				abort();
			for (size_t i = 0; i < r->ncells; i++) {
				const struct sheet_cell *c = &r->cells[i];
				if (strlen(c->ptr) != c->len || c->len > 1024 ||
				    utf8_invalid_at(c->ptr, c->len) != c->len)
					abort();
			}
		}
	}
	sheet_close(s);
	return 0;
}
