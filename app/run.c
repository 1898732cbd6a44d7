#include "app/run.h"

#include "app/backends.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app/progress.h"
#include "app/scenario_fit.h"
#include "policies/registry.h"
#include "sim/engine.h"
#include "sim/interrupt.h"
#include "sim/recorder.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "sim/wallclock.h"
#include "traces/synthetic.h"
#include "traces/trace.h"
#include "traces/trace_scenario.h"
#include "version.h"


struct run {
    struct hf_engine engine;
    const struct hf_backend_type *backend;
    void *backend_impl;
    struct hf_model_stats *stats; /* the backend's */
    struct hf_synthetic workload;
    struct hf_trace *trace;              /* replaces the synthetic workload when set */
    struct hf_results results;
    struct hf_recorder recorder; /* timeseries.csv, stabilization bins, summary.json, latency_cdf.csv */
    bool recorder_ready;
    struct hf_progress progress;
    FILE *series_file, *requests_file;
    const struct hf_policy_type *policy;
    void *policy_state;
    hf_time interval, duration, drain_end;
    int interrupted; /* SIGINT or SIGTERM arrived: the run stopped early */
};

static void on_sample(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct run *r = ctx;
    r->backend->account(r->backend_impl);
    hf_recorder_sample(&r->recorder, hf_engine_now(engine), r->stats);
    if (hf_engine_now(engine) + r->interval <= r->drain_end)
        hf_engine_after(engine, r->interval, on_sample, r, 0);
}

/* functions.csv, and the per-app cold-start distribution for the summary (NULL: none or failed). */
static bool write_functions(struct run *r, json_t **apps, struct hf_error *err)
{
    *apps = NULL;
    if (!r->backend->function_counts)
        return true;
    struct hf_platform *platform = r->backend->platform(r->backend_impl);
    uint32_t n = hf_platform_function_count(platform);
    struct hf_function_counts *counts = malloc((n ? n : 1) * sizeof *counts);
    if (!counts)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t f = 0; f < n; f++)
        r->backend->function_counts(r->backend_impl, f, &counts[f]);
    struct hf_function_names names = r->trace ? hf_trace_function_names(r->trace) : (struct hf_function_names){0};
    *apps = hf_function_stats_write(&r->results, counts, n, r->trace ? &names : NULL, err);
    free(counts);
    return *apps != NULL;
}

static json_t *summary_json(const json_t *scenario, struct run *r)
{
    r->backend->account(r->backend_impl);
    json_t *trace = r->trace ? hf_trace_report_json(r->trace, hf_json_number_at(scenario, "trace.check_tolerance"))
                             : NULL;
    double price = r->backend->vm_price_per_hour ? r->backend->vm_price_per_hour(r->backend_impl) : -1;
    return hf_recorder_summary(&r->recorder, scenario, r->stats, r->backend->name, hf_engine_now(&r->engine), trace,
                               price);
}

static json_t *perf_json(const struct run *r, double wall)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    json_t *perf = json_object();
    json_object_set_new(perf, "hfsim_version", json_string(HF_VERSION));
    json_object_set_new(perf, "wall_s", json_real(wall));
    json_object_set_new(perf, "events", json_integer((json_int_t)hf_engine_events(&r->engine)));
    json_object_set_new(perf, "events_per_s",
                        json_real(wall > 0 ? (double)hf_engine_events(&r->engine) / wall : 0));
    json_object_set_new(perf, "invocations_per_s",
                        json_real(wall > 0 ? (double)r->stats->ledger.arrived / wall : 0));
    json_object_set_new(perf, "peak_rss_mib", json_real((double)ru.ru_maxrss / 1024.0));
    return perf;
}

static json_t *config_json(const json_t *scenario)
{
    json_t *config = json_deep_copy(scenario);
    json_object_set_new(config, "hfsim_version", json_string(HF_VERSION));
    return config;
}

