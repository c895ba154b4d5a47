/*
 * test_import_bulk.c: a workers import defers the full-text index and
 * the statistics of the workers it inserts to the end of each batch
 * (migration 018, worker_bulk_begin/end). Whatever a batch does (insert,
 * update a worker it inserted itself, update one from before, reject a row
 * after its worker was written), afterwards the kept counts equal a fresh
 * GROUP BY, the trigram index passes FTS5's integrity check and finds the
 * final text, the short-fragment index (migration 019) equals a fresh
 * derivation, no bulk mark is left, and the triggers work again for
 * ordinary writes. A file larger than one batch commits each batch whole.
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
#include "domain/idcard.h"
#include "domain/stats.h"
#include "domain/worker.h"
#include "io/import.h"

#define HEADER "name,id_number,region_code,org_name,education,level,certificate_no," \
	       "passed_on,registration_no,registered_on,expires_on\n"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void import_file(db_t *db, const char *path, enum import_mode mode,
			struct import_result *r)
{
	struct import_options opt = { .mode = mode };
	struct err_report er = ERR_REPORT_INIT;

	memset(r, 0, sizeof(*r));
	assert_int_equal(import_run(db, actor_system(), "workers", path, &opt, r, &er), SG_OK);
}

static int64_t count(db_t *db, const char *sql, const char *text)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (text)
		db_bind_text(st, 1, text, -1);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void assert_consistent(db_t *db)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t mismatches = -1;

	assert_int_equal(stats_check(db, &mismatches, &er), SG_OK);
	assert_int_equal(mismatches, 0);
	assert_int_equal(db_exec(db, "INSERT INTO workers_fts (workers_fts)"
				     " VALUES ('integrity-check')"), 0);
	assert_int_equal(count(db, "SELECT count(*) FROM bulk_load", NULL), 0);
	/* the short-fragment index (019) equals a fresh derivation */
	assert_int_equal(count(db, "SELECT count(*) FROM ("
				   " SELECT gram, level, region_code, created_at, id FROM worker_gram_rows"
				   " EXCEPT SELECT gram, level, region_code, created_at, id FROM worker_grams"
				   " UNION ALL SELECT * FROM ("
				   " SELECT gram, level, region_code, created_at, id FROM worker_grams"
				   " EXCEPT SELECT gram, level, region_code, created_at, id"
				   " FROM worker_gram_rows))", NULL), 0);
	assert_true(count(db, "SELECT count(*) FROM worker_grams", NULL) > 0);
}

static int64_t matches(db_t *db, const char *phrase)
{
	return count(db, "SELECT count(*) FROM workers_fts WHERE workers_fts MATCH ?", phrase);
}

static void test_batch(void **state)
{
	struct db_fixture fx;
	struct import_result r;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = { 0 };
	char path[160];
	int64_t id, existing;

	(void)state;
	assert_int_equal(db_fixture_open(&fx), 0);
	snprintf(path, sizeof(path), "%s/w.csv", fx.dir);

	/* a worker from before the batch, holding certificate C0001 */
	write_file(path, HEADER "刘洋,440103199511110410,440103,旧机构,bachelor,"
			 "assistant,C0001,2019-06-16,,,\n");
	import_file(fx.db, path, IMPORT_STRICT, &r);
	assert_int_equal(r.inserted, 1);
	import_result_release(&r);
	assert_consistent(fx.db);

	write_file(path, HEADER
		   /* new, with a registration */
		   "张伟,440103198503120112,440103001,荔湾社工服务中心,bachelor,"
		   "intermediate,A20190001,2019-06-16,DJ2019001,2019-07-01,2022-06-30\n"
		   /* new, no qualification */
		   "李娜,440103199001010225,440103,,associate,,,,,,\n"
		   /* the first row's worker again, renamed and moved: the batch's own row */
		   "张小伟,440103198503120112,440103,越秀社工站,master,"
		   "intermediate,A20190001,2019-06-16,DJ2019001,2019-07-01,2022-06-30\n"
		   /* new worker, written, then refused for another's certificate */
		   "王芳,110101197805230321,440103,,bachelor,senior,C0001,2018-06-17,,,\n"
		   /* the worker from before, renamed: the ordinary triggers */
		   "刘洋洋,440103199511110410,440103001,旧机构,doctor,"
		   "assistant,C0001,2019-06-16,,,\n");
	import_file(fx.db, path, IMPORT_SKIP_INVALID, &r);
	assert_int_equal(r.inserted, 2);
	assert_int_equal(r.updated, 2);
	assert_int_equal(r.rejected, 1);
	import_result_release(&r);
	assert_consistent(fx.db);
	assert_int_equal(matches(fx.db, "\"张小伟\""), 1);
	assert_int_equal(matches(fx.db, "\"越秀社工\""), 1);
	assert_int_equal(matches(fx.db, "\"荔湾社工\""), 0);
	assert_int_equal(matches(fx.db, "\"A20190001\""), 1);
	assert_int_equal(matches(fx.db, "\"刘洋洋\""), 1);
	assert_int_equal(matches(fx.db, "\"王芳\""), 0);
	assert_int_equal(count(fx.db, "SELECT count(*) FROM worker_grams WHERE gram = ?", "小伟"), 1);
	assert_int_equal(count(fx.db, "SELECT count(*) FROM worker_grams WHERE gram = ?", "zx"), 1);
	assert_int_equal(count(fx.db, "SELECT count(*) FROM worker_grams WHERE gram = ?", "越秀"), 0);
	/* written once with what its qualification gives it */
	assert_int_equal(count(fx.db, "SELECT count(*) FROM workers WHERE name = ? AND level = 2"
				      " AND registration_state = 'certified'", "张小伟"), 1);
	assert_int_equal(count(fx.db, "SELECT count(*) FROM workers WHERE search_text = ?",
			       "张小伟\nzxw\n越秀社工站\nA20190001"), 1);

	/* the triggers are on again: an ordinary create, then a rename */
	in.name = "陈静怡";
	in.id_number = "110101197805230321";
	in.region_code = "440103";
	in.education = "master";
	in.social_work_major = -1;
	assert_int_equal(worker_create(fx.db, actor_system(), &in, &id, &existing, &er), SG_OK);
	assert_consistent(fx.db);
	assert_int_equal(matches(fx.db, "\"陈静怡\""), 1);
	memset(&in, 0, sizeof(in));
	in.set = WORKER_SET_NAME;
	in.name = "张晓伟";
	in.social_work_major = -1;
	id = count(fx.db, "SELECT id FROM workers WHERE name = ?", "张小伟");
	assert_int_equal(worker_update(fx.db, actor_system(), id, &in, &existing, &er), SG_OK);
	assert_consistent(fx.db);
	assert_int_equal(matches(fx.db, "\"张晓伟\""), 1);
	assert_int_equal(matches(fx.db, "\"张小伟\""), 0);
	assert_int_equal(db_fixture_close(&fx), 0);
}

