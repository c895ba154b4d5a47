/*
 * registration.c: the registration cycle (登记): states, transitions with
 * their roles and separation of duties, the date rules, certificate
 * numbers and the public verification lookup; see registration.h.
 *
 * Dates are calendar dates in China written YYYY-MM-DD and computed on a
 * struct tm (no time zones, no seconds), so that "one year after 2024-02-29"
 * and "three months before 2026-05-31" follow the calendar, not a count of
 * days. A transition reads the row, checks, writes, keeps the worker's
 * registration columns in step and audits inside one transaction.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registration.h"
#include "audit.h"
#include "region.h"
#include "worker.h"
#include "../core/log.h"
#include "../core/utf8.h"
#include "../core/input.h"
#include "../core/banned.h"

#define CHINA_UTC_OFFSET (8 * 3600)
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

/* ---- vocabularies ----------------------------------------------------------- */

static const char *const state_names[REG_STATE_COUNT_] = {
	"not_applied", "pending", "first_approved", "first_rejected",
	"final_approved", "final_rejected", "registered", "certified",
	"cancelled", "revoked",
};

static const char *const state_labels[REG_STATE_COUNT_] = {
	"未申请", "待审核", "初审通过", "初审未通过", "终审通过", "终审未通过",
	"已登记", "已出证", "已注销", "已撤销",
};

/* The transition table of the contract. */
static const struct {
	const char *name;
	unsigned from;      /* bits of enum registration_state */
	int to;
	int org_may;        /* org accounts may do it too (bureau always) */
	int reason_required;
	int second_review;  /* not by the first reviewer */
} actions[REG_ACT_COUNT_] = {
	[REG_ACT_SUBMIT] = { "submit", 1u << REG_NOT_APPLIED, REG_PENDING, 1, 0, 0 },
	[REG_ACT_FIRST_APPROVE] = { "first_approve", 1u << REG_PENDING, REG_FIRST_APPROVED, 0, 0, 0 },
	[REG_ACT_FIRST_REJECT] = { "first_reject", 1u << REG_PENDING, REG_FIRST_REJECTED, 0, 1, 0 },
	[REG_ACT_FINAL_APPROVE] = { "final_approve", 1u << REG_FIRST_APPROVED, REG_FINAL_APPROVED, 0, 0, 1 },
	[REG_ACT_FINAL_REJECT] = { "final_reject", 1u << REG_FIRST_APPROVED, REG_FINAL_REJECTED, 0, 1, 1 },
	[REG_ACT_REGISTER] = { "register", 1u << REG_FINAL_APPROVED, REG_REGISTERED, 0, 0, 0 },
	[REG_ACT_CERTIFY] = { "certify", 1u << REG_REGISTERED, REG_CERTIFIED, 0, 0, 0 },
	[REG_ACT_CANCEL] = { "cancel", (1u << REG_REGISTERED) | (1u << REG_CERTIFIED), REG_CANCELLED, 0, 1, 0 },
	[REG_ACT_REVOKE] = { "revoke", (1u << REG_REGISTERED) | (1u << REG_CERTIFIED), REG_REVOKED, 0, 1, 0 },
};

static const char *const level_labels[] = {
	"", "助理社会工作师", "社会工作师", "高级社会工作师",
};

static int word_index(const char *const *words, size_t n, const char *w)
{
	if (!w)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (!strcmp(words[i], w))
			return (int)i;
	return -1;
}

const char *registration_state_name(int state)
{
	return state >= 0 && state < REG_STATE_COUNT_ ? state_names[state] : "";
}

const char *registration_state_label(int state)
{
	return state >= 0 && state < REG_STATE_COUNT_ ? state_labels[state] : "";
}

int registration_state_from_name(const char *name)
{
	return word_index(state_names, REG_STATE_COUNT_, name);
}

const char *registration_action_name(int action)
{
	return action >= 0 && action < REG_ACT_COUNT_ ? actions[action].name : "";
}

int registration_action_from_name(const char *name)
{
	if (!name)
		return -1;
	for (int i = 0; i < REG_ACT_COUNT_; i++)
		if (!strcmp(actions[i].name, name))
			return i;
	return -1;
}

const char *registration_level_label(int level)
{
	return level >= 1 && level < (int)COUNT_OF(level_labels) ? level_labels[level] : "";
}

/* ---- dates ------------------------------------------------------------------ */

