/*
 * test_target.c: planning targets: the calendar day numbers, the progress
 * and pace arithmetic at its boundaries (the baseline day, the due day,
 * before and after them, half-way, a falling target, a target equal to its
 * baseline, no baseline, no current value, over-achievement and falling
 * back), and, on a real database with the fixture regions and a reader
 * standing in for the statistics engine: baselines read at the baseline
 * date only when not given, progress on a pinned day, item due dates,
 * untracked items, scope, roles, update, delete and the audit records.
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

#include "db_fixture.h"

#include "core/secret.h"
#include "core/util.h"
#include "db/db.h"
#include "domain/region.h"
#include "domain/target.h"

#define EPS 1e-9

static void test_day_numbers(void **state)
{
	int ok;

	(void)state;
	assert_int_equal(target_day_number("1970-01-01", &ok), 0);
	assert_true(ok);
	assert_int_equal(target_day_number("2000-03-01", &ok), 11017);
	assert_int_equal(target_day_number("2024-02-29", &ok) + 1,
			 target_day_number("2024-03-01", &ok));
	assert_true(ok);
	assert_int_equal(target_day_number("2025-12-31", &ok) + 1,
			 target_day_number("2026-01-01", &ok));
	target_day_number("2023-02-29", &ok);
	assert_false(ok);
	target_day_number("2026-13-01", &ok);
	assert_false(ok);
	target_day_number("2026-1-01", &ok);
	assert_false(ok);
	target_day_number("1899-12-31", &ok);
	assert_false(ok);
	target_day_number(NULL, &ok);
	assert_false(ok);
}

/* Baseline 0 on day 0, target 100 on day 100. */
static void compute(double current, int64_t today, struct target_progress_item *p)
{
	target_progress_compute(100, 1, 0, 1, current, 0, 100, today, p);
}

static void test_pace_rising(void **state)
{
	struct target_progress_item p;

	(void)state;
	/* the baseline day: the line is at the baseline, no pace to project */
	compute(0, 0, &p);
	assert_true(fabs(p.expected - 0) < EPS);
	assert_true(p.on_pace);
	assert_int_equal(p.status, TARGET_ON_PACE);
	assert_false(p.has_projected);
	assert_true(fabs(p.progress) < EPS);
	/* before the baseline: still the baseline */
	compute(0, -10, &p);
	assert_true(fabs(p.expected) < EPS);
	assert_false(p.has_projected);
	/* half-way: exactly on the line is on pace, a hair below is behind */
	compute(50, 50, &p);
	assert_true(fabs(p.expected - 50) < EPS);
	assert_true(p.on_pace);
	assert_int_equal(p.status, TARGET_ON_PACE);
	assert_true(p.has_projected);
	assert_true(fabs(p.projected - 100) < EPS);
	assert_true(fabs(p.progress - 0.5) < EPS);
	compute(49.999, 50, &p);
	assert_false(p.on_pace);
	assert_int_equal(p.status, TARGET_BEHIND);
	assert_true(p.projected < 100);
	/* a quarter of the time, a third done: ahead, projected beyond */
	compute(30, 25, &p);
	assert_true(p.on_pace);
	assert_true(fabs(p.projected - 120) < EPS);
	/* the due day: the line is at the target; projection is the value */
	compute(99, 100, &p);
	assert_true(fabs(p.expected - 100) < EPS);
	assert_false(p.on_pace);
	assert_int_equal(p.status, TARGET_BEHIND);
	assert_true(fabs(p.projected - 99) < EPS);
	compute(100, 100, &p);
	assert_int_equal(p.status, TARGET_MET);
	assert_true(fabs(p.progress - 1) < EPS);
	/* after the due day */
	compute(80, 400, &p);
	assert_true(fabs(p.expected - 100) < EPS);
	assert_true(fabs(p.projected - 80) < EPS);
	assert_int_equal(p.status, TARGET_BEHIND);
	/* met early, and over-achieved: progress is not clamped */
	compute(150, 10, &p);
	assert_int_equal(p.status, TARGET_MET);
	assert_true(fabs(p.progress - 1.5) < EPS);
	/* fallen below the baseline: negative progress */
	compute(-20, 10, &p);
	assert_true(fabs(p.progress + 0.2) < EPS);
	assert_int_equal(p.status, TARGET_BEHIND);
}

