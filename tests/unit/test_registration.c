/*
 * test_registration.c: the registration cycle (登记) on a real database with
 * the fixture regions: calendar arithmetic, every action from every state
 * (allowed, or 409 naming the state), roles and the separation of the two
 * reviews, reasons, the first-registration deadline (day 364/365/366 after
 * passing, across a leap year), the renewal window (3 months before expiry,
 * a day earlier, the expiry day, a day later), the continuing-education
 * setting, editing only in the first two states, one open application,
 * certificate numbers, scope between 441802 and 441803, the worker's
 * registration columns, audit records, and the two certificate lookups.
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
#include "domain/registration.h"
#include "domain/worker.h"

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
	struct actor qc, qc2, qx, city, org, sysadmin;
	int seq;
};

static const char *fixture_dir(void)
{
	const char *d = getenv("SHEGONG_TEST_DATA");
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/regions", d && *d ? d : "tests/data");
	return buf;
}

/* Pin "today" in China to date (08:00 there). */
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

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-reg-XXXXXX");
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
	f->qc2 = db_fixture_actor(7, "qc2", ROLE_BUREAU, "441802");
	f->qx = db_fixture_actor(3, "qx", ROLE_BUREAU, "441803");
	f->city = db_fixture_actor(4, "city", ROLE_BUREAU, "4418");
	f->org = db_fixture_actor(5, "org", ROLE_ORG, "441802");
	f->sysadmin = db_fixture_actor(6, "root", ROLE_SYSADMIN, "");
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

static const char *detail_of(const struct err_report *er)
{
	static char out[900];

	snprintf(out, sizeof(out), "%s (%s: %s %s)", er->detail,
		 er->nfields ? er->fields[0].field : "", er->nfields ? er->fields[0].code : "",
		 er->nfields ? er->fields[0].message : "");
	return out;
}

static const struct err_field *field_error(const struct err_report *er, const char *field)
{
	for (size_t i = 0; i < er->nfields; i++)
		if (!strcmp(er->fields[i].field, field))
			return &er->fields[i];
	return NULL;
}

/*
 * A worker in region with one qualification of level passed on passed_on
 * (the clock is moved to passed_on for the entry and put back to
 * 2026-11-22); *qid gets the qualification.
 */
static int64_t worker_with_qual(struct fixture *f, const char *region, const char *level,
				const char *passed_on, int64_t *qid)
{
	struct err_report er = ERR_REPORT_INIT;
	struct worker_input in;
	struct qualification_input q;
	char idn[40], cert[24];
	int64_t id = 0;

	f->seq++;
	snprintf(idn, sizeof(idn), "%.6s19900101%03d", region, f->seq % 1000);
	idn[17] = idcard_check_char(idn);
	idn[18] = '\0';
	memset(&in, 0, sizeof(in));
	in.name = "张三";
	in.id_number = idn;
	in.region_code = region;
	in.social_work_major = -1;
	set_today("2026-11-22");
	if (worker_create(f->db, actor_system(), &in, &id, NULL, &er) != SG_OK)
		fail_msg("worker: %s", detail_of(&er));
	snprintf(cert, sizeof(cert), "ZS%06d", f->seq);
	q.level = level;
	q.certificate_no = cert;
	q.passed_on = passed_on;
	q.issuer = NULL;
	if (worker_qualification_add(f->db, actor_system(), id, &q, qid, &er) != SG_OK)
		fail_msg("qualification: %s", detail_of(&er));
	return id;
}

static int64_t create_reg(struct fixture *f, const struct actor *who, int64_t wid,
			  const char *kind, int64_t qid, int64_t ce)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t id = 0;

	if (registration_create(f->db, who, wid, kind, qid, ce, &id, &er) != SG_OK)
		fail_msg("create: %s", detail_of(&er));
	return id;
}

static sg_err act(struct fixture *f, const struct actor *who, int64_t id, int action,
		  const char *reason, struct err_report *er)
{
	err_clear(er);
	return registration_transition(f->db, who, id, action, reason, er);
}

static void act_ok(struct fixture *f, const struct actor *who, int64_t id, int action,
		   const char *reason)
{
	struct err_report er = ERR_REPORT_INIT;

	if (act(f, who, id, action, reason, &er) != SG_OK)
		fail_msg("%s by %s: %s", registration_action_name(action), who->login,
			 detail_of(&er));
}

static void exec_sql(struct fixture *f, const char *sql, const char *t1, int64_t i2)
{
	db_stmt_t *st = db_prepare(f->db, sql);

	assert_non_null(st);
	if (t1)
		db_bind_text(st, 1, t1, -1);
	db_bind_int(st, t1 ? 2 : 1, i2);
	assert_true(db_step(st) >= 0);
	db_done(st);
}

