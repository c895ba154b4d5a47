/*
 * auth.h: sessions, login, passwords and second factor.
 *
 * (Contract used by the HTTP layer; the implementation lives in auth.c.)
 *
 * Sessions: a random 256-bit token, sent to the browser in an HttpOnly,
 * SameSite=Strict cookie and stored only as its BLAKE2b hash; each session
 * has its own random CSRF token that state-changing requests must echo.
 * A session ends after AUTH_IDLE_TIMEOUT without requests or
 * AUTH_ABSOLUTE_TIMEOUT after sign-in, whichever comes first; at sign-out;
 * when its user's password changes (the changing session is replaced by a
 * new one) or is reset; and when the account is disabled.
 *
 * Sign-in (auth_login) always makes a new session, so a token planted
 * before sign-in is worthless after it (session fixation), and ends the
 * session whose cookie came with the request.
 *
 * Throttling, stored in the database so that every thread and process
 * shares it. Three counters of failed sign-ins, each with its own rule:
 *  - per (login, IP): from the AUTH_PAIR_LIMIT-th failure on, every
 *    failure locks the pair for AUTH_PAIR_LOCK_MIN seconds, doubling up to
 *    AUTH_PAIR_LOCK_MAX; a success, or a day without failures, clears it;
 *  - per IP: AUTH_IP_LIMIT failures within AUTH_WINDOW lock the address
 *    for AUTH_IP_LOCK, whatever login it tries;
 *  - per login, from all addresses: AUTH_LOGIN_LIMIT failures within
 *    AUTH_WINDOW lock the login for AUTH_LOGIN_LOCK; short, so that an
 *    attacker cannot keep a real user out for long.
 * A locked attempt is refused (SG_ERR_THROTTLED, er->retry_after set)
 * before the password is even looked at, and is not itself counted.
 * Unknown logins are counted the same way and cost the same time (a dummy
 * hash is verified), so that sign-in does not tell which logins exist;
 * a disabled account, a wrong password and an unknown login all get the
 * same reply.
 *
 * Second factor: an account with TOTP enabled (any role may enrol; the
 * admin roles are the ones expected to) must send a current code with
 * its password. A missing code is SG_ERR_UNAUTHORIZED with field "totp"
 * code "required" (not counted as a failure: the client asks for the code
 * and tries again); a wrong or replayed one is a counted failure.
 *
 * Everything here audits inside its own transaction: session.login (every
 * outcome, with the login tried), session.logout, me.password_change,
 * me.totp_enable. No password, token or code ever goes into a record.
 *
 * Threads: like db_t, one thread at a time per handle; no global state.
 */
#ifndef SG_AUTH_H
#define SG_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"
#include "totp.h"

#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_CSRF_LEN 43

/* Session lifetime, seconds */
#define AUTH_IDLE_TIMEOUT (30 * 60)
#define AUTH_ABSOLUTE_TIMEOUT (12 * 60 * 60)
#define AUTH_TOUCH_INTERVAL 60 /* last_seen_at is written at most this often */

/* Throttling (see above), seconds and counts */
#define AUTH_PAIR_LIMIT 5
#define AUTH_PAIR_LOCK_MIN 60
#define AUTH_PAIR_LOCK_MAX (15 * 60)
#define AUTH_PAIR_FORGET (24 * 60 * 60)
#define AUTH_WINDOW (15 * 60)
#define AUTH_IP_LIMIT 30
#define AUTH_IP_LOCK (15 * 60)
#define AUTH_LOGIN_LIMIT 50
#define AUTH_LOGIN_LOCK (5 * 60)

/*
 * Resume the session whose cookie token is `token`: checks the idle and
 * absolute timeouts and the account (not disabled), refreshes the idle
 * timer, and fills `who` (ip is left as the caller set it) and csrf (the
 * session's CSRF token, AUTH_CSRF_LEN + 1 bytes).
 * SG_OK, SG_ERR_UNAUTHORIZED when there is no such live session, or SG_ERR_DB.
 */
sg_err auth_session_resume(db_t *db, const char *token, struct actor *who,
			   char *csrf, struct err_report *er);

/* A session just made: the cookie token and the CSRF token to hand out. */
struct auth_new_session {
	int64_t user_id;
	int64_t session_id;
	char token[AUTH_TOKEN_LEN + 1];
	char csrf[AUTH_CSRF_LEN + 1];
};

struct auth_login_input {
	const char *login;
	const char *password;
	const char *totp;      /* NULL when not sent */
	const char *ip;        /* client address, "" if unknown */
	const char *old_token; /* session cookie sent along, or NULL */
};

/*
 * Sign in: throttle check, password (and TOTP) check, then a new session
 * in out. Failures: SG_ERR_THROTTLED (retry_after set),
 * SG_ERR_UNAUTHORIZED (one generic detail whatever was wrong; field
 * "totp" code "required" when only the code is missing), SG_ERR_DB.
 * Also re-hashes the password when its parameters are out of date.
 */
sg_err auth_login(db_t *db, const struct auth_login_input *in,
		  struct auth_new_session *out, struct err_report *er);

/* Sign out: end who's session (who->session_id) and audit it. */
sg_err auth_logout(db_t *db, const struct actor *who, struct err_report *er);

/*
 * Change who's own password. The current password is checked (wrong:
 * SG_ERR_INVALID field "current_password" code "wrong", counted by the
 * throttle like a failed sign-in; SG_ERR_THROTTLED while locked), the new
 * one against the policy (field "new_password"; equal to the current one:
 * code "same_as_current"). Clears must_change_password, ends every
 * session of the user and makes a new one for the caller in out.
 */
sg_err auth_change_password(db_t *db, const struct actor *who,
			    const char *current, const char *new_password,
			    struct auth_new_session *out, struct err_report *er);

/* What enrolment hands the user once: the secret and its QR code. */
struct auth_totp_enrolment {
	char secret[TOTP_BASE32_SIZE]; /* base32 */
	char *otpauth_uri;             /* malloc'd */
	char *qr_svg;                  /* malloc'd */
};

/* Free the strings of an enrolment (the struct itself is the caller's). */
void auth_totp_enrolment_release(struct auth_totp_enrolment *e);

/*
 * Start TOTP enrolment for who, after re-checking their password (a
 * stolen session alone must not bind a second factor the owner does not
 * have): a new pending secret, stored sealed, replacing any earlier
 * pending one. A wrong password is SG_ERR_INVALID field "password" code
 * "wrong", counted by the sign-in throttle (SG_ERR_THROTTLED) and audited
 * as a failed me.totp_enable. SG_ERR_CONFLICT if TOTP is already enabled
 * (a sysadmin must reset it first), SG_ERR_INTERNAL if the key file is
 * not loaded.
 */
sg_err auth_totp_begin(db_t *db, const struct actor *who,
		       const char *password, struct auth_totp_enrolment *out,
		       struct err_report *er);

/*
 * Confirm enrolment with a current code from the pending secret; enables
 * TOTP. SG_ERR_CONFLICT when nothing is pending (or it is already on),
 * SG_ERR_INVALID field "code" when the code is wrong.
 */
sg_err auth_totp_confirm(db_t *db, const struct actor *who, const char *code,
			 struct err_report *er);

/*
 * End every session of a user (disable, password reset, password change).
 * Runs in the caller's transaction; does not audit.
 */
sg_err auth_end_user_sessions(db_t *db, int64_t user_id, struct err_report *er);

#endif
