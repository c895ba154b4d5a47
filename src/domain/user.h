/*
 * user.h: user accounts and who may manage whom.
 *
 * An account has a login (3..64 of [A-Za-z0-9._@-], unique without regard
 * to case), a display name, one role (actor.h), a region (required for
 * bureau, org, worker and volunteer; none for the platform roles sysadmin,
 * secadmin and auditor, whose duties are not regional), a disabled flag,
 * must_change_password, the second-factor state and times.
 *
 * Managers: the system actor and sysadmin manage every account and role.
 * A bureau manages the accounts inside its region subtree, and only the
 * roles bureau, org, worker and volunteer; it cannot change its own role
 * or move itself out of its subtree. Nobody disables or changes the role
 * of their own account (so that the last administrator cannot lock
 * everyone out by mistake). Every other role may manage no one.
 * An account the actor may not manage is SG_ERR_NOT_FOUND, exactly like a
 * missing one; a region or role outside the actor's reach in input is
 * SG_ERR_INVALID naming the field.
 *
 * Changes audit inside their transaction: user.create, user.update (with
 * the names of the changed fields), user.disable, user.password_reset,
 * user.totp_reset. Passwords never appear in a record.
 *
 * Threads: like db_t, one thread at a time per handle; no global state.
 */
#ifndef SG_USER_H
#define SG_USER_H

#include <stddef.h>
#include <stdint.h>

#include "../core/err.h"
#include "../core/json.h"
#include "../core/util.h"
#include "../db/db.h"
#include "actor.h"

#define USER_LOGIN_MIN_CHARS 3
#define USER_LOGIN_MAX_CHARS 64
#define USER_DISPLAY_NAME_MAX_CHARS 64
#define USER_REGION_NAME_SIZE 321 /* 80 characters of up to 4 bytes + NUL */
#define USER_OTP_CHARS 12         /* one-time password of a reset */
#define USER_BOOTSTRAP_OTP_CHARS 16

struct user {
	int64_t id;
	char login[USER_LOGIN_MAX_CHARS + 1];
	char display_name[USER_DISPLAY_NAME_MAX_CHARS * 4 + 1];
	enum role role;
	char region_code[ACTOR_REGION_MAX];       /* "" = whole country */
	char region_name[USER_REGION_NAME_SIZE];  /* "" without a region */
	int disabled;
	int must_change_password;
	int totp_enabled;
	char created_at[UTIL_TIME_LEN];
	char last_login_at[UTIL_TIME_LEN];        /* "" = never */
};

/* 1 if login has the allowed length and characters. */
int user_login_valid(const char *login);

/*
 * Write the API form of an account:
 * {id,login,display_name,role,region_code,region_name,disabled,
 *  totp_enabled,must_change_password,created_at,last_login_at}.
 */
void user_write_json(struct json_writer *jw, const struct user *u);

/*
 * Load an account by id without any permission check, for the caller's
 * own account (the session's user) and trusted callers.
 * SG_ERR_NOT_FOUND if there is none.
 */
sg_err user_load(db_t *db, int64_t id, struct user *out, struct err_report *er);

/* Load an account by login (any case), unchecked like user_load(). */
sg_err user_load_login(db_t *db, const char *login, struct user *out,
		       struct err_report *er);

/* One account that who may manage; SG_ERR_NOT_FOUND otherwise. */
sg_err user_get(db_t *db, const struct actor *who, int64_t id,
		struct user *out, struct err_report *er);

/* Filters of user_list(); NULL, "" or -1 means no filter. */
struct user_filter {
	const char *q;      /* part of the login or display name */
	enum role role;     /* ROLE_NONE: any */
	const char *region; /* a region code: accounts in its subtree */
	int disabled;       /* 0, 1, or -1 for both */
};

/*
 * Fill f from the list's query parameters (each NULL or "" = any): q and
 * region as given, role by its API name, disabled "true"/"1" or
 * "false"/"0". A bad role or disabled is SG_ERR_INVALID naming it.
 */
sg_err user_filter_parse(struct user_filter *f, const char *q, const char *role,
			 const char *region, const char *disabled, struct err_report *er);

/*
 * The accounts who may manage that match f, by id, skipping offset and
 * handing at most limit to each(u, arg) (non-zero stops); *total counts
 * every match. Roles other than managers: SG_ERR_FORBIDDEN. A malformed
 * region filter is SG_ERR_INVALID field "region".
 */
sg_err user_list(db_t *db, const struct actor *who, const struct user_filter *f,
		 int64_t offset, int64_t limit,
		 int (*each)(const struct user *u, void *arg), void *arg,
		 int64_t *total, struct err_report *er);

struct user_new {
	const char *login;
	const char *display_name; /* NULL or "": the login */
	enum role role;
	const char *region_code;  /* NULL or "": none */
	const char *password;
	int must_change_password;
};

/*
 * Create an account. Checks: login (field "login": invalid, reserved,
 * taken -> SG_ERR_CONFLICT), display_name (too_long, invalid), role
 * (invalid, not_allowed for who), region_code (required, not_allowed,
 * unknown, outside_scope), password (the policy, password.h). *id gets
 * the new id.
 */
sg_err user_create(db_t *db, const struct actor *who, const struct user_new *in,
		   int64_t *id, struct err_report *er);

/* Changes of user_update(); fields not set stay as they are. */
struct user_patch {
	const char *display_name; /* NULL: unchanged */
	int set_role;
	enum role role;
	int set_region;
	const char *region_code;  /* with set_region: NULL or "" clears it */
	int disabled;             /* 0, 1, or -1: unchanged */
};

/*
 * Change an account who may manage, with the checks of user_create().
 * Disabling ends every session of the account. Fields given with their
 * current value are not counted as changes; a patch that changes nothing
 * succeeds without an audit record.
 */
sg_err user_update(db_t *db, const struct actor *who, int64_t id,
		   const struct user_patch *p, struct err_report *er);

/*
 * Give an account who may manage (not who's own: SG_ERR_FORBIDDEN) a
 * random one-time password of USER_OTP_CHARS characters, written to out
 * (outlen >= USER_OTP_CHARS + 1); it must be changed at the next sign-in,
 * and every session of the account ends.
 */
sg_err user_password_reset(db_t *db, const struct actor *who, int64_t id,
			   char *out, size_t outlen, struct err_report *er);

/*
 * Turn the second factor of an account off (confirmed and pending secret
 * dropped), so that its owner can enrol again. Sysadmin and system only.
 */
sg_err user_totp_reset(db_t *db, const struct actor *who, int64_t id,
		       struct err_report *er);

/*
 * For `shegong init`: if there is no account at all, create login "admin",
 * role sysadmin, unscoped, with a random one-time password of
 * USER_BOOTSTRAP_OTP_CHARS characters (unambiguous letters and digits)
 * written to password_out, to be changed at first sign-in. If any account
 * exists, password_out is "" and nothing changes. SG_OK or an error.
 */
sg_err user_bootstrap_admin(db_t *db, char *password_out, size_t outlen,
			    struct err_report *er);

#endif
