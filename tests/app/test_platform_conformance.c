/* The platform contract (sim/platform.h), one set of cases run against every registered backend:
 * the required ops against all, each optional op against the backends whose features include it.
 * A backend added to the registry is covered without a line here. (The live backend's ops are
 * exercised through whole live runs in tests/live/; they are not in this table yet.) */
#include <criterion/criterion.h>
#include <string.h>

#include "app/backends.h"
#include "app/scenario.h"
#include "sim/engine.h"

/* A probe policy: records its callbacks. */
struct probe {
    int timers, resized;
    uint64_t last_arg, last_resized;
    hf_time last_at;
};

static bool probe_init(void *state, const json_t *params, struct hf_platform *platform, struct hf_error *err)
{
    (void)state, (void)params, (void)platform, (void)err;
    return true;
}
static void probe_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct probe *p = state;
    p->timers++;
    p->last_arg = arg;
    p->last_at = hf_platform_now(platform);
}
static void probe_resized(void *state, struct hf_platform *platform, uint64_t container)
{
    (void)platform;
    struct probe *p = state;
    p->resized++;
    p->last_resized = container;
}
static void probe_fini(void *state) { (void)state; }
static const struct hf_policy_type probe_type = {
    .name = "probe", .init = probe_init, .on_timer = probe_timer, .on_resized = probe_resized, .fini = probe_fini,
};

struct bench {
    const struct hf_backend_type *type;
    struct hf_engine engine;
    void *impl;
    struct hf_platform *p;
    struct probe probe;
    json_t *scenario;
};

static void open_backend(struct bench *b, const struct hf_backend_type *type)
{
    memset(b, 0, sizeof *b);
    b->type = type;
    char model[64];
    snprintf(model, sizeof model, "model=\"%s\"", type->name);
    const char *sets[] = {model, "workload.functions=3"};
    struct hf_error err = {0};
    b->scenario = hf_scenario_load(NULL, sets, 2, &err);
    cr_assert_not_null(b->scenario, "%s: %s", type->name, err.message);
    cr_assert(hf_engine_init(&b->engine, 7, "heap4", &err));
    b->impl = type->create(&b->engine, b->scenario, &err);
    cr_assert_not_null(b->impl, "%s: %s", type->name, err.message);
    type->attach_policy(b->impl, &probe_type, &b->probe);
    b->p = type->platform(b->impl);
}

static void close_backend(struct bench *b)
{
    b->type->fail_all(b->impl, HF_FAIL_RUN_END);
    b->type->destroy(b->impl);
    hf_engine_fini(&b->engine);
    json_decref(b->scenario);
}

Test(platform_conformance, timers_fire_once_after_their_delay_and_cancel_holds)
{
    for (size_t i = 0; i < hf_backend_count(); i++) {
        struct bench b;
        open_backend(&b, hf_backend_at(i));
        hf_timer kept = hf_platform_timer_after(b.p, hf_time_from_s(5), 42);
        hf_timer dropped = hf_platform_timer_after(b.p, hf_time_from_s(3), 7);
        cr_assert(kept && dropped, "%s: timer_after refused", b.type->name);
        cr_assert(hf_platform_timer_cancel(b.p, dropped), "%s", b.type->name);
        cr_assert_not(hf_platform_timer_cancel(b.p, dropped), "%s: cancelled twice", b.type->name);
        hf_engine_run_until(&b.engine, hf_time_from_s(10));
        cr_assert_eq(b.probe.timers, 1, "%s: %d timers fired", b.type->name, b.probe.timers);
        cr_assert_eq(b.probe.last_arg, 42, "%s", b.type->name);
        cr_assert_eq(b.probe.last_at, hf_time_from_s(5), "%s: fired at %lld", b.type->name,
                     (long long)b.probe.last_at);
        cr_assert_not(hf_platform_timer_cancel(b.p, kept), "%s: a fired timer cancelled", b.type->name);
        cr_assert_eq(hf_platform_now(b.p), hf_time_from_s(10), "%s", b.type->name);
        close_backend(&b);
    }
}

