/*
 * test_password.c: the password policy (length in characters, the common
 * list with the Chinese favourites, the login, repeated characters),
 * argon2id hashing and verification, re-hash detection and one-time
 * passwords.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "core/err.h"
#include "domain/password.h"

/* The code of the one field error a policy check gave, or "" if it passed. */
static const char *policy_code(const char *pw, const char *login)
{
	static struct err_report er;

	err_clear(&er);
	if (password_check_policy(pw, login, "password", &er) == SG_OK)
		return "";
	assert_int_equal(er.code, SG_ERR_INVALID);
	assert_int_equal(er.nfields, 1);
	assert_string_equal(er.fields[0].field, "password");
	return er.fields[0].code;
}

static void test_length_is_counted_in_characters(void **state)
{
	char s[600];

	(void)state;
	assert_string_equal(policy_code("", NULL), "too_short");
	assert_string_equal(policy_code("Tq7#pLm", NULL), "too_short");
	assert_string_equal(policy_code("Tq7#pLmz", NULL), "");
	/* 7 CJK characters are 21 bytes but still too short */
	assert_string_equal(policy_code("社会工作者之家", NULL), "too_short");
	assert_string_equal(policy_code("社会工作者之家园", NULL), "");
	/* 128 characters pass, 129 do not; 128 CJK characters (384 bytes) pass */
	memset(s, 0, sizeof(s));
	for (int i = 0; i < 128; i++)
		s[i] = (char)('a' + i % 26);
	assert_string_equal(policy_code(s, NULL), "");
	s[128] = 'x';
	assert_string_equal(policy_code(s, NULL), "too_long");
	s[0] = '\0';
	for (int i = 0; i < 128; i++)
		memcpy(s + 3 * i, i % 2 ? "社" : "工", 3);
	s[384] = '\0';
	assert_string_equal(policy_code(s, NULL), "");
	memcpy(s + 384, "区", 4);
	assert_string_equal(policy_code(s, NULL), "too_long");
}

static void test_common_passwords_are_refused(void **state)
{
	static const char *const common[] = {
		"password", "Password1", "PASSWORD123", "12345678", "123456789",
		"88888888", "woaini1314", "WoAiNi1314", "5201314520", "1qaz2wsx",
		"1QAZ2WSX", "qwe123456", "a123456789", "iloveyou1", "11111111",
		"00000000", "147258369", "1q2w3e4r", "qwertyuiop", "qq123456",
		"abcd1234", "dearbook", "p@ssw0rd", "zxcvbnm123", "admin123",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(common) / sizeof(common[0]); i++) {
		assert_true(password_is_common(common[i]));
		assert_string_equal(policy_code(common[i], NULL), "too_common");
	}
	/* the short favourites are on the list even though length refuses them */
	assert_true(password_is_common("123456"));
	assert_true(password_is_common("5201314"));
	assert_true(password_is_common("a123456"));
	assert_true(password_is_common("iloveyou"));
	assert_false(password_is_common("Tq7#pLmz"));
	assert_false(password_is_common("woaini13145"));
}

static void test_login_and_repeats_are_refused(void **state)
{
	(void)state;
	assert_string_equal(policy_code("zhang.wei@qy", "zhang.wei@qy"), "too_common");
	assert_string_equal(policy_code("ZHANG.WEI@QY", "zhang.wei@qy"), "too_common");
	assert_string_equal(policy_code("zhang.wei@qy!", "zhang.wei@qy"), "");
	assert_string_equal(policy_code("zzzzzzzzzz", NULL), "too_common");
	assert_string_equal(policy_code("啊啊啊啊啊啊啊啊", NULL), "too_common");
	assert_string_equal(policy_code("zzzzzzzzzy", NULL), "");
}

static void test_invalid_utf8_is_refused(void **state)
{
	(void)state;
	assert_string_equal(policy_code("abc\xff\xfe" "defgh", NULL), "invalid");
	assert_string_equal(policy_code("\xc0\xafxxxxxxxx", NULL), "invalid");
}

static void test_hash_and_verify(void **state)
{
	struct err_report er = ERR_REPORT_INIT;
	char h1[PASSWORD_HASH_SIZE], h2[PASSWORD_HASH_SIZE];

	(void)state;
	assert_int_equal(password_hash("Tq7#pLmz-社工", h1, &er), SG_OK);
	assert_int_equal(password_hash("Tq7#pLmz-社工", h2, &er), SG_OK);
	assert_non_null(strstr(h1, "$argon2id$"));
	assert_non_null(strstr(h1, "m=19456,t=2,"));
	/* salted: the same password hashes differently */
	assert_string_not_equal(h1, h2);
	assert_true(password_verify(h1, "Tq7#pLmz-社工"));
	assert_true(password_verify(h2, "Tq7#pLmz-社工"));
	assert_false(password_verify(h1, "Tq7#pLmz-社"));
	assert_false(password_verify(h1, ""));
	assert_false(password_verify("not a hash", "Tq7#pLmz-社工"));
	assert_false(password_verify(NULL, "x"));
	assert_false(password_needs_rehash(h1));
	assert_int_equal(password_verify_dummy("anything"), 0);
}

static void test_rehash_detects_other_parameters(void **state)
{
	char old[crypto_pwhash_STRBYTES];

	(void)state;
	assert_int_equal(crypto_pwhash_str(old, "Tq7#pLmz", 8, 1, 8 * 1024 * 1024), 0);
	assert_true(password_verify(old, "Tq7#pLmz"));
	assert_true(password_needs_rehash(old));
}

static void test_generated_passwords(void **state)
{
	char pw[17], seen[17] = "";

	(void)state;
	for (int i = 0; i < 200; i++) {
		int letters = 0, digits = 0;

		password_generate(pw, 16);
		assert_int_equal(strlen(pw), 16);
		assert_int_equal(strcspn(pw, "0O1lIo"), 16);
		for (const char *p = pw; *p; p++) {
			if (*p >= '2' && *p <= '9')
				digits++;
			else
				letters++;
		}
		assert_true(letters > 0 && digits > 0);
		assert_string_equal(policy_code(pw, "admin"), "");
		assert_string_not_equal(pw, seen);
		memcpy(seen, pw, sizeof(seen));
	}
	password_generate(pw, 12);
	assert_int_equal(strlen(pw), 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_length_is_counted_in_characters),
		cmocka_unit_test(test_common_passwords_are_refused),
		cmocka_unit_test(test_login_and_repeats_are_refused),
		cmocka_unit_test(test_invalid_utf8_is_refused),
		cmocka_unit_test(test_hash_and_verify),
		cmocka_unit_test(test_rehash_detects_other_parameters),
		cmocka_unit_test(test_generated_passwords),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
