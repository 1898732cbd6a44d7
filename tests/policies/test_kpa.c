/* kpa against a recording fake backend: windows, panic mode, rate limits, scale to zero. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/registry.h"

struct fake {
    hf_time now;
    struct hf_function_load load;
    uint32_t last_set;
    int sets;
};

static hf_time f_now(void *b) { return ((struct fake *)b)->now; }
static hf_timer f_timer(void *b, hf_time d, uint64_t a) { (void)b; (void)d; (void)a; return 1; }
static bool f_cancel(void *b, hf_timer t) { (void)b; (void)t; return true; }
static uint32_t f_functions(void *b) { (void)b; return 1; }
static uint32_t f_set(void *b, uint32_t fn, uint32_t n)
{
    (void)fn;
    struct fake *f = b;
    f->last_set = n;
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

/* Runs `seconds` of 1 s samples at the given concurrency, with a decision every 2 s. */
static void feed(const struct hf_policy_type *t, void *s, struct hf_platform *p, struct fake *f, int seconds,
                 uint32_t concurrency)
{
    for (int i = 0; i < seconds; i++) {
        f->now += hf_time_from_s(1);
        f->load.in_flight = concurrency;
        t->on_timer(s, p, 0);
        if (i % 2 == 1)
            t->on_timer(s, p, 1);
    }
}

Test(kpa, panics_up_fast_holds_then_scales_down_at_the_rate_limit_and_to_zero)
{
    const struct hf_policy_type *t = hf_policy_find("kpa");
    cr_assert_not_null(t);
    struct fake f = {0};
    struct hf_platform p = {&ops, &f};
    struct hf_error err = {0};
    json_t *given = json_pack("{s:f}", "target", 1.0);
    json_t *params = hf_schema_resolve(t->params, given, &err);
    json_decref(given);
    cr_assert_not_null(params, "%s", err.message);
    void *s = calloc(1, t->state_size);
    cr_assert(t->init(s, params, &p, &err), "%s", err.message);
    cr_assert_eq(f.last_set, 1u, "initial scale 1");
    /* A burst to 7 concurrent requests on 1 pod: the 6 s panic window sees ceil(7/0.7) = 10 pods,
     * 10x the ready pods >= 200 %: panic, and 10 pods within the first ticks. */
    feed(t, s, &p, &f, 6, 7);
    cr_assert_eq(f.last_set, 10u, "got %u", f.last_set);
    /* Load falls to 0.7: in panic mode KPA never scales down, for a whole stable window. */
    int sets = f.sets;
    feed(t, s, &p, &f, 50, 1);
    cr_assert_eq(f.sets, sets, "no change while panicking");
    /* After 60 s without the panic condition: stable mode, down at most by half per decision. */
    int waited = 0;
    while (f.sets == sets && waited < 20) {
        feed(t, s, &p, &f, 2, 1);
        waited += 2;
    }
    cr_assert_eq(f.last_set, 5u, "first step down: got %u", f.last_set);
    cr_assert_leq(waited, 12);
    /* Nothing at all for a stable window plus the grace period: zero. */
    feed(t, s, &p, &f, 100, 0);
    cr_assert_eq(f.last_set, 0u, "got %u", f.last_set);
    t->fini(s);
    free(s);
    json_decref(params);
}