static bool create_model(struct run *r, const json_t *scenario, struct hf_error *err)
{
    const char *model = hf_json_string_at(scenario, "model");
    r->backend = hf_backend_find(model);
    if (!r->backend)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "model \"%s\": no such backend", model);
    r->backend_impl = r->backend->create(&r->engine, scenario, err);
    if (!r->backend_impl)
        return false;
    r->stats = r->backend->stats(r->backend_impl);
    /* The registry's word and the ops table must agree: the fit check before the run relies on it. */
    unsigned features = hf_platform_features(r->backend->platform(r->backend_impl)->ops);
    if (features != r->backend->features)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "backend %s: its ops provide features 0x%x, its entry says 0x%x",
                       model, features, r->backend->features);
    return true;
}

static bool setup(struct run *r, const json_t *scenario, struct hf_error *err)
{
    if (!hf_engine_init(&r->engine, (uint64_t)hf_json_int_at(scenario, "seed"),
                        hf_json_string_at(scenario, "engine.queue"), err))
        return false;
    if (!create_model(r, scenario, err))
        return false;
    const char *model = hf_json_string_at(scenario, "model");
    if (!hf_scenario_check_features(scenario, hf_platform_features(r->backend->platform(r->backend_impl)->ops), model, err))
        return false;
    r->stats->requests_log = r->requests_file;

    r->policy = hf_policy_find(hf_json_string_at(scenario, "policy"));
    r->policy_state = calloc(1, r->policy->state_size ? r->policy->state_size : 1);
    if (!r->policy_state)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the policy");
    r->backend->attach_policy(r->backend_impl, r->policy, r->policy_state);
    if (!r->policy->init(r->policy_state, json_object_get(scenario, r->policy->name),
                         r->backend->platform(r->backend_impl), err))
        return false;

    if (r->trace) {
        struct hf_source *source = hf_trace_start(r->trace, &r->engine, r->backend->arrive, r->backend_impl, err);
        if (!source)
            return false;
        hf_engine_set_source(&r->engine, source);
    } else {
        if (!hf_synthetic_create(&r->workload, json_object_get(scenario, "workload"), r->duration,
                                 &r->engine, r->backend->arrive, r->backend_impl))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the workload");
        hf_engine_set_source(&r->engine, &r->workload.source);
    }
    hf_engine_at(&r->engine, r->interval, on_sample, r, 0);
    if (!hf_recorder_schedule_bins(&r->recorder, &r->engine, r->stats, r->drain_end))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory scheduling the stabilization bins");
    return true;
}

static void teardown(struct run *r)
{
    if (r->policy && r->policy_state)
        r->policy->fini(r->policy_state);
    free(r->policy_state);
    hf_synthetic_destroy(&r->workload);
    hf_trace_close(r->trace);
    if (r->backend_impl)
        r->backend->destroy(r->backend_impl);
    hf_engine_fini(&r->engine);
}

/* Every 65,536 events: a pending SIGINT/SIGTERM stops the run; then the progress display. */
static void on_tick(const struct hf_engine *engine, void *ctx)
{
    struct run *r = ctx;
    if (!r->interrupted && (r->interrupted = hf_interrupt_pending()) != 0)
        hf_engine_stop((struct hf_engine *)engine);
    hf_progress_engine_hook(engine, &r->progress);
}

static void simulate(struct run *r)
{
    hf_engine_set_progress(&r->engine, on_tick, r, 1u << 16);
    hf_engine_run_until(&r->engine, r->duration);
    /* Drain: no more arrivals; the run ends when the last request in flight ends (or at drain_end),
     * found event time by event time so that the end, and every figure integrated up to it, does
     * not depend on how often results are sampled (outputs.interval_s). */
    while (hf_ledger_in_flight(&r->stats->ledger) > 0 && !r->interrupted && hf_engine_ok(&r->engine)) {
        hf_time next = hf_engine_next_time(&r->engine);
        if (next > r->drain_end) {
            hf_engine_run_until(&r->engine, r->drain_end);
            break;
        }
        hf_engine_run_until(&r->engine, next);
    }
    r->backend->fail_all(r->backend_impl, HF_FAIL_RUN_END);
}

