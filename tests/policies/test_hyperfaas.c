/* HyperFaaS against a recording fake backend (which calls, in which order) and against the
 * simulated cluster (conservation, determinism, each phase's effect when the others are off). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "policies/registry.h"
#include "sim/results.h"

/* ---- the fake backend: two functions, containers described by hand, every call recorded ---- */

struct fake {
    hf_time now;
    struct hf_container_view containers[2][4];
    uint32_t count[2];
    struct hf_function_load load[2];
    char log[4096];
    hf_time timer_delay;
};

static void record(struct fake *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void record(struct fake *f, const char *fmt, ...)
{
    size_t used = strlen(f->log);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->log + used, sizeof f->log - used, fmt, ap);
    va_end(ap);
}

static hf_time f_now(void *b) { return ((struct fake *)b)->now; }
static hf_timer f_timer(void *b, hf_time delay, uint64_t arg)
{
    (void)arg;
    ((struct fake *)b)->timer_delay = delay;
    record(b, "timer(%lld) ", (long long)delay);
    return 1;
}
static bool f_cancel(void *b, hf_timer t) { (void)b; (void)t; return true; }
static uint32_t f_functions(void *b) { (void)b; return 2; }
static uint32_t f_set_replicas(void *b, uint32_t fn, uint32_t n)
{
    record(b, "set_replicas(%u,%u) ", fn, n);
    return n;
}
static void f_load(void *b, uint32_t fn, struct hf_function_load *out) { *out = ((struct fake *)b)->load[fn]; }
static uint32_t f_containers(void *b, uint32_t fn, struct hf_container_view *out, uint32_t cap)
{
    struct fake *f = b;
    for (uint32_t i = 0; i < f->count[fn] && i < cap; i++)
        out[i] = f->containers[fn][i];
    return f->count[fn];
}
static bool f_container(void *b, uint64_t id, struct hf_container_view *out)
{
    struct fake *f = b;
    for (int fn = 0; fn < 2; fn++)
        for (uint32_t i = 0; i < f->count[fn]; i++)
            if (f->containers[fn][i].id == id) {
                *out = f->containers[fn][i];
                return true;
            }
    return false;
}
static bool f_resize(void *b, uint64_t id, double cores)
{
    record(b, "resize(%llu,%.2f) ", (unsigned long long)id, cores);
    return true;
}
static bool f_specialize(void *b, uint64_t id, uint32_t fn)
{
    record(b, "specialize(%llu,%d) ", (unsigned long long)id, fn == HF_GENERIC ? -1 : (int)fn);
    return true;
}

static void f_retry(void *b, uint32_t fn)
{
    struct fake *f = b;
    if (f->load[fn].queued > 0)
        record(b, "retry(%u) ", fn);
}

static const struct hf_platform_ops fake_ops = {
    .features = HF_PF_ROUTING, /* the tests call on_request as a gateway would */
    .now = f_now, .timer_after = f_timer, .timer_cancel = f_cancel, .function_count = f_functions,
    .set_replicas = f_set_replicas, .load = f_load, .containers = f_containers, .container = f_container,
    .resize = f_resize, .specialize = f_specialize, .retry_queued = f_retry,
};

static struct hf_container_view view(uint64_t id, uint32_t fn, uint32_t in_flight)
{
    return (struct hf_container_view){.id = id, .function = fn, .ready = true, .cpu_limit = 1,
                                      .cpu_demand = in_flight < 1 ? in_flight : 1, .in_flight = in_flight,
                                      .concurrency = 8, .memory_used_mib = 128, .memory_limit_mib = 512,
                                      .node_cores_free = 3, .shared_function = HF_GENERIC};
}

static void *start_policy(struct fake *f, struct hf_platform *p, const char *params_text)
{
    const struct hf_policy_type *t = hf_policy_find("hyperfaas");
    cr_assert_not_null(t);
    struct hf_error err = {0};
    json_t *given = json_loads(params_text, 0, NULL);
    json_t *params = hf_schema_resolve(t->params, given, &err);
    cr_assert_not_null(params, "%s", err.message);
    void *state = calloc(1, t->state_size);
    *p = (struct hf_platform){&fake_ops, f};
    cr_assert(t->init(state, params, p, &err), "%s", err.message);
    json_decref(given);
    json_decref(params);
    return state;
}

