/*
 * user.c: accounts, their checks and who may manage whom; see user.h.
 *
 * Every change reads the account first (to apply the manager rules to the
 * account as stored), checks the whole input and reports every bad field
 * at once, hashes a password outside the transaction (it takes tens of
 * milliseconds), then writes and audits in one transaction.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "user.h"
#include "audit.h"
#include "auth.h"
#include "password.h"
#include "../core/buf.h"
#include "../core/utf8.h"
#include "../core/banned.h"

#define USER_COLS \
	"SELECT u.id, u.login, u.display_name, u.role, u.region_code, r.name," \
	" u.disabled, u.must_change_password," \
	" CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END," \
	" u.created_at, u.last_login_at" \
	" FROM users u LEFT JOIN regions r ON r.code = u.region_code"

#define REGIONAL_ROLES "('bureau', 'org', 'worker', 'volunteer')"

int user_login_valid(const char *login)
{
	size_t n = login ? strlen(login) : 0;

	return n >= USER_LOGIN_MIN_CHARS && n <= USER_LOGIN_MAX_CHARS &&
	       strspn(login, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			     "abcdefghijklmnopqrstuvwxyz0123456789._@-") == n;
}

void user_write_json(struct json_writer *jw, const struct user *u)
{
	jw_obj_begin(jw);
	jw_kv_int(jw, "id", u->id);
	jw_kv_str(jw, "login", u->login);
	jw_kv_str(jw, "display_name", u->display_name);
	jw_kv_str(jw, "role", role_name(u->role));
	jw_kv_str(jw, "region_code", u->region_code[0] ? u->region_code : NULL);
	jw_kv_str(jw, "region_name", u->region_code[0] ? u->region_name : NULL);
	jw_kv_bool(jw, "disabled", u->disabled);
	jw_kv_bool(jw, "totp_enabled", u->totp_enabled);
	jw_kv_bool(jw, "must_change_password", u->must_change_password);
	jw_kv_str(jw, "created_at", u->created_at);
	jw_kv_str(jw, "last_login_at", u->last_login_at[0] ? u->last_login_at : NULL);
	jw_obj_end(jw);
}

static const char *col_or_empty(db_stmt_t *st, int col)
{
	return db_col_is_null(st, col) ? "" : db_col_text(st, col);
}

static void read_user(db_stmt_t *st, struct user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = db_col_int(st, 0);
	util_strlcpy(u->login, col_or_empty(st, 1), sizeof(u->login));
	util_strlcpy(u->display_name, col_or_empty(st, 2), sizeof(u->display_name));
	u->role = role_from_name(col_or_empty(st, 3));
	util_strlcpy(u->region_code, col_or_empty(st, 4), sizeof(u->region_code));
	util_strlcpy(u->region_name, col_or_empty(st, 5), sizeof(u->region_name));
	u->disabled = (int)db_col_int(st, 6);
	u->must_change_password = (int)db_col_int(st, 7);
	u->totp_enabled = (int)db_col_int(st, 8);
	util_strlcpy(u->created_at, col_or_empty(st, 9), sizeof(u->created_at));
	util_strlcpy(u->last_login_at, col_or_empty(st, 10), sizeof(u->last_login_at));
}

static sg_err load_one(db_t *db, const char *sql, const char *text, int64_t id,
		       struct user *out, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, sql);
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	if (text)
		db_bind_text(st, 1, text, -1);
	else
		db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW)
		read_user(st, out);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_set(er, SG_ERR_NOT_FOUND, "no such user");
	return SG_OK;
}

sg_err user_load(db_t *db, int64_t id, struct user *out, struct err_report *er)
{
	return load_one(db, USER_COLS " WHERE u.id = ?", NULL, id, out, er);
}

sg_err user_load_login(db_t *db, const char *login, struct user *out,
		       struct err_report *er)
{
	return load_one(db, USER_COLS " WHERE lower(u.login) = lower(?)", login,
			0, out, er);
}

/* ---- who may manage whom ------------------------------------------------ */

static int role_is_regional(enum role r)
{
	return r == ROLE_BUREAU || r == ROLE_ORG || r == ROLE_WORKER ||
	       r == ROLE_VOLUNTEER;
}

