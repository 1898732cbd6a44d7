#include "app/bench.h"

#include <gsl/gsl_randist.h>
#include <stdlib.h>
#include <sys/resource.h>

#include <stdio.h>
#include <string.h>

#include "app/bench_plain_heap.h"
#include "app/run.h"
#include "app/scenario.h"
#include "models/station/station.h"
#include "sim/engine.h"
#include "sim/results.h"
#include "sim/rng.h"
#include "sim/wallclock.h"
#include "traces/generator.h"
#include "traces/synthetic.h"

#define INCREMENTS 4096 /* power of two: index with a mask */

static void noop(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)engine;
    (void)ctx;
    (void)arg;
}

bool hf_bench_hold(const char *queue_kind, uint64_t pending, uint64_t holds, struct hf_bench_hold *out,
                   struct hf_bench_hold *plain)
{
    struct hf_event_queue q;
    if (!hf_event_queue_create(&q, queue_kind, pending))
        return false;
    gsl_rng *rng = hf_rng_stream(1, "bench-hold");
    hf_time *inc = malloc(INCREMENTS * sizeof *inc);
    if (!rng || !inc) {
        gsl_rng_free(rng);
        free(inc);
        hf_event_queue_destroy(&q);
        return false;
    }
    for (int i = 0; i < INCREMENTS; i++)
        inc[i] = 1 + (hf_time)gsl_ran_exponential(rng, (double)pending);
    struct hf_event ev = {0, noop, NULL, 0};
    for (uint64_t i = 0; i < pending; i++) {
        ev.time = inc[i & (INCREMENTS - 1)] * (hf_time)(i % 7 + 1);
        hf_eq_push(&q, &ev);
    }
    /* Warm-up: let the key distribution settle before timing. */
    uint64_t warm = pending < 1000000 ? pending : 1000000;
    for (uint64_t i = 0; i < warm; i++) {
        hf_eq_pop_min(&q, &ev);
        ev.time += inc[(i * 7) & (INCREMENTS - 1)];
        hf_eq_push(&q, &ev);
    }
    double start = hf_wall_seconds();
    for (uint64_t i = 0; i < holds; i++) {
        hf_eq_pop_min(&q, &ev);
        ev.time += inc[i & (INCREMENTS - 1)];
        hf_eq_push(&q, &ev);
    }
    out->seconds = hf_wall_seconds() - start;
    out->holds_per_s = out->seconds > 0 ? (double)holds / out->seconds : 0;
    hf_event_queue_destroy(&q);
    /* The plain heap on the same increments, right after, on the same core. */
    bool ok = !plain || hf_bench_plain_hold(pending, holds, inc, INCREMENTS, plain);
    gsl_rng_free(rng);
    free(inc);
    return ok;
}

bool hf_bench_engine(const char *queue_kind, uint64_t invocations, struct hf_bench_engine *out)
{
    const double rate = 100000, service_ms = 10;
    json_t *workload = json_pack("{s:s, s:f, s:[], s:{s:s, s:f, s:f}, s:i}", "arrival", "poisson",
                                 "rate_per_s", rate, "bursts", "service", "dist", "constant",
                                 "mean_ms", service_ms, "cv", 0.0, "memory_mb", 128);
    struct hf_engine engine;
    struct hf_station station;
    struct hf_synthetic source;
    struct hf_error err;
    hf_time end = hf_time_from_s((double)invocations / rate);
    struct hf_station_config config = {.servers = 10000, .queue_capacity = 1000000,
                                       .timeout = HF_TIME_NEVER};
    bool ok = workload && hf_engine_init(&engine, 1, queue_kind, &err);
    if (!ok) {
        json_decref(workload);
        return false;
    }
    ok = hf_station_create(&station, &engine, &config);
    if (ok) {
        station.platform.ops->set_replicas(station.platform.backend, 0, config.servers);
        ok = hf_synthetic_create(&source, workload, end, &engine, hf_station_arrive, &station);
        if (ok) {
            hf_engine_set_source(&engine, &source.source);
            double start = hf_wall_seconds();
            hf_engine_run_until(&engine, HF_TIME_NEVER);
            out->seconds = hf_wall_seconds() - start;
            out->invocations = station.stats.ledger.arrived;
            ok = station.stats.ledger.completed == station.stats.ledger.arrived;
            out->invocations_per_s = (double)out->invocations / out->seconds;
            out->events_per_s = (double)hf_engine_events(&engine) / out->seconds;
            hf_synthetic_destroy(&source);
        }
        hf_station_destroy(&station);
    }
    hf_engine_fini(&engine);
    json_decref(workload);
    return ok;
}