/* A backend on its own clock (live) runs whole; the report is read back from its summary.json. */
static bool drive(const struct hf_backend_type *backend, const json_t *scenario, const struct hf_run_options *options,
                  struct hf_run_report *report, struct hf_error *err)
{
    double wall_start = hf_wall_seconds();
    struct hf_drive_options o = {.out_dir = options->out_dir, .progress = options->progress,
                                 .policy = hf_policy_find(hf_json_string_at(scenario, "policy"))};
    if (!hf_scenario_check_fit(scenario, err) || !backend->drive(scenario, &o, err))
        return false;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/summary.json", options->out_dir);
    json_t *summary = json_load_file(path, 0, NULL);
    *report = (struct hf_run_report){
        .arrived = (uint64_t)hf_json_int_at(summary, "requests.arrived"),
        .completed = (uint64_t)hf_json_int_at(summary, "requests.completed"),
        .failed = (uint64_t)hf_json_int_at(summary, "requests.failed.total"),
        .p50_ms = hf_json_number_at(summary, "latency_ms.p50"),
        .p99_ms = hf_json_number_at(summary, "latency_ms.p99"),
        .mean_ms = hf_json_number_at(summary, "latency_ms.mean"),
        .wall_s = hf_wall_seconds() - wall_start,
    };
    json_decref(summary);
    return true;
}

bool hf_run_scenario(const json_t *given, const struct hf_run_options *options,
                     struct hf_run_report *report, struct hf_error *err)
{
    const struct hf_backend_type *backend = hf_backend_find(hf_json_string_at(given, "model"));
    if (backend && backend->drive)
        return drive(backend, given, options, report, err);
    double wall_start = hf_wall_seconds();
    struct run *r = calloc(1, sizeof *r);
    if (!r)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    struct hf_interrupt interrupt;
    hf_interrupt_open(&interrupt);
    /* Refused before the trace is indexed: a policy its model cannot host. */
    json_t *scenario = hf_scenario_check_fit(given, err) ? hf_trace_open_scenario(given, &r->trace, err) : NULL;
    if (!scenario) {
        hf_trace_close(r->trace);
        free(r);
        hf_interrupt_close(&interrupt);
        return false;
    }
    const json_t *burst = r->trace ? NULL : hf_json_at(scenario, "workload.bursts.0");
    if (burst && options->progress && hf_json_number_at(burst, "start_s") >= hf_json_number_at(scenario, "duration_s"))
        fprintf(stderr, "hfsim: note: the burst at %g s starts after the arrivals end (duration_s %g s): it never "
                "happens, and summary.json says it was not analysed\n", hf_json_number_at(burst, "start_s"),
                hf_json_number_at(scenario, "duration_s"));
    r->interval = hf_time_from_s(hf_json_number_at(scenario, "outputs.interval_s"));
    r->duration = hf_time_from_s(hf_json_number_at(scenario, "duration_s"));
    r->drain_end = r->duration + hf_time_from_s(hf_json_number_at(scenario, "drain_s"));

