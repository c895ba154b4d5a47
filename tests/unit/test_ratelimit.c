/*
 * test_ratelimit.c: the per-client token buckets: the burst, the refill
 * rate and the wait it reports, IPv6 clients keyed by their /64, separate
 * clients with separate buckets, a full table that forgets the stalest
 * client, and limiting switched off.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../src/http/ratelimit.c"

static void burst_then_wait(void **state)
{
	(void)state;
	ratelimit_configure(60, 5);     /* one a second, five at once */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take("192.0.2.1", 1000), 0);
	assert_int_equal(ratelimit_take("192.0.2.1", 1000), 1);
	/* half a second refills half a request: still refused */
	assert_int_equal(ratelimit_take("192.0.2.1", 1500), 1);
	assert_int_equal(ratelimit_take("192.0.2.1", 2000), 0);
	assert_int_equal(ratelimit_take("192.0.2.1", 2000), 1);
	/* a long pause refills up to the burst, no further */
	for (int i = 0; i < 5; i++)
		assert_int_equal(ratelimit_take("192.0.2.1", 600000), 0);
	assert_int_not_equal(ratelimit_take("192.0.2.1", 600000), 0);
}

static void slow_rate_reports_long_wait(void **state)
{
	(void)state;
	ratelimit_configure(2, 1);      /* one every 30 s */
	assert_int_equal(ratelimit_take("192.0.2.9", 0), 0);
	assert_int_equal(ratelimit_take("192.0.2.9", 0), 30);
	assert_int_equal(ratelimit_take("192.0.2.9", 20000), 11);
}

static void clients_are_separate(void **state)
{
	(void)state;
	ratelimit_configure(60, 1);
	assert_int_equal(ratelimit_take("192.0.2.1", 0), 0);
	assert_int_not_equal(ratelimit_take("192.0.2.1", 0), 0);
	assert_int_equal(ratelimit_take("192.0.2.2", 0), 0);
	assert_int_equal(ratelimit_take("", 0), 0);
	assert_int_not_equal(ratelimit_take("", 0), 0);
}

static void ipv6_keyed_by_prefix(void **state)
{
	(void)state;
	ratelimit_configure(60, 1);
	assert_int_equal(ratelimit_take("2001:db8:1:2::1", 0), 0);
	assert_int_not_equal(ratelimit_take("2001:db8:1:2::ffff", 0), 0);
	assert_int_equal(ratelimit_take("2001:db8:1:3::1", 0), 0);
}

static void full_table_forgets_stalest(void **state)
{
	char ip[32];

	(void)state;
	ratelimit_configure(60, 1);
	assert_int_equal(ratelimit_take("198.51.100.7", 0), 0);
	/* many more clients than slots, all seen later */
	for (int i = 0; i < 4 * SLOTS; i++) {
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
		ratelimit_take(ip, 1 + i);
	}
	/* the first client was forgotten: a fresh bucket, not a crash */
	assert_int_equal(ratelimit_take("198.51.100.7", 10), 0);
}

static void zero_rate_is_off(void **state)
{
	(void)state;
	ratelimit_configure(0, 1);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(ratelimit_take("192.0.2.1", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_wait),
		cmocka_unit_test(slow_rate_reports_long_wait),
		cmocka_unit_test(clients_are_separate),
		cmocka_unit_test(ipv6_keyed_by_prefix),
		cmocka_unit_test(full_table_forgets_stalest),
		cmocka_unit_test(zero_rate_is_off),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
