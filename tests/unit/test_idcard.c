/*
 * test_idcard.c: the GB 11643 citizen ID validator: the standard's
 * examples, each kind of error with its exact message, impossible and
 * future birth dates (in China's time zone), lower-case x, masking, and
 * 1000 random valid numbers, each of which turns invalid when any one
 * character changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "core/util.h"
#include "domain/idcard.h"

/* 2026-11-22T06:00:00Z: 14:00 the same day in China */
#define NOW ((time_t)1795327200)

static sg_err parse(const char *s, struct idcard *id, struct err_report *er)
{
	err_clear(er);
	return idcard_parse(s, NOW, "id_number", id, er);
}

/* The single field error of a failed parse. */
static void assert_error(const char *s, const char *code, const char *message)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;

	assert_int_equal(parse(s, &id, &er), SG_ERR_INVALID);
	assert_int_equal(er.code, SG_ERR_INVALID);
	assert_int_equal(er.nfields, 1);
	assert_string_equal(er.fields[0].field, "id_number");
	assert_string_equal(er.fields[0].code, code);
	assert_string_equal(er.fields[0].message, message);
	assert_string_equal(id.number, "");
}

/* The check character computed independently of the module. */
static char reference_check(const char *s)
{
	static const int w[17] = { 7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2 };
	int sum = 0;

	for (int i = 0; i < 17; i++)
		sum += (s[i] - '0') * w[i];
	return "10X98765432"[sum % 11];
}

static void test_standard_examples(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;

	(void)state;
	assert_int_equal(parse("11010519491231002X", &id, &er), SG_OK);
	assert_string_equal(id.number, "11010519491231002X");
	assert_string_equal(id.birth_date, "1949-12-31");
	assert_int_equal(id.sex, IDCARD_FEMALE);

	assert_int_equal(parse("440524188001010014", &id, &er), SG_OK);
	assert_string_equal(id.birth_date, "1880-01-01");
	assert_int_equal(id.sex, IDCARD_MALE);

	assert_int_equal(idcard_check_char("11010519491231002"), 'X');
	assert_int_equal(idcard_check_char("44052418800101001"), '4');
	assert_int_equal(idcard_check_char("4405241880010100A"), '?');
	assert_error("110105194912310021", "check", "check character should be X");
}

static void test_lower_case_x(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;

	(void)state;
	assert_int_equal(parse("11010519491231002x", &id, &er), SG_OK);
	assert_string_equal(id.number, "11010519491231002X");
	/* an x anywhere else is not a digit */
	assert_error("x1010519491231002X", "digit", "character 1 must be a digit");
}

static void test_length_and_characters(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;

	(void)state;
	assert_error("", "length", "must be 18 characters (got 0)");
	assert_error("44052418800101001", "length", "must be 18 characters (got 17)");
	assert_error("4405241880010100144", "length", "must be 18 characters (got 19)");
	assert_int_equal(idcard_parse(NULL, NOW, "id_number", &id, &er), SG_ERR_INVALID);
	assert_string_equal(er.fields[0].code, "length");
	assert_error("4405241880010100A4", "digit", "character 17 must be a digit");
	assert_error("440524 88001010014", "digit", "character 7 must be a digit");
	assert_error("44052418800101001Y", "digit", "character 18 must be a digit or X");
	/* characters, not bytes: a full-width digit is one character */
	assert_error("44052418800101001\xef\xbc\x94", "digit",
		     "character 18 must be a digit or X");
	assert_error("\xe5\xbc\xa0\xe4\xb8\x89", "length", "must be 18 characters (got 2)");
	assert_error("44052418800101001\xff", "digit", "character 18 must be a digit or X");
	/* without a field nothing is reported, the result is the same */
	err_clear(&er);
	assert_int_equal(idcard_parse("110105194912310021", NOW, NULL, &id, &er),
			 SG_ERR_INVALID);
	assert_int_equal(er.nfields, 0);
}

/* A number with the given birth date and sequence, with its check. */
static void make_number(const char *date8, const char *seq3, char out[IDCARD_SIZE])
{
	snprintf(out, IDCARD_SIZE, "441802%.8s%.3s", date8, seq3);
	out[17] = reference_check(out);
	out[18] = '\0';
}

