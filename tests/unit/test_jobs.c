/*
 * test_jobs.c: the job queue and worker pool: submit, claim, run,
 * progress, results and errors, crash recovery at start, stop while a job
 * runs, jobs queued by another process, who may see which job, and the
 * audit_verify kind.
 *
 * Includes jobs.c to replace its kind table with test kinds (the library's
 * jobs.o is then not linked: this file defines every jobs_* symbol).
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

#include "core/secret.h"
#include "domain/jobs.c"

/* count: params {"n":N}; N steps of 20 ms with progress; result {"n":N} */
static sg_err job_count(struct job_ctx *ctx, struct err_report *er)
{
	json_error_t jerr;
	json_t *p = ctx->params ? json_loads(ctx->params, 0, &jerr) : NULL;
	int64_t n = p ? json_integer_value(json_object_get(p, "n")) : 0;

	json_decref(p);
	for (int64_t i = 0; i < n; i++) {
		struct timespec pause = { 0, 20 * 1000 * 1000 };

		if (jobs_should_stop())
			return err_set(er, SG_ERR_INTERNAL, "stopped at %lld",
				       (long long)i);
		jobs_progress(ctx, i, n);
		nanosleep(&pause, NULL);
	}
	jobs_progress(ctx, n, n);
	return buf_printf(&ctx->result, "{\"n\":%lld}", (long long)n) ?
		       err_set(er, SG_ERR_NOMEM, "out of memory") : SG_OK;
}

static sg_err job_fail(struct job_ctx *ctx, struct err_report *er)
{
	(void)ctx;
	return err_set(er, SG_ERR_INVALID, "bad row 3");
}

static sg_err job_garbage(struct job_ctx *ctx, struct err_report *er)
{
	(void)er;
	buf_addstr(&ctx->result, "{not json");
	return SG_OK;
}

static const struct job_kind test_kinds[] = {
	{ "audit_verify", job_audit_verify, ROLES_AUDIT_READERS, ROLES_AUDIT_READERS },
	{ "count", job_count, ROLE_BIT(ROLE_WORKER) | ROLE_BIT(ROLE_BUREAU), 0 },
	{ "fail", job_fail, ROLE_BIT(ROLE_WORKER), 0 },
	{ "garbage", job_garbage, ROLE_BIT(ROLE_WORKER), 0 },
};

struct fixture {
	char dir[64];
	char path[128];
	db_t *db;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	char key[160];

	kind_table = test_kinds;
	kind_count = sizeof(test_kinds) / sizeof(test_kinds[0]);
	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-jobs-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, key, sizeof(key));
	if (secret_create(key, &er) || secret_load(key, &er))
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

	jobs_stop();
	db_close(f->db);
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
	return a;
}

static void start(struct fixture *f, int n)
{
	struct err_report er = ERR_REPORT_INIT;

	assert_int_equal(jobs_start(f->path, n, &er), SG_OK);
}

static int64_t submit(db_t *db, const struct actor *who, const char *kind,
		      const char *params)
{
	struct err_report er = ERR_REPORT_INIT;
	int64_t id = 0;

	assert_int_equal(jobs_submit(db, who, kind, params, &id, &er), SG_OK);
	assert_true(id > 0);
	return id;
}

static void sleep_ms(int ms)
{
	struct timespec t = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&t, NULL);
}

/* Poll until the job reaches one of the end states (or `state`), 10 s max. */
static void wait_state(db_t *db, int64_t id, const char *state,
		       struct job_info *j)
{
	struct err_report er = ERR_REPORT_INIT;

	for (int i = 0; i < 1000; i++) {
		assert_int_equal(jobs_get(db, actor_system(), id, j, &er), SG_OK);
		if (!strcmp(j->state, state) || !strcmp(j->state, "succeeded") ||
		    !strcmp(j->state, "failed"))
			break;
		job_info_free(j);
		sleep_ms(10);
	}
	assert_string_equal(j->state, state);
}