Test(hyperfaas_fake, init_starts_initial_containers_and_the_report_timer)
{
    struct fake f = {0};
    struct hf_platform p;
    void *s = start_policy(&f, &p, "{\"initial_replicas\": 2, \"report_interval_ms\": 50}");
    cr_assert_str_eq(f.log, "set_replicas(0,2) set_replicas(1,2) timer(50000000) ");
    hf_policy_find("hyperfaas")->fini(s);
    free(s);
}

static void tick(struct fake *f, struct hf_platform *p, void *s, int ms_now)
{
    f->log[0] = '\0';
    f->now = hf_time_from_ms(ms_now);
    hf_policy_find("hyperfaas")->on_timer(s, p, 0);
}

Test(hyperfaas_fake, a_buffering_function_scales_up_then_shares_then_cold_starts)
{
    struct fake f = {0};
    struct hf_platform p;
    void *s = start_policy(&f, &p, "{\"persist_s\": 0.2}");
    /* Function 0: one container at its watermark (2 requests per core) and 20 requests buffered.
     * Function 1: two idle containers, whose generic workers can be shared. */
    f.containers[0][0] = view(10, 0, 2);
    f.count[0] = 1;
    f.containers[1][0] = view(20, 1, 0);
    f.containers[1][1] = view(21, 1, 0);
    f.count[1] = 2;
    f.load[0] = (struct hf_function_load){.replicas = 1, .ready = 1, .in_flight = 2, .queued = 20};
    f.load[1] = (struct hf_function_load){.replicas = 2, .ready = 2};
    /* One tick of buffering is not a burst yet: the GS only offers its buffer again. */
    tick(&f, &p, s, 100);
    cr_assert_str_eq(f.log, "retry(0) timer(100000000) ", "%s", f.log);
    /* Buffering for a whole interval: phase 1 doubles the busy container, and waits for it. */
    tick(&f, &p, s, 200);
    cr_assert_str_eq(f.log, "retry(0) resize(10,2.00) timer(100000000) ", "%s", f.log);
    /* Scaled up to its cap (4x) and still buffering: phase 2 specializes both idle generic workers
     * (20 queued / 8 per worker = 3 wanted, 2 available); overload began 100 ms ago, so no phase 3. */
    f.containers[0][0] = view(10, 0, 8);
    f.containers[0][0].cpu_limit = 4;
    tick(&f, &p, s, 300);
    cr_assert_str_eq(f.log, "retry(0) specialize(20,0) specialize(21,0) timer(100000000) ", "%s", f.log);
    /* Still buffering after `persist`, nothing left to share: phase 3 starts containers (3 batches
     * wanted, at most doubling: +1). */
    f.containers[1][0].shared_function = 0;
    f.containers[1][1].shared_function = 0;
    tick(&f, &p, s, 400);
    cr_assert_str_eq(f.log, "retry(0) set_replicas(0,2) timer(100000000) ", "%s", f.log);
    /* The burst is over: nothing but the timer (idle containers are kept for idle_after). */
    f.load[0].queued = 0;
    f.containers[0][0] = view(10, 0, 0);
    tick(&f, &p, s, 500);
    cr_assert_str_eq(f.log, "timer(100000000) ", "%s", f.log);
    hf_policy_find("hyperfaas")->fini(s);
    free(s);
}

