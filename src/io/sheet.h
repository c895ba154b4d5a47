/*
 * sheet.h: one row-streaming reader over CSV and XLSX files.
 *
 * Imports read spreadsheets the way bureaus send them: Excel workbooks and
 * CSVs saved by Chinese Excel (often GB18030). This module hides the format:
 * open a file or a memory buffer, then pull rows one at a time. Every cell
 * comes out as valid UTF-8 (ptr, len), whatever the source encoding; XLSX
 * cells also carry their type, and date-styled serial numbers come out as
 * ISO dates "YYYY-MM-DD" (or "YYYY-MM-DDTHH:MM:SS" when a time part exists).
 *
 * The format is chosen by magic bytes, never by file name: "PK\3\4" is XLSX,
 * anything else is tried as CSV. Input is untrusted: every size is capped
 * (struct sheet_limits), XLSX entries with ".." or absolute paths, DOCTYPE
 * declarations and entities are refused, and zip bombs are cut off by total
 * size, per-entry compression ratio and entry count caps.
 *
 * Ownership: a struct sheet owns its memory; the cells returned by
 * sheet_next() stay valid until the next sheet_next() or sheet_close().
 * One reader is used by one thread at a time.
 *
 * Failures: sheet_open*() and sheet_next() return SG_ERR_MALFORMED for bad
 * input (with a detail naming the byte offset, row and column where known),
 * SG_ERR_TOO_LARGE when a limit is hit, SG_ERR_IO when the file cannot be
 * read, SG_ERR_NOMEM. The detail is filled in the caller's err_report and
 * also kept in sheet->error for callers that only have the reader.
 */
#ifndef SG_SHEET_H
#define SG_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"

enum sheet_format {
	SHEET_FORMAT_AUTO = 0, /* by magic bytes */
	SHEET_FORMAT_CSV,
	SHEET_FORMAT_XLSX
};

enum sheet_encoding {
	SHEET_ENC_AUTO = 0, /* UTF-8 (BOM optional); GB18030 when not valid UTF-8 */
	SHEET_ENC_UTF8,
	SHEET_ENC_GB18030   /* also covers GBK and GB2312 */
};

enum sheet_cell_type {
	SHEET_CELL_EMPTY = 0,  /* missing or empty cell */
	SHEET_CELL_STRING,     /* CSV cells are always strings (or empty) */
	SHEET_CELL_NUMBER,     /* text is the shortest exact decimal, no ".0" */
	SHEET_CELL_BOOL,       /* text "TRUE" / "FALSE" */
	SHEET_CELL_DATE,       /* date-styled number; text is ISO 8601 */
	SHEET_CELL_ERROR       /* Excel error value, text e.g. "#N/A" */
};

struct sheet_limits {
	uint64_t max_file_bytes;     /* input size (compressed for XLSX); default 200 MiB */
	uint64_t max_unzipped_bytes; /* XLSX: sum of entries read; default 1 GiB */
	uint32_t max_ratio;          /* XLSX: uncompressed/compressed per entry; default 200 */
	uint32_t max_entries;        /* XLSX: zip entries; default 10000 */
	uint64_t max_rows;           /* rows returned; default 2,000,000 */
	uint32_t max_cols;           /* columns per row; default 1000 */
	uint32_t max_cell_bytes;     /* bytes per cell after conversion; default 32 KiB */
};

struct sheet_options {
	enum sheet_format format;
	enum sheet_encoding encoding; /* CSV only */
	const char *sheet_name;       /* XLSX: sheet by name; NULL = first sheet */
	struct sheet_limits limits;   /* zero fields take the defaults */
};

#define SHEET_OPTIONS_INIT { SHEET_FORMAT_AUTO, SHEET_ENC_AUTO, NULL, { 0, 0, 0, 0, 0, 0, 0 } }

struct sheet_cell {
	const char *ptr;  /* UTF-8, NUL-terminated, never NULL ("" when empty) */
	size_t len;
	enum sheet_cell_type type;
	/*
	 * For NUMBER and DATE cells: the number exactly as stored in the file
	 * (e.g. "4.4052418800101E+17"). An ID number typed into Excel as a
	 * number has lost its last digits; an importer should reject such a
	 * cell and can quote this text. NULL for other types.
	 */
	const char *raw;
};

struct sheet_row {
	uint64_t number;    /* 1-based row number in the file (XLSX: the r= attribute;
			       CSV: the record's first line counted from 1) */
	uint64_t offset;    /* CSV: byte offset of the record start (for GB18030
			       files, in the text converted to UTF-8); XLSX: 0 */
	size_t ncells;      /* trailing empty cells trimmed for XLSX; CSV as written */
	struct sheet_cell *cells;
};

struct sheet;

/*
 * Open a file / a memory buffer. On success *out is a reader positioned
 * before the first row; free it with sheet_close(). `opts` may be NULL for
 * defaults. sheet_open_mem() does not copy `data`: it must outlive the reader.
 * sheet_open() maps the file and releases the pages it has parsed, so a
 * UTF-8 CSV of any size is read in a few MiB (a GB18030 CSV is converted
 * into one heap copy first). On failure *out may still be set: close it.
 * Errors as in the header comment; "not an XLSX or CSV file" when the data
 * is a zip without a workbook or binary that is not text.
 */
sg_err sheet_open(struct sheet **out, const char *path,
		  const struct sheet_options *opts, struct err_report *er);
sg_err sheet_open_mem(struct sheet **out, const void *data, size_t len,
		      const struct sheet_options *opts, struct err_report *er);

/*
 * Read the next row. Returns SG_OK with *row set, SG_OK with *row == NULL at
 * the end, or an error (the reader is then unusable but must still be
 * closed). Rows that are wholly empty are still returned (ncells may be 0),
 * so row numbers in error reports match what the clerk sees in Excel.
 */
sg_err sheet_next(struct sheet *s, const struct sheet_row **row,
		  struct err_report *er);

/* What was read: SHEET_FORMAT_CSV or SHEET_FORMAT_XLSX. */
enum sheet_format sheet_format_of(const struct sheet *s);
/* CSV: the encoding detected or chosen (UTF8 or GB18030); AUTO for XLSX. */
enum sheet_encoding sheet_encoding_of(const struct sheet *s);
/* XLSX: sheet names in workbook order; n set to their count. */
const char *const *sheet_names(const struct sheet *s, size_t *n);
/* The last error's detail ("" if none). */
const char *sheet_error(const struct sheet *s);

void sheet_close(struct sheet *s);

/*
 * Helpers shared with the writers and tests, exposed because importers
 * need the same conversions for values they get from elsewhere.
 * sheet_serial_to_iso: Excel serial → "YYYY-MM-DD" (+"THH:MM:SS" if the
 * fraction is not zero) into out (>= 20 bytes); date1904 selects the 1904
 * system. Serial 60 in the 1900 system is Excel's fictitious 1900-02-29.
 * Returns 0, or -1 for a serial out of range (< 0 or past 9999-12-31).
 */
int sheet_serial_to_iso(double serial, int date1904, char *out, size_t outlen);
/* Shortest decimal text for a number, no exponent up to 1e21, no ".0". */
void sheet_format_number(double v, char *out, size_t outlen);

#endif
