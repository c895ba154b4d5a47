/*
 * pool.c: talent pool memberships; see pool.h.
 *
 * A membership is checked against the worker's scope through worker_get()
 * so that the rules of who sees a worker live in one place. Lists join
 * workers and filter on the region range of the scope, like worker_list.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pool.h"
#include "audit.h"
#include "region.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *const pool_names[] = { "leading", "supervisor", "mentor", "expert",
					   "trainee" };
static const char *const grade_names[] = { "junior", "intermediate", "senior" };

static int in_list(const char *const *list, size_t n, const char *s)
{
	for (size_t i = 0; s && i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

int pool_name_valid(const char *name)
{
	return in_list(pool_names, sizeof(pool_names) / sizeof(pool_names[0]), name);
}

int pool_grade_valid(const char *name)
{
	return in_list(grade_names, sizeof(grade_names) / sizeof(grade_names[0]), name);
}

/* Today in China (UTC+8), YYYY-MM-DD. */
static void today(char out[11])
{
	time_t t = util_now() + 8 * 3600;
	struct tm tm;
	char d[40];

	gmtime_r(&t, &tm);
	snprintf(d, sizeof(d), "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday);
	util_strlcpy(out, d, 11);
}

static const char *nz(db_stmt_t *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? s : "";
}

static void opt(struct json_writer *jw, const char *k, const char *v)
{
	jw_kv_str(jw, k, v[0] ? v : NULL);
}

void pool_member_write_json(struct json_writer *jw, const struct pool_member *m)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", m->id);
	jw_kv_int(jw, "worker_id", m->worker_id);
	jw_kv_str(jw, "pool", m->pool);
	opt(jw, "grade", m->grade);
	jw_kv_str(jw, "joined_on", m->joined_on);
	opt(jw, "recertify_on", m->recertify_on);
	opt(jw, "removed_at", m->removed_at);
	if (m->name[0]) {
		jw_key(jw, "worker");
		jw_obj_begin(jw);
		jw_kv_str(jw, "name", m->name);
		jw_kv_str(jw, "id_number", m->id_masked);
		jw_kv_str(jw, "region_code", m->region_code);
		opt(jw, "org_name", m->org_name);
		jw_kv_str(jw, "level", worker_level_name(m->level));
		jw_obj_end(jw);
	}
	jw_obj_end(jw);
}

#define MEMBER_COLS "SELECT p.id, p.worker_id, p.pool, p.grade, p.joined_on," \
	" p.recertify_on, p.created_at, p.removed_at, w.name, w.id_masked," \
	" w.region_code, w.org_name, w.level FROM worker_pools p" \
	" JOIN workers w ON w.id = p.worker_id"

static void read_member(db_stmt_t *st, struct pool_member *m)
{
	memset(m, 0, sizeof(*m));
	m->id = db_col_int(st, 0);
	m->worker_id = db_col_int(st, 1);
	util_strlcpy(m->pool, nz(st, 2), sizeof(m->pool));
	util_strlcpy(m->grade, nz(st, 3), sizeof(m->grade));
	util_strlcpy(m->joined_on, nz(st, 4), sizeof(m->joined_on));
	util_strlcpy(m->recertify_on, nz(st, 5), sizeof(m->recertify_on));
	util_strlcpy(m->created_at, nz(st, 6), sizeof(m->created_at));
	util_strlcpy(m->removed_at, nz(st, 7), sizeof(m->removed_at));
	util_strlcpy(m->name, nz(st, 8), sizeof(m->name));
	util_strlcpy(m->id_masked, nz(st, 9), sizeof(m->id_masked));
	util_strlcpy(m->region_code, nz(st, 10), sizeof(m->region_code));
	util_strlcpy(m->org_name, nz(st, 11), sizeof(m->org_name));
	m->level = (int)db_col_int(st, 12);
}

/* worker_get() for the scope check, discarding the record. */
static sg_err worker_visible(db_t *db, const struct actor *who, int64_t id,
			     struct err_report *er)
{
	struct worker *w = malloc(sizeof(*w));
	sg_err code;

	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	code = worker_get(db, who, id, w, er);
	free(w);
	return code;
}

static sg_err audit_pool(db_t *db, const struct actor *who, const char *action,
			 int64_t worker_id, const char *details, struct err_report *er)
{
	char object[24];
	struct audit_entry e = {
		.action = action,
		.object_type = "worker",
		.object_id = object,
		.outcome = AUDIT_SUCCESS,
		.details_json = details,
	};

	snprintf(object, sizeof(object), "%lld", (long long)worker_id);
	return audit_append(db, who, &e, er);
}

/* One year after date (29 February becomes 28 February). */
static void plus_year(const char *date, char out[11])
{
	char d[40];
	int y = 0, m = 0, day = 0;

	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &day) != 3) {
		out[0] = '\0';
		return;
	}
	if (m == 2 && day == 29)
		day = 28;
	snprintf(d, sizeof(d), "%04d-%02d-%02d", y + 1, m, day);
	util_strlcpy(out, d, 11);
}