Test(hyperfaas_fake, routing_prefers_the_least_pressed_container_the_ics_admits)
{
    struct fake f = {0};
    struct hf_platform p;
    void *s = start_policy(&f, &p, "{}");
    const struct hf_policy_type *t = hf_policy_find("hyperfaas");
    f.containers[0][0] = view(10, 0, 2); /* at the watermark: refuses */
    f.containers[0][1] = view(11, 0, 1);
    f.count[0] = 2;
    t->on_timer(s, &p, 0); /* the GS learns the containers */
    struct hf_request_view r = {.id = 1, .function = 0, .memory_mb = 16};
    struct hf_route route = t->on_request(s, &p, &r);
    cr_assert_eq(route.container, 11u);
    cr_assert_eq(route.bounces, 0u);
    /* The GS booked that request: 11 is now at 2 too, so the next one is buffered. */
    route = t->on_request(s, &p, &r);
    cr_assert_eq(route.container, HF_ROUTE_QUEUE);
    /* Stale knowledge: the GS thinks 10 has room, but live it is full: one bounce, then 11. */
    f.containers[0][0] = view(10, 0, 0);
    f.containers[0][1] = view(11, 0, 0);
    t->on_timer(s, &p, 0);
    f.containers[0][0] = view(10, 0, 2);
    route = t->on_request(s, &p, &r);
    cr_assert_eq(route.container, 11u);
    cr_assert_eq(route.bounces, 1u);
    cr_assert_eq(route.delay, hf_time_from_ms(2));
    t->fini(s);
    free(s);
}

/* ---- on the simulated cluster ---- */

static json_t *run(const char *scenario_path, const char *const *sets, size_t n, const char *out)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(scenario_path, sets, n, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_run_options opt = {.out_dir = out};
    struct hf_run_report rep;
    cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s", err.message);
    json_decref(s);
    char path[512];
    snprintf(path, sizeof path, "%s/summary.json", out);
    json_t *sum = json_load_file(path, 0, NULL);
    cr_assert_not_null(sum);
    return sum;
}

static long long count(const json_t *sum, const char *key) { return json_integer_value(json_object_get(sum, key)); }

#define FIGURE1 HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json"

Test(hyperfaas_sim, figure1_burst_absorbed_deterministically_and_every_phase_matters, .timeout = 120)
{
    char dir[] = "/tmp/hfsim-test-hyperfaas-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    const char *all[] = {"policy=\"hyperfaas\"", "seed=3"};
    json_t *s1 = run(FIGURE1, all, 2, a);
    json_t *s2 = run(FIGURE1, all, 2, b);
    cr_assert(json_equal(s1, s2), "same seed, same summary");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(json_object_get(s1, "requests"), "failed"),
                                                     "total")), 0);
    double p99 = json_number_value(json_object_get(json_object_get(s1, "latency_ms"), "p99"));
    cr_assert_lt(p99, 1000, "hyperfaas p99 %.0f ms: the burst is absorbed", p99);
    cr_assert_gt(count(s1, "resizes"), 0);

    /* Without phase 1 the burst is absorbed by sharing and cold starts: more cold starts. */
    char c[300];
    snprintf(c, sizeof c, "%s/c", dir);
    const char *no1[] = {"policy=\"hyperfaas\"", "seed=3", "hyperfaas.phase1=false"};
    json_t *s3 = run(FIGURE1, no1, 3, c);
    cr_assert_eq(count(s3, "resizes"), 0);
    cr_assert_gt(count(s3, "cold_starts"), count(s1, "cold_starts"));

    /* Without phase 3 nothing but the initial container is ever started. */
    char d[300];
    snprintf(d, sizeof d, "%s/d", dir);
    const char *no3[] = {"policy=\"hyperfaas\"", "seed=3", "hyperfaas.phase3=false"};
    json_t *s4 = run(FIGURE1, no3, 3, d);
    cr_assert_eq(count(s4, "cold_starts"), 1);
    json_decref(s1);
    json_decref(s2);
    json_decref(s3);
    json_decref(s4);
    hf_remove_tree(dir);
}

