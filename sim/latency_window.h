/* Latency percentiles for timeseries.csv rows: those of the latest output interval, and those over
 * a trailing window of the last `width` intervals (outputs.stabilize_window_s; one interval holds
 * too few requests for a steady p99).
 *
 * Each interval is kept as its nonzero buckets in ascending order (a few dozen for a 1 s interval);
 * the window is their sum, bucket by bucket, updated as an interval comes in and the oldest leaves
 * (its listed buckets only). The window's percentiles are fixed at init, and each is followed by a
 * finger: its bucket and the count below it, kept as counts change and moved bucket by bucket to
 * the new rank. A distribution that drifts moves its fingers a few buckets per interval, so a row
 * costs work in proportion to the interval's requests, not to the thousands of buckets a
 * histogram spans, and a run with 1 s rows costs little more than one with hourly rows.
 *
 * Percentiles are those hf_histogram_quantiles would give for the same counts (a histogram holding
 * the interval, or the window's intervals merged), to the bit: the same nearest rank, bucket
 * midpoint and exact extremes. Values are nanoseconds.
 *
 * Ownership: init allocates every list at its largest (HF_HIST_BUCKETS entries; pages never
 * touched cost no memory), so pushing never allocates; fini frees them.
 * Errors: init returns false when out of memory. */
#ifndef HF_LATENCY_WINDOW_H
#define HF_LATENCY_WINDOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/histogram.h"

#define HF_LATENCY_WINDOW_MAX 60 /* intervals in a window */

/* Nonzero buckets in ascending order, with the exact extremes of the values counted. */
struct hf_sparse_latencies {
    struct hf_bucket_count *items;
    size_t len;
    uint64_t total, min, max; /* min = UINT64_MAX, max = 0 when empty */
};

#define HF_LATENCY_WINDOW_QUANTILES 4 /* percentiles followed */

struct hf_latency_window {
    struct hf_sparse_latencies intervals[HF_LATENCY_WINDOW_MAX]; /* a ring; `newest` is the latest */
    uint64_t *counts;                                             /* the window's, per bucket */
    uint64_t total, min, max;                                     /* the window's */
    double q[HF_LATENCY_WINDOW_QUANTILES];
    uint32_t finger[HF_LATENCY_WINDOW_QUANTILES];  /* the bucket last found for q[i] */
    uint64_t below[HF_LATENCY_WINDOW_QUANTILES];   /* the window's count below finger[i] */
    double interval_q[HF_LATENCY_WINDOW_QUANTILES]; /* the newest interval's, found as it came in */
    struct hf_bucket_count *scratch;               /* the next interval's list, before it has a slot */
    int width, newest, allocated, quantiles;
};

/* width in [1, HF_LATENCY_WINDOW_MAX]; q: `count` (<= HF_LATENCY_WINDOW_QUANTILES) percentiles in
 * ascending order, each in [0, 1], that both queries below return. The window starts empty. */
bool hf_latency_window_init(struct hf_latency_window *w, int width, const double *q, int count);
void hf_latency_window_fini(struct hf_latency_window *w);

/* The interval that just ended: its counts move into the window as the newest interval (the
 * oldest leaves once `width` are held), and `interval` is reset for the next. */
void hf_latency_window_push(struct hf_latency_window *w, struct hf_histogram *interval);

/* The init's percentiles (ns; 0 when empty) of the newest interval, or of the window, into out. */
void hf_latency_window_interval_quantiles(const struct hf_latency_window *w, double *out);
void hf_latency_window_quantiles(struct hf_latency_window *w, double *out);

#endif