Test(platform_conformance, set_replicas_returns_what_load_then_reports)
{
    for (size_t i = 0; i < hf_backend_count(); i++) {
        struct bench b;
        open_backend(&b, hf_backend_at(i));
        uint32_t functions = hf_platform_function_count(b.p);
        cr_assert_geq(functions, 1, "%s", b.type->name);
        for (uint32_t f = 0; f < functions; f++) {
            uint32_t set = hf_platform_set_replicas(b.p, f, 2);
            cr_assert_leq(set, 2, "%s: set more than asked", b.type->name);
            struct hf_function_load load;
            hf_platform_load(b.p, f, &load);
            cr_assert_eq(load.replicas, set, "%s f%u: load says %u, set_replicas said %u", b.type->name, f,
                         load.replicas, set);
            cr_assert_leq(load.ready, load.replicas, "%s", b.type->name);
            cr_assert_eq(load.in_flight, 0, "%s", b.type->name);
        }
        close_backend(&b);
    }
}

Test(platform_conformance, container_views_resize_and_specialize_keep_their_refusals)
{
    int covered = 0;
    for (size_t i = 0; i < hf_backend_count(); i++) {
        struct bench b;
        open_backend(&b, hf_backend_at(i));
        if (!hf_platform_has(b.p, HF_PF_CONTAINERS)) {
            close_backend(&b);
            continue;
        }
        covered++;
        hf_platform_set_replicas(b.p, 0, 2);
        hf_engine_run_until(&b.engine, hf_time_from_s(120)); /* past any cold start */
        struct hf_container_view v[4];
        uint32_t n = hf_platform_containers(b.p, 0, v, 4);
        cr_assert_eq(n, 2, "%s: %u containers for 2 replicas", b.type->name, n);
        for (uint32_t k = 0; k < n; k++) {
            cr_assert(v[k].ready && v[k].function == 0 && v[k].concurrency > 0, "%s", b.type->name);
            struct hf_container_view one;
            cr_assert(hf_platform_container(b.p, v[k].id, &one), "%s", b.type->name);
            cr_assert_eq(one.id, v[k].id, "%s", b.type->name);
        }
        struct hf_container_view stale;
        cr_assert_not(hf_platform_container(b.p, UINT64_MAX - 7, &stale), "%s: a stale id answered", b.type->name);
        if (hf_platform_has(b.p, HF_PF_RESIZE)) {
            cr_assert_not(hf_platform_resize(b.p, UINT64_MAX - 7, 2.0), "%s: resized a stale id", b.type->name);
            double target = v[0].cpu_limit + 0.5;
            cr_assert_geq(v[0].node_cores_free, 0.5, "%s: the default cluster leaves room to grow", b.type->name);
            {
                cr_assert(hf_platform_resize(b.p, v[0].id, target), "%s", b.type->name);
                cr_assert_not(hf_platform_resize(b.p, v[0].id, target), "%s: a second resize in flight",
                              b.type->name);
                hf_engine_run_until(&b.engine, hf_time_from_s(130));
                cr_assert_eq(b.probe.resized, 1, "%s: on_resized fired %d times", b.type->name, b.probe.resized);
                cr_assert_eq(b.probe.last_resized, v[0].id, "%s", b.type->name);
                struct hf_container_view after;
                cr_assert(hf_platform_container(b.p, v[0].id, &after));
                cr_assert_float_eq(after.cpu_limit, target, 1e-9, "%s", b.type->name);
            }
        }
        if (hf_platform_has(b.p, HF_PF_SPECIALIZE))
            cr_assert_not(hf_platform_specialize(b.p, v[0].id, 0), "%s: specialized for its own function",
                          b.type->name);
        close_backend(&b);
    }
    cr_assert_geq(covered, 1, "no registered backend provides container views");
}