Test(hyperfaas_sim, sharing_serves_a_burst_on_other_functions_containers, .timeout = 120)
{
    char dir[] = "/tmp/hfsim-test-hyperfaas2-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char a[300], b[300];
    snprintf(a, sizeof a, "%s/a", dir);
    snprintf(b, sizeof b, "%s/b", dir);
    /* Eight functions with a container each, lightly used; a burst over all of them (the workload
     * spreads arrivals uniformly) with no phase 1 and no phase 3: only sharing adds capacity. */
    const char *sets[] = {"policy=\"hyperfaas\"", "workload.functions=8", "hyperfaas.phase1=false",
                          "hyperfaas.phase3=false", "hyperfaas.initial_replicas=1", "duration_s=120",
                          "workload.rate_per_s=20", "workload.bursts=[{\"start_s\": 60, \"duration_s\": 30,"
                          " \"rate_per_s\": 60}]"};
    json_t *with = run(FIGURE1, sets, sizeof sets / sizeof sets[0], a);
    const char *unshared[] = {"policy=\"hyperfaas\"", "workload.functions=8", "hyperfaas.phase1=false",
                              "hyperfaas.phase3=false", "hyperfaas.initial_replicas=1", "duration_s=120",
                              "workload.rate_per_s=20", "workload.bursts=[{\"start_s\": 60, \"duration_s\": 30,"
                              " \"rate_per_s\": 60}]", "hyperfaas.sharing=false"};
    json_t *without = run(FIGURE1, unshared, sizeof unshared / sizeof unshared[0], b);
    cr_assert_gt(count(with, "specializations"), 0);
    cr_assert_eq(count(without, "specializations"), 0);
    double p99_with = json_number_value(json_object_get(json_object_get(with, "latency_ms"), "p99"));
    double p99_without = json_number_value(json_object_get(json_object_get(without, "latency_ms"), "p99"));
    cr_assert_lt(p99_with, p99_without, "sharing p99 %.0f ms vs %.0f ms without", p99_with, p99_without);
    json_decref(with);
    json_decref(without);
    hf_remove_tree(dir);
}

/* Cumulative action counters at the row stamped `t_s` of timeseries.csv: cold starts, resizes,
 * specializations (columns 14-16). */
static void counters_at(const char *dir, int t_s, long long out[3])
{
    char path[512];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[1024];
    bool found = false;
    while (fgets(line, sizeof line, f)) {
        if (atoi(line) != t_s)
            continue;
        char *field = line;
        for (int col = 0; col < 17 && field; col++) {
            if (col >= 14)
                out[col - 14] = atoll(field);
            field = strchr(field, ',');
            field = field ? field + 1 : NULL;
        }
        found = true;
        break;
    }
    fclose(f);
    cr_assert(found, "no row at %d s", t_s);
}

Test(hyperfaas_sim, figure2_each_burst_reaches_exactly_its_phase, .timeout = 120)
{
    char dir[] = "/tmp/hfsim-test-figure2-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    const char *files[] = {HFSIM_SOURCE_DIR "/scenarios/figure2-phase1.json",
                           HFSIM_SOURCE_DIR "/scenarios/figure2-phase2.json",
                           HFSIM_SOURCE_DIR "/scenarios/figure2-phase3.json"};
    for (int n = 0; n < 3; n++) {
        char out[300];
        snprintf(out, sizeof out, "%s/p%d", dir, n + 1);
        json_t *sum = run(files[n], NULL, 0, out);
        long long before[3], after[3];
        counters_at(out, 59, before);
        counters_at(out, 230, after);
        long long cold = after[0] - before[0], resizes = after[1] - before[1], shared = after[2] - before[2];
        cr_assert_gt(resizes, 0, "phase %d: the burst is met by scale-up first", n + 1);
        if (n == 0)
            cr_assert(shared == 0 && cold == 0, "phase 1 alone: shared %lld, cold %lld", shared, cold);
        if (n == 1)
            cr_assert(shared > 0 && cold == 0, "phase 2: shared %lld, cold %lld", shared, cold);
        if (n == 2)
            cr_assert(shared > 0 && cold > 0, "phase 3: shared %lld, cold %lld", shared, cold);
        json_t *req = json_object_get(sum, "requests");
        cr_assert_eq(json_integer_value(json_object_get(json_object_get(req, "failed"), "total")), 0);
        cr_assert(json_is_number(json_object_get(json_object_get(sum, "burst"), "time_to_stabilize_s")));
        json_decref(sum);
    }
    hf_remove_tree(dir);
}

/* Runs the overrides on the cluster in a temporary directory; asserts every request completed and
 * returns the summary (the caller frees it). */
