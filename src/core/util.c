/*
 * util.c: see util.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util.h"
#include "banned.h"

static time_t pinned_now;

time_t util_now(void)
{
	return pinned_now ? pinned_now : time(NULL);
}

void util_set_now(time_t t)
{
	pinned_now = t;
}

void util_time_iso(time_t t, char out[UTIL_TIME_LEN])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(out, UTIL_TIME_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int util_parse_time(const char *s, time_t *out)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%d", &tm);
	if (!end)
		return -1;
	if (*end == 'T') {
		end = strptime(end + 1, "%H:%M:%S", &tm);
		if (!end || (*end != 'Z' && *end != '\0'))
			return -1;
		if (*end == 'Z')
			end++;
	}
	if (*end)
		return -1;
	*out = timegm(&tm);
	return 0;
}

void util_hex(const unsigned char *in, size_t n, char *out)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

int util_parse_int(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;

	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')))
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void util_strlcpy(char *dst, const char *src, size_t size)
{
	if (size)
		snprintf(dst, size, "%s", src ? src : "");
}

int util_streq_ct(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

int util_reserve(void **items, size_t *cap, size_t count, size_t size)
{
	size_t grown = *cap ? *cap * 2 : 16;
	void *p;

	if (count < *cap)
		return 0;
	if (grown > SIZE_MAX / size || !(p = realloc(*items, grown * size)))
		return -1;
	*items = p;
	*cap = grown;
	return 0;
}