sg_err pool_add(db_t *db, const struct actor *who, int64_t worker_id,
		const struct pool_input *in, int64_t *id, struct err_report *er)
{
	char now[UTIL_TIME_LEN], day[11], recert[11] = "", details[160];
	int supervisor;
	sg_err code;
	db_stmt_t *st;
	int rc;

	*id = 0;
	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau manages talent pools");
	if ((code = worker_visible(db, who, worker_id, er)) != SG_OK)
		return code;
	today(day);
	if (!in->pool || !in->pool[0])
		err_field(er, "pool", "required", "is required");
	else if (!pool_name_valid(in->pool))
		err_field(er, "pool", "invalid",
			  "one of leading, supervisor, mentor, expert, trainee");
	supervisor = in->pool && strcmp(in->pool, "supervisor") == 0;
	if (supervisor && (!in->grade || !in->grade[0]))
		err_field(er, "grade", "required", "is required for supervisors");
	else if (supervisor && !pool_grade_valid(in->grade))
		err_field(er, "grade", "invalid", "one of junior, intermediate, senior");
	else if (!supervisor && in->grade && in->grade[0])
		err_field(er, "grade", "invalid", "only supervisors have a grade");
	if (!in->joined_on || !in->joined_on[0])
		err_field(er, "joined_on", "required", "is required");
	else if (!input_date_valid(in->joined_on))
		err_field(er, "joined_on", "invalid", "a date YYYY-MM-DD");
	else if (strcmp(in->joined_on, day) > 0)
		err_field(er, "joined_on", "future", "must not be after today (%s)", day);
	if (in->recertify_on && in->recertify_on[0]) {
		if (!input_date_valid(in->recertify_on))
			err_field(er, "recertify_on", "invalid", "a date YYYY-MM-DD");
		else
			util_strlcpy(recert, in->recertify_on, sizeof(recert));
	} else if (supervisor && in->joined_on && input_date_valid(in->joined_on)) {
		plus_year(in->joined_on, recert);
	}
	if (er->code != SG_OK)
		return er->code;

	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO worker_pools (worker_id, pool, grade, joined_on,"
			    " recertify_on, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, worker_id);
	db_bind_text(st, 2, in->pool, -1);
	db_bind_text(st, 3, supervisor ? in->grade : NULL, -1);
	db_bind_text(st, 4, in->joined_on, -1);
	db_bind_text(st, 5, recert[0] ? recert : NULL, -1);
	db_bind_text(st, 6, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_ERR_UNIQUE) {
		err_set(er, SG_ERR_CONFLICT, "the worker is already in this pool");
		err_field(er, "pool", "duplicate", "already a member");
		code = SG_ERR_CONFLICT;
		goto fail;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"membership_id\":%lld,\"pool\":\"%s\"}",
		 (long long)*id, in->pool);
	if ((code = audit_pool(db, who, "worker.pool_add", worker_id, details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	return SG_OK;
fail:
	db_rollback(db);
	*id = 0;
	return code;
}

/* The active membership id of worker_id: SG_OK or NOT_FOUND; *pool set. */
static sg_err active_membership(db_t *db, int64_t worker_id, int64_t id, char pool[16],
				struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT pool FROM worker_pools WHERE id = ?"
				       " AND worker_id = ? AND removed_at IS NULL");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, worker_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(pool, nz(st, 0), 16);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such pool membership");
	return SG_OK;
}

sg_err pool_update(db_t *db, const struct actor *who, int64_t worker_id,
		   int64_t id, const char *grade, const char *recertify_on,
		   struct err_report *er)
{
	char pool[16] = "", details[160];
	struct buf fields = BUF_INIT(128);
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau manages talent pools");
	if ((code = worker_visible(db, who, worker_id, er)) != SG_OK ||
	    (code = active_membership(db, worker_id, id, pool, er)) != SG_OK)
		return code;
	if (grade && strcmp(pool, "supervisor") != 0)
		err_field(er, "grade", "invalid", "only supervisors have a grade");
	else if (grade && !pool_grade_valid(grade))
		err_field(er, "grade", "invalid", "one of junior, intermediate, senior");
	if (recertify_on && recertify_on[0] && !input_date_valid(recertify_on))
		err_field(er, "recertify_on", "invalid", "a date YYYY-MM-DD");
	if (er->code != SG_OK)
		return er->code;
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE worker_pools SET grade = coalesce(?, grade),"
			    " recertify_on = CASE WHEN ? THEN ? ELSE recertify_on END"
			    " WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, grade, -1);
	db_bind_int(st, 2, recertify_on != NULL);
	db_bind_text(st, 3, recertify_on && recertify_on[0] ? recertify_on : NULL, -1);
	db_bind_int(st, 4, id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	buf_addstr(&fields, grade && recertify_on ? "\"grade\",\"recertify_on\"" :
			    grade ? "\"grade\"" : recertify_on ? "\"recertify_on\"" : "");
	snprintf(details, sizeof(details), "{\"membership_id\":%lld,\"fields\":[%s]}",
		 (long long)id, buf_cstr(&fields));
	buf_release(&fields);
	if ((code = audit_pool(db, who, "worker.pool_update", worker_id, details, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

sg_err pool_remove(db_t *db, const struct actor *who, int64_t worker_id,
		   int64_t id, struct err_report *er)
{
	char pool[16] = "", now[UTIL_TIME_LEN], details[160];
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau manages talent pools");
	if ((code = worker_visible(db, who, worker_id, er)) != SG_OK ||
	    (code = active_membership(db, worker_id, id, pool, er)) != SG_OK)
		return code;
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE worker_pools SET removed_at = ? WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, now, -1);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"membership_id\":%lld,\"pool\":\"%s\"}",
		 (long long)id, pool);
	if ((code = audit_pool(db, who, "worker.pool_remove", worker_id, details,
			       er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	return SG_OK;
fail:
	db_rollback(db);
	return code;
}

sg_err pool_of_worker(db_t *db, const struct actor *who, int64_t worker_id,
		      int (*each)(const struct pool_member *m, void *arg), void *arg,
		      struct err_report *er)
{
	struct pool_member m;
	sg_err code;
	db_stmt_t *st;
	int rc;

	if ((code = worker_visible(db, who, worker_id, er)) != SG_OK)
		return code;
	st = db_prepare(db, MEMBER_COLS " WHERE p.worker_id = ? ORDER BY p.joined_on, p.id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	while ((rc = db_step(st)) == DB_ROW) {
		read_member(st, &m);
		if (each(&m, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Bind the parameters that the WHERE of pool_list uses (see there). */
static void bind_filter(db_stmt_t *st, const char *const binds[5], int level)
{
	for (int i = 0; i < 5; i++)
		if (binds[i])
			db_bind_text(st, i + 1, binds[i], -1);
	if (level >= 0)
		db_bind_int(st, 6, level);
}

sg_err pool_list(db_t *db, const struct actor *who, const struct pool_filter *f,
		 int64_t offset, int64_t limit,
		 int (*each)(const struct pool_member *m, void *arg), void *arg,
		 int64_t *total, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct buf where = BUF_INIT(1024), sql = BUF_INIT(2048);
	const char *binds[5] = { NULL, NULL, NULL, NULL, NULL };
	int level = -1;
	struct pool_member m;
	sg_err code = SG_OK;
	db_stmt_t *st = NULL;
	int rc;

	*total = 0;
	if (who->role != ROLE_BUREAU && who->role != ROLE_ORG && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not see worker records");
	if (!f->pool || !pool_name_valid(f->pool))
		err_field(er, "pool", "invalid",
			  "one of leading, supervisor, mentor, expert, trainee");
	if (f->region && f->region[0]) {
		if (region_check_ref(db, who, "region", f->region, er) == SG_ERR_DB)
			return SG_ERR_DB;
		region_prefix_range(f->region, lo, hi);
	} else {
		region_prefix_range(who->region_code, lo, hi);
	}
	/* numbered parameters: ?1..?3 always, ?4 grade, ?5 due_by, ?6 level */
	buf_addstr(&where, " WHERE p.pool = ?1 AND p.removed_at IS NULL"
			   " AND w.region_code >= ?2 AND w.region_code < ?3");
	binds[0] = f->pool;
	binds[1] = lo;
	binds[2] = hi;
	if (f->level && f->level[0]) {
		if ((level = worker_level_from_name(f->level)) < 0)
			err_field(er, "level", "invalid",
				  "one of none, assistant, intermediate, senior");
		else
			buf_addstr(&where, " AND w.level = ?6");
	}
	if (f->grade && f->grade[0]) {
		if (!pool_grade_valid(f->grade))
			err_field(er, "grade", "invalid", "one of junior, intermediate, senior");
		buf_addstr(&where, " AND p.grade = ?4");
		binds[3] = f->grade;
	}
	if (f->due_by && f->due_by[0]) {
		if (!input_date_valid(f->due_by))
			err_field(er, "due_by", "invalid", "a date YYYY-MM-DD");
		buf_addstr(&where, " AND p.recertify_on <= ?5");
		binds[4] = f->due_by;
	}
	if ((code = er->code) != SG_OK)
		goto out;

	buf_printf(&sql, "SELECT count(*) FROM worker_pools p JOIN workers w"
			 " ON w.id = p.worker_id%s", buf_cstr(&where));
	if (!(st = db_prepare(db, buf_cstr(&sql)))) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	bind_filter(st, binds, level);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto out;
	}
	if (!each)
		goto out;
	buf_reset(&sql);
	buf_printf(&sql, MEMBER_COLS "%s ORDER BY w.name, p.id LIMIT ?7 OFFSET ?8",
		   buf_cstr(&where));
	if (!(st = db_prepare(db, buf_cstr(&sql)))) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	bind_filter(st, binds, level);
	db_bind_int(st, 7, limit);
	db_bind_int(st, 8, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		read_member(st, &m);
		if (each(&m, arg))
			break;
	}
	db_done(st);
	if (rc < 0)
		code = db_fail(db, rc, er);
out:
	buf_release(&sql);
	buf_release(&where);
	return code;
}
