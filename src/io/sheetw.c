/*
 * sheetw.c: the CSV and XLSX writers behind sheetw.h.
 *
 * The XLSX writer runs libxlsxwriter in constant-memory mode: rows go to a
 * temporary file as they are written and column widths (known only after
 * the last row) are applied at close, which libxlsxwriter allows because
 * it assembles the sheet XML then.
 */
#define _POSIX_C_SOURCE 200809L
#include "sheetw.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include "../core/banned.h"

#define MAX_WIDTH 60.0
#define XLSX_CELL_MAX_CHARS 32767 /* Excel's limit; libxlsxwriter refuses longer */

struct sheetw {
	enum sheetw_format f;
	char *path;
	const struct sheetw_column *cols;
	size_t ncols;
	double *width;
	int begun;
	size_t rows;
	lxw_row_t xrow;
	FILE *csv;
	lxw_workbook *wb;
	lxw_worksheet *ws;
	lxw_format *bold, *note, *date;
	struct buf tmp, line, cut;
};

const char *sheetw_escape(const char *s, struct buf *tmp)
{
	if (!s || !strchr("=+-@\t\r", s[0]) || s[0] == '\0')
		return s ? s : "";
	buf_reset(tmp);
	buf_addch(tmp, '\'');
	buf_addstr(tmp, s);
	return tmp->err ? "" : buf_cstr(tmp);
}

enum sheetw_format sheetw_format_parse(const char *s)
{
	if (s && strcmp(s, "csv") == 0)
		return SHEETW_CSV;
	if (s && strcmp(s, "xlsx") == 0)
		return SHEETW_XLSX;
	return 0;
}

/* Display width: one unit per ASCII character, two per wider one. */
static double text_width(const char *s)
{
	double w = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p < 0x80)
			w += 1;
		else if ((*p & 0xC0) != 0x80)
			w += 2;
	}
	return w;
}

/*
 * The XLSX text of cell c: escaped, and cut to Excel's cell limit with a
 * closing "…" (a long audit record's details), where libxlsxwriter would
 * otherwise refuse the cell and with it the whole file.
 */
static const char *xlsx_text(struct sheetw *w, const char *c)
{
	const char *s = sheetw_escape(c, &w->tmp);
	size_t chars = 0, keep = 0;

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p & 0xC0) == 0x80)
			continue;
		if (++chars == XLSX_CELL_MAX_CHARS)
			keep = (size_t)((const char *)p - s);
		else if (chars > XLSX_CELL_MAX_CHARS)
			break;
	}
	if (chars <= XLSX_CELL_MAX_CHARS)
		return s;
	buf_reset(&w->cut);
	buf_add(&w->cut, s, keep);
	buf_addstr(&w->cut, "…");
	return w->cut.err ? "" : buf_cstr(&w->cut);
}

sg_err sheetw_open(struct sheetw **out, enum sheetw_format f, const char *path,
		   const char *sheet_name, struct err_report *er)
{
	*out = NULL;
	struct sheetw *w = calloc(1, sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	w->f = f;
	buf_init(&w->tmp, 1 << 20);
	buf_init(&w->line, 64u << 20);
	buf_init(&w->cut, 1u << 18);
	w->path = strdup(path);
	if (!w->path) {
		free(w);
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	}
	if (f == SHEETW_CSV) {
		w->csv = fopen(path, "wb");
		if (!w->csv || fwrite("\xEF\xBB\xBF", 1, 3, w->csv) != 3) {
			int e = errno;
			sheetw_free(w);
			return err_set(er, SG_ERR_IO, "%s: %s", path, strerror(e));
		}
	} else if (f == SHEETW_XLSX) {
		lxw_workbook_options o = { .constant_memory = LXW_TRUE, .tmpdir = NULL, .use_zip64 = LXW_TRUE };
		w->wb = workbook_new_opt(path, &o);
		if (!w->wb) {
			sheetw_free(w);
			return err_set(er, SG_ERR_IO, "%s: cannot create workbook", path);
		}
		w->ws = workbook_add_worksheet(w->wb, sheet_name);
		w->bold = workbook_add_format(w->wb);
		w->note = workbook_add_format(w->wb);
		w->date = workbook_add_format(w->wb);
		if (!w->ws || !w->bold || !w->note || !w->date) {
			sheetw_free(w);
			return err_set(er, SG_ERR_IO, "%s: cannot create worksheet", path);
		}
		format_set_bold(w->bold);
		format_set_italic(w->note);
		format_set_font_color(w->note, LXW_COLOR_GRAY);
		format_set_text_wrap(w->note);
		format_set_num_format(w->date, "yyyy-mm-dd");
	} else {
		sheetw_free(w);
		return err_set(er, SG_ERR_INVALID, "unknown format");
	}
	*out = w;
	return SG_OK;
}

static void csv_field(struct buf *b, const char *s)
{
	if (!strpbrk(s, ",\"\r\n")) {
		buf_addstr(b, s);
		return;
	}
	buf_addch(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addch(b, '"');
		buf_addch(b, *s);
	}
	buf_addch(b, '"');
}

static sg_err csv_line(struct sheetw *w, const char *const *cells, int escape)
{
	buf_reset(&w->line);
	for (size_t i = 0; i < w->ncols; i++) {
		const char *c = cells[i] ? cells[i] : "";
		if (i)
			buf_addch(&w->line, ',');
		csv_field(&w->line, escape ? sheetw_escape(c, &w->tmp) : c);
	}
	buf_addstr(&w->line, "\r\n");
	if (w->line.err)
		return SG_ERR_NOMEM;
	if (fwrite(w->line.ptr, 1, w->line.len, w->csv) != w->line.len)
		return SG_ERR_IO;
	return SG_OK;
}

/* "YYYY-MM-DD" → lxw_datetime; 0 on success. */
static int parse_date(const char *s, lxw_datetime *d)
{
	int y, m, dd;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3)
		return -1;
	if (y < 1900 || m < 1 || m > 12 || dd < 1 || dd > 31)
		return -1;
	memset(d, 0, sizeof(*d));
	d->year = y;
	d->month = (uint8_t)m;
	d->day = (uint8_t)dd;
	return 0;
}

