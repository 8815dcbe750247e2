/*
 * test_pipeline.c - pipelined requests: every answer carries its request's msgid, and more
 * requests than the in-flight limit are all answered (backpressure, not errors).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "itest.h"

#define MAX_PIPE 400

/*
 * Sends n requests without waiting (method alternating with a failing one every 10th when
 * with_errors), then reads n answers within 30 s and checks each msgid is answered exactly
 * once, with a result or (for the failing ones) invalid.
 */
static void pipeline(it_conn *c, const char *method, int n, bool with_errors)
{
    uint32_t ids[MAX_PIPE];
    bool bad[MAX_PIPE], seen[MAX_PIPE];
    assert_true(n <= MAX_PIPE);
    for (int i = 0; i < n; i++) {
        bad[i] = with_errors && i % 10 == 5;
        seen[i] = false;
        ids[i] = bad[i] ? it_send(c, "user.get", "id:u", 0ULL) : it_send(c, method, "");
        if (ids[i] == 0)
            it_fail("could not send request %d of %d", i + 1, n);
    }
    int64_t deadline = it_now_ms() + 30000;
    for (int got = 0; got < n; got++) {
        int left = (int)(deadline - it_now_ms());
        it_resp *r = it_recv(c, left > 0 ? left : 0);
        if (r->status != IT_OK && r->status != IT_ERROR)
            it_fail("answer %d of %d: %s", got + 1, n, it_resp_str(r));
        int k = -1;
        for (int i = 0; i < n; i++)
            if (ids[i] == r->msgid)
                k = i;
        if (k < 0 || seen[k])
            it_fail("answer with msgid %u: %s", r->msgid, k < 0 ? "not asked" : "answered twice");
        seen[k] = true;
        if (bad[k] && (r->status != IT_ERROR || strcmp(r->code, "invalid") != 0))
            it_fail("request %d (id 0) got %s, expected invalid", k, it_resp_str(r));
        if (!bad[k] && r->status != IT_OK)
            it_fail("request %d (%s) got %s", k, method, it_resp_str(r));
        it_resp_free(r);
    }
}

static void test_pipelined_pings(void **state)
{
    it_conn *c = it_connect_stack();
    it_hello(c);
    pipeline(c, "ping", 32, false);
    it_close(c);
}

static void test_more_than_in_flight(void **state)
{
    it_conn *c = it_session("AGENCY_DEMO_DIRECTOR", NULL);
    /* 32 is the default limit per connection; these go to the database workers */
    pipeline(c, "auth.whoami", 200, true);
    pipeline(c, "user.list", 100, false);
    it_resp *r = IT_CALL_OK(c, "a call after the bursts", "auth.whoami", "");
    it_resp_free(r);
    it_close(c);
}

static void test_tight_limits(void **state)
{
    /* one worker, a queue of 4 and 2 requests in flight per connection */
    static const char *const sets[] = {"server.max_in_flight=2", "server.workers=1",
                                       "server.queue_size=4", NULL};
    struct it_server s;
    it_server_start(&s, sets);
    it_conn *a = it_connect_port(s.port);
    it_conn *b = it_connect_port(s.port);
    it_hello(a);
    it_hello(b);
    it_login_as(a, "AGENCY_DEMO_DIRECTOR");
    it_login_as(b, "AGENCY_DEMO_MANAGER");
    pipeline(a, "auth.whoami", 120, true);
    pipeline(b, "user.list", 60, false);
    it_close(a);
    it_close(b);
    assert_int_equal(it_server_stop(&s), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipelined_pings),
        cmocka_unit_test(test_more_than_in_flight),
        cmocka_unit_test_teardown(test_tight_limits, it_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, it_teardown);
}