static int leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int y, int m)
{
	static const int md[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && leap(y) ? 29 : md[m - 1];
}

/* "YYYY-MM-DD" into y, m, d when it is a real date; 0 or -1. */
static int date_parse(const char *s, int *y, int *m, int *d)
{
	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	*y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	*m = (s[5] - '0') * 10 + (s[6] - '0');
	*d = (s[8] - '0') * 10 + (s[9] - '0');
	if (*y < 1 || *m < 1 || *m > 12 || *d < 1 || *d > month_days(*y, *m))
		return -1;
	return 0;
}

static void date_format(int y, int m, int d, char out[REGISTRATION_DATE_SIZE])
{
	char tmp[48];

	snprintf(tmp, sizeof(tmp), "%04d-%02d-%02d", y, m, d);
	util_strlcpy(out, tmp, REGISTRATION_DATE_SIZE);
}

int registration_date_add(const char *date, int years, int months, int days,
			  char out[REGISTRATION_DATE_SIZE])
{
	int y, m, d, total;

	out[0] = '\0';
	if (date_parse(date, &y, &m, &d) != 0)
		return -1;
	total = y * 12 + (m - 1) + years * 12 + months;
	y = total / 12;
	m = total % 12 + 1;
	if (y < 1 || y > 9999)
		return -1;
	if (d > month_days(y, m))
		d = month_days(y, m);
	for (; days > 0; days--) {
		if (++d > month_days(y, m)) {
			d = 1;
			if (++m > 12) {
				m = 1;
				y++;
			}
		}
	}
	for (; days < 0; days++) {
		if (--d < 1) {
			if (--m < 1) {
				m = 12;
				y--;
			}
			d = month_days(y, m);
		}
	}
	if (y < 1 || y > 9999)
		return -1;
	date_format(y, m, d, out);
	return 0;
}

void registration_today(char out[REGISTRATION_DATE_SIZE])
{
	time_t t = util_now() + CHINA_UTC_OFFSET;
	struct tm tm;

	gmtime_r(&t, &tm);
	date_format(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, out);
}

/* ---- reading ---------------------------------------------------------------- */

#define REG_COLS \
	"SELECT g.id, g.worker_id, w.name, w.region_code, g.kind, g.qualification_id," \
	" q.level, q.certificate_no, g.state, g.submitted_at," \
	" g.first_by, g.first_by_login, g.first_at, g.first_reason," \
	" g.final_by, g.final_by_login, g.final_at, g.final_reason," \
	" g.registered_on, g.expires_on, g.certificate_no, g.ce_hours, g.reason," \
	" g.created_at, g.updated_at" \
	" FROM registrations g JOIN workers w ON w.id = g.worker_id" \
	" JOIN qualifications q ON q.id = g.qualification_id"

static const char *nz(db_stmt_t *st, int col)
{
	return db_col_is_null(st, col) ? "" : db_col_text(st, col);
}

static void read_review(db_stmt_t *st, int col, int *has, struct registration_review *rv)
{
	*has = !db_col_is_null(st, col + 2);
	rv->by = db_col_int(st, col);
	util_strlcpy(rv->by_login, nz(st, col + 1), sizeof(rv->by_login));
	util_strlcpy(rv->at, nz(st, col + 2), sizeof(rv->at));
	util_strlcpy(rv->reason, nz(st, col + 3), sizeof(rv->reason));
}

static void read_reg(db_stmt_t *st, struct registration *r)
{
	memset(r, 0, sizeof(*r));
	r->id = db_col_int(st, 0);
	r->worker_id = db_col_int(st, 1);
	util_strlcpy(r->worker_name, nz(st, 2), sizeof(r->worker_name));
	util_strlcpy(r->region_code, nz(st, 3), sizeof(r->region_code));
	util_strlcpy(r->kind, nz(st, 4), sizeof(r->kind));
	r->qualification_id = db_col_int(st, 5);
	r->level = (int)db_col_int(st, 6);
	util_strlcpy(r->certificate_mgmt_no, nz(st, 7), sizeof(r->certificate_mgmt_no));
	r->state = registration_state_from_name(nz(st, 8));
	util_strlcpy(r->submitted_at, nz(st, 9), sizeof(r->submitted_at));
	read_review(st, 10, &r->has_first_review, &r->first_review);
	read_review(st, 14, &r->has_final_review, &r->final_review);
	util_strlcpy(r->registered_on, nz(st, 18), sizeof(r->registered_on));
	util_strlcpy(r->expires_on, nz(st, 19), sizeof(r->expires_on));
	util_strlcpy(r->certificate_no, nz(st, 20), sizeof(r->certificate_no));
	r->ce_hours = db_col_is_null(st, 21) ? -1 : db_col_int(st, 21);
	util_strlcpy(r->reason, nz(st, 22), sizeof(r->reason));
	util_strlcpy(r->created_at, nz(st, 23), sizeof(r->created_at));
	util_strlcpy(r->updated_at, nz(st, 24), sizeof(r->updated_at));
}

static void kv_opt(struct json_writer *jw, const char *key, const char *s)
{
	if (s && s[0])
		jw_kv_str(jw, key, s);
	else
		jw_kv_null(jw, key);
}

static void write_review(struct json_writer *jw, const char *key, int has,
			 const struct registration_review *rv)
{
	jw_key(jw, key);
	if (!has) {
		jw_null(jw);
		return;
	}
	jw_obj_begin(jw);
	jw_kv_str(jw, "by", rv->by_login);
	jw_kv_str(jw, "at", rv->at);
	kv_opt(jw, "reason", rv->reason);
	jw_obj_end(jw);
}

void registration_write_json(struct json_writer *jw, const struct registration *r)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", r->id);
	jw_kv_int(jw, "worker_id", r->worker_id);
	jw_kv_str(jw, "worker_name", r->worker_name);
	jw_kv_str(jw, "region_code", r->region_code);
	jw_kv_str(jw, "kind", r->kind);
	jw_kv_int(jw, "qualification_id", r->qualification_id);
	jw_kv_str(jw, "level", worker_level_name(r->level));
	jw_kv_str(jw, "certificate_mgmt_no", r->certificate_mgmt_no);
	jw_kv_str(jw, "state", registration_state_name(r->state));
	jw_kv_str(jw, "state_label", registration_state_label(r->state));
	kv_opt(jw, "submitted_at", r->submitted_at);
	write_review(jw, "first_review", r->has_first_review, &r->first_review);
	write_review(jw, "final_review", r->has_final_review, &r->final_review);
	kv_opt(jw, "registered_on", r->registered_on);
	kv_opt(jw, "expires_on", r->expires_on);
	kv_opt(jw, "certificate_no", r->certificate_no);
	if (r->ce_hours >= 0)
		jw_kv_int(jw, "ce_hours", r->ce_hours);
	else
		jw_kv_null(jw, "ce_hours");
	kv_opt(jw, "reason", r->reason);
	jw_kv_str(jw, "created_at", r->created_at);
	jw_kv_str(jw, "updated_at", r->updated_at);
	jw_key(jw, "allowed_actions");
	jw_arr_begin(jw);
	for (int a = 0; a < REG_ACT_COUNT_; a++)
		if (r->allowed & (1u << a))
			jw_str(jw, actions[a].name);
	jw_arr_end(jw);
	jw_obj_end(jw);
}

