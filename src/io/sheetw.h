/*
 * sheetw.h: spreadsheet writers (CSV and XLSX) behind one interface.
 *
 * Any list can be written the same way: sheetw_open() a file, begin() with
 * the columns, row() per record, finish(). Exports, import templates,
 * import error reports and the stats report all go through here, so every
 * file the platform hands out opens cleanly in Chinese Excel:
 *   - CSV: UTF-8 with a BOM (Excel otherwise assumes the ANSI code page),
 *     CRLF line ends, RFC 4180 quoting.
 *   - XLSX (libxlsxwriter, constant-memory mode so a million rows stay
 *     flat): bold header row frozen in place, column widths from the
 *     header and the content (CJK characters count double), optional notes
 *     row under the header (templates), date columns as real date cells,
 *     text over Excel's 32,767 characters a cell cut to that with "…".
 * Cells that start with = + - @ TAB or CR get a leading apostrophe
 * (sheetw_escape), so a spreadsheet program never runs them as formulas:
 * the same function for both formats.
 *
 * Ownership: the writer owns its file until finish() or free(). Strings
 * passed in are copied or written at once; the column array must stay
 * valid until finish(). Failures: SG_ERR_IO (cannot create or write the
 * file), SG_ERR_NOMEM, SG_ERR_INVALID (calls out of order).
 */
#ifndef SG_SHEETW_H
#define SG_SHEETW_H

#include <stddef.h>

#include "../core/buf.h"
#include "../core/err.h"

enum sheetw_format { SHEETW_CSV = 1, SHEETW_XLSX };

struct sheetw_column {
	const char *name;   /* API field name, e.g. "id_number" */
	const char *header; /* header text, e.g. "公民身份号码" */
	int is_date;        /* XLSX: "YYYY-MM-DD" values become date cells */
};

struct sheetw;

/*
 * Create the file at path (truncated). sheet_name names the XLSX sheet
 * (NULL = "Sheet1"); ignored for CSV.
 */
sg_err sheetw_open(struct sheetw **out, enum sheetw_format f, const char *path,
		   const char *sheet_name, struct err_report *er);

/*
 * Write the header row. notes (NULL, or ncols texts, NULL entries empty)
 * is written as a second row: in XLSX in italic grey, in CSV as a plain row.
 * use_names: 1 writes the API names instead of the Chinese headers.
 */
sg_err sheetw_begin(struct sheetw *w, const struct sheetw_column *cols, size_t ncols,
		    const char *const *notes, int use_names);

/* One row of ncols cells (NULL = empty), escaped with sheetw_escape(). */
sg_err sheetw_row(struct sheetw *w, const char *const *cells);

/* Rows written so far, header and notes not counted. */
size_t sheetw_rows(const struct sheetw *w);

/* Flush and close the file. The writer is freed either way. */
sg_err sheetw_finish(struct sheetw *w, struct err_report *er);

/* Abandon: close and remove the file. NULL is ignored. */
void sheetw_free(struct sheetw *w);

/*
 * The text to write for a cell: s itself, or a copy in tmp with a leading
 * "'" when s starts with = + - @ TAB or CR. Valid until tmp changes.
 */
const char *sheetw_escape(const char *s, struct buf *tmp);

/* "csv" / "xlsx" → format; 0 for anything else. */
enum sheetw_format sheetw_format_parse(const char *s);

#endif
