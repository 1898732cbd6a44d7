#include "sim/recorder.h"

#include <inttypes.h>
#include <math.h>
#include <string.h>

#include "sim/ledger.h"
#include "sim/schema.h"

/* The bins the burst analysis reads: from the rolling window before the first burst to its end. */
static void plan_bins(struct hf_recorder *rec, const json_t *scenario)
{
    const json_t *burst = hf_json_at(scenario, "workload.bursts.0");
    size_t first = 0;
    if (burst) {
        double start = hf_json_number_at(burst, "start_s");
        double end = start + hf_json_number_at(burst, "duration_s");
        double from = start - hf_json_number_at(scenario, "outputs.stabilize_window_s");
        first = from > 0 ? (size_t)floor(from / HF_RECORDER_BIN_S) : 0;
        rec->bins_end = (size_t)ceil(end / HF_RECORDER_BIN_S - 1e-9);
        if (rec->bins_end - first > HF_RECORDER_BINS_MAX) {
            rec->bins_too_many = true;
            rec->bins_end = 0;
        }
    }
    hf_latency_bins_init(&rec->bins, HF_RECORDER_BIN_S, first);
}

bool hf_recorder_init(struct hf_recorder *rec, const json_t *scenario, FILE *series_file, struct hf_error *err)
{
    memset(rec, 0, sizeof *rec);
    double interval_s = hf_json_number_at(scenario, "outputs.interval_s");
    double span_s = hf_json_number_at(scenario, "duration_s") + hf_json_number_at(scenario, "drain_s");
    if (span_s / interval_s > HF_RECORDER_ROWS_MAX)
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "$.outputs.interval_s: %g s over duration_s + drain_s (%g s) could write %.3g "
                       "timeseries.csv rows, more than %.0e (about 100 bytes each): raise it to at least %g s",
                       interval_s, span_s, span_s / interval_s, (double)HF_RECORDER_ROWS_MAX,
                       ceil(span_s / HF_RECORDER_ROWS_MAX));
    rec->interval = hf_time_from_s(interval_s);
    plan_bins(rec, scenario);
    double rolling = hf_json_number_at(scenario, "outputs.stabilize_window_s") / interval_s;
    int width = rolling < 1 ? 1 : rolling > HF_LATENCY_WINDOW_MAX ? HF_LATENCY_WINDOW_MAX : (int)(rolling + 0.5);
    static const double p50_p99[2] = {0.50, 0.99};
    if (!hf_latency_window_init(&rec->latencies, width, p50_p99, 2)) {
        hf_recorder_fini(rec);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (!hf_timeseries_begin(&rec->series, series_file, hf_run_series_columns, HF_RUN_SERIES_COLUMNS)) {
        hf_recorder_fini(rec);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "timeseries.csv: write failed");
    }
    return true;
}

void hf_recorder_fini(struct hf_recorder *rec)
{
    hf_latency_bins_fini(&rec->bins);
    hf_latency_window_fini(&rec->latencies);
}

void hf_recorder_sample(struct hf_recorder *rec, hf_time now, struct hf_model_stats *st)
{
    double interval_mean_ms = hf_histogram_mean(&st->interval_latency) / 1e6;
    hf_latency_window_push(&rec->latencies, &st->interval_latency); /* and resets it */
    double interval_q[2], window_q[2]; /* p50, p99 */
    hf_latency_window_interval_quantiles(&rec->latencies, interval_q);
    hf_latency_window_quantiles(&rec->latencies, window_q);
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
        interval_mean_ms,
        interval_q[0] / 1e6,
        interval_q[1] / 1e6,
        st->allocated_cores_now,
        (double)st->cold_starts,
        (double)st->resizes,
        (double)st->specializations,
        (double)st->bounces,
        (st->busy_core_ns - rec->sampled_busy_core_ns) / (double)rec->interval,
        window_q[0] / 1e6,
        window_q[1] / 1e6,
    };
    rec->sampled_busy_core_ns = st->busy_core_ns;
    if (!hf_timeseries_row(&rec->series, hf_time_to_s(now), row))
        rec->write_failed = true;
    st->interval_arrived = st->interval_completed = st->interval_failed = 0;
}

void hf_request_log(const struct hf_model_stats *st, uint64_t id, uint32_t function, hf_time arrival, hf_time end,
                    const char *outcome)
{
    if (st->requests_log)
        fprintf(st->requests_log, "%" PRIu64 ",%" PRIu32 ",%.9f,%.9f,%.6f,%s\n", id, function, hf_time_to_s(arrival),
                hf_time_to_s(end), hf_time_to_ms(end - arrival), outcome);
}

