/*
 * jobs.c: the job queue and its worker pool; see jobs.h.
 *
 * The queue is the jobs table itself, so that jobs survive restarts and a
 * CLI process can queue work for a running server. A worker claims the
 * oldest queued job with one UPDATE ... RETURNING, which the database runs
 * under its write lock: two workers (or two processes) never claim the same
 * job. Idle workers sleep on a condition variable that jobs_submit() in
 * this process signals, and wake once a second to look for jobs queued
 * elsewhere.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "jobs.h"
#include "audit.h"
#include "../core/json.h"
#include "../core/log.h"
#include "../io/export_job.h" /* job_export, EXPORT_ROLES */
#include "../io/import_job.h" /* job_import */
#include "../core/banned.h"

#define JOB_RESULT_MAX (4u << 20)
#define PROGRESS_INTERVAL_MS 250
#define POLL_INTERVAL_MS 1000
#define INTERRUPTED "interrupted (server stopped)"

static sg_err job_audit_verify(struct job_ctx *ctx, struct err_report *er);

struct job_kind {
	const char *name;
	job_fn fn;
	unsigned submit;  /* roles that may queue it (ROLE_BIT mask) */
	unsigned oversee; /* roles that see everyone's jobs of it, not only theirs */
};

/* One line per kind. */
static const struct job_kind kinds[] = {
	{ "audit_verify", job_audit_verify, ROLES_AUDIT_READERS, ROLES_AUDIT_READERS },
	{ "import", job_import, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG), 0 },
	{ "export", job_export, EXPORT_ROLES, 0 },
};

/* Looked up through these so that the unit test can run its own kinds. */
static const struct job_kind *kind_table = kinds;
static size_t kind_count = sizeof(kinds) / sizeof(kinds[0]);

struct worker {
	pthread_t tid;
	db_t *db;
	int started;
};

static struct {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	uint64_t generation;  /* bumped by every submit and by stop */
	atomic_int stop;
	struct worker *workers;
	int nworkers;
	int running;
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

static pthread_once_t wake_once = PTHREAD_ONCE_INIT;

/* The idle wait is a timeout on the monotonic clock: immune to clock steps. */
static void wake_init(void)
{
	pthread_condattr_t attr;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&pool.wake, &attr);
	pthread_condattr_destroy(&attr);
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static const struct job_kind *kind_find(const char *name)
{
	for (size_t i = 0; name && i < kind_count; i++)
		if (!strcmp(kind_table[i].name, name))
			return &kind_table[i];
	return NULL;
}

static int may_submit(const struct actor *who, const struct job_kind *k)
{
	return who->role == ROLE_SYSTEM || role_in(who->role, k->submit);
}

static int may_oversee(const struct actor *who, const struct job_kind *k)
{
	return who->role == ROLE_SYSTEM || (k && role_in(who->role, k->oversee));
}

int jobs_should_stop(void)
{
	return atomic_load(&pool.stop);
}

void jobs_progress(struct job_ctx *ctx, int64_t done, int64_t total)
{
	char now[UTIL_TIME_LEN];
	int64_t t = mono_ms();
	db_stmt_t *st;

	ctx->done = done;
	ctx->total = total;
	if (done != total && t - ctx->last_write_ms < PROGRESS_INTERVAL_MS)
		return;
	ctx->last_write_ms = t;
	util_time_iso(util_now(), now);
	st = db_prepare(ctx->db, "UPDATE jobs SET done = ?, total = ?, "
				 "heartbeat_at = ? WHERE id = ?");
	if (!st)
		return;
	db_bind_int(st, 1, done);
	db_bind_int(st, 2, total);
	db_bind_text(st, 3, now, -1);
	db_bind_int(st, 4, ctx->id);
	/* progress is advisory: a failed write only delays the next one */
	if (db_step(st) < 0)
		log_warn("job %lld: progress not saved: %s", (long long)ctx->id,
			 db_errmsg(ctx->db));
	db_done(st);
}

static void wake_workers(void)
{
	pthread_once(&wake_once, wake_init);
	pthread_mutex_lock(&pool.lock);
	pool.generation++;
	pthread_cond_broadcast(&pool.wake);
	pthread_mutex_unlock(&pool.lock);
}

static sg_err submit_denied(db_t *db, const struct actor *who,
			    const char *kind, struct err_report *er)
{
	struct err_report ignored = ERR_REPORT_INIT;
	struct buf details = BUF_INIT(256);
	struct json_writer jw;
	struct audit_entry e = {
		.action = "job.submit",
		.object_type = "job",
		.outcome = AUDIT_DENIED,
	};

	jw_init(&jw, &details);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", kind);
	jw_obj_end(&jw);
	if (!jw_finish(&jw)) {
		e.details_json = buf_cstr(&details);
		audit_append(db, who, &e, &ignored);
	}
	buf_release(&details);
	return err_set(er, SG_ERR_FORBIDDEN, "your role (%s) may not run %s",
		       role_name(who->role), kind);
}

sg_err jobs_submit(db_t *db, const struct actor *who, const char *kind,
		   const char *params_json, int64_t *id_out,
		   struct err_report *er)
{
	const struct job_kind *k = kind_find(kind);
	struct buf details = BUF_INIT(256);
	struct json_writer jw;
	char now[UTIL_TIME_LEN], id_text[24];
	db_stmt_t *st = NULL;
	sg_err result = SG_OK;
	int64_t id = 0;
	int rc;