static void test_pace_falling_and_special(void **state)
{
	struct target_progress_item p;

	(void)state;
	/* a target below the baseline (fewer registrations expiring) */
	target_progress_compute(20, 1, 100, 1, 60, 0, 100, 50, &p);
	assert_true(fabs(p.expected - 60) < EPS);
	assert_true(p.on_pace);
	assert_int_equal(p.status, TARGET_ON_PACE);
	assert_true(fabs(p.progress - 0.5) < EPS);
	target_progress_compute(20, 1, 100, 1, 61, 0, 100, 50, &p);
	assert_false(p.on_pace);
	assert_int_equal(p.status, TARGET_BEHIND);
	target_progress_compute(20, 1, 100, 1, 10, 0, 100, 50, &p);
	assert_int_equal(p.status, TARGET_MET);
	assert_true(fabs(p.progress - 1.125) < EPS);

	/* target equal to the baseline: reached or not */
	target_progress_compute(5, 1, 5, 1, 5, 0, 100, 50, &p);
	assert_true(fabs(p.progress - 1) < EPS);
	assert_int_equal(p.status, TARGET_MET);
	target_progress_compute(5, 1, 5, 1, 4, 0, 100, 50, &p);
	assert_true(fabs(p.progress) < EPS);
	assert_int_equal(p.status, TARGET_BEHIND);

	/* no baseline: measured from 0, progress = current / target */
	target_progress_compute(4000, 0, 123, 1, 1000, 0, 100, 50, &p);
	assert_true(fabs(p.progress - 0.25) < EPS);
	assert_true(fabs(p.expected - 2000) < EPS);
	assert_int_equal(p.status, TARGET_BEHIND);

	/* no current value: no progress, no pace, but the line is known */
	target_progress_compute(10, 1, 2, 0, 0, 0, 100, 50, &p);
	assert_int_equal(p.status, TARGET_NO_DATA);
	assert_false(p.has_progress);
	assert_false(p.has_projected);
	assert_true(p.has_expected);
	assert_true(fabs(p.expected - 6) < EPS);

	assert_string_equal(target_status_name(TARGET_ON_PACE), "on_pace");
	assert_string_equal(target_status_name(TARGET_UNTRACKED), "untracked");
	assert_string_equal(target_status_name(99), "");
}

/* ---- on a database -------------------------------------------------------- */

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
	struct actor city, qc, org, sysadmin;
};

/* The fake statistics engine: a value per indicator, shifted at 2024. */
struct reads {
	int calls;
	char last_date[16];
	char last_measure[16];
};

static sg_err fake_reader(db_t *db, const struct actor *who, const char *indicator,
			  const char *measure, const char *region_code, const char *date,
			  struct target_reading *out, void *arg, struct err_report *er)
{
	struct reads *r = arg;

	(void)db, (void)who, (void)region_code, (void)er;
	r->calls++;
	snprintf(r->last_date, sizeof(r->last_date), "%s", date);
	snprintf(r->last_measure, sizeof(r->last_measure), "%s", measure);
	out->known = 1;
	if (!strcmp(indicator, "per_10k")) {
		out->known = 0; /* no population */
		out->value = 0;
	} else if (!strcmp(indicator, "workers_total")) {
		out->value = strcmp(date, "2024-01-01") > 0 ? 2500 : 2000;
	} else {
		out->value = strcmp(measure, "numerator") ? 50 : 7;
	}
	return SG_OK;
}

static const char *fixture_dir(void)
{
	const char *d = getenv("SHEGONG_TEST_DATA");
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/regions", d && *d ? d : "tests/data");
	return buf;
}

static void set_today(const char *date)
{
	time_t t;

	assert_int_equal(util_parse_time(date, &t), 0);
	util_set_now(t);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	char key[160];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-target-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er) ||
	    db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK ||
	    region_load(f->db, actor_system(), fixture_dir(), NULL, NULL, &res, &er)) {
		fprintf(stderr, "setup: %s\n", er.detail);
		return -1;
	}
	f->city = db_fixture_actor(4, "city", ROLE_BUREAU, "4418");
	f->qc = db_fixture_actor(2, "qc", ROLE_BUREAU, "441802");
	f->org = db_fixture_actor(5, "org", ROLE_ORG, "4418");
	f->sysadmin = db_fixture_actor(6, "root", ROLE_SYSADMIN, "");
	set_today("2026-01-01");
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

