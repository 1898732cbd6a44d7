#include "sim/timeseries.h"

bool hf_timeseries_begin(struct hf_timeseries *ts, FILE *out, const char *const *names, size_t count)
{
    ts->out = out;
    ts->columns = count;
    ts->rows = 0;
    fputs("time_s", out);
    for (size_t i = 0; i < count; i++)
        fprintf(out, ",%s", names[i]);
    return fputc('\n', out) != EOF;
}

bool hf_timeseries_row(struct hf_timeseries *ts, double time_s, const double *values)
{
    fprintf(ts->out, "%.9g", time_s);
    for (size_t i = 0; i < ts->columns; i++)
        fprintf(ts->out, ",%.9g", values[i]);
    ts->rows++;
    return fputc('\n', ts->out) != EOF;
}

const char *const hf_run_series_columns[HF_RUN_SERIES_COLUMNS] = {
    "arrivals", "completed", "failed", "in_system", "queued", "busy", "replicas", "ready", "vms",
    "latency_mean_ms", "latency_p50_ms", "latency_p99_ms", "cores_allocated", "cold_starts",
    "resizes", "specializations", "bounces", "cores_used", "latency_p50_rolling_ms",
    "latency_p99_rolling_ms",
};
