/*
 * test_pinyin.c: pinyin initials by GB2312 level-1 order: common names,
 * the first and last character of each initial's range, level-2 hanzi
 * and non-hanzi (no initial), mixed text.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/domain/pinyin.c"

static void initials_of(const char *text, const char *want)
{
	struct buf b = BUF_INIT(256);

	pinyin_initials(text, &b);
	assert_string_equal(buf_cstr(&b), want);
	buf_release(&b);
}

static void names(void **state)
{
	(void)state;
	initials_of("张三丰", "zsf");
	initials_of("李四", "ls");
	initials_of("王五", "ww");
	initials_of("欧阳娜娜", "oynn");
	initials_of("陈", "c");
	initials_of("黄晓明", "hxm");
	initials_of("阳光社工服务中心", "ygsgfwzx");
}

static void boundaries(void **state)
{
	(void)state;
	/* 啊 is the first level-1 hanzi (B0A1), 座 the last (D7F9) */
	assert_int_equal(pinyin_initial(0x554A), 'a');
	assert_int_equal(pinyin_initial(0x5EA7), 'z');
	assert_int_equal(pinyin_initial(0x82AD), 'b'); /* 芭 B0C5, first b */
	assert_int_equal(pinyin_initial(0x85C9), 'j'); /* 藉 BDE5 */
}

static void no_initial(void **state)
{
	(void)state;
	initials_of("Zhang 3", "");
	initials_of("", "");
	/* 亍 is level 2 (D8A1): no initial */
	assert_int_equal(pinyin_initial(0x4E8D), 0);
	/* 峯 is not in GB2312 */
	assert_int_equal(pinyin_initial(0x5CEF), 0);
	initials_of("张A三", "zs");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(boundaries),
		cmocka_unit_test(no_initial),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