/* ---- who may do what ----------------------------------------------------------- */

static int may_see(const struct actor *who)
{
	return who->role == ROLE_BUREAU || who->role == ROLE_ORG ||
	       who->role == ROLE_SYSTEM;
}

static int role_may(const struct actor *who, int action)
{
	if (who->role == ROLE_BUREAU || who->role == ROLE_SYSTEM)
		return 1;
	return who->role == ROLE_ORG && actions[action].org_may;
}

/* 1 if who made the first review of r (separation of duties). */
static int is_first_reviewer(const struct actor *who, const struct registration *r)
{
	if (!r->has_first_review)
		return 0;
	if (who->user_id && r->first_review.by)
		return who->user_id == r->first_review.by;
	return !strcmp(who->login, r->first_review.by_login);
}

/* Bits of the actions who may take on r now (rules checked at the act). */
static unsigned allowed_for(const struct actor *who, const struct registration *r)
{
	unsigned bits = 0;

	for (int a = 0; a < REG_ACT_COUNT_; a++) {
		if (!(actions[a].from & (1u << r->state)) || !role_may(who, a))
			continue;
		if (actions[a].second_review && is_first_reviewer(who, r))
			continue;
		bits |= 1u << a;
	}
	return bits;
}

static sg_err forbidden(struct err_report *er)
{
	return err_set(er, SG_ERR_FORBIDDEN, "your role may not see registrations");
}

/* One registration by id, ignoring scope: SG_OK, NOT_FOUND or DB. */
static sg_err fetch(db_t *db, int64_t id, struct registration *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, REG_COLS " WHERE g.id = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_reg(st, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such registration");
	return SG_OK;
}

sg_err registration_get(db_t *db, const struct actor *who, int64_t id,
			struct registration *out, struct err_report *er)
{
	if (!may_see(who))
		return forbidden(er);
	if (fetch(db, id, out, er) != SG_OK)
		return er->code;
	if (!actor_in_scope(who, out->region_code))
		return err_set(er, SG_ERR_NOT_FOUND, "no such registration");
	out->allowed = allowed_for(who, out);
	return SG_OK;
}

/* ---- helpers for changes ----------------------------------------------------- */

static sg_err audit_reg_outcome(db_t *db, const struct actor *who, const char *action,
				int64_t id, const char *outcome, const char *details,
				struct err_report *er)
{
	return audit_object(db, who, action, "registration", id, outcome, details, er);
}

static sg_err audit_reg(db_t *db, const struct actor *who, const char *action,
			int64_t id, const char *details, struct err_report *er)
{
	return audit_reg_outcome(db, who, action, id, AUDIT_SUCCESS, details, er);
}

/*
 * Record a refused action (role, or the first reviewer at the final
 * review) in a transaction of its own, after the caller's rolled back.
 * The refusal stands whatever happens here: a failed write is logged.
 */
static void audit_denied(db_t *db, const struct actor *who, int64_t id, int action,
			 int state, const char *why)
{
	struct err_report aer = ERR_REPORT_INIT;
	char verb[48], details[128];

	snprintf(verb, sizeof(verb), "registration.%s", actions[action].name);
	snprintf(details, sizeof(details), "{\"from\":\"%s\",\"denied\":\"%s\"}",
		 state_names[state], why);
	if (db_begin(db) != 0) {
		log_warn("registration %lld: denial not audited: %s", (long long)id,
			 db_errmsg(db));
		return;
	}
	if (audit_reg_outcome(db, who, verb, id, AUDIT_DENIED, details, &aer) != SG_OK) {
		db_rollback(db);
		log_warn("registration %lld: denial not audited: %s", (long long)id, aer.detail);
		return;
	}
	if (db_commit(db) != 0)
		log_warn("registration %lld: denial not audited: %s", (long long)id,
			 db_errmsg(db));
}

/*
 * Check that qid is a qualification on record of worker_id and give its
 * level and date passed. Field error on qualification_id otherwise.
 */
static sg_err qualification_of(db_t *db, int64_t worker_id, int64_t qid, int *level,
			       char passed_on[REGISTRATION_DATE_SIZE],
			       struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT level, passed_on FROM qualifications"
				       " WHERE id = ? AND worker_id = ? AND removed_at IS NULL");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, qid);
	db_bind_int(st, 2, worker_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		if (level)
			*level = (int)db_col_int(st, 0);
		if (passed_on)
			util_strlcpy(passed_on, nz(st, 1), REGISTRATION_DATE_SIZE);
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_field(er, "qualification_id", "unknown",
				 "not a qualification on record of this worker");
	return SG_OK;
}

/* A setting's value into out ("" when absent). */
static sg_err setting(db_t *db, const char *key, char *out, size_t size,
		      struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT value FROM settings WHERE key = ?");
	int rc;

	out[0] = '\0';
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, key, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(out, nz(st, 0), size);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* Is there another open application of this worker? */
static sg_err open_conflict(db_t *db, int64_t worker_id, int64_t except,
			    struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "SELECT id FROM registrations WHERE worker_id = ?"
				       " AND id <> ? AND state IN ('not_applied', 'pending',"
				       " 'first_approved', 'final_approved')");
	int64_t other = 0;
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	db_bind_int(st, 2, except);
	rc = db_step(st);
	if (rc == DB_ROW)
		other = db_col_int(st, 0);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (other) {
		err_set(er, SG_ERR_CONFLICT,
			"worker already has an open application (registration %lld)",
			(long long)other);
		err_field(er, "worker_id", "open_application",
			  "open application %lld exists", (long long)other);
		return SG_ERR_CONFLICT;
	}
	return SG_OK;
}

