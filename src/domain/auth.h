/*
 * auth.h: sessions, login, passwords and second factor.
 *
 * (Contract used by the HTTP layer; the implementation lives in auth.c.)
 *
 * Sessions: a random 256-bit token, sent to the browser in an HttpOnly,
 * SameSite=Strict cookie and stored only as its BLAKE2b hash; each session
 * has its own random CSRF token that state-changing requests must echo.
 */
#ifndef SG_AUTH_H
#define SG_AUTH_H

#include <stdint.h>

#include "../core/err.h"
#include "../db/db.h"
#include "actor.h"

#define AUTH_TOKEN_LEN 43 /* base64url of 32 bytes, no padding */
#define AUTH_CSRF_LEN 43

/*
 * Resume the session whose cookie token is `token`: checks the idle and
 * absolute timeouts and the account (not disabled), refreshes the idle
 * timer, and fills `who` (ip is left as the caller set it) and csrf (the
 * session's CSRF token, AUTH_CSRF_LEN + 1 bytes).
 * SG_OK, SG_ERR_UNAUTHORIZED when there is no such live session, or SG_ERR_DB.
 */
sg_err auth_session_resume(db_t *db, const char *token, struct actor *who,
			   char *csrf, struct err_report *er);

#endif