static json_t *run_all_complete(const char *const *sets, size_t n)
{
    char dir[] = "/tmp/hfsim-test-hf-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/run", dir);
    json_t *sum = run(NULL, sets, n, out);
    const json_t *req = json_object_get(sum, "requests");
    cr_assert_gt(json_integer_value(json_object_get(req, "arrived")), 0);
    cr_assert_eq(json_integer_value(json_object_get(req, "completed")),
                 json_integer_value(json_object_get(req, "arrived")), "every request completed");
    hf_remove_tree(dir);
    return sum;
}

/* Regression (found by running the live-mode scenario in the simulator): with a small concurrency,
 * a container whose own worker and specialized second worker are both full holds twice
 * `concurrency` requests; its slot arrays held only `concurrency` and the next dispatch wrote out
 * of bounds. */
Test(hyperfaas_sim, both_workers_full_on_one_container, .timeout = 60)
{
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"hyperfaas\"", "duration_s=16", "drain_s=30", "gateway.timeout_s=30",
        "function={\"cpu_limit\": 1, \"cpu_request\": 0.5, \"memory_mib\": 128, \"base_memory_mib\": 16, "
        "\"concurrency\": 2, \"specialize_ms\": 50}",
        "workload.functions=2", "workload.rate_per_s=4", "workload.memory_mb=4", "workload.arrival=\"poisson\"",
        "workload.bursts=[{\"start_s\": 5, \"duration_s\": 6, \"rate_per_s\": 20, \"function\": 0}]",
        "workload.service={\"dist\": \"constant\", \"mean_ms\": 100}",
    };
    json_t *sum = run_all_complete(sets, sizeof sets / sizeof sets[0]);
    cr_assert_geq(count(sum, "specializations"), 1, "the burst is shared onto the other function's container");
    json_decref(sum);
}

/* A container whose base memory alone is above the memory watermark still takes a request when
 * idle (as it does above the CPU watermark): refusing, it left every request of its function in
 * the GS's buffer until it timed out. Busy, the watermark holds. */
Test(hyperfaas_fake, an_idle_container_above_the_memory_watermark_takes_one_request)
{
    struct fake f = {0};
    struct hf_platform p;
    void *s = start_policy(&f, &p, "{}");
    const struct hf_policy_type *t = hf_policy_find("hyperfaas");
    f.containers[0][0] = view(10, 0, 0);
    f.containers[0][0].memory_used_mib = 144; /* 144 + 32 > 0.9 x 176 */
    f.containers[0][0].memory_limit_mib = 176;
    f.count[0] = 1;
    t->on_timer(s, &p, 0);
    struct hf_request_view r = {.id = 1, .function = 0, .memory_mb = 32};
    struct hf_route route = t->on_request(s, &p, &r);
    cr_assert_eq(route.container, 10u, "idle, it admits");
    f.containers[0][0].in_flight = 1; /* busy now: over the watermark, the next one waits */
    f.containers[0][0].memory_used_mib = 176;
    t->on_timer(s, &p, 0);
    route = t->on_request(s, &p, &r);
    cr_assert_eq(route.container, HF_ROUTE_QUEUE);
    t->fini(s);
    free(s);
}

/* The same on the cluster, end to end: containers with 32 MiB of room over a 144 MiB base, under
 * the 0.9 watermark. Every request completed (before: none did; each timed out in the buffer while
 * the scaler specialized containers hundreds of thousands of times). */
Test(hyperfaas_sim, containers_whose_base_memory_tops_the_watermark_still_serve, .timeout = 60)
{
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"hyperfaas\"", "duration_s=30", "drain_s=30", "gateway.timeout_s=20",
        "function={\"cpu_limit\": 1, \"cpu_request\": 0.5, \"memory_mib\": 176, \"base_memory_mib\": 144, "
        "\"concurrency\": 1}",
        "workload.functions=3", "workload.rate_per_s=6", "workload.memory_mb=32", "workload.arrival=\"poisson\"",
        "workload.bursts=[]", "workload.service={\"dist\": \"constant\", \"mean_ms\": 100}",
    };
    json_t *sum = run_all_complete(sets, sizeof sets / sizeof sets[0]);
    cr_assert_lt(count(sum, "specializations"), 1000);
    json_decref(sum);
}
