/* The results recorder: the one module that turns a backend's stats (sim/model_stats.h) into
 * timeseries.csv rows, the time-to-stabilize bins, the common part of summary.json and
 * latency_cdf.csv. The simulated run loop and the live backend both feed it, so sim and live write
 * the same files with the same keys by construction (docs/results.md lists them).
 *
 * Use: init (after the results directory is open), hf_recorder_schedule_bins once on the backend's
 * engine, then call hf_recorder_sample every outputs.interval_s (after the backend's account); at
 * the end hf_recorder_summary and hf_recorder_write_latency_cdf.
 * Sampling resets the stats' interval counters, binning the bin counters; nothing else is written.
 *
 * Ownership: the recorder borrows the timeseries FILE (the caller closes it) and owns its
 * latency window (fini). Errors: init fails when out of memory or when outputs.interval_s would write more
 * than HF_RECORDER_ROWS_MAX rows (HF_EXIT_BAD_INPUT); a failed row write is remembered
 * (hf_recorder_write_failed). */
#ifndef HF_RECORDER_H
#define HF_RECORDER_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/histogram.h"
#include "sim/latency_window.h"
#include "sim/model_stats.h"
#include "sim/results.h"
#include "sim/stabilization.h"
#include "sim/time.h"
#include "sim/timeseries.h"

#define HF_RECORDER_BIN_S 1.0 /* the stabilization bins: their own clock, not the output interval's */
/* Bins are kept only over the first burst's window, which the analysis reads; a window longer than
 * this many bins (16 bytes each) is not analysed and the summary says so, rather than holding
 * gigabytes for a 1e9 s burst. */
#define HF_RECORDER_BINS_MAX 10000000
/* timeseries.csv rows a run may write: beyond it (a 1e9 s run at 1 s, an interval of 1e-9 s) init
 * refuses, naming the interval that fits, instead of filling the disk. */
#define HF_RECORDER_ROWS_MAX 10000000

struct hf_recorder {
    hf_time interval; /* outputs.interval_s */
    struct hf_timeseries series;
    /* The latest intervals' latencies, for percentiles over a trailing window
     * (outputs.stabilize_window_s): one interval is too few requests for a steady p99. */
    struct hf_latency_window latencies;
    struct hf_latency_bins bins;
    size_t bins_end;     /* one past the last bin the burst analysis reads; 0: no bins (no burst) */
    bool bins_too_many;  /* the burst's window exceeds HF_RECORDER_BINS_MAX bins: not analysed */
    struct hf_model_stats *bin_stats; /* whose bin counters the bin events read (schedule_bins) */
    hf_time bin_stop;                 /* no bin event after this time */
    double sampled_busy_core_ns; /* CPU used up to the previous row, for cores_used */
    bool write_failed;
};

bool hf_recorder_init(struct hf_recorder *rec, const json_t *scenario, FILE *series_file, struct hf_error *err);
void hf_recorder_fini(struct hf_recorder *rec);

/* One timeseries.csv row stamped `now` from the stats' gauges and interval counters. */
void hf_recorder_sample(struct hf_recorder *rec, hf_time now, struct hf_model_stats *stats);
/* requests.csv (outputs.requests_csv): the header, written by whoever opens the file, then one line
 * per request as it ends, written by the backend through stats->requests_log (NULL: not asked for),
 * so every backend writes the same columns. */
#define HF_REQUESTS_CSV_HEADER "id,function,arrival_s,end_s,latency_ms,outcome\n"
void hf_request_log(const struct hf_model_stats *stats, uint64_t id, uint32_t function, hf_time arrival, hf_time end,
                    const char *outcome);

/* Schedules the stabilization bins on `engine`, every HF_RECORDER_BIN_S from stabilize_window_s
 * before the first burst to its end (and not after `stop`), each reading and resetting `stats`' bin
 * counters. Without a burst nothing is scheduled. Returns false when the engine refused the event. */
bool hf_recorder_schedule_bins(struct hf_recorder *rec, struct hf_engine *engine, struct hf_model_stats *stats,
                               hf_time stop);
bool hf_recorder_write_failed(const struct hf_recorder *rec);
/* p99 latency over the rolling window, ms (for progress lines; moves the window's fingers). */
double hf_recorder_rolling_p99_ms(struct hf_recorder *rec);

/* summary.json's common part, keys in a fixed order. `trace_report` (stolen; NULL without a trace)
 * replaces the burst analysis; `vm_price_per_hour` < 0: the backend bills no VMs. The caller may
 * append backend-only objects (live: "live") after it. */
json_t *hf_recorder_summary(const struct hf_recorder *rec, const json_t *scenario, const struct hf_model_stats *stats,
                            const char *model, hf_time end, json_t *trace_report, double vm_price_per_hour);

/* latency_cdf.csv: completed requests' latency at 200 quantiles (and the maximum). */
bool hf_recorder_write_latency_cdf(struct hf_results *results, const struct hf_model_stats *stats,
                                   struct hf_error *err);

#endif