static int manages_all(const struct actor *who)
{
	return who->role == ROLE_SYSADMIN || who->role == ROLE_SYSTEM;
}

static int is_manager(const struct actor *who)
{
	return manages_all(who) || who->role == ROLE_BUREAU;
}

/*
 * Separation of duties (三员分立): the audit roles (secadmin, auditor) are
 * made and managed only from the server's command line, so a system
 * administrator cannot give itself or a crony the right to read the log
 * that records what it does.
 */
static int role_is_audit(enum role r)
{
	return r == ROLE_SECADMIN || r == ROLE_AUDITOR;
}

static int may_assign(const struct actor *who, enum role r)
{
	if (r <= ROLE_NONE || r >= ROLE_SYSTEM)
		return 0;
	if (who->role == ROLE_SYSTEM)
		return 1;
	if (who->role == ROLE_SYSADMIN)
		return !role_is_audit(r);
	return who->role == ROLE_BUREAU && role_is_regional(r);
}

/*
 * A bureau manages the regional accounts of its subtree, but another
 * bureau account only in a strictly lower region: peers at the same level
 * cannot take over each other's accounts (its own account stays its own,
 * within the self-service limits of user_update).
 */
static int may_manage(const struct actor *who, const struct user *u)
{
	if (who->role == ROLE_SYSTEM)
		return 1;
	if (who->role == ROLE_SYSADMIN)
		return !role_is_audit(u->role);
	if (who->role != ROLE_BUREAU || !role_is_regional(u->role) ||
	    !u->region_code[0] || !actor_in_scope(who, u->region_code))
		return 0;
	return u->role != ROLE_BUREAU || u->id == who->user_id ||
	       strlen(u->region_code) > strlen(who->region_code);
}

sg_err user_get(db_t *db, const struct actor *who, int64_t id,
		struct user *out, struct err_report *er)
{
	if (user_load(db, id, out, er) != SG_OK)
		return er->code;
	if (!may_manage(who, out))
		return err_set(er, SG_ERR_NOT_FOUND, "no such user");
	return SG_OK;
}

/* ---- input checks ------------------------------------------------------- */

static int region_code_wellformed(const char *code)
{
	size_t n = strlen(code);

	return (n == 2 || n == 4 || n == 6 || n == 9 || n == 12) &&
	       strspn(code, "0123456789") == n && code[0] != '0';
}

/* Region input: well-formed, loaded, inside who's scope. */
static sg_err check_region(db_t *db, const struct actor *who, const char *code,
			   struct err_report *er)
{
	db_stmt_t *st;
	int rc;