static int64_t count_sql(struct fixture *f, const char *sql, const char *t1)
{
	db_stmt_t *st = db_prepare(f->db, sql);
	int64_t n = -1;

	assert_non_null(st);
	if (t1)
		db_bind_text(st, 1, t1, -1);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static int state_of(struct fixture *f, int64_t id)
{
	struct err_report er = ERR_REPORT_INIT;
	struct registration r;

	if (registration_get(f->db, actor_system(), id, &r, &er) != SG_OK)
		fail_msg("get: %s", detail_of(&er));
	return r.state;
}

/* ---- dates ------------------------------------------------------------------- */

static void test_dates(void **state)
{
	char out[REGISTRATION_DATE_SIZE];

	(void)state;
	assert_int_equal(registration_date_add("2025-03-01", 1, 0, 0, out), 0);
	assert_string_equal(out, "2026-03-01");
	assert_int_equal(registration_date_add("2024-02-29", 1, 0, 0, out), 0);
	assert_string_equal(out, "2025-02-28");
	assert_int_equal(registration_date_add("2024-02-29", 4, 0, 0, out), 0);
	assert_string_equal(out, "2028-02-29");
	assert_int_equal(registration_date_add("2026-11-22", 3, 0, -1, out), 0);
	assert_string_equal(out, "2029-11-21");
	assert_int_equal(registration_date_add("2026-01-01", 3, 0, -1, out), 0);
	assert_string_equal(out, "2028-12-31");
	assert_int_equal(registration_date_add("2026-06-30", 0, -3, 1, out), 0);
	assert_string_equal(out, "2026-03-31");
	assert_int_equal(registration_date_add("2026-05-31", 0, -3, 1, out), 0);
	assert_string_equal(out, "2026-03-01");
	assert_int_equal(registration_date_add("2024-05-31", 0, -3, 1, out), 0);
	assert_string_equal(out, "2024-03-01");
	assert_int_equal(registration_date_add("2024-12-31", 0, 0, 1, out), 0);
	assert_string_equal(out, "2025-01-01");
	assert_int_equal(registration_date_add("2025-01-01", 0, 0, -1, out), 0);
	assert_string_equal(out, "2024-12-31");
	assert_int_equal(registration_date_add("2024-02-28", 0, 0, 1, out), 0);
	assert_string_equal(out, "2024-02-29");
	assert_int_equal(registration_date_add("2026-01-01", 0, 0, 90, out), 0);
	assert_string_equal(out, "2026-04-01");
	assert_int_equal(registration_date_add("2025-02-29", 1, 0, 0, out), -1);
	assert_int_equal(registration_date_add("2025-13-01", 1, 0, 0, out), -1);
	assert_int_equal(registration_date_add("20250101", 1, 0, 0, out), -1);

	/* today is the date in China: 16:00Z is already tomorrow there */
	util_set_now((time_t)1795334400); /* 2026-11-22T08:00:00Z */
	registration_today(out);
	assert_string_equal(out, "2026-11-22");
	util_set_now((time_t)1795334400 + 8 * 3600);
	registration_today(out);
	assert_string_equal(out, "2026-11-23");
	util_set_now(0);
}

static void test_vocabulary(void **state)
{
	(void)state;
	for (int s = 0; s < REG_STATE_COUNT_; s++)
		assert_int_equal(registration_state_from_name(registration_state_name(s)), s);
	for (int a = 0; a < REG_ACT_COUNT_; a++)
		assert_int_equal(registration_action_from_name(registration_action_name(a)), a);
	assert_string_equal(registration_state_label(REG_CERTIFIED), "已出证");
	assert_string_equal(registration_state_label(REG_FIRST_REJECTED), "初审未通过");
	assert_int_equal(registration_state_from_name("bogus"), -1);
	assert_int_equal(registration_action_from_name("approve"), -1);
	assert_string_equal(registration_level_label(2), "社会工作师");
}

/* ---- every action from every state --------------------------------------------- */

/* Expected target of action a from state s, or -1 when refused. */
static int expected_to(int s, int a)
{
	switch (a) {
	case REG_ACT_SUBMIT: return s == REG_NOT_APPLIED ? REG_PENDING : -1;
	case REG_ACT_FIRST_APPROVE: return s == REG_PENDING ? REG_FIRST_APPROVED : -1;
	case REG_ACT_FIRST_REJECT: return s == REG_PENDING ? REG_FIRST_REJECTED : -1;
	case REG_ACT_FINAL_APPROVE: return s == REG_FIRST_APPROVED ? REG_FINAL_APPROVED : -1;
	case REG_ACT_FINAL_REJECT: return s == REG_FIRST_APPROVED ? REG_FINAL_REJECTED : -1;
	case REG_ACT_REGISTER: return s == REG_FINAL_APPROVED ? REG_REGISTERED : -1;
	case REG_ACT_CERTIFY: return s == REG_REGISTERED ? REG_CERTIFIED : -1;
	case REG_ACT_CANCEL:
		return s == REG_REGISTERED || s == REG_CERTIFIED ? REG_CANCELLED : -1;
	case REG_ACT_REVOKE:
		return s == REG_REGISTERED || s == REG_CERTIFIED ? REG_REVOKED : -1;
	}
	return -1;
}

static void test_every_transition(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration r;
	int64_t qid, wid, id;
	char msg[128];

	wid = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	for (int s = 0; s < REG_STATE_COUNT_; s++) {
		for (int a = 0; a < REG_ACT_COUNT_; a++) {
			int to = expected_to(s, a);
			sg_err code;

			/* the first review by someone else, so the second can be qc */
			exec_sql(f, "UPDATE registrations SET state = ?, first_by = 99,"
				    " first_by_login = 'other', first_at = '2026-11-01T00:00:00Z'"
				    " WHERE id = ?", registration_state_name(s), id);
			code = act(f, &f->qc, id, a, "理由充分", &er);
			if (to < 0) {
				if (code != SG_ERR_CONFLICT)
					fail_msg("%s from %s: expected 409, got %s",
						 registration_action_name(a),
						 registration_state_name(s), detail_of(&er));
				assert_string_equal(er.fields[0].field, "action");
				assert_string_equal(er.fields[0].code, "illegal_transition");
				snprintf(msg, sizeof(msg), "current state is %s; allowed: ",
					 registration_state_name(s));
				assert_non_null(strstr(er.fields[0].message, msg));
				assert_int_equal(state_of(f, id), s);
			} else {
				if (code != SG_OK)
					fail_msg("%s from %s: %s", registration_action_name(a),
						 registration_state_name(s), detail_of(&er));
				assert_int_equal(state_of(f, id), to);
			}
		}
	}
	/* an org account may only submit: every other action from its state is 403 */
	for (int a = 0; a < REG_ACT_COUNT_; a++) {
		int from = a == REG_ACT_SUBMIT ? REG_NOT_APPLIED
			 : a <= REG_ACT_FIRST_REJECT ? REG_PENDING
			 : a <= REG_ACT_FINAL_REJECT ? REG_FIRST_APPROVED
			 : a == REG_ACT_REGISTER ? REG_FINAL_APPROVED : REG_REGISTERED;

		exec_sql(f, "UPDATE registrations SET state = ? WHERE id = ?",
			 registration_state_name(from), id);
		assert_int_equal(act(f, &f->org, id, a, "理由充分", &er),
				 a == REG_ACT_SUBMIT ? SG_OK : SG_ERR_FORBIDDEN);
		assert_int_equal(state_of(f, id), a == REG_ACT_SUBMIT ? REG_PENDING : from);
	}
	/* the 409 names what the state allows */
	exec_sql(f, "UPDATE registrations SET state = ? WHERE id = ?", "pending", id);
	assert_int_equal(act(f, &f->qc, id, REG_ACT_REGISTER, NULL, &er), SG_ERR_CONFLICT);
	assert_string_equal(er.fields[0].message,
			    "current state is pending; allowed: first_approve, first_reject");
	exec_sql(f, "UPDATE registrations SET state = ? WHERE id = ?", "revoked", id);
	assert_int_equal(act(f, &f->qc, id, REG_ACT_CANCEL, "重复", &er), SG_ERR_CONFLICT);
	assert_string_equal(er.fields[0].message, "current state is revoked; allowed: none");
	/* unknown action */
	assert_int_equal(act(f, &f->qc, id, -1, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "action");

	/* allowed_actions per state for a bureau user who is not the first reviewer */
	exec_sql(f, "UPDATE registrations SET state = ? WHERE id = ?", "certified", id);
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_int_equal(r.allowed, (1u << REG_ACT_CANCEL) | (1u << REG_ACT_REVOKE));
}

static void test_full_flow_and_audit(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration r;
	int64_t qid, wid, id, qid2, wid2, id2, qid3, wid3, id3;
	struct worker w;

	set_today("2026-11-22");
	wid = worker_with_qual(f, "441802006001", "intermediate", "2026-06-01", &qid);
	id = create_reg(f, &f->org, wid, "first", qid, -1);
	assert_int_equal(registration_get(f->db, &f->org, id, &r, &er), SG_OK);
	assert_int_equal(r.state, REG_NOT_APPLIED);
	assert_string_equal(r.region_code, "441802006001");
	assert_string_equal(r.certificate_mgmt_no, "ZS000001");
	assert_int_equal(r.level, WORKER_LEVEL_INTERMEDIATE);
	assert_int_equal(r.allowed, 1u << REG_ACT_SUBMIT);
	assert_int_equal(r.ce_hours, -1);

	act_ok(f, &f->org, id, REG_ACT_SUBMIT, NULL);
	assert_int_equal(registration_get(f->db, &f->org, id, &r, &er), SG_OK);
	assert_int_equal(r.allowed, 0);
	assert_true(r.submitted_at[0]);
	/* org accounts do not review */
	assert_int_equal(act(f, &f->org, id, REG_ACT_FIRST_APPROVE, NULL, &er), SG_ERR_FORBIDDEN);

	act_ok(f, &f->qc, id, REG_ACT_FIRST_APPROVE, NULL);
	/* separation of duties: the first reviewer may not make the final review */
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_int_equal(r.allowed, 0);
	assert_true(r.has_first_review);
	assert_string_equal(r.first_review.by_login, "qc");
	assert_int_equal(act(f, &f->qc, id, REG_ACT_FINAL_APPROVE, NULL, &er), SG_ERR_FORBIDDEN);
	assert_string_equal(er.type, "separation_of_duties");
	assert_int_equal(act(f, &f->qc, id, REG_ACT_FINAL_REJECT, "材料不全", &er),
			 SG_ERR_FORBIDDEN);
	/* refusals are audited as denied */
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ? AND"
				      " outcome = 'denied' AND login = 'qc' AND details ="
				      " '{\"from\":\"first_approved\",\"denied\":\"separation_of_duties\"}'",
				   "registration.final_approve"), 1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ? AND"
				      " outcome = 'denied' AND login = 'org'",
				   "registration.first_approve"), 1);
	assert_int_equal(registration_get(f->db, &f->qc2, id, &r, &er), SG_OK);
	assert_int_equal(r.allowed, (1u << REG_ACT_FINAL_APPROVE) | (1u << REG_ACT_FINAL_REJECT));
	act_ok(f, &f->qc2, id, REG_ACT_FINAL_APPROVE, "同意");
	act_ok(f, &f->qc, id, REG_ACT_REGISTER, NULL);
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_string_equal(r.registered_on, "2026-11-22");
	assert_string_equal(r.expires_on, "2029-11-21");
	assert_string_equal(r.final_review.by_login, "qc2");
	assert_string_equal(r.final_review.reason, "同意");
	act_ok(f, &f->qc, id, REG_ACT_CERTIFY, NULL);
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_string_equal(r.certificate_no, "4418022026000001");
	assert_int_equal(r.state, REG_CERTIFIED);

	/* the worker's columns follow */
	assert_int_equal(worker_get(f->db, &f->qc, wid, &w, &er), SG_OK);
	assert_string_equal(w.registration_state, "certified");
	assert_int_equal(count_sql(f, "SELECT count(*) FROM workers WHERE"
				      " registration_expires_on = ?", "2029-11-21"), 1);

	/* an audit record per step, with from/to and no reason text */
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ?",
				   "registration.create"), 1);
	for (int a = REG_ACT_SUBMIT; a <= REG_ACT_CERTIFY; a++) {
		char verb[48];

		if (a == REG_ACT_FIRST_REJECT || a == REG_ACT_FINAL_REJECT)
			continue;
		snprintf(verb, sizeof(verb), "registration.%s", registration_action_name(a));
		assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ?"
					      " AND outcome = 'success'", verb), 1);
	}
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ? AND"
				      " details = '{\"from\":\"first_approved\",\"to\":"
				      "\"final_approved\",\"reason\":true}' AND login = 'qc2'",
				   "registration.final_approve"), 1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE details LIKE ?",
				   "%同意%"), 0);

	/* sequences: per county and year */
	wid2 = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid2);
	wid3 = worker_with_qual(f, "441803", "assistant", "2026-06-01", &qid3);
	id2 = create_reg(f, &f->qc, wid2, "first", qid2, -1);
	id3 = create_reg(f, &f->qx, wid3, "first", qid3, -1);
	for (int a = REG_ACT_SUBMIT; a <= REG_ACT_CERTIFY; a++) {
		if (a == REG_ACT_FIRST_REJECT || a == REG_ACT_FINAL_REJECT)
			continue;
		act_ok(f, a == REG_ACT_FINAL_APPROVE ? &f->city : &f->qc, id2, a, NULL);
		act_ok(f, a == REG_ACT_FINAL_APPROVE ? &f->city : &f->qx, id3, a, NULL);
	}
	assert_int_equal(registration_get(f->db, &f->qc, id2, &r, &er), SG_OK);
	assert_string_equal(r.certificate_no, "4418022026000002");
	assert_int_equal(registration_get(f->db, &f->qx, id3, &r, &er), SG_OK);
	assert_string_equal(r.certificate_no, "4418032026000001");
	set_today("2027-01-05");
	/* cancel and revoke need a reason; then the state is final */
	assert_int_equal(act(f, &f->qc, id2, REG_ACT_CANCEL, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "reason");
	assert_int_equal(act(f, &f->qc, id2, REG_ACT_REVOKE, "x", &er), SG_ERR_INVALID);
	act_ok(f, &f->qc, id2, REG_ACT_CANCEL, "本人申请注销");
	assert_int_equal(registration_get(f->db, &f->qc, id2, &r, &er), SG_OK);
	assert_string_equal(r.reason, "本人申请注销");
	assert_int_equal(r.allowed, 0);
	assert_int_equal(worker_get(f->db, &f->qc, wid2, &w, &er), SG_OK);
	assert_string_equal(w.registration_state, "cancelled");
}

