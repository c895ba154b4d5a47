/*
 * test_import_job.c: what a server killed mid-way leaves beside the
 * database is swept at the next start: upload files no queued import
 * refers to, temporary output files and finished exports go, the upload of a queued import
 * (which will still run) and unrelated files stay.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db_fixture.h"
#include "domain/jobs.h"
#include "io/import_job.h"

static void touch(const char *path)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs("x", f);
	fclose(f);
}

static void test_sweep(void **state)
{
	struct db_fixture fx;
	struct err_report er = ERR_REPORT_INIT;
	char queued[256], orphan[256], out[256], exported[256], other[256], params[512];
	int64_t id;

	(void)state;
	assert_int_equal(db_fixture_open(&fx), 0);
	snprintf(queued, sizeof(queued), "%s.upload-00aa", fx.path);
	snprintf(orphan, sizeof(orphan), "%s.upload-00bb", fx.path);
	snprintf(out, sizeof(out), "%s.out-00cc", fx.path);
	snprintf(exported, sizeof(exported), "%s.export-7.xlsx", fx.path);
	snprintf(other, sizeof(other), "%s/notes.txt", fx.dir);
	touch(queued);
	touch(orphan);
	touch(out);
	touch(exported);
	touch(other);
	snprintf(params, sizeof(params), "{\"kind\":\"workers\",\"path\":\"%s\"}", queued);
	assert_int_equal(jobs_submit(fx.db, actor_system(), "import", params, &id, &er), SG_OK);

	assert_int_equal(import_sweep_files(fx.db, fx.path), 3);
	assert_int_equal(access(queued, F_OK), 0);
	assert_int_not_equal(access(orphan, F_OK), 0);
	assert_int_not_equal(access(out, F_OK), 0);
	assert_int_not_equal(access(exported, F_OK), 0);
	assert_int_equal(access(other, F_OK), 0);
	assert_int_equal(access(fx.path, F_OK), 0);
	assert_int_equal(import_sweep_files(fx.db, fx.path), 0);
	assert_int_equal(db_fixture_close(&fx), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sweep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