static void test_birth_dates(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;
	char n[IDCARD_SIZE];

	(void)state;
	make_number("20230230", "001", n);
	assert_error(n, "birth_date", "impossible birth date 2023-02-30");
	make_number("20230229", "001", n);
	assert_error(n, "birth_date", "impossible birth date 2023-02-29");
	make_number("19000229", "001", n);
	assert_error(n, "birth_date", "impossible birth date 1900-02-29");
	make_number("19901301", "001", n);
	assert_error(n, "birth_date", "impossible birth date 1990-13-01");
	make_number("19900100", "001", n);
	assert_error(n, "birth_date", "impossible birth date 1990-01-00");
	make_number("19900431", "001", n);
	assert_error(n, "birth_date", "impossible birth date 1990-04-31");

	make_number("20240229", "002", n);
	assert_int_equal(parse(n, &id, &er), SG_OK);
	assert_string_equal(id.birth_date, "2024-02-29");
	assert_int_equal(id.sex, IDCARD_FEMALE);
	make_number("20000229", "003", n);
	assert_int_equal(parse(n, &id, &er), SG_OK);
	/* no floor on the year */
	make_number("08000101", "001", n);
	assert_int_equal(parse(n, &id, &er), SG_OK);
	assert_string_equal(id.birth_date, "0800-01-01");

	/* today is fine, tomorrow is not */
	make_number("20261122", "001", n);
	assert_int_equal(parse(n, &id, &er), SG_OK);
	make_number("20261123", "001", n);
	assert_error(n, "birth_date", "birth date 2026-11-23 is in the future");
	/* at 20:00 UTC it is already the 23rd in China */
	err_clear(&er);
	assert_int_equal(idcard_parse(n, NOW + 14 * 3600, "id_number", &id, &er), SG_OK);
}

static void test_mask(void **state)
{
	char m[IDCARD_SIZE];

	(void)state;
	idcard_mask("440524188001010014", m);
	assert_string_equal(m, "440524********0014");
	idcard_mask("11010519491231002X", m);
	assert_string_equal(m, "110105********002X");
	idcard_mask("12345", m);
	assert_string_equal(m, "******************");
	idcard_mask(NULL, m);
	assert_string_equal(m, "******************");
}

static void test_random_numbers(void **state)
{
	static const char chars[] = "0123456789X";
	struct err_report er = ERR_REPORT_INIT;
	struct idcard id;
	unsigned seed = (unsigned)time(NULL);

	(void)state;
	srand(seed);
	for (int i = 0; i < 1000; i++) {
		char n[40], date[16], seq[8], bad[IDCARD_SIZE];
		int y = 1900 + rand() % 126, m = 1 + rand() % 12, d = 1 + rand() % 28;
		int pos, s = rand() % 1000;

		snprintf(date, sizeof(date), "%04d%02d%02d", y, m, d);
		snprintf(seq, sizeof(seq), "%03d", s);
		snprintf(n, sizeof(n), "%06d%s%s", 110000 + rand() % 800000, date, seq);
		n[17] = reference_check(n);
		n[18] = '\0';
		if (parse(n, &id, &er) != SG_OK)
			fail_msg("seed %u: %s rejected: %s", seed, n, er.fields[0].message);
		assert_string_equal(id.number, n);
		assert_int_equal(id.sex, s % 2 ? IDCARD_MALE : IDCARD_FEMALE);
		assert_memory_equal(id.birth_date, date, 4);

		/* every weight is prime to 11: any single change breaks the check */
		memcpy(bad, n, IDCARD_SIZE);
		pos = rand() % 18;
		do
			bad[pos] = chars[rand() % (pos == 17 ? 11 : 10)];
		while (bad[pos] == n[pos]);
		if (parse(bad, &id, &er) == SG_OK)
			fail_msg("seed %u: %s (from %s) accepted", seed, bad, n);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_standard_examples),
		cmocka_unit_test(test_lower_case_x),
		cmocka_unit_test(test_length_and_characters),
		cmocka_unit_test(test_birth_dates),
		cmocka_unit_test(test_mask),
		cmocka_unit_test(test_random_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
