/*
 * test_auth.c: sign-in, sessions and throttling on a real database with
 * the clock pinned (util_set_now): the throttle arithmetic, the three
 * counters, idle and absolute timeouts, rotation at sign-in and password
 * change, disabled accounts, and TOTP sign-in with replay refusal.
 *
 * Includes auth.c to reach the throttle arithmetic; everything else comes
 * from the library.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include <liboath/oath.h>

#include "domain/auth.c"
#include "domain/user.h"

#define T0 ((time_t)1795000000) /* 2026-11-18T11:06:40Z, pinned */
#define PW "Qingyuan-2026!"

struct fixture {
	char dir[64];
	char path[128];
	char key[160];
	db_t *db;
	int64_t uid;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct err_report er = ERR_REPORT_INIT;
	struct user_new u = { "zhang.wei", "张伟", ROLE_SYSADMIN, NULL, PW, 0 };

	snprintf(f->dir, sizeof(f->dir), "/tmp/sg-test-auth-XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.db", f->dir);
	secret_path_for_db(f->path, f->key, sizeof(f->key));
	if (secret_create(f->key, &er) || secret_load(f->key, &er) ||
	    db_open(f->path, DB_OPEN_CREATE, &f->db, &er) != SG_OK ||
	    db_migrate(f->db, &er) != SG_OK ||
	    user_create(f->db, actor_system(), &u, &f->uid, &er) != SG_OK) {
		fprintf(stderr, "setup: %s\n", er.detail);
		return -1;
	}
	util_set_now(T0);
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

static sg_err try_login(struct fixture *f, const char *login, const char *pw,
			const char *totp, const char *ip,
			struct auth_new_session *s, struct err_report *er)
{
	struct auth_login_input in = { login, pw, totp, ip, NULL };