struct progress_log {
	int64_t done[8], total[8];
	int n;
};

static void log_progress(int64_t done, int64_t total, void *arg)
{
	struct progress_log *log = arg;

	if (log->n < 8) {
		log->done[log->n] = done;
		log->total[log->n] = total;
	}
	log->n++;
}

/*
 * A file of 25,000 rows is three batches of at most 10,000 stored rows: each is
 * committed with its full-text, statistics and short-fragment rows, with
 * rejected rows in every batch, and the progress is saved at each commit.
 */
static void test_batches(void **state)
{
	enum { ROWS = 25000 };
	struct db_fixture fx;
	struct import_result r = { 0 };
	struct err_report er = ERR_REPORT_INIT;
	struct progress_log log = { 0 };
	struct import_options opt = { .mode = IMPORT_SKIP_INVALID,
				      .progress = log_progress, .arg = &log };
	char path[160], id[19];
	FILE *f;

	(void)state;
	assert_int_equal(db_fixture_open(&fx), 0);
	snprintf(path, sizeof(path), "%s/many.csv", fx.dir);
	assert_non_null(f = fopen(path, "w"));
	fputs("name,id_number,region_code,education\n", f);
	for (int i = 0; i < ROWS; i++) {
		/* unique: the birth date and sequence number run with i */
		snprintf(id, sizeof(id), "44010319%02d%02d%02d%03d", 60 + i / 3000,
			 1 + i / 250 % 12, 1 + i / 10 % 25, i % 10 * 10 + 1);
		id[17] = idcard_check_char(id);
		id[18] = '\0';
		/* every 4,999th row names a region that does not exist */
		fprintf(f, "工作者%c%d,%s,%s,bachelor\n", 'A' + i % 26, i, id,
			i % 4999 == 4998 ? "449999" : "440103");
	}
	fclose(f);
	assert_int_equal(import_run(fx.db, actor_system(), "workers", path, &opt, &r, &er),
			 SG_OK);
	assert_int_equal(r.rows, ROWS);
	assert_int_equal(r.rejected, ROWS / 4999);
	assert_int_equal(r.inserted, ROWS - ROWS / 4999);
	import_result_release(&r);
	assert_int_equal(count(fx.db, "SELECT count(*) FROM workers", NULL), ROWS - ROWS / 4999);
	assert_consistent(fx.db);
	assert_int_equal(matches(fx.db, "\"工作者A0\""), 1);
	assert_int_equal(matches(fx.db, "\"工作者N24999\""), 1);
	/* a commit at every 10,000 stored rows (the rows before it include two
	 * rejected ones each time), then the end */
	assert_int_equal(log.n, 3);
	assert_int_equal(log.done[0], 10002);
	assert_int_equal(log.done[1], 20004);
	assert_int_equal(log.done[2], ROWS);
	assert_int_equal(log.total[2], ROWS);
	assert_true(log.total[0] >= 10000);
	assert_int_equal(db_fixture_close(&fx), 0);
}

static void test_batch_rows(void **state)
{
	(void)state;
	assert_int_equal(import_batch_rows(0), IMPORT_BATCH_ROWS);
	assert_int_equal(import_batch_rows(25000), IMPORT_BATCH_ROWS);
	assert_int_equal(import_batch_rows(300000), 30000);
	assert_int_equal(import_batch_rows(1000000), IMPORT_BATCH_ROWS_MAX);
	assert_int_equal(import_batch_rows(50000000), IMPORT_BATCH_ROWS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_batches),
		cmocka_unit_test(test_batch_rows),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
