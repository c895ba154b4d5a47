/*
 * employment.c: service history, honours and disciplinary records; see
 * employment.h.
 *
 * Every write goes through one checked path (check_input) and, for
 * employments, ends with sync_current(), which recomputes the worker's
 * current organisation from the rows rather than patching it, so that no
 * order of edits leaves workers.org_* stale.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "employment.h"
#include "audit.h"
#include "region.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *nz(db_stmt_t *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? s : "";
}

static void opt(struct json_writer *jw, const char *k, const char *v)
{
	jw_kv_str(jw, k, v[0] ? v : NULL);
}

static const char *empty_null(const char *s)
{
	return s && s[0] ? s : NULL;
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

static int may_write(const struct actor *who)
{
	return who->role == ROLE_BUREAU || who->role == ROLE_ORG ||
	       who->role == ROLE_SYSTEM;
}

static sg_err audit_history(db_t *db, const struct actor *who, const char *action,
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

/* The worker, scope checked; *w is malloc'd, the caller frees it. */
static sg_err load_worker(db_t *db, const struct actor *who, int64_t id,
			  struct worker **w, struct err_report *er)
{
	*w = malloc(sizeof(**w));
	if (!*w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	return worker_get(db, who, id, *w, er);
}

/* ---- employments ----------------------------------------------------- */

void employment_write_json(struct json_writer *jw, const struct employment *e)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", e->id);
	jw_kv_int(jw, "worker_id", e->worker_id);
	if (e->org_id)
		jw_kv_int(jw, "org_id", e->org_id);
	else
		jw_kv_null(jw, "org_id");
	jw_kv_str(jw, "org_name", e->org_name);
	opt(jw, "post", e->post);
	opt(jw, "field", e->field);
	jw_kv_str(jw, "started_on", e->started_on);
	opt(jw, "ended_on", e->ended_on);
	jw_kv_bool(jw, "current", e->ended_on[0] == '\0');
	jw_kv_str(jw, "created_at", e->created_at);
	jw_kv_str(jw, "updated_at", e->updated_at);
	jw_obj_end(jw);
}

#define EMP_COLS "SELECT id, worker_id, org_id, org_name, post, field, started_on," \
	" ended_on, created_at, updated_at FROM employments"

static void read_employment(db_stmt_t *st, struct employment *e)
{
	memset(e, 0, sizeof(*e));
	e->id = db_col_int(st, 0);
	e->worker_id = db_col_int(st, 1);
	e->org_id = db_col_int(st, 2);
	util_strlcpy(e->org_name, nz(st, 3), sizeof(e->org_name));
	util_strlcpy(e->post, nz(st, 4), sizeof(e->post));
	util_strlcpy(e->field, nz(st, 5), sizeof(e->field));
	util_strlcpy(e->started_on, nz(st, 6), sizeof(e->started_on));
	util_strlcpy(e->ended_on, nz(st, 7), sizeof(e->ended_on));
	util_strlcpy(e->created_at, nz(st, 8), sizeof(e->created_at));
	util_strlcpy(e->updated_at, nz(st, 9), sizeof(e->updated_at));
}

sg_err employment_list(db_t *db, const struct actor *who, int64_t worker_id,
		       int (*each)(const struct employment *e, void *arg), void *arg,
		       struct err_report *er)
{
	struct worker *w = NULL;
	struct employment e;
	sg_err code;
	db_stmt_t *st;
	int rc;

