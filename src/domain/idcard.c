/*
 * idcard.c: GB 11643 citizen ID numbers: check character, birth date,
 * sex, masking; see idcard.h.
 *
 * Checks run in the order a person reading the number would: length,
 * then characters, then the date, then the check character, and the
 * first failure is the one reported, so that a message names one
 * precise thing to fix.
 */
#include <stdio.h>
#include <string.h>

#include "idcard.h"
#include "../core/utf8.h"
#include "../core/banned.h"

static const int weights[IDCARD_LEN - 1] = {
	7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2,
};
static const char check_chars[11] = "10X98765432";

#define CHINA_UTC_OFFSET (8 * 3600)

char idcard_check_char(const char *s)
{
	int sum = 0;

	for (int i = 0; i < IDCARD_LEN - 1; i++) {
		if (s[i] < '0' || s[i] > '9')
			return '?';
		sum += (s[i] - '0') * weights[i];
	}
	return check_chars[sum % 11];
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

static int digits_value(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/*
 * Length in characters (bytes when s is not valid UTF-8), so that a
 * full-width digit counts as one character in the messages.
 */
static size_t char_count(const char *s, size_t len)
{
	return utf8_invalid_at(s, len) == len ? utf8_count(s, len) : len;
}

sg_err idcard_parse(const char *s, time_t now, const char *field,
		    struct idcard *out, struct err_report *er)
{
	size_t bytes = s ? strlen(s) : 0, chars = s ? char_count(s, bytes) : 0;
	char norm[IDCARD_SIZE], today[40], check;
	time_t china = now + CHINA_UTC_OFFSET;
	struct tm tm;
	int y, m, d, pos = 0;

	memset(out, 0, sizeof(*out));
	if (chars != IDCARD_LEN) {
		if (field)
			err_field(er, field, "length", "must be 18 characters (got %zu)",
				  chars);
		return SG_ERR_INVALID;
	}
	/* 18 characters; any that is not ASCII is caught here by position */
	for (size_t i = 0; i < bytes; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c & 0xc0) == 0x80)
			continue; /* inside a multi-byte character */
		pos++;
		if ((c >= '0' && c <= '9') ||
		    (pos == IDCARD_LEN && (c == 'X' || c == 'x')))
			continue;
		if (field)
			err_field(er, field, "digit", "character %d must be a digit%s",
				  pos, pos == IDCARD_LEN ? " or X" : "");
		return SG_ERR_INVALID;
	}
	memcpy(norm, s, IDCARD_LEN);
	norm[IDCARD_LEN] = '\0';
	if (norm[IDCARD_LEN - 1] == 'x')
		norm[IDCARD_LEN - 1] = 'X';

	y = digits_value(norm + 6, 4);
	m = digits_value(norm + 10, 2);
	d = digits_value(norm + 12, 2);
	snprintf(out->birth_date, sizeof(out->birth_date), "%.4s-%.2s-%.2s",
		 norm + 6, norm + 10, norm + 12);
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
		if (field)
			err_field(er, field, "birth_date", "impossible birth date %s",
				  out->birth_date);
		goto invalid;
	}
	gmtime_r(&china, &tm);
	snprintf(today, sizeof(today), "%04d-%02d-%02d", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday);
	if (strcmp(out->birth_date, today) > 0) {
		if (field)
			err_field(er, field, "birth_date",
				  "birth date %s is in the future", out->birth_date);
		goto invalid;
	}
	check = idcard_check_char(norm);
	if (norm[IDCARD_LEN - 1] != check) {
		if (field)
			err_field(er, field, "check", "check character should be %c",
				  check);
		goto invalid;
	}
	memcpy(out->number, norm, sizeof(norm));
	out->sex = (norm[16] - '0') % 2 ? IDCARD_MALE : IDCARD_FEMALE;
	return SG_OK;
invalid:
	memset(out, 0, sizeof(*out));
	return SG_ERR_INVALID;
}

void idcard_mask(const char *number, char out[IDCARD_SIZE])
{
	memset(out, '*', IDCARD_LEN);
	out[IDCARD_LEN] = '\0';
	if (!number || strnlen(number, IDCARD_LEN + 1) != IDCARD_LEN)
		return;
	memcpy(out, number, 6);
	memcpy(out + 14, number + 14, 4);
}
