/* Unit tests for the per-address login rate limiter (server/ratelimit.c): burst, refill, refund,
   separate addresses and a bounded table under many addresses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ratelimit.h"

static void test_burst_and_refill(void **state)
{
    (void)state;
    ratelimit_configure(60, 3); /* one token a second, three at most */
    uint64_t t = 1000000;
    for (int i = 0; i < 3; i++)
        assert_true(ratelimit_take("10.0.0.1", t));
    assert_false(ratelimit_take("10.0.0.1", t));
    assert_false(ratelimit_take("10.0.0.1", t + 500));
    assert_true(ratelimit_take("10.0.0.2", t)); /* another address has its own bucket */
    assert_true(ratelimit_take("10.0.0.1", t + 1000));
    assert_false(ratelimit_take("10.0.0.1", t + 1000));
    /* a long pause refills to the burst, not beyond */
    t += 3600 * 1000;
    for (int i = 0; i < 3; i++)
        assert_true(ratelimit_take("10.0.0.1", t));
    assert_false(ratelimit_take("10.0.0.1", t));
}

static void test_refund(void **state)
{
    (void)state;
    ratelimit_configure(60, 2);
    uint64_t t = 5000;
    assert_true(ratelimit_take("192.0.2.7", t));
    assert_true(ratelimit_take("192.0.2.7", t));
    assert_false(ratelimit_take("192.0.2.7", t));
    ratelimit_refund("192.0.2.7"); /* a successful login gives its token back */
    assert_true(ratelimit_take("192.0.2.7", t));
    ratelimit_refund("192.0.2.7");
    ratelimit_refund("192.0.2.7");
    ratelimit_refund("192.0.2.7");
    assert_true(ratelimit_take("192.0.2.7", t));
    assert_true(ratelimit_take("192.0.2.7", t));
    assert_false(ratelimit_take("192.0.2.7", t)); /* refunds never exceed the burst */
    ratelimit_refund("198.51.100.1");             /* unknown address: nothing happens */
}

static void test_many_addresses(void **state)
{
    (void)state;
    ratelimit_configure(60, 1);
    char addr[48];
    uint64_t t = 10000;
    /* far more addresses than the table holds: every new one still gets its first attempt */
    for (int i = 0; i < 50000; i++) {
        snprintf(addr, sizeof(addr), "2001:db8::%x:%x", i >> 16, i & 0xffff);
        assert_true(ratelimit_take(addr, t));
    }
    /* an address that has just used its token is not the one forgotten to make room: the
       fullest (oldest) buckets go first */
    assert_true(ratelimit_take("203.0.113.9", t + 100));
    for (int i = 0; i < 100; i++) {
        snprintf(addr, sizeof(addr), "198.18.%d.%d", i / 250, i % 250);
        ratelimit_take(addr, t + 100);
    }
    assert_false(ratelimit_take("203.0.113.9", t + 100));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_burst_and_refill),
        cmocka_unit_test(test_refund),
        cmocka_unit_test(test_many_addresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
