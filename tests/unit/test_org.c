/*
 * test_org.c: organisations on a real database with the fixture regions:
 * create with the credit-code check (expected character named, override
 * with a reason), duplicates, region scope between 441802 and 441803,
 * updates that list only changed columns, the import upsert keyed by the
 * credit code (inserted, unchanged, updated, refused outside the scope,
 * the same checks as create), grades from the default cut-offs and the
 * five-year validity against a pinned today, and the cut-offs setting
 * (sysadmin only, strictly falling, audited).
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
#include "domain/creditcode.h"
#include "domain/org.h"
#include "domain/region.h"

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
	struct actor qc, qx, org;
};

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

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-org-XXXXXX");
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
	f->qc = db_fixture_actor(2, "qc", ROLE_BUREAU, "441802");
	f->qx = db_fixture_actor(3, "qx", ROLE_BUREAU, "441803");
	f->org = db_fixture_actor(5, "org", ROLE_ORG, "441802");
	set_today("2026-11-22");
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

/* A valid code of a social service organisation (52) in county, serial n. */
static void make_code(char out[CREDITCODE_SIZE], const char *county, int n)
{
	char first17[18];

	snprintf(first17, sizeof(first17), "52%s%08dX", county, n);
	memcpy(out, first17, 17);
	out[17] = creditcode_check_char(first17);
	out[18] = '\0';
}

static struct org_input base(const char *name, const char *code, const char *region)
{
	struct org_input in;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.credit_code = code;
	in.type = "private_non_enterprise";
	in.region_code = region;
	return in;
}

static const struct err_field *field_error(const struct err_report *er, const char *field)
{
	for (size_t i = 0; i < er->nfields; i++)
		if (!strcmp(er->fields[i].field, field))
			return &er->fields[i];
	return NULL;
}

static int64_t count_rows(db_t *db, const char *sql)
{
	db_stmt_t *st = db_prepare(db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_create_check_and_override(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char code[CREDITCODE_SIZE], bad[CREDITCODE_SIZE];
	struct org_input in;
	struct org o;
	const struct err_field *fe;
	int64_t id = 0;

	make_code(code, "441802", 1);
	memcpy(bad, code, sizeof(bad));
	bad[17] = bad[17] == '0' ? '1' : '0';
	in = base("清城区阳光社工服务中心", bad, "441802");
	assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_ERR_INVALID);
	fe = field_error(&er, "credit_code");
	assert_non_null(fe);
	assert_string_equal(fe->code, "invalid_check");
	assert_non_null(strchr(fe->message, code[17]));

	err_clear(&er);
	in.credit_override_reason = "1998 年登记的旧证号";
	assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_OK);
	assert_int_equal(org_get(f->db, &f->qc, id, &o, &er), SG_OK);
	assert_string_equal(o.credit_code, bad);
	assert_string_equal(o.authority, "civil_affairs");
	assert_string_equal(o.status, "active");

	/* lower case is stored upper case; the same code again is a conflict */
	err_clear(&er);
	{
		char lower[CREDITCODE_SIZE];

		make_code(code, "441802", 2);
		for (int i = 0; i < CREDITCODE_SIZE; i++)
			lower[i] = code[i] >= 'A' && code[i] <= 'Z' ? (char)(code[i] + 32) : code[i];
		in = base("另一家机构", lower, "441802");
		assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_OK);
		assert_int_equal(org_get(f->db, &f->qc, id, &o, &er), SG_OK);
		assert_string_equal(o.credit_code, code);
		err_clear(&er);
		in.credit_code = code;
		assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_ERR_CONFLICT);
	}
}

static void test_scope_and_roles(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char code[CREDITCODE_SIZE];
	struct org_input in;
	struct org o;
	int64_t id = 0, other;

	make_code(code, "441802", 10);
	in = base("清城机构", code, "441802");
	assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_OK);
	assert_int_equal(org_get(f->db, &f->qx, id, &o, &er), SG_ERR_NOT_FOUND);
	err_clear(&er);
	make_code(code, "441802", 11);
	in = base("越界机构", code, "441802");
	assert_int_not_equal(org_create(f->db, &f->qx, &in, &other, &er), SG_OK);
	assert_non_null(field_error(&er, "region_code"));
	err_clear(&er);
	assert_int_equal(org_create(f->db, &f->org, &in, &other, &er), SG_ERR_FORBIDDEN);
	err_clear(&er);
	assert_int_equal(org_get(f->db, &f->org, id, &o, &er), SG_OK);
}

static void test_update_lists_changed_fields(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char code[CREDITCODE_SIZE];
	struct org_input in, up;
	struct org o;
	int64_t id = 0;

	make_code(code, "441802", 20);
	in = base("改名前", code, "441802");
	in.address = "清城区一号";
	assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_OK);
	memset(&up, 0, sizeof(up));
	up.name = "改名后";
	up.address = "清城区一号";
	assert_int_equal(org_update(f->db, &f->qc, id, &up, &er), SG_OK);
	assert_int_equal(org_get(f->db, &f->qc, id, &o, &er), SG_OK);
	assert_string_equal(o.name, "改名后");
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit_log WHERE action = 'org.update'"
				   " AND details = '{\"fields\":[\"name\"]}'"), 1);
	/* the same values again: nothing written, nothing audited */
	assert_int_equal(org_update(f->db, &f->qc, id, &up, &er), SG_OK);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit_log WHERE action = 'org.update'"), 1);
}

