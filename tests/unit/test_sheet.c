/*
 * test_sheet.c: the spreadsheet reader and writers: CSV in UTF-8 with and
 * without BOM, GB18030 (a fixture file and detection), CRLF, quoted fields
 * and embedded newlines, bad bytes named by row and offset; XLSX written by
 * libxlsxwriter here and by hand the way Excel writes it (tests/data/io):
 * shared and rich strings, date styles, serial dates incl. the 1900 leap
 * bug and the 1904 system, numbers without ".0" or exponent, gaps; hostile
 * files (../ entry, DOCTYPE with an external entity, zip bomb, truncated
 * zip, not a zip); formula escaping; a CSV and XLSX round trip through the
 * writer.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <xlsxwriter.h>
#include <zip.h>

#include "core/buf.h"
#include "io/sheet.h"
#include "io/sheetw.h"

/* Read every row of a sheet into "a|b|c\n" lines; returns the open result. */
static sg_err dump_opts(const void *d, size_t n, const struct sheet_options *o,
			struct buf *out, struct err_report *er)
{
	struct sheet *s = NULL;
	sg_err rv = sheet_open_mem(&s, d, n, o, er);
	const struct sheet_row *r;
	while (rv == SG_OK && (rv = sheet_next(s, &r, er)) == SG_OK && r) {
		buf_printf(out, "%llu:", (unsigned long long)r->number);
		for (size_t i = 0; i < r->ncells; i++)
			buf_printf(out, "%s%s", i ? "|" : "", r->cells[i].ptr);
		buf_addch(out, '\n');
	}
	sheet_close(s);
	return rv;
}

static sg_err dump(const char *d, struct buf *out, struct err_report *er)
{
	return dump_opts(d, strlen(d), NULL, out, er);
}

static void csv_basic(void **st)
{
	(void)st;
	struct buf b = BUF_INIT(1 << 20);
	struct err_report er = ERR_REPORT_INIT;
	assert_int_equal(dump("\xEF\xBB\xBFname,note\r\n张三,\"a,b\"\r\n李四,\"x\r\ny\"\r\n"
			      "\r\n\"q\"\"q\",last", &b, &er), SG_OK);
	assert_string_equal(buf_cstr(&b),
			    "1:name|note\n2:张三|a,b\n3:李四|x\r\ny\n5:\n6:q\"q|last\n");
	buf_release(&b);
}

static void csv_no_bom_and_offsets(void **st)
{
	(void)st;
	const char *d = "a,b\nc,d\n";
	struct sheet *s = NULL;
	const struct sheet_row *r;
	assert_int_equal(sheet_open_mem(&s, d, strlen(d), NULL, NULL), SG_OK);
	assert_int_equal(sheet_format_of(s), SHEET_FORMAT_CSV);
	assert_int_equal(sheet_encoding_of(s), SHEET_ENC_UTF8);
	assert_int_equal(sheet_next(s, &r, NULL), SG_OK);
	assert_int_equal(r->offset, 0);
	assert_int_equal(sheet_next(s, &r, NULL), SG_OK);
	assert_int_equal(r->offset, 4);
	assert_int_equal(r->number, 2);
	assert_int_equal(r->cells[1].type, SHEET_CELL_STRING);
	assert_null(r->cells[1].raw);
	assert_int_equal(sheet_next(s, &r, NULL), SG_OK);
	assert_null(r);
	sheet_close(s);
}

static void csv_gb18030_fixture(void **st)
{
	(void)st;
	char path[1024];
	snprintf(path, sizeof(path), "%s/io/workers_gb18030.csv", getenv("SHEGONG_TEST_DATA"));
	struct sheet *s = NULL;
	struct err_report er = ERR_REPORT_INIT;
	assert_int_equal(sheet_open(&s, path, NULL, &er), SG_OK);
	assert_int_equal(sheet_encoding_of(s), SHEET_ENC_GB18030);
	struct buf b = BUF_INIT(1 << 20);
	const struct sheet_row *r;
	while (sheet_next(s, &r, &er) == SG_OK && r) {
		buf_printf(&b, "%llu:", (unsigned long long)r->number);
		for (size_t i = 0; i < r->ncells; i++)
			buf_printf(&b, "%s%s", i ? "|" : "", r->cells[i].ptr);
		buf_addch(&b, '\n');
	}
	assert_int_equal(er.code, SG_OK);
	assert_string_equal(buf_cstr(&b),
			    "1:姓名|公民身份号码|单位|备注\n"
			    "2:张三|440524188001010014|清远市社工协会,清城区|\n"
			    "3:李四|11010519491231002X|清新区社工站|第一行\r\n第二行\n"
			    "5:\n"
			    "6:䶮|440524188001010014||€\n");
	buf_release(&b);
	sheet_close(s);
}