	if (!region_code_wellformed(code))
		return err_field(er, "region_code", "invalid",
				 "not a region code (2, 4, 6, 9 or 12 digits)");
	st = db_prepare(db, "SELECT 1 FROM regions WHERE code = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, code, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (rc != DB_ROW)
		return err_field(er, "region_code", "unknown", "no such region");
	if (!actor_in_scope(who, code))
		return err_field(er, "region_code", "outside_scope",
				 "outside your region");
	return SG_OK;
}

static void check_display_name(const char *name, struct err_report *er)
{
	size_t len = strlen(name);

	if (utf8_invalid_at(name, len) != len) {
		err_field(er, "display_name", "invalid", "must be valid UTF-8 text");
		return;
	}
	if (utf8_count(name, len) > USER_DISPLAY_NAME_MAX_CHARS) {
		err_field(er, "display_name", "too_long", "at most %d characters",
			  USER_DISPLAY_NAME_MAX_CHARS);
		return;
	}
	for (const unsigned char *p = (const unsigned char *)name; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			err_field(er, "display_name", "invalid",
				  "must not contain control characters");
			return;
		}
}

/* The role/region pairing rule, on the values the account will have. */
static void check_role_region(enum role r, const char *region, struct err_report *er)
{
	if (r <= ROLE_NONE || r >= ROLE_SYSTEM)
		return;
	if (role_is_regional(r) && !region[0])
		err_field(er, "region_code", "required",
			  "a %s account needs a region", role_name(r));
	else if (!role_is_regional(r) && region[0])
		err_field(er, "region_code", "not_allowed",
			  "a %s account works for the whole country and has no region",
			  role_name(r));
}

/*
 * The region input (when check is set: it is new) and then the pairing of
 * role and region, so that region_code gets at most one error.
 * SG_ERR_DB only when the database failed.
 */
static sg_err check_placement(db_t *db, const struct actor *who, enum role r,
			      const char *region, int check, struct err_report *er)
{
	size_t before = er->nfields;

	if (check && region[0]) {
		if (check_region(db, who, region, er) == SG_ERR_DB)
			return SG_ERR_DB;
		if (er->nfields > before)
			return SG_OK;
	}
	check_role_region(r, region, er);
	return SG_OK;
}

static void check_role(const struct actor *who, enum role r, struct err_report *er)
{
	if (r <= ROLE_NONE || r >= ROLE_SYSTEM)
		err_field(er, "role", "invalid",
			  "one of " ROLE_NAMES);
	else if (!may_assign(who, r))
		err_field(er, "role", "not_allowed", "you may not give the role %s",
			  role_name(r));
}

/* ---- audit details ------------------------------------------------------- */

static sg_err audit_user(db_t *db, const struct actor *who, const char *action,
			int64_t id, const char *details, struct err_report *er)
{
	return audit_object(db, who, action, "user", id, AUDIT_SUCCESS, details, er);
}

/* {"fields":["a","b"]} from field names (literals: nothing to escape). */
static void fields_json(char *out, size_t size, const char *const *fields,
			int n)
{
	struct buf b = BUF_INIT(256);

	buf_addstr(&b, "{\"fields\":[");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "%s\"%s\"", i ? "," : "", fields[i]);
	buf_addstr(&b, "]}");
	util_strlcpy(out, b.err ? "{}" : buf_cstr(&b), size);
	buf_release(&b);
}

/* ---- list --------------------------------------------------------------- */

/* Escape LIKE's wildcards with '\' and wrap in %...%, lower-cased (ASCII). */
static void like_pattern(struct buf *b, const char *q)
{
	buf_addch(b, '%');
	for (const char *p = q; *p; p++) {
		char c = *p;

		if (c == '%' || c == '_' || c == '\\')
			buf_addch(b, '\\');
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf_addch(b, c);
	}
	buf_addch(b, '%');
}

sg_err user_filter_parse(struct user_filter *f, const char *q, const char *role,
			 const char *region, const char *disabled, struct err_report *er)
{
	memset(f, 0, sizeof(*f));
	f->q = q;
	f->region = region;
	f->disabled = -1;
	if (role && role[0] && (f->role = role_from_name(role)) == ROLE_NONE)
		return err_field(er, "role", "invalid",
				 "one of " ROLE_NAMES);
	if (disabled && disabled[0]) {
		if (!strcmp(disabled, "true") || !strcmp(disabled, "1"))
			f->disabled = 1;
		else if (!strcmp(disabled, "false") || !strcmp(disabled, "0"))
			f->disabled = 0;
		else
			return err_field(er, "disabled", "invalid", "true or false");
	}
	return SG_OK;
}