	err_clear(er);
	memset(s, 0, sizeof(*s));
	return auth_login(f->db, &in, s, er);
}

static sg_err login_code(struct fixture *f, const char *login, const char *pw,
			 const char *ip, int *retry_after)
{
	struct auth_new_session s;
	struct err_report er;
	sg_err code = try_login(f, login, pw, NULL, ip, &s, &er);

	*retry_after = er.retry_after;
	return code;
}

static int64_t count_rows(struct fixture *f, const char *sql, int64_t arg)
{
	db_stmt_t *st = db_prepare(f->db, sql);
	int64_t n = -1;

	db_bind_int(st, 1, arg);
	if (db_step(st) == DB_ROW)
		n = db_col_int(st, 0);
	db_done(st);
	return n;
}

/* ---- arithmetic ------------------------------------------------------- */

static void test_pair_lock_doubles_to_the_cap(void **state)
{
	(void)state;
	assert_int_equal(pair_lock_seconds(5), 60);
	assert_int_equal(pair_lock_seconds(6), 120);
	assert_int_equal(pair_lock_seconds(7), 240);
	assert_int_equal(pair_lock_seconds(8), 480);
	assert_int_equal(pair_lock_seconds(9), 900);
	assert_int_equal(pair_lock_seconds(10), 900);
	assert_int_equal(pair_lock_seconds(INT64_MAX), 900);
}

static void test_throttle_count_rules(void **state)
{
	struct throttle_row r;
	time_t t = T0;

	(void)state;
	/* pair: four failures are free, the fifth locks for a minute */
	memset(&r, 0, sizeof(r));
	for (int i = 1; i <= 4; i++) {
		throttle_count(TH_PAIR, &r, t);
		assert_int_equal(throttle_remaining(&r, t), 0);
	}
	throttle_count(TH_PAIR, &r, t);
	assert_int_equal(throttle_remaining(&r, t), 60);
	assert_int_equal(throttle_remaining(&r, t + 59), 1);
	assert_int_equal(throttle_remaining(&r, t + 60), 0);
	throttle_count(TH_PAIR, &r, t + 60);
	assert_int_equal(throttle_remaining(&r, t + 60), 120);
	/* a day later the pair starts again */
	throttle_count(TH_PAIR, &r, t + 60 + AUTH_PAIR_FORGET);
	assert_int_equal(r.failures, 1);
	assert_int_equal(throttle_remaining(&r, t + 60 + AUTH_PAIR_FORGET), 0);

	/* IP: 30 within 15 minutes lock for 15 minutes */
	memset(&r, 0, sizeof(r));
	for (int i = 1; i < AUTH_IP_LIMIT; i++)
		throttle_count(TH_IP, &r, t + i * 20);
	assert_int_equal(throttle_remaining(&r, t + 600), 0);
	throttle_count(TH_IP, &r, t + 600);
	assert_int_equal(throttle_remaining(&r, t + 600), AUTH_IP_LOCK);
	/* 29 spread over more than the window never lock */
	memset(&r, 0, sizeof(r));
	for (int i = 0; i < 100; i++) {
		throttle_count(TH_IP, &r, t + i * 40);
		assert_int_equal(throttle_remaining(&r, t + i * 40), 0);
	}

	/* login: 50 within 15 minutes lock for 5 minutes */
	memset(&r, 0, sizeof(r));
	for (int i = 1; i < AUTH_LOGIN_LIMIT; i++)
		throttle_count(TH_LOGIN, &r, t + i);
	assert_int_equal(throttle_remaining(&r, t + 50), 0);
	throttle_count(TH_LOGIN, &r, t + 50);
	assert_int_equal(throttle_remaining(&r, t + 50), AUTH_LOGIN_LOCK);
}

/* ---- sign-in ------------------------------------------------------------ */

static void test_login_and_generic_refusals(void **state)
{
	struct fixture *f = *state;
	struct auth_new_session s;
	struct err_report er;
	struct actor who;
	char csrf[AUTH_CSRF_LEN + 1];
	struct user_patch off = { NULL, 0, ROLE_NONE, 0, NULL, 1 };
	char wrong_detail[512];

	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);
	assert_int_equal(strlen(s.token), AUTH_TOKEN_LEN);
	assert_int_equal(strlen(s.csrf), AUTH_CSRF_LEN);
	assert_string_not_equal(s.token, s.csrf);
	/* the token itself is not stored, only its hash */
	{
		db_stmt_t *st = db_prepare(f->db, "SELECT count(*) FROM sessions WHERE token_hash = ?");

		db_bind_text(st, 1, s.token, -1);
		assert_int_equal(db_step(st), DB_ROW);
		assert_int_equal(db_col_int(st, 0), 0);
		db_done(st);
	}
	memset(&who, 0, sizeof(who));
	snprintf(who.ip, sizeof(who.ip), "192.0.2.1");
	assert_int_equal(auth_session_resume(f->db, s.token, &who, csrf, &er), SG_OK);
	assert_int_equal(who.user_id, f->uid);
	assert_string_equal(who.login, "zhang.wei");
	assert_string_equal(who.display_name, "张伟");
	assert_int_equal(who.role, ROLE_SYSADMIN);
	assert_string_equal(who.region_code, "");
	assert_string_equal(who.ip, "192.0.2.1");
	assert_string_equal(csrf, s.csrf);
	assert_int_equal(who.session_id, s.session_id);

