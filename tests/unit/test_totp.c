/*
 * test_totp.c: TOTP codes against the RFC 6238 test vectors (SHA-1), the
 * one-step window, refusal of replayed steps and malformed codes, base32,
 * the otpauth URI and the QR code SVG.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <sodium.h>

#include "core/buf.h"
#include "domain/totp.h"

/* RFC 6238 appendix B: the SHA-1 key is the ASCII "12345678901234567890". */
static const unsigned char rfc_key[] = "12345678901234567890";
#define RFC_KEY_LEN 20

static const struct {
	time_t t;
	const char *code8;
} vectors[] = {
	{ 59, "94287082" },
	{ 1111111109, "07081804" },
	{ 1111111111, "14050471" },
	{ 1234567890, "89005924" },
	{ 2000000000, "69279037" },
	{ (time_t)20000000000LL, "65353130" },
};

#define NVECTORS (sizeof(vectors) / sizeof(vectors[0]))

static void test_rfc6238_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < NVECTORS; i++) {
		char code[9], code6[7];

		assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, vectors[i].t, 8, code), 0);
		assert_string_equal(code, vectors[i].code8);
		/* 6 digits are the same truncation modulo 10^6: the last six */
		assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, vectors[i].t, 6, code6), 0);
		assert_string_equal(code6, vectors[i].code8 + 2);
	}
}

static void test_check_accepts_one_step_either_side(void **state)
{
	time_t t = 1111111111; /* step 37037037, 10 s into it */
	int64_t step = -1;

	(void)state;
	assert_int_equal(totp_step_of(t), 37037037);
	/* the vector's own code, at its time */
	assert_true(totp_check(rfc_key, RFC_KEY_LEN, "050471", t, 0, &step));
	assert_int_equal(step, 37037037);
	/* a device 30 s behind or ahead still works */
	assert_true(totp_check(rfc_key, RFC_KEY_LEN, "050471", t + 30, 0, &step));
	assert_int_equal(step, 37037037);
	assert_true(totp_check(rfc_key, RFC_KEY_LEN, "050471", t - 30, 0, &step));
	assert_int_equal(step, 37037037);
	/* two steps away does not */
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "050471", t + 60, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "050471", t - 60, 0, &step));
}

static void test_check_refuses_replay(void **state)
{
	time_t t = 1234567890;
	int64_t step = 0, used;
	char next[7];

	(void)state;
	assert_true(totp_check(rfc_key, RFC_KEY_LEN, "005924", t, 0, &step));
	used = step;
	/* the same code again, in the same step or the next: refused */
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "005924", t, used, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "005924", t + 30, used, &step));
	/* the next step's code is fine */
	assert_int_equal(totp_code(rfc_key, RFC_KEY_LEN, t + 30, 6, next), 0);
	assert_true(totp_check(rfc_key, RFC_KEY_LEN, next, t + 30, used, &step));
	assert_int_equal(step, used + 1);
	/* and an older step's code is refused once a later one was used */
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "005924", t + 30, step, &step));
}

static void test_check_refuses_malformed(void **state)
{
	time_t t = 1234567890;
	int64_t step = 0;

	(void)state;
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "", t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, NULL, t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "05924", t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "0005924", t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "00592a", t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, " 05924", t, 0, &step));
	assert_false(totp_check(rfc_key, RFC_KEY_LEN, "89005924", t, 0, &step));
}

static void test_base32_and_uri(void **state)
{
	char b32[TOTP_BASE32_SIZE];
	struct buf uri = BUF_INIT(512);

	(void)state;
	assert_int_equal(totp_base32(rfc_key, RFC_KEY_LEN, b32), SG_OK);
	assert_string_equal(b32, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
	assert_int_equal(totp_uri("zhang.wei@qy", b32, &uri), SG_OK);
	assert_string_equal(buf_cstr(&uri),
			    "otpauth://totp/shegong:zhang.wei%40qy?secret="
			    "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=shegong");
	buf_release(&uri);
}

static void test_new_secrets_differ(void **state)
{
	unsigned char a[TOTP_SECRET_BYTES], b[TOTP_SECRET_BYTES];

	(void)state;
	totp_new_secret(a);
	totp_new_secret(b);
	assert_memory_not_equal(a, b, TOTP_SECRET_BYTES);
}

static void test_qr_svg(void **state)
{
	struct buf svg = BUF_INIT(256 * 1024);
	const char *s;

	(void)state;
	assert_int_equal(totp_qr_svg("otpauth://totp/shegong:admin?secret="
				     "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=shegong",
				     &svg), SG_OK);
	s = buf_cstr(&svg);
	assert_true(strncmp(s, "<svg xmlns=\"http://www.w3.org/2000/svg\"", 39) == 0);
	assert_non_null(strstr(s, "viewBox=\"0 0 "));
	assert_non_null(strstr(s, "<path fill=\"#000\" d=\"M"));
	assert_null(strstr(s, "<script"));
	assert_null(strstr(s, "on"));  /* no event handler attributes */
	assert_true(svg.len < 16 * 1024);
	assert_string_equal(s + svg.len - 6, "</svg>");
	buf_release(&svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6238_vectors),
		cmocka_unit_test(test_check_accepts_one_step_either_side),
		cmocka_unit_test(test_check_refuses_replay),
		cmocka_unit_test(test_check_refuses_malformed),
		cmocka_unit_test(test_base32_and_uri),
		cmocka_unit_test(test_new_secrets_differ),
		cmocka_unit_test(test_qr_svg),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
