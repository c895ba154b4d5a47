/*
 * test_stats.c: the statistics engine below HTTP: the spread of a balance
 * (mean, population sd, CV, Gini, laggards) on known numbers; the counts
 * the triggers keep against a fresh GROUP BY (stats_check) after inserts,
 * level and region changes and a departure; a damaged count found by
 * stats_check and repaired by stats_rebuild; towns and supervisors.
 * Includes stats.c to reach spread() and towns_count().
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/secret.h"
#include "domain/idcard.h"
#include "domain/region.h"
#include "domain/worker.h"
#include "../../src/domain/stats.c"

/* 2026-11-22T06:00:00Z */
#define NOW ((time_t)1795327200)

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
	struct actor city;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	const char *d = getenv("SHEGONG_TEST_DATA");
	char key[160], regions[512];

	snprintf(regions, sizeof(regions), "%s/regions", d && *d ? d : "tests/data");
	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-stats-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er) ||
	    db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK ||
	    region_load(f->db, actor_system(), regions, NULL, NULL, &res, &er)) {
		fprintf(stderr, "setup: %s\n", er.detail);
		return -1;
	}
	f->city.user_id = 2;
	snprintf(f->city.login, sizeof(f->city.login), "city");
	f->city.role = ROLE_BUREAU;
	snprintf(f->city.region_code, sizeof(f->city.region_code), "4418");
	util_set_now(NOW);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char cmd[200];

	db_close(f->db);
	util_set_now(0);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void balance_of(struct stats_balance *b, struct stats_child *kids,
		       const double *v, size_t n)
{
	memset(b, 0, sizeof(*b));
	for (size_t i = 0; i < n; i++) {
		memset(&kids[i], 0, sizeof(kids[i]));
		kids[i].v.known = !isnan(v[i]);
		kids[i].v.value = v[i];
		b->known += kids[i].v.known;
	}
	b->children = kids;
	b->count = n;
}

static void test_spread_known_numbers(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct stats_balance b;
	struct stats_child kids[8];
	/* 6, 2 and six zeros: mean 1, sd sqrt(40/8 - 1) = 2 */
	const double v[] = { 6, 2, 0, 0, 0, 0, 0, 0 };
	/* Gini = sum (2i - n - 1) x_(i) / (n sum x), x sorted: 2 is 7th, 6 is 8th */
	const double gini = ((2.0 * 7 - 9) * 2 + (2.0 * 8 - 9) * 6) / (8.0 * 8);
	const double equal[] = { 5, 5, 5, 5 };
	const double some[] = { 10, NAN, 1, 10, 10 };

	(void)state;
	balance_of(&b, kids, v, 8);
	assert_int_equal(spread(&b, &er), SG_OK);
	assert_true(fabs(b.mean - 1.0) < 1e-12);
	assert_true(fabs(b.sd - sqrt(40.0 / 8 - 1)) < 1e-12);
	assert_true(fabs(b.cv - b.sd) < 1e-12);
	assert_true(fabs(b.gini - gini) < 1e-12);
	for (size_t i = 0; i < 8; i++)
		assert_false(kids[i].lagging);

	balance_of(&b, kids, equal, 4);
	assert_int_equal(spread(&b, &er), SG_OK);
	assert_true(b.cv == 0 && b.gini == 0);

	/* one child far below four equals: it lags; the unknown one does not */
	balance_of(&b, kids, some, 5);
	assert_int_equal(spread(&b, &er), SG_OK);
	assert_true(fabs(b.mean - 31.0 / 4) < 1e-12);
	assert_true(kids[2].lagging);
	assert_false(kids[1].lagging);
	assert_false(kids[0].lagging);

	balance_of(&b, kids, (const double[]){ 0, 0 }, 2);
	assert_int_equal(spread(&b, &er), SG_OK);
	assert_true(isnan(b.cv) && isnan(b.gini));
}

static int64_t add_worker(struct fixture *f, const char *region, int seq,
			  const char *level)
{
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in;
	char id[19], name[32], cert[32];
	int64_t wid = 0, qid = 0;

	snprintf(id, sizeof(id), "%.6s19900101%03d", region, seq);
	id[17] = idcard_check_char(id);
	id[18] = '\0';
	snprintf(name, sizeof(name), "统计%d", seq);
	memset(&in, 0, sizeof(in));
	in.name = name;
	in.id_number = id;
	in.region_code = region;
	in.social_work_major = -1;
	in.education = seq % 2 ? "bachelor" : NULL;
	if (worker_create(f->db, &f->city, &in, &wid, NULL, &er) != SG_OK)
		fail_msg("create: %s", er.detail);
	if (level) {
		struct qualification_input q = { level, cert, "2020-06-30", NULL };

		snprintf(cert, sizeof(cert), "UT-%06d", seq);
		if (worker_qualification_add(f->db, &f->city, wid, &q, &qid, &er))
			fail_msg("qualification: %s", er.detail);
	}
	return wid;
}

