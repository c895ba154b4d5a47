/*
 * test_creditcode.c: GB 32100 check characters: the standard's examples,
 * random valid codes, every single-character substitution (always caught,
 * since 31 is prime), malformed input with the position named, codes that
 * fail only their check character (as some early real codes do) with the
 * expected character reported, and the authority table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/domain/creditcode.c"

static void standard_examples(void **state)
{
	static const char *const valid[] = {
		"91350100M000100Y43", "91440101MA5CJQ4N59", "51610700305332460K",
	};
	struct creditcode_info info;

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++) {
		assert_int_equal(creditcode_check(valid[i], &info), CREDITCODE_OK);
		assert_int_equal(info.expected_check, valid[i][17]);
	}
	assert_int_equal(creditcode_check("91440101MA5CJQ4N59", &info), CREDITCODE_OK);
	assert_int_equal(info.authority, '9');
	assert_string_equal(info.region, "440101");
	/* typed in lower case */
	assert_int_equal(creditcode_check("91440101ma5cjq4n59", &info), CREDITCODE_OK);
}

static void random_valid_and_every_substitution(void **state)
{
	char code[CREDITCODE_SIZE];
	struct creditcode_info info;

	(void)state;
	srand(20261122);
	for (int n = 0; n < 200; n++) {
		for (int i = 0; i < 17; i++)
			code[i] = alphabet[rand() % 31];
		code[17] = creditcode_check_char(code);
		code[18] = '\0';
		assert_int_equal(creditcode_check(code, &info), CREDITCODE_OK);
		for (int pos = 0; pos < 18; pos++) {
			char saved = code[pos];

			for (int v = 0; v < 31; v++) {
				if (alphabet[v] == saved)
					continue;
				code[pos] = alphabet[v];
				assert_int_equal(creditcode_check(code, &info), CREDITCODE_CHECK);
			}
			code[pos] = saved;
		}
	}
}

static void failing_check_names_expected(void **state)
{
	struct creditcode_info info;

	(void)state;
	/* the shape of early codes whose check character was issued wrong */
	assert_int_equal(creditcode_check("91350100M000100Y44", &info), CREDITCODE_CHECK);
	assert_int_equal(info.expected_check, '3');
	assert_int_equal(creditcode_check("516107003053324600", &info), CREDITCODE_CHECK);
	assert_int_equal(info.expected_check, 'K');
}

static void malformed(void **state)
{
	struct creditcode_info info;

	(void)state;
	assert_int_equal(creditcode_check("", &info), CREDITCODE_LENGTH);
	assert_int_equal(creditcode_check("91440101MA5CJQ4N5", &info), CREDITCODE_LENGTH);
	assert_int_equal(creditcode_check("91440101MA5CJQ4N599", &info), CREDITCODE_LENGTH);
	/* I, O, S, V and Z are not in the alphabet */
	assert_int_equal(creditcode_check("91440101MI5CJQ4N59", &info), CREDITCODE_CHARACTER);
	assert_int_equal(info.bad_position, 10);
	assert_int_equal(creditcode_check("9144010 MA5CJQ4N59", &info), CREDITCODE_CHARACTER);
	assert_int_equal(info.bad_position, 8);
	assert_int_equal(creditcode_check_char("9144010?MA5CJQ4N5"), 0);
}

static void authorities(void **state)
{
	(void)state;
	assert_string_equal(creditcode_authority('5'), "civil_affairs");
	assert_string_equal(creditcode_authority('9'), "industry_commerce");
	assert_string_equal(creditcode_authority('1'), "establishment");
	assert_string_equal(creditcode_authority('y'), "other");
	assert_string_equal(creditcode_authority('B'), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(standard_examples),
		cmocka_unit_test(random_valid_and_every_substitution),
		cmocka_unit_test(failing_check_names_expected),
		cmocka_unit_test(malformed),
		cmocka_unit_test(authorities),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