	*id_out = 0;
	if (!k)
		return err_field(er, "kind", "unknown", "no such job kind");
	if (params_json) {
		json_error_t jerr;
		json_t *p = json_loads(params_json, JSON_REJECT_DUPLICATES, &jerr);
		int ok = json_is_object(p);

		json_decref(p);
		if (!ok)
			return err_field(er, "params", "invalid",
					 "must be a JSON object");
	}
	if (!may_submit(who, k))
		return submit_denied(db, who, k->name, er);

	util_time_iso(util_now(), now);
	rc = db_begin(db);
	if (rc < 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO jobs (kind, state, user_id, login, role, "
			    "region_code, params, created_at) "
			    "VALUES (?, 'queued', ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st) {
		rc = DB_ERR;
		goto fail;
	}
	db_bind_text(st, 1, k->name, -1);
	if (who->user_id)
		db_bind_int(st, 2, who->user_id);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, who->login, -1);
	db_bind_text(st, 4, role_name(who->role), -1);
	db_bind_text(st, 5, who->region_code, -1);
	db_bind_text(st, 6, params_json, -1);
	db_bind_text(st, 7, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		id = db_col_int(st, 0);
		rc = db_step(st);
	}
	db_done(st);
	if (rc < 0)
		goto fail;

	jw_init(&jw, &details);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "kind", k->name);
	jw_obj_end(&jw);
	if (jw_finish(&jw)) {
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
		db_rollback(db);
		goto out;
	}
	snprintf(id_text, sizeof(id_text), "%lld", (long long)id);
	{
		struct audit_entry e = {
			.action = "job.submit",
			.object_type = "job",
			.object_id = id_text,
			.outcome = AUDIT_SUCCESS,
			.details_json = buf_cstr(&details),
		};

		result = audit_append(db, who, &e, er);
	}
	if (result != SG_OK) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db);
	if (rc < 0) {
		result = db_fail(db, rc, er);
		goto out;
	}
	*id_out = id;
	wake_workers();
	goto out;
fail:
	result = db_fail(db, rc, er);
	db_rollback(db);
out:
	buf_release(&details);
	return result;
}

static char *dup_col(db_stmt_t *st, int col)
{
	const char *s = db_col_text(st, col);

	return s ? strdup(s) : NULL;
}

static void copy_col(db_stmt_t *st, int col, char *out, size_t n)
{
	const char *s = db_col_text(st, col);

	util_strlcpy(out, s ? s : "", n);
}