static void csv_encodings(void **st)
{
	(void)st;
	/* "社工" in GBK: C9E7 B9A4 */
	const char gbk[] = "a,\xC9\xE7\xB9\xA4\r\n";
	struct buf b = BUF_INIT(1 << 20);
	struct err_report er = ERR_REPORT_INIT;
	assert_int_equal(dump(gbk, &b, &er), SG_OK);
	assert_string_equal(buf_cstr(&b), "1:a|社工\n");

	/* chosen UTF-8 but GBK bytes: error names row and offset */
	struct sheet_options o = SHEET_OPTIONS_INIT;
	o.encoding = SHEET_ENC_UTF8;
	err_clear(&er);
	buf_reset(&b);
	const char bad[] = "x\ny,\xC9\xE7\n";
	assert_int_equal(dump_opts(bad, strlen(bad), &o, &b, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "row 2"));
	assert_non_null(strstr(er.detail, "offset 4"));

	/* neither UTF-8 nor GB18030 (0xFF never starts a GB18030 character) */
	err_clear(&er);
	const char worse[] = "x\n\xFF\xFF\n";
	assert_int_equal(dump(worse, &b, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "row 2"));
	assert_non_null(strstr(er.detail, "offset 2"));

	/* binary */
	err_clear(&er);
	assert_int_equal(dump_opts("ab\0cd", 5, NULL, &b, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "not an XLSX or CSV file"));
	buf_release(&b);
}

/* A file read through the mapping, with a character cut by the 8 MiB scan piece. */
static void csv_large_file(void **st)
{
	(void)st;
	char path[] = "/tmp/test_sheet_big_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "wb");
	size_t piece = 8u << 20;
	fputs("h\n", f);
	for (size_t i = 2; i < piece - 1; i++)
		fputc(i % 64 == 63 ? '\n' : 'a', f);
	fputs("张\n", f); /* 3 bytes starting one before the piece's end */
	fclose(f);
	struct sheet *s = NULL;
	struct err_report er = ERR_REPORT_INIT;
	assert_int_equal(sheet_open(&s, path, NULL, &er), SG_OK);
	assert_int_equal(sheet_encoding_of(s), SHEET_ENC_UTF8);
	const struct sheet_row *r, *last = NULL;
	size_t n = 0;
	char lastcell[256] = "";
	while (sheet_next(s, &r, &er) == SG_OK && r) {
		n++;
		last = r;
		snprintf(lastcell, sizeof(lastcell), "%s", r->ncells ? r->cells[0].ptr : "");
	}
	assert_int_equal(er.code, SG_OK);
	assert_non_null(last);
	assert_non_null(strstr(lastcell, "张"));
	assert_true(n > 100000);
	sheet_close(s);
	unlink(path);
}

static void csv_limits(void **st)
{
	(void)st;
	struct sheet_options o = SHEET_OPTIONS_INIT;
	struct buf b = BUF_INIT(1 << 20);
	struct err_report er = ERR_REPORT_INIT;
	o.limits.max_cols = 2;
	assert_int_equal(dump_opts("a,b\nc,d,e\n", 10, &o, &b, &er), SG_ERR_TOO_LARGE);
	assert_non_null(strstr(er.detail, "row 2"));
	o.limits.max_cols = 0;
	o.limits.max_rows = 1;
	err_clear(&er);
	assert_int_equal(dump_opts("a\nb\n", 4, &o, &b, &er), SG_ERR_TOO_LARGE);
	o.limits.max_rows = 0;
	o.limits.max_cell_bytes = 3;
	err_clear(&er);
	assert_int_equal(dump_opts("abcd\n", 5, &o, &b, &er), SG_ERR_TOO_LARGE);
	o.limits.max_cell_bytes = 0;
	o.limits.max_file_bytes = 3;
	err_clear(&er);
	assert_int_equal(dump_opts("abcd\n", 5, &o, &b, &er), SG_ERR_TOO_LARGE);
	buf_release(&b);
}