/*
 * Keep the worker's registration_state and registration_expires_on in step:
 * its current registration (registered or certified, latest expiry) when it
 * has one, else its latest application, else not_applied.
 */
static sg_err sync_worker(db_t *db, int64_t worker_id, struct err_report *er)
{
	db_stmt_t *st;
	char state[32] = "not_applied", expires[REGISTRATION_DATE_SIZE] = "";
	int rc;

	st = db_prepare(db, "SELECT state, expires_on FROM registrations WHERE worker_id = ?"
			    " ORDER BY CASE WHEN state IN ('registered', 'certified') THEN 0"
			    " ELSE 1 END, expires_on DESC, id DESC LIMIT 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, worker_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(state, nz(st, 0), sizeof(state));
		util_strlcpy(expires, nz(st, 1), sizeof(expires));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE workers SET registration_state = ?,"
			    " registration_expires_on = ? WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, state, -1);
	db_bind_text(st, 2, expires[0] ? expires : NULL, -1);
	db_bind_int(st, 3, worker_id);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* ---- create and edit ------------------------------------------------------- */

sg_err registration_create(db_t *db, const struct actor *who, int64_t worker_id,
			   const char *kind, int64_t qualification_id,
			   int64_t ce_hours, int64_t *id, struct err_report *er)
{
	struct worker *w = NULL;
	char now[UTIL_TIME_LEN], details[96];
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc, in_tx = 0;

	*id = 0;
	err_clear(er);
	if (!may_see(who))
		return forbidden(er);
	w = malloc(sizeof(*w));
	if (!w)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = worker_get(db, who, worker_id, w, er)) != SG_OK)
		goto out;
	if (!kind || (strcmp(kind, "first") && strcmp(kind, "renewal")))
		err_field(er, "kind", kind ? "invalid" : "required", "first or renewal");
	if (qualification_id <= 0)
		err_field(er, "qualification_id", "required", "is required");
	else if (qualification_of(db, worker_id, qualification_id, NULL, NULL, er) == SG_ERR_DB)
		goto fail;
	if (ce_hours < -1 || ce_hours > 100000)
		err_field(er, "ce_hours", "invalid", "0 to 100000 hours");
	if (er->code != SG_OK)
		goto fail;

	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 1;
	if (open_conflict(db, worker_id, 0, er) != SG_OK)
		goto fail;
	util_time_iso(util_now(), now);
	st = db_prepare(db, "INSERT INTO registrations (worker_id, kind, qualification_id,"
			    " state, ce_hours, created_at, updated_at)"
			    " VALUES (?, ?, ?, 'not_applied', ?, ?, ?) RETURNING id");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, worker_id);
	db_bind_text(st, 2, kind, -1);
	db_bind_int(st, 3, qualification_id);
	if (ce_hours >= 0)
		db_bind_int(st, 4, ce_hours);
	else
		db_bind_null(st, 4);
	db_bind_text(st, 5, now, -1);
	db_bind_text(st, 6, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_ERR_UNIQUE) {
		code = err_set(er, SG_ERR_CONFLICT, "worker already has an open application");
		goto out;
	}
	if (rc != DB_ROW) {
		code = db_fail(db, rc < 0 ? rc : DB_ERR, er);
		goto out;
	}
	snprintf(details, sizeof(details), "{\"worker_id\":%lld,\"kind\":\"%s\"}",
		 (long long)worker_id, kind);
	if (audit_reg(db, who, "registration.create", *id, details, er) != SG_OK ||
	    sync_worker(db, worker_id, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0) {
		in_tx = 0;
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 0;
	goto out;
fail:
	code = er->code;
out:
	if (in_tx)
		db_rollback(db);
	if (code != SG_OK)
		*id = 0;
	free(w);
	return code;
}

sg_err registration_update(db_t *db, const struct actor *who, int64_t id,
			   int64_t qualification_id, int set_ce, int64_t ce_hours,
			   struct err_report *er)
{
	struct registration *r = NULL;
	struct buf details = BUF_INIT(256);
	char now[UTIL_TIME_LEN];
	int changed_q, changed_ce, rc, in_tx = 0;
	sg_err code = SG_OK;
	db_stmt_t *st;

	err_clear(er);
	r = malloc(sizeof(*r));
	if (!r)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 1;
	if ((code = registration_get(db, who, id, r, er)) != SG_OK)
		goto out;
	if (r->state != REG_NOT_APPLIED && r->state != REG_PENDING) {
		err_set(er, SG_ERR_CONFLICT,
			"the form can be edited only in not_applied and pending; current state is %s",
			registration_state_name(r->state));
		code = err_field(er, "state", "not_editable", "current state is %s",
				 registration_state_name(r->state));
		goto out;
	}
	changed_q = qualification_id > 0 && qualification_id != r->qualification_id;
	changed_ce = set_ce && ce_hours != r->ce_hours;
	if (changed_q && qualification_of(db, r->worker_id, qualification_id, NULL, NULL,
					  er) != SG_OK)
		goto fail;
	if (set_ce && (ce_hours < -1 || ce_hours > 100000))
		err_field(er, "ce_hours", "invalid", "0 to 100000 hours");
	if (er->code != SG_OK)
		goto fail;
	if (!changed_q && !changed_ce)
		goto out;
	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE registrations SET qualification_id = ?, ce_hours = ?,"
			    " updated_at = ? WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_int(st, 1, changed_q ? qualification_id : r->qualification_id);
	if ((changed_ce ? ce_hours : r->ce_hours) >= 0)
		db_bind_int(st, 2, changed_ce ? ce_hours : r->ce_hours);
	else
		db_bind_null(st, 2);
	db_bind_text(st, 3, now, -1);
	db_bind_int(st, 4, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	buf_addstr(&details, "{\"fields\":[");
	if (changed_q)
		buf_addstr(&details, "\"qualification_id\"");
	if (changed_ce)
		buf_addstr(&details, changed_q ? ",\"ce_hours\"" : "\"ce_hours\"");
	buf_addstr(&details, "]}");
	if (details.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	if (audit_reg(db, who, "registration.update", id, buf_cstr(&details), er) != SG_OK)
		goto fail;
	goto out;
fail:
	code = er->code;
out:
	if (in_tx) {
		if (code == SG_OK && (rc = db_commit(db)) != 0)
			code = db_fail(db, rc, er);
		else if (code != SG_OK)
			db_rollback(db);
	}
	buf_release(&details);
	free(r);
	return code;
}

/* ---- transitions --------------------------------------------------------------- */

/* "submit, first_approve" for the actions leaving state. */
static void actions_from(int state, char *out, size_t size)
{
	struct buf b = BUF_INIT(512);

	for (int a = 0; a < REG_ACT_COUNT_; a++)
		if (actions[a].from & (1u << state)) {
			if (b.len)
				buf_addstr(&b, ", ");
			buf_addstr(&b, actions[a].name);
		}
	util_strlcpy(out, b.len ? buf_cstr(&b) : "none", size);
	buf_release(&b);
}

/* The rules of submit: first-registration deadline, renewal window, CE hours. */
static sg_err check_submit(db_t *db, const struct registration *r, const char *today,
			   struct err_report *er)
{
	char passed_on[REGISTRATION_DATE_SIZE], limit[REGISTRATION_DATE_SIZE];
	char expires[REGISTRATION_DATE_SIZE] = "", opens[REGISTRATION_DATE_SIZE];
	char value[32], key[64];
	int level = 0, rc;
	int64_t need;
	db_stmt_t *st;

	if (qualification_of(db, r->worker_id, r->qualification_id, &level, passed_on,
			     er) != SG_OK)
		return er->code;
	if (!strcmp(r->kind, "first")) {
		if (registration_date_add(passed_on, 1, 0, 0, limit) != 0)
			return err_set(er, SG_ERR_INTERNAL, "bad date passed %s", passed_on);
		if (strcmp(today, limit) > 0)
			return err_field(er, "qualification_id", "first_registration_late",
					 "first registration must be made by %s (1 year after passing on %s)",
					 limit, passed_on);
		return SG_OK;
	}

	st = db_prepare(db, "SELECT expires_on FROM registrations WHERE worker_id = ?"
			    " AND id <> ? AND state IN ('registered', 'certified')"
			    " ORDER BY expires_on DESC LIMIT 1");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, r->worker_id);
	db_bind_int(st, 2, r->id);
	rc = db_step(st);
	if (rc == DB_ROW)
		util_strlcpy(expires, nz(st, 0), sizeof(expires));
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (!expires[0])
		return err_field(er, "kind", "renewal_window",
				 "renewal needs a current registration (registered or certified)");
	if (registration_date_add(expires, 0, -3, 1, opens) != 0)
		return err_set(er, SG_ERR_INTERNAL, "bad expiry date %s", expires);
	if (strcmp(today, opens) < 0 || strcmp(today, expires) > 0)
		return err_field(er, "kind", "renewal_window",
				 "renewal is accepted from %s to %s (the last 3 months before expiry)",
				 opens, expires);

	if (setting(db, "registration.ce_required", value, sizeof(value), er) != SG_OK)
		return er->code;
	if (strcmp(value, "true"))
		return SG_OK;
	snprintf(key, sizeof(key), "registration.ce_hours.%s", worker_level_name(level));
	if (setting(db, key, value, sizeof(value), er) != SG_OK)
		return er->code;
	if (util_parse_int(value, 0, 100000, &need) != 0)
		return err_set(er, SG_ERR_INTERNAL, "setting %s is not a number of hours", key);
	if (r->ce_hours < need)
		return err_field(er, "ce_hours", "ce_hours_insufficient",
				 "%lld continuing-education hours needed for this cycle, %lld recorded",
				 (long long)need, (long long)(r->ce_hours < 0 ? 0 : r->ce_hours));
	return SG_OK;
}

/* Next certificate number of the worker's county for this year. */
static sg_err next_certificate_no(db_t *db, const char *region_code, const char *today,
				  char out[REGISTRATION_CERT_NO_SIZE], struct err_report *er)
{
	char county[7], ystr[5], tmp[64];
	int64_t year = 0, seq = 0;
	db_stmt_t *st;
	int rc;

	util_strlcpy(county, region_code, sizeof(county));
	util_strlcpy(ystr, today, sizeof(ystr));
	if (strlen(county) != 6 || util_parse_int(ystr, 1, 9999, &year) != 0)
		return err_set(er, SG_ERR_INTERNAL, "bad region %s or date %s", region_code, today);
	st = db_prepare(db, "INSERT INTO registration_cert_seq (county, year, last)"
			    " VALUES (?, ?, 1) ON CONFLICT (county, year)"
			    " DO UPDATE SET last = registration_cert_seq.last + 1 RETURNING last");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, county, -1);
	db_bind_int(st, 2, year);
	rc = db_step(st);
	if (rc == DB_ROW)
		seq = db_col_int(st, 0);
	db_done(st);
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	if (seq > 999999)
		return err_set(er, SG_ERR_CONFLICT,
			       "certificate numbers of %s for %lld are exhausted",
			       county, (long long)year);
	snprintf(tmp, sizeof(tmp), "%s%04lld%06lld", county, (long long)year, (long long)seq);
	util_strlcpy(out, tmp, REGISTRATION_CERT_NO_SIZE);
	return SG_OK;
}

/* Write the row changes of action a on r. */
static sg_err apply(db_t *db, const struct actor *who, const struct registration *r,
		    int a, const char *reason, const char *today, struct err_report *er)
{
	char now[UTIL_TIME_LEN], expires[REGISTRATION_DATE_SIZE] = "";
	char cert[REGISTRATION_CERT_NO_SIZE] = "";
	const char *sql;
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	switch (a) {
	case REG_ACT_SUBMIT:
		sql = "UPDATE registrations SET state = ?, updated_at = ?, submitted_at = ?"
		      " WHERE id = ?";
		break;
	case REG_ACT_FIRST_APPROVE:
	case REG_ACT_FIRST_REJECT:
		sql = "UPDATE registrations SET state = ?, updated_at = ?, first_at = ?,"
		      " first_by = ?, first_by_login = ?, first_reason = ? WHERE id = ?";
		break;
	case REG_ACT_FINAL_APPROVE:
	case REG_ACT_FINAL_REJECT:
		sql = "UPDATE registrations SET state = ?, updated_at = ?, final_at = ?,"
		      " final_by = ?, final_by_login = ?, final_reason = ? WHERE id = ?";
		break;
	case REG_ACT_REGISTER:
		if (registration_date_add(today, 3, 0, -1, expires) != 0)
			return err_set(er, SG_ERR_INTERNAL, "bad date %s", today);
		sql = "UPDATE registrations SET state = ?, updated_at = ?, registered_on = ?,"
		      " expires_on = ? WHERE id = ?";
		break;
	case REG_ACT_CERTIFY:
		if (next_certificate_no(db, r->region_code, today, cert, er) != SG_OK)
			return er->code;
		sql = "UPDATE registrations SET state = ?, updated_at = ?, certificate_no = ?"
		      " WHERE id = ?";
		break;
	default: /* cancel, revoke */
		sql = "UPDATE registrations SET state = ?, updated_at = ?, reason = ? WHERE id = ?";
		break;
	}
	if (!(st = db_prepare(db, sql)))
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, state_names[actions[a].to], -1);
	db_bind_text(st, 2, now, -1);
	switch (a) {
	case REG_ACT_SUBMIT:
		db_bind_text(st, 3, now, -1);
		db_bind_int(st, 4, r->id);
		break;
	case REG_ACT_FIRST_APPROVE:
	case REG_ACT_FIRST_REJECT:
	case REG_ACT_FINAL_APPROVE:
	case REG_ACT_FINAL_REJECT:
		db_bind_text(st, 3, now, -1);
		db_bind_int(st, 4, who->user_id);
		db_bind_text(st, 5, who->login, -1);
		db_bind_text(st, 6, reason && reason[0] ? reason : NULL, -1);
		db_bind_int(st, 7, r->id);
		break;
	case REG_ACT_REGISTER:
		db_bind_text(st, 3, today, -1);
		db_bind_text(st, 4, expires, -1);
		db_bind_int(st, 5, r->id);
		break;
	case REG_ACT_CERTIFY:
		db_bind_text(st, 3, cert, -1);
		db_bind_int(st, 4, r->id);
		break;
	default:
		db_bind_text(st, 3, reason, -1);
		db_bind_int(st, 4, r->id);
		break;
	}
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ERR_UNIQUE)
		return err_set(er, SG_ERR_CONFLICT, "worker already has an open application");
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

