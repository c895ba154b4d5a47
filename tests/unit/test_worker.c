/*
 * test_worker.c: the worker registry on a real database with the fixture
 * regions: derived sex and birth date, sealed ID numbers (absent in clear
 * from the database files), duplicates, region scope between the two
 * districts 清城 441802 and 清新 441803, roles, field errors, updates and
 * their audit records, reveal, qualifications and the computed level, and
 * the search with its filters, including Traditional/Simplified Chinese.
 */
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
#include "domain/worker.h"
#include "domain/employment.h"

/* 2026-11-22T06:00:00Z */
#define NOW ((time_t)1795327200)

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
	struct actor qc, qx, city, org, sysadmin;
};

static const char *fixture_dir(void)
{
	const char *d = getenv("SHEGONG_TEST_DATA");
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/regions", d && *d ? d : "tests/data");
	return buf;
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	struct region_load_result res;
	char key[160];

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-worker-XXXXXX");
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
	f->city = db_fixture_actor(4, "city", ROLE_BUREAU, "4418");
	f->org = db_fixture_actor(5, "org", ROLE_ORG, "441802");
	f->sysadmin = db_fixture_actor(6, "root", ROLE_SYSADMIN, "");
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

/* A valid number: region6 + YYYYMMDD + 3-digit sequence + check. */
static const char *number(const char *region6, const char *date8, int seq)
{
	static char out[8][40];
	static int next;
	char *n = out[next++ % 8];

	snprintf(n, 40, "%.6s%.8s%03d", region6, date8, seq);
	n[17] = idcard_check_char(n);
	n[18] = '\0';
	return n;
}

static struct worker_input basic(const char *name, const char *id, const char *region)
{
	struct worker_input in;

	memset(&in, 0, sizeof(in));
	in.name = name;
	in.id_number = id;
	in.region_code = region;
	in.social_work_major = -1;
	return in;
}

static int64_t create_ok(struct fixture *f, const struct actor *who,
			 const struct worker_input *in)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t id = 0;

	if (worker_create(f->db, who, in, &id, NULL, &er) != SG_OK)
		fail_msg("create %s: %s (%s: %s)", in->name, er.detail,
			 er.nfields ? er.fields[0].field : "", er.nfields ? er.fields[0].message : "");
	assert_true(id > 0);
	return id;
}

static int64_t audit_count(struct fixture *f, const char *action)
{
	db_stmt_t *st = db_prepare(f->db, "SELECT count(*) FROM audit_log WHERE action = ?");
	int64_t n = -1;

	db_bind_text(st, 1, action, -1);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void last_details(struct fixture *f, const char *action, char *out, size_t size)
{
	db_stmt_t *st = db_prepare(f->db, "SELECT details FROM audit_log WHERE action = ?"
					  " ORDER BY id DESC LIMIT 1");

	out[0] = '\0';
	db_bind_text(st, 1, action, -1);
	if (db_step(st) == DB_ROW && !db_col_is_null(st, 0))
		snprintf(out, size, "%s", db_col_text(st, 0));
	db_done(st);
}

/* The error on field, or NULL. */
static const struct err_field *field_error(const struct err_report *er, const char *field)
{
	for (size_t i = 0; i < er->nfields; i++)
		if (!strcmp(er->fields[i].field, field))
			return &er->fields[i];
	return NULL;
}

static void test_create_and_get(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	const char *codes[] = { "elderly", "youth", "elderly" };
	struct worker_input in = basic("张三", "440524188001010014", "441802006");
	struct worker w;
	int64_t id;

	in.phone = "13800138000";
	in.education = "bachelor";
	in.social_work_major = 1;
	in.org_name = "清远市社工服务中心";
	in.post = "项目主管";
	in.fields = codes;
	in.nfields = 3;
	in.has_fields = 1;
	id = create_ok(f, &f->qc, &in);

	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_string_equal(w.name, "张三");
	assert_string_equal(w.id_masked, "440524********0014");
	assert_int_equal(w.sex, IDCARD_MALE);
	assert_string_equal(w.birth_date, "1880-01-01");
	assert_string_equal(w.phone, "13800138000");
	assert_string_equal(w.education, "bachelor");
	assert_int_equal(w.social_work_major, 1);
	assert_string_equal(w.region_code, "441802006");
	assert_string_equal(w.region_name, "凤城街道");
	assert_string_equal(w.org_name, "清远市社工服务中心");
	assert_string_equal(w.status, "active");
	assert_int_equal(w.level, WORKER_LEVEL_NONE);
	assert_int_equal(w.fields, (1u << worker_field_index("elderly")) |
				   (1u << worker_field_index("youth")));
	assert_int_equal(audit_count(f, "worker.create"), 1);

	/* the API form carries the masked number only */
	{
		struct buf b = BUF_INIT(1 << 16);
		struct json_writer jw;

		jw_init(&jw, &b);
		worker_write_json(&jw, &w);
		assert_int_equal(jw_finish(&jw), 0);
		assert_non_null(strstr(buf_cstr(&b), "\"id_number\":\"440524********0014\""));
		assert_null(strstr(buf_cstr(&b), "440524188001010014"));
		assert_non_null(strstr(buf_cstr(&b),
				       "\"service_fields\":[\"elderly\",\"youth\"]"));
		buf_release(&b);
	}
}

/* 1 if the file at path contains needle. */
static int file_contains(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "rb");
	size_t n = strlen(needle), len;
	char *data;
	int found = 0;

	if (!fp)
		return 0;
	fseek(fp, 0, SEEK_END);
	len = (size_t)ftell(fp);
	fseek(fp, 0, SEEK_SET);
	data = malloc(len + 1);
	if (data && fread(data, 1, len, fp) == len)
		found = memmem(data, len, needle, n) != NULL;
	free(data);
	fclose(fp);
	return found;
}

