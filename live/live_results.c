/* Live results in the layout of hfsim run: timeseries.csv rows (with a round of engine stats and
 * worker reports per row), summary.json, latency_cdf.csv. */
#include "live/live_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim/schema.h"
#include "sim/timeseries.h"
#include "version.h"

static void start_sampling(struct live *l)
{
    if (l->sampling)
        return; /* the previous round is still asking the engines */
    struct usage_job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->fd = l->pipe_fds[1];
    for (int h = 0; h < l->host_count; h++)
        snprintf(j->hosts[h], sizeof j->hosts[h], "%s", l->hosts[h].address);
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        const struct lcontainer *k = &l->containers[c];
        if (k->state == C_READY || k->state == C_STOPPING) {
            struct usage_item *it = &j->items[j->count++];
            *it = (struct usage_item){.index = c, .host = k->host, .port = k->port, .generation = k->generation};
            snprintf(it->id, sizeof it->id, "%s", k->id);
            snprintf(it->ip, sizeof it->ip, "%s", k->ip);
        }
    }
    pthread_t t;
    if (pthread_create(&t, NULL, hf_lv_usage_thread, j) != 0) {
        free(j);
        return;
    }
    pthread_detach(t);
    l->outstanding++;
    l->sampling = true;
}

/* One timeseries.csv row per outputs.interval_s, the columns of hfsim run (cores_used from the
 * engines' stats, which lag by up to one sampling round); then the next round of engine stats. */
void hf_lv_on_sample(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct live *l = ctx;
    double interval_s = hf_time_to_s(l->interval), cores = 0, memory_mib = 0;
    uint64_t replicas = 0, ready = 0, queued = 0, busy = 0;
    for (uint32_t f = 0; f < l->function_count; f++) {
        replicas += l->functions[f].active;
        ready += l->functions[f].ready;
        queued += l->functions[f].queue_count;
        busy += l->functions[f].in_flight;
    }
    for (int c = 0; c < MAX_CONTAINERS; c++)
        if (l->containers[c].state != C_FREE) {
            cores += l->containers[c].cpu_limit;
            memory_mib += (double)l->memory_bytes / 1048576.0;
        }
    l->allocated_core_s += cores * interval_s;
    l->memory_gb_s += memory_mib / 1024.0 * interval_s;
    struct hf_histogram *slot = &l->rolling[l->rolling_next];
    l->rolling_next = (l->rolling_next + 1) % l->rolling_count;
    hf_histogram_reset(slot);
    hf_histogram_merge(slot, &l->interval_latency);
    hf_histogram_reset(&l->rolling_merged);
    for (int i = 0; i < l->rolling_count; i++)
        hf_histogram_merge(&l->rolling_merged, &l->rolling[i]);
    const struct hf_histogram *lat = &l->interval_latency;
    double row[] = {
        (double)l->interval_arrived, (double)l->interval_completed, (double)l->interval_failed,
        (double)hf_ledger_in_flight(&l->ledger), (double)queued, (double)busy, (double)replicas, (double)ready,
        (double)l->host_count, hf_histogram_mean(lat) / 1e6, hf_histogram_quantile(lat, 0.50) / 1e6,
        hf_histogram_quantile(lat, 0.99) / 1e6, cores, (double)l->cold_starts, (double)l->resizes,
        (double)l->specializations, (double)l->bounces, (l->cpu_ns_seen - l->cpu_ns_at_row) / (double)l->interval,
        hf_histogram_quantile(&l->rolling_merged, 0.50) / 1e6, hf_histogram_quantile(&l->rolling_merged, 0.99) / 1e6,
    };
    _Static_assert(sizeof row / sizeof row[0] == HF_RUN_SERIES_COLUMNS, "the columns of hfsim run");
    l->cpu_ns_at_row = l->cpu_ns_seen;
    if (!hf_timeseries_row(&l->series, hf_time_to_s(hf_engine_now(e)), row) ||
        !hf_latency_bins_push(&l->bins, hf_histogram_mean(lat) / 1e6 * (double)l->interval_completed,
                              l->interval_completed))
        l->write_failed = true;
    hf_histogram_reset(&l->interval_latency);
    l->interval_arrived = l->interval_completed = l->interval_failed = 0;
    start_sampling(l);
    if (hf_engine_now(e) + l->interval <= l->drain_end)
        hf_engine_after(e, l->interval, hf_lv_on_sample, l, 0);
}

static json_t *latency_json(const struct hf_histogram *h)
{
    json_t *lat = json_object();
    const double q[] = {0.5, 0.9, 0.99, 0.999, 1.0};
    const char *names[] = {"p50", "p90", "p99", "p99.9", "max"};
    json_object_set_new(lat, "mean", json_real(hf_histogram_mean(h) / 1e6));
    for (int i = 0; i < 5; i++)
        json_object_set_new(lat, names[i], json_real(hf_histogram_quantile(h, q[i]) / 1e6));
    return lat;
}