sg_err registration_transition(db_t *db, const struct actor *who, int64_t id,
			       int action, const char *reason,
			       struct err_report *er)
{
	struct registration *r = NULL;
	char today[REGISTRATION_DATE_SIZE], allowed[256], details[160];
	int has_reason = reason && reason[0];
	const char *denied = NULL;
	sg_err code = SG_OK;
	int rc, in_tx = 0;

	err_clear(er);
	if (action < 0 || action >= REG_ACT_COUNT_)
		return err_field(er, "action", "invalid",
				 "one of submit, first_approve, first_reject, final_approve,"
				 " final_reject, register, certify, cancel, revoke");
	if (has_reason && !input_text_ok(reason, "reason", REGISTRATION_REASON_MIN_CHARS,
				   REGISTRATION_REASON_MAX_CHARS, er))
		return er->code;
	r = malloc(sizeof(*r));
	if (!r)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((rc = db_begin(db)) != 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	in_tx = 1;
	if ((code = registration_get(db, who, id, r, er)) != SG_OK)
		goto out;
	if (!(actions[action].from & (1u << r->state))) {
		actions_from(r->state, allowed, sizeof(allowed));
		err_set(er, SG_ERR_CONFLICT, "current state is %s; allowed: %s",
			registration_state_name(r->state), allowed);
		code = err_field(er, "action", "illegal_transition",
				 "current state is %s; allowed: %s",
				 registration_state_name(r->state), allowed);
		goto out;
	}
	if (!role_may(who, action)) {
		code = err_set(er, SG_ERR_FORBIDDEN, "your role may not %s a registration",
			       actions[action].name);
		denied = "role";
		goto out;
	}
	if (actions[action].second_review && is_first_reviewer(who, r)) {
		err_set(er, SG_ERR_FORBIDDEN,
			"the final review must be made by another user than the first review");
		err_type(er, "separation_of_duties");
		code = SG_ERR_FORBIDDEN;
		denied = "separation_of_duties";
		goto out;
	}
	if (actions[action].reason_required && !has_reason) {
		code = err_field(er, "reason", "required", "%s needs a reason",
				 actions[action].name);
		goto out;
	}
	registration_today(today);
	if (action == REG_ACT_SUBMIT && check_submit(db, r, today, er) != SG_OK)
		goto fail;
	if (apply(db, who, r, action, reason, today, er) != SG_OK)
		goto fail;
	snprintf(details, sizeof(details), "{\"from\":\"%s\",\"to\":\"%s\",\"reason\":%s}",
		 state_names[r->state], state_names[actions[action].to],
		 has_reason ? "true" : "false");
	if (sync_worker(db, r->worker_id, er) != SG_OK)
		goto fail;
	{
		char verb[48];

		snprintf(verb, sizeof(verb), "registration.%s", actions[action].name);
		if (audit_reg(db, who, verb, id, details, er) != SG_OK)
			goto fail;
	}
	goto out;
fail:
	code = er->code;
out:
	if (in_tx) {
		if (code == SG_OK && (rc = db_commit(db)) != 0)
			code = db_fail(db, rc, er);
		else if (code != SG_OK)
			db_rollback(db);
	}
	if (denied)
		audit_denied(db, who, id, action, r->state, denied);
	free(r);
	return code;
}

/* ---- lists ------------------------------------------------------------------------ */

static void like_pattern(struct buf *b, const char *q)
{
	buf_addch(b, '%');
	for (const char *p = q; *p; p++) {
		if (*p == '%' || *p == '_' || *p == '\\')
			buf_addch(b, '\\');
		buf_addch(b, *p);
	}
	buf_addch(b, '%');
}

#define LIST_MAX_ARGS 12

struct list_plan {
	struct buf where;
	const char *text[LIST_MAX_ARGS];
	int64_t num[LIST_MAX_ARGS];
	int is_text[LIST_MAX_ARGS];
	int n;
};

static void add_text(struct list_plan *p, const char *sql, const char *v)
{
	buf_addstr(&p->where, sql);
	p->is_text[p->n] = 1;
	p->text[p->n++] = v;
}

static void bind_plan(db_stmt_t *st, const struct list_plan *p)
{
	for (int i = 0; i < p->n; i++) {
		if (p->is_text[i])
			db_bind_text(st, i + 1, p->text[i], -1);
		else
			db_bind_int(st, i + 1, p->num[i]);
	}
}

sg_err registration_list(db_t *db, const struct actor *who,
			 const struct registration_filter *f, int64_t offset,
			 int64_t limit,
			 int (*each)(const struct registration *r, void *arg),
			 void *arg, int64_t *total, struct err_report *er)
{
	struct list_plan p = { BUF_INIT(4096), { 0 }, { 0 }, { 0 }, 0 };
	struct buf sql = BUF_INIT(8192), like = BUF_INIT(512);
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX], rlo[ACTOR_REGION_MAX];
	char rhi[ACTOR_REGION_MAX], today[REGISTRATION_DATE_SIZE], until[REGISTRATION_DATE_SIZE];
	struct registration *r = NULL;
	struct worker *w = NULL;
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	*total = 0;
	err_clear(er);
	if (!may_see(who))
		return forbidden(er);
	if (f->worker_id > 0) {
		w = malloc(sizeof(*w));
		if (!w)
			return err_set(er, SG_ERR_NOMEM, "out of memory");
		code = worker_get(db, who, f->worker_id, w, er);
		free(w);
		if (code != SG_OK)
			return code;
	}
	if (f->state && f->state[0] && registration_state_from_name(f->state) < 0)
		err_field(er, "state", "invalid", "not a registration state");
	if (f->kind && f->kind[0] && strcmp(f->kind, "first") && strcmp(f->kind, "renewal"))
		err_field(er, "kind", "invalid", "first or renewal");
	if (f->region && f->region[0] &&
	    (!region_level_of_code(f->region) || !actor_in_scope(who, f->region)))
		err_field(er, "region", "invalid", "not a region code in your scope");
	if (f->expiring_within > 36600)
		err_field(er, "expiring_within", "invalid", "0 to 36600 days");
	if (f->q && utf8_count(f->q, strlen(f->q)) > 50)
		err_field(er, "q", "too_long", "at most 50 characters");
	if (er->code != SG_OK)
		return er->code;