static int64_t count_audit(db_t *db, const char *action)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM audit_log WHERE action = ?");
	int64_t n = -1;

	if (!st)
		return -1;
	db_bind_text(st, 1, action, -1);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_store_and_progress(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct reads reads = { 0, "", "" };
	struct target_item_input items[4] = {
		{ .indicator = "workers_total", .has_target = 1, .target = 3000 },
		{ .indicator = "village_room_coverage", .measure = "numerator",
		  .has_target = 1, .target = 10, .has_baseline = 1, .baseline = 4,
		  .due_date = "2025-12-31" },
		{ .indicator = "per_10k", .has_target = 1, .target = 10 },
		{ .label = "在职培训率", .has_target = 1, .target = 100 },
	};
	struct target_input in = {
		.name = "清远市规划", .region_code = "4418",
		.baseline_date = "2024-01-01", .due_date = "2028-01-01",
		.nitems = 4, .items = items,
	};
	struct target_progress *p = calloc(1, sizeof(*p));
	struct target_set *s = calloc(1, sizeof(*s));
	int64_t id = 0, other = 0;

	assert_non_null(p);
	assert_non_null(s);
	assert_int_equal(target_create(f->db, &f->org, &in, fake_reader, &reads, &id, &er),
			 SG_ERR_FORBIDDEN);
	assert_int_equal(target_create(f->db, &f->qc, &in, fake_reader, &reads, &id, &er),
			 SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "region_code");
	assert_int_equal(target_create(f->db, &f->city, &in, fake_reader, &reads, &id, &er), SG_OK);
	assert_true(id > 0);
	/* baselines read for the two tracked items without one, at the baseline date */
	assert_int_equal(reads.calls, 2);
	assert_string_equal(reads.last_date, "2024-01-01");
	assert_int_equal(count_audit(f->db, "target.create"), 1);

	assert_int_equal(target_get(f->db, &f->org, id, s, &er), SG_OK);
	assert_int_equal(s->nitems, 4);
	assert_true(s->items[0].has_baseline);
	assert_true(fabs(s->items[0].baseline - 2000) < EPS);
	assert_true(fabs(s->items[1].baseline - 4) < EPS);
	assert_false(s->items[2].has_baseline); /* no population then either */
	assert_string_equal(s->items[3].indicator, "");
	assert_string_equal(s->region_name, "清远市");
	assert_int_equal(target_get(f->db, &f->qc, id, s, &er), SG_ERR_NOT_FOUND);

	/*
	 * 2026-01-01: day 731 of 1461; workers 2000 -> 2500 of 3000 is half
	 * the way but the line is a third of a worker further: behind
	 */
	reads.calls = 0;
	assert_int_equal(target_progress(f->db, &f->city, id, fake_reader, &reads, p, &er), SG_OK);
	assert_string_equal(p->today, "2026-01-01");
	assert_int_equal(reads.calls, 3);
	assert_string_equal(reads.last_date, "2026-01-01");
	assert_int_equal(p->items[0].status, TARGET_BEHIND);
	assert_true(fabs(p->items[0].progress - 0.5) < EPS);
	assert_true(fabs(p->items[0].projected - (2000 + 500.0 * 1461 / 731)) < 1e-6);
	assert_true(fabs(p->items[0].expected - (2000 + 1000.0 * 731 / 1461)) < 1e-6);
	/* rooms: due 2025-12-31 already passed, 7 of 10 */
	assert_string_equal(p->items[1].due_date, "2025-12-31");
	assert_int_equal(p->items[1].status, TARGET_BEHIND);
	assert_true(fabs(p->items[1].projected - 7) < EPS);
	assert_true(fabs(p->items[1].progress - 0.5) < EPS);
	assert_int_equal(p->items[2].status, TARGET_NO_DATA);
	assert_int_equal(p->items[3].status, TARGET_UNTRACKED);
	assert_string_equal(p->items[3].due_date, "2028-01-01");

	/* update: bad dates refused, then the name and items changed */
	in.set = TARGET_SET_DUE_DATE;
	in.due_date = "2023-01-01";
	assert_int_equal(target_update(f->db, &f->city, id, &in, fake_reader, &reads, &er),
			 SG_ERR_INVALID);
	in.set = TARGET_SET_NAME | TARGET_SET_ITEMS;
	in.name = "清远市规划（修订）";
	in.nitems = 1;
	assert_int_equal(target_update(f->db, &f->city, id, &in, fake_reader, &reads, &er), SG_OK);
	assert_int_equal(target_get(f->db, &f->city, id, s, &er), SG_OK);
	assert_string_equal(s->name, "清远市规划（修订）");
	assert_int_equal(s->nitems, 1);
	assert_string_equal(s->due_date, "2028-01-01");
	assert_int_equal(count_audit(f->db, "target.update"), 1);

	/* the list follows scope */
	assert_int_equal(target_load_example(f->db, &f->city, "zhongshan-2016-2020",
					     fake_reader, &reads, &other, &er), SG_ERR_INVALID);
	assert_int_equal(target_load_example(f->db, &f->city, "nope", fake_reader, &reads,
					     &other, &er), SG_ERR_NOT_FOUND);

	assert_int_equal(target_delete(f->db, &f->org, id, &er), SG_ERR_FORBIDDEN);
	assert_int_equal(target_delete(f->db, &f->city, id, &er), SG_OK);
	assert_int_equal(target_get(f->db, &f->sysadmin, id, s, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(count_audit(f->db, "target.delete"), 1);
	free(p);
	free(s);
}

static void test_examples(void **state)
{
	const struct target_example *zs = target_example_find("zhongshan-2016-2020");
	const struct target_example *nx = target_example_find("ningxia-2027");
	int untracked = 0;

	(void)state;
	assert_non_null(zs);
	assert_non_null(nx);
	assert_null(target_example_find("x"));
	assert_string_equal(zs->region_code, "4420");
	assert_string_equal(nx->region_code, "64");
	for (size_t i = 0; i < zs->nitems; i++) {
		if (!zs->items[i].indicator)
			untracked++;
		else
			assert_true(target_indicator_known(zs->items[i].indicator));
	}
	assert_int_equal(untracked, 2); /* training rate, influential organisations */
	for (size_t i = 0; i < nx->nitems; i++)
		assert_true(target_indicator_known(nx->items[i].indicator));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_day_numbers),
		cmocka_unit_test(test_pace_rising),
		cmocka_unit_test(test_pace_falling_and_special),
		cmocka_unit_test(test_examples),
		cmocka_unit_test_setup_teardown(test_store_and_progress, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
