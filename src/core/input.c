/*
 * input.c: shared checks of API and import input (see input.h).
 */
#include <string.h>

#include "input.h"
#include "utf8.h"
#include "banned.h"

int input_text_ok(const char *s, const char *field, size_t min, size_t max,
		  struct err_report *er)
{
	size_t len = strlen(s), n;

	if (utf8_invalid_at(s, len) != len) {
		err_field(er, field, "invalid", "must be valid UTF-8 text");
		return 0;
	}
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f) {
			err_field(er, field, "invalid", "must not contain control characters");
			return 0;
		}
	n = utf8_count(s, len);
	if (min && (n < min || strspn(s, " ") == len)) {
		err_field(er, field, n == 0 ? "required" : "too_short",
			  "%zu to %zu characters", min, max);
		return 0;
	}
	if (n > max) {
		err_field(er, field, "too_long", "at most %zu characters", max);
		return 0;
	}
	return 1;
}

int input_date_valid(const char *s)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, m, d;

	if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (int i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1])
		return 0;
	return !(m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
}