static void test_roles_and_reasons(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration r;
	int64_t qid, wid, id, none;

	wid = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid);
	assert_int_equal(registration_create(f->db, &f->sysadmin, wid, "first", qid, -1, &none,
					     &er), SG_ERR_FORBIDDEN);
	err_clear(&er);
	assert_int_equal(registration_create(f->db, &f->qc, wid, "later", 0, -5, &none, &er),
			 SG_ERR_INVALID);
	assert_non_null(field_error(&er, "kind"));
	assert_non_null(field_error(&er, "qualification_id"));
	assert_non_null(field_error(&er, "ce_hours"));
	err_clear(&er);
	assert_int_equal(registration_create(f->db, &f->qc, wid, "first", qid + 100, -1, &none,
					     &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "qualification_id");
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	err_clear(&er);
	assert_int_equal(registration_get(f->db, &f->sysadmin, id, &r, &er), SG_ERR_FORBIDDEN);
	act_ok(f, &f->qc, id, REG_ACT_SUBMIT, NULL);
	assert_int_equal(act(f, &f->qc, id, REG_ACT_FIRST_REJECT, NULL, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "reason");
	assert_int_equal(act(f, &f->qc, id, REG_ACT_FIRST_REJECT, "  ", &er), SG_ERR_INVALID);
	act_ok(f, &f->qc, id, REG_ACT_FIRST_REJECT, "材料不全");
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_int_equal(r.state, REG_FIRST_REJECTED);
	assert_string_equal(r.first_review.reason, "材料不全");
	assert_int_equal(r.allowed, 0);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ? AND"
				      " details LIKE '%\"reason\":true%'",
				   "registration.first_reject"), 1);

	/* a rejected application is closed: a new one may be opened */
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	act_ok(f, &f->qc, id, REG_ACT_SUBMIT, NULL);
	act_ok(f, &f->qc, id, REG_ACT_FIRST_APPROVE, NULL);
	assert_int_equal(act(f, &f->qc2, id, REG_ACT_FINAL_REJECT, NULL, &er), SG_ERR_INVALID);
	act_ok(f, &f->qc2, id, REG_ACT_FINAL_REJECT, "不符合条件");
	assert_int_equal(state_of(f, id), REG_FINAL_REJECTED);
}

