/*
 * correction.c: corrections of a worker's own record; see correction.h.
 *
 * The worker is found through the caller's account link (users.worker_id)
 * as in selfservice.c; approving nests worker_update()'s transaction in
 * the decision's (db_begin nests as a savepoint), so that the change, its
 * audit record and the decision commit or fail together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "correction.h"
#include "audit.h"
#include "region.h"
#include "../core/input.h"
#include "../core/util.h"
#include "../core/banned.h"

static const char *const fields[] = { "name", "phone", "education", "org_name", "post" };

static int field_ok(const char *f)
{
	for (size_t i = 0; f && i < sizeof(fields) / sizeof(fields[0]); i++)
		if (strcmp(fields[i], f) == 0)
			return 1;
	return 0;
}

static const char *nz(db_stmt_t *st, int col)
{
	const char *s = db_col_text(st, col);
	return s ? s : "";
}

void correction_write_json(struct json_writer *jw, const struct correction *c)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", c->id);
	jw_kv_int(jw, "worker_id", c->worker_id);
	jw_kv_str(jw, "worker_name", c->worker_name);
	jw_kv_str(jw, "field", c->field);
	jw_kv_str(jw, "new_value", c->new_value);
	jw_kv_str(jw, "reason", c->reason);
	jw_kv_str(jw, "state", c->state);
	jw_kv_str(jw, "decision_reason", c->decision_reason[0] ? c->decision_reason : NULL);
	jw_kv_str(jw, "created_at", c->created_at);
	jw_kv_str(jw, "decided_at", c->decided_at[0] ? c->decided_at : NULL);
	jw_obj_end(jw);
}

#define CORR_COLS "SELECT c.id, c.worker_id, w.name, c.field, c.new_value, c.reason," \
	" c.state, c.decision_reason, c.created_at, c.decided_at, w.region_code" \
	" FROM worker_corrections c JOIN workers w ON w.id = c.worker_id"

static void read_corr(db_stmt_t *st, struct correction *c)
{
	memset(c, 0, sizeof(*c));
	c->id = db_col_int(st, 0);
	c->worker_id = db_col_int(st, 1);
	util_strlcpy(c->worker_name, nz(st, 2), sizeof(c->worker_name));
	util_strlcpy(c->field, nz(st, 3), sizeof(c->field));
	util_strlcpy(c->new_value, nz(st, 4), sizeof(c->new_value));
	util_strlcpy(c->reason, nz(st, 5), sizeof(c->reason));
	util_strlcpy(c->state, nz(st, 6), sizeof(c->state));
	util_strlcpy(c->decision_reason, nz(st, 7), sizeof(c->decision_reason));
	util_strlcpy(c->created_at, nz(st, 8), sizeof(c->created_at));
	util_strlcpy(c->decided_at, nz(st, 9), sizeof(c->decided_at));
}

static sg_err audit_corr(db_t *db, const struct actor *who, const char *action,
			 int64_t worker_id, int64_t id, const char *field,
			 struct err_report *er)
{
	char object[24], details[96];
	struct audit_entry e = {
		.action = action,
		.object_type = "worker",
		.object_id = object,
		.outcome = AUDIT_SUCCESS,
		.details_json = details,
	};

	snprintf(object, sizeof(object), "%lld", (long long)worker_id);
	snprintf(details, sizeof(details), "{\"correction_id\":%lld,\"fields\":[\"%s\"]}",
		 (long long)id, field);
	return audit_append(db, who, &e, er);
}

/* The worker linked to the caller's account. */
static sg_err own_worker(db_t *db, const struct actor *who, int64_t *id,
			 struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	*id = 0;
	if (who->role != ROLE_WORKER || who->user_id <= 0)
		return err_set(er, SG_ERR_FORBIDDEN, "only a worker account has its own record");
	st = db_prepare(db, "SELECT worker_id FROM users WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, who->user_id);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (*id <= 0)
		return err_set(er, SG_ERR_NOT_FOUND, "no worker record is linked to this account");
	return SG_OK;
}

sg_err correction_request(db_t *db, const struct actor *who, const char *field,
			  const char *new_value, const char *reason, int64_t *id,
			  struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	int64_t wid;
	sg_err code;
	db_stmt_t *st;
	int rc;

	*id = 0;
	if ((code = own_worker(db, who, &wid, er)) != SG_OK)
		return code;
	if (!field_ok(field))
		err_field(er, "field", "invalid", "one of name, phone, education, org_name, post");
	if (!new_value)
		err_field(er, "new_value", "required", "is required");
	else
		input_text_ok(new_value, "new_value", 0, CORRECTION_VALUE_MAX_CHARS, er);
	if (!reason || !reason[0])
		err_field(er, "reason", "required", "is required");
	else
		input_text_ok(reason, "reason", WORKER_REASON_MIN_CHARS, WORKER_REASON_MAX_CHARS, er);
	if (er->code != SG_OK)
		return er->code;
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "INSERT INTO worker_corrections (worker_id, user_id, field,"
			    " new_value, reason, created_at) SELECT ?, ?, ?, ?, ?, ?"
			    " WHERE NOT EXISTS (SELECT 1 FROM worker_corrections WHERE"
			    " worker_id = ?1 AND field = ?3 AND state = 'pending') RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_int(st, 1, wid);
	db_bind_int(st, 2, who->user_id);
	db_bind_text(st, 3, field, -1);
	db_bind_text(st, 4, new_value, -1);
	db_bind_text(st, 5, reason, -1);
	db_bind_text(st, 6, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_DONE) {
		err_set(er, SG_ERR_CONFLICT, "a correction of %s is already pending", field);
		err_field(er, "field", "pending", "already pending");
		code = SG_ERR_CONFLICT;
		goto fail;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	if ((code = audit_corr(db, who, "worker.correction_request", wid, *id, field,
			       er)) != SG_OK)
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

sg_err correction_mine(db_t *db, const struct actor *who,
		       int (*each)(const struct correction *c, void *arg), void *arg,
		       struct err_report *er)
{
	struct correction c;
	int64_t wid;
	sg_err code;
	db_stmt_t *st;
	int rc;

	if ((code = own_worker(db, who, &wid, er)) != SG_OK)
		return code;
	st = db_prepare(db, CORR_COLS " WHERE c.worker_id = ? ORDER BY c.id DESC");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, wid);
	while ((rc = db_step(st)) == DB_ROW) {
		read_corr(st, &c);
		if (each(&c, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err correction_list(db_t *db, const struct actor *who, const char *state,
		       int64_t offset, int64_t limit,
		       int (*each)(const struct correction *c, void *arg), void *arg,
		       int64_t *total, struct err_report *er)
{
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];
	struct correction c;
	db_stmt_t *st;
	int rc;

	*total = 0;
	if (who->role != ROLE_BUREAU && who->role != ROLE_SYSTEM)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau reviews corrections");
	if (state && state[0] && strcmp(state, "pending") != 0 &&
	    strcmp(state, "approved") != 0 && strcmp(state, "rejected") != 0)
		return err_field(er, "state", "invalid", "one of pending, approved, rejected");
	region_prefix_range(who->region_code, lo, hi);
	st = db_prepare(db, "SELECT count(*) FROM worker_corrections c JOIN workers w"
			    " ON w.id = c.worker_id WHERE w.region_code >= ?1"
			    " AND w.region_code < ?2 AND (?3 IS NULL OR c.state = ?3)");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_text(st, 3, state && state[0] ? state : NULL, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	st = db_prepare(db, CORR_COLS " WHERE w.region_code >= ?1 AND w.region_code < ?2"
			    " AND (?3 IS NULL OR c.state = ?3) ORDER BY c.id DESC"
			    " LIMIT ?4 OFFSET ?5");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, lo, -1);
	db_bind_text(st, 2, hi, -1);
	db_bind_text(st, 3, state && state[0] ? state : NULL, -1);
	db_bind_int(st, 4, limit);
	db_bind_int(st, 5, offset);
	while ((rc = db_step(st)) == DB_ROW) {
		read_corr(st, &c);
		if (each(&c, arg))
			break;
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err correction_get(db_t *db, const struct actor *who, int64_t id,
		      struct correction *out, struct err_report *er)
{
	char region[16] = "";
	int64_t own = 0;
	db_stmt_t *st;
	int rc, visible;

	if (who->role == ROLE_WORKER && own_worker(db, who, &own, er) != SG_OK)
		return er->code;
	if (who->role != ROLE_WORKER && who->role != ROLE_BUREAU)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau reviews corrections");
	st = db_prepare(db, CORR_COLS " WHERE c.id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		read_corr(st, out);
		util_strlcpy(region, nz(st, 10), sizeof(region));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	visible = rc == DB_ROW && (who->role == ROLE_WORKER ? out->worker_id == own :
				   actor_in_scope(who, region));
	if (!visible)
		return err_set(er, SG_ERR_NOT_FOUND, "no such correction");
	return SG_OK;
}

sg_err correction_decide(db_t *db, const struct actor *who, int64_t id, int approve,
			 const char *reason, struct err_report *er)
{
	struct correction *c = NULL;
	struct worker_input in;
	char now[UTIL_TIME_LEN];
	sg_err code;
	db_stmt_t *st;
	int rc;

	if (who->role != ROLE_BUREAU)
		return err_set(er, SG_ERR_FORBIDDEN, "only a bureau decides corrections");
	if (!(c = malloc(sizeof(*c))))
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = correction_get(db, who, id, c, er)) != SG_OK)
		goto out;
	if (strcmp(c->state, "pending") != 0) {
		code = err_set(er, SG_ERR_CONFLICT, "the correction was already decided");
		goto out;
	}
	if (!approve) {
		if (!reason || !reason[0])
			err_field(er, "reason", "required", "is required to reject");
		else
			input_text_ok(reason, "reason", WORKER_REASON_MIN_CHARS,
				      WORKER_REASON_MAX_CHARS, er);
		if ((code = er->code) != SG_OK)
			goto out;
	}
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (approve) {
		memset(&in, 0, sizeof(in));
		in.social_work_major = -1;
		if (strcmp(c->field, "name") == 0) {
			in.set = WORKER_SET_NAME;
			in.name = c->new_value;
		} else if (strcmp(c->field, "phone") == 0) {
			in.set = WORKER_SET_PHONE;
			in.phone = c->new_value;
		} else if (strcmp(c->field, "education") == 0) {
			in.set = WORKER_SET_EDUCATION;
			in.education = c->new_value;
		} else if (strcmp(c->field, "org_name") == 0) {
			in.set = WORKER_SET_ORG_NAME;
			in.org_name = c->new_value;
		} else {
			in.set = WORKER_SET_POST;
			in.post = c->new_value;
		}
		if ((code = worker_update(db, who, c->worker_id, &in, NULL, er)) != SG_OK)
			goto fail;
	}
	st = db_prepare(db, "UPDATE worker_corrections SET state = ?, decided_by = ?,"
			    " decision_reason = ?, decided_at = ? WHERE id = ? AND state = 'pending'");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, approve ? "approved" : "rejected", -1);
	db_bind_int(st, 2, who->user_id);
	db_bind_text(st, 3, reason && reason[0] ? reason : NULL, -1);
	db_bind_text(st, 4, now, -1);
	db_bind_int(st, 5, id);
	rc = db_step(st);
	db_done(st);
	if (rc != DB_DONE) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto fail;
	}
	if ((code = audit_corr(db, who, approve ? "worker.correction_approve" :
					       "worker.correction_reject",
			       c->worker_id, id, c->field, er)) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		code = db_fail(db, rc, er);
		goto fail;
	}
	goto out;
fail:
	db_rollback(db);
out:
	free(c);
	return code;
}
