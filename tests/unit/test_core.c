/*
 * test_core.c: buf, JSON writer, UTF-8 validation, error reports, util.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "core/buf.h"
#include "core/err.h"
#include "core/json.h"
#include "core/utf8.h"
#include "core/util.h"
#include "domain/actor.h"

static void test_buf_grows_and_stops_at_max(void **state)
{
	struct buf b = BUF_INIT(10);

	(void)state;
	assert_string_equal(buf_cstr(&b), "");
	assert_int_equal(buf_addstr(&b, "hello"), 0);
	assert_int_equal(buf_printf(&b, "%d", 1234), 0);
	assert_string_equal(buf_cstr(&b), "hello1234");
	assert_int_equal(buf_addstr(&b, "xy"), SG_ERR_TOO_LARGE);
	/* sticky: later small appends fail too, contents untouched */
	assert_int_equal(buf_addch(&b, 'z'), SG_ERR_TOO_LARGE);
	assert_string_equal(buf_cstr(&b), "hello1234");
	buf_reset(&b);
	assert_int_equal(buf_addstr(&b, "0123456789"), 0);
	assert_int_equal(b.len, 10);
	buf_release(&b);
}

static void test_buf_size_overflow_is_refused(void **state)
{
	struct buf b = BUF_INIT(SIZE_MAX - 1);

	(void)state;
	assert_int_equal(buf_addstr(&b, "a"), 0);
	assert_int_equal(buf_grow(&b, SIZE_MAX - 1), SG_ERR_TOO_LARGE);
	buf_release(&b);
}

static void test_json_writer_document(void **state)
{
	struct buf b = BUF_INIT(1 << 16);
	struct json_writer jw;

	(void)state;
	jw_init(&jw, &b);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "name", "清远\"市\"\n");
	jw_kv_int(&jw, "n", -42);
	jw_kv_bool(&jw, "ok", 1);
	jw_kv_null(&jw, "none");
	jw_kv_str(&jw, "absent", NULL);
	jw_key(&jw, "list");
	jw_arr_begin(&jw);
	jw_int(&jw, 1);
	jw_str(&jw, "\x01");
	jw_obj_begin(&jw);
	jw_obj_end(&jw);
	jw_double(&jw, 0.5);
	jw_arr_end(&jw);
	jw_obj_end(&jw);
	assert_int_equal(jw_finish(&jw), 0);
	assert_string_equal(buf_cstr(&b),
		"{\"name\":\"清远\\\"市\\\"\\n\",\"n\":-42,\"ok\":true,\"none\":null,"
		"\"absent\":null,\"list\":[1,\"\\u0001\",{},0.5]}");
	buf_release(&b);
}

static void test_json_writer_errors_are_sticky(void **state)
{
	struct buf b = BUF_INIT(1 << 10);
	struct json_writer jw;

	(void)state;
	jw_init(&jw, &b);
	jw_obj_begin(&jw);
	jw_kv_str(&jw, "bad", "\xff\xfe");
	jw_kv_str(&jw, "later", "x");
	jw_obj_end(&jw);
	assert_int_not_equal(jw_finish(&jw), 0);

	buf_release(&b);
	jw_init(&jw, &b);
	jw_obj_begin(&jw); /* never closed */
	assert_int_not_equal(jw_finish(&jw), 0);
	buf_release(&b);

	b.max = 8;
	jw_init(&jw, &b);
	jw_arr_begin(&jw);
	jw_str(&jw, "much too long for the buffer");
	jw_arr_end(&jw);
	assert_int_equal(jw_finish(&jw), SG_ERR_TOO_LARGE);
	buf_release(&b);
}

static void test_utf8_validation(void **state)
{
	(void)state;
	assert_int_equal(utf8_invalid_at("abc", 3), 3);
	assert_int_equal(utf8_invalid_at("清远", 6), 6);
	assert_int_equal(utf8_invalid_at("ab\xc0\xaf", 4), 2);       /* overlong */
	assert_int_equal(utf8_invalid_at("\xed\xa0\x80", 3), 0);     /* surrogate */
	assert_int_equal(utf8_invalid_at("x\xf4\x90\x80\x80", 5), 1); /* > U+10FFFF */
	assert_int_equal(utf8_invalid_at("\xe6\xb8", 2), 0);         /* truncated */
	assert_int_equal(utf8_count("清远市a", 10), 4);
}