/* summary.json in the layout of hfsim run (sim/run.c), plus a "live" object. */
json_t *hf_lv_summary(const json_t *scenario, struct live *l)
{
    json_t *s = json_object();
    json_object_set_new(s, "scenario", json_string(hf_json_string_at(scenario, "name")));
    json_object_set_new(s, "policy", json_string(hf_json_string_at(scenario, "policy")));
    json_object_set_new(s, "seed", json_integer(hf_json_int_at(scenario, "seed")));
    json_object_set_new(s, "model", json_string("live"));
    json_object_set_new(s, "simulated_s", json_real(hf_time_to_s(hf_lv_now(l))));
    json_t *req = json_object(), *failed = json_object();
    json_object_set_new(req, "arrived", json_integer((json_int_t)l->ledger.arrived));
    json_object_set_new(req, "completed", json_integer((json_int_t)l->ledger.completed));
    json_object_set_new(failed, "total", json_integer((json_int_t)hf_ledger_failed_total(&l->ledger)));
    for (int r = 0; r < HF_FAIL_REASON_COUNT; r++)
        json_object_set_new(failed, hf_fail_reason_name((enum hf_fail_reason)r),
                            json_integer((json_int_t)l->ledger.failed[r]));
    json_object_set_new(req, "failed", failed);
    json_object_set_new(req, "conservation", json_string("ok"));
    json_object_set_new(s, "requests", req);
    json_object_set_new(s, "latency_ms", latency_json(&l->latency));
    if (l->trace)
        json_object_set_new(s, "trace",
                            hf_trace_report_json(l->trace, hf_json_number_at(scenario, "trace.check_tolerance")));
    const json_t *burst = l->trace ? NULL : hf_json_at(scenario, "workload.bursts.0");
    if (burst) {
        double start = hf_json_number_at(burst, "start_s");
        double end = start + hf_json_number_at(burst, "duration_s");
        struct hf_stabilization stab;
        hf_stabilization_compute(&l->bins, start, end, hf_json_number_at(scenario, "outputs.stabilize_window_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_steady_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_tolerance"), &stab);
        json_object_set_new(s, "burst",
                            json_pack("{s:f, s:f, s:f, s:f, s:f, s:o}", "start_s", start, "end_s", end,
                                      "steady_latency_ms", stab.steady_ms, "peak_latency_ms", stab.peak_ms,
                                      "peak_after_s", stab.peak_after_s, "time_to_stabilize_s",
                                      stab.stabilized ? json_real(stab.time_to_stabilize_s) : json_null()));
    }
    json_object_set_new(s, "cpu_core_s", json_pack("{s:f, s:f}", "allocated", l->allocated_core_s, "used",
                                                   l->cpu_ns_seen / 1e9));
    json_object_set_new(s, "memory_gb_s", json_real(l->memory_gb_s));
    json_object_set_new(s, "completed_per_gb_s",
                        json_real(l->memory_gb_s > 0 ? (double)l->ledger.completed / l->memory_gb_s : 0));
    json_object_set_new(s, "cold_starts", json_integer((json_int_t)l->cold_starts));
    json_object_set_new(s, "resizes", json_integer((json_int_t)l->resizes));
    json_object_set_new(s, "specializations", json_integer((json_int_t)l->specializations));
    json_object_set_new(s, "bounces", json_integer((json_int_t)l->bounces));
    json_object_set_new(s, "queued_on_arrival", json_integer((json_int_t)l->waited));
    json_t *live = json_object();
    json_t *hosts = json_array();
    for (int h = 0; h < l->host_count; h++)
        json_array_append_new(hosts, json_pack("{s:s, s:f, s:I}", "address", l->hosts[h].address, "cores",
                                               l->hosts[h].cores, "containers_started",
                                               (json_int_t)l->hosts[h].started));
    json_object_set_new(live, "hosts", hosts);
    json_object_set_new(live, "image", json_string(l->image));
    json_object_set_new(live, "container_start_failures", json_integer((json_int_t)l->start_failures));
    json_object_set_new(live, "containers_replaced", json_integer((json_int_t)l->replaced));
    json_object_set_new(live, "lateness_ms", json_pack("{s:f, s:f}", "mean",
                                                       l->ledger.arrived ? l->lateness_sum_ms / (double)l->ledger.arrived : 0.0,
                                                       "max", l->lateness_max_ms));
    json_object_set_new(s, "live", live);
    return s;
}

/* latency_cdf.csv as hfsim run writes it, so validation can compare distributions. */
bool hf_lv_write_latency_cdf(struct live *l, struct hf_error *err)
{
    FILE *f = hf_results_open(&l->results, "latency_cdf.csv", err);
    if (!f)
        return false;
    fputs("quantile,latency_ms\n", f);
    for (int i = 1; i <= 200; i++) {
        double q = i == 200 ? 1.0 : i / 200.0;
        fprintf(f, "%.3f,%.6g\n", q, hf_histogram_quantile(&l->latency, q) / 1e6);
    }
    return hf_results_close(&l->results, f, "latency_cdf.csv", err);
}