	code = load_worker(db, who, worker_id, &w, er);
	free(w);
	if (code != SG_OK)
		return code;
	st = db_prepare(db, EMP_COLS " WHERE worker_id = ?"
			    " ORDER BY started_on DESC, id DESC");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	while ((rc = db_step(st)) == DB_ROW) {
		read_employment(st, &e);
		if (each(&e, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/*
 * ?1..?2 the region range, ?3 a worker or 0, ?4 current 1 / ended 0 /
 * either NULL, ?5 an organisation or 0
 */
#define LEDGER_FROM " FROM employments e JOIN workers w ON w.id = e.worker_id" \
	" LEFT JOIN orgs o ON o.id = e.org_id" \
	" WHERE w.region_code >= ?1 AND w.region_code < ?2" \
	" AND (?3 = 0 OR e.worker_id = ?3) AND (?4 IS NULL OR (e.ended_on IS NULL) = ?4)" \
	" AND (?5 = 0 OR e.org_id = ?5)"

static db_stmt_t *ledger_prepare(db_t *db, const char *sql, const char *lo, const char *hi,
				 const struct employment_filter *f, int current)
{
	db_stmt_t *st = db_prepare(db, sql);

	if (st) {
		db_bind_text(st, 1, lo, -1);
		db_bind_text(st, 2, hi, -1);
		db_bind_int(st, 3, f->worker_id);
		if (current >= 0)
			db_bind_int(st, 4, current);
		db_bind_int(st, 5, f->org_id);
	}
	return st;
}

sg_err employment_ledger(db_t *db, const struct actor *who, const struct employment_filter *f,
			 int64_t offset, int64_t limit,
			 int (*each)(const struct employment_entry *entry, void *arg), void *arg,
			 int64_t *total, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	int current = -1, rc;
	struct employment e;
	db_stmt_t *st;

	*total = 0;
	if (!role_in(who->role, ROLE_BIT(ROLE_BUREAU) | ROLE_BIT(ROLE_ORG) | ROLE_BIT(ROLE_SYSTEM)))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not see worker records");
	if (f->region && f->region[0]) {
		if (region_check_ref(db, who, "region", f->region, er) != SG_OK)
			return er->code;
		region_prefix_range(f->region, lo, hi);
	} else {
		region_prefix_range(who->region_code, lo, hi);
	}
	if (f->current && f->current[0]) {
		if (!strcmp(f->current, "true"))
			current = 1;
		else if (!strcmp(f->current, "false"))
			current = 0;
		else
			return err_field(er, "current", "invalid", "true or false");
	}
	if (!(st = ledger_prepare(db, "SELECT count(*)" LEDGER_FROM, lo, hi, f, current)))
		return db_fail(db, DB_ERR, er);
	if ((rc = db_step(st)) == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	st = ledger_prepare(db, "SELECT e.id, e.worker_id, e.org_id, e.org_name, e.post, e.field,"
			    " e.started_on, e.ended_on, e.created_at, e.updated_at, w.name,"
			    " w.id_masked, w.region_code, o.credit_code" LEDGER_FROM
			    " ORDER BY e.worker_id, e.started_on DESC, e.id DESC LIMIT ?6 OFFSET ?7",
			    lo, hi, f, current);
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 6, limit);
	db_bind_int(st, 7, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		read_employment(st, &e);
		struct employment_entry entry = { &e, nz(st, 10), nz(st, 11), nz(st, 12), nz(st, 13) };

		if (each(&entry, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Row id of worker_id, no scope check: SG_OK, NOT_FOUND or DB. */
static sg_err fetch_employment(db_t *db, int64_t worker_id, int64_t id,
			       struct employment *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, EMP_COLS " WHERE id = ? AND worker_id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, worker_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_employment(st, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such employment");
	return SG_OK;
}

sg_err employment_get(db_t *db, const struct actor *who, int64_t worker_id,
		      int64_t id, struct employment *out, struct err_report *er)
{
	struct worker *w = NULL;
	sg_err code = load_worker(db, who, worker_id, &w, er);

	free(w);
	if (code != SG_OK)
		return code;
	return fetch_employment(db, worker_id, id, out, er);
}

/*
 * Check in against worker w and fill out (org_name taken from the
 * organisation when only org_id is given). Reports every bad field.
 */
static sg_err check_input(db_t *db, const struct actor *who, const struct worker *w,
			  const struct employment_input *in, struct employment *out,
			  struct err_report *er)
{
	char day[11];

	memset(out, 0, sizeof(*out));
	out->worker_id = w->id;
	today(day);
	if (in->org_id < 0) {
		err_field(er, "org_id", "invalid", "an organisation id");
	} else if (in->org_id > 0) {
		db_stmt_t *st = db_prepare(db, "SELECT name, region_code FROM orgs WHERE id = ?");
		int rc, visible = 0;

		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_int(st, 1, in->org_id);
		rc = db_step(st);
		if (rc == DB_ROW) {
			visible = actor_in_scope(who, nz(st, 1));
			util_strlcpy(out->org_name, nz(st, 0), sizeof(out->org_name));
		}
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		if (!visible)
			err_field(er, "org_id", "not_found", "no such organisation");
		else
			out->org_id = in->org_id;
	}
	if (in->org_name && in->org_name[0]) {
		if (input_text_ok(in->org_name, "org_name", 1, WORKER_ORG_NAME_MAX_CHARS, er))
			util_strlcpy(out->org_name, in->org_name, sizeof(out->org_name));
	} else if (in->org_id <= 0) {
		err_field(er, "org_name", "required", "is required without org_id");
	}
	if (in->post && in->post[0] &&
	    input_text_ok(in->post, "post", 1, WORKER_POST_MAX_CHARS, er))
		util_strlcpy(out->post, in->post, sizeof(out->post));
	if (in->field && in->field[0]) {
		if (worker_field_index(in->field) < 0)
			err_field(er, "field", "invalid", "not a service field code");
		else
			util_strlcpy(out->field, in->field, sizeof(out->field));
	}
	if (!in->started_on || !in->started_on[0])
		err_field(er, "started_on", "required", "is required");
	else if (!input_date_valid(in->started_on))
		err_field(er, "started_on", "invalid", "a date YYYY-MM-DD");
	else if (strcmp(in->started_on, day) > 0)
		err_field(er, "started_on", "future", "must not be after today (%s)", day);
	else if (strcmp(in->started_on, w->birth_date) <= 0)
		err_field(er, "started_on", "invalid", "must be after the birth date");
	else
		util_strlcpy(out->started_on, in->started_on, sizeof(out->started_on));
	if (in->ended_on && in->ended_on[0]) {
		if (!input_date_valid(in->ended_on))
			err_field(er, "ended_on", "invalid", "a date YYYY-MM-DD");
		else if (strcmp(in->ended_on, day) > 0)
			err_field(er, "ended_on", "future", "must not be after today (%s)", day);
		else if (out->started_on[0] && strcmp(in->ended_on, out->started_on) < 0)
			err_field(er, "ended_on", "invalid", "must not be before started_on");
		else
			util_strlcpy(out->ended_on, in->ended_on, sizeof(out->ended_on));
	}
	return er->code;
}

/* Make the worker's current organisation that of its latest current employment. */
static sg_err sync_current(db_t *db, int64_t worker_id, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT org_id, org_name, post,"
				       " (SELECT count(*) FROM employments WHERE worker_id = ?1)"
				       " FROM employments WHERE worker_id = ?1 AND ended_on IS NULL"
				       " ORDER BY started_on DESC, id DESC LIMIT 1");
	char name[WORKER_ORG_NAME_SIZE] = "", post[WORKER_POST_SIZE] = "";
	int64_t org_id = 0;
	int rc, any;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		org_id = db_col_int(st, 0);
		util_strlcpy(name, nz(st, 1), sizeof(name));
		util_strlcpy(post, nz(st, 2), sizeof(post));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc == DB_ROW)
		return worker_set_current_org_in_tx(db, worker_id, org_id, name, post, er);
	/* no current employment: clear only if there is any history at all */
	st = db_prepare(db, "SELECT 1 FROM employments WHERE worker_id = ? LIMIT 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	any = rc == DB_ROW;
	return any ? worker_set_current_org_in_tx(db, worker_id, 0, NULL, NULL, er) : SG_OK;
}

/* Insert (id 0, *id set) or replace row id with e, then sync; in a transaction. */
static sg_err write_row(db_t *db, int64_t *id, const struct employment *e,
			struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	if (*id == 0)
		st = db_prepare(db, "INSERT INTO employments (org_id, org_name, post, field,"
				    " started_on, ended_on, updated_at, worker_id, created_at)"
				    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?7) RETURNING id");
	else
		st = db_prepare(db, "UPDATE employments SET org_id = ?, org_name = ?, post = ?,"
				    " field = ?, started_on = ?, ended_on = ?, updated_at = ?"
				    " WHERE worker_id = ? AND id = ? RETURNING id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	if (e->org_id)
		db_bind_int(st, 1, e->org_id);
	else
		db_bind_null(st, 1);
	db_bind_text(st, 2, e->org_name, -1);
	db_bind_text(st, 3, empty_null(e->post), -1);
	db_bind_text(st, 4, empty_null(e->field), -1);
	db_bind_text(st, 5, e->started_on, -1);
	db_bind_text(st, 6, empty_null(e->ended_on), -1);
	db_bind_text(st, 7, now, -1);
	db_bind_int(st, 8, e->worker_id);
	if (*id)
		db_bind_int(st, 9, *id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	return sync_current(db, e->worker_id, er);
}

static int same(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* The names of the fields that differ between a and b, as JSON strings. */
static void changed_fields(const struct employment *a, const struct employment *b,
			   struct buf *out)
{
	const char *names[6];
	int n = 0;

	if (a->org_id != b->org_id)
		names[n++] = "org_id";
	if (!same(a->org_name, b->org_name))
		names[n++] = "org_name";
	if (!same(a->post, b->post))
		names[n++] = "post";
	if (!same(a->field, b->field))
		names[n++] = "field";
	if (!same(a->started_on, b->started_on))
		names[n++] = "started_on";
	if (!same(a->ended_on, b->ended_on))
		names[n++] = "ended_on";
	for (int i = 0; i < n; i++)
		buf_printf(out, "%s\"%s\"", i ? "," : "", names[i]);
}

sg_err employment_add(db_t *db, const struct actor *who, int64_t worker_id,
		      const struct employment_input *in, int64_t *id,
		      struct err_report *er)
{
	struct worker *w = NULL;
	struct employment e;
	char details[96];
	sg_err code;
	int rc;

	*id = 0;
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change worker records");
	if ((code = load_worker(db, who, worker_id, &w, er)) != SG_OK ||
	    (code = check_input(db, who, w, in, &e, er)) != SG_OK)
		goto out;
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = write_row(db, id, &e, er)) != SG_OK)
		goto fail;
	snprintf(details, sizeof(details), "{\"employment_id\":%lld}", (long long)*id);
	if ((code = audit_history(db, who, "worker.employment_add", worker_id, details,
				  er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	goto out;
fail:
	db_rollback(db);
	*id = 0;
out:
	free(w);
	return code;
}

sg_err employment_update(db_t *db, const struct actor *who, int64_t worker_id,
			 int64_t id, const struct employment_input *in,
			 struct err_report *er)
{
	struct worker *w = NULL;
	struct employment old, e;
	struct buf details = BUF_INIT(512);
	sg_err code;
	int rc;

	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change worker records");
	if ((code = load_worker(db, who, worker_id, &w, er)) != SG_OK ||
	    (code = fetch_employment(db, worker_id, id, &old, er)) != SG_OK ||
	    (code = check_input(db, who, w, in, &e, er)) != SG_OK)
		goto out;
	buf_printf(&details, "{\"employment_id\":%lld,\"fields\":[", (long long)id);
	changed_fields(&old, &e, &details);
	buf_addstr(&details, "]}");
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if ((code = write_row(db, &id, &e, er)) != SG_OK ||
	    (code = audit_history(db, who, "worker.employment_update", worker_id,
				  buf_cstr(&details), er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	goto out;
fail:
	db_rollback(db);
out:
	buf_release(&details);
	free(w);
	return code;
}

sg_err employment_delete(db_t *db, const struct actor *who, int64_t worker_id,
			 int64_t id, struct err_report *er)
{
	struct worker *w = NULL;
	struct employment old;
	char details[96];
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau deletes history entries");
	if ((code = load_worker(db, who, worker_id, &w, er)) != SG_OK ||
	    (code = fetch_employment(db, worker_id, id, &old, er)) != SG_OK)
		goto out;
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "DELETE FROM employments WHERE id = ? AND worker_id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, id);
	db_bind_int(st, 2, worker_id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"employment_id\":%lld}", (long long)id);
	if ((code = sync_current(db, worker_id, er)) != SG_OK ||
	    (code = audit_history(db, who, "worker.employment_delete", worker_id, details,
				  er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	goto out;
fail:
	db_rollback(db);
out:
	free(w);
	return code;
}

sg_err employment_upsert_in_tx(db_t *db, const struct actor *who, int64_t worker_id,
			       const struct employment_input *in, int *outcome,
			       struct err_report *er)
{
	struct worker *w = NULL;
	struct employment e, old;
	int64_t id = 0;
	sg_err code;
	db_stmt_t *st;
	int rc;

	*outcome = 0;
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change worker records");
	if ((code = load_worker(db, who, worker_id, &w, er)) != SG_OK ||
	    (code = check_input(db, who, w, in, &e, er)) != SG_OK)
		goto out;
	if (e.org_id)
		st = db_prepare(db, EMP_COLS " WHERE worker_id = ? AND started_on = ?"
					    " AND org_id = ? ORDER BY id LIMIT 1");
	else
		st = db_prepare(db, EMP_COLS " WHERE worker_id = ? AND started_on = ?"
					    " AND org_id IS NULL AND org_name = ? ORDER BY id LIMIT 1");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, worker_id);
	db_bind_text(st, 2, e.started_on, -1);
	if (e.org_id)
		db_bind_int(st, 3, e.org_id);
	else
		db_bind_text(st, 3, e.org_name, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		read_employment(st, &old);
		id = old.id;
	}
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (id && old.org_id == e.org_id && same(old.org_name, e.org_name) &&
	    same(old.post, e.post) && same(old.field, e.field) &&
	    same(old.ended_on, e.ended_on)) {
		*outcome = EMPLOYMENT_UPSERT_UNCHANGED;
		goto out;
	}
	*outcome = id ? EMPLOYMENT_UPSERT_UPDATED : EMPLOYMENT_UPSERT_INSERTED;
	code = write_row(db, &id, &e, er);
	if (code != SG_OK)
		*outcome = 0;
out:
	free(w);
	return code;
}

/* ---- honours and disciplinary records ---------------------------------- */

void worker_record_write_json(struct json_writer *jw, const struct worker_record *r)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", r->id);
	jw_kv_int(jw, "worker_id", r->worker_id);
	jw_kv_str(jw, "kind", r->kind);
	jw_kv_str(jw, "title", r->title);
	opt(jw, "issuer", r->issuer);
	jw_kv_str(jw, "dated_on", r->dated_on);
	opt(jw, "note", r->note);
	jw_kv_str(jw, "created_at", r->created_at);
	opt(jw, "removed_at", r->removed_at);
	jw_obj_end(jw);
}

static int kind_valid(const char *k)
{
	return k && (strcmp(k, "honour") == 0 || strcmp(k, "discipline") == 0);
}

sg_err worker_records(db_t *db, const struct actor *who, int64_t worker_id,
		      const char *kind,
		      int (*each)(const struct worker_record *r, void *arg), void *arg,
		      struct err_report *er)
{
	struct worker *w = NULL;
	struct worker_record r;
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (kind && kind[0] && !kind_valid(kind))
		return err_field(er, "kind", "invalid", "one of honour, discipline");
	code = load_worker(db, who, worker_id, &w, er);
	free(w);
	if (code != SG_OK)
		return code;
	st = db_prepare(db, "SELECT id, worker_id, kind, title, issuer, dated_on, note,"
			    " created_at, removed_at FROM worker_records WHERE worker_id = ?"
			    " AND (?2 IS NULL OR kind = ?2) ORDER BY dated_on, id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	db_bind_text(st, 2, empty_null(kind), -1);
	while ((rc = db_step(st)) == DB_ROW) {
		memset(&r, 0, sizeof(r));
		r.id = db_col_int(st, 0);
		r.worker_id = db_col_int(st, 1);
		util_strlcpy(r.kind, nz(st, 2), sizeof(r.kind));
		util_strlcpy(r.title, nz(st, 3), sizeof(r.title));
		util_strlcpy(r.issuer, nz(st, 4), sizeof(r.issuer));
		util_strlcpy(r.dated_on, nz(st, 5), sizeof(r.dated_on));
		util_strlcpy(r.note, nz(st, 6), sizeof(r.note));
		util_strlcpy(r.created_at, nz(st, 7), sizeof(r.created_at));
		util_strlcpy(r.removed_at, nz(st, 8), sizeof(r.removed_at));
		if (each(&r, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err worker_record_add(db_t *db, const struct actor *who, int64_t worker_id,
			 const struct worker_record_input *in, int64_t *id,
			 struct err_report *er)
{
	struct worker *w = NULL;
	char day[11], now[UTIL_TIME_LEN], details[96];
	sg_err code;
	db_stmt_t *st;
	int rc;

	*id = 0;
	if (!may_write(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not change worker records");
	if ((code = load_worker(db, who, worker_id, &w, er)) != SG_OK)
		goto out;
	today(day);
	if (!in->kind || !in->kind[0])
		err_field(er, "kind", "required", "is required");
	else if (!kind_valid(in->kind))
		err_field(er, "kind", "invalid", "one of honour, discipline");
	else if (who->role == ROLE_ORG && strcmp(in->kind, "discipline") == 0) {
		code = err_set(er, SG_ERR_FORBIDDEN, "only a bureau records discipline");
		goto out;
	}
	if (!in->title || !in->title[0])
		err_field(er, "title", "required", "is required");
	else
		input_text_ok(in->title, "title", 1, EMPLOYMENT_TITLE_MAX_CHARS, er);
	if (in->issuer && in->issuer[0])
		input_text_ok(in->issuer, "issuer", 1, WORKER_ORG_NAME_MAX_CHARS, er);
	if (in->note && in->note[0])
		input_text_ok(in->note, "note", 1, EMPLOYMENT_NOTE_MAX_CHARS, er);
	if (!in->dated_on || !in->dated_on[0])
		err_field(er, "dated_on", "required", "is required");
	else if (!input_date_valid(in->dated_on))
		err_field(er, "dated_on", "invalid", "a date YYYY-MM-DD");
	else if (strcmp(in->dated_on, day) > 0)
		err_field(er, "dated_on", "future", "must not be after today (%s)", day);
	if ((code = er->code) != SG_OK)
		goto out;
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	st = db_prepare(db, "INSERT INTO worker_records (worker_id, kind, title, issuer,"
			    " dated_on, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, worker_id);
	db_bind_text(st, 2, in->kind, -1);
	db_bind_text(st, 3, in->title, -1);
	db_bind_text(st, 4, empty_null(in->issuer), -1);
	db_bind_text(st, 5, in->dated_on, -1);
	db_bind_text(st, 6, empty_null(in->note), -1);
	db_bind_text(st, 7, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"record_id\":%lld,\"kind\":\"%s\"}",
		 (long long)*id, in->kind);
	if ((code = audit_history(db, who, "worker.record_add", worker_id, details,
				  er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	goto out;
fail:
	db_rollback(db);
	*id = 0;
out:
	free(w);
	return code;
}

sg_err worker_record_remove(db_t *db, const struct actor *who, int64_t worker_id,
			    int64_t id, struct err_report *er)
{
	struct worker *w = NULL;
	char now[UTIL_TIME_LEN], details[96];
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau removes records");
	code = load_worker(db, who, worker_id, &w, er);
	free(w);
	if (code != SG_OK)
		return code;
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE worker_records SET removed_at = ? WHERE id = ?"
			    " AND worker_id = ? AND removed_at IS NULL RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, now, -1);
	db_bind_int(st, 2, id);
	db_bind_int(st, 3, worker_id);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_DONE) {
		code = err_set(er, SG_ERR_NOT_FOUND, "no such record");
		goto fail;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	snprintf(details, sizeof(details), "{\"record_id\":%lld}", (long long)id);
	if ((code = audit_history(db, who, "worker.record_remove", worker_id, details,
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
