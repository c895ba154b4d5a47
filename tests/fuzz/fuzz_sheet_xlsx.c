/*
 * fuzz_sheet_xlsx.c: libFuzzer target for the XLSX path of the sheet
 * reader (libzip + expat and our handlers).
 *
 * Property: any bytes, as a zip, are refused cleanly or read within the
 * limits; no crash, leak or overflow (ASan, UBSan). Seed the corpus with
 * tests/data/io/excel_workers.xlsx and files saved by libxlsxwriter so the
 * fuzzer starts from real workbooks; small limits keep each run fast.
 * Build and run: make fuzz.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/sheet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sheet_options o = SHEET_OPTIONS_INIT;
	struct sheet *s = NULL;
	const struct sheet_row *r;

	o.format = SHEET_FORMAT_XLSX;
	o.limits.max_unzipped_bytes = 8u << 20;
	o.limits.max_rows = 10000;
	o.limits.max_cols = 256;
	o.limits.max_cell_bytes = 4096;
	if (sheet_open_mem(&s, data, size, &o, NULL) == SG_OK) {
		while (sheet_next(s, &r, NULL) == SG_OK && r)
			for (size_t i = 0; i < r->ncells; i++)
				if (strlen(r->cells[i].ptr) != r->cells[i].len)
					abort();
	}
	sheet_close(s);
	return 0;
}
