#include "sim/timeseries.h"

#include <string.h>

#include "sim/number_format.h"

bool hf_timeseries_begin(struct hf_timeseries *ts, FILE *out, const char *const *names, size_t count)
{
    if (count > HF_RUN_SERIES_MAX_COLUMNS)
        return false;
    ts->out = out;
    ts->columns = count;
    ts->rows = 0;
    memset(ts->last_length, 0, sizeof ts->last_length);
    /* A large buffer: a long run writes millions of rows (the stream's own I/O, before any). */
    setvbuf(out, NULL, _IOFBF, 1 << 20);
    fputs("time_s", out);
    for (size_t i = 0; i < count; i++)
        fprintf(out, ",%s", names[i]);
    return fputc('\n', out) != EOF;
}

bool hf_timeseries_row(struct hf_timeseries *ts, double time_s, const double *values)
{
    /* The row is built in one buffer and written at once; numbers as %.9g, without printf. */
    char row[(HF_RUN_SERIES_MAX_COLUMNS + 1) * HF_NUMBER_G9_MAX + 2];
    size_t n = hf_format_g9(row, time_s);
    for (size_t i = 0; i < ts->columns && i < HF_RUN_SERIES_MAX_COLUMNS; i++) {
        row[n++] = ',';
        uint64_t bits;
        memcpy(&bits, &values[i], sizeof bits);
        if (ts->last_length[i] == 0 || bits != ts->last_bits[i]) { /* the same bits print the same */
            ts->last_bits[i] = bits;
            ts->last_length[i] = (uint8_t)hf_format_g9(ts->last_text[i], values[i]);
        }
        memcpy(row + n, ts->last_text[i], HF_NUMBER_G9_MAX); /* whole: a fixed-size copy is cheapest */
        n += ts->last_length[i];
    }
    row[n++] = '\n';
    ts->rows++;
    return fwrite(row, 1, n, ts->out) == n;
}

const char *const hf_run_series_columns[HF_RUN_SERIES_COLUMNS] = {
    "arrivals", "completed", "failed", "in_system", "queued", "busy", "replicas", "ready", "vms",
    "latency_mean_ms", "latency_p50_ms", "latency_p99_ms", "cores_allocated", "cold_starts",
    "resizes", "specializations", "bounces", "cores_used", "latency_p50_rolling_ms",
    "latency_p99_rolling_ms",
};