static void test_database_never_holds_the_number(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("李四", "11010519491231002x", "441802006");
	char wal[160];

	in.org_name = "清新区社工服务中心";
	create_ok(f, &f->qc, &in);
	snprintf(wal, sizeof(wal), "%s-wal", f->path);
	assert_false(file_contains(f->path, "11010519491231002"));
	assert_false(file_contains(wal, "11010519491231002"));
	/* after a checkpoint into the main file too */
	db_close(f->db);
	assert_false(file_contains(f->path, "11010519491231002"));
	assert_true(file_contains(f->path, "110105********002X"));
	assert_true(file_contains(f->path, "清新区社工服务中心"));
	assert_int_equal(db_open(f->path, 0, &f->db, &er), SG_OK);
}

static void test_duplicates(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("王五", "11010519491231002X", "441802006");
	int64_t id = create_ok(f, &f->qc, &in), id2 = -1, existing = -1;

	/* the lower-case x is the same number */
	in.id_number = "11010519491231002x";
	assert_int_equal(worker_create(f->db, &f->qc, &in, &id2, &existing, &er),
			 SG_ERR_CONFLICT);
	assert_int_equal(existing, id);
	assert_int_equal(id2, 0);
	assert_string_equal(field_error(&er, "id_number")->code, "duplicate");
	assert_non_null(strstr(er.fields[0].message, "already registered as worker"));

	/* the neighbour district learns nothing about where */
	err_clear(&er);
	in.region_code = "441803102";
	assert_int_equal(worker_create(f->db, &f->qx, &in, &id2, &existing, &er),
			 SG_ERR_CONFLICT);
	assert_int_equal(existing, 0);
	assert_string_equal(field_error(&er, "id_number")->message,
			    "already registered in another region");
	assert_int_equal(audit_count(f, "worker.create"), 1);
}

