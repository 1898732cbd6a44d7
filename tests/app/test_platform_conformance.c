/* The platform contract (sim/platform.h): one script (tests/support/conformance_probe.h) run
 * against every registered backend, each optional op where the backend's features include it, and
 * against the backend template (a fake registered nowhere). A backend added to the registry is
 * covered without a line here. The live backend runs the same script on a real Docker engine in
 * tests/live/test_live_conformance.c. */
#include <criterion/criterion.h>
#include <string.h>

#include "app/backends.h"
#include "app/scenario.h"
#include "sim/engine.h"
#include "support/conformance_probe.h"

extern const struct hf_backend_type hf_backend_template; /* templates/backend_template.c */

/* Runs the script on a fresh instance of `type` for 150 simulated seconds; returns its report. */
static void run_probe(const struct hf_backend_type *type, const char *model, char *report, size_t size)
{
    char model_set[64];
    snprintf(model_set, sizeof model_set, "model=\"%s\"", model);
    const char *sets[] = {model_set, "workload.functions=3"};
    struct hf_error err = {0};
    json_t *scenario = hf_scenario_load(NULL, sets, 2, &err);
    cr_assert_not_null(scenario, "%s: %s", type->name, err.message);
    struct hf_engine engine;
    cr_assert(hf_engine_init(&engine, 7, "heap4", &err));
    void *impl = type->create(&engine, scenario, &err);
    cr_assert_not_null(impl, "%s: %s", type->name, err.message);
    struct conformance_probe probe = {.exact_time = true};
    type->attach_policy(impl, &conformance_probe_type, &probe);
    struct hf_platform *platform = type->platform(impl);
    cr_assert(conformance_probe_type.init(&probe, NULL, platform, &err), "%s: %s", type->name, err.message);
    hf_engine_run_until(&engine, hf_time_from_s(150));
    cr_assert(hf_engine_ok(&engine), "%s: the engine failed: %s", type->name, engine.failure);
    conformance_probe_report(&probe, report, size);
    cr_assert(!probe.containers_checked || hf_platform_has(platform, HF_PF_CONTAINERS));
    type->fail_all(impl, HF_FAIL_RUN_END);
    type->destroy(impl);
    hf_engine_fini(&engine);
    json_decref(scenario);
}

Test(platform_conformance, every_registered_backend_keeps_the_contract)
{
    int with_containers = 0;
    for (size_t i = 0; i < hf_backend_count(); i++) {
        const struct hf_backend_type *type = hf_backend_at(i);
        if (type->drive)
            continue; /* live: the same script in a whole live run, tests/live/test_live_conformance.c */
        char report[4096];
        run_probe(type, type->name, report, sizeof report);
        cr_expect_str_empty(report, "backend %s broke the platform contract:\n%s", type->name, report);
        with_containers += (type->features & HF_PF_CONTAINERS) != 0;
    }
    cr_assert_geq(with_containers, 1, "no registered backend provides container views: the script's "
                                      "container half ran nowhere");
}

/* The template (an infinite server with the required ops only) is the fake: a backend built from
 * the guide must pass the same script. */
Test(platform_conformance, the_backend_template_keeps_the_contract)
{
    char report[4096];
    run_probe(&hf_backend_template, "station", report, sizeof report);
    cr_assert_str_empty(report, "the backend template broke the platform contract:\n%s", report);
}

/* The script itself must be able to fail: a backend whose timers fire 1 ns late and whose load
 * lies about replicas is caught. */
struct liar {
    struct hf_engine engine;
    struct hf_platform platform;
    struct conformance_probe probe;
};
static hf_time liar_now(void *b) { return hf_engine_now(&((struct liar *)b)->engine); }
static void liar_fired(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    struct liar *l = ctx;
    conformance_probe_type.on_timer(&l->probe, &l->platform, arg);
}
static hf_timer liar_timer(void *b, hf_time delay, uint64_t arg)
{
    return hf_engine_after(&((struct liar *)b)->engine, delay + 1, liar_fired, b, arg);
}
static bool liar_cancel(void *b, hf_timer t) { return hf_engine_cancel(&((struct liar *)b)->engine, t); }
static uint32_t liar_functions(void *b) { return (void)b, 1; }
static uint32_t liar_set(void *b, uint32_t f, uint32_t n) { return (void)b, (void)f, n; }
static void liar_load(void *b, uint32_t f, struct hf_function_load *out)
{
    (void)b, (void)f;
    *out = (struct hf_function_load){.replicas = 1, .ready = 1};
}

Test(platform_conformance, the_script_catches_a_backend_that_breaks_it)
{
    static const struct hf_platform_ops ops = {.now = liar_now, .timer_after = liar_timer,
                                               .timer_cancel = liar_cancel, .function_count = liar_functions,
                                               .set_replicas = liar_set, .load = liar_load};
    struct liar l = {.probe = {.exact_time = true}};
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&l.engine, 1, "heap4", &err));
    l.platform = (struct hf_platform){&ops, &l};
    conformance_probe_type.init(&l.probe, NULL, &l.platform, &err);
    hf_engine_run_until(&l.engine, hf_time_from_s(20));
    char report[4096];
    conformance_probe_report(&l.probe, report, sizeof report);
    cr_assert(strstr(report, "load reports 1 replicas, set_replicas returned 2"), "%s", report);
    cr_assert(strstr(report, "the 5 s timer fired +0.000000001 s off its time"), "%s", report);
    hf_engine_fini(&l.engine);
}
