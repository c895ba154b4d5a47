/*
 * secret.h: the instance key file and the keys derived from it.
 *
 * `shegong init` creates a 32-byte master key in a file beside the database
 * (default ./data/shegong.key, mode 0600) and never inside it, so that a copy
 * of the database alone reveals no protected value and cannot be re-chained.
 * Purpose keys are derived with libsodium's crypto_kdf so that one purpose
 * never reuses another's key.
 *
 * The keys are process-wide and read-only after secret_load(); call it once
 * at start, before threads.
 */
#ifndef SG_SECRET_H
#define SG_SECRET_H

#include <stddef.h>

#include "err.h"

#define SECRET_KEY_BYTES 32

enum secret_purpose {
	SECRET_AUDIT_CHAIN, /* keyed BLAKE2b of audit records */
	SECRET_FIELD_BOX,   /* secretbox for stored secrets (TOTP, ID numbers) */
	SECRET_LOOKUP_HASH, /* keyed hash for exact lookup of encrypted values */
	SECRET_PURPOSE_COUNT_
};

/* Key file path for a database path: same directory, "<stem>.key". */
void secret_path_for_db(const char *db_path, char *out, size_t outlen);

/* Create the key file if missing (0600). SG_OK if it exists or was made. */
sg_err secret_create(const char *key_path, struct err_report *er);
/* Load the key file and derive the purpose keys. */
sg_err secret_load(const char *key_path, struct err_report *er);
/* 1 after a successful secret_load(). */
int secret_loaded(void);
/* The derived key for a purpose (SECRET_KEY_BYTES bytes). */
const unsigned char *secret_key(enum secret_purpose p);

/*
 * Encrypt plain into out as nonce||ciphertext (base64, URL-safe, no
 * padding); decrypt reverses it. Return SG_OK, or SG_ERR_TOO_LARGE when
 * outlen is too small, SG_ERR_INVALID when the box does not open.
 */
sg_err secret_seal(const char *plain, size_t len, char *out, size_t outlen);
sg_err secret_open(const char *sealed, char *out, size_t outlen,
		   size_t *outlen_used);

/* Keyed BLAKE2b-256 (SECRET_LOOKUP_HASH) of data as 64 hex chars + NUL. */
void secret_lookup_hash(const void *data, size_t len, char out[65]);

#endif