    json_t *config = config_json(scenario);
    bool ok = hf_results_begin(&r->results, options->out_dir, err) &&
              hf_results_write_json(&r->results, "config.json", config, err);
    json_decref(config);
    ok = ok && (r->series_file = hf_results_open(&r->results, "timeseries.csv", err)) != NULL;
    ok = ok && (r->recorder_ready = hf_recorder_init(&r->recorder, scenario, r->series_file, err));
    if (ok && hf_json_bool_at(scenario, "outputs.requests_csv")) {
        r->requests_file = hf_results_open(&r->results, "requests.csv", err);
        ok = r->requests_file != NULL;
        if (ok)
            fputs(HF_REQUESTS_CSV_HEADER, r->requests_file);
    }
    ok = ok && setup(r, scenario, err);
    /* A backend with per-function counters writes functions.csv with the names at the end. */
    ok = ok && (!r->trace || r->backend->function_counts || hf_trace_write_functions(r->trace, &r->results, err));
    if (ok && options->progress) {
        double expected = r->trace ? (double)hf_trace_stats(r->trace)->expected : hf_synthetic_expected(&r->workload);
        if (expected >= 1e7)
            fprintf(stderr, "hfsim: run: about %.3g invocations over %.0f simulated s%s\n", expected,
                    hf_time_to_s(r->duration), isatty(STDERR_FILENO) ? "" : " (a progress line every 30 s)");
    }
    if (ok && !(r->interrupted = hf_interrupt_pending())) {
        hf_progress_start(&r->progress, "run", r->drain_end, options->progress);
        simulate(r);
        hf_progress_finish(&r->progress);
    }
    if (ok && r->interrupted)
        ok = hf_fail(err, (enum hf_exit)(HF_EXIT_SIGNAL + r->interrupted),
                     "interrupted by %s: removed the half-written %s", hf_interrupt_name(r->interrupted),
                     options->out_dir);
    ok = ok && hf_engine_check(&r->engine, err) && hf_ledger_check(&r->stats->ledger, err);
    if (ok && r->trace && hf_trace_failed(r->trace, err))
        ok = false;
    if (ok && r->trace) {
        double error = hf_trace_check_error(r->trace), tolerance = hf_json_number_at(scenario, "trace.check_tolerance");
        const struct hf_trace_stats *ts = hf_trace_stats(r->trace);
        if (error > tolerance) {
            if (hf_json_bool_at(scenario, "trace.check_fail"))
                ok = hf_fail(err, HF_EXIT_RUN_FAILED,
                             "replay check: issued %llu invocations, the trace has %llu (%.2f %% off, tolerance %.2f %%)",
                             (unsigned long long)ts->issued, (unsigned long long)ts->expected, 100 * error,
                             100 * tolerance);
            else
                fprintf(stderr, "hfsim: warning: replay check: issued %llu invocations, the trace has %llu "
                                "(%.2f %% off, tolerance %.2f %%)\n",
                        (unsigned long long)ts->issued, (unsigned long long)ts->expected, 100 * error,
                        100 * tolerance);
        }
    }
    if (ok && hf_recorder_write_failed(&r->recorder))
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s/timeseries.csv: write failed", options->out_dir);
    if (r->series_file) {
        ok = hf_results_close(&r->results, r->series_file, "timeseries.csv", ok ? err : NULL) && ok;
        r->series_file = NULL;
    }
    if (r->requests_file) {
        ok = hf_results_close(&r->results, r->requests_file, "requests.csv", ok ? err : NULL) && ok;
        r->requests_file = NULL;
    }
    ok = ok && hf_recorder_write_latency_cdf(&r->results, r->stats, err);
    json_t *apps = NULL;
    ok = ok && write_functions(r, &apps, err);
    if (ok) {
        json_t *summary = summary_json(scenario, r);
        if (apps)
            json_object_set_new(summary, "cold_start_pct_over_apps", apps);
        ok = hf_results_write_json(&r->results, "summary.json", summary, err);
        json_decref(summary);
        const struct hf_histogram *lat = &r->stats->latency;
        report->arrived = r->stats->ledger.arrived;
        report->completed = r->stats->ledger.completed;
        report->failed = hf_ledger_failed_total(&r->stats->ledger);
        report->events = hf_engine_events(&r->engine);
        report->p50_ms = hf_histogram_quantile(lat, 0.5) / 1e6;
        report->p99_ms = hf_histogram_quantile(lat, 0.99) / 1e6;
        report->mean_ms = hf_histogram_mean(lat) / 1e6;
    }
    if (ok) {
        report->wall_s = hf_wall_seconds() - wall_start;
        json_t *perf = perf_json(r, report->wall_s);
        ok = hf_results_write_json(&r->results, "perf.json", perf, err);
        json_decref(perf);
    }
    ok = ok && hf_results_commit(&r->results, err);
    if (!ok)
        hf_results_abort(&r->results);
    teardown(r);
    if (r->recorder_ready)
        hf_recorder_fini(&r->recorder);
    free(r);
    json_decref(scenario);
    hf_interrupt_close(&interrupt);
    return ok;
}