sg_err user_list(db_t *db, const struct actor *who, const struct user_filter *f,
		 int64_t offset, int64_t limit,
		 int (*each)(const struct user *u, void *arg), void *arg,
		 int64_t *total, struct err_report *er)
{
	struct buf where = BUF_INIT(1024), sql = BUF_INIT(2048), pat = BUF_INIT(1024);
	char scope_lo[ACTOR_REGION_MAX], scope_hi[ACTOR_REGION_MAX];
	char reg_lo[ACTOR_REGION_MAX], reg_hi[ACTOR_REGION_MAX];
	int scoped = !manages_all(who), has_q = f->q && f->q[0];
	int has_region = f->region && f->region[0];
	db_stmt_t *st = NULL;
	sg_err code = SG_OK;
	int rc, n;

	*total = 0;
	if (!is_manager(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not manage users");
	if (has_region && !region_code_wellformed(f->region))
		return err_field(er, "region", "invalid", "not a region code");

	/* fixed fragments only; the values are bound below in the same order */
	buf_addstr(&where, " WHERE 1 = 1");
	if (scoped) {
		region_prefix_range(who->region_code, scope_lo, scope_hi);
		buf_addstr(&where, " AND u.region_code >= ? AND u.region_code < ?"
				   " AND u.role IN " REGIONAL_ROLES);
	}
	if (has_q) {
		like_pattern(&pat, f->q);
		buf_addstr(&where, " AND (lower(u.login) LIKE ? ESCAPE '\\'"
				   " OR lower(u.display_name) LIKE ? ESCAPE '\\')");
	}
	if (f->role != ROLE_NONE)
		buf_addstr(&where, " AND u.role = ?");
	if (has_region) {
		region_prefix_range(f->region, reg_lo, reg_hi);
		buf_addstr(&where, " AND u.region_code >= ? AND u.region_code < ?");
	}
	if (f->disabled >= 0)
		buf_addstr(&where, " AND u.disabled = ?");

	for (int pass = 0; pass < 2; pass++) {
		buf_reset(&sql);
		if (pass == 0)
			buf_printf(&sql, "SELECT count(*) FROM users u%s",
				   buf_cstr(&where));
		else
			buf_printf(&sql, USER_COLS "%s ORDER BY u.id LIMIT ? OFFSET ?",
				   buf_cstr(&where));
		if (sql.err || where.err || pat.err) {
			code = err_set(er, SG_ERR_NOMEM, "out of memory");
			goto out;
		}
		st = db_prepare(db, buf_cstr(&sql));
		if (!st) {
			code = db_fail(db, DB_ERR, er);
			goto out;
		}
		n = 1;
		if (scoped) {
			db_bind_text(st, n++, scope_lo, -1);
			db_bind_text(st, n++, scope_hi, -1);
		}
		if (has_q) {
			db_bind_text(st, n++, buf_cstr(&pat), -1);
			db_bind_text(st, n++, buf_cstr(&pat), -1);
		}
		if (f->role != ROLE_NONE)
			db_bind_text(st, n++, role_name(f->role), -1);
		if (has_region) {
			db_bind_text(st, n++, reg_lo, -1);
			db_bind_text(st, n++, reg_hi, -1);
		}
		if (f->disabled >= 0)
			db_bind_int(st, n++, f->disabled ? 1 : 0);
		if (pass == 1) {
			db_bind_int(st, n++, limit);
			db_bind_int(st, n++, offset);
		}
		while ((rc = db_step(st)) == DB_ROW) {
			struct user u;

			if (pass == 0) {
				*total = db_col_int(st, 0);
				continue;
			}
			read_user(st, &u);
			if (each(&u, arg))
				break;
		}
		db_done(st);
		st = NULL;
		if (rc < 0) {
			code = db_fail(db, rc, er);
			goto out;
		}
	}
out:
	buf_release(&where);
	buf_release(&sql);
	buf_release(&pat);
	return code;
}

/* ---- create ------------------------------------------------------------- */

static sg_err insert_user(db_t *db, const char *login, const char *display_name,
			  enum role role, const char *region, const char *hash,
			  int must_change, int64_t *id, struct err_report *er)
{
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	util_time_iso(util_now(), now);
	st = db_prepare(db, "INSERT INTO users (login, display_name, role,"
			    " region_code, password_hash, must_change_password,"
			    " created_at, updated_at, password_changed_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, login, -1);
	db_bind_text(st, 2, display_name, -1);
	db_bind_text(st, 3, role_name(role), -1);
	db_bind_text(st, 4, region[0] ? region : NULL, -1);
	db_bind_text(st, 5, hash, -1);
	db_bind_int(st, 6, must_change ? 1 : 0);
	db_bind_text(st, 7, now, -1);
	db_bind_text(st, 8, now, -1);
	db_bind_text(st, 9, now, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		*id = db_col_int(st, 0);
	db_done(st);
	if (rc == DB_ERR_UNIQUE) {
		err_set(er, SG_ERR_CONFLICT, "login %s is taken", login);
		err_field(er, "login", "taken", "this login is taken");
		return SG_ERR_CONFLICT;
	}
	if (rc == DB_ERR_FOREIGN)
		return err_field(er, "region_code", "unknown", "no such region");
	if (rc != DB_ROW)
		return db_fail(db, rc < 0 ? rc : DB_ERR, er);
	return SG_OK;
}

sg_err user_create(db_t *db, const struct actor *who, const struct user_new *in,
		   int64_t *id, struct err_report *er)
{
	const char *region = in->region_code ? in->region_code : "";
	const char *name = in->display_name && in->display_name[0] ?
			   in->display_name : (in->login ? in->login : "");
	char hash[PASSWORD_HASH_SIZE], details[256];
	int rc;

	if (!is_manager(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not manage users");
	if (!user_login_valid(in->login))
		err_field(er, "login", "invalid",
			  "3 to 64 of the characters A-Z a-z 0-9 . _ @ -");
	else if (!strcasecmp(in->login, "system"))
		err_field(er, "login", "reserved",
			  "\"system\" names the platform itself in the audit log");
	check_display_name(name, er);
	check_role(who, in->role, er);
	if (check_placement(db, who, in->role, region, 1, er) == SG_ERR_DB)
		return er->code;
	password_check_policy(in->password ? in->password : "",
			      user_login_valid(in->login) ? in->login : NULL,
			      "password", er);
	if (er->code != SG_OK)
		return er->code;
	if (password_hash(in->password, hash, er) != SG_OK)
		return er->code;

	/* login is [A-Za-z0-9._@-] and region digits: nothing to escape */
	snprintf(details, sizeof(details),
		 "{\"login\":\"%s\",\"role\":\"%s\",\"region_code\":%s%s%s}",
		 in->login, role_name(in->role), region[0] ? "\"" : "",
		 region[0] ? region : "null", region[0] ? "\"" : "");
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (insert_user(db, in->login, name, in->role, region, hash,
			in->must_change_password, id, er) != SG_OK ||
	    audit_user(db, who, "user.create", *id, details, er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

/* ---- update ------------------------------------------------------------- */

sg_err user_update(db_t *db, const struct actor *who, int64_t id,
		   const struct user_patch *p, struct err_report *er)
{
	struct user cur;
	const char *name, *region;
	enum role role;
	int disabled, self, rc, nfields = 0;
	char details[160], now[UTIL_TIME_LEN];
	const char *fields[4];
	const char *action;
	db_stmt_t *st;

	if (!is_manager(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not manage users");
	/*
	 * Read and check inside the write transaction: a concurrent change
	 * (a disable, a move out of scope) cannot be overwritten by a stale copy.
	 */
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (user_get(db, who, id, &cur, er) != SG_OK)
		goto fail;
	self = who->user_id != 0 && who->user_id == id;
	name = p->display_name ? p->display_name : cur.display_name;
	role = p->set_role ? p->role : cur.role;
	region = p->set_region ? (p->region_code ? p->region_code : "")
			       : cur.region_code;
	disabled = p->disabled >= 0 ? (p->disabled != 0) : cur.disabled;

	if (p->display_name) {
		if (!p->display_name[0])
			err_field(er, "display_name", "required", "must not be empty");
		else
			check_display_name(p->display_name, er);
	}
	if (p->set_role && role != cur.role) {
		if (self)
			err_field(er, "role", "not_allowed",
				  "you cannot change your own role");
		else
			check_role(who, role, er);
	}
	if (check_placement(db, who, role, region,
			    p->set_region && strcmp(region, cur.region_code) != 0,
			    er) == SG_ERR_DB)
		goto fail;
	if (self && disabled && !cur.disabled)
		err_field(er, "disabled", "not_allowed",
			  "you cannot disable your own account");
	if (er->code != SG_OK)
		goto fail;

	if (strcmp(name, cur.display_name) != 0)
		fields[nfields++] = "display_name";
	if (role != cur.role)
		fields[nfields++] = "role";
	if (strcmp(region, cur.region_code) != 0)
		fields[nfields++] = "region_code";
	if (disabled != cur.disabled)
		fields[nfields++] = "disabled";
	if (nfields == 0) {
		db_rollback(db);
		return SG_OK;
	}
	action = disabled && !cur.disabled ? "user.disable" : "user.update";
	fields_json(details, sizeof(details), fields, nfields);

	util_time_iso(util_now(), now);
	st = db_prepare(db, "UPDATE users SET display_name = ?, role = ?,"
			    " region_code = ?, disabled = ?, updated_at = ?"
			    " WHERE id = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, name, -1);
	db_bind_text(st, 2, role_name(role), -1);
	db_bind_text(st, 3, region[0] ? region : NULL, -1);
	db_bind_int(st, 4, disabled);
	db_bind_text(st, 5, now, -1);
	db_bind_int(st, 6, id);
	rc = db_step(st);
	db_done(st);
	if (rc == DB_ERR_FOREIGN) {
		err_field(er, "region_code", "unknown", "no such region");
		goto fail;
	}
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if ((disabled && !cur.disabled &&
	     auth_end_user_sessions(db, id, er) != SG_OK) ||
	    audit_user(db, who, action, id, details, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}

/* ---- password reset, TOTP reset ---------------------------------------------- */

sg_err user_password_reset(db_t *db, const struct actor *who, int64_t id,
			   char *out, size_t outlen, struct err_report *er)
{
	struct user u;
	char otp[USER_OTP_CHARS + 1], hash[PASSWORD_HASH_SIZE], now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	if (outlen < sizeof(otp))
		return err_set(er, SG_ERR_INTERNAL, "password buffer too small");
	out[0] = '\0';
	if (!is_manager(who))
		return err_set(er, SG_ERR_FORBIDDEN, "your role may not manage users");
	if (who->user_id == id)
		return err_set(er, SG_ERR_FORBIDDEN,
			       "change your own password with POST /api/v1/me/password");
	/* the slow hash first, then the checks under the write lock */
	password_generate(otp, USER_OTP_CHARS);
	if (password_hash(otp, hash, er) != SG_OK)
		return er->code;
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (user_get(db, who, id, &u, er) != SG_OK)
		goto fail;
	st = db_prepare(db, "UPDATE users SET password_hash = ?,"
			    " must_change_password = 1, password_changed_at = ?,"
			    " updated_at = ? WHERE id = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, hash, -1);
	db_bind_text(st, 2, now, -1);
	db_bind_text(st, 3, now, -1);
	db_bind_int(st, 4, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if (auth_end_user_sessions(db, id, er) != SG_OK ||
	    audit_user(db, who, "user.password_reset", id, NULL, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	util_strlcpy(out, otp, outlen);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}

sg_err user_totp_reset(db_t *db, const struct actor *who, int64_t id,
		       struct err_report *er)
{
	struct user u;
	char now[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	if (!manages_all(who))
		return err_set(er, SG_ERR_FORBIDDEN,
			       "only a system administrator resets a second factor");
	util_time_iso(util_now(), now);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (user_get(db, who, id, &u, er) != SG_OK)
		goto fail;
	st = db_prepare(db, "UPDATE users SET totp_secret = NULL, totp_pending = NULL,"
			    " totp_last_step = 0, updated_at = ? WHERE id = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, now, -1);
	db_bind_int(st, 2, id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if (audit_user(db, who, "user.totp_reset", id, NULL, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}

/* ---- bootstrap ------------------------------------------------------------ */

sg_err user_bootstrap_admin(db_t *db, char *password_out, size_t outlen,
			    struct err_report *er)
{
	char otp[USER_BOOTSTRAP_OTP_CHARS + 1], hash[PASSWORD_HASH_SIZE];
	int64_t count = 0, id = 0;
	db_stmt_t *st;
	int rc;

	if (outlen < sizeof(otp))
		return err_set(er, SG_ERR_INTERNAL, "password buffer too small");
	password_out[0] = '\0';
	password_generate(otp, USER_BOOTSTRAP_OTP_CHARS);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "SELECT count(*) FROM users");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	rc = db_step(st);
	if (rc == DB_ROW)
		count = db_col_int(st, 0);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if (count > 0) {
		db_rollback(db);
		return SG_OK;
	}
	/* hashing inside the transaction is fine here: init runs alone */
	if (password_hash(otp, hash, er) != SG_OK ||
	    insert_user(db, "admin", "Administrator", ROLE_SYSADMIN, "", hash, 1,
			&id, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	util_strlcpy(password_out, otp, outlen);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}
