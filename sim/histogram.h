/* A log-linear histogram of non-negative integer values (latencies in nanoseconds).
 *
 * Values below 256 are counted exactly; above, each power-of-two range is split into 128 equal
 * buckets, so a bucket spans at most 1/128 of its lower bound. Percentiles report the bucket
 * midpoint, within 0.4 % of the true sample value (the nearest-rank definition: the smallest value v
 * such that at least q*n samples are <= v). Memory is fixed (about 60 KiB) whatever the count.
 * Min, max and sum are kept exactly (the sum as a double, for the mean).
 *
 * Sparse use is cheap: a bitmap marks the nonzero buckets, so resetting, merging from and
 * subtracting a histogram of a few dozen values (one output interval's latencies) visit those
 * buckets, in order, and the bitmap's words over its touched range, not the thousand-odd buckets
 * between its extremes. Counts are also summed per group of HF_HIST_GROUP buckets, so a quantile
 * skips empty groups and blocks instead of reading every bucket.
 *
 * Ownership: plain value; hf_histogram_create/destroy manage its bucket array.
 * Errors: create returns false when out of memory. */
#ifndef HF_HISTOGRAM_H
#define HF_HISTOGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HF_HIST_SUB_BITS 7
#define HF_HIST_BUCKETS (256 + 56 * 128)

#define HF_HIST_GROUP 128 /* buckets summed per group (an octave), so that scans skip empty ones */
#define HF_HIST_GROUPS (HF_HIST_BUCKETS / HF_HIST_GROUP)

struct hf_histogram {
    uint64_t *counts; /* HF_HIST_BUCKETS entries */
    uint64_t nonzero[(HF_HIST_BUCKETS + 63) / 64]; /* bit b: counts[b] > 0 */
    uint64_t groups[HF_HIST_GROUPS]; /* counts summed per HF_HIST_GROUP buckets */
    uint64_t total;
    double sum;
    uint64_t min, max;
    uint32_t lowest_used, highest_used; /* bucket range touched since the last reset */
};

bool hf_histogram_create(struct hf_histogram *h);
void hf_histogram_destroy(struct hf_histogram *h);
void hf_histogram_reset(struct hf_histogram *h);

void hf_histogram_add(struct hf_histogram *h, uint64_t value);
/* Adds every count of `from` into `into`. */
void hf_histogram_merge(struct hf_histogram *into, const struct hf_histogram *from);

/* Takes every count of `from` out of `into` (which must hold them: `from` was merged into it).
 * Counts and total are exact; sum may drift by rounding, and min, max and the touched range still
 * cover the removed values: a caller that needs them exact sets them. */
void hf_histogram_subtract(struct hf_histogram *into, const struct hf_histogram *from);

/* One nonzero bucket and its count. */
struct hf_bucket_count {
    uint32_t bucket;
    uint64_t count;
};
/* Moves h's nonzero buckets, in ascending order, into out (room for HF_HIST_BUCKETS entries) and
 * resets h; returns how many. Work: the nonzero buckets and the bitmap's words over the range. */
size_t hf_histogram_take(struct hf_histogram *h, struct hf_bucket_count *out);

/* q in [0, 1]; returns 0 for an empty histogram. q = 0 gives the exact min, q = 1 the exact max. */
double hf_histogram_quantile(const struct hf_histogram *h, double q);
/* The same for `count` quantiles in ascending order, in one pass over the buckets. */
void hf_histogram_quantiles(const struct hf_histogram *h, const double *q, size_t count, double *out);
double hf_histogram_mean(const struct hf_histogram *h);

/* Bucket mapping, exposed for tests. */
uint32_t hf_histogram_bucket(uint64_t value);
uint64_t hf_histogram_bucket_low(uint32_t bucket);
uint64_t hf_histogram_bucket_width(uint32_t bucket);
/* The value a quantile reports for a bucket: its midpoint, clamped to the exact [min, max]. */
double hf_histogram_bucket_value(uint32_t bucket, uint64_t min, uint64_t max);

#endif