sg_err jobs_get(db_t *db, const struct actor *who, int64_t id,
		struct job_info *out, struct err_report *er)
{
	db_stmt_t *st;
	sg_err result = SG_OK;
	int rc, visible;

	memset(out, 0, sizeof(*out));
	st = db_prepare(db, "SELECT id, kind, state, user_id, done, total, result, "
			    "error, created_at, started_at, finished_at "
			    "FROM jobs WHERE id = ?");
	if (!st)
		return err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc < 0) {
		result = db_fail(db, rc, er);
		goto out;
	}
	visible = rc == DB_ROW &&
		  ((who->user_id && !db_col_is_null(st, 3) &&
		    db_col_int(st, 3) == who->user_id) ||
		   may_oversee(who, kind_find(db_col_text(st, 1))));
	if (!visible) {
		result = err_set(er, SG_ERR_NOT_FOUND, "no job %lld", (long long)id);
		goto out;
	}
	out->id = db_col_int(st, 0);
	copy_col(st, 1, out->kind, sizeof(out->kind));
	copy_col(st, 2, out->state, sizeof(out->state));
	out->done = db_col_int(st, 4);
	out->total = db_col_int(st, 5);
	out->result = dup_col(st, 6);
	out->error = dup_col(st, 7);
	copy_col(st, 8, out->created_at, sizeof(out->created_at));
	copy_col(st, 9, out->started_at, sizeof(out->started_at));
	copy_col(st, 10, out->finished_at, sizeof(out->finished_at));
	if ((!db_col_is_null(st, 6) && !out->result) ||
	    (!db_col_is_null(st, 7) && !out->error)) {
		job_info_free(out);
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
	}
out:
	db_done(st);
	return result;
}

void job_info_free(struct job_info *j)
{
	free(j->result);
	free(j->error);
	j->result = NULL;
	j->error = NULL;
}

/* A claimed job: what the claiming UPDATE returned, owned here. */
struct claimed {
	int64_t id;
	char kind[JOB_KIND_MAX];
	struct actor who;
	char *params;
};

/* Claim the oldest queued job: 1 claimed, 0 none queued, -1 error. */
static int claim(db_t *db, struct claimed *c)
{
	char now[UTIL_TIME_LEN], role[32];
	db_stmt_t *st;
	int rc, got = 0;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE jobs SET state = 'running', started_at = ?, "
			    "heartbeat_at = ? WHERE id = (SELECT id FROM jobs "
			    "WHERE state = 'queued' ORDER BY id LIMIT 1) "
			    "AND state = 'queued' RETURNING id, kind, user_id, "
			    "login, role, region_code, params");
	if (!st)
		return -1;
	db_bind_text(st, 1, now, -1);
	db_bind_text(st, 2, now, -1);
	memset(c, 0, sizeof(*c));
	rc = db_step(st);
	if (rc == DB_ROW) {
		got = 1;
		c->id = db_col_int(st, 0);
		copy_col(st, 1, c->kind, sizeof(c->kind));
		c->who.user_id = db_col_int(st, 2);
		copy_col(st, 3, c->who.login, sizeof(c->who.login));
		util_strlcpy(c->who.display_name, c->who.login,
			     sizeof(c->who.display_name));
		copy_col(st, 4, role, sizeof(role));
		c->who.role = strcmp(role, role_name(ROLE_SYSTEM)) ?
			      role_from_name(role) : ROLE_SYSTEM;
		copy_col(st, 5, c->who.region_code, sizeof(c->who.region_code));
		c->params = dup_col(st, 6);
		rc = db_step(st);
	}
	db_done(st);
	if (rc < 0) {
		log_error("jobs: cannot claim a job: %s", db_errmsg(db));
		free(c->params);
		c->params = NULL;
		return -1;
	}
	return got;
}

