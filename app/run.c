#include "app/run.h"

#include "app/backends.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "app/progress.h"
#include "app/scenario_fit.h"
#include "policies/registry.h"
#include "sim/engine.h"
#include "sim/interrupt.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "sim/stabilization.h"
#include "sim/timeseries.h"
#include "sim/wallclock.h"
#include "traces/synthetic.h"
#include "traces/trace.h"
#include "traces/trace_scenario.h"
#include "version.h"

#define ROLLING_MAX 60

struct run {
    struct hf_engine engine;
    const struct hf_backend_type *backend;
    void *backend_impl;
    struct hf_model_stats *stats; /* the backend's */
    struct hf_synthetic workload;
    struct hf_trace *trace;              /* replaces the synthetic workload when set */
    struct hf_results results;
    struct hf_timeseries series;
    struct hf_progress progress;
    struct hf_latency_bins bins; /* per-interval latency sums, for time_to_stabilize */
    FILE *series_file, *requests_file;
    const struct hf_policy_type *policy;
    void *policy_state;
    hf_time interval, duration, drain_end;
    double sampled_busy_core_ns; /* CPU used up to the previous sample, for cores_used */
    /* The last `rolling_count` intervals' latencies, for percentiles over a trailing window
     * (outputs.stabilize_window_s): one interval is too few requests for a steady p99. */
    struct hf_histogram rolling[ROLLING_MAX], rolling_merged;
    int rolling_count, rolling_next;
    bool write_failed;
    int interrupted; /* SIGINT or SIGTERM arrived: the run stopped early */
};

static void on_sample(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct run *r = ctx;
    r->backend->account(r->backend_impl);
    struct hf_model_stats *st = r->stats;
    const struct hf_histogram *lat = &st->interval_latency;
    struct hf_histogram *slot = &r->rolling[r->rolling_next];
    r->rolling_next = (r->rolling_next + 1) % r->rolling_count;
    hf_histogram_reset(slot);
    hf_histogram_merge(slot, lat);
    hf_histogram_reset(&r->rolling_merged);
    for (int i = 0; i < r->rolling_count; i++)
        hf_histogram_merge(&r->rolling_merged, &r->rolling[i]);
    double row[HF_RUN_SERIES_COLUMNS] = {
        (double)st->interval_arrived,
        (double)st->interval_completed,
        (double)st->interval_failed,
        (double)hf_ledger_in_flight(&st->ledger),
        (double)st->queued,
        (double)st->busy,
        (double)st->replicas,
        (double)st->ready,
        (double)st->vms,
        hf_histogram_mean(lat) / 1e6,
        hf_histogram_quantile(lat, 0.50) / 1e6,
        hf_histogram_quantile(lat, 0.99) / 1e6,
        st->allocated_cores_now,
        (double)st->cold_starts,
        (double)st->resizes,
        (double)st->specializations,
        (double)st->bounces,
        (st->busy_core_ns - r->sampled_busy_core_ns) / (double)r->interval,
        hf_histogram_quantile(&r->rolling_merged, 0.50) / 1e6,
        hf_histogram_quantile(&r->rolling_merged, 0.99) / 1e6,
    };
    r->sampled_busy_core_ns = st->busy_core_ns;
    if (!hf_timeseries_row(&r->series, hf_time_to_s(hf_engine_now(engine)), row))
        r->write_failed = true;
    hf_histogram_reset(&st->interval_latency);
    st->interval_arrived = st->interval_completed = st->interval_failed = 0;
    if (hf_engine_now(engine) + r->interval <= r->drain_end)
        hf_engine_after(engine, r->interval, on_sample, r, 0);
}

/* Every simulated second: one bin of the time-to-stabilize recorder (its own clock, not the output
 * interval's). */
#define STABILIZATION_BIN_S 1.0
static void on_stabilization_bin(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct run *r = ctx;
    struct hf_model_stats *st = r->stats;
    if (!hf_latency_bins_push(&r->bins, (double)st->bin_latency_ns / 1e6, st->bin_completed))
        r->write_failed = true;
    st->bin_latency_ns = st->bin_completed = 0;
    hf_time bin = hf_time_from_s(STABILIZATION_BIN_S);
    if (hf_engine_now(engine) + bin <= r->drain_end)
        hf_engine_after(engine, bin, on_stabilization_bin, r, 0);
}

static json_t *latency_json(const struct hf_histogram *h)
{
    json_t *o = json_object();
    json_object_set_new(o, "mean", json_real(hf_histogram_mean(h) / 1e6));
    json_object_set_new(o, "p50", json_real(hf_histogram_quantile(h, 0.50) / 1e6));
    json_object_set_new(o, "p90", json_real(hf_histogram_quantile(h, 0.90) / 1e6));
    json_object_set_new(o, "p99", json_real(hf_histogram_quantile(h, 0.99) / 1e6));
    json_object_set_new(o, "p99.9", json_real(hf_histogram_quantile(h, 0.999) / 1e6));
    json_object_set_new(o, "max", json_real(hf_histogram_quantile(h, 1.0) / 1e6));
    return o;
}

