/*
 * util.h: small helpers used everywhere: time, random tokens, hex, strict
 * integer parsing and bounded string copies.
 */
#ifndef SG_UTIL_H
#define SG_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define UTIL_TIME_LEN 21 /* "2026-11-22T06:41:31Z" + NUL */

/* Seconds since the epoch, UTC. Tests may pin it with util_set_now(). */
time_t util_now(void);
/* Pin the clock for tests; 0 returns to the real clock. */
void util_set_now(time_t t);

/* Format t as RFC 3339 UTC ("2026-11-22T06:41:31Z") into out. */
void util_time_iso(time_t t, char out[UTIL_TIME_LEN]);
/* Parse "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SSZ"; 0 on success. */
int util_parse_time(const char *s, time_t *out);

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated). */
void util_hex(const unsigned char *in, size_t n, char *out);

/*
 * Parse a whole decimal integer in [min, max]; no sign for min >= 0, no
 * spaces, no trailing garbage. 0 on success, -1 otherwise.
 */
int util_parse_int(const char *s, int64_t min, int64_t max, int64_t *out);

/* snprintf("%s") into a fixed array: truncates, always terminates. */
void util_strlcpy(char *dst, const char *src, size_t size);

/*
 * Room for one more element in a growing array of *cap elements holding
 * count (doubling, from 16): 0, or -1 out of memory with *items unchanged
 * and still the caller's. Use through UTIL_RESERVE(array, cap, count).
 */
int util_reserve(void **items, size_t *cap, size_t count, size_t size);
#define UTIL_RESERVE(array, cap, count) \
	util_reserve((void **)&(array), &(cap), (count), sizeof(*(array)))

/* Constant-time comparison of two NUL-terminated strings. */
int util_streq_ct(const char *a, const char *b);

#endif
