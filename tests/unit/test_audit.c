/*
 * test_audit.c: the audit trail: appending, the append-only triggers, the
 * hash chain and what verification says about each kind of tampering
 * (edit, delete, reorder, another key), appends inside the caller's
 * transaction and from concurrent connections, and the filtered listing.
 */
#include <pthread.h>
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
#include "core/util.h"
#include "db/db.h"
#include "domain/audit.h"

struct fixture {
	char dir[64];
	char path[128];
	char key[160];
	db_t *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-audit-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, f->key, sizeof(f->key));
	if (secret_create(f->key, &er) || secret_load(f->key, &er))
		return -1;
	if (db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK) {
		fprintf(stderr, "%s\n", er.detail);
		return -1;
	}
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

static struct actor make_actor(int64_t id, const char *login, enum role role)
{
	struct actor a;

	memset(&a, 0, sizeof(a));
	a.user_id = id;
	snprintf(a.login, sizeof(a.login), "%s", login);
	a.role = role;
	snprintf(a.ip, sizeof(a.ip), "192.0.2.%lld", (long long)(id % 250));
	return a;
}

static sg_err append(db_t *db, const struct actor *who, const char *action,
		     const char *outcome, const char *details)
{
	struct err_report er = ERR_REPORT_INIT;
	struct audit_entry e = {
		.action = action,
		.object_type = "user",
		.object_id = "42",
		.outcome = outcome,
		.details_json = details,
	};

	return audit_append(db, who, &e, &er);
}

static void append_n(db_t *db, int n)
{
	struct actor a = make_actor(7, "alice", ROLE_BUREAU);

	for (int i = 0; i < n; i++) {
		char details[64];

		snprintf(details, sizeof(details), "{\"fields\":[\"f%d\"]}", i);
		assert_int_equal(append(db, &a, i % 3 ? "user.update" : "session.login",
					i % 5 ? AUDIT_SUCCESS : AUDIT_FAILURE,
					details), SG_OK);
	}
}

static int64_t count_rows(db_t *db)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM audit_log");
	int64_t n = -1;

	assert_non_null(st);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static struct audit_verify_result verify(db_t *db)
{
	struct err_report er = ERR_REPORT_INIT;
	struct audit_verify_result res;

	assert_int_equal(audit_verify(db, &res, NULL, NULL, &er), SG_OK);
	return res;
}

static void drop_triggers(db_t *db)
{
	assert_int_equal(db_exec(db, "DROP TRIGGER audit_log_no_update; "
				     "DROP TRIGGER audit_log_no_delete"), 0);
}

struct progress_seen {
	int calls;
	int64_t last_done, last_total;
};

static void on_progress(int64_t done, int64_t total, void *arg)
{
	struct progress_seen *p = arg;

	assert_true(done >= p->last_done);
	p->calls++;
	p->last_done = done;
	p->last_total = total;
}

static void test_empty_log_verifies(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res = verify(f->db);

	assert_true(res.ok);
	assert_int_equal(res.records, 0);
}

static void test_append_100_verifies(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct progress_seen seen = { 0 };
	struct audit_verify_result res;
	db_stmt_t *st;

	append_n(f->db, 100);
	assert_int_equal(count_rows(f->db), 100);
	assert_int_equal(audit_verify(f->db, &res, on_progress, &seen, &er), SG_OK);
	assert_true(res.ok);
	assert_int_equal(res.records, 100);
	assert_int_equal(res.bad_id, 0);
	assert_true(seen.calls >= 1);
	assert_int_equal(seen.last_done, 100);
	assert_int_equal(seen.last_total, 100);

	/* the first record starts from 64 zeros; ids are 1..100 with no gap */
	st = db_prepare(f->db, "SELECT id, prev_hash, length(hash), user_id, login, ip "
			       "FROM audit_log ORDER BY id LIMIT 1");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_string_equal(db_col_text(st, 1),
			    "0000000000000000000000000000000000000000000000000000000000000000");
	assert_int_equal(db_col_int(st, 2), 64);
	assert_int_equal(db_col_int(st, 3), 7);
	assert_string_equal(db_col_text(st, 4), "alice");
	assert_string_equal(db_col_text(st, 5), "192.0.2.7");
	db_done(st);
	st = db_prepare(f->db, "SELECT max(id) FROM audit_log");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 100);
	db_done(st);
}