bool hf_bench_cluster(const char *queue_kind, uint64_t invocations, struct hf_bench_engine *out)
{
    const double rate = 100000;
    char duration[64], queue[64];
    snprintf(duration, sizeof duration, "duration_s=%.6f", (double)invocations / rate);
    snprintf(queue, sizeof queue, "engine.queue=\"%s\"", queue_kind);
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"hpa\"", duration, queue, "drain_s=10",
        "workload.functions=1000", "workload.rate_per_s=100000", "workload.bursts=[]",
        "workload.service.mean_ms=10", "workload.service.cv=1", "workload.memory_mb=16",
        "cluster.instance_type=\"m5.8xlarge\"", "cluster.vms=70",
        "function.cpu_limit=1", "function.cpu_request=1", "function.concurrency=8",
        "hpa.min_replicas=2", "hpa.initial_replicas=2", "hpa.max_replicas=4", "hpa.target_utilization=60",
        "function.image_mib=10",
        "hpa.metric_resolution_s=15", "outputs.interval_s=10",
    };
    struct hf_error err = {0};
    json_t *scenario = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    char dir[] = "/tmp/hfsim-bench-XXXXXX";
    if (!scenario || !mkdtemp(dir)) {
        json_decref(scenario);
        return false;
    }
    char results[64];
    snprintf(results, sizeof results, "%s/run", dir);
    struct hf_run_options options = {.out_dir = results, .progress = false};
    struct hf_run_report report;
    bool ok = hf_run_scenario(scenario, &options, &report, &err);
    if (ok) {
        out->seconds = report.wall_s;
        out->invocations = report.arrived;
        out->invocations_per_s = (double)report.arrived / report.wall_s;
        out->events_per_s = (double)report.events / report.wall_s;
    } else {
        fprintf(stderr, "hfsim: bench: cluster run failed: %s\n", err.message);
    }
    hf_remove_tree(dir);
    json_decref(scenario);
    return ok;
}

bool hf_bench_trace(const char *queue_kind, uint32_t functions, uint32_t minutes, double invocations,
                    struct hf_bench_engine *out, double *peak_rss_mib)
{
    char dir[] = "/tmp/hfsim-bench-trace-XXXXXX";
    if (!mkdtemp(dir))
        return false;
    struct hf_trace_gen_options g;
    hf_trace_gen_default_options(&g);
    g.functions = functions;
    g.minutes = minutes;
    g.invocations = invocations;
    g.out_dir = dir;
    char *path = NULL;
    struct hf_error err = {0};
    bool ok = hf_trace_generate(&g, &path, NULL, &err);
    char queue[64], trace_path[512];
    snprintf(queue, sizeof queue, "engine.queue=\"%s\"", queue_kind);
    snprintf(trace_path, sizeof trace_path, "trace.path=\"%s\"", ok ? path : "");
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"keepalive\"", queue, "drain_s=900", "trace.format=\"azure2019\"",
        trace_path, "cluster.instance_type=\"m5.8xlarge\"", "cluster.vms=1500", "cluster.placement=\"spread\"",
        "cluster.registry_mib_per_s=1000", "function.cpu_limit=1", "function.cpu_request=1",
        "function.memory_mib=2048", "function.base_memory_mib=64", "function.concurrency=1",
        "function.image_mib=100", "gateway.routing=\"warm-first\"", "gateway.queue_capacity=10000000",
        "gateway.timeout_s=600", "outputs.interval_s=60", "keepalive.keep_alive_s=600",
    };
    json_t *scenario = ok ? hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err) : NULL;
    ok = scenario != NULL;
    char results[128];
    snprintf(results, sizeof results, "%s/run", dir);
    struct hf_run_options options = {.out_dir = results, .progress = false};
    struct hf_run_report report;
    ok = ok && hf_run_scenario(scenario, &options, &report, &err);
    if (ok) {
        out->seconds = report.wall_s;
        out->invocations = report.arrived;
        out->invocations_per_s = (double)report.arrived / report.wall_s;
        out->events_per_s = (double)report.events / report.wall_s;
        struct rusage ru;
        getrusage(RUSAGE_SELF, &ru);
        *peak_rss_mib = (double)ru.ru_maxrss / 1024.0;
    } else {
        fprintf(stderr, "hfsim: bench: trace replay failed: %s\n", err.message);
    }
    free(path);
    hf_remove_tree(dir);
    json_decref(scenario);
    return ok;
}
