/*
 * test_import.c: the import framework's pure parts: header mapping (the
 * template's Chinese headers, API names in any case, spaces, full-width
 * spaces and the required mark; unknown, repeated and missing columns
 * refused with the column named), cell normalisation by type (dates in
 * the forms clerks type, Excel dates, ID numbers that Excel stored as
 * numbers, yes/no, words by API word or Chinese label, lists), modes, and
 * the CSV writers (BOM, quoting, formula defusing).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <stdio.h>
#include <unistd.h>

#include "../../src/io/import.c"

static struct sheet_cell cell(const char *s)
{
	struct sheet_cell c = { s, strlen(s), SHEET_CELL_STRING, NULL };

	return c;
}

static void header_mapping(void **state)
{
	const struct import_kind *k = import_kind_find("workers");
	struct err_report er = ERR_REPORT_INIT;
	struct sheet_cell cells[5];
	int map[5];

	(void)state;
	assert_non_null(k);
	cells[0] = cell(" 姓名* ");
	cells[1] = cell("\xe3\x80\x80ID_Number");
	cells[2] = cell("区划代码＊");
	cells[3] = cell("");
	cells[4] = cell("Education");
	assert_int_equal(import_map_header(k, cells, 5, map, &er), SG_OK);
	assert_int_equal(map[0], W_NAME);
	assert_int_equal(map[1], W_ID);
	assert_int_equal(map[2], W_REGION);
	assert_int_equal(map[3], -1);
	assert_int_equal(map[4], W_EDU);

	cells[4] = cell("salary");
	assert_int_equal(import_map_header(k, cells, 5, map, &er), SG_ERR_INVALID);
	assert_non_null(strstr(er.fields[0].message, "salary"));
	assert_string_equal(er.fields[0].code, "unknown_column");

	err_clear(&er);
	cells[4] = cell("name");
	assert_int_equal(import_map_header(k, cells, 5, map, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "duplicate_column");

	err_clear(&er);
	assert_int_equal(import_map_header(k, cells, 2, map, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "missing_column");
	assert_non_null(strstr(er.fields[0].message, "区划代码"));
}

static struct buf b = BUF_INIT(4096);

static const char *norm(int col, const char *s, enum sheet_cell_type t, const char *raw,
			const char **code)
{
	struct sheet_cell c = { s, strlen(s), t, raw };
	char msg[IMPORT_MESSAGE_SIZE];

	if (import_normalise(&worker_cols[col], &c, &b, code, msg, sizeof(msg)) != SG_OK)
		return NULL;
	return buf_cstr(&b);
}

static void validators(void **state)
{
	const char *code;

	(void)state;
	field_words_init();
	assert_string_equal(norm(W_PASSED, "2019-06-16", SHEET_CELL_STRING, NULL, &code), "2019-06-16");
	assert_string_equal(norm(W_PASSED, "2019/6/6", SHEET_CELL_STRING, NULL, &code), "2019-06-06");
	assert_string_equal(norm(W_PASSED, "2019.06.16", SHEET_CELL_STRING, NULL, &code), "2019-06-16");
	assert_string_equal(norm(W_PASSED, "20190616", SHEET_CELL_STRING, NULL, &code), "2019-06-16");
	assert_string_equal(norm(W_PASSED, "2019年6月16日", SHEET_CELL_STRING, NULL, &code), "2019-06-16");
	assert_string_equal(norm(W_PASSED, "2019-06-16T00:00:00", SHEET_CELL_DATE, "43632", &code),
			    "2019-06-16");
	assert_null(norm(W_PASSED, "2019-02-30", SHEET_CELL_STRING, NULL, &code));
	assert_string_equal(code, "invalid");
	assert_null(norm(W_PASSED, "16/06/2019", SHEET_CELL_STRING, NULL, &code));

	assert_string_equal(norm(W_ID, " 11010519491231002x ", SHEET_CELL_STRING, NULL, &code),
			    "11010519491231002X");
	assert_null(norm(W_ID, "440524188001010000", SHEET_CELL_NUMBER, "4.4052418800101E+17", &code));
	assert_string_equal(code, "number_lost_digits");
	assert_string_equal(norm(W_REGION, "440103", SHEET_CELL_NUMBER, "440103", &code), "440103");

	assert_string_equal(norm(W_MAJOR, "是", SHEET_CELL_STRING, NULL, &code), "1");
	assert_string_equal(norm(W_MAJOR, "FALSE", SHEET_CELL_BOOL, NULL, &code), "0");
	assert_null(norm(W_MAJOR, "maybe", SHEET_CELL_STRING, NULL, &code));

	assert_string_equal(norm(W_EDU, "本科", SHEET_CELL_STRING, NULL, &code), "bachelor");
	assert_string_equal(norm(W_EDU, "Master", SHEET_CELL_STRING, NULL, &code), "master");
	assert_null(norm(W_EDU, "小学", SHEET_CELL_STRING, NULL, &code));
	assert_string_equal(code, "unknown_word");
	assert_string_equal(norm(W_LEVEL, "社会工作师", SHEET_CELL_STRING, NULL, &code),
			    "intermediate");
	assert_string_equal(norm(W_LEVEL, "初级", SHEET_CELL_STRING, NULL, &code), "assistant");

	assert_string_equal(norm(W_FIELDS, "elderly、 儿童服务；", SHEET_CELL_STRING, NULL, &code),
			    "elderly;children");
	assert_string_equal(norm(W_NAME, "\xe3\x80\x80张伟 ", SHEET_CELL_STRING, NULL, &code), "张伟");
	assert_string_equal(norm(W_NAME, "", SHEET_CELL_EMPTY, NULL, &code), "");
	buf_release(&b);
}

static void modes(void **state)
{
	(void)state;
	assert_int_equal(import_mode_parse("strict"), IMPORT_STRICT);
	assert_int_equal(import_mode_parse("skip-invalid"), IMPORT_SKIP_INVALID);
	assert_int_equal(import_mode_parse("skip_invalid"), IMPORT_SKIP_INVALID);
	assert_int_equal(import_mode_parse("lenient"), -1);
	assert_int_equal(import_mode_parse(NULL), -1);
	assert_null(import_kind_find("nope"));
	assert_non_null(import_kind_find("population"));
}

static void csv_writers(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct buf out = BUF_INIT(1 << 20);
	struct import_problem p = { 3, "姓名", (char *)"=1+1", "invalid", "坏" };
	struct import_reject rj = { 3, (char *)"[\"=1+1\",\"a,b\"]" };

	(void)state;
	char path[] = "/tmp/test_import_XXXXXX";
	char got[64] = "";
	int fd = mkstemp(path);
	FILE *f;

	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(import_template_write("population", SHEETW_CSV, path, &er), SG_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	assert_int_equal(fread(got, 1, 36, f), 36);
	fclose(f);
	unlink(path);
	assert_memory_equal(got, "\xef\xbb\xbf区划代码*,常住人口*\r\n【说明】", 36);
	/* the error report as CSV: the problem, then the original row */
	assert_int_equal(import_errors_write("[\"姓名\",\"备注\"]", &p, 1, &rj, 1, SHEETW_CSV,
					     path, &er), SG_OK);
	f = fopen(path, "rb");
	assert_non_null(f);
	buf_grow(&out, 256);
	out.len = fread(out.ptr, 1, 255, f);
	out.ptr[out.len] = '\0';
	fclose(f);
	assert_string_equal(buf_cstr(&out), "\xef\xbb\xbf行号,列,值,问题,姓名,备注\r\n"
					  "3,姓名,'=1+1,坏,'=1+1,\"a,b\"\r\n");
	buf_release(&out);
	/* and as XLSX, read back with the importer's own reader */
	assert_int_equal(import_errors_write("[\"姓名\",\"备注\"]", &p, 1, &rj, 1, SHEETW_XLSX,
					     path, &er), SG_OK);
	{
		struct sheet_options opts = SHEET_OPTIONS_INIT;
		const struct sheet_row *row;
		struct sheet *sh;

		assert_int_equal(sheet_open(&sh, path, &opts, &er), SG_OK);
		assert_int_equal(sheet_next(sh, &row, &er), SG_OK);
		assert_string_equal(row->cells[3].ptr, "问题");
		assert_string_equal(row->cells[5].ptr, "备注");
		assert_int_equal(sheet_next(sh, &row, &er), SG_OK);
		assert_string_equal(row->cells[3].ptr, "坏");
		assert_string_equal(row->cells[4].ptr, "'=1+1");
		assert_string_equal(row->cells[5].ptr, "a,b");
		sheet_close(sh);
	}
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_mapping),
		cmocka_unit_test(validators),
		cmocka_unit_test(modes),
		cmocka_unit_test(csv_writers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
