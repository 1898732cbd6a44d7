/* TEMPLATE: a new simulated backend (docs/architecture.md, "Guide: a new backend"). The build
 * compiles this file (target hfsim_templates) but registers nothing: copy it to models/NAME/, give
 * the model its own files, add one line to app/backends.c, and the scenario's "model": "NAME" picks
 * it; its sections appear in `hfsim schema`. It may include sim/ only (the build refuses more).
 *
 * This one is the smallest model that keeps the contract (sim/backend.h): an infinite server, every
 * request runs alone for its work and completes. Policies see its replicas but cannot change
 * latency. Every request that arrives ends completed or failed (fail_all at the run's end). */
#include <stdlib.h>

#include "sim/backend.h"
#include "sim/policy_host.h"

struct infinite {
    struct hf_engine *engine;
    struct hf_platform platform;
    struct hf_model_stats stats;
    uint32_t functions, replicas;
    hf_time extra;  /* infinite.extra_ms: added to every request's latency */
    bool closed; /* fail_all ran: nothing completes after the run's end */
    struct hf_policy_host host; /* the policy, its timers and callbacks (sim/policy_host.h) */
};

static const struct hf_field infinite_fields[] = {
    {"extra_ms", HF_T_NUMBER, "ms", "Latency added to every request.", "0", HF_F_MIN, 0, 0, NULL, NULL},
    {0},
};
static const struct hf_field sections[] = {
    {"infinite", HF_T_OBJECT, "", "The infinite-server template model.", NULL, 0, 0, 0, NULL, infinite_fields},
    {0},
};
static const char *const reads[] = {"infinite", NULL};

static void on_done(struct hf_engine *engine, void *ctx, uint64_t latency)
{
    (void)engine;
    struct infinite *m = ctx;
    if (m->closed)
        return;
    hf_ledger_complete(&m->stats.ledger);
    hf_histogram_add(&m->stats.latency, latency);
    hf_histogram_add(&m->stats.interval_latency, latency);
    m->stats.interval_completed++;
    m->stats.bin_completed++;
    m->stats.bin_latency_ns += latency;
}

static void arrive(void *model, const struct hf_invocation *inv)
{
    struct infinite *m = model;
    hf_ledger_arrive(&m->stats.ledger);
    m->stats.interval_arrived++;
    hf_time latency = hf_time_add(inv->work > 0 ? inv->work : 0, m->extra);
    hf_engine_after(m->engine, latency, on_done, m, (uint64_t)latency); /* a failure fails the run */
}

/* Platform ops: the required ones only (features 0). */
static hf_time p_now(void *b) { return hf_engine_now(((struct infinite *)b)->engine); }
static hf_timer p_timer_after(void *b, hf_time delay, uint64_t arg)
{
    return hf_policy_host_timer_after(&((struct infinite *)b)->host, delay, arg);
}
static bool p_timer_cancel(void *b, hf_timer t) { return hf_policy_host_timer_cancel(&((struct infinite *)b)->host, t); }
static uint32_t p_function_count(void *b) { return ((struct infinite *)b)->functions; }
static uint32_t p_set_replicas(void *b, uint32_t function, uint32_t n)
{
    (void)function;
    return ((struct infinite *)b)->replicas = n;
}
static void p_load(void *b, uint32_t function, struct hf_function_load *out)
{
    (void)function;
    struct infinite *m = b;
    *out = (struct hf_function_load){.replicas = m->replicas, .ready = m->replicas,
                                     .in_flight = (uint32_t)hf_ledger_in_flight(&m->stats.ledger)};
}
static const struct hf_platform_ops ops = {
    .now = p_now, .timer_after = p_timer_after, .timer_cancel = p_timer_cancel,
    .function_count = p_function_count, .set_replicas = p_set_replicas, .load = p_load,
};

static void *create(struct hf_engine *engine, const json_t *scenario, struct hf_error *err)
{
    struct infinite *m = calloc(1, sizeof *m);
    if (!m || !hf_histogram_create(&m->stats.latency) || !hf_histogram_create(&m->stats.interval_latency)) {
        if (m) {
            hf_histogram_destroy(&m->stats.latency);
            free(m);
        }
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the model");
        return NULL;
    }
    m->engine = engine;
    m->functions = (uint32_t)hf_json_int_at(scenario, "workload.functions");
    m->extra = hf_time_from_ms(hf_json_number_at(scenario, "infinite.extra_ms"));
    m->platform = (struct hf_platform){&ops, m};
    hf_policy_host_init(&m->host, engine, &m->platform);
    return m;
}

static void destroy(void *impl)
{
    struct infinite *m = impl;
    hf_histogram_destroy(&m->stats.latency);
    hf_histogram_destroy(&m->stats.interval_latency);
    free(m);
}
static struct hf_platform *platform(void *impl) { return &((struct infinite *)impl)->platform; }
static struct hf_model_stats *stats(void *impl) { return &((struct infinite *)impl)->stats; }
static void attach(void *impl, const struct hf_policy_type *policy, void *state)
{
    hf_policy_host_attach(&((struct infinite *)impl)->host, policy, state);
}
/* account only reads (sampling must never change a result): gauges from the current state. */
static void account(void *impl)
{
    struct infinite *m = impl;
    m->stats.replicas = m->stats.ready = m->replicas;
    m->stats.busy = (uint32_t)hf_ledger_in_flight(&m->stats.ledger);
}
static void fail_all(void *impl, enum hf_fail_reason reason)
{
    struct infinite *m = impl;
    while (hf_ledger_in_flight(&m->stats.ledger) > 0)
        hf_ledger_fail(&m->stats.ledger, reason);
    m->closed = true;
}

const struct hf_backend_type hf_backend_template = {
    .name = "infinite",
    .summary = "an infinite server: the starting point for a new backend",
    .features = 0,
    .sections = sections,
    .reads = reads,
    .create = create,
    .destroy = destroy,
    .platform = platform,
    .stats = stats,
    .arrive = arrive,
    .attach_policy = attach,
    .account = account,
    .fail_all = fail_all,
};