/* Store the end state; the row stays 'running' only if this fails. */
static void finish(db_t *db, const struct job_ctx *ctx, const char *state,
		   const char *result, const char *error)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc = DB_ERR;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE jobs SET state = ?, done = ?, total = ?, "
			    "result = ?, error = ?, finished_at = ?, heartbeat_at = ? "
			    "WHERE id = ? AND state = 'running'");
	if (st) {
		db_bind_text(st, 1, state, -1);
		db_bind_int(st, 2, ctx->done);
		db_bind_int(st, 3, ctx->total);
		db_bind_text(st, 4, result, -1);
		db_bind_text(st, 5, error, -1);
		db_bind_text(st, 6, now, -1);
		db_bind_text(st, 7, now, -1);
		db_bind_int(st, 8, ctx->id);
		rc = db_step(st);
		db_done(st);
	}
	if (rc < 0)
		log_error("job %lld: cannot store its end: %s", (long long)ctx->id,
			  db_errmsg(db));
	else if (error)
		log_warn("job %lld (%s) failed: %s", (long long)ctx->id,
			 ctx->kind, error);
	else
		log_info("job %lld (%s) succeeded", (long long)ctx->id, ctx->kind);
}

static void run(db_t *db, struct claimed *c)
{
	const struct job_kind *k = kind_find(c->kind);
	struct err_report er = ERR_REPORT_INIT;
	struct job_ctx ctx = {
		.id = c->id,
		.kind = c->kind,
		.db = db,
		.who = c->who,
		.params = c->params,
		.result = BUF_INIT(JOB_RESULT_MAX),
	};
	sg_err code;

	if (!k) {
		finish(db, &ctx, "failed", NULL, "unknown job kind");
		return;
	}
	code = k->fn(&ctx, &er);
	if (code != SG_OK && jobs_should_stop()) {
		finish(db, &ctx, "failed", NULL, INTERRUPTED);
	} else if (code != SG_OK) {
		finish(db, &ctx, "failed", NULL,
		       er.detail[0] ? er.detail : err_name(code));
	} else if (ctx.result.err) {
		finish(db, &ctx, "failed", NULL, "the job's result is too large");
	} else if (ctx.result.len == 0) {
		finish(db, &ctx, "succeeded", NULL, NULL);
	} else {
		json_error_t jerr;
		json_t *doc = json_loadb(ctx.result.ptr, ctx.result.len,
					 JSON_DECODE_ANY, &jerr);

		/* the API copies results verbatim into replies: JSON only */
		if (doc)
			finish(db, &ctx, "succeeded", buf_cstr(&ctx.result), NULL);
		else
			finish(db, &ctx, "failed", NULL,
			       "internal error: the job's result is not JSON");
		json_decref(doc);
	}
	buf_release(&ctx.result);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	while (!jobs_should_stop()) {
		struct claimed c;
		uint64_t gen;
		int got;

		pthread_mutex_lock(&pool.lock);
		gen = pool.generation;
		pthread_mutex_unlock(&pool.lock);
		got = claim(w->db, &c);
		if (got == 1) {
			run(w->db, &c);
			free(c.params);
			continue;
		}
		pthread_mutex_lock(&pool.lock);
		if (!jobs_should_stop() && gen == pool.generation) {
			struct timespec until;

			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += POLL_INTERVAL_MS / 1000;
			pthread_cond_timedwait(&pool.wake, &pool.lock, &until);
		}
		pthread_mutex_unlock(&pool.lock);
	}
	return NULL;
}

/* Jobs a dead process left 'running' will never finish: say so. */
static sg_err recover(db_t *db, struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE jobs SET state = 'failed', error = ?, "
			    "finished_at = ? WHERE state = 'running'");
	if (!st)
		return err_set(er, SG_ERR_DB, "%s", db_errmsg(db));
	db_bind_text(st, 1, INTERRUPTED, -1);
	db_bind_text(st, 2, now, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (db_changes(db) > 0)
		log_warn("jobs: %lld job(s) interrupted by the last stop marked failed",
			 (long long)db_changes(db));
	return SG_OK;
}