	region_prefix_range(who->region_code, lo, hi);
	buf_addstr(&p.where, " WHERE 1 = 1");
	if (who->region_code[0]) {
		add_text(&p, " AND w.region_code >= ?", lo);
		add_text(&p, " AND w.region_code < ?", hi);
	}
	if (f->region && f->region[0]) {
		region_prefix_range(f->region, rlo, rhi);
		add_text(&p, " AND w.region_code >= ?", rlo);
		add_text(&p, " AND w.region_code < ?", rhi);
	}
	if (f->worker_id > 0) {
		buf_addstr(&p.where, " AND g.worker_id = ?");
		p.num[p.n++] = f->worker_id;
	}
	if (f->state && f->state[0])
		add_text(&p, " AND g.state = ?", f->state);
	if (f->kind && f->kind[0])
		add_text(&p, " AND g.kind = ?", f->kind);
	if (f->expiring_within >= 0) {
		registration_today(today);
		if (registration_date_add(today, 0, 0, (int)f->expiring_within, until) != 0) {
			code = err_field(er, "expiring_within", "invalid", "too far");
			goto out;
		}
		buf_addstr(&p.where, " AND g.state IN ('registered', 'certified')");
		add_text(&p, " AND g.expires_on >= ?", today);
		add_text(&p, " AND g.expires_on <= ?", until);
	}
	if (f->q && f->q[0]) {
		like_pattern(&like, f->q);
		if (like.err) {
			code = err_set(er, SG_ERR_NOMEM, "out of memory");
			goto out;
		}
		add_text(&p, " AND (w.name LIKE ? ESCAPE '\\'", buf_cstr(&like));
		add_text(&p, " OR g.certificate_no LIKE ? ESCAPE '\\'", buf_cstr(&like));
		add_text(&p, " OR q.certificate_no LIKE ? ESCAPE '\\')", buf_cstr(&like));
	}
	if (p.where.err) {
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}