static void serials_and_numbers(void **st)
{
	(void)st;
	char o[32];
	assert_int_equal(sheet_serial_to_iso(1, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "1900-01-01");
	assert_int_equal(sheet_serial_to_iso(59, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "1900-02-28");
	assert_int_equal(sheet_serial_to_iso(60, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "1900-02-29");
	assert_int_equal(sheet_serial_to_iso(61, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "1900-03-01");
	assert_int_equal(sheet_serial_to_iso(29221, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "1980-01-01");
	assert_int_equal(sheet_serial_to_iso(43466, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "2019-01-01");
	assert_int_equal(sheet_serial_to_iso(43466.5, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "2019-01-01T12:00:00");
	assert_int_equal(sheet_serial_to_iso(0, 1, o, sizeof(o)), 0);
	assert_string_equal(o, "1904-01-01");
	assert_int_equal(sheet_serial_to_iso(42003, 1, o, sizeof(o)), 0);
	assert_string_equal(o, "2018-12-31");
	assert_int_equal(sheet_serial_to_iso(2958465, 0, o, sizeof(o)), 0);
	assert_string_equal(o, "9999-12-31");
	assert_int_equal(sheet_serial_to_iso(-1, 0, o, sizeof(o)), -1);
	assert_int_equal(sheet_serial_to_iso(3e6, 0, o, sizeof(o)), -1);

	sheet_format_number(3, o, sizeof(o));
	assert_string_equal(o, "3");
	sheet_format_number(2.5, o, sizeof(o));
	assert_string_equal(o, "2.5");
	sheet_format_number(-0.001, o, sizeof(o));
	assert_string_equal(o, "-0.001");
	sheet_format_number(4.4052418800101E+17, o, sizeof(o));
	assert_string_equal(o, "440524188001010000");
	sheet_format_number(13800138000.0, o, sizeof(o));
	assert_string_equal(o, "13800138000");
	sheet_format_number(0.1 + 0.2, o, sizeof(o));
	assert_string_equal(o, "0.30000000000000004");
}

static void xlsx_excel_fixture(void **st)
{
	(void)st;
	char path[1024];
	snprintf(path, sizeof(path), "%s/io/excel_workers.xlsx", getenv("SHEGONG_TEST_DATA"));
	struct sheet *s = NULL;
	struct err_report er = ERR_REPORT_INIT;
	struct sheet_options o = SHEET_OPTIONS_INIT;
	o.sheet_name = "社工";
	assert_int_equal(sheet_open(&s, path, &o, &er), SG_OK);
	assert_int_equal(sheet_format_of(s), SHEET_FORMAT_XLSX);
	size_t n;
	const char *const *names = sheet_names(s, &n);
	assert_int_equal(n, 2);
	assert_string_equal(names[0], "说明");
	assert_string_equal(names[1], "社工");
	const struct sheet_row *r;
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_int_equal(r->number, 1);
	assert_int_equal(r->ncells, 5);
	assert_string_equal(r->cells[1].ptr, "公民身份号码");
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_int_equal(r->number, 2);
	assert_string_equal(r->cells[0].ptr, "张三");
	assert_int_equal(r->cells[1].type, SHEET_CELL_NUMBER);
	assert_string_equal(r->cells[1].ptr, "440524188001010000");
	assert_string_equal(r->cells[1].raw, "4.4052418800101E+17");
	assert_int_equal(r->cells[2].type, SHEET_CELL_DATE);
	assert_string_equal(r->cells[2].ptr, "1980-01-01");
	assert_string_equal(r->cells[2].raw, "29221");
	assert_string_equal(r->cells[3].ptr, "2019-01-01"); /* custom 年月日 format */
	assert_string_equal(r->cells[4].ptr, "3");
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_int_equal(r->number, 3);
	assert_string_equal(r->cells[0].ptr, "李四"); /* rich runs, phonetic skipped */
	assert_string_equal(r->cells[1].ptr, " 11010519491231002X");
	assert_string_equal(r->cells[2].ptr, "1900-02-29");
	assert_int_equal(r->cells[3].type, SHEET_CELL_EMPTY);
	assert_string_equal(r->cells[4].ptr, "2.5");
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_int_equal(r->number, 5); /* row 4 absent */
	assert_string_equal(r->cells[0].ptr, "王五");
	assert_string_equal(r->cells[1].ptr, "");
	assert_string_equal(r->cells[2].ptr, "1900-03-01");
	assert_int_equal(r->cells[3].type, SHEET_CELL_BOOL);
	assert_string_equal(r->cells[3].ptr, "TRUE");
	assert_string_equal(r->cells[4].ptr, "6");
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_null(r);
	sheet_close(s);

	/* first sheet by default; unknown sheet name */
	assert_int_equal(sheet_open(&s, path, NULL, &er), SG_OK);
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_string_equal(r->cells[0].ptr, "填表说明");
	sheet_close(s);
	o.sheet_name = "没有";
	assert_int_equal(sheet_open(&s, path, &o, &er), SG_ERR_INVALID);
	sheet_close(s);
}

/* Read a whole file into a malloc'd buffer. */
static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	struct buf b = BUF_INIT(1 << 28);
	char tmp[4096];
	size_t r;
	while ((r = fread(tmp, 1, sizeof(tmp), f)) > 0)
		buf_add(&b, tmp, r);
	fclose(f);
	return buf_detach(&b, n);
}

static void xlsx_from_libxlsxwriter(void **st)
{
	(void)st;
	char path[] = "/tmp/test_sheet_XXXXXX.xlsx";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	close(fd);
	lxw_workbook *wb = workbook_new(path);
	lxw_worksheet *ws = workbook_add_worksheet(wb, "名单");
	lxw_format *df = workbook_add_format(wb);
	format_set_num_format(df, "yyyy-mm-dd");
	worksheet_write_string(ws, 0, 0, "姓名", NULL);
	worksheet_write_string(ws, 0, 1, "日期", NULL);
	worksheet_write_string(ws, 0, 2, "数", NULL);
	worksheet_write_string(ws, 1, 0, "张三", NULL);
	lxw_datetime dt = { 2020, 2, 29, 0, 0, 0 };
	worksheet_write_datetime(ws, 1, 1, &dt, df);
	worksheet_write_number(ws, 1, 2, 1234567890123.0, NULL);
	worksheet_write_boolean(ws, 3, 3, 0, NULL);
	assert_int_equal(workbook_close(wb), LXW_NO_ERROR);

	size_t n;
	char *d = slurp(path, &n);
	struct buf b = BUF_INIT(1 << 20);
	struct err_report er = ERR_REPORT_INIT;
	assert_int_equal(dump_opts(d, n, NULL, &b, &er), SG_OK);
	assert_string_equal(buf_cstr(&b), "1:姓名|日期|数\n2:张三|2020-02-29|1234567890123\n4:|||FALSE\n");
	buf_release(&b);
	free(d);
	unlink(path);
}

/* Build a zip in memory from (name, data) pairs; *n gets the size. */
static char *make_zip(const char *const *parts, size_t nparts, size_t *n)
{
	char path[] = "/tmp/test_sheet_zip_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	int ze;
	zip_t *z = zip_open(path, ZIP_TRUNCATE, &ze);
	assert_non_null(z);
	for (size_t i = 0; i < nparts; i++) {
		const char *data = parts[2 * i + 1];
		size_t len = strlen(data);
		if (strcmp(data, "@zeros") == 0) {
			len = 50u << 20;
			data = calloc(1, len);
		}
		zip_source_t *src = zip_source_buffer(z, data, len, data != parts[2 * i + 1]);
		assert_non_null(src);
		assert_true(zip_file_add(z, parts[2 * i], src, ZIP_FL_ENC_UTF_8) >= 0);
	}
	assert_int_equal(zip_close(z), 0);
	char *d = slurp(path, n);
	unlink(path);
	return d;
}

#define WBXML "<workbook xmlns:r=\"r\"><sheets><sheet name=\"S\" r:id=\"rId1\"/></sheets></workbook>"
#define RELXML "<Relationships><Relationship Id=\"rId1\" Type=\"x/worksheet\" Target=\"worksheets/sheet1.xml\"/></Relationships>"
#define SHEETXML "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>ok</t></is></c></row></sheetData></worksheet>"

static sg_err open_parts(const char *const *parts, size_t nparts, struct err_report *er)
{
	size_t n;
	char *d = make_zip(parts, nparts, &n);
	struct buf b = BUF_INIT(1 << 20);
	err_clear(er);
	sg_err rv = dump_opts(d, n, NULL, &b, er);
	buf_release(&b);
	free(d);
	return rv;
}

static void xlsx_hostile(void **st)
{
	(void)st;
	struct err_report er = ERR_REPORT_INIT;
	const char *good[] = { "xl/workbook.xml", WBXML, "xl/_rels/workbook.xml.rels", RELXML,
			       "xl/worksheets/sheet1.xml", SHEETXML };
	assert_int_equal(open_parts(good, 3, &er), SG_OK);

	const char *dotdot[] = { "xl/workbook.xml", WBXML, "xl/_rels/workbook.xml.rels", RELXML,
				 "xl/worksheets/sheet1.xml", SHEETXML, "../../etc/evil", "x" };
	assert_int_equal(open_parts(dotdot, 4, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "unsafe path"));
	const char *abs[] = { "/etc/evil", "x", "xl/workbook.xml", WBXML };
	assert_int_equal(open_parts(abs, 2, &er), SG_ERR_MALFORMED);

	const char *xxe[] = { "xl/workbook.xml",
			      ("<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
			       "<workbook><sheets><sheet name=\"&x;\" r:id=\"rId1\"/></sheets></workbook>"),
			      "xl/_rels/workbook.xml.rels", RELXML, "xl/worksheets/sheet1.xml", SHEETXML };
	assert_int_equal(open_parts(xxe, 3, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "DOCTYPE"));
	const char *xxe2[] = { "xl/workbook.xml", WBXML, "xl/_rels/workbook.xml.rels", RELXML,
			       "xl/worksheets/sheet1.xml",
			       "<!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><worksheet/>" };
	assert_int_equal(open_parts(xxe2, 3, &er), SG_ERR_MALFORMED);

	const char *bomb[] = { "xl/workbook.xml", WBXML, "xl/_rels/workbook.xml.rels", RELXML,
			       "xl/worksheets/sheet1.xml", "@zeros" };
	assert_int_equal(open_parts(bomb, 3, &er), SG_ERR_TOO_LARGE);
	assert_non_null(strstr(er.detail, "zip bomb"));

	const char *nowb[] = { "word/document.xml", "<w/>" };
	assert_int_equal(open_parts(nowb, 1, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "not an XLSX or CSV file"));

	/* truncated zip */
	size_t n;
	char *d = make_zip(good, 3, &n);
	struct buf b = BUF_INIT(1 << 20);
	err_clear(&er);
	assert_int_equal(dump_opts(d, n / 2, NULL, &b, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "not an XLSX or CSV file"));
	free(d);

	/* a zip forced as CSV; a text file forced as XLSX */
	struct sheet_options o = SHEET_OPTIONS_INIT;
	o.format = SHEET_FORMAT_XLSX;
	err_clear(&er);
	assert_int_equal(dump_opts("a,b\n", 4, &o, &b, &er), SG_ERR_MALFORMED);
	assert_non_null(strstr(er.detail, "not an XLSX or CSV file"));
	buf_release(&b);
}

static void escape(void **st)
{
	(void)st;
	struct buf t = BUF_INIT(1024);
	assert_string_equal(sheetw_escape("=1+1", &t), "'=1+1");
	assert_string_equal(sheetw_escape("+86", &t), "'+86");
	assert_string_equal(sheetw_escape("-2", &t), "'-2");
	assert_string_equal(sheetw_escape("@SUM(A1)", &t), "'@SUM(A1)");
	assert_string_equal(sheetw_escape("\tx", &t), "'\tx");
	assert_string_equal(sheetw_escape("\rx", &t), "'\rx");
	assert_string_equal(sheetw_escape("张三=", &t), "张三=");
	assert_string_equal(sheetw_escape("", &t), "");
	assert_string_equal(sheetw_escape(NULL, &t), "");
	buf_release(&t);
}

static void writer_round_trip(void **st)
{
	(void)st;
	static const struct sheetw_column cols[] = {
		{ "name", "姓名", 0 }, { "note", "备注", 0 }, { "passed_on", "取证日期", 1 },
	};
	const char *notes[] = { "必填", NULL, "YYYY-MM-DD" };
	const char *row1[] = { "张三", "=HYPERLINK(\"http://x\")", "2019-06-30" };
	const char *row2[] = { "李,四", "第一行\n第二行 \"引号\"", NULL };
	for (int f = SHEETW_CSV; f <= SHEETW_XLSX; f++) {
		char path[] = "/tmp/test_sheetw_XXXXXX";
		int fd = mkstemp(path);
		assert_true(fd >= 0);
		close(fd);
		struct sheetw *w = NULL;
		struct err_report er = ERR_REPORT_INIT;
		assert_int_equal(sheetw_open(&w, (enum sheetw_format)f, path, "社工", &er), SG_OK);
		assert_int_equal(sheetw_begin(w, cols, 3, notes, 0), SG_OK);
		assert_int_equal(sheetw_row(w, row1), SG_OK);
		assert_int_equal(sheetw_row(w, row2), SG_OK);
		assert_int_equal(sheetw_rows(w), 2);
		assert_int_equal(sheetw_finish(w, &er), SG_OK);
		size_t n;
		char *d = slurp(path, &n);
		if (f == SHEETW_CSV) {
			const char *want = "\xEF\xBB\xBF姓名,备注,取证日期\r\n必填,,YYYY-MM-DD\r\n"
					   "张三,\"'=HYPERLINK(\"\"http://x\"\")\",2019-06-30\r\n"
					   "\"李,四\",\"第一行\n第二行 \"\"引号\"\"\",\r\n";
			assert_int_equal(n, strlen(want));
			assert_memory_equal(d, want, n);
		}
		struct buf b = BUF_INIT(1 << 20);
		assert_int_equal(dump_opts(d, n, NULL, &b, &er), SG_OK);
		assert_string_equal(buf_cstr(&b),
				    f == SHEETW_CSV
					    ? "1:姓名|备注|取证日期\n2:必填||YYYY-MM-DD\n"
					      "3:张三|'=HYPERLINK(\"http://x\")|2019-06-30\n"
					      "4:李,四|第一行\n第二行 \"引号\"|\n"
					    : "1:姓名|备注|取证日期\n2:必填||YYYY-MM-DD\n"
					      "3:张三|'=HYPERLINK(\"http://x\")|2019-06-30\n"
					      "4:李,四|第一行\n第二行 \"引号\"\n");
		buf_release(&b);
		free(d);
		unlink(path);
	}
}

/* A cell over Excel's 32,767 characters is cut with "…" instead of failing the file. */
static void writer_long_cell(void **st)
{
	(void)st;
	static const struct sheetw_column cols[] = { { "details", "详情", 0 }, { "ok", "ok", 0 } };
	struct buf long_text = BUF_INIT(1 << 20), at_limit = BUF_INIT(1 << 20);
	struct buf want = BUF_INIT(1 << 20);
	char path[] = "/tmp/test_sheetw_XXXXXX";
	struct err_report er = ERR_REPORT_INIT;
	struct sheetw *w = NULL;
	struct sheet_options o = SHEET_OPTIONS_INIT;
	struct sheet *s = NULL;
	const struct sheet_row *r;
	int fd = mkstemp(path);
	size_t n;

	assert_true(fd >= 0);
	close(fd);
	for (int i = 0; i < 40000; i++)
		buf_addstr(&long_text, "张");
	for (int i = 0; i < 32767; i++)
		buf_addch(&at_limit, 'a');
	for (int i = 0; i < 32766; i++)
		buf_addstr(&want, "张");
	buf_addstr(&want, "…");
	const char *row[] = { buf_cstr(&long_text), buf_cstr(&at_limit) };
	assert_int_equal(sheetw_open(&w, SHEETW_XLSX, path, "审计", &er), SG_OK);
	assert_int_equal(sheetw_begin(w, cols, 2, NULL, 0), SG_OK);
	assert_int_equal(sheetw_row(w, row), SG_OK);
	assert_int_equal(sheetw_finish(w, &er), SG_OK);

	char *d = slurp(path, &n);
	o.limits.max_cell_bytes = 1 << 20;
	assert_int_equal(sheet_open_mem(&s, d, n, &o, &er), SG_OK);
	assert_int_equal(sheet_next(s, &r, &er), SG_OK); /* the header */
	assert_int_equal(sheet_next(s, &r, &er), SG_OK);
	assert_non_null(r);
	assert_int_equal(r->ncells, 2);
	assert_string_equal(r->cells[0].ptr, buf_cstr(&want));
	assert_string_equal(r->cells[1].ptr, buf_cstr(&at_limit));
	sheet_close(s);
	free(d);
	unlink(path);
	buf_release(&long_text);
	buf_release(&at_limit);
	buf_release(&want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csv_basic),
		cmocka_unit_test(csv_no_bom_and_offsets),
		cmocka_unit_test(csv_gb18030_fixture),
		cmocka_unit_test(csv_encodings),
		cmocka_unit_test(csv_large_file),
		cmocka_unit_test(csv_limits),
		cmocka_unit_test(serials_and_numbers),
		cmocka_unit_test(xlsx_excel_fixture),
		cmocka_unit_test(xlsx_from_libxlsxwriter),
		cmocka_unit_test(xlsx_hostile),
		cmocka_unit_test(escape),
		cmocka_unit_test(writer_round_trip),
		cmocka_unit_test(writer_long_cell),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
