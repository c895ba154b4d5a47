/*
 * totp.c: RFC 6238 codes through liboath, the otpauth URI and its QR code
 * as SVG through libqrencode; see totp.h.
 *
 * Validation walks the window itself instead of calling
 * oath_totp_validate(): it must skip steps already used and compare in
 * constant time, and the window is only three steps.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include "totp.h"
#include "../core/banned.h"

static pthread_once_t oath_once = PTHREAD_ONCE_INIT;
static int oath_ready;

static void oath_start(void)
{
	oath_ready = oath_init() == OATH_OK;
}

void totp_new_secret(unsigned char secret[TOTP_SECRET_BYTES])
{
	randombytes_buf(secret, TOTP_SECRET_BYTES);
}

sg_err totp_base32(const unsigned char *secret, size_t len,
		   char out[TOTP_BASE32_SIZE])
{
	char *enc = NULL;
	size_t enclen = 0, n = 0;

	pthread_once(&oath_once, oath_start);
	if (!oath_ready || oath_base32_encode((const char *)secret, len, &enc,
					      &enclen) != OATH_OK)
		return SG_ERR_NOMEM;
	/* apps take the unpadded form; 20 bytes need no padding anyway */
	while (n < enclen && enc[n] != '=')
		n++;
	if (n >= TOTP_BASE32_SIZE) {
		free(enc);
		return SG_ERR_TOO_LARGE;
	}
	memcpy(out, enc, n);
	out[n] = '\0';
	free(enc);
	return SG_OK;
}

int64_t totp_step_of(time_t t)
{
	return (int64_t)t / TOTP_STEP;
}

int totp_code(const unsigned char *secret, size_t len, time_t t,
	      unsigned digits, char *out)
{
	pthread_once(&oath_once, oath_start);
	if (!oath_ready)
		return -1;
	return oath_totp_generate((const char *)secret, len, t, TOTP_STEP,
				  OATH_TOTP_DEFAULT_START_TIME, digits,
				  out) == OATH_OK ? 0 : -1;
}

int totp_check(const unsigned char *secret, size_t len, const char *code,
	       time_t now, int64_t last_step, int64_t *step)
{
	int64_t current = totp_step_of(now);
	int found = 0;

	if (!code || strlen(code) != TOTP_DIGITS ||
	    strspn(code, "0123456789") != TOTP_DIGITS)
		return 0;
	/* every step of the window is computed, matched or not, so that the
	   time taken says nothing about which one matched */
	for (int64_t s = current - TOTP_WINDOW; s <= current + TOTP_WINDOW; s++) {
		char want[TOTP_DIGITS + 1];

		if (s < 0 || totp_code(secret, len, (time_t)(s * TOTP_STEP),
				       TOTP_DIGITS, want) != 0)
			continue;
		if (sodium_memcmp(want, code, TOTP_DIGITS) == 0 &&
		    s > last_step && !found) {
			found = 1;
			*step = s;
		}
	}
	return found;
}

sg_err totp_uri(const char *login, const char *base32, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";

	buf_addstr(out, "otpauth://totp/" TOTP_ISSUER ":");
	for (const unsigned char *p = (const unsigned char *)login; *p; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			buf_addch(out, (char)*p);
		} else {
			buf_addch(out, '%');
			buf_addch(out, hex[*p >> 4]);
			buf_addch(out, hex[*p & 15]);
		}
	}
	buf_printf(out, "?secret=%s&issuer=" TOTP_ISSUER, base32);
	return out->err ? (sg_err)out->err : SG_OK;
}

#define QR_QUIET 4

sg_err totp_qr_svg(const char *text, struct buf *out)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	int size;

	if (!qr)
		return errno == ENOMEM ? SG_ERR_NOMEM : SG_ERR_INVALID;
	size = qr->width + 2 * QR_QUIET;
	buf_printf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			"viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" "
			"shape-rendering=\"crispEdges\">"
			"<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>"
			"<path fill=\"#000\" d=\"",
		   size, size, size * 4, size * 4, size, size);
	/* one subpath per horizontal run of dark modules */
	for (int y = 0; y < qr->width; y++) {
		const unsigned char *row = qr->data + (size_t)y * (size_t)qr->width;

		for (int x = 0; x < qr->width;) {
			int run = 0;

			while (x + run < qr->width && (row[x + run] & 1))
				run++;
			if (run) {
				buf_printf(out, "M%d %dh%dv1h-%dz", x + QR_QUIET,
					   y + QR_QUIET, run, run);
				x += run;
			} else {
				x++;
			}
		}
	}
	buf_addstr(out, "\"/></svg>");
	QRcode_free(qr);
	return out->err ? (sg_err)out->err : SG_OK;
}