static void test_scope(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("清城一", number("441802", "19900101", 11), "441802006");
	struct worker_input other = basic("清新一", number("441803", "19900101", 21), "441803102");
	struct worker_filter flt;
	struct worker w;
	struct qualification_input qi = { "assistant", "A2020001", "2020-06-01", NULL };
	char num[IDCARD_SIZE];
	int64_t qc_id = create_ok(f, &f->qc, &in), qx_id, total = -1, qid;

	qx_id = create_ok(f, &f->qx, &other);
	assert_int_equal(worker_get(f->db, &f->qx, qc_id, &w, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(worker_get(f->db, &f->qc, qx_id, &w, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(worker_get(f->db, &f->city, qc_id, &w, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->city, qx_id, &w, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->org, qc_id, &w, &er), SG_OK);
	assert_int_equal(worker_reveal(f->db, &f->qx, qc_id, "核对身份", num, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(worker_qualification_add(f->db, &f->qx, qc_id, &qi, &qid, &er),
			 SG_ERR_NOT_FOUND);
	in.set = WORKER_SET_POST;
	in.post = "x";
	assert_int_equal(worker_update(f->db, &f->qx, qc_id, &in, NULL, &er),
			 SG_ERR_NOT_FOUND);

	err_clear(&er);
	memset(&flt, 0, sizeof(flt));
	flt.age_min = flt.age_max = -1;
	assert_int_equal(worker_list(f->db, &f->qx, &flt, 0, 20, NULL, NULL, &total, &er), SG_OK);
	assert_int_equal(total, 1);
	assert_int_equal(worker_list(f->db, &f->city, &flt, 0, 0, NULL, NULL, &total, &er), SG_OK);
	assert_int_equal(total, 2);

	/* input outside the scope names the field */
	err_clear(&er);
	other.id_number = number("441803", "19900101", 31);
	other.region_code = "441802006";
	assert_int_equal(worker_create(f->db, &f->qx, &other, &qid, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "region_code")->code, "unknown");
	err_clear(&er);
	flt.region = "441802";
	assert_int_equal(worker_list(f->db, &f->qx, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_ERR_INVALID);
	assert_non_null(field_error(&er, "region"));
}

static void test_roles(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("赵六", number("441802", "19850505", 41), "441802006");
	int64_t id = create_ok(f, &f->qc, &in), out, total;
	const enum role refused[] = { ROLE_SYSADMIN, ROLE_SECADMIN, ROLE_AUDITOR,
				      ROLE_WORKER, ROLE_VOLUNTEER };
	struct worker_filter flt = { .age_min = -1, .age_max = -1 };
	char num[IDCARD_SIZE];
	struct worker w;

	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		struct actor a = db_fixture_actor(9, "x", refused[i],
					    refused[i] >= ROLE_BUREAU ? "441802" : "");

		assert_int_equal(worker_get(f->db, &a, id, &w, &er), SG_ERR_FORBIDDEN);
		assert_int_equal(worker_list(f->db, &a, &flt, 0, 20, NULL, NULL, &total, &er),
				 SG_ERR_FORBIDDEN);
		assert_int_equal(worker_create(f->db, &a, &in, &out, NULL, &er), SG_ERR_FORBIDDEN);
		assert_int_equal(worker_reveal(f->db, &a, id, "核对身份", num, &er),
				 SG_ERR_FORBIDDEN);
	}
}

static void test_field_errors(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	const char *codes[] = { "elderly", "astrology" };
	struct worker_input in = basic("", "440524188001010014", "4418");
	int64_t id;

	in.phone = "12345";
	in.education = "phd";
	in.status = "retired";
	in.fields = codes;
	in.nfields = 2;
	in.has_fields = 1;
	in.sex = "female";
	in.birth_date = "1880-01-02";
	assert_int_equal(worker_create(f->db, &f->qc, &in, &id, NULL, &er), SG_ERR_INVALID);
	assert_non_null(field_error(&er, "name"));
	assert_string_equal(field_error(&er, "region_code")->code, "level");
	assert_non_null(field_error(&er, "phone"));
	assert_non_null(field_error(&er, "education"));
	assert_non_null(field_error(&er, "status"));
	assert_string_equal(field_error(&er, "service_fields[1]")->code, "unknown");
	assert_string_equal(field_error(&er, "sex")->code, "mismatch");
	assert_string_equal(field_error(&er, "birth_date")->code, "mismatch");

	err_clear(&er);
	in = basic("张三", "440524188001010015", "441802999");
	assert_int_equal(worker_create(f->db, &f->qc, &in, &id, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "id_number")->message,
			    "check character should be 4");
	assert_string_equal(field_error(&er, "region_code")->code, "unknown");

	err_clear(&er);
	in = basic(NULL, NULL, NULL);
	assert_int_equal(worker_create(f->db, &f->qc, &in, &id, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "name")->code, "required");
	assert_string_equal(field_error(&er, "id_number")->code, "required");
	assert_string_equal(field_error(&er, "region_code")->code, "required");

	/* landlines and the matching sex and date are fine */
	err_clear(&er);
	in = basic("张三", "440524188001010014", "441802");
	in.phone = "0763-3388123";
	in.sex = "male";
	in.birth_date = "1880-01-01";
	assert_int_equal(worker_create(f->db, &f->qc, &in, &id, NULL, &er), SG_OK);
}

static void test_update(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("孙七", number("441802", "19920304", 51), "441802006");
	struct worker_input p;
	const char *codes[] = { "school" };
	const char *taken = number("441802", "19930101", 61);
	char details[256];
	struct worker w;
	int64_t id = create_ok(f, &f->qc, &in), existing;

	in = basic("周八", taken, "441802007");
	create_ok(f, &f->qc, &in);

	memset(&p, 0, sizeof(p));
	p.set = WORKER_SET_PHONE | WORKER_SET_POST | WORKER_SET_FIELDS | WORKER_SET_NAME;
	p.name = "孙七";
	p.phone = "13912345678";
	p.post = "督导";
	p.fields = codes;
	p.nfields = 1;
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_OK);
	last_details(f, "worker.update", details, sizeof(details));
	assert_string_equal(details, "{\"fields\":[\"phone\",\"post\",\"service_fields\"]}");
	assert_int_equal(audit_count(f, "worker.update"), 1);
	/* the same values again change nothing and are not audited */
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_OK);
	assert_int_equal(audit_count(f, "worker.update"), 1);

	/* a new ID number re-derives sex and birth date */
	memset(&p, 0, sizeof(p));
	p.set = WORKER_SET_ID_NUMBER;
	p.id_number = number("441802", "19950607", 72);
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_string_equal(w.birth_date, "1995-06-07");
	assert_int_equal(w.sex, IDCARD_FEMALE);
	last_details(f, "worker.update", details, sizeof(details));
	assert_string_equal(details, "{\"fields\":[\"id_number\",\"sex\",\"birth_date\"]}");

	/* someone else's number, a bad one, a sex that does not agree */
	p.id_number = taken;
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, &existing, &er), SG_ERR_CONFLICT);
	assert_true(existing > 0 && existing != id);
	err_clear(&er);
	p.id_number = "440524188001010015";
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_ERR_INVALID);
	err_clear(&er);
	memset(&p, 0, sizeof(p));
	p.set = WORKER_SET_SEX | WORKER_SET_STATUS | WORKER_SET_NAME;
	p.sex = "male";
	p.status = "left";
	p.name = NULL;
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "sex")->code, "mismatch");
	assert_string_equal(field_error(&er, "name")->code, "required");

	err_clear(&er);
	p.set = WORKER_SET_STATUS | WORKER_SET_REGION;
	p.region_code = "441803102";
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "region_code")->code, "unknown");
	err_clear(&er);
	p.set = WORKER_SET_STATUS;
	assert_int_equal(worker_update(f->db, &f->qc, id, &p, NULL, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_string_equal(w.status, "left");
}

static void test_reveal(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("吴九", "11010519491231002x", "441802006");
	char num[IDCARD_SIZE], details[512];
	int64_t id = create_ok(f, &f->qc, &in);

	assert_int_equal(worker_reveal(f->db, &f->qc, id, NULL, num, &er), SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "reason")->code, "required");
	err_clear(&er);
	assert_int_equal(worker_reveal(f->db, &f->qc, id, "x", num, &er), SG_ERR_INVALID);
	assert_string_equal(num, "");
	assert_int_equal(audit_count(f, "worker.reveal"), 0);

	err_clear(&er);
	assert_int_equal(worker_reveal(f->db, &f->qc, id, "核对\"登记\"材料", num, &er), SG_OK);
	assert_string_equal(num, "11010519491231002X");
	assert_int_equal(worker_reveal(f->db, &f->org, id, "发放补贴", num, &er), SG_OK);
	assert_int_equal(audit_count(f, "worker.reveal"), 2);
	last_details(f, "worker.reveal", details, sizeof(details));
	assert_string_equal(details, "{\"reason\":\"发放补贴\"}");
	assert_null(strstr(details, "1101051949"));
}

