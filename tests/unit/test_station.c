/*
 * test_station.c: stations, posts and coverage on a real database with the
 * fixture regions: the six-haves rule, the tier's region level, one active
 * station per region unless a reason is given, the import upsert, and the
 * coverage counts the triggers keep, compared with a fresh count after a
 * long random run of opening, moving, closing, filling and vacating.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "db_fixture.h"
#include "core/util.h"
#include "domain/coverage.h"
#include "domain/idcard.h"
#include "domain/post.h"
#include "domain/station.h"
#include "domain/stats.h"
#include "domain/worker.h"

struct fixture {
	struct db_fixture db;
	struct actor qc, org;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	if (!f || db_fixture_open(&f->db))
		return -1;
	f->qc = db_fixture_actor(2, "qc", ROLE_BUREAU, "441802");
	f->org = db_fixture_actor(5, "org", ROLE_ORG, "441802");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int rc = db_fixture_close(&f->db);

	free(f);
	return rc;
}

static struct station_input town_station(const char *name, const char *region)
{
	struct station_input in;

	station_input_init(&in);
	in.name = name;
	in.tier = "station";
	in.region_code = region;
	return in;
}

static void test_haves_rule(void **state)
{
	struct station s;
	struct station_haves h;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(station_haves_of(&s, &h), 0);
	s.site_area = 80;
	s.has_equipment = 1;
	s.staff_count = 3;
	assert_int_equal(station_haves_of(&s, &h), 2);
	assert_false(h.staff); /* staff without a resident social worker */
	s.resident_workers = 1;
	util_strlcpy(s.projects, "长者饭堂", sizeof(s.projects)); /* a project alone is a service function */
	s.has_procedures = 1;
	s.has_rules = 1;
	assert_int_equal(station_haves_of(&s, &h), 6);
	assert_true(h.functions);
	assert_int_equal(station_tier_level(station_tier_from_name("centre")), REGION_COUNTY);
	assert_int_equal(station_tier_level(station_tier_from_name("station")), REGION_TOWN);
	assert_int_equal(station_tier_level(station_tier_from_name("room")), REGION_VILLAGE);
	assert_int_equal(station_tier_from_name("hub"), 0);
}