static json_t *summary_json(const json_t *scenario, struct run *r)
{
    r->backend->account(r->backend_impl);
    const struct hf_model_stats *s = r->stats;
    json_t *sum = json_object();
    json_object_set_new(sum, "scenario", json_string(hf_json_string_at(scenario, "name")));
    json_object_set_new(sum, "policy", json_string(hf_json_string_at(scenario, "policy")));
    json_object_set_new(sum, "seed", json_integer(hf_json_int_at(scenario, "seed")));
    json_object_set_new(sum, "model", json_string(hf_json_string_at(scenario, "model")));
    json_object_set_new(sum, "simulated_s", json_real(hf_time_to_s(hf_engine_now(&r->engine))));

    json_t *req = json_object();
    json_object_set_new(req, "arrived", json_integer((json_int_t)s->ledger.arrived));
    json_object_set_new(req, "completed", json_integer((json_int_t)s->ledger.completed));
    json_t *failed = json_object();
    json_object_set_new(failed, "total", json_integer((json_int_t)hf_ledger_failed_total(&s->ledger)));
    for (int reason = 0; reason < HF_FAIL_REASON_COUNT; reason++)
        json_object_set_new(failed, hf_fail_reason_name((enum hf_fail_reason)reason),
                            json_integer((json_int_t)s->ledger.failed[reason]));
    json_object_set_new(req, "failed", failed);
    json_object_set_new(req, "conservation", json_string("ok"));
    json_object_set_new(sum, "requests", req);

    json_object_set_new(sum, "latency_ms", latency_json(&s->latency));
    const json_t *burst = r->trace ? NULL : hf_json_at(scenario, "workload.bursts.0");
    if (r->trace)
        json_object_set_new(sum, "trace",
                            hf_trace_report_json(r->trace, hf_json_number_at(scenario, "trace.check_tolerance")));
    if (burst) {
        double start = hf_json_number_at(burst, "start_s");
        double end = start + hf_json_number_at(burst, "duration_s");
        struct hf_stabilization stab;
        hf_stabilization_compute(&r->bins, start, end, hf_json_number_at(scenario, "outputs.stabilize_window_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_steady_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_tolerance"), &stab);
        json_t *b = json_object();
        json_object_set_new(b, "start_s", json_real(start));
        json_object_set_new(b, "end_s", json_real(end));
        json_object_set_new(b, "steady_latency_ms", json_real(stab.steady_ms));
        json_object_set_new(b, "peak_latency_ms", json_real(stab.peak_ms));
        json_object_set_new(b, "peak_after_s", json_real(stab.peak_after_s));
        json_object_set_new(b, "time_to_stabilize_s",
                            stab.stabilized ? json_real(stab.time_to_stabilize_s) : json_null());
        json_object_set_new(sum, "burst", b);
    }
    json_t *cpu = json_object();
    json_object_set_new(cpu, "allocated", json_real(s->allocated_core_ns / 1e9));
    json_object_set_new(cpu, "used", json_real(s->busy_core_ns / 1e9));
    json_object_set_new(sum, "cpu_core_s", cpu);
    json_object_set_new(sum, "memory_gb_s", json_real(s->memory_gb_s));
    json_object_set_new(sum, "completed_per_gb_s",
                        json_real(s->memory_gb_s > 0 ? (double)s->ledger.completed / s->memory_gb_s : 0));
    json_object_set_new(sum, "cold_starts", json_integer((json_int_t)s->cold_starts));
    json_object_set_new(sum, "resizes", json_integer((json_int_t)s->resizes));
    json_object_set_new(sum, "specializations", json_integer((json_int_t)s->specializations));
    json_object_set_new(sum, "bounces", json_integer((json_int_t)s->bounces));
    json_object_set_new(sum, "queued_on_arrival", json_integer((json_int_t)s->waited));
    if (r->backend->vm_price_per_hour) {
        double price = r->backend->vm_price_per_hour(r->backend_impl);
        json_object_set_new(sum, "vm_seconds", json_real(s->vm_seconds));
        json_object_set_new(sum, "vm_cost_usd", json_real(s->vm_seconds * price / 3600.0));
    }
    return sum;
}

/* latency_cdf.csv: the response-time distribution of completed requests at 200 quantiles (and the
 * maximum), for CDF plots; from the same histogram as summary.json's percentiles. */