static void test_one_open_and_editing(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration r;
	int64_t qid, qid2, wid, id, none;
	struct qualification_input q = { "intermediate", "ZS-SECOND", "2026-07-01", NULL };

	wid = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid);
	assert_int_equal(worker_qualification_add(f->db, actor_system(), wid, &q, &qid2, &er),
			 SG_OK);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(registration_create(f->db, &f->qc, wid, "first", qid, -1, &none, &er),
			 SG_ERR_CONFLICT);
	assert_int_equal(none, 0);

	/* editable in not_applied and pending */
	err_clear(&er);
	assert_int_equal(registration_update(f->db, &f->org, id, qid2, 1, 30, &er), SG_OK);
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_int_equal(r.qualification_id, qid2);
	assert_int_equal(r.ce_hours, 30);
	assert_int_equal(r.level, WORKER_LEVEL_INTERMEDIATE);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ? AND"
				      " details = '{\"fields\":[\"qualification_id\",\"ce_hours\"]}'",
				   "registration.update"), 1);
	/* nothing changed: no audit */
	assert_int_equal(registration_update(f->db, &f->qc, id, qid2, 1, 30, &er), SG_OK);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ?",
				   "registration.update"), 1);
	assert_int_equal(registration_update(f->db, &f->qc, id, 999999, 0, 0, &er), SG_ERR_INVALID);
	err_clear(&er);
	act_ok(f, &f->qc, id, REG_ACT_SUBMIT, NULL);
	assert_int_equal(registration_update(f->db, &f->qc, id, 0, 1, -1, &er), SG_OK);
	assert_int_equal(registration_get(f->db, &f->qc, id, &r, &er), SG_OK);
	assert_int_equal(r.ce_hours, -1);
	act_ok(f, &f->qc, id, REG_ACT_FIRST_APPROVE, NULL);
	assert_int_equal(registration_update(f->db, &f->qc, id, qid, 0, 0, &er), SG_ERR_CONFLICT);
	assert_string_equal(er.fields[0].field, "state");
	/* still open in first_approved and final_approved */
	err_clear(&er);
	assert_int_equal(registration_create(f->db, &f->qc, wid, "first", qid, -1, &none, &er),
			 SG_ERR_CONFLICT);
	act_ok(f, &f->qc2, id, REG_ACT_FINAL_APPROVE, NULL);
	err_clear(&er);
	assert_int_equal(registration_create(f->db, &f->qc, wid, "first", qid, -1, &none, &er),
			 SG_ERR_CONFLICT);
	act_ok(f, &f->qc, id, REG_ACT_REGISTER, NULL);
	(void)create_reg(f, &f->qc, wid, "renewal", qid2, -1);
}