static void test_level_and_one_per_region(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct station_input in = town_station("错层级", "441802");
	struct station s;
	int64_t id, id2;

	assert_int_equal(station_create(f->db.db, &f->qc, &in, &id, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "region_code");
	assert_string_equal(er.fields[0].code, "wrong_level");
	err_clear(&er);
	in = town_station("凤城街道社工站", "441802006");
	in.site_area = 100;
	in.has_equipment = 1;
	in.staff_count = 2;
	in.resident_workers = 1;
	in.projects = "个案";
	in.has_procedures = 1;
	in.has_rules = 1;
	assert_int_equal(station_create(f->db.db, &f->qc, &in, &id, &er), SG_OK);
	assert_int_equal(station_get(f->db.db, &f->qc, id, &s, &er), SG_OK);
	assert_true(s.up_to_standard);
	in = town_station("第二站", "441802006");
	assert_int_equal(station_create(f->db.db, &f->qc, &in, &id2, &er), SG_ERR_CONFLICT);
	assert_string_equal(er.fields[0].code, "taken");
	err_clear(&er);
	in.duplicate_reason = "人口多";
	assert_int_equal(station_create(f->db.db, &f->qc, &in, &id2, &er), SG_OK);
	/* org accounts read but never write */
	in = town_station("机构建站", "441802007");
	assert_int_equal(station_create(f->db.db, &f->org, &in, &id2, &er), SG_ERR_FORBIDDEN);
}

static void test_upsert(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct station_input in = town_station("东城街道社工站", "441802007");
	enum station_upsert_outcome out;
	int64_t id, again;

	assert_int_equal(db_begin(f->db.db), 0);
	assert_int_equal(station_upsert_in_tx(f->db.db, &f->qc, &in, &out, &id, &er), SG_OK);
	assert_int_equal(out, STATION_UPSERT_INSERTED);
	assert_int_equal(station_upsert_in_tx(f->db.db, &f->qc, &in, &out, &again, &er), SG_OK);
	assert_int_equal(out, STATION_UPSERT_UNCHANGED);
	assert_int_equal(again, id);
	in.staff_count = 5;
	assert_int_equal(station_upsert_in_tx(f->db.db, &f->qc, &in, &out, &again, &er), SG_OK);
	assert_int_equal(out, STATION_UPSERT_UPDATED);
	/* a second active station in a file is a bad row, not a conflict */
	in = town_station("东城街道另一站", "441802007");
	assert_int_equal(station_upsert_in_tx(f->db.db, &f->qc, &in, &out, &again, &er),
			 SG_ERR_INVALID);
	assert_int_equal(db_commit(f->db.db), 0);
}

/* A valid ID number of 441802, born 1990, serial n. */
static void id_number(char out[19], int n)
{
	snprintf(out, 19, "44180219900101%03d", n);
	out[17] = idcard_check_char(out);
	out[18] = '\0';
}

static void test_counts_follow_random_changes(void **state)
{
	static const char *const towns[] = { "441802006", "441802007", "441802008" };
	static const char *const villages[] = {
		"441802006001", "441802006002", "441802006003", "441802006004",
	};
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	int64_t stations[12], posts[6], workers[6], mismatches;
	struct coverage c;
	unsigned seed = 20261122;

	for (int i = 0; i < 12; i++) {
		struct station_input in;
		char name[32];

		station_input_init(&in);
		snprintf(name, sizeof(name), "站%d", i);
		in.name = name;
		in.tier = i % 2 ? "room" : "station";
		in.region_code = i % 2 ? villages[i % 4] : towns[i % 3];
		in.duplicate_reason = "测试";
		assert_int_equal(station_create(f->db.db, &f->qc, &in, &stations[i], &er), SG_OK);
	}
	for (int i = 0; i < 6; i++) {
		struct worker_input w;
		struct post_input p;
		char id[19], name[16];

		memset(&w, 0, sizeof(w));
		id_number(id, i + 1);
		snprintf(name, sizeof(name), "社工%d", i);
		w.name = name;
		w.id_number = id;
		w.region_code = "441802";
		w.social_work_major = -1;
		assert_int_equal(worker_create(f->db.db, &f->qc, &w, &workers[i], NULL, &er), SG_OK);
		post_input_init(&p);
		p.title = name;
		p.unit_type = "community";
		p.field = "community";
		p.region_code = villages[i % 4];
		assert_int_equal(post_create(f->db.db, &f->qc, &p, &posts[i], &er), SG_OK);
	}
	for (int step = 0; step < 300; step++) {
		unsigned r = (unsigned)rand_r(&seed);
		int i = (int)(r % 12), k = (int)(r % 6);

		err_clear(&er);
		switch (r % 5) {
		case 0: {
			struct station_input in;

			station_input_init(&in);
			in.status = (r >> 8) % 2 ? "active" : "closed";
			station_update(f->db.db, &f->qc, stations[i], &in, &er);
			break;
		}
		case 1: {
			struct station_input in;

			station_input_init(&in);
			in.region_code = i % 2 ? villages[(r >> 8) % 4] : towns[(r >> 8) % 3];
			station_update(f->db.db, &f->qc, stations[i], &in, &er);
			break;
		}
		case 2: {
			struct station_input in;

			station_input_init(&in);
			in.site_area = (r >> 8) % 2 ? 50 : 0;
			in.has_equipment = in.has_rules = in.has_procedures = 1;
			in.staff_count = in.resident_workers = 1;
			in.projects = "服务";
			station_update(f->db.db, &f->qc, stations[i], &in, &er);
			break;
		}
		case 3:
			post_fill(f->db.db, &f->qc, posts[k], workers[(r >> 8) % 6], "2026-01-01", &er);
			break;
		default:
			post_vacate(f->db.db, &f->qc, posts[k], "2026-01-01", &er);
			break;
		}
		assert_int_equal(stats_check(f->db.db, &mismatches, &er), SG_OK);
		assert_int_equal(mismatches, 0);
	}
	/* and what coverage reports is those counts */
	assert_int_equal(coverage_get(f->db.db, &f->qc, "441802", &c, &er), SG_OK);
	assert_int_equal(c.towns.total, 10);
	assert_int_equal(c.villages.total, 28);
	assert_true(c.towns.covered <= 3 && c.villages.covered <= 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_haves_rule),
		cmocka_unit_test_setup_teardown(test_level_and_one_per_region, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upsert, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counts_follow_random_changes, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
