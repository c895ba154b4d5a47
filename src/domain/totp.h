/*
 * totp.h: time-based one-time passwords (RFC 6238) for the second factor.
 *
 * Codes are the common authenticator-app kind: HMAC-SHA1, 6 digits, 30 s
 * steps, counted from the Unix epoch (liboath computes them). A code is
 * accepted one step either side of now, to allow for clock drift and
 * typing time, and only for a step later than the last one accepted, so
 * that an overheard code cannot be used again (RFC 6238, section 5.2).
 *
 * Also here: the otpauth:// URI that authenticator apps read and a QR code
 * of it as a small SVG (libqrencode draws the matrix, we write the markup:
 * one path, no scripts, no text). Storage of secrets is the caller's
 * business (auth.c seals them with the instance key).
 *
 * Thread-safe.
 */
#ifndef SG_TOTP_H
#define SG_TOTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "../core/buf.h"
#include "../core/err.h"

#define TOTP_SECRET_BYTES 20 /* 160 bits, RFC 4226's recommendation */
#define TOTP_BASE32_SIZE 33  /* 20 bytes are 32 base32 characters, + NUL */
#define TOTP_DIGITS 6
#define TOTP_STEP 30         /* seconds */
#define TOTP_WINDOW 1        /* steps accepted either side of now */
#define TOTP_ISSUER "shegong"

/* A new random secret. */
void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES]);

/* The RFC 4648 base32 form (no padding) of a secret, as apps expect it. */
sg_err totp_base32(const unsigned char *secret, size_t len,
		   char out[TOTP_BASE32_SIZE]);

/* The time step that contains t. */
int64_t totp_step_of(time_t t);

/* The code for time t into out (digits + 1 bytes); 0 or -1 on failure. */
int totp_code(const unsigned char *secret, size_t len, time_t t,
	      unsigned digits, char *out);

/*
 * Check a 6-digit code at time now: 1 if it matches a step within the
 * window that is later than last_step (then *step is that step), 0 if it
 * does not match, is malformed or replays a step at or before last_step.
 */
int totp_check(const unsigned char *secret, size_t len, const char *code,
	       time_t now, int64_t last_step, int64_t *step);

/*
 * otpauth://totp/shegong:LOGIN?secret=BASE32&issuer=shegong into out, with
 * the login percent-encoded. SG_OK, or the buffer's error.
 */
sg_err totp_uri(const char *login, const char *base32, struct buf *out);

/*
 * The QR code of text as an SVG document (black modules on white, a
 * four-module quiet zone, scalable through its viewBox) into out.
 * SG_OK, SG_ERR_INVALID if text does not fit a QR code, or SG_ERR_NOMEM.
 */
sg_err totp_qr_svg(const char *text, struct buf *out);

#endif