/* At the end of bin k - 1 (time k * width): keeps it when the analysis reads it, else only resets
 * the counters (the event at the window's start discards what came before). */
static void on_bin(struct hf_engine *engine, void *ctx, uint64_t k)
{
    struct hf_recorder *rec = ctx;
    struct hf_model_stats *st = rec->bin_stats;
    if (k > rec->bins.first &&
        !hf_latency_bins_push(&rec->bins, (double)st->bin_latency_ns / 1e6, st->bin_completed))
        rec->write_failed = true;
    st->bin_latency_ns = st->bin_completed = 0;
    hf_time next = hf_time_from_s((double)(k + 1) * HF_RECORDER_BIN_S);
    if (k + 1 <= rec->bins_end && next <= rec->bin_stop)
        hf_engine_at(engine, next, on_bin, rec, k + 1);
}

bool hf_recorder_schedule_bins(struct hf_recorder *rec, struct hf_engine *engine, struct hf_model_stats *stats,
                               hf_time stop)
{
    rec->bin_stats = stats;
    rec->bin_stop = stop;
    size_t k = rec->bins.first > 0 ? rec->bins.first : 1;
    hf_time at = hf_time_from_s((double)k * HF_RECORDER_BIN_S);
    if (rec->bins_end == 0 || at > stop || at < hf_engine_now(engine))
        return true;
    return hf_engine_at(engine, at, on_bin, rec, k) != HF_EVENT_NONE;
}

bool hf_recorder_write_failed(const struct hf_recorder *rec) { return rec->write_failed; }

