/* hpa against a recording fake backend: which platform calls it makes, in which order, and what
 * it decides from the pods and metrics it is shown (no cluster model involved). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/registry.h"

#define MAX_PODS 16

struct fake {
    hf_time now;
    uint32_t replicas;
    struct hf_pod_view pods[MAX_PODS];
    uint32_t pod_count;
    char log[2048]; /* one token per call, space separated */
};

static void record(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record(struct fake *f, const char *fmt, ...)
{
    size_t used = strlen(f->log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->log + used, sizeof f->log - used, fmt, ap);
    va_end(ap);
    used = strlen(f->log);
    if (used + 1 < sizeof f->log)
        strcat(f->log, " ");
}

static hf_time f_now(void *b) { return ((struct fake *)b)->now; }
static hf_timer f_timer(void *b, hf_time d, uint64_t a)
{
    record(b, "timer(%g,%llu)", hf_time_to_s(d), (unsigned long long)a);
    return 1;
}
static bool f_cancel(void *b, hf_timer t)
{
    (void)t;
    record(b, "cancel");
    return true;
}
static uint32_t f_functions(void *b) { (void)b; return 1; }
static uint32_t f_set(void *b, uint32_t fn, uint32_t n)
{
    struct fake *f = b;
    record(f, "set(%u,%u)", fn, n);
    f->replicas = n;
    return n;
}
static void f_load(void *b, uint32_t fn, struct hf_function_load *out)
{
    struct fake *f = b;
    record(f, "load(%u)", fn);
    *out = (struct hf_function_load){.replicas = f->replicas, .ready = f->replicas};
}
static uint32_t f_pods(void *b, uint32_t fn, struct hf_pod_view *out, uint32_t cap)
{
    struct fake *f = b;
    record(f, "pods(%u)", fn);
    for (uint32_t i = 0; i < f->pod_count && i < cap; i++)
        out[i] = f->pods[i];
    return f->pod_count;
}
static void f_resolution(void *b, hf_time r) { record(b, "resolution(%g)", hf_time_to_s(r)); }

static const struct hf_platform_ops ops = {.now = f_now, .timer_after = f_timer, .timer_cancel = f_cancel,
                                           .function_count = f_functions, .set_replicas = f_set,
                                           .load = f_load, .pods = f_pods,
                                           .set_metric_resolution = f_resolution};

/* Long-running ready pods with a fresh metric at `usage_milli` of a 500 m request. */
static void set_pods(struct fake *f, uint32_t n, double usage_milli)
{
    f->pod_count = n;
    for (uint32_t i = 0; i < n; i++)
        f->pods[i] = (struct hf_pod_view){
            .scheduled = true, .running = true, .ready = true, .start_time = 0, .ready_change = 0,
            .cpu_request_milli = 500, .has_metric = true, .cpu_usage_milli = usage_milli,
            .metric_time = f->now - hf_time_from_s(5), .metric_window = hf_time_from_s(30)};
}

static void *start(const char *name, struct fake *f, struct hf_platform *p, const struct hf_policy_type **t,
                   json_t **params)
{
    *t = hf_policy_find(name);
    cr_assert_not_null(*t);
    struct hf_error err = {0};
    json_t *given = json_object();
    *params = hf_schema_resolve((*t)->params, given, &err);
    json_decref(given);
    cr_assert_not_null(*params, "%s", err.message);
    void *s = calloc(1, (*t)->state_size);
    p->ops = &ops;
    p->backend = f;
    cr_assert((*t)->init(s, *params, p, &err), "%s", err.message);
    return s;
}

Test(hpa_fake, init_sets_resolution_then_replicas_then_arms_the_sync_timer)
{
    struct fake f = {0};
    struct hf_platform p;
    const struct hf_policy_type *t;
    json_t *params;
    void *s = start("hpa", &f, &p, &t, &params);
    cr_assert_str_eq(f.log, "resolution(60) set(0,1) timer(15,0) ");
    t->fini(s);
    free(s);
    json_decref(params);

    struct fake g = {0};
    s = start("hpa-tuned", &g, &p, &t, &params);
    cr_assert_str_eq(g.log, "resolution(15) set(0,1) timer(5,0) ");
    t->fini(s);
    free(s);
    json_decref(params);
}

Test(hpa_fake, sync_reads_load_then_pods_scales_by_utilization_and_rearms)
{
    struct fake f = {0};
    struct hf_platform p;
    const struct hf_policy_type *t;
    json_t *params;
    void *s = start("hpa", &f, &p, &t, &params);
    f.log[0] = '\0';
    /* 2 pods at 100 % of their request, target 50 %: ratio 2.0 -> 4 pods (within max(2x, 4)). */
    f.now = hf_time_from_s(400);
    f.replicas = 2;
    set_pods(&f, 2, 500);
    t->on_timer(s, &p, 0);
    /* The first sync asks for the pod count with no buffer, grows it, and asks again. */
    cr_assert_str_eq(f.log, "load(0) pods(0) pods(0) set(0,4) timer(15,0) ");

    /* Within tolerance (4 pods at 52 %): no set call at all. */
    f.log[0] = '\0';
    f.now += hf_time_from_s(15);
    set_pods(&f, 4, 260);
    t->on_timer(s, &p, 0);
    cr_assert_str_eq(f.log, "load(0) pods(0) timer(15,0) ");

    /* Load falls to 10 %: the 300 s downscale stabilization holds the highest recent proposal. */
    f.log[0] = '\0';
    f.now += hf_time_from_s(15);
    set_pods(&f, 4, 50);
    t->on_timer(s, &p, 0);
    cr_assert_str_eq(f.log, "load(0) pods(0) timer(15,0) ");

    /* Once every higher proposal is older than the window, it scales down to ceil(4 * 0.2) = 1. */
    for (int i = 0; i < 20; i++) {
        f.now += hf_time_from_s(15);
        set_pods(&f, f.replicas, 50);
        f.log[0] = '\0';
        t->on_timer(s, &p, 0);
    }
    cr_assert_eq(f.replicas, 1u, "got %u", f.replicas);
    t->fini(s);
    free(s);
    json_decref(params);
}

Test(hpa_fake, default_scale_up_is_limited_to_double_or_four_per_sync)
{
    struct fake f = {0};
    struct hf_platform p;
    const struct hf_policy_type *t;
    json_t *params;
    void *s = start("hpa", &f, &p, &t, &params);
    f.now = hf_time_from_s(400);
    f.replicas = 5;
    set_pods(&f, 5, 2000); /* 400 % of request: the calculator wants 40, capped at 20 (max) then 10 */
    f.log[0] = '\0';
    t->on_timer(s, &p, 0);
    cr_assert_str_eq(f.log, "load(0) pods(0) pods(0) set(0,10) timer(15,0) ");
    t->fini(s);
    free(s);
    json_decref(params);
}

Test(hpa_fake, a_model_without_pods_is_refused_with_a_clear_error)
{
    const struct hf_policy_type *t = hf_policy_find("hpa");
    struct hf_platform_ops no_pods = ops;
    no_pods.pods = NULL;
    struct fake f = {0};
    struct hf_platform p = {&no_pods, &f};
    struct hf_error err = {0};
    json_t *given = json_object();
    json_t *params = hf_schema_resolve(t->params, given, &err);
    json_decref(given);
    void *s = calloc(1, t->state_size);
    cr_assert_not(t->init(s, params, &p, &err));
    cr_assert_not_null(strstr(err.message, "\"model\": \"cluster\""), "%s", err.message);
    t->fini(s);
    free(s);
    json_decref(params);
}
