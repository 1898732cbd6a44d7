/* keepalive-window against a recording fake backend (no containers: the window counts need). */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "policies/registry.h"

#define MAX_TIMERS 64

struct fake {
    hf_time now;
    hf_time timer_due[MAX_TIMERS];
    uint64_t timer_arg[MAX_TIMERS];
    int timers;
    struct hf_function_load load;
    uint32_t last_set;
    hf_time last_set_at;
    int sets;
};

static hf_time f_now(void *b) { return ((struct fake *)b)->now; }
/* Timers are kept and fired by seconds(), in due order, like the engine would. */
static hf_timer f_timer(void *b, hf_time d, uint64_t a)
{
    struct fake *f = b;
    cr_assert_lt(f->timers, MAX_TIMERS);
    f->timer_due[f->timers] = f->now + d;
    f->timer_arg[f->timers++] = a;
    return (hf_timer)f->timers;
}
static bool f_cancel(void *b, hf_timer t) { (void)b; (void)t; return true; }
static uint32_t f_functions(void *b) { (void)b; return 1; }
static uint32_t f_set(void *b, uint32_t fn, uint32_t n)
{
    (void)fn;
    struct fake *f = b;
    f->last_set = n;
    f->last_set_at = f->now;
    f->sets++;
    f->load.replicas = f->load.ready = n;
    return n;
}
static void f_load(void *b, uint32_t fn, struct hf_function_load *out)
{
    (void)fn;
    *out = ((struct fake *)b)->load;
}
static const struct hf_platform_ops ops = {.now = f_now, .timer_after = f_timer, .timer_cancel = f_cancel,
                                           .function_count = f_functions, .set_replicas = f_set,
                                           .load = f_load};

static void *start(const char *name, const char *params_text, struct fake *f, struct hf_platform *p)
{
    const struct hf_policy_type *t = hf_policy_find(name);
    cr_assert_not_null(t);
    *p = (struct hf_platform){&ops, f};
    struct hf_error err = {0};
    json_t *given = json_loads(params_text, 0, NULL);
    json_t *params = hf_schema_resolve(t->params, given, &err);
    cr_assert_not_null(params, "%s", err.message);
    void *s = calloc(1, t->state_size);
    cr_assert(t->init(s, params, p, &err), "%s", err.message);
    json_decref(given);
    json_decref(params);
    return s;
}

/* Fires every timer due by `until`, earliest first. */
static void fire_due(const struct hf_policy_type *t, void *s, struct hf_platform *p, struct fake *f, hf_time until)
{
    for (;;) {
        int first = -1;
        for (int k = 0; k < f->timers; k++)
            if (f->timer_due[k] <= until && (first < 0 || f->timer_due[k] < f->timer_due[first]))
                first = k;
        if (first < 0)
            return;
        hf_time due = f->timer_due[first];
        uint64_t arg = f->timer_arg[first];
        f->timer_due[first] = f->timer_due[--f->timers];
        f->timer_arg[first] = f->timer_arg[f->timers];
        f->now = due > f->now ? due : f->now;
        t->on_timer(s, p, arg);
    }
}

/* Advances the fake clock second by second with the function busy (1 in flight) or idle. A request
 * arriving at an idle function goes through on_request first, as on the platform. */
static void seconds(const char *name, void *s, struct hf_platform *p, struct fake *f, int n, bool busy)
{
    const struct hf_policy_type *t = hf_policy_find(name);
    for (int i = 0; i < n; i++) {
        if (busy && f->load.in_flight == 0) {
            struct hf_request_view r = {0};
            t->on_request(s, p, &r);
        }
        f->load.in_flight = busy ? 1 : 0;
        hf_time target = f->now + hf_time_from_s(1);
        fire_due(t, s, p, f, target);
        f->now = target;
    }
}

Test(keep_alive_window, keeps_containers_for_the_window_after_last_need)
{
    struct fake f = {0};
    struct hf_platform p;
    void *s = start("keepalive-window", "{\"keep_alive_s\": 60}", &f, &p);
    seconds("keepalive-window", s, &p, &f, 5, true);
    cr_assert_eq(f.load.replicas, 1u, "started on demand");
    seconds("keepalive-window", s, &p, &f, 59, false);
    cr_assert_eq(f.load.replicas, 1u, "still within 60 s");
    seconds("keepalive-window", s, &p, &f, 2, false);
    cr_assert_eq(f.load.replicas, 0u);
    hf_policy_find("keepalive-window")->fini(s);
    free(s);
}
