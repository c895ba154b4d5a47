/*
 * idcard.h: citizen ID numbers (公民身份号码, GB 11643-1999).
 *
 * Eighteen characters: a 6-digit address code, the 8-digit birth date
 * (YYYYMMDD), a 3-digit sequence whose last digit is odd for men and even
 * for women, and a check character. The check is S = Σ digit_i × w_i over
 * the first 17 digits with w = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2, and
 * S mod 11 = 0..10 maps to 1 0 X 9 8 7 6 5 4 3 2.
 *
 * The birth date must be a real calendar date and not after today in
 * China (UTC+8, the time zone the number was issued in); there is no
 * lower bound on the year. The address code is not checked against the
 * region tree: codes of abolished counties stay valid on old cards.
 *
 * Pure functions, no allocation, no global state: safe from any thread.
 */
#ifndef SG_IDCARD_H
#define SG_IDCARD_H

#include <time.h>

#include "../core/err.h"

#define IDCARD_LEN 18
#define IDCARD_SIZE (IDCARD_LEN + 1)
#define IDCARD_DATE_SIZE 11 /* "YYYY-MM-DD" + NUL */

enum idcard_sex { IDCARD_FEMALE = 0, IDCARD_MALE = 1 };

struct idcard {
	char number[IDCARD_SIZE];          /* normalised: a final x upper-cased */
	char birth_date[IDCARD_DATE_SIZE]; /* "YYYY-MM-DD" */
	enum idcard_sex sex;               /* from digit 17: odd = male */
};

/*
 * The check character ('0'..'9' or 'X') of the first 17 characters of
 * s, which must be digits (else '?').
 */
char idcard_check_char(const char *s);

/*
 * Validate s as of the instant now (the birth date must not be after
 * now's date in UTC+8) and fill out. On failure returns SG_ERR_INVALID
 * with one error on `field` (may be NULL to skip the report), coded and
 * worded precisely:
 *   length     "must be 18 characters (got N)"
 *   digit      "character N must be a digit" (1-based; the 18th may be X)
 *   birth_date "impossible birth date YYYY-MM-DD" / "birth date YYYY-MM-DD
 *              is in the future"
 *   check      "check character should be C"
 * A lower-case x is accepted and normalised. NULL s is a length error.
 */
sg_err idcard_parse(const char *s, time_t now, const char *field,
		    struct idcard *out, struct err_report *er);

/*
 * The display form of a normalised number: first 6 and last 4 characters
 * kept, the 8 between replaced by '*' ("440524********0014"). A string
 * that is not 18 characters long masks to 18 '*'.
 */
void idcard_mask(const char *number, char out[IDCARD_SIZE]);

#endif