	buf_printf(&sql, "SELECT count(*) FROM registrations g JOIN workers w ON"
			 " w.id = g.worker_id JOIN qualifications q ON q.id = g.qualification_id%s",
		   buf_cstr(&p.where));
	if (sql.err || !(st = db_prepare(db, buf_cstr(&sql)))) {
		code = sql.err ? err_set(er, SG_ERR_NOMEM, "out of memory")
			       : db_fail(db, DB_ERR, er);
		goto out;
	}
	bind_plan(st, &p);
	rc = db_step(st);
	if (rc == DB_ROW)
		*total = db_col_int(st, 0);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	if (!each || *total <= offset)
		goto out;

	buf_reset(&sql);
	buf_printf(&sql, REG_COLS "%s ORDER BY %s LIMIT ? OFFSET ?", buf_cstr(&p.where),
		   f->expiring_within >= 0 ? "g.expires_on, g.id" : "g.id DESC");
	if (sql.err || !(st = db_prepare(db, buf_cstr(&sql)))) {
		code = sql.err ? err_set(er, SG_ERR_NOMEM, "out of memory")
			       : db_fail(db, DB_ERR, er);
		goto out;
	}
	bind_plan(st, &p);
	db_bind_int(st, p.n + 1, limit);
	db_bind_int(st, p.n + 2, offset);
	r = malloc(sizeof(*r));
	if (!r) {
		db_done(st);
		code = err_set(er, SG_ERR_NOMEM, "out of memory");
		goto out;
	}
	while ((rc = db_step(st)) == DB_ROW) {
		read_reg(st, r);
		r->allowed = allowed_for(who, r);
		if (each(r, arg))
			break;
	}
	db_done(st);
	if (rc < 0)
		code = db_fail(db, rc, er);
out:
	free(r);
	buf_release(&p.where);
	buf_release(&sql);
	buf_release(&like);
	return code;
}

