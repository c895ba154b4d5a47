/*
 * auth.c: sign-in, sessions, throttling, own password and TOTP enrolment;
 * see auth.h for the rules.
 *
 * Password hashing takes tens of milliseconds, so it never runs inside a
 * transaction: sign-in reads, verifies, and only then takes the write lock
 * to record the outcome. Two attempts racing past the throttle check at
 * once can both be verified; the counters still count both, so the race
 * gains an attacker at most one attempt per server thread.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auth.h"
#include "audit.h"
#include "password.h"
#include "totp.h"
#include "../core/buf.h"
#include "../core/log.h"
#include "../core/secret.h"
#include "../core/util.h"
#include "../core/banned.h"

#define TOKEN_HASH_SIZE 65 /* hex of BLAKE2b-256 + NUL */
#define SEALED_MAX 160     /* a sealed TOTP secret is 96 characters */
#define LOGIN_KEY_MAX 257  /* 64 code points of up to 4 bytes + NUL */

/* ---- tokens ---------------------------------------------------------- */

static void random_token(char out[AUTH_TOKEN_LEN + 1])
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, AUTH_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

static int token_wellformed(const char *t)
{
	static const char b64url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				     "abcdefghijklmnopqrstuvwxyz0123456789-_";

	return t && strlen(t) == AUTH_TOKEN_LEN &&
	       strspn(t, b64url) == AUTH_TOKEN_LEN;
}

static void token_hash(const char *token, char out[TOKEN_HASH_SIZE])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)token,
			   strlen(token), NULL, 0);
	util_hex(h, sizeof(h), out);
}

/* Copy UTF-8 text into dst, cut at a character boundary if it is long. */
static void utf8_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size) {
		n = size - 1;
		while (n > 0 && ((unsigned char)src[n] & 0xC0) == 0x80)
			n--;
	}
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static time_t parse_time_or_0(const char *s)
{
	time_t t;

	return s && util_parse_time(s, &t) == 0 ? t : 0;
}

/* ---- sessions -------------------------------------------------------- */