/* ---- rule boundaries --------------------------------------------------------------- */

/* Submit registration id on date; back to not_applied when it went through. */
static sg_err submit_on(struct fixture *f, int64_t id, const char *date, struct err_report *er)
{
	sg_err code;

	set_today(date);
	code = act(f, &f->qc, id, REG_ACT_SUBMIT, NULL, er);
	if (code == SG_OK)
		exec_sql(f, "UPDATE registrations SET state = ? WHERE id = ?", "not_applied", id);
	return code;
}

static void test_first_registration_deadline(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	int64_t qid, wid, id;

	/* passed 2025-03-01 (a common year follows): day 365 is 2026-03-01 */
	wid = worker_with_qual(f, "441802", "assistant", "2025-03-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(submit_on(f, id, "2026-02-28", &er), SG_OK); /* day 364 */
	assert_int_equal(submit_on(f, id, "2026-03-01", &er), SG_OK); /* day 365 */
	assert_int_equal(submit_on(f, id, "2026-03-02", &er), SG_ERR_INVALID); /* day 366 */
	assert_string_equal(er.fields[0].field, "qualification_id");
	assert_string_equal(er.fields[0].code, "first_registration_late");
	assert_non_null(strstr(er.fields[0].message, "2026-03-01"));
	assert_int_equal(state_of(f, id), REG_NOT_APPLIED);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM audit_log WHERE action = ?",
				   "registration.submit"), 2);

	/* passed 2023-06-01, across 29 February 2024: a calendar year is 366 days */
	wid = worker_with_qual(f, "441802", "assistant", "2023-06-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(submit_on(f, id, "2024-05-30", &er), SG_OK); /* day 364 */
	assert_int_equal(submit_on(f, id, "2024-05-31", &er), SG_OK); /* day 365 */
	assert_int_equal(submit_on(f, id, "2024-06-01", &er), SG_OK); /* day 366 */
	assert_int_equal(submit_on(f, id, "2024-06-02", &er), SG_ERR_INVALID); /* day 367 */

	/* passed on 29 February: the deadline is 28 February */
	wid = worker_with_qual(f, "441802", "assistant", "2024-02-29", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(submit_on(f, id, "2025-02-28", &er), SG_OK);
	assert_int_equal(submit_on(f, id, "2025-03-01", &er), SG_ERR_INVALID);
}

/* A worker with a certified registration expiring on expires; returns its id. */
static int64_t registered_worker(struct fixture *f, const char *expires, int64_t *qid,
				 const char *level)
{
	int64_t wid = worker_with_qual(f, "441802", level, "2023-01-01", qid);
	int64_t id = create_reg(f, &f->qc, wid, "first", *qid, -1);

	exec_sql(f, "UPDATE registrations SET state = 'certified', registered_on = '2023-07-01',"
		    " expires_on = ? WHERE id = ?", expires, id);
	return wid;
}

static void test_renewal_window(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	int64_t qid, wid, id, qid0, wid0, id0;

	wid = registered_worker(f, "2026-06-30", &qid, "assistant");
	id = create_reg(f, &f->qc, wid, "renewal", qid, -1);
	assert_int_equal(submit_on(f, id, "2026-03-30", &er), SG_ERR_INVALID); /* a day early */
	assert_string_equal(er.fields[0].code, "renewal_window");
	assert_non_null(strstr(er.fields[0].message, "2026-03-31 to 2026-06-30"));
	assert_int_equal(submit_on(f, id, "2026-03-31", &er), SG_OK); /* 3 months before */
	assert_int_equal(submit_on(f, id, "2026-06-30", &er), SG_OK); /* the expiry day */
	assert_int_equal(submit_on(f, id, "2026-07-01", &er), SG_ERR_INVALID); /* a day after */
	assert_string_equal(er.fields[0].code, "renewal_window");

	/* a renewal needs a current registration */
	wid0 = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid0);
	id0 = create_reg(f, &f->qc, wid0, "renewal", qid0, -1);
	assert_int_equal(submit_on(f, id0, "2026-11-22", &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "renewal_window");

	/* a renewal registered: the worker's columns show the later expiry */
	set_today("2026-05-01");
	act_ok(f, &f->qc, id, REG_ACT_SUBMIT, NULL);
	act_ok(f, &f->qc, id, REG_ACT_FIRST_APPROVE, NULL);
	act_ok(f, &f->qc2, id, REG_ACT_FINAL_APPROVE, NULL);
	act_ok(f, &f->qc, id, REG_ACT_REGISTER, NULL);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM workers WHERE"
				      " registration_expires_on = ?", "2029-04-30"), 1);
}