static void assert_consistent(struct fixture *f)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t bad = -1;

	assert_int_equal(stats_check(f->db, &bad, &er), SG_OK);
	assert_int_equal(bad, 0);
}

static int64_t kept(struct fixture *f, const char *code, const char *metric)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t n = -1;

	assert_int_equal(kept_count(f->db, code, metric, &n, &er), SG_OK);
	return n;
}

/* A statement without parameters or rows, straight in the tables. */
static void run(struct fixture *f, const char *sql)
{
	db_stmt_t *st = db_prepare(f->db, sql);

	assert_non_null(st);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
}

static void test_kept_counts_follow_changes(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	int64_t a, bad = 0;

	a = add_worker(f, "441802006", 1, "assistant");
	add_worker(f, "441802007", 2, "senior");
	add_worker(f, "441803", 3, NULL);
	assert_consistent(f);
	assert_int_equal(kept(f, "", "workers"), 3);
	assert_int_equal(kept(f, "4418", "workers"), 3);
	assert_int_equal(kept(f, "441802", "workers"), 2);
	assert_int_equal(kept(f, "441802006", "level1"), 1);
	assert_int_equal(kept(f, "44", "level3"), 1);
	assert_int_equal(kept(f, "44", "edu_known"), 2);

	/* a move and a departure, straight in the table as an import would */
	run(f, "UPDATE workers SET region_code = '441803'"
			      " WHERE id = (SELECT min(id) FROM workers)");
	assert_consistent(f);
	assert_int_equal(kept(f, "441802", "workers"), 1);
	assert_int_equal(kept(f, "441803", "level1"), 1);
	(void)a;
	run(f, "UPDATE workers SET status = 'left'"
			      " WHERE region_code = '441803' AND level = 0");
	assert_consistent(f);
	assert_int_equal(kept(f, "4418", "workers"), 2);

	/* a damaged count is found, and a rebuild repairs it */
	run(f, "UPDATE stat_counts SET value = 99"
			      " WHERE region_code = '4418' AND metric = 'workers'");
	assert_int_equal(stats_check(f->db, &bad, &er), SG_OK);
	assert_true(bad > 0);
	assert_int_equal(stats_rebuild(f->db, &er), SG_OK);
	assert_consistent(f);
	assert_int_equal(kept(f, "4418", "workers"), 2);
}

static void test_towns_and_supervisors(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct stats_region r;
	struct stats_value v;
	int64_t towns = -1, expect = -1, wid;
	db_stmt_t *st;

	assert_int_equal(stats_region_resolve(f->db, &f->city, "4418", &r, &er), SG_OK);
	assert_int_equal(regions_count(f->db, &r, REGION_TOWN, &towns, &er), SG_OK);
	st = db_prepare(f->db, "SELECT count(*) FROM regions WHERE level = 4"
			       " AND code >= '4418' AND code < '4419'");
	assert_int_equal(db_step(st), DB_ROW);
	expect = db_col_int(st, 0);
	db_done(st);
	assert_true(expect > 0);
	assert_int_equal(towns, expect);

	wid = add_worker(f, "441802006", 4, "intermediate");
	st = db_prepare(f->db, "INSERT INTO worker_pools (worker_id, pool, grade,"
			       " joined_on, created_at) VALUES (?, 'supervisor',"
			       " 'junior', '2024-01-01', '2026-11-22T06:00:00Z')");
	db_bind_int(st, 1, wid);
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	assert_int_equal(stats_indicator(f->db, &f->city, "supervisors_per_town",
					 "4418", NULL, &v, &er), SG_OK);
	assert_true(v.known);
	assert_true(v.numerator == 1 && v.denominator == (double)expect);
	assert_int_equal(stats_indicator(f->db, &f->city, "supervisors_per_town",
					 "441802006", NULL, &v, &er), SG_OK);
	assert_true(v.known && v.value == 1);
}

/* Growth counts a worker in China's year: 2025-12-31 17:00 UTC is 2026 in Beijing. */
static void test_growth_year_is_chinas(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct stats_growth_point pts[2];
	time_t t;

	assert_int_equal(util_parse_time("2025-12-31T17:00:00Z", &t), 0);
	util_set_now(t);
	add_worker(f, "441802006", 31, NULL);
	util_set_now(NOW);
	assert_int_equal(stats_growth(f->db, &f->city, "4418", 2025, 2026, pts, &er), SG_OK);
	assert_int_equal(pts[0].workers, 0);
	assert_int_equal(pts[1].workers, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spread_known_numbers),
		cmocka_unit_test_setup_teardown(test_kept_counts_follow_changes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_towns_and_supervisors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_growth_year_is_chinas, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