static void test_qualifications_and_level(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("郑十", number("441802", "19880808", 81), "441802006");
	struct qualification_input a = { "assistant", "A2015440001", "2015-06-20", "人社部" };
	struct qualification_input s = { "senior", "S2024440001", "2024-06-20", NULL };
	struct worker w;
	int64_t id = create_ok(f, &f->qc, &in), qa, qs, q;

	assert_int_equal(worker_qualification_add(f->db, &f->org, id, &a, &qa, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_int_equal(w.level, WORKER_LEVEL_ASSISTANT);
	assert_int_equal(worker_qualification_add(f->db, &f->qc, id, &s, &qs, &er), SG_OK);
	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_int_equal(w.level, WORKER_LEVEL_SENIOR);

	/* a management number is unique; dates and levels are checked */
	assert_int_equal(worker_qualification_add(f->db, &f->qc, id, &s, &q, &er),
			 SG_ERR_CONFLICT);
	assert_string_equal(field_error(&er, "certificate_no")->code, "duplicate");
	err_clear(&er);
	s.certificate_no = "S2027440001";
	s.passed_on = "2026-11-23";
	s.level = "none";
	assert_int_equal(worker_qualification_add(f->db, &f->qc, id, &s, &q, &er),
			 SG_ERR_INVALID);
	assert_string_equal(field_error(&er, "passed_on")->code, "future");
	assert_non_null(field_error(&er, "level"));

	/* only a bureau removes; history stays, the level follows */
	err_clear(&er);
	assert_int_equal(worker_qualification_remove(f->db, &f->org, id, qs, &er),
			 SG_ERR_FORBIDDEN);
	assert_int_equal(worker_qualification_remove(f->db, &f->qx, id, qs, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(worker_qualification_remove(f->db, &f->qc, id, qs, &er), SG_OK);
	assert_int_equal(worker_qualification_remove(f->db, &f->qc, id, qs, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(worker_get(f->db, &f->qc, id, &w, &er), SG_OK);
	assert_int_equal(w.level, WORKER_LEVEL_ASSISTANT);
	assert_int_equal(audit_count(f, "worker.qualification_add"), 2);
	assert_int_equal(audit_count(f, "worker.qualification_remove"), 1);
	/* a removed number may be entered again */
	s.level = "senior";
	s.passed_on = "2024-06-20";
	s.certificate_no = "S2024440001";
	err_clear(&er);
	assert_int_equal(worker_qualification_add(f->db, &f->qc, id, &s, &q, &er), SG_OK);
}

/* Collects ids from worker_list(). */
struct ids {
	int64_t id[32];
	int n;
};

static int collect(const struct worker *w, void *arg)
{
	struct ids *ids = arg;

	if (ids->n < 32)
		ids->id[ids->n++] = w->id;
	return 0;
}

static int64_t search(struct fixture *f, const struct actor *who,
		      const struct worker_filter *flt, struct ids *ids)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t total = -1;

	memset(ids, 0, sizeof(*ids));
	if (worker_list(f->db, who, flt, 0, 20, collect, ids, &total, &er) != SG_OK)
		fail_msg("list: %s %s", er.detail, er.nfields ? er.fields[0].field : "");
	return total;
}

static void test_search(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct buf b = BUF_INIT(1024);
	struct worker_input in;
	struct worker_filter flt;
	struct ids ids;
	const char *elderly[] = { "elderly" };
	struct qualification_input qi = { "intermediate", "ZJ2019440123", "2019-06-20", NULL };
	int64_t a, b2, c, q, total;

	assert_int_equal(worker_simplify("清遠市社工服務中心", &b), 0);
	assert_string_equal(buf_cstr(&b), "清远市社工服务中心");
	buf_release(&b);

	in = basic("陈清远", number("441802", "19960101", 91), "441802006");
	in.org_name = "清远市社工服务中心";
	in.education = "bachelor";
	in.fields = elderly;
	in.nfields = 1;
	in.has_fields = 1;
	a = create_ok(f, &f->qc, &in);
	util_set_now(NOW + 10);
	in = basic("林美玲", number("441802", "19700101", 92), "441802103");
	in.org_name = "英德市啟明社會工作服務中心";
	in.education = "master";
	b2 = create_ok(f, &f->qc, &in);
	util_set_now(NOW + 20);
	in = basic("黄一", number("441803", "20000101", 93), "441803102");
	in.org_name = "清远市社工服务中心";
	c = create_ok(f, &f->qx, &in);
	assert_int_equal(worker_qualification_add(f->db, &f->qc, a, &qi, &q, &er), SG_OK);

	memset(&flt, 0, sizeof(flt));
	flt.age_min = flt.age_max = -1;
	/* newest first by default */
	assert_int_equal(search(f, &f->city, &flt, &ids), 3);
	assert_int_equal(ids.id[0], c);
	assert_int_equal(ids.id[2], a);

	/*
	 * Traditional query, one or two characters: the name and its initials
	 * through worker_grams, so 黄一's organisation (清远市…) is not a match
	 * and the others' names are not; with another filter, a join.
	 */
	flt.q = "清遠";
	assert_int_equal(search(f, &f->qc, &flt, &ids), 1);
	assert_int_equal(ids.id[0], a);
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.q = "遠";
	flt.education = "bachelor";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	assert_int_equal(ids.id[0], a);
	flt.education = "master";
	assert_int_equal(search(f, &f->city, &flt, &ids), 0);
	flt.education = NULL;
	flt.q = "CQ";
	flt.level = "intermediate";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.level = "assistant";
	assert_int_equal(search(f, &f->city, &flt, &ids), 0);
	flt.level = NULL;
	flt.sort = "name";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.sort = NULL;
	/* three or more: the trigram index, in either direction */
	flt.q = "清遠市社工";
	assert_int_equal(search(f, &f->city, &flt, &ids), 2);
	flt.q = "启明社会";
	assert_int_equal(search(f, &f->qc, &flt, &ids), 1);
	assert_int_equal(ids.id[0], b2);
	flt.q = " 2019440 ";
	assert_int_equal(search(f, &f->qc, &flt, &ids), 1);
	flt.q = "美";
	assert_int_equal(search(f, &f->qc, &flt, &ids), 1);
	flt.q = "100%";
	assert_int_equal(search(f, &f->qc, &flt, &ids), 0);
	flt.q = NULL;

	flt.level = "intermediate";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.level = "none";
	assert_int_equal(search(f, &f->city, &flt, &ids), 2);
	flt.level = NULL;
	flt.field = "elderly";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.field = NULL;
	flt.education = "master";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	assert_int_equal(ids.id[0], b2);
	flt.education = NULL;
	flt.org = "英德";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.org = NULL;
	flt.region = "441802103";
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	flt.region = NULL;

	/* ages on 2026-11-22: 30, 56, 26 */
	flt.age_min = 30;
	assert_int_equal(search(f, &f->city, &flt, &ids), 2);
	flt.age_max = 30;
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	assert_int_equal(ids.id[0], a);
	flt.age_min = flt.age_max = -1;

	flt.sort = "name";
	flt.id_number = number("441802", "19700101", 92);
	assert_int_equal(search(f, &f->city, &flt, &ids), 1);
	assert_int_equal(ids.id[0], b2);
	flt.id_number = NULL;
	flt.sort = "-level";
	assert_int_equal(search(f, &f->city, &flt, &ids), 3);
	assert_int_equal(ids.id[0], a);

	flt.sort = "age";
	flt.level = "expert";
	flt.q = "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十"
		"一二三四五六七八九十一二三四五六七八九十一";
	assert_int_equal(worker_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_ERR_INVALID);
	assert_non_null(field_error(&er, "sort"));
	assert_non_null(field_error(&er, "level"));
	assert_string_equal(field_error(&er, "q")->code, "too_long");
}

/*
 * Pinyin initials are in the search text (zsf finds 张三丰), and rows
 * written before that layout are caught up once by the reindex, which a
 * second run leaves alone.
 */
static void test_pinyin_and_reindex(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("张三丰", number("440524", "19700303", 7), "441802");
	struct worker_filter flt;
	int64_t id, total = 0, done = -1;
	db_stmt_t *st;

	id = create_ok(f, &f->qc, &in);
	memset(&flt, 0, sizeof(flt));
	flt.age_min = flt.age_max = -1;
	flt.q = "zsf";
	assert_int_equal(worker_list(f->db, &f->qc, &flt, 0, 20, NULL, NULL, &total, &er), SG_OK);
	assert_int_equal(total, 1);

	/* an old row: the name only, and no version recorded */
	assert_int_equal(db_exec(f->db, "UPDATE workers SET search_text = '张三丰'"), 0);
	assert_int_equal(db_exec(f->db, "DELETE FROM settings WHERE key LIKE 'worker.search%'"), 0);
	assert_int_equal(worker_list(f->db, &f->qc, &flt, 0, 20, NULL, NULL, &total, &er), SG_OK);
	assert_int_equal(total, 0);
	assert_int_equal(worker_search_reindex(f->db, &done, &er), SG_OK);
	assert_int_equal(done, 1);
	assert_int_equal(worker_list(f->db, &f->qc, &flt, 0, 20, NULL, NULL, &total, &er), SG_OK);
	assert_int_equal(total, 1);
	assert_int_equal(worker_search_reindex(f->db, &done, &er), SG_OK);
	assert_int_equal(done, 0);
	st = db_prepare(f->db, "SELECT search_text FROM workers WHERE id = ?");
	db_bind_int(st, 1, id);
	assert_int_equal(db_step(st), DB_ROW);
	assert_non_null(strstr(db_col_text(st, 0), "\nzsf\n"));
	db_done(st);
}

/*
 * The import's employment_upsert_in_tx: inserted, then unchanged, then
 * updated on the natural key (worker, org_name, started_on); the worker's
 * current organisation follows inside the caller's transaction; bad input
 * writes nothing; a worker out of scope is not found.
 */
static void test_employment_upsert(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in = basic("李雷", number("440524", "19800808", 9), "441802");
	struct employment_input e = { .org_name = "阳光社工", .post = "社工",
				      .started_on = "2019-05-01" };
	struct worker *w = malloc(sizeof(*w));
	int64_t id;
	int outcome = 0;

	id = create_ok(f, &f->qc, &in);
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(employment_upsert_in_tx(f->db, &f->qc, id, &e, &outcome, &er), SG_OK);
	assert_int_equal(outcome, EMPLOYMENT_UPSERT_INSERTED);
	assert_int_equal(employment_upsert_in_tx(f->db, &f->qc, id, &e, &outcome, &er), SG_OK);
	assert_int_equal(outcome, EMPLOYMENT_UPSERT_UNCHANGED);
	e.post = "督导";
	assert_int_equal(employment_upsert_in_tx(f->db, &f->qc, id, &e, &outcome, &er), SG_OK);
	assert_int_equal(outcome, EMPLOYMENT_UPSERT_UPDATED);
	e.started_on = "2999-01-01";
	assert_int_equal(employment_upsert_in_tx(f->db, &f->qc, id, &e, &outcome, &er),
			 SG_ERR_INVALID);
	assert_int_equal(outcome, 0);
	er = (struct err_report)ERR_REPORT_INIT;
	e.started_on = "2019-05-01";
	assert_int_equal(employment_upsert_in_tx(f->db, &f->qx, id, &e, &outcome, &er),
			 SG_ERR_NOT_FOUND);
	er = (struct err_report)ERR_REPORT_INIT;
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(worker_get(f->db, &f->qc, id, w, &er), SG_OK);
	assert_string_equal(w->org_name, "阳光社工");
	assert_string_equal(w->post, "督导");
	assert_int_equal(audit_count(f, "worker.employment_add"), 0);
	free(w);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_database_never_holds_the_number, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_field_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_update, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reveal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_qualifications_and_level, setup, teardown),
		cmocka_unit_test_setup_teardown(test_search, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pinyin_and_reindex, setup, teardown),
		cmocka_unit_test_setup_teardown(test_employment_upsert, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