static void test_system_actor_and_login_override(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct actor anon = make_actor(0, "", ROLE_NONE);
	struct audit_entry e = {
		.action = "session.login",
		.outcome = AUDIT_FAILURE,
		.login = "mallory",
		.details_json = "{\"reason\":\"bad_password\"}",
	};
	db_stmt_t *st;

	assert_int_equal(audit_append(f->db, &anon, &e, &er), SG_OK);
	e.login = NULL;
	e.outcome = AUDIT_SUCCESS;
	e.details_json = NULL;
	assert_int_equal(audit_append(f->db, actor_system(), &e, &er), SG_OK);
	st = db_prepare(f->db, "SELECT user_id IS NULL, login, object_type IS NULL, "
			       "details FROM audit_log ORDER BY id");
	assert_int_equal(db_step(st), DB_ROW);
	assert_int_equal(db_col_int(st, 0), 1);
	assert_string_equal(db_col_text(st, 1), "mallory");
	assert_int_equal(db_col_int(st, 2), 1);
	assert_string_equal(db_col_text(st, 3), "{\"reason\":\"bad_password\"}");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 1), "system");
	assert_null(db_col_text(st, 3));
	db_done(st);
	assert_true(verify(f->db).ok);
}

static void test_details_must_be_object(void **state)
{
	struct fixture *f = *state;
	struct actor a = make_actor(1, "bob", ROLE_SYSADMIN);
	static const char *const bad[] = {
		"[1]", "\"text\"", "42", "null", "{\"a\":", "{\"a\":1}x",
		"{\"a\":1,\"a\":2}", "",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(append(f->db, &a, "user.update",
					    AUDIT_SUCCESS, bad[i]), SG_OK);
	assert_int_not_equal(append(f->db, &a, "user.update", "maybe", NULL), SG_OK);
	assert_int_not_equal(append(f->db, &a, "", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_not_equal(append(f->db, &a, "user.\xff", AUDIT_SUCCESS, NULL),
			     SG_OK);
	assert_int_equal(count_rows(f->db), 0);
	assert_int_equal(append(f->db, &a, "user.update", AUDIT_SUCCESS, "{}"), SG_OK);
	assert_int_equal(append(f->db, &a, "user.update", AUDIT_DENIED, NULL), SG_OK);
	assert_int_equal(append(f->db, &a, "user.update", AUDIT_SUCCESS,
				"{\"fields\":[\"role\",\"region_code\"]}"), SG_OK);
	assert_int_equal(count_rows(f->db), 3);
	assert_true(verify(f->db).ok);
}

static void test_triggers_refuse_update_and_delete(void **state)
{
	struct fixture *f = *state;
	db_stmt_t *st;

	append_n(f->db, 5);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET outcome = 'success'"),
			 DB_ERR_CONSTRAINT);
	assert_non_null(strstr(db_errmsg(f->db), "append-only"));
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 3"),
			 DB_ERR_CONSTRAINT);
	st = db_prepare(f->db, "DELETE FROM audit_log");
	assert_int_equal(db_step(st), DB_ERR_CONSTRAINT);
	db_done(st);
	assert_int_equal(count_rows(f->db), 5);
	assert_true(verify(f->db).ok);
}

static void test_edit_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res;

	append_n(f->db, 100);
	drop_triggers(f->db);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET outcome = "
				     "CASE outcome WHEN 'success' THEN 'failure' "
				     "ELSE 'success' END WHERE id = 40"), 0);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 40);
	assert_int_equal(res.records, 39);
	assert_string_equal(res.reason, "hash mismatch (record edited)");
}