sg_err sheetw_begin(struct sheetw *w, const struct sheetw_column *cols, size_t ncols,
		    const char *const *notes, int use_names)
{
	if (w->begun || ncols == 0 || ncols > 16384)
		return SG_ERR_INVALID;
	w->begun = 1;
	w->cols = cols;
	w->ncols = ncols;
	w->width = calloc(ncols, sizeof(*w->width));
	const char **hdr = calloc(ncols, sizeof(*hdr));
	sg_err rv = SG_OK;
	if (!w->width || !hdr) {
		rv = SG_ERR_NOMEM;
		goto out;
	}
	for (size_t i = 0; i < ncols; i++) {
		hdr[i] = use_names || !cols[i].header ? cols[i].name : cols[i].header;
		w->width[i] = text_width(hdr[i]) + 2;
	}
	if (w->f == SHEETW_CSV) {
		rv = csv_line(w, hdr, 0);
		if (rv == SG_OK && notes)
			rv = csv_line(w, notes, 1);
		goto out;
	}
	for (size_t i = 0; i < ncols; i++)
		if (worksheet_write_string(w->ws, 0, (lxw_col_t)i, hdr[i], w->bold) != LXW_NO_ERROR)
			rv = SG_ERR_IO;
	w->xrow = 1;
	if (notes) {
		for (size_t i = 0; i < ncols; i++)
			if (notes[i] && notes[i][0] &&
			    worksheet_write_string(w->ws, 1, (lxw_col_t)i,
						   sheetw_escape(notes[i], &w->tmp), w->note) != LXW_NO_ERROR)
				rv = SG_ERR_IO;
		w->xrow = 2;
	}
	worksheet_freeze_panes(w->ws, w->xrow, 0);
out:
	free(hdr);
	return rv;
}

sg_err sheetw_row(struct sheetw *w, const char *const *cells)
{
	if (!w->begun)
		return SG_ERR_INVALID;
	for (size_t i = 0; i < w->ncols; i++) {
		double tw = cells[i] ? text_width(cells[i]) + 2 : 0;
		if (tw > w->width[i])
			w->width[i] = tw > MAX_WIDTH ? MAX_WIDTH : tw;
	}
	w->rows++;
	if (w->f == SHEETW_CSV)
		return csv_line(w, cells, 1);
	if (w->xrow >= LXW_ROW_MAX)
		return SG_ERR_TOO_LARGE;
	for (size_t i = 0; i < w->ncols; i++) {
		const char *c = cells[i];
		lxw_datetime d;
		lxw_error e = LXW_NO_ERROR;
		if (!c || !c[0])
			continue;
		if (w->cols[i].is_date && parse_date(c, &d) == 0)
			e = worksheet_write_datetime(w->ws, w->xrow, (lxw_col_t)i, &d, w->date);
		else
			e = worksheet_write_string(w->ws, w->xrow, (lxw_col_t)i,
						   xlsx_text(w, c), NULL);
		if (e != LXW_NO_ERROR)
			return SG_ERR_IO;
	}
	w->xrow++;
	return SG_OK;
}

size_t sheetw_rows(const struct sheetw *w)
{
	return w->rows;
}

static void release(struct sheetw *w)
{
	free(w->width);
	free(w->path);
	buf_release(&w->tmp);
	buf_release(&w->line);
	buf_release(&w->cut);
	free(w);
}

sg_err sheetw_finish(struct sheetw *w, struct err_report *er)
{
	sg_err rv = SG_OK;
	if (w->f == SHEETW_CSV) {
		if (fclose(w->csv) != 0)
			rv = err_set(er, SG_ERR_IO, "%s: %s", w->path, strerror(errno));
		w->csv = NULL;
	} else {
		for (size_t i = 0; i < w->ncols && w->width; i++)
			worksheet_set_column(w->ws, (lxw_col_t)i, (lxw_col_t)i, w->width[i], NULL);
		lxw_error e = workbook_close(w->wb);
		w->wb = NULL;
		if (e != LXW_NO_ERROR)
			rv = err_set(er, SG_ERR_IO, "%s: %s", w->path, lxw_strerror(e));
	}
	release(w);
	return rv;
}

void sheetw_free(struct sheetw *w)
{
	if (!w)
		return;
	if (w->csv)
		fclose(w->csv);
	if (w->wb)
		workbook_close(w->wb);
	unlink(w->path);
	release(w);
}
