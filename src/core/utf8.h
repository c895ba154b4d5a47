/*
 * utf8.h: UTF-8 validation and counting.
 *
 * Strict RFC 3629: no overlongs, no surrogates, nothing above U+10FFFF.
 * Every text that enters through the API or an import is checked here so
 * that the database only ever holds valid UTF-8.
 */
#ifndef SG_UTF8_H
#define SG_UTF8_H

#include <stddef.h>

/*
 * Return the byte offset of the first invalid sequence in s[0..len), or
 * len when the whole text is valid.
 */
size_t utf8_invalid_at(const char *s, size_t len);

/* Number of code points in a valid UTF-8 text (undefined if invalid). */
size_t utf8_count(const char *s, size_t len);

#endif