	/* logins are found without regard to case */
	assert_int_equal(try_login(f, "Zhang.Wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);

	/* wrong password, unknown login, disabled account: the same reply */
	assert_int_equal(try_login(f, "zhang.wei", "nope-nope", NULL, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	snprintf(wrong_detail, sizeof(wrong_detail), "%s", er.detail);
	assert_int_equal(er.nfields, 0);
	assert_int_equal(try_login(f, "li.na", PW, NULL, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	assert_string_equal(er.detail, wrong_detail);
	err_clear(&er);
	assert_int_equal(user_update(f->db, actor_system(), f->uid, &off, &er), SG_OK);
	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	assert_string_equal(er.detail, wrong_detail);
	/* and disabling ended every session */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sessions WHERE user_id = ?", f->uid), 0);
}

static double seconds_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_unknown_logins_take_as_long(void **state)
{
	struct fixture *f = *state;
	double known = 1e9, unknown = 1e9;
	char ip[32];
	int retry;

	/* fastest of a few, each from its own address so nothing locks */
	for (int i = 0; i < 4; i++) {
		double t0, t1;

		snprintf(ip, sizeof(ip), "192.0.2.%d", 100 + 2 * i);
		t0 = seconds_now();
		assert_int_equal(login_code(f, "zhang.wei", "bad-password", ip, &retry),
				 SG_ERR_UNAUTHORIZED);
		t1 = seconds_now();
		if (t1 - t0 < known)
			known = t1 - t0;
		snprintf(ip, sizeof(ip), "192.0.2.%d", 101 + 2 * i);
		t0 = seconds_now();
		assert_int_equal(login_code(f, "nobody.here", "bad-password", ip, &retry),
				 SG_ERR_UNAUTHORIZED);
		t1 = seconds_now();
		if (t1 - t0 < unknown)
			unknown = t1 - t0;
	}
	/*
	 * Both are dominated by one argon2id verification. The bound is loose
	 * because sanitizer builds and shared machines are noisy; a path that
	 * skipped the hash would be a hundred times faster.
	 */
	assert_true(unknown > known * 0.3);
	assert_true(known > unknown * 0.3);
}

static void test_pair_throttle_on_the_database(void **state)
{
	struct fixture *f = *state;
	int retry;

	for (int i = 0; i < AUTH_PAIR_LIMIT; i++)
		assert_int_equal(login_code(f, "zhang.wei", "bad-password", "192.0.2.7", &retry),
				 SG_ERR_UNAUTHORIZED);
	/* the sixth attempt is refused, even with the right password */
	assert_int_equal(login_code(f, "zhang.wei", PW, "192.0.2.7", &retry), SG_ERR_THROTTLED);
	assert_int_equal(retry, 60);
	util_set_now(T0 + 30);
	assert_int_equal(login_code(f, "zhang.wei", "bad-password", "192.0.2.7", &retry),
			 SG_ERR_THROTTLED);
	assert_int_equal(retry, 30);
	/* another address and another login from this address are not locked */
	assert_int_equal(login_code(f, "zhang.wei", PW, "192.0.2.8", &retry), SG_OK);
	assert_int_equal(login_code(f, "li.na", "bad-password", "192.0.2.7", &retry),
			 SG_ERR_UNAUTHORIZED);
	/* after the minute, one more failure locks for two */
	util_set_now(T0 + 60);
	assert_int_equal(login_code(f, "zhang.wei", "bad-password", "192.0.2.7", &retry),
			 SG_ERR_UNAUTHORIZED);
	assert_int_equal(login_code(f, "zhang.wei", PW, "192.0.2.7", &retry), SG_ERR_THROTTLED);
	assert_int_equal(retry, 120);
	/* when it ends, the right password gets in and clears the pair */
	util_set_now(T0 + 180);
	assert_int_equal(login_code(f, "zhang.wei", PW, "192.0.2.7", &retry), SG_OK);
	for (int i = 0; i < AUTH_PAIR_LIMIT - 1; i++)
		assert_int_equal(login_code(f, "zhang.wei", "bad-password", "192.0.2.7", &retry),
				 SG_ERR_UNAUTHORIZED);
	assert_int_equal(login_code(f, "zhang.wei", PW, "192.0.2.7", &retry), SG_OK);
}

static void test_ip_throttle_covers_every_login(void **state)
{
	struct fixture *f = *state;
	char login[32];
	int retry;

	/* thirty different unknown logins from one address */
	for (int i = 0; i < AUTH_IP_LIMIT; i++) {
		snprintf(login, sizeof(login), "nobody%d", i);
		assert_int_equal(login_code(f, login, "bad-password", "198.51.100.9", &retry),
				 SG_ERR_UNAUTHORIZED);
	}
	assert_int_equal(login_code(f, "zhang.wei", PW, "198.51.100.9", &retry), SG_ERR_THROTTLED);
	assert_int_equal(retry, AUTH_IP_LOCK);
	assert_int_equal(login_code(f, "zhang.wei", PW, "198.51.100.10", &retry), SG_OK);
	util_set_now(T0 + AUTH_IP_LOCK);
	assert_int_equal(login_code(f, "zhang.wei", PW, "198.51.100.9", &retry), SG_OK);
}

static void test_login_throttle_is_short(void **state)
{
	struct fixture *f = *state;
	char ip[32];
	int retry;

	/* fifty failures from fifty addresses lock the login everywhere... */
	for (int i = 0; i < AUTH_LOGIN_LIMIT; i++) {
		snprintf(ip, sizeof(ip), "203.0.113.%d", i + 1);
		assert_int_equal(login_code(f, "zhang.wei", "bad-password", ip, &retry),
				 SG_ERR_UNAUTHORIZED);
	}
	assert_int_equal(login_code(f, "zhang.wei", PW, "203.0.113.200", &retry), SG_ERR_THROTTLED);
	assert_int_equal(retry, AUTH_LOGIN_LOCK);
	/* ...but only for five minutes; other logins are untouched */
	assert_int_equal(login_code(f, "li.na", "bad-password", "203.0.113.200", &retry),
			 SG_ERR_UNAUTHORIZED);
	util_set_now(T0 + AUTH_LOGIN_LOCK);
	assert_int_equal(login_code(f, "zhang.wei", PW, "203.0.113.200", &retry), SG_OK);
}

static void test_throttled_attempts_are_audited(void **state)
{
	struct fixture *f = *state;
	int retry;
	db_stmt_t *st;

	for (int i = 0; i <= AUTH_PAIR_LIMIT; i++)
		login_code(f, "zhang.wei", "bad-password", "192.0.2.50", &retry);
	st = db_prepare(f->db, "SELECT outcome, login, details FROM audit_log"
			       " WHERE action = 'session.login' ORDER BY id DESC LIMIT 1");
	assert_int_equal(db_step(st), DB_ROW);
	assert_string_equal(db_col_text(st, 0), "failure");
	assert_string_equal(db_col_text(st, 1), "zhang.wei");
	assert_string_equal(db_col_text(st, 2), "{\"reason\":\"throttled\"}");
	db_done(st);
	/* further refusals within the minute cost nothing and add no record */
	{
		const char *q = "SELECT count(*) FROM audit_log WHERE ? = 1";
		int64_t before = count_rows(f, q, 1);

		for (int i = 0; i < 20; i++)
			assert_int_equal(login_code(f, "zhang.wei", "x-password", "192.0.2.50",
						    &retry), SG_ERR_THROTTLED);
		assert_int_equal(count_rows(f, q, 1), before);
	}
	/* no password ever reaches the log */
	assert_int_equal(count_rows(f, "SELECT count(*) FROM audit_log WHERE"
				       " details LIKE '%bad-password%' AND ? = 1", 1), 0);
}

/* ---- sessions ---------------------------------------------------------- */

static sg_err resume(struct fixture *f, const char *token)
{
	struct actor who;
	struct err_report er = ERR_REPORT_INIT;
	char csrf[AUTH_CSRF_LEN + 1];

	memset(&who, 0, sizeof(who));
	return auth_session_resume(f->db, token, &who, csrf, &er);
}

static void test_idle_and_absolute_timeouts(void **state)
{
	struct fixture *f = *state;
	struct auth_new_session s;
	struct err_report er;
	char seen[UTIL_TIME_LEN];

	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);
	/* within a minute nothing is written; after one, last_seen_at moves */
	util_set_now(T0 + 59);
	assert_int_equal(resume(f, s.token), SG_OK);
	util_time_iso(T0, seen);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sessions WHERE id = ?"
				       " AND last_seen_at = '2026-11-18T11:06:40Z'", s.session_id), 1);
	assert_string_equal(seen, "2026-11-18T11:06:40Z");
	util_set_now(T0 + 61);
	assert_int_equal(resume(f, s.token), SG_OK);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sessions WHERE id = ?"
				       " AND last_seen_at = '2026-11-18T11:07:41Z'", s.session_id), 1);
	/* idle: 30 minutes after the last request */
	util_set_now(T0 + 61 + AUTH_IDLE_TIMEOUT - 1);
	assert_int_equal(resume(f, s.token), SG_OK);
	util_set_now(T0 + 61 + 2 * AUTH_IDLE_TIMEOUT);
	assert_int_equal(resume(f, s.token), SG_ERR_UNAUTHORIZED);

	/* absolute: 12 hours after sign-in, however busy */
	util_set_now(T0 + 10000);
	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);
	for (time_t t = T0 + 10000; t < T0 + 10000 + AUTH_ABSOLUTE_TIMEOUT; t += 20 * 60) {
		util_set_now(t);
		assert_int_equal(resume(f, s.token), SG_OK);
	}
	util_set_now(T0 + 10000 + AUTH_ABSOLUTE_TIMEOUT);
	assert_int_equal(resume(f, s.token), SG_ERR_UNAUTHORIZED);