static void test_edit_of_details_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res;

	append_n(f->db, 20);
	drop_triggers(f->db);
	assert_int_equal(db_exec(f->db, "UPDATE audit_log SET details = NULL "
				     "WHERE id = 20"), 0);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 20);
	assert_string_equal(res.reason, "hash mismatch (record edited)");
}

static void test_delete_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res;

	append_n(f->db, 100);
	drop_triggers(f->db);
	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 50"), 0);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 51);
	assert_int_equal(res.records, 49);
	assert_string_equal(res.reason, "record 50 missing (deleted)");

	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id IN (20, 21, 22)"), 0);
	res = verify(f->db);
	assert_int_equal(res.bad_id, 23);
	assert_string_equal(res.reason, "records 20 to 22 missing (deleted)");

	assert_int_equal(db_exec(f->db, "DELETE FROM audit_log WHERE id = 1"), 0);
	res = verify(f->db);
	assert_int_equal(res.bad_id, 2);
	assert_string_equal(res.reason, "record 1 missing (deleted)");
}

/* Swap every column but id between records a and b. */
static void swap(db_t *db, const char *cols, int a, int b)
{
	char sql[1024];

	snprintf(sql, sizeof(sql),
		 "CREATE TEMP TABLE swap AS SELECT * FROM audit_log WHERE id IN (%d, %d); "
		 "UPDATE audit_log SET (%s) = (SELECT %s FROM swap WHERE swap.id = "
		 "CASE audit_log.id WHEN %d THEN %d ELSE %d END) WHERE id IN (%d, %d); "
		 "DROP TABLE swap",
		 a, b, cols, cols, a, b, a, a, b);
	assert_int_equal(db_exec(db, sql), 0);
}

static void test_swap_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res;

	append_n(f->db, 100);
	drop_triggers(f->db);
	swap(f->db, "ts, user_id, login, ip, action, object_type, object_id, "
		    "outcome, details, prev_hash, hash", 30, 70);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 30);
	assert_int_equal(res.records, 29);
	assert_non_null(strstr(res.reason, "reordered"));
}

static void test_swap_of_contents_only_is_named(void **state)
{
	struct fixture *f = *state;
	struct audit_verify_result res;

	append_n(f->db, 100);
	drop_triggers(f->db);
	/* the hashes stay in place: the records no longer match them */
	swap(f->db, "ts, user_id, login, ip, action, object_type, object_id, "
		    "outcome, details", 61, 62);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 61);
	assert_string_equal(res.reason, "hash mismatch (record edited)");
}

static void test_rechain_without_key_fails(void **state)
{
	struct fixture *f = *state;
	struct err_report er = ERR_REPORT_INIT;
	struct audit_verify_result res;
	char other[200];

	append_n(f->db, 10);
	/* another instance's key (a forger's guess) does not verify the chain */
	snprintf(other, sizeof(other), "%s/other.key", f->dir);
	assert_int_equal(secret_create(other, &er), SG_OK);
	assert_int_equal(secret_load(other, &er), SG_OK);
	res = verify(f->db);
	assert_false(res.ok);
	assert_int_equal(res.bad_id, 1);
	assert_int_equal(secret_load(f->key, &er), SG_OK);
	assert_true(verify(f->db).ok);
}