static bool write_latency_cdf(struct run *r, struct hf_error *err)
{
    FILE *f = hf_results_open(&r->results, "latency_cdf.csv", err);
    if (!f)
        return false;
    const struct hf_histogram *h = &r->stats->latency;
    fputs("quantile,latency_ms\n", f);
    for (int i = 1; i <= 200; i++) {
        double q = i == 200 ? 1.0 : i / 200.0;
        fprintf(f, "%.3f,%.6g\n", q, hf_histogram_quantile(h, q) / 1e6);
    }
    return hf_results_close(&r->results, f, "latency_cdf.csv", err);
}

static json_t *perf_json(const struct run *r, double wall)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    json_t *perf = json_object();
    json_object_set_new(perf, "hfsim_version", json_string(HF_VERSION));
    json_object_set_new(perf, "wall_s", json_real(wall));
    json_object_set_new(perf, "events", json_integer((json_int_t)r->engine.events_processed));
    json_object_set_new(perf, "events_per_s",
                        json_real(wall > 0 ? (double)r->engine.events_processed / wall : 0));
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
    hf_engine_at(&r->engine, hf_time_from_s(STABILIZATION_BIN_S), on_stabilization_bin, r, 0);
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
    while (hf_ledger_in_flight(&r->stats->ledger) > 0 && !r->interrupted) {
        hf_time next = hf_engine_next_time(&r->engine);
        if (next > r->drain_end) {
            hf_engine_run_until(&r->engine, r->drain_end);
            break;
        }
        hf_engine_run_until(&r->engine, next);
    }
    r->backend->fail_all(r->backend_impl, HF_FAIL_RUN_END);
}

bool hf_run_scenario(const json_t *given, const struct hf_run_options *options,
                     struct hf_run_report *report, struct hf_error *err)
{
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
    r->interval = hf_time_from_s(hf_json_number_at(scenario, "outputs.interval_s"));
    r->duration = hf_time_from_s(hf_json_number_at(scenario, "duration_s"));
    r->drain_end = r->duration + hf_time_from_s(hf_json_number_at(scenario, "drain_s"));
    hf_latency_bins_init(&r->bins, STABILIZATION_BIN_S);
    double rolling = hf_json_number_at(scenario, "outputs.stabilize_window_s") /
                     hf_json_number_at(scenario, "outputs.interval_s");
    r->rolling_count = rolling < 1 ? 1 : rolling > ROLLING_MAX ? ROLLING_MAX : (int)(rolling + 0.5);
    bool histograms = hf_histogram_create(&r->rolling_merged);
    for (int i = 0; i < r->rolling_count; i++)
        histograms = hf_histogram_create(&r->rolling[i]) && histograms;

    json_t *config = config_json(scenario);
    bool ok = hf_results_begin(&r->results, options->out_dir, err) &&
              hf_results_write_json(&r->results, "config.json", config, err);
    json_decref(config);
    if (ok && !histograms)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    ok = ok && (r->series_file = hf_results_open(&r->results, "timeseries.csv", err)) != NULL;
    ok = ok && hf_timeseries_begin(&r->series, r->series_file, hf_run_series_columns, HF_RUN_SERIES_COLUMNS);
    if (ok && hf_json_bool_at(scenario, "outputs.requests_csv")) {
        r->requests_file = hf_results_open(&r->results, "requests.csv", err);
        ok = r->requests_file != NULL;
        if (ok)
            fputs("id,function,arrival_s,end_s,latency_ms,outcome\n", r->requests_file);
    }
    ok = ok && (!r->trace || hf_trace_write_functions(r->trace, &r->results, err));
    ok = ok && setup(r, scenario, err);
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
    ok = ok && hf_ledger_check(&r->stats->ledger, err);
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
    if (ok && r->write_failed)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s/timeseries.csv: write failed", options->out_dir);
    if (r->series_file) {
        ok = hf_results_close(&r->results, r->series_file, "timeseries.csv", ok ? err : NULL) && ok;
        r->series_file = NULL;
    }
    if (r->requests_file) {
        ok = hf_results_close(&r->results, r->requests_file, "requests.csv", ok ? err : NULL) && ok;
        r->requests_file = NULL;
    }
    ok = ok && write_latency_cdf(r, err);
    if (ok) {
        json_t *summary = summary_json(scenario, r);
        ok = hf_results_write_json(&r->results, "summary.json", summary, err);
        json_decref(summary);
        const struct hf_histogram *lat = &r->stats->latency;
        report->arrived = r->stats->ledger.arrived;
        report->completed = r->stats->ledger.completed;
        report->failed = hf_ledger_failed_total(&r->stats->ledger);
        report->events = r->engine.events_processed;
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
    hf_latency_bins_fini(&r->bins);
    hf_histogram_destroy(&r->rolling_merged);
    for (int i = 0; i < r->rolling_count; i++)
        hf_histogram_destroy(&r->rolling[i]);
    free(r);
    json_decref(scenario);
    hf_interrupt_close(&interrupt);
    return ok;
}