sg_err auth_session_resume(db_t *db, const char *token, struct actor *who,
			   char *csrf, struct err_report *er)
{
	char hash[TOKEN_HASH_SIZE];
	time_t now = util_now(), last_seen, expires;
	int64_t session_id;
	db_stmt_t *st;
	int rc, live;

	if (!token_wellformed(token))
		return err_set(er, SG_ERR_UNAUTHORIZED, "no such session");
	token_hash(token, hash);
	st = db_prepare(db,
		"SELECT s.id, s.csrf_token, s.last_seen_at, s.expires_at, u.id,"
		" u.login, u.display_name, u.role, u.region_code,"
		" u.must_change_password,"
		" CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END, u.disabled"
		" FROM sessions s JOIN users u ON u.id = s.user_id"
		" WHERE s.token_hash = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, hash, -1);
	rc = db_step(st);
	if (rc != DB_ROW) {
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
		return err_set(er, SG_ERR_UNAUTHORIZED, "no such session");
	}
	session_id = db_col_int(st, 0);
	last_seen = parse_time_or_0(db_col_text(st, 2));
	expires = parse_time_or_0(db_col_text(st, 3));
	live = now < expires && now - last_seen < AUTH_IDLE_TIMEOUT &&
	       db_col_int(st, 11) == 0;
	if (live) {
		who->user_id = db_col_int(st, 4);
		util_strlcpy(who->login, db_col_text(st, 5), sizeof(who->login));
		utf8_copy(who->display_name, sizeof(who->display_name),
			  db_col_text(st, 6));
		who->role = role_from_name(db_col_text(st, 7));
		util_strlcpy(who->region_code,
			     db_col_is_null(st, 8) ? "" : db_col_text(st, 8),
			     sizeof(who->region_code));
		who->must_change_password = (int)db_col_int(st, 9);
		who->totp_enabled = (int)db_col_int(st, 10);
		who->session_id = session_id;
		util_strlcpy(csrf, db_col_text(st, 1), AUTH_CSRF_LEN + 1);
	}
	db_done(st);
	if (!live)
		return err_set(er, SG_ERR_UNAUTHORIZED, "session expired");
	if (now - last_seen >= AUTH_TOUCH_INTERVAL) {
		char iso[UTIL_TIME_LEN];

		/* losing this write only shortens the idle timer by a minute,
		   so a busy database does not fail the request */
		util_time_iso(now, iso);
		st = db_prepare(db, "UPDATE sessions SET last_seen_at = ? WHERE id = ?");
		if (st) {
			db_bind_text(st, 1, iso, -1);
			db_bind_int(st, 2, session_id);
			if (db_step(st) < 0)
				log_warn("session %lld: idle timer not refreshed: %s",
					 (long long)session_id, db_errmsg(db));
		}
		db_done(st);
	}
	return SG_OK;
}

/* Make a session for user_id (in the caller's transaction). */
static sg_err session_create(db_t *db, int64_t user_id, const char *ip,
			     time_t now, struct auth_new_session *out,
			     struct err_report *er)
{
	char hash[TOKEN_HASH_SIZE], created[UTIL_TIME_LEN], expires[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	random_token(out->token);
	random_token(out->csrf);
	out->user_id = user_id;
	token_hash(out->token, hash);
	util_time_iso(now, created);
	util_time_iso(now + AUTH_ABSOLUTE_TIMEOUT, expires);
	st = db_prepare(db, "INSERT INTO sessions (token_hash, user_id, csrf_token,"
			    " ip, created_at, last_seen_at, expires_at)"
			    " VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, hash, -1);
	db_bind_int(st, 2, user_id);
	db_bind_text(st, 3, out->csrf, -1);
	db_bind_text(st, 4, ip ? ip : "", -1);
	db_bind_text(st, 5, created, -1);
	db_bind_text(st, 6, created, -1);
	db_bind_text(st, 7, expires, -1);
	rc = db_step(st);
	if (rc == DB_ROW)
		out->session_id = db_col_int(st, 0);
	db_done(st);
	return rc == DB_ROW ? SG_OK : db_fail(db, rc < 0 ? rc : DB_ERR, er);
}

sg_err auth_end_user_sessions(db_t *db, int64_t user_id, struct err_report *er)
{
	return db_exec_int(db, "DELETE FROM sessions WHERE user_id = ?", user_id, er);
}

/* End the session of a cookie sent to sign-in, and every dead session. */
static sg_err sessions_sweep(db_t *db, const char *old_token, time_t now,
			     struct err_report *er)
{
	char now_iso[UTIL_TIME_LEN], idle_iso[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	if (token_wellformed(old_token)) {
		char hash[TOKEN_HASH_SIZE];

		token_hash(old_token, hash);
		st = db_prepare(db, "DELETE FROM sessions WHERE token_hash = ?");
		if (!st)
			return db_fail(db, DB_ERR, er);
		db_bind_text(st, 1, hash, -1);
		rc = db_step(st);
		db_done(st);
		if (rc < 0)
			return db_fail(db, rc, er);
	}
	util_time_iso(now, now_iso);
	util_time_iso(now - AUTH_IDLE_TIMEOUT, idle_iso);
	st = db_prepare(db, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, now_iso, -1);
	db_bind_text(st, 2, idle_iso, -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* ---- throttling ------------------------------------------------------ */

enum throttle_scope { TH_PAIR, TH_IP, TH_LOGIN, TH_COUNT };

static const char *const th_scope_names[TH_COUNT] = { "login_ip", "ip", "login" };

struct throttle_row {
	int exists;
	int64_t failures;
	time_t window_start;
	time_t last_failure;
	time_t locked_until; /* 0: not locked */
};

struct throttle_keys {
	char key[TH_COUNT][LOGIN_KEY_MAX + 48];
};

/* Lock of the (login, IP) pair after its n-th failure (n >= limit). */
static int64_t pair_lock_seconds(int64_t failures)
{
	int64_t secs = AUTH_PAIR_LOCK_MIN;

	for (int64_t n = failures - AUTH_PAIR_LIMIT; n > 0 && secs < AUTH_PAIR_LOCK_MAX; n--)
		secs *= 2;
	return secs < AUTH_PAIR_LOCK_MAX ? secs : AUTH_PAIR_LOCK_MAX;
}

/* Count one failure at now into r, by the rule of scope s. */
static void throttle_count(enum throttle_scope s, struct throttle_row *r, time_t now)
{
	int64_t limit = s == TH_IP ? AUTH_IP_LIMIT : AUTH_LOGIN_LIMIT;
	int64_t lock = s == TH_IP ? AUTH_IP_LOCK : AUTH_LOGIN_LOCK;

	if (s == TH_PAIR) {
		if (!r->exists || now - r->last_failure >= AUTH_PAIR_FORGET) {
			r->failures = 0;
			r->window_start = now;
		}
		r->failures++;
		if (r->failures >= AUTH_PAIR_LIMIT)
			r->locked_until = now + pair_lock_seconds(r->failures);
	} else {
		if (!r->exists || now - r->window_start >= AUTH_WINDOW) {
			r->failures = 0;
			r->window_start = now;
		}
		r->failures++;
		if (r->failures >= limit) {
			/* the lock outlasts the window; counting starts afresh */
			r->locked_until = now + lock;
			r->failures = 0;
			r->window_start = now;
		}
	}
	r->last_failure = now;
	r->exists = 1;
}

/* Seconds r is still locked at now; 0 if it is not. */
static int64_t throttle_remaining(const struct throttle_row *r, time_t now)
{
	return r->exists && r->locked_until > now ? r->locked_until - now : 0;
}

static void throttle_keys_make(struct throttle_keys *k, const char *login,
			       const char *ip)
{
	char lower[LOGIN_KEY_MAX];

	utf8_copy(lower, sizeof(lower), login ? login : "");
	for (char *p = lower; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	snprintf(k->key[TH_PAIR], sizeof(k->key[TH_PAIR]), "%s %s", lower,
		 ip ? ip : "");
	util_strlcpy(k->key[TH_IP], ip ? ip : "", sizeof(k->key[TH_IP]));
	util_strlcpy(k->key[TH_LOGIN], lower, sizeof(k->key[TH_LOGIN]));
}

static sg_err throttle_load(db_t *db, enum throttle_scope s, const char *key,
			    struct throttle_row *r, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db,
		"SELECT failures, window_start, last_failure_at, locked_until"
		" FROM login_throttle WHERE scope = ? AND key = ?");
	int rc;

	memset(r, 0, sizeof(*r));
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, th_scope_names[s], -1);
	db_bind_text(st, 2, key, -1);
	rc = db_step(st);
	if (rc == DB_ROW) {
		r->exists = 1;
		r->failures = db_col_int(st, 0);
		r->window_start = parse_time_or_0(db_col_text(st, 1));
		r->last_failure = parse_time_or_0(db_col_text(st, 2));
		r->locked_until = parse_time_or_0(db_col_text(st, 3));
	}
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

static sg_err throttle_store(db_t *db, enum throttle_scope s, const char *key,
			     const struct throttle_row *r, struct err_report *er)
{
	char start[UTIL_TIME_LEN], last[UTIL_TIME_LEN], until[UTIL_TIME_LEN];
	db_stmt_t *st = db_prepare(db,
		"INSERT INTO login_throttle (scope, key, failures, window_start,"
		" last_failure_at, locked_until) VALUES (?, ?, ?, ?, ?, ?)"
		" ON CONFLICT (scope, key) DO UPDATE SET"
		" failures = excluded.failures,"
		" window_start = excluded.window_start,"
		" last_failure_at = excluded.last_failure_at,"
		" locked_until = excluded.locked_until");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	util_time_iso(r->window_start, start);
	util_time_iso(r->last_failure, last);
	util_time_iso(r->locked_until, until);
	db_bind_text(st, 1, th_scope_names[s], -1);
	db_bind_text(st, 2, key, -1);
	db_bind_int(st, 3, r->failures);
	db_bind_text(st, 4, start, -1);
	db_bind_text(st, 5, last, -1);
	db_bind_text(st, 6, r->locked_until ? until : NULL, -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* The longest lock among the three counters at now, in *retry (0: none). */
static sg_err throttle_check(db_t *db, const struct throttle_keys *k, time_t now,
			     int64_t *retry, struct err_report *er)
{
	*retry = 0;
	for (int s = 0; s < TH_COUNT; s++) {
		struct throttle_row r;
		int64_t left;

		if (throttle_load(db, (enum throttle_scope)s, k->key[s], &r, er))
			return er->code;
		left = throttle_remaining(&r, now);
		if (left > *retry)
			*retry = left;
	}
	return SG_OK;
}

/* Count a failure in all three counters (in the caller's transaction). */
static sg_err throttle_fail(db_t *db, const struct throttle_keys *k, time_t now,
			    struct err_report *er)
{
	char stale[UTIL_TIME_LEN];
	db_stmt_t *st;
	int rc;

	for (int s = 0; s < TH_COUNT; s++) {
		struct throttle_row r;

		if (throttle_load(db, (enum throttle_scope)s, k->key[s], &r, er))
			return er->code;
		throttle_count((enum throttle_scope)s, &r, now);
		if (throttle_store(db, (enum throttle_scope)s, k->key[s], &r, er))
			return er->code;
	}
	/* keep the table small even when logins are sprayed at random */
	util_time_iso(now - AUTH_PAIR_FORGET, stale);
	st = db_prepare(db, "DELETE FROM login_throttle WHERE last_failure_at < ?"
			    " AND (locked_until IS NULL OR locked_until < ?)");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, stale, -1);
	db_bind_text(st, 2, stale, -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

static sg_err throttle_clear_pair(db_t *db, const struct throttle_keys *k,
				  struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, "DELETE FROM login_throttle"
				       " WHERE scope = 'login_ip' AND key = ?");
	int rc;

	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_text(st, 1, k->key[TH_PAIR], -1);
	rc = db_step(st);
	db_done(st);
	return rc < 0 ? db_fail(db, rc, er) : SG_OK;
}

/* ---- audit helpers ---------------------------------------------------- */

/* {"reason":"..."} for a reason word (a literal: nothing to escape). */
static void reason_json(char *out, size_t size, const char *reason)
{
	if (reason)
		snprintf(out, size, "{\"reason\":\"%s\"}", reason);
	else
		out[0] = '\0';
}

static sg_err audit_simple(db_t *db, const struct actor *who, const char *action,
			   const char *outcome, const char *reason,
			   const char *login_override, struct err_report *er)
{
	char details[96], object[24];
	struct audit_entry e = {
		.action = action,
		.object_type = "user",
		.object_id = object,
		.outcome = outcome,
		.login = login_override,
	};

	snprintf(object, sizeof(object), "%lld", (long long)who->user_id);
	if (who->user_id == 0)
		e.object_type = e.object_id = NULL;
	reason_json(details, sizeof(details), reason);
	e.details_json = details[0] ? details : NULL;
	return audit_append(db, who, &e, er);
}

/*
 * Record a failed sign-in (counted or not) in its own transaction. The
 * login tried goes into the record, cut to a login's length.
 */
static sg_err login_failure(db_t *db, const struct actor *anon, const char *tried,
			    const struct throttle_keys *k, time_t now,
			    const char *reason, struct err_report *er)
{
	char login[LOGIN_KEY_MAX];
	int rc;

	utf8_copy(login, sizeof(login), tried ? tried : "");
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if ((k && throttle_fail(db, k, now, er) != SG_OK) ||
	    audit_simple(db, anon, "session.login", AUDIT_FAILURE, reason, login,
			 er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

/*
 * A throttled refusal costs the client no password hashing, so auditing
 * every one would let anybody grow the append-only log (and take its write
 * lock) at will. The first refusal from an address is audited, then at
 * most one a minute. Keyed by address, not by login, so that rotating
 * login names does not escape it. Process memory is enough: it only thins
 * out records, it never decides who may sign in.
 */
#define REFUSAL_AUDIT_SLOTS 1024
#define REFUSAL_AUDIT_EVERY 60

static struct {
	char ip[48];
	time_t last;
} refusal_audits[REFUSAL_AUDIT_SLOTS];
static pthread_mutex_t refusal_lock = PTHREAD_MUTEX_INITIALIZER;

static int refusal_should_audit(const char *ip, time_t now)
{
	unsigned char h[8];
	uint64_t slot;
	int audit;

	crypto_generichash(h, sizeof(h), (const unsigned char *)ip, strlen(ip),
			   NULL, 0);
	memcpy(&slot, h, sizeof(slot));
	slot %= REFUSAL_AUDIT_SLOTS;
	pthread_mutex_lock(&refusal_lock);
	audit = strcmp(refusal_audits[slot].ip, ip) != 0 ||
		now - refusal_audits[slot].last >= REFUSAL_AUDIT_EVERY ||
		now < refusal_audits[slot].last;
	if (audit) {
		util_strlcpy(refusal_audits[slot].ip, ip, sizeof(refusal_audits[slot].ip));
		refusal_audits[slot].last = now;
	}
	pthread_mutex_unlock(&refusal_lock);
	return audit;
}

/* ---- sign-in ---------------------------------------------------------- */

struct credentials {
	int64_t id;
	char login[ACTOR_LOGIN_MAX];
	char role[16];
	char region_code[ACTOR_REGION_MAX];
	char hash[PASSWORD_HASH_SIZE];
	char totp_sealed[SEALED_MAX]; /* "" when TOTP is off */
	int64_t totp_last_step;
	int disabled;
};

/* 1 found, 0 not, or -1 with er filled. By id when login is NULL. */
static int credentials_load(db_t *db, const char *login, int64_t id,
			    struct credentials *c, struct err_report *er)
{
	db_stmt_t *st = db_prepare(db, login ?
		"SELECT id, login, role, region_code, password_hash, totp_secret,"
		" totp_last_step, disabled FROM users WHERE lower(login) = lower(?)" :
		"SELECT id, login, role, region_code, password_hash, totp_secret,"
		" totp_last_step, disabled FROM users WHERE id = ?");
	int rc;

	memset(c, 0, sizeof(*c));
	if (!st) {
		db_fail(db, DB_ERR, er);
		return -1;
	}
	if (login)
		db_bind_text(st, 1, login, -1);
	else
		db_bind_int(st, 1, id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		c->id = db_col_int(st, 0);
		util_strlcpy(c->login, db_col_text(st, 1), sizeof(c->login));
		util_strlcpy(c->role, db_col_text(st, 2), sizeof(c->role));
		util_strlcpy(c->region_code, db_col_is_null(st, 3) ? "" :
			     db_col_text(st, 3), sizeof(c->region_code));
		util_strlcpy(c->hash, db_col_text(st, 4), sizeof(c->hash));
		util_strlcpy(c->totp_sealed, db_col_is_null(st, 5) ? "" :
			     db_col_text(st, 5), sizeof(c->totp_sealed));
		c->totp_last_step = db_col_int(st, 6);
		c->disabled = (int)db_col_int(st, 7);
	}
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		return -1;
	}
	return rc == DB_ROW;
}

/* Open a sealed TOTP secret; 0 on success. */
static int totp_unseal(const char *sealed, unsigned char secret[TOTP_SECRET_BYTES])
{
	char plain[64];
	size_t n = 0;

	if (!secret_loaded() ||
	    secret_open(sealed, plain, sizeof(plain), &n) != SG_OK ||
	    n != TOTP_SECRET_BYTES)
		return -1;
	memcpy(secret, plain, TOTP_SECRET_BYTES);
	sodium_memzero(plain, sizeof(plain));
	return 0;
}

static sg_err login_refused(struct err_report *er)
{
	return err_set(er, SG_ERR_UNAUTHORIZED,
		       "wrong login or password, or the account is disabled");
}

sg_err auth_login(db_t *db, const struct auth_login_input *in,
		  struct auth_new_session *out, struct err_report *er)
{
	struct actor who;
	struct throttle_keys k;
	struct credentials c;
	char new_hash[PASSWORD_HASH_SIZE] = "", now_iso[UTIL_TIME_LEN];
	const char *reason = NULL;
	time_t now = util_now();
	int64_t retry, step = 0;
	int found, ok, rc;
	db_stmt_t *st;

	if (!in->login || !in->password)
		return login_refused(er);
	memset(&who, 0, sizeof(who));
	util_strlcpy(who.ip, in->ip, sizeof(who.ip));
	throttle_keys_make(&k, in->login, in->ip);
	if (throttle_check(db, &k, now, &retry, er) != SG_OK)
		return er->code;
	if (retry > 0) {
		if (refusal_should_audit(in->ip ? in->ip : "", now) &&
		    login_failure(db, &who, in->login, NULL, now, "throttled", er))
			return er->code;
		err_set(er, SG_ERR_THROTTLED,
			"too many failed sign-ins; try again in %lld seconds",
			(long long)retry);
		er->retry_after = (int)retry;
		return SG_ERR_THROTTLED;
	}

	found = credentials_load(db, in->login, 0, &c, er);
	if (found < 0)
		return er->code;
	ok = found ? password_verify(c.hash, in->password)
		   : password_verify_dummy(in->password);
	if (!ok)
		reason = "invalid_credentials";
	else if (c.disabled)
		reason = "account_disabled";
	else if (c.totp_sealed[0]) {
		unsigned char secret[TOTP_SECRET_BYTES];

		if (!in->totp || !in->totp[0]) {
			if (login_failure(db, &who, in->login, NULL, now,
					  "totp_required", er))
				return er->code;
			err_set(er, SG_ERR_UNAUTHORIZED,
				"enter the code from your authenticator app");
			err_field(er, "totp", "required",
				  "a one-time code is required for this account");
			return SG_ERR_UNAUTHORIZED;
		}
		if (totp_unseal(c.totp_sealed, secret) != 0)
			return err_set(er, SG_ERR_INTERNAL,
				       "the TOTP secret of user %lld cannot be opened",
				       (long long)c.id);
		if (!totp_check(secret, sizeof(secret), in->totp, now,
				c.totp_last_step, &step))
			reason = "totp_invalid";
		sodium_memzero(secret, sizeof(secret));
	}
	if (reason) {
		if (login_failure(db, &who, in->login, &k, now, reason, er))
			return er->code;
		if (!strcmp(reason, "totp_invalid")) {
			err_set(er, SG_ERR_UNAUTHORIZED, "wrong or already used code");
			err_field(er, "totp", "invalid",
				  "the code is wrong or was already used");
			return SG_ERR_UNAUTHORIZED;
		}
		return login_refused(er);
	}

	if (password_needs_rehash(c.hash) &&
	    password_hash(in->password, new_hash, er) != SG_OK)
		return er->code;

	who.user_id = c.id;
	util_strlcpy(who.login, c.login, sizeof(who.login));
	who.role = role_from_name(c.role);
	util_strlcpy(who.region_code, c.region_code, sizeof(who.region_code));
	util_time_iso(now, now_iso);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (c.totp_sealed[0]) {
		/* the step only moves forward: a concurrent sign-in with the
		   same code finds it taken */
		st = db_prepare(db, "UPDATE users SET totp_last_step = ?"
				    " WHERE id = ? AND totp_last_step < ?");
		if (!st) {
			db_fail(db, DB_ERR, er);
			goto fail;
		}
		db_bind_int(st, 1, step);
		db_bind_int(st, 2, c.id);
		db_bind_int(st, 3, step);
		rc = db_step(st);
		db_done(st);
		if (rc < 0) {
			db_fail(db, rc, er);
			goto fail;
		}
		if (db_changes(db) == 0) {
			db_rollback(db);
			if (login_failure(db, &who, in->login, &k, now,
					  "totp_replayed", er))
				return er->code;
			err_set(er, SG_ERR_UNAUTHORIZED, "wrong or already used code");
			err_field(er, "totp", "invalid",
				  "the code is wrong or was already used");
			return SG_ERR_UNAUTHORIZED;
		}
	}
	if (throttle_clear_pair(db, &k, er) != SG_OK ||
	    sessions_sweep(db, in->old_token, now, er) != SG_OK ||
	    session_create(db, c.id, in->ip, now, out, er) != SG_OK)
		goto fail;
	st = db_prepare(db, new_hash[0] ?
		"UPDATE users SET last_login_at = ?, password_hash = ? WHERE id = ?" :
		"UPDATE users SET last_login_at = ? WHERE id = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, now_iso, -1);
	if (new_hash[0])
		db_bind_text(st, 2, new_hash, -1);
	db_bind_int(st, new_hash[0] ? 3 : 2, c.id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	who.session_id = out->session_id;
	if (audit_simple(db, &who, "session.login", AUDIT_SUCCESS, NULL, NULL, er))
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}

sg_err auth_logout(db_t *db, const struct actor *who, struct err_report *er)
{
	int rc;

	if (who->session_id == 0)
		return err_set(er, SG_ERR_UNAUTHORIZED, "not signed in");
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (db_exec_int(db, "DELETE FROM sessions WHERE id = ?", who->session_id,
		     er) != SG_OK ||
	    audit_simple(db, who, "session.logout", AUDIT_SUCCESS, NULL, NULL,
			 er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
}

/* ---- own password ------------------------------------------------------ */

/*
 * Re-check the signed-in user's password before a change to their own
 * credentials (password, second factor), so that a stolen session alone
 * cannot take the account over. Wrong passwords count towards the sign-in
 * throttle and are audited as a failed `action`; the error names `field`.
 * Fills c and k for the caller.
 */
static sg_err check_current_password(db_t *db, const struct actor *who,
				     const char *password, const char *field,
				     const char *action, time_t now,
				     struct credentials *c,
				     struct throttle_keys *k,
				     struct err_report *er)
{
	int64_t retry;
	int found, rc;

	if (who->user_id == 0)
		return err_set(er, SG_ERR_UNAUTHORIZED, "not signed in");
	throttle_keys_make(k, who->login, who->ip);
	if (throttle_check(db, k, now, &retry, er) != SG_OK)
		return er->code;
	if (retry > 0) {
		err_set(er, SG_ERR_THROTTLED,
			"too many wrong passwords; try again in %lld seconds",
			(long long)retry);
		er->retry_after = (int)retry;
		return SG_ERR_THROTTLED;
	}
	found = credentials_load(db, NULL, who->user_id, c, er);
	if (found < 0)
		return er->code;
	if (!found)
		return err_set(er, SG_ERR_UNAUTHORIZED, "no such account");
	if (password_verify(c->hash, password))
		return SG_OK;
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	if (throttle_fail(db, k, now, er) != SG_OK ||
	    audit_simple(db, who, action, AUDIT_FAILURE,
			 "wrong_current_password", NULL, er) != SG_OK) {
		db_rollback(db);
		return er->code;
	}
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return err_field(er, field, "wrong", "the current password is wrong");
}

sg_err auth_change_password(db_t *db, const struct actor *who,
			    const char *current, const char *new_password,
			    struct auth_new_session *out, struct err_report *er)
{
	struct throttle_keys k;
	struct credentials c;
	char hash[PASSWORD_HASH_SIZE], now_iso[UTIL_TIME_LEN];
	time_t now = util_now();
	db_stmt_t *st;
	int rc;

	if (check_current_password(db, who, current, "current_password",
				   "me.password_change", now, &c, &k, er) != SG_OK)
		return er->code;
	if (!strcmp(current, new_password))
		return err_field(er, "new_password", "same_as_current",
				 "the new password must differ from the current one");
	if (password_check_policy(new_password, c.login, "new_password", er) != SG_OK ||
	    password_hash(new_password, hash, er) != SG_OK)
		return er->code;

	util_time_iso(now, now_iso);
	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	st = db_prepare(db, "UPDATE users SET password_hash = ?,"
			    " must_change_password = 0, password_changed_at = ?,"
			    " updated_at = ? WHERE id = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	db_bind_text(st, 1, hash, -1);
	db_bind_text(st, 2, now_iso, -1);
	db_bind_text(st, 3, now_iso, -1);
	db_bind_int(st, 4, who->user_id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if (auth_end_user_sessions(db, who->user_id, er) != SG_OK ||
	    throttle_clear_pair(db, &k, er) != SG_OK ||
	    session_create(db, who->user_id, who->ip, now, out, er) != SG_OK ||
	    audit_simple(db, who, "me.password_change", AUDIT_SUCCESS, NULL,
			 NULL, er) != SG_OK)
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}

/* ---- TOTP enrolment ------------------------------------------------------ */

void auth_totp_enrolment_release(struct auth_totp_enrolment *e)
{
	sodium_memzero(e->secret, sizeof(e->secret));
	free(e->otpauth_uri);
	free(e->qr_svg);
	e->otpauth_uri = e->qr_svg = NULL;
}

sg_err auth_totp_begin(db_t *db, const struct actor *who,
		       const char *password, struct auth_totp_enrolment *out,
		       struct err_report *er)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	char sealed[SEALED_MAX];
	struct credentials c;
	struct throttle_keys k;
	struct buf uri = BUF_INIT(512), svg = BUF_INIT(256 * 1024);
	db_stmt_t *st;
	sg_err code = SG_OK;
	int rc;

	memset(out, 0, sizeof(*out));
	if (check_current_password(db, who, password, "password",
				   "me.totp_enable", util_now(), &c, &k,
				   er) != SG_OK)
		return er->code;
	if (c.totp_sealed[0])
		return err_set(er, SG_ERR_CONFLICT,
			       "two-factor sign-in is already on; a system "
			       "administrator can reset it");
	if (!secret_loaded())
		return err_set(er, SG_ERR_INTERNAL, "the key file is not loaded");
	totp_new_secret(secret);
	if (secret_seal((const char *)secret, sizeof(secret), sealed,
			sizeof(sealed)) != SG_OK ||
	    totp_base32(secret, sizeof(secret), out->secret) != SG_OK) {
		code = err_set(er, SG_ERR_INTERNAL, "cannot seal the TOTP secret");
		goto out;
	}
	if (totp_uri(c.login, out->secret, &uri) != SG_OK ||
	    totp_qr_svg(buf_cstr(&uri), &svg) != SG_OK) {
		code = err_set(er, SG_ERR_NOMEM, "cannot draw the QR code");
		goto out;
	}
	st = db_prepare(db, "UPDATE users SET totp_pending = ? WHERE id = ?");
	if (!st) {
		code = db_fail(db, DB_ERR, er);
		goto out;
	}
	db_bind_text(st, 1, sealed, -1);
	db_bind_int(st, 2, who->user_id);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		code = db_fail(db, rc, er);
		goto out;
	}
	out->otpauth_uri = buf_detach(&uri, NULL);
	out->qr_svg = buf_detach(&svg, NULL);
out:
	sodium_memzero(secret, sizeof(secret));
	buf_release(&uri);
	buf_release(&svg);
	if (code != SG_OK)
		auth_totp_enrolment_release(out);
	return code;
}

sg_err auth_totp_confirm(db_t *db, const struct actor *who, const char *code,
			 struct err_report *er)
{
	unsigned char secret[TOTP_SECRET_BYTES];
	char pending[SEALED_MAX] = "", now_iso[UTIL_TIME_LEN];
	int64_t step = 0;
	db_stmt_t *st;
	int rc, enabled = 0, ok;

	st = db_prepare(db, "SELECT totp_pending, CASE WHEN totp_secret IS NULL"
			    " THEN 0 ELSE 1 END FROM users WHERE id = ?");
	if (!st)
		return db_fail(db, DB_ERR, er);
	db_bind_int(st, 1, who->user_id);
	rc = db_step(st);
	if (rc == DB_ROW) {
		util_strlcpy(pending, db_col_is_null(st, 0) ? "" :
			     db_col_text(st, 0), sizeof(pending));
		enabled = (int)db_col_int(st, 1);
	}
	db_done(st);
	if (rc < 0)
		return db_fail(db, rc, er);
	if (enabled)
		return err_set(er, SG_ERR_CONFLICT,
			       "two-factor sign-in is already on");
	if (!pending[0])
		return err_set(er, SG_ERR_CONFLICT,
			       "no enrolment is pending; start with POST /api/v1/me/totp");
	if (totp_unseal(pending, secret) != 0)
		return err_set(er, SG_ERR_INTERNAL, "the pending TOTP secret cannot be opened");
	ok = totp_check(secret, sizeof(secret), code, util_now(), 0, &step);
	sodium_memzero(secret, sizeof(secret));
	if (!ok)
		return err_field(er, "code", "invalid",
				 "wrong code; check the time on your device");

	if ((rc = db_begin(db)) != 0)
		return db_fail(db, rc, er);
	/* the confirming code counts as used: it cannot sign in again */
	st = db_prepare(db, "UPDATE users SET totp_secret = totp_pending,"
			    " totp_pending = NULL, totp_last_step = ?, updated_at = ?"
			    " WHERE id = ? AND totp_pending = ?");
	if (!st) {
		db_fail(db, DB_ERR, er);
		goto fail;
	}
	util_time_iso(util_now(), now_iso);
	db_bind_int(st, 1, step);
	db_bind_text(st, 2, now_iso, -1);
	db_bind_int(st, 3, who->user_id);
	db_bind_text(st, 4, pending, -1);
	rc = db_step(st);
	db_done(st);
	if (rc < 0) {
		db_fail(db, rc, er);
		goto fail;
	}
	if (db_changes(db) == 0) {
		err_set(er, SG_ERR_CONFLICT,
			"the enrolment changed meanwhile; start again");
		goto fail;
	}
	if (audit_simple(db, who, "me.totp_enable", AUDIT_SUCCESS, NULL, NULL, er))
		goto fail;
	if ((rc = db_commit(db)) != 0)
		return db_fail(db, rc, er);
	return SG_OK;
fail:
	db_rollback(db);
	return er->code;
}