static int64_t audit_count(db_t *db, const char *action, const char *outcome)
{
	db_stmt_t *st = db_prepare(db, "SELECT count(*) FROM audit_log "
				       "WHERE action = ? AND outcome = ?");
	int64_t n = -1;

	db_bind_text(st, 1, action, -1);
	db_bind_text(st, 2, outcome, -1);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

static void test_submit_runs_audit_verify(void **state)
{
	struct fixture *f = *state;
	struct actor sec = make_actor(4, "sec", ROLE_SECADMIN);
	struct err_report er = ERR_REPORT_INIT;
	struct job_info j;
	int64_t id;

	for (int i = 0; i < 10; i++) {
		struct audit_entry e = { .action = "user.update", .outcome = AUDIT_SUCCESS };

		assert_int_equal(audit_append(f->db, &sec, &e, &er), SG_OK);
	}
	start(f, 2);
	id = submit(f->db, &sec, "audit_verify", NULL);
	assert_int_equal(audit_count(f->db, "job.submit", AUDIT_SUCCESS), 1);
	wait_state(f->db, id, "succeeded", &j);
	/* 10 records + the job.submit record */
	assert_string_equal(j.result, "{\"ok\":true,\"records\":11}");
	assert_null(j.error);
	assert_int_equal(j.done, 11);
	assert_int_equal(j.total, 11);
	assert_string_equal(j.kind, "audit_verify");
	assert_true(j.created_at[0] && j.started_at[0] && j.finished_at[0]);
	job_info_free(&j);
	/* the verification is itself in the log, by the submitter */
	assert_int_equal(audit_count(f->db, "audit.verify", AUDIT_SUCCESS), 1);
}

static void test_audit_verify_job_reports_tampering(void **state)
{
	struct fixture *f = *state;
	struct actor aud = make_actor(6, "aud", ROLE_AUDITOR);
	struct err_report er = ERR_REPORT_INIT;
	struct job_info j;
	int64_t id;

	for (int i = 0; i < 5; i++) {
		struct audit_entry e = { .action = "user.update", .outcome = AUDIT_SUCCESS };

		assert_int_equal(audit_append(f->db, &aud, &e, &er), SG_OK);
	}
	assert_int_equal(db_exec(f->db, "DROP TRIGGER audit_log_no_update; "
				     "UPDATE audit_log SET outcome = 'failure' "
				     "WHERE id = 3"), 0);
	start(f, 1);
	id = submit(f->db, &aud, "audit_verify", NULL);
	wait_state(f->db, id, "succeeded", &j);
	assert_string_equal(j.result, "{\"ok\":false,\"records\":2,\"bad_id\":3,"
				      "\"reason\":\"hash mismatch (record edited)\"}");
	job_info_free(&j);
	assert_int_equal(audit_count(f->db, "audit.verify", AUDIT_FAILURE), 1);
}

static void test_progress_is_written_while_running(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct err_report er = ERR_REPORT_INIT;
	struct job_info j;
	int64_t id, last = -1;
	int intermediate = 0, writes = 0;

	start(f, 1);
	id = submit(f->db, &w, "count", "{\"n\":40}");
	for (int i = 0; i < 400; i++) {
		assert_int_equal(jobs_get(f->db, &w, id, &j, &er), SG_OK);
		if (!strcmp(j.state, "running")) {
			assert_true(j.done >= last);
			if (j.done != last)
				writes++;
			last = j.done;
			if (j.done > 0 && j.done < 40)
				intermediate = 1;
		}
		if (!strcmp(j.state, "succeeded"))
			break;
		job_info_free(&j);
		sleep_ms(20);
	}
	assert_string_equal(j.state, "succeeded");
	assert_int_equal(j.done, 40);
	assert_int_equal(j.total, 40);
	assert_string_equal(j.result, "{\"n\":40}");
	job_info_free(&j);
	assert_true(intermediate);
	/* 40 steps of 20 ms take 800 ms: throttled to about 4 writes */
	assert_true(writes <= 6);
}

static void test_failures_are_stored(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct job_info j;
	int64_t a, b;

	start(f, 2);
	a = submit(f->db, &w, "fail", NULL);
	b = submit(f->db, &w, "garbage", NULL);
	wait_state(f->db, a, "failed", &j);
	assert_string_equal(j.error, "bad row 3");
	assert_null(j.result);
	assert_true(j.finished_at[0] != '\0');
	job_info_free(&j);
	wait_state(f->db, b, "failed", &j);
	assert_non_null(strstr(j.error, "not JSON"));
	assert_null(j.result);
	job_info_free(&j);
}

static void test_crash_recovery_marks_running_failed(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct job_info j;
	db_stmt_t *st;
	int64_t queued;

	/* as a killed server leaves them: one running, one still queued */
	st = db_prepare(f->db, "INSERT INTO jobs (id, kind, state, user_id, login, "
			       "role, created_at, started_at) VALUES (77, 'count', "
			       "'running', 10, 'w', 'worker', '2026-11-22T07:00:00Z', "
			       "'2026-11-22T07:00:01Z')");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	queued = submit(f->db, &w, "count", "{\"n\":1}");
	start(f, 1);
	wait_state(f->db, 77, "failed", &j);
	assert_string_equal(j.error, "interrupted (server stopped)");
	assert_true(j.finished_at[0] != '\0');
	job_info_free(&j);
	wait_state(f->db, queued, "succeeded", &j);
	job_info_free(&j);
}

static void test_stop_interrupts_running_job(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct job_info j;
	int64_t id, later;

	start(f, 1);
	id = submit(f->db, &w, "count", "{\"n\":1000}");
	wait_state(f->db, id, "running", &j);
	job_info_free(&j);
	later = submit(f->db, &w, "count", "{\"n\":1}");
	jobs_stop();
	assert_int_equal(jobs_should_stop(), 1);
	wait_state(f->db, id, "failed", &j);
	assert_string_equal(j.error, "interrupted (server stopped)");
	job_info_free(&j);
	/* a job not yet started waits for the next start */
	wait_state(f->db, later, "queued", &j);
	job_info_free(&j);
	start(f, 1);
	assert_int_equal(jobs_should_stop(), 0);
	wait_state(f->db, later, "succeeded", &j);
	job_info_free(&j);
}

static void test_jobs_from_another_process_are_polled(void **state)
{
	struct fixture *f = *state;
	struct job_info j;
	struct timespec t0, t1;
	db_stmt_t *st;

	start(f, 1);
	sleep_ms(100); /* the worker is idle, waiting */
	/* a row inserted behind the pool's back: nobody signals the workers */
	st = db_prepare(f->db, "INSERT INTO jobs (id, kind, user_id, login, role, "
			       "params, created_at) VALUES (500, 'count', 10, 'w', "
			       "'worker', '{\"n\":1}', '2026-11-22T07:00:00Z')");
	assert_int_equal(db_step(st), DB_DONE);
	db_done(st);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	wait_state(f->db, 500, "succeeded", &j);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	job_info_free(&j);
	assert_true(t1.tv_sec - t0.tv_sec <= 2);
}

static void test_who_sees_which_job(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct actor other = make_actor(11, "x", ROLE_WORKER);
	struct actor bureau = make_actor(12, "b", ROLE_BUREAU);
	struct actor sec = make_actor(13, "sec", ROLE_SECADMIN);
	struct actor aud = make_actor(14, "aud", ROLE_AUDITOR);
	struct actor sys = make_actor(15, "root", ROLE_SYSADMIN);
	struct err_report er = ERR_REPORT_INIT;
	struct job_info j;
	int64_t mine, audit;

	mine = submit(f->db, &w, "count", "{\"n\":1}");
	audit = submit(f->db, &sec, "audit_verify", NULL);

	assert_int_equal(jobs_get(f->db, &w, mine, &j, &er), SG_OK);
	assert_string_equal(j.state, "queued");
	assert_int_equal(j.done, 0);
	assert_string_equal(j.started_at, "");
	job_info_free(&j);
	assert_int_equal(jobs_get(f->db, &other, mine, &j, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(jobs_get(f->db, &bureau, mine, &j, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(jobs_get(f->db, &aud, mine, &j, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(jobs_get(f->db, actor_system(), mine, &j, &er), SG_OK);
	job_info_free(&j);

	assert_int_equal(jobs_get(f->db, &sec, audit, &j, &er), SG_OK);
	job_info_free(&j);
	assert_int_equal(jobs_get(f->db, &aud, audit, &j, &er), SG_OK);
	job_info_free(&j);
	assert_int_equal(jobs_get(f->db, &sys, audit, &j, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(jobs_get(f->db, &w, audit, &j, &er), SG_ERR_NOT_FOUND);
	assert_int_equal(jobs_get(f->db, &w, 999, &j, &er), SG_ERR_NOT_FOUND);
}

static void test_submit_checks(void **state)
{
	struct fixture *f = *state;
	struct actor w = make_actor(10, "w", ROLE_WORKER);
	struct actor sys = make_actor(15, "root", ROLE_SYSADMIN);
	struct err_report er = ERR_REPORT_INIT;
	int64_t id;

	assert_int_equal(jobs_submit(f->db, &w, "nope", NULL, &id, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "kind");
	err_clear(&er);
	assert_int_equal(jobs_submit(f->db, &w, "count", "[1]", &id, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "params");
	err_clear(&er);
	assert_int_equal(jobs_submit(f->db, &w, "count", "{\"n\":", &id, &er),
			 SG_ERR_INVALID);
	err_clear(&er);
	/* the system administrator has nothing to do with the audit log */
	assert_int_equal(jobs_submit(f->db, &sys, "audit_verify", NULL, &id, &er),
			 SG_ERR_FORBIDDEN);
	assert_int_equal(id, 0);
	assert_int_equal(audit_count(f->db, "job.submit", AUDIT_DENIED), 1);
	assert_int_equal(audit_count(f->db, "job.submit", AUDIT_SUCCESS), 0);
	/* the system actor may queue anything */
	assert_int_equal(jobs_submit(f->db, actor_system(), "audit_verify", NULL,
				     &id, &er), SG_OK);
}

static void test_start_fails_cleanly(void **state)
{
	struct err_report er = ERR_REPORT_INIT;

	(void)state;
	assert_int_not_equal(jobs_start("/nonexistent/dir/t.db", 2, &er), SG_OK);
	assert_true(er.detail[0] != '\0');
	jobs_stop(); /* nothing running: a no-op */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_submit_runs_audit_verify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_verify_job_reports_tampering, setup, teardown),
		cmocka_unit_test_setup_teardown(test_progress_is_written_while_running, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failures_are_stored, setup, teardown),
		cmocka_unit_test_setup_teardown(test_crash_recovery_marks_running_failed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_stop_interrupts_running_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_jobs_from_another_process_are_polled, setup, teardown),
		cmocka_unit_test_setup_teardown(test_who_sees_which_job, setup, teardown),
		cmocka_unit_test_setup_teardown(test_submit_checks, setup, teardown),
		cmocka_unit_test_setup_teardown(test_start_fails_cleanly, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
