/* openfaas alert scaling against a recording fake backend: when the alert fires, each
 * notification's step, and the scale-down on resolve. */
#include <criterion/criterion.h>
#include <stdlib.h>

#include "policies/registry.h"

struct fake {
    hf_time now;
    struct hf_function_load load;
    hf_time set_at[16];
    uint32_t set_to[16];
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
    if (f->sets < 16) {
        f->set_at[f->sets] = f->now;
        f->set_to[f->sets] = n;
    }
    f->sets++;
    f->load.replicas = n;
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

Test(openfaas, fires_after_for_steps_by_a_fifth_of_max_and_resolves_to_min)
{
    const struct hf_policy_type *t = hf_policy_find("openfaas");
    cr_assert_not_null(t);
    struct fake f = {0};
    struct hf_platform p = {&ops, &f};
    struct hf_error err = {0};
    json_t *params = hf_schema_resolve(t->params, NULL, &err);
    cr_assert_not_null(params, "%s", err.message);
    void *s = calloc(1, t->state_size);
    cr_assert(t->init(s, params, &p, &err), "%s", err.message);
    cr_assert_eq(f.set_to[0], 1u);
    /* 10 completed requests per second from t = 0, evaluated every 5 s. */
    for (int tick = 1; tick <= 16; tick++) {
        f.now = hf_time_from_s(5 * tick);
        f.load.completed = (uint64_t)(10 * 5 * tick);
        t->on_timer(s, &p, 0);
    }
    /* Condition true from the 10 s evaluation (two samples), firing at 15 s (for 5 s), first
     * notification at 20 s (group_wait 5 s): 1 + 4; then every 30 s: 50 s, 80 s. */
    cr_assert_geq(f.sets, 4);
    cr_assert_eq(f.set_at[1], hf_time_from_s(20));
    cr_assert_eq(f.set_to[1], 5u);
    cr_assert_eq(f.set_at[2], hf_time_from_s(50));
    cr_assert_eq(f.set_to[2], 9u);
    cr_assert_eq(f.set_at[3], hf_time_from_s(80));
    /* Traffic stops: resolved at the next evaluation, scaled to min after group_interval (10 s). */
    int before = f.sets;
    for (int tick = 17; tick <= 22; tick++) {
        f.now = hf_time_from_s(5 * tick);
        t->on_timer(s, &p, 0);
    }
    cr_assert_eq(f.sets, before + 1);
    cr_assert_eq(f.set_to[before], 1u);
    t->fini(s);
    free(s);
    json_decref(params);
}