static void test_joins_caller_transaction(void **state)
{
	struct fixture *f = *state;
	struct actor a = make_actor(3, "carol", ROLE_SYSADMIN);

	append_n(f->db, 3);
	/* a rolled-back action leaves no record and no gap */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(append(f->db, &a, "user.create", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(db_rollback(f->db), 0);
	assert_int_equal(count_rows(f->db), 3);
	/* a committed one keeps its record */
	assert_int_equal(db_begin(f->db), 0);
	assert_int_equal(append(f->db, &a, "user.create", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(append(f->db, &a, "user.update", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(db_commit(f->db), 0);
	assert_int_equal(count_rows(f->db), 5);
	assert_true(verify(f->db).ok);
}

struct appender {
	const char *path;
	int n;
	int failures;
};

static void *append_thread(void *arg)
{
	struct appender *ap = arg;
	struct err_report er = ERR_REPORT_INIT;
	struct actor a = make_actor(9, "dave", ROLE_WORKER);
	db_t *db = NULL;

	if (db_open(ap->path, 0, &db, &er) != SG_OK) {
		ap->failures = ap->n;
		return NULL;
	}
	for (int i = 0; i < ap->n; i++)
		if (append(db, &a, "worker.update", AUDIT_SUCCESS, NULL) != SG_OK)
			ap->failures++;
	db_close(db);
	return NULL;
}

static void test_concurrent_appenders_keep_one_chain(void **state)
{
	struct fixture *f = *state;
	pthread_t t[4];
	struct appender ap[4];
	struct audit_verify_result res;

	for (int i = 0; i < 4; i++) {
		ap[i] = (struct appender){ f->path, 100, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, append_thread, &ap[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		assert_int_equal(ap[i].failures, 0);
	}
	res = verify(f->db);
	assert_true(res.ok);
	assert_int_equal(res.records, 400);
}

struct collected {
	int n;
	int64_t ids[64];
	char actions[64][32];
};

static int collect(const struct audit_record *r, void *arg)
{
	struct collected *c = arg;

	if (c->n < 64) {
		c->ids[c->n] = r->id;
		snprintf(c->actions[c->n], sizeof(c->actions[0]), "%s", r->action);
	}
	c->n++;
	return 0;
}

static int64_t list(db_t *db, const struct actor *who, struct audit_filter flt,
		    int64_t offset, int64_t limit, struct collected *c,
		    sg_err *code)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t total = -1;

	memset(c, 0, sizeof(*c));
	*code = audit_list(db, who, &flt, offset, limit, collect, c, &total, &er);
	return total;
}

static void test_list_filters_and_paging(void **state)
{
	struct fixture *f = *state;
	struct actor sec = make_actor(2, "sec", ROLE_SECADMIN);
	struct actor sys = make_actor(1, "root", ROLE_SYSADMIN);
	struct actor bob = make_actor(5, "bob", ROLE_BUREAU);
	struct collected c;
	time_t day1, day2;
	sg_err code;

	assert_int_equal(util_parse_time("2026-11-20T10:00:00Z", &day1), 0);
	assert_int_equal(util_parse_time("2026-11-21T10:00:00Z", &day2), 0);
	util_set_now(day1);
	assert_int_equal(append(f->db, &bob, "user.create", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(append(f->db, &bob, "user.update", AUDIT_DENIED, NULL), SG_OK);
	assert_int_equal(append(f->db, &sys, "session.login", AUDIT_FAILURE, NULL), SG_OK);
	util_set_now(day2);
	assert_int_equal(append(f->db, &sys, "user.updated_twice", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(append(f->db, &bob, "userx.create", AUDIT_SUCCESS, NULL), SG_OK);
	assert_int_equal(append(f->db, &sys, "user", AUDIT_SUCCESS, NULL), SG_OK);

	/* newest first */
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ 0 }, 0, 50, &c, &code), 6);
	assert_int_equal(code, SG_OK);
	assert_int_equal(c.n, 6);
	assert_int_equal(c.ids[0], 6);
	assert_int_equal(c.ids[5], 1);
	/* paging */
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ 0 }, 2, 2, &c, &code), 6);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.ids[0], 4);
	assert_int_equal(c.ids[1], 3);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ 0 }, 10, 2, &c, &code), 6);
	assert_int_equal(c.n, 0);
	/* action: exact, and prefix ending in '.' */
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .action = "user.create" },
			      0, 50, &c, &code), 1);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .action = "user." },
			      0, 50, &c, &code), 3);
	assert_string_equal(c.actions[0], "user.updated_twice");
	assert_string_equal(c.actions[2], "user.create");
	/* login, outcome, combined */
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .login = "bob" },
			      0, 50, &c, &code), 3);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .outcome = "denied" },
			      0, 50, &c, &code), 1);
	assert_int_equal(c.ids[0], 2);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .login = "bob",
			      .action = "user." }, 0, 50, &c, &code), 2);
	/* time: a bare date covers its day; a time is inclusive */
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .from = "2026-11-21" },
			      0, 50, &c, &code), 3);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ .to = "2026-11-20" },
			      0, 50, &c, &code), 3);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){
			      .from = "2026-11-20T10:00:00Z", .to = "2026-11-20T10:00:00Z" },
			      0, 50, &c, &code), 3);
	assert_int_equal(list(f->db, &sec, (struct audit_filter){
			      .from = "2026-11-20T10:00:01Z", .to = "2026-11-21T09:59:59Z" },
			      0, 50, &c, &code), 0);
	/* bad filters name their field */
	{
		struct err_report er = ERR_REPORT_INIT;
		struct audit_filter bad = { .outcome = "maybe", .from = "yesterday" };
		int64_t total;

		assert_int_equal(audit_list(f->db, &sec, &bad, 0, 10, collect, &c,
					    &total, &er), SG_ERR_INVALID);
		assert_int_equal(er.nfields, 2);
		assert_string_equal(er.fields[0].field, "outcome");
		assert_string_equal(er.fields[1].field, "from");
	}
	/* only secadmin, auditor and system read */
	list(f->db, &sys, (struct audit_filter){ 0 }, 0, 50, &c, &code);
	assert_int_equal(code, SG_ERR_FORBIDDEN);
	assert_int_equal(c.n, 0);
	list(f->db, &bob, (struct audit_filter){ 0 }, 0, 50, &c, &code);
	assert_int_equal(code, SG_ERR_FORBIDDEN);
	sec.role = ROLE_AUDITOR;
	assert_int_equal(list(f->db, &sec, (struct audit_filter){ 0 }, 0, 50, &c, &code), 6);
	assert_int_equal(list(f->db, actor_system(), (struct audit_filter){ 0 }, 0, 50,
			      &c, &code), 6);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static void test_verify_streams_many_records(void **state)
{
	struct fixture *f = *state;
	struct actor a = make_actor(7, "alice", ROLE_BUREAU);
	struct progress_seen seen = { 0 };
	struct err_report er = ERR_REPORT_INIT;
	struct audit_verify_result res;
	struct timespec t0;
	const int n = 100000;

	assert_int_equal(db_begin(f->db), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(append(f->db, &a, "worker.update", AUDIT_SUCCESS,
					"{\"fields\":[\"name\",\"level\"]}"), SG_OK);
	assert_int_equal(db_commit(f->db), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(audit_verify(f->db, &res, on_progress, &seen, &er), SG_OK);
	assert_true(res.ok);
	assert_int_equal(res.records, n);
	assert_true(seen.calls >= n / 4096);
	/* 1M records in reasonable time means well under a second per 100k */
	print_message("verified %d records in %.3f s\n", n, seconds_since(&t0));
	assert_true(seconds_since(&t0) < 5.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_empty_log_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_append_100_verifies, setup, teardown),
		cmocka_unit_test_setup_teardown(test_system_actor_and_login_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_details_must_be_object, setup, teardown),
		cmocka_unit_test_setup_teardown(test_triggers_refuse_update_and_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_edit_of_details_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_delete_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_swap_of_contents_only_is_named, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rechain_without_key_fails, setup, teardown),
		cmocka_unit_test_setup_teardown(test_joins_caller_transaction, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_appenders_keep_one_chain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_list_filters_and_paging, setup, teardown),
		cmocka_unit_test_setup_teardown(test_verify_streams_many_records, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
