#include "app/metric_labels.h"

#include <string.h>

struct metric_label {
    const char *name, *label;
};

/* Units follow docs/results.md. "Response time" is what a client sees: queueing, cold start and
 * execution, plus the gateway. */
static const struct metric_label labels[] = {
    /* comparison.csv and sweep.csv */
    {"p50_ms", "median response time (ms)"},
    {"p99_ms", "p99 response time (ms)"},
    {"mean_ms", "mean response time (ms)"},
    {"time_to_stabilize_s", "time to stabilize after the burst (s)"},
    {"completed", "completed requests"},
    {"failed", "failed requests"},
    {"cpu_allocated_core_s", "CPU allocated (core-s)"},
    {"cpu_used_core_s", "CPU used (core-s)"},
    {"memory_gb_s", "memory allocated, or held by runtimes (GiB-s)"},
    {"wasted_memory_gb_s", "memory allocated but idle (GiB-s)"},
    {"cold_starts", "cold starts"},
    {"cold_start_probability", "fraction of requests that met a cold start"},
    {"app_cold_start_pct_p75", "75th-percentile app cold starts (%)"},
    {"resizes", "vertical resizes (HyperFaaS phase 1)"},
    {"specializations", "worker specializations (HyperFaaS sharing)"},
    {"bounces", "requests bounced to the global scheduler"},
    {"vm_cost_usd", "VM cost (USD)"},
    {"last_container_ready_s", "time until the last container was ready (s)"},
    {"registry_mib", "image data read from the registry (MiB)"},
    {"isolate_starts", "isolate starts (Hydra runtimes)"},
    {"completed_per_gb_s", "density: completed requests per GiB-s"},
    /* timeseries.csv */
    {"time_s", "time (s)"},
    {"arrivals", "arrivals per interval"},
    {"in_system", "requests in the system"},
    {"queued", "requests queued"},
    {"busy", "requests executing"},
    {"replicas", "containers asked for"},
    {"ready", "containers ready"},
    {"vms", "VMs"},
    {"latency_mean_ms", "mean response time (ms)"},
    {"latency_p50_ms", "median response time (ms)"},
    {"latency_p90_ms", "p90 response time (ms)"},
    {"latency_p99_ms", "p99 response time (ms)"},
    {"cores_allocated", "cores allocated"},
    {"cores_used", "cores used"},
    {"cores_idle", "cores allocated but idle"},
    {"latency_p50_rolling_ms", "median response time over the trailing window (ms)"},
    {"latency_p99_rolling_ms", "p99 response time over the trailing window (ms)"},
    /* validation.csv */
    {"containers_max", "most containers asked for"},
    {"containers_mean", "mean containers asked for"},
    {"cpu_core_s_alloc", "CPU allocated (core-s)"},
    {"cpu_core_s_used", "CPU used (core-s)"},
    /* derived in plots */
    {"latency_cdf", "fraction of requests"},
};

const char *hf_metric_label(const char *name)
{
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        if (strcmp(labels[i].name, name) == 0)
            return labels[i].label;
    return name;
}

void hf_metric_labels_gnuplot(FILE *out)
{
    fputs("# Metric labels (app/metric_labels.c: one table for every plot and report).\n", out);
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        fprintf(out, "L_%s = '%s'\n", labels[i].name, labels[i].label);
}