/* ---- certificates ------------------------------------------------------------------ */

sg_err registration_certificate(db_t *db, const struct actor *who,
				int64_t reg_id, struct registration_cert *out,
				struct err_report *er)
{
	struct registration *r = NULL;
	char county[7];
	sg_err code = SG_OK;
	db_stmt_t *st;
	int rc;

	memset(out, 0, sizeof(*out));
	r = malloc(sizeof(*r));
	if (!r)
		return err_set(er, SG_ERR_NOMEM, "out of memory");
	if ((code = registration_get(db, who, reg_id, r, er)) != SG_OK)
		goto out;
	if (r->state != REG_CERTIFIED) {
		err_set(er, SG_ERR_CONFLICT, "a certificate exists only in state certified;"
			" current state is %s", registration_state_name(r->state));
		code = err_field(er, "state", "not_certified", "current state is %s",
				 registration_state_name(r->state));
		goto out;
	}
	util_strlcpy(county, r->region_code, sizeof(county));
	st = db_prepare(db, "SELECT w.name, w.id_masked, (SELECT name FROM regions"
			    " WHERE code = ?) FROM workers w WHERE w.id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, county, -1);
	db_bind_int(st, 2, r->worker_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(out->name, nz(st, 0), sizeof(out->name));
		util_strlcpy(out->id_masked, nz(st, 1), sizeof(out->id_masked));
		util_strlcpy(out->region_name, nz(st, 2), sizeof(out->region_name));
	}
	db_done(st);
	if (rc != DB_ROW) {
		code = rc < 0 ? db_fail(db, rc, er)
			      : err_set(er, SG_ERR_NOT_FOUND, "no such registration");
		goto out;
	}
	util_strlcpy(out->certificate_no, r->certificate_no, sizeof(out->certificate_no));
	util_strlcpy(out->level, worker_level_name(r->level), sizeof(out->level));
	util_strlcpy(out->level_label, registration_level_label(r->level),
		     sizeof(out->level_label));
	util_strlcpy(out->registered_on, r->registered_on, sizeof(out->registered_on));
	util_strlcpy(out->expires_on, r->expires_on, sizeof(out->expires_on));
	{
		char issuer[sizeof(out->region_name) + 16];

		snprintf(issuer, sizeof(issuer), "%s民政局", out->region_name);
		util_strlcpy(out->issuer, issuer, sizeof(out->issuer));
	}
out:
	free(r);
	return code;
}

sg_err registration_verify_public(db_t *db, const char *certificate_no,
				  struct public_cert *out, struct err_report *er)
{
	char today[REGISTRATION_DATE_SIZE];
	size_t len = certificate_no ? strlen(certificate_no) : 0;
	db_stmt_t *st;
	int rc, state;

	memset(out, 0, sizeof(*out));
	if (len != 16 || strspn(certificate_no, "0123456789") != len)
		return err_set(er, SG_ERR_NOT_FOUND, "no such certificate");
	st = db_prepare(db, "SELECT g.certificate_no, w.name, q.level, g.state,"
			    " g.registered_on, g.expires_on FROM registrations g"
			    " JOIN workers w ON w.id = g.worker_id"
			    " JOIN qualifications q ON q.id = g.qualification_id"
			    " WHERE g.certificate_no = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, certificate_no, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(out->certificate_no, nz(st, 0), sizeof(out->certificate_no));
		util_strlcpy(out->name, nz(st, 1), sizeof(out->name));
		util_strlcpy(out->level, worker_level_name((int)db_col_int(st, 2)),
			     sizeof(out->level));
		util_strlcpy(out->level_label, registration_level_label((int)db_col_int(st, 2)),
			     sizeof(out->level_label));
		state = registration_state_from_name(nz(st, 3));
		util_strlcpy(out->state, registration_state_name(state), sizeof(out->state));
		util_strlcpy(out->state_label, registration_state_label(state),
			     sizeof(out->state_label));
		util_strlcpy(out->registered_on, nz(st, 4), sizeof(out->registered_on));
		util_strlcpy(out->expires_on, nz(st, 5), sizeof(out->expires_on));
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such certificate");
	registration_today(today);
	out->valid = !strcmp(out->state, "certified") && strcmp(today, out->expires_on) <= 0;
	return SG_OK;
}