double hf_recorder_rolling_p99_ms(struct hf_recorder *rec)
{
    double p50_p99[2];
    hf_latency_window_quantiles(&rec->latencies, p50_p99);
    return p50_p99[1] / 1e6;
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

/* Time averages of the count gauges over the run (their integrals plus the piece since the last
 * change, read without storing it): containers, ready, busy (serving at least one request), idle
 * (ready, serving none) and requests in service. By Little's law the last is the arrival rate of
 * completed requests times their mean service time. */
static json_t *time_averages(const struct hf_model_stats *s, hf_time run_end)
{
    struct hf_gauge_integrals g = s->gauges;
    hf_gauges_advance(&g, run_end, s->replicas, s->ready, s->busy_containers, s->busy);
    double t = hf_time_to_s(run_end);
    double div = t > 0 ? t : 1;
    json_t *o = json_object();
    json_object_set_new(o, "containers", json_real(g.containers_s / div));
    json_object_set_new(o, "ready", json_real(g.ready_s / div));
    json_object_set_new(o, "busy", json_real(g.busy_containers_s / div));
    json_object_set_new(o, "idle", json_real((g.ready_s - g.busy_containers_s) / div));
    json_object_set_new(o, "requests_in_service", json_real(g.requests_s / div));
    return o;
}

json_t *hf_recorder_summary(const struct hf_recorder *rec, const json_t *scenario, const struct hf_model_stats *s,
                            const char *model, hf_time run_end, json_t *trace_report, double vm_price_per_hour)
{
    json_t *sum = json_object();
    json_object_set_new(sum, "scenario", json_string(hf_json_string_at(scenario, "name")));
    json_object_set_new(sum, "policy", json_string(hf_json_string_at(scenario, "policy")));
    json_object_set_new(sum, "seed", json_integer(hf_json_int_at(scenario, "seed")));
    json_object_set_new(sum, "model", json_string(model));
    json_object_set_new(sum, "simulated_s", json_real(hf_time_to_s(run_end)));

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
    const json_t *burst = trace_report ? NULL : hf_json_at(scenario, "workload.bursts.0");
    if (trace_report)
        json_object_set_new(sum, "trace", trace_report);
    if (burst) {
        double start = hf_json_number_at(burst, "start_s");
        double end = start + hf_json_number_at(burst, "duration_s");
        struct hf_stabilization stab = {0};
        /* A burst that starts after the arrivals end never happened: it is not analysed (its figures
         * would describe no burst), and the summary says why. */
        bool happened = start < hf_json_number_at(scenario, "duration_s");
        if (happened)
            hf_stabilization_compute(&rec->bins, start, end, hf_json_number_at(scenario, "outputs.stabilize_window_s"),
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
        if (!happened)
            json_object_set_new(b, "not_analysed", json_string("the burst starts after the arrivals end "
                                                               "(duration_s): it never happened"));
        else if (rec->bins_too_many)
            json_object_set_new(b, "not_analysed", json_string("the burst and its window span more than "
                                                               "1e7 s of 1 s bins"));
        json_object_set_new(sum, "burst", b);
    }
    json_t *cpu = json_object();
    json_object_set_new(cpu, "allocated", json_real(s->allocated_core_ns / 1e9));
    json_object_set_new(cpu, "used", json_real(s->busy_core_ns / 1e9));
    json_object_set_new(sum, "cpu_core_s", cpu);
    json_object_set_new(sum, "memory_gb_s", json_real(s->memory_gb_s));
    json_object_set_new(sum, "completed_per_gb_s",
                        json_real(s->memory_gb_s > 0 ? (double)s->ledger.completed / s->memory_gb_s : 0));
    json_object_set_new(sum, "wasted_memory_gb_s", json_real(s->wasted_memory_gb_s));
    json_object_set_new(sum, "cold_starts", json_integer((json_int_t)s->cold_starts));
    /* The share of requests that found no warm container with room on arrival (by PASTA, the
     * probability an arrival sees that state): the cold-start probability of an on-demand policy. */
    json_object_set_new(sum, "cold_start_probability",
                        json_real(s->ledger.arrived ? (double)s->waited / (double)s->ledger.arrived : 0));
    json_object_set_new(sum, "resizes", json_integer((json_int_t)s->resizes));
    json_object_set_new(sum, "specializations", json_integer((json_int_t)s->specializations));
    json_object_set_new(sum, "bounces", json_integer((json_int_t)s->bounces));
    json_object_set_new(sum, "queued_on_arrival", json_integer((json_int_t)s->waited));
    json_object_set_new(sum, "time_averaged", time_averages(s, run_end));
    if (s->isolates_reported) {
        json_t *is = json_object();
        json_object_set_new(is, "runtime_cold_starts", json_integer((json_int_t)s->cold_starts));
        json_object_set_new(is, "isolate_starts", json_integer((json_int_t)s->isolate_starts));
        json_object_set_new(is, "isolate_evictions", json_integer((json_int_t)s->isolate_evictions));
        json_object_set_new(sum, "isolates", is);
    }
    if (s->images.reported) {
        json_t *im = json_object();
        json_object_set_new(im, "registry_mib", json_real(s->images.registry_mib));
        json_object_set_new(im, "peer_mib", json_real(s->images.peer_mib));
        json_object_set_new(im, "fetches", json_integer((json_int_t)s->images.fetches));
        json_object_set_new(im, "tree_repairs", json_integer((json_int_t)s->images.repairs));
        /* "When all were ready" only if all were: otherwise null, and how many were not. */
        json_object_set_new(im, "last_container_ready_s",
                            s->images.last_ready_at < 0 || s->images.not_ready > 0
                                ? json_null()
                                : json_real(hf_time_to_s(s->images.last_ready_at)));
        json_object_set_new(im, "containers_not_ready", json_integer(s->images.not_ready));
        json_object_set_new(sum, "images", im);
    }
    if (vm_price_per_hour >= 0) {
        json_object_set_new(sum, "vm_seconds", json_real(s->vm_seconds));
        json_object_set_new(sum, "vm_cost_usd", json_real(s->vm_seconds * vm_price_per_hour / 3600.0));
    }
    return sum;
}

/* latency_cdf.csv: the response-time distribution of completed requests at 200 quantiles (and the
 * maximum), for CDF plots; from the same histogram as summary.json's percentiles. */
bool hf_recorder_write_latency_cdf(struct hf_results *results, const struct hf_model_stats *stats,
                                   struct hf_error *err)
{
    FILE *f = hf_results_open(results, "latency_cdf.csv", err);
    if (!f)
        return false;
    const struct hf_histogram *h = &stats->latency;
    fputs("quantile,latency_ms\n", f);
    for (int i = 1; i <= 200; i++) {
        double q = i == 200 ? 1.0 : i / 200.0;
        fprintf(f, "%.3f,%.6g\n", q, hf_histogram_quantile(h, q) / 1e6);
    }
    return hf_results_close(results, f, "latency_cdf.csv", err);
}