static void test_ce_hours_setting(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	int64_t qid, wid, id, qid2, wid2, id2;

	/* seeded defaults */
	assert_int_equal(count_sql(f, "SELECT count(*) FROM settings WHERE key = ? AND"
				      " value = 'false'", "registration.ce_required"), 1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM settings WHERE key = ? AND"
				      " value = '72'", "registration.ce_hours.assistant"), 1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM settings WHERE key = ? AND"
				      " value = '90'", "registration.ce_hours.intermediate"), 1);
	assert_int_equal(count_sql(f, "SELECT count(*) FROM settings WHERE key = ? AND"
				      " value = '90'", "registration.ce_hours.senior"), 1);

	wid = registered_worker(f, "2026-06-30", &qid, "assistant");
	id = create_reg(f, &f->qc, wid, "renewal", qid, -1);
	wid2 = registered_worker(f, "2026-06-30", &qid2, "intermediate");
	id2 = create_reg(f, &f->qc, wid2, "renewal", qid2, 80);
	/* off: no hours needed */
	assert_int_equal(submit_on(f, id, "2026-05-01", &er), SG_OK);
	assert_int_equal(submit_on(f, id2, "2026-05-01", &er), SG_OK);

	exec_sql(f, "UPDATE settings SET value = ? WHERE key = 'registration.ce_required'"
		    " AND 1 = ?", "true", 1);
	assert_int_equal(submit_on(f, id, "2026-05-01", &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "ce_hours");
	assert_string_equal(er.fields[0].code, "ce_hours_insufficient");
	if (registration_update(f->db, &f->qc, id, 0, 1, 71, &er) != SG_OK)
		fail_msg("update: %s", detail_of(&er));
	assert_int_equal(submit_on(f, id, "2026-05-01", &er), SG_ERR_INVALID);
	assert_int_equal(registration_update(f->db, &f->qc, id, 0, 1, 72, &er), SG_OK);
	assert_int_equal(submit_on(f, id, "2026-05-01", &er), SG_OK);
	/* intermediate needs 90 */
	assert_int_equal(submit_on(f, id2, "2026-05-01", &er), SG_ERR_INVALID);
	assert_non_null(strstr(er.fields[0].message, "90"));
	exec_sql(f, "UPDATE settings SET value = ? WHERE key = 'registration.ce_hours.intermediate'"
		    " AND 1 = ?", "80", 1);
	assert_int_equal(submit_on(f, id2, "2026-05-01", &er), SG_OK);
	/* first registrations never need hours */
	wid = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(submit_on(f, id, "2026-11-22", &er), SG_OK);
}