static void test_upsert_in_tx(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char code[CREDITCODE_SIZE], bad[CREDITCODE_SIZE];
	enum org_upsert_outcome out;
	struct org_input in;
	struct org o;
	int64_t id = 0, id2 = 0;
	int64_t audits;

	make_code(code, "441802", 30);
	in = base("导入机构", code, "441802");
	audits = count_rows(f->db, "SELECT count(*) FROM audit_log");
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(org_upsert_in_tx(f->db, &f->qc, &in, &out, &id, &er), SG_OK);
	assert_int_equal(out, ORG_UPSERT_INSERTED);
	assert_int_equal(org_upsert_in_tx(f->db, &f->qc, &in, &out, &id2, &er), SG_OK);
	assert_int_equal(out, ORG_UPSERT_UNCHANGED);
	assert_int_equal(id2, id);
	in.legal_rep = "王五";
	assert_int_equal(org_upsert_in_tx(f->db, &f->qc, &in, &out, &id2, &er), SG_OK);
	assert_int_equal(out, ORG_UPSERT_UPDATED);
	assert_int_equal(id2, id);

	/* the same checks as create: a failing check character is refused */
	memcpy(bad, code, sizeof(bad));
	make_code(bad, "441802", 31);
	bad[17] = bad[17] == '0' ? '1' : '0';
	in = base("坏码机构", bad, "441802");
	assert_int_equal(org_upsert_in_tx(f->db, &f->qc, &in, &out, &id2, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "credit_code")->code, "invalid_check");
	err_clear(&er);

	/* a code on record outside the scope is refused, not updated */
	in = base("外区导入", code, "441803");
	assert_int_equal(org_upsert_in_tx(f->db, &f->qx, &in, &out, &id2, &er), SG_ERR_INVALID);
	assert_non_null(field_error(&er, "credit_code"));
	err_clear(&er);
	assert_int_equal(db_commit(f->db), 0);

	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit_log"), audits);
	assert_int_equal(org_find_by_credit_code(f->db, &f->qc, code, &o, &er), SG_OK);
	assert_string_equal(o.legal_rep, "王五");
	assert_string_equal(o.name, "导入机构");
	assert_int_equal(org_find_by_credit_code(f->db, &f->qx, code, &o, &er), SG_ERR_NOT_FOUND);
}

static void test_ratings(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	char code[CREDITCODE_SIZE];
	struct org_rating_input r = { 0 };
	struct org_rating *items = NULL;
	struct org_input in;
	struct org o;
	size_t n = 0;
	int64_t id = 0, rid;
	int grade = -1;

	assert_int_equal(org_grade_for_score(f->db, 900, &grade, &er), SG_OK);
	assert_int_equal(grade, 5);
	assert_int_equal(org_grade_for_score(f->db, 899.5, &grade, &er), SG_OK);
	assert_int_equal(grade, 4);
	assert_int_equal(org_grade_for_score(f->db, 499, &grade, &er), SG_OK);
	assert_int_equal(grade, 0);

	make_code(code, "441802", 40);
	in = base("评估机构", code, "441802");
	assert_int_equal(org_create(f->db, &f->qc, &in, &id, &er), SG_OK);
	r.score = 765;
	r.evaluated_on = "2021-11-21";
	assert_int_equal(org_rating_add(f->db, &f->qc, id, &r, &rid, &er), SG_OK);
	assert_int_equal(org_ratings(f->db, &f->qc, id, &items, &n, &er), SG_OK);
	assert_int_equal(n, 1);
	assert_int_equal(items[0].grade, 3);
	assert_string_equal(items[0].valid_until, "2026-11-21");
	assert_int_equal(items[0].expired, 1);
	free(items);
	assert_int_equal(org_get(f->db, &f->qc, id, &o, &er), SG_OK);
	assert_int_equal(o.grade, 3);
	assert_int_equal(o.grade_expired, 1);
	set_today("2026-11-21");
	assert_int_equal(org_get(f->db, &f->qc, id, &o, &er), SG_OK);
	assert_int_equal(o.grade_expired, 0);
}

static void test_cutoffs_setting(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct actor admin = db_fixture_actor(6, "root", ROLE_SYSADMIN, "");
	int least[5], wrong[5] = { 950, 800, 800, 600, 500 }, local[5] = { 950, 850, 750, 650, 550 };
	int grade = -1;

	assert_int_equal(org_cutoffs_get(f->db, least, &er), SG_OK);
	assert_int_equal(least[0], 900);
	assert_int_equal(least[4], 500);
	assert_int_equal(org_cutoffs_set(f->db, &f->qc, local, &er), SG_ERR_FORBIDDEN);
	err_clear(&er);
	assert_int_equal(org_cutoffs_set(f->db, &admin, wrong, &er), SG_ERR_INVALID);
	assert_non_null(field_error(&er, "grade3"));
	err_clear(&er);
	assert_int_equal(org_cutoffs_set(f->db, &admin, local, &er), SG_OK);
	assert_int_equal(org_cutoffs_get(f->db, least, &er), SG_OK);
	assert_int_equal(least[1], 850);
	assert_int_equal(org_grade_for_score(f->db, 920, &grade, &er), SG_OK);
	assert_int_equal(grade, 4);
	assert_int_equal(count_rows(f->db, "SELECT count(*) FROM audit_log WHERE action ="
				   " 'setting.update' AND object_id = 'org_rating.cutoffs'"), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_check_and_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_and_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update_lists_changed_fields, setup, teardown),
		cmocka_unit_test_setup_teardown(test_upsert_in_tx, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ratings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cutoffs_setting, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
