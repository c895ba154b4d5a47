/*
 * password.h: the password policy, argon2id hashing and one-time passwords.
 *
 * Policy (checked whenever a password is set, never at sign-in): 8 to 128
 * characters of valid UTF-8, not one of the few hundred most common
 * passwords (an embedded list, compared without regard to ASCII case,
 * Chinese favourites such as 5201314 and woaini1314 included), not the
 * login itself and not one character repeated.
 *
 * Hashes are libsodium's crypto_pwhash_str() strings (argon2id, with salt
 * and parameters inside), so the parameters below can change without
 * invalidating stored hashes; password_needs_rehash() tells the sign-in
 * code when to re-hash with the current ones. The parameters are OWASP's
 * argon2id minimum (m = 19 MiB, t = 2): about 50 ms per hash on one core.
 *
 * Everything here is thread-safe and keeps no password in memory it owns
 * longer than a call.
 */
#ifndef SG_PASSWORD_H
#define SG_PASSWORD_H

#include <stddef.h>

#include "../core/err.h"

#define PASSWORD_MIN_CHARS 8
#define PASSWORD_MAX_CHARS 128
#define PASSWORD_OPSLIMIT 2ULL
#define PASSWORD_MEMLIMIT ((size_t)19 * 1024 * 1024)
#define PASSWORD_HASH_SIZE 128 /* crypto_pwhash_STRBYTES, with the NUL */

/*
 * Check a new password against the policy. login (may be NULL) is the
 * account's login; field is the API field to name ("password",
 * "new_password"). SG_OK, or SG_ERR_INVALID with one field error coded
 * too_short, too_long, too_common (common, equal to the login or one
 * repeated character) or invalid (not UTF-8, or a NUL inside).
 */
sg_err password_check_policy(const char *password, const char *login,
			     const char *field, struct err_report *er);

/* 1 if password (any case) is on the embedded list of common passwords. */
int password_is_common(const char *password);

/*
 * Hash with argon2id at the current parameters into out. SG_OK, or
 * SG_ERR_NOMEM when the memory for argon2 could not be had.
 */
sg_err password_hash(const char *password, char out[PASSWORD_HASH_SIZE],
		     struct err_report *er);

/* 1 if password matches hash, 0 if not or the hash is malformed. */
int password_verify(const char *hash, const char *password);

/*
 * Spend the time of one verification against a fixed dummy hash and
 * return 0: sign-in calls it for unknown logins so that they take as long
 * as known ones and logins cannot be discovered by timing.
 */
int password_verify_dummy(const char *password);

/* 1 if hash was made with other parameters than the current ones. */
int password_needs_rehash(const char *hash);

/*
 * A random one-time password of len characters (len + 1 bytes in out) from
 * an alphabet without look-alikes (no 0/O, 1/l/I), with at least one
 * letter and one digit. len must be at least PASSWORD_MIN_CHARS.
 */
void password_generate(char *out, size_t len);

#endif
