/*
 * pinyin.h: pinyin initials (拼音首字母) of Chinese names, so that a search
 * for "zsf" finds 张三丰.
 *
 * GB2312 orders its 3,755 level-1 hanzi (一级汉字, rows 16-55, the common
 * characters, which cover nearly all names) by pinyin. A character is
 * converted to GB2312 with glibc iconv and its two-byte code compared with
 * the 23 codes where a new initial begins (a b c d e f g h j k l m n o p q
 * r s t w x y z; no hanzi reading starts with i, u or v). Level-2 hanzi
 * (rows 56-87, ordered by radical) and characters outside GB2312 get no
 * initial; a polyphonic character gets the initial of the reading GB2312
 * sorted it by (e.g. 单 d, not s). Traditional characters are looked up
 * through their Simplified form (worker_simplify runs first).
 */
#ifndef SG_PINYIN_H
#define SG_PINYIN_H

#include "../core/buf.h"

/* The initial (a-z) of one code point, or 0 if it has none. */
char pinyin_initial(unsigned cp);

/*
 * Append to out the initials of the hanzi of the UTF-8 text (other
 * characters skipped); returns how many were appended.
 */
int pinyin_initials(const char *text, struct buf *out);

#endif