	/* malformed tokens never reach the database */
	assert_int_equal(resume(f, ""), SG_ERR_UNAUTHORIZED);
	assert_int_equal(resume(f, "short"), SG_ERR_UNAUTHORIZED);
	assert_int_equal(resume(f, "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"), SG_ERR_UNAUTHORIZED);
}

static void test_rotation_at_login_logout_and_password_change(void **state)
{
	struct fixture *f = *state;
	struct auth_new_session a, b, c, d;
	struct auth_login_input in = { "zhang.wei", PW, NULL, "192.0.2.1", NULL };
	struct err_report er = ERR_REPORT_INIT;
	struct actor who;
	char csrf[AUTH_CSRF_LEN + 1];

	assert_int_equal(auth_login(f->db, &in, &a, &er), SG_OK);
	assert_int_equal(auth_login(f->db, &in, &b, &er), SG_OK);
	/* signing in with a's cookie ends a */
	in.old_token = a.token;
	assert_int_equal(auth_login(f->db, &in, &c, &er), SG_OK);
	assert_int_equal(resume(f, a.token), SG_ERR_UNAUTHORIZED);
	assert_int_equal(resume(f, b.token), SG_OK);
	assert_int_equal(resume(f, c.token), SG_OK);

	/* password change: every session ends, a new one replaces the caller's */
	memset(&who, 0, sizeof(who));
	assert_int_equal(auth_session_resume(f->db, c.token, &who, csrf, &er), SG_OK);
	err_clear(&er);
	assert_int_equal(auth_change_password(f->db, &who, "wrong-current", "Another-Pass-99",
					      &d, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "current_password");
	err_clear(&er);
	assert_int_equal(auth_change_password(f->db, &who, PW, PW, &d, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "new_password");
	assert_string_equal(er.fields[0].code, "same_as_current");
	err_clear(&er);
	assert_int_equal(auth_change_password(f->db, &who, PW, "88888888", &d, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "too_common");
	err_clear(&er);
	assert_int_equal(auth_change_password(f->db, &who, PW, "Another-Pass-99", &d, &er), SG_OK);
	assert_int_equal(resume(f, b.token), SG_ERR_UNAUTHORIZED);
	assert_int_equal(resume(f, c.token), SG_ERR_UNAUTHORIZED);
	assert_int_equal(resume(f, d.token), SG_OK);
	assert_int_equal(count_rows(f, "SELECT count(*) FROM sessions WHERE user_id = ?", f->uid), 1);

	/* logout ends the session */
	memset(&who, 0, sizeof(who));
	assert_int_equal(auth_session_resume(f->db, d.token, &who, csrf, &er), SG_OK);
	assert_int_equal(auth_logout(f->db, &who, &er), SG_OK);
	assert_int_equal(resume(f, d.token), SG_ERR_UNAUTHORIZED);
	in.password = "Another-Pass-99";
	in.old_token = NULL;
	assert_int_equal(auth_login(f->db, &in, &a, &er), SG_OK);
}

/* ---- TOTP ---------------------------------------------------------------- */

static void code_at(const char *b32, time_t t, char out[7])
{
	char *raw = NULL;
	size_t rawlen = 0;

	assert_int_equal(oath_base32_decode(b32, strlen(b32), &raw, &rawlen), OATH_OK);
	assert_int_equal(totp_code((unsigned char *)raw, rawlen, t, 6, out), 0);
	free(raw);
}

static void test_totp_enrol_and_sign_in(void **state)
{
	struct fixture *f = *state;
	struct auth_new_session s;
	struct auth_totp_enrolment e;
	struct err_report er = ERR_REPORT_INIT;
	struct actor who;
	char csrf[AUTH_CSRF_LEN + 1], code[7], b32[TOTP_BASE32_SIZE];

	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);
	memset(&who, 0, sizeof(who));
	assert_int_equal(auth_session_resume(f->db, s.token, &who, csrf, &er), SG_OK);
	assert_int_equal(auth_totp_confirm(f->db, &who, "123456", &er), SG_ERR_CONFLICT);
	err_clear(&er);
	/* the session alone is not enough */
	assert_int_equal(auth_totp_begin(f->db, &who, "wrong password", &e, &er),
			 SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "password");
	assert_string_equal(er.fields[0].code, "wrong");
	err_clear(&er);
	assert_int_equal(auth_totp_begin(f->db, &who, PW, &e, &er), SG_OK);
	assert_int_equal(strlen(e.secret), 32);
	assert_non_null(strstr(e.otpauth_uri, "otpauth://totp/shegong:zhang.wei?secret="));
	assert_non_null(strstr(e.qr_svg, "<svg"));
	snprintf(b32, sizeof(b32), "%s", e.secret);
	auth_totp_enrolment_release(&e);
	/* the secret is stored sealed, never as base32 */
	{
		db_stmt_t *st = db_prepare(f->db, "SELECT totp_pending FROM users WHERE id = ?");

		db_bind_int(st, 1, f->uid);
		assert_int_equal(db_step(st), DB_ROW);
		assert_null(strstr(db_col_text(st, 0), b32));
		db_done(st);
	}
	/* pending is not yet required at sign-in */
	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er), SG_OK);
	/* a wrong code does not confirm */
	code_at(b32, T0 + 300, code);
	err_clear(&er);
	assert_int_equal(auth_totp_confirm(f->db, &who, code, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].field, "code");
	code_at(b32, T0, code);
	err_clear(&er);
	assert_int_equal(auth_totp_confirm(f->db, &who, code, &er), SG_OK);
	err_clear(&er);
	assert_int_equal(auth_totp_begin(f->db, &who, PW, &e, &er), SG_ERR_CONFLICT);

	/* now sign-in needs a code */
	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	assert_int_equal(er.nfields, 1);
	assert_string_equal(er.fields[0].field, "totp");
	assert_string_equal(er.fields[0].code, "required");
	/* the confirming code is spent */
	assert_int_equal(try_login(f, "zhang.wei", PW, code, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	assert_string_equal(er.fields[0].code, "invalid");
	/* the next step's code works once */
	code_at(b32, T0 + 30, code);
	assert_int_equal(try_login(f, "zhang.wei", PW, code, "192.0.2.1", &s, &er), SG_OK);
	assert_int_equal(try_login(f, "zhang.wei", PW, code, "192.0.2.1", &s, &er),
			 SG_ERR_UNAUTHORIZED);
	/* wrong codes count as failures: the pair locks after five */
	for (int i = 0; i < 4; i++)
		assert_int_equal(try_login(f, "zhang.wei", PW, "000000", "192.0.2.1", &s, &er),
				 SG_ERR_UNAUTHORIZED);
	util_set_now(T0 + 45);
	code_at(b32, T0 + 60, code);
	assert_int_equal(try_login(f, "zhang.wei", PW, code, "192.0.2.1", &s, &er),
			 SG_ERR_THROTTLED);
	assert_int_equal(er.retry_after, 15);
	/* a sysadmin reset turns it off */
	err_clear(&er);
	assert_int_equal(user_totp_reset(f->db, actor_system(), f->uid, &er), SG_OK);
	assert_int_equal(try_login(f, "zhang.wei", PW, NULL, "192.0.2.2", &s, &er), SG_OK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pair_lock_doubles_to_the_cap),
		cmocka_unit_test(test_throttle_count_rules),
		cmocka_unit_test_setup_teardown(test_login_and_generic_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unknown_logins_take_as_long, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pair_throttle_on_the_database, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ip_throttle_covers_every_login, setup, teardown),
		cmocka_unit_test_setup_teardown(test_login_throttle_is_short, setup, teardown),
		cmocka_unit_test_setup_teardown(test_throttled_attempts_are_audited, setup, teardown),
		cmocka_unit_test_setup_teardown(test_idle_and_absolute_timeouts, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rotation_at_login_logout_and_password_change,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_totp_enrol_and_sign_in, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