/* ---- scope, lists and certificates ------------------------------------------------- */

static int count_item(const struct registration *r, void *arg)
{
	(void)r;
	(*(int *)arg)++;
	return 0;
}

static void test_scope_and_lists(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration_filter flt;
	struct registration r;
	int64_t qid, wid, id, qid3, wid3, id3, total, none;
	int n = 0;

	wid = worker_with_qual(f, "441802", "assistant", "2026-06-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	wid3 = worker_with_qual(f, "441803", "assistant", "2026-06-01", &qid3);
	id3 = create_reg(f, &f->qx, wid3, "first", qid3, -1);

	/* outside the subtree: not found, like a missing one */
	assert_int_equal(registration_get(f->db, &f->qx, id, &r, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(act(f, &f->qx, id, REG_ACT_SUBMIT, NULL, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(registration_update(f->db, &f->qx, id, 0, 1, 5, &er), SG_ERR_NOT_FOUND);
	err_clear(&er);
	assert_int_equal(registration_create(f->db, &f->qx, wid, "first", qid, -1, &none, &er),
			 SG_ERR_NOT_FOUND);
	if (registration_get(f->db, &f->city, id, &r, &er) != SG_OK)
		fail_msg("city: %s", detail_of(&er));

	memset(&flt, 0, sizeof(flt));
	flt.expiring_within = -1;
	assert_int_equal(registration_list(f->db, &f->qc, &flt, 0, 20, count_item, &n, &total,
					   &er), SG_OK);
	assert_int_equal(total, 1);
	assert_int_equal(n, 1);
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 2);
	flt.region = "441803";
	assert_int_equal(registration_list(f->db, &f->qc, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_ERR_INVALID);
	err_clear(&er);
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 1);
	flt.region = NULL;
	flt.worker_id = wid;
	assert_int_equal(registration_list(f->db, &f->qx, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_ERR_NOT_FOUND);
	err_clear(&er);
	flt.worker_id = 0;
	flt.state = "pending";
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 0);
	flt.state = "nope";
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_ERR_INVALID);
	err_clear(&er);
	flt.state = NULL;
	flt.q = "ZS";
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 2);

	/* expiring soon: registered|certified expiring today .. today + N */
	exec_sql(f, "UPDATE registrations SET state = 'certified', expires_on = ? WHERE id = ?",
		 "2027-02-20", id);
	exec_sql(f, "UPDATE registrations SET state = 'registered', expires_on = ? WHERE id = ?",
		 "2027-03-01", id3);
	memset(&flt, 0, sizeof(flt));
	flt.expiring_within = 90; /* from 2026-11-22 to 2027-02-20 */
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 1);
	flt.expiring_within = 99;
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 2);
	assert_int_equal(registration_list(f->db, &f->qx, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 1);
	set_today("2027-02-21");
	assert_int_equal(registration_list(f->db, &f->city, &flt, 0, 20, NULL, NULL, &total, &er),
			 SG_OK);
	assert_int_equal(total, 1);
}

static void test_certificates(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct registration_cert cert;
	struct public_cert pub;
	int64_t qid, wid, id;

	wid = worker_with_qual(f, "441802006001", "senior", "2026-06-01", &qid);
	id = create_reg(f, &f->qc, wid, "first", qid, -1);
	assert_int_equal(registration_certificate(f->db, &f->qc, id, &cert, &er), SG_ERR_CONFLICT);
	act_ok(f, &f->qc, id, REG_ACT_SUBMIT, NULL);
	act_ok(f, &f->qc, id, REG_ACT_FIRST_APPROVE, NULL);
	act_ok(f, &f->qc2, id, REG_ACT_FINAL_APPROVE, NULL);
	act_ok(f, &f->qc, id, REG_ACT_REGISTER, NULL);
	err_clear(&er);
	assert_int_equal(registration_certificate(f->db, &f->qc, id, &cert, &er), SG_ERR_CONFLICT);
	act_ok(f, &f->qc, id, REG_ACT_CERTIFY, NULL);
	err_clear(&er);
	assert_int_equal(registration_certificate(f->db, &f->qx, id, &cert, &er), SG_ERR_NOT_FOUND);
	err_clear(&er);
	assert_int_equal(registration_certificate(f->db, &f->org, id, &cert, &er), SG_OK);
	assert_string_equal(cert.certificate_no, "4418022026000001");
	assert_string_equal(cert.name, "张三");
	assert_int_equal(strlen(cert.id_masked), 18);
	assert_memory_equal(cert.id_masked, "441802********", 14);
	assert_string_equal(cert.level, "senior");
	assert_string_equal(cert.level_label, "高级社会工作师");
	assert_string_equal(cert.registered_on, "2026-11-22");
	assert_string_equal(cert.expires_on, "2029-11-21");
	assert_string_equal(cert.region_name, "清城区");
	assert_string_equal(cert.issuer, "清城区民政局");

	assert_int_equal(registration_verify_public(f->db, "4418022026000001", &pub, &er), SG_OK);
	assert_string_equal(pub.name, "张三");
	assert_string_equal(pub.state, "certified");
	assert_string_equal(pub.state_label, "已出证");
	assert_string_equal(pub.level, "senior");
	assert_true(pub.valid);
	set_today("2029-11-21");
	assert_int_equal(registration_verify_public(f->db, "4418022026000001", &pub, &er), SG_OK);
	assert_true(pub.valid);
	set_today("2029-11-22");
	assert_int_equal(registration_verify_public(f->db, "4418022026000001", &pub, &er), SG_OK);
	assert_false(pub.valid);
	set_today("2027-01-01");
	act_ok(f, &f->qc, id, REG_ACT_REVOKE, "违规执业");
	assert_int_equal(registration_verify_public(f->db, "4418022026000001", &pub, &er), SG_OK);
	assert_string_equal(pub.state, "revoked");
	assert_false(pub.valid);
	assert_int_equal(registration_verify_public(f->db, "4418022026000002", &pub, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(registration_verify_public(f->db, "x' OR 1=1 --", &pub, &er),
			 SG_ERR_NOT_FOUND);
	assert_int_equal(registration_verify_public(f->db, NULL, &pub, &er), SG_ERR_NOT_FOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dates),
		cmocka_unit_test(test_vocabulary),
		cmocka_unit_test_setup_teardown(test_every_transition, setup, teardown),
		cmocka_unit_test_setup_teardown(test_full_flow_and_audit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_roles_and_reasons, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_open_and_editing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_first_registration_deadline, setup, teardown),
		cmocka_unit_test_setup_teardown(test_renewal_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ce_hours_setting, setup, teardown),
		cmocka_unit_test_setup_teardown(test_scope_and_lists, setup, teardown),
		cmocka_unit_test_setup_teardown(test_certificates, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