static void pool_free(void)
{
	for (int i = 0; i < pool.nworkers; i++)
		db_close(pool.workers[i].db);
	free(pool.workers);
	pool.workers = NULL;
	pool.nworkers = 0;
	pool.running = 0;
}

void jobs_stop(void)
{
	if (!pool.running)
		return;
	atomic_store(&pool.stop, 1);
	wake_workers();
	for (int i = 0; i < pool.nworkers; i++)
		if (pool.workers[i].started)
			pthread_join(pool.workers[i].tid, NULL);
	pool_free();
}

sg_err jobs_start(const char *db_path, int nthreads, struct err_report *er)
{
	sg_err result;

	if (pool.running)
		return err_set(er, SG_ERR_INTERNAL, "jobs: already started");
	pthread_once(&wake_once, wake_init);
	if (nthreads < 1)
		nthreads = 1;
	pool.workers = calloc((size_t)nthreads, sizeof(*pool.workers));
	if (!pool.workers)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	pool.nworkers = nthreads;
	pool.running = 1;
	atomic_store(&pool.stop, 0);
	for (int i = 0; i < nthreads; i++) {
		result = db_open(db_path, DB_OPEN_BULK, &pool.workers[i].db, er);
		if (result != SG_OK)
			goto fail;
	}
	result = recover(pool.workers[0].db, er);
	if (result != SG_OK)
		goto fail;
	for (int i = 0; i < nthreads; i++) {
		int e = pthread_create(&pool.workers[i].tid, NULL, worker_main,
				       &pool.workers[i]);

		if (e) {
			result = err_set(er, SG_ERR_IO,
					 "jobs: cannot start a worker: %s",
					 strerror(e));
			goto fail;
		}
		pool.workers[i].started = 1;
	}
	return SG_OK;
fail:
	jobs_stop();
	return result;
}

static void verify_progress(int64_t done, int64_t total, void *arg)
{
	jobs_progress(arg, done, total);
}

/* audit_verify: result {"ok","records"[,"bad_id","reason"]}, itself audited. */
static sg_err job_audit_verify(struct job_ctx *ctx, struct err_report *er)
{
	struct audit_verify_result res;
	struct buf details = BUF_INIT(512);
	struct json_writer jw;
	char id_text[24];
	sg_err result;

	result = audit_verify(ctx->db, &res, verify_progress, ctx, er);
	if (result != SG_OK)
		return result;
	jw_init(&jw, &ctx->result);
	jw_obj_begin(&jw);
	jw_kv_bool(&jw, "ok", res.ok);
	jw_kv_int(&jw, "records", res.records);
	if (!res.ok) {
		jw_kv_int(&jw, "bad_id", res.bad_id);
		jw_kv_str(&jw, "reason", res.reason);
	}
	jw_obj_end(&jw);

	jw_init(&jw, &details);
	jw_obj_begin(&jw);
	jw_kv_int(&jw, "job", ctx->id);
	jw_kv_int(&jw, "records", res.records);
	if (!res.ok) {
		jw_kv_int(&jw, "bad_id", res.bad_id);
		jw_kv_str(&jw, "reason", res.reason);
	}
	jw_obj_end(&jw);
	if (jw_finish(&jw)) {
		result = err_set(er, SG_ERR_NOMEM, "out of memory");
	} else {
		struct audit_entry e = {
			.action = "audit.verify",
			.object_type = "job",
			.object_id = id_text,
			.outcome = res.ok ? AUDIT_SUCCESS : AUDIT_FAILURE,
			.details_json = buf_cstr(&details),
		};

		snprintf(id_text, sizeof(id_text), "%lld", (long long)ctx->id);
		result = audit_append(ctx->db, &ctx->who, &e, er);
	}
	buf_release(&details);
	return result;
}