static void test_err_report(void **state)
{
	struct err_report er = ERR_REPORT_INIT;

	(void)state;
	assert_int_equal(err_field(&er, "region_code", "unknown", "no region %s", "99"),
			 SG_ERR_INVALID);
	assert_int_equal(er.nfields, 1);
	assert_string_equal(er.fields[0].field, "region_code");
	assert_string_equal(er.detail, "region_code: no region 99");
	assert_int_equal(err_http_status(er.code), 422);
	for (int i = 0; i < 40; i++)
		err_field(&er, "f", "x", "many");
	assert_int_equal(er.nfields, ERR_MAX_FIELDS);
	err_clear(&er);
	assert_int_equal(er.code, SG_OK);
	assert_int_equal(err_set(&er, SG_ERR_CONFLICT, "dup"), SG_ERR_CONFLICT);
	assert_int_equal(err_http_status(SG_ERR_CONFLICT), 409);
	assert_int_equal(err_http_status(SG_ERR_THROTTLED), 429);
	assert_string_equal(err_name(SG_ERR_NOT_FOUND), "not_found");
}

static void test_util_parse(void **state)
{
	int64_t v;
	time_t t;
	char iso[UTIL_TIME_LEN];

	(void)state;
	assert_int_equal(util_parse_int("42", 0, 100, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(util_parse_int("101", 0, 100, &v), -1);
	assert_int_equal(util_parse_int("4x", 0, 100, &v), -1);
	assert_int_equal(util_parse_int("", 0, 100, &v), -1);
	assert_int_equal(util_parse_int(" 4", 0, 100, &v), -1);
	assert_int_equal(util_parse_int("99999999999999999999", 0, INT64_MAX, &v), -1);
	assert_int_equal(util_parse_time("2026-11-22T06:41:31Z", &t), 0);
	util_time_iso(t, iso);
	assert_string_equal(iso, "2026-11-22T06:41:31Z");
	assert_int_equal(util_parse_time("2026-02-30x", &t), -1);
	assert_int_equal(util_streq_ct("abc", "abc"), 1);
	assert_int_equal(util_streq_ct("abc", "abd"), 0);
	assert_int_equal(util_streq_ct("abc", "ab"), 0);
}

static void test_actor_scope(void **state)
{
	struct actor a = { .role = ROLE_BUREAU, .region_code = "4418" };
	char lo[ACTOR_REGION_MAX], hi[ACTOR_REGION_MAX];

	(void)state;
	assert_true(actor_in_scope(&a, "4418"));
	assert_true(actor_in_scope(&a, "441802001001"));
	assert_false(actor_in_scope(&a, "4419"));
	assert_false(actor_in_scope(&a, "44"));
	assert_true(actor_in_scope(actor_system(), "11"));
	region_prefix_range("4418", lo, hi);
	assert_string_equal(lo, "4418");
	assert_string_equal(hi, "4419");
	region_prefix_range("", lo, hi);
	assert_string_equal(hi, "~");
	assert_int_equal(role_from_name("bureau"), ROLE_BUREAU);
	assert_int_equal(role_from_name("system"), ROLE_NONE);
	assert_int_equal(role_from_name("root"), ROLE_NONE);
	assert_string_equal(role_name(ROLE_AUDITOR), "auditor");
	assert_true(role_in(ROLE_SECADMIN, ROLES_AUDIT_READERS));
	assert_false(role_in(ROLE_SYSADMIN, ROLES_AUDIT_READERS));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_grows_and_stops_at_max),
		cmocka_unit_test(test_buf_size_overflow_is_refused),
		cmocka_unit_test(test_json_writer_document),
		cmocka_unit_test(test_json_writer_errors_are_sticky),
		cmocka_unit_test(test_utf8_validation),
		cmocka_unit_test(test_err_report),
		cmocka_unit_test(test_util_parse),
		cmocka_unit_test(test_actor_scope),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
