/*
 * pinyin.c: pinyin initials by GB2312 level-1 order; see pinyin.h.
 *
 * iconv descriptors keep shift state and are not to be shared between
 * threads, so one is opened per call of pinyin_initials (a name is a few
 * characters; opening costs microseconds).
 */
#include <iconv.h>
#include <stddef.h>
#include <string.h>

#include "pinyin.h"
#include "../core/banned.h"

/* First GB2312 code of each initial, ascending; level 1 ends at 0xD7F9. */
static const struct {
	unsigned code;
	char initial;
} starts[] = {
	{ 0xB0A1, 'a' }, { 0xB0C5, 'b' }, { 0xB2C1, 'c' }, { 0xB4EE, 'd' },
	{ 0xB6EA, 'e' }, { 0xB7A2, 'f' }, { 0xB8C1, 'g' }, { 0xB9FE, 'h' },
	{ 0xBBF7, 'j' }, { 0xBFA6, 'k' }, { 0xC0AC, 'l' }, { 0xC2E8, 'm' },
	{ 0xC4C3, 'n' }, { 0xC5B6, 'o' }, { 0xC5BE, 'p' }, { 0xC6DA, 'q' },
	{ 0xC8BB, 'r' }, { 0xC8F6, 's' }, { 0xCBFA, 't' }, { 0xCDDA, 'w' },
	{ 0xCEF4, 'x' }, { 0xD1B9, 'y' }, { 0xD4D1, 'z' },
};
#define LEVEL1_LAST 0xD7F9u

static char initial_of_code(unsigned code)
{
	char c = 0;

	if (code < starts[0].code || code > LEVEL1_LAST)
		return 0;
	for (size_t i = 0; i < sizeof(starts) / sizeof(starts[0]); i++)
		if (code >= starts[i].code)
			c = starts[i].initial;
	return c;
}

/* Encode cp as UTF-8 into out (4 bytes at most); the length. */
static size_t utf8_put(unsigned cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xC0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xE0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
		out[2] = (char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (char)(0xF0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
	out[3] = (char)(0x80 | (cp & 0x3F));
	return 4;
}

static char lookup(iconv_t cd, unsigned cp)
{
	char in[4], gb[4];
	char *ip = in, *op = gb;
	size_t il, ol = sizeof(gb);

	/* CJK Unified Ideographs only: everything else has no initial */
	if (cp < 0x4E00 || cp > 0x9FFF)
		return 0;
	il = utf8_put(cp, in);
	iconv(cd, NULL, NULL, NULL, NULL);
	if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || op - gb != 2)
		return 0;
	return initial_of_code(((unsigned)(unsigned char)gb[0] << 8) |
			       (unsigned char)gb[1]);
}

char pinyin_initial(unsigned cp)
{
	iconv_t cd = iconv_open("GB2312", "UTF-8");
	char c;

	if (cd == (iconv_t)-1)
		return 0;
	c = lookup(cd, cp);
	iconv_close(cd);
	return c;
}

int pinyin_initials(const char *text, struct buf *out)
{
	const unsigned char *s = (const unsigned char *)text;
	iconv_t cd;
	int n = 0;

	if (!text || !text[0])
		return 0;
	cd = iconv_open("GB2312", "UTF-8");
	if (cd == (iconv_t)-1)
		return 0;
	while (*s) {
		unsigned cp;
		size_t len;
		char c;

		/* decode one UTF-8 sequence; stored text is valid UTF-8 */
		if (*s < 0x80) {
			cp = *s;
			len = 1;
		} else if ((*s & 0xE0) == 0xC0 && s[1]) {
			cp = ((unsigned)(*s & 0x1F) << 6) | (s[1] & 0x3F);
			len = 2;
		} else if ((*s & 0xF0) == 0xE0 && s[1] && s[2]) {
			cp = ((unsigned)(*s & 0x0F) << 12) | ((unsigned)(s[1] & 0x3F) << 6) |
			     (s[2] & 0x3F);
			len = 3;
		} else if ((*s & 0xF8) == 0xF0 && s[1] && s[2] && s[3]) {
			cp = ((unsigned)(*s & 0x07) << 18) | ((unsigned)(s[1] & 0x3F) << 12) |
			     ((unsigned)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
			len = 4;
		} else {
			cp = 0;
			len = 1;
		}
		s += len;
		if ((c = lookup(cd, cp)) != 0) {
			buf_addch(out, c);
			n++;
		}
	}
	iconv_close(cd);
	return n;
}
