/* Live results in the layout of hfsim run: timeseries.csv rows (with a round of engine stats and
 * worker reports per row), summary.json, latency_cdf.csv. */
#include "live/live_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "sim/schema.h"
#include "version.h"

void hf_lv_start_sampling(struct live *l)
{
    if (l->sampling)
        return; /* the previous round is still asking the engines */
    struct usage_job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->fd = l->pipe_fds[1];
    j->connections = l->connections;
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

/* One timeseries.csv row per outputs.interval_s, written by the recorder from the live stats: the
 * gauges and the allocation integrals are computed here (cores_used comes from the engines' stats,
 * which lag by up to one sampling round); then the next round of engine stats is started. */
void hf_lv_on_sample(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct live *l = ctx;
    struct hf_model_stats *st = &l->stats;
    double interval_ns = (double)l->interval, cores = 0, memory_mib = 0, idle_mib = 0;
    uint64_t replicas = 0, ready = 0, queued = 0, busy = 0;
    for (uint32_t f = 0; f < l->function_count; f++) {
        replicas += l->functions[f].active;
        ready += l->functions[f].ready;
        queued += l->functions[f].queue.count;
        busy += l->functions[f].in_flight;
    }
    for (int c = 0; c < MAX_CONTAINERS; c++)
        if (l->containers[c].state != C_FREE && l->containers[c].state != C_PENDING) { /* placed on an engine */
            cores += l->containers[c].cpu_limit;
            double mib = (double)l->functions[l->containers[c].function].memory_bytes / 1048576.0;
            memory_mib += mib;
            if (l->containers[c].state == C_READY && l->containers[c].in_flight == 0)
                idle_mib += mib;
        }
    /* Live gauges are known at samples only: their time averages are sample averages, of the
     * counts as they were over the interval that ends here. */
    hf_gauges_advance(&st->gauges, hf_engine_now(e), st->replicas, st->ready, st->busy_containers, st->busy);
    uint32_t busy_containers = 0;
    for (int c = 0; c < MAX_CONTAINERS; c++)
        busy_containers += l->containers[c].state != C_FREE && l->containers[c].in_flight > 0;
    st->busy_containers = busy_containers;
    st->allocated_core_ns += cores * interval_ns;
    st->memory_gb_s += memory_mib / 1024.0 * (interval_ns / 1e9);
    st->wasted_memory_gb_s += idle_mib / 1024.0 * (interval_ns / 1e9); /* sampled, as memory_gb_s */
    st->replicas = (uint32_t)replicas;
    st->ready = (uint32_t)ready;
    st->queued = (uint32_t)queued;
    st->busy = (uint32_t)busy;
    st->vms = (uint32_t)l->host_count;
    st->allocated_cores_now = cores;
    hf_recorder_sample(&l->recorder, hf_engine_now(e), st);
    hf_contention_sample(&l->contention);
    hf_lv_start_sampling(l);
    if (hf_engine_now(e) + l->interval <= l->drain_end)
        hf_engine_after(e, l->interval, hf_lv_on_sample, l, 0);
}

json_t *hf_lv_write_functions(struct live *l, struct hf_error *err)
{
    struct hf_function_counts *counts = malloc((l->function_count ? l->function_count : 1) * sizeof *counts);
    if (!counts) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    for (uint32_t f = 0; f < l->function_count; f++) {
        counts[f] = l->functions[f].counts;
        counts[f].arrived = l->functions[f].arrived;
        counts[f].completed = l->functions[f].completed;
    }
    struct hf_function_names names = l->trace ? hf_trace_function_names(l->trace) : (struct hf_function_names){0};
    json_t *apps = hf_function_stats_write(&l->results, counts, l->function_count, l->trace ? &names : NULL, err);
    free(counts);
    return apps;
}

/* summary.json: the recorder's (the same keys as hfsim run, model "live"), plus a "live" object. */
json_t *hf_lv_summary(const json_t *scenario, struct live *l)
{
    json_t *trace = l->trace ? hf_trace_report_json(l->trace, hf_json_number_at(scenario, "trace.check_tolerance"))
                             : NULL;
    json_t *s = hf_recorder_summary(&l->recorder, scenario, &l->stats, "live", hf_lv_now(l), trace, -1);
    json_t *live = json_object();
    json_t *hosts = json_array();
    for (int h = 0; h < l->host_count; h++)
        json_array_append_new(hosts, json_pack("{s:s, s:f, s:f, s:f, s:f, s:I, s:I}", "address",
                                               l->hosts[h].address, "cores", l->hosts[h].cores, "memory_mib",
                                               l->hosts[h].memory_mib, "reserve_cores", l->reserve_cores,
                                               "reserve_memory_mib", l->reserve_memory_mib, "containers_started",
                                               (json_int_t)l->hosts[h].started, "requests_completed",
                                               (json_int_t)l->hosts[h].completed));
    json_object_set_new(live, "hosts", hosts);
    json_object_set_new(live, "image", json_string(l->image));
    json_object_set_new(live, "container_start_failures", json_integer((json_int_t)l->start_failures));
    json_object_set_new(live, "containers_replaced", json_integer((json_int_t)l->replaced));
    /* Containers asked for that no engine had room for (they waited, pending, as unscheduled pods). */
    json_object_set_new(live, "containers_waited_for_room", json_integer((json_int_t)l->waited_for_room));
    json_object_set_new(live, "lateness_ms", json_pack("{s:f, s:f}", "mean",
                                                       l->stats.ledger.arrived
                                                           ? l->lateness_sum_ms / (double)l->stats.ledger.arrived
                                                           : 0.0,
                                                       "max", l->lateness_max_ms));
    struct hf_contention_host engines[MAX_HOSTS];
    for (int h = 0; h < l->host_count; h++)
        engines[h] = (struct hf_contention_host){l->hosts[h].address, l->hosts[h].cores, &l->hosts[h].load,
                                                 l->hosts[h].boot_id};
    json_object_set_new(live, "contention",
                        hf_contention_json(&l->contention, l->lateness_max_ms, engines, (size_t)l->host_count));
    /* HTTP calls to the workers (requests, reports, specializations) and the TCP connections they
     * opened: the others went over a kept-alive connection */
    struct hf_worker_connection_counts calls = hf_worker_connections_counts(l->connections);
    json_object_set_new(live, "worker_http", json_pack("{s:I, s:I}", "calls", (json_int_t)calls.calls,
                                                       "connections_opened", (json_int_t)calls.opened));
    json_object_set_new(s, "live", live);
    return s;
}
