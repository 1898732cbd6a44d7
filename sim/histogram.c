#include "sim/histogram.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define LINEAR_LIMIT (UINT64_C(1) << (HF_HIST_SUB_BITS + 1)) /* 256: counted exactly below */
#define SUB_COUNT (1u << HF_HIST_SUB_BITS)                    /* 128 buckets per octave */

uint32_t hf_histogram_bucket(uint64_t value)
{
    if (value < LINEAR_LIMIT)
        return (uint32_t)value;
    int msb = 63 - __builtin_clzll(value);
    int shift = msb - HF_HIST_SUB_BITS; /* >= 1 */
    uint32_t mantissa = (uint32_t)(value >> shift); /* in [128, 256) */
    return (uint32_t)LINEAR_LIMIT + (uint32_t)(shift - 1) * SUB_COUNT + (mantissa - SUB_COUNT);
}

uint64_t hf_histogram_bucket_low(uint32_t bucket)
{
    if (bucket < LINEAR_LIMIT)
        return bucket;
    uint32_t rel = bucket - (uint32_t)LINEAR_LIMIT;
    int shift = (int)(rel / SUB_COUNT) + 1;
    uint64_t mantissa = SUB_COUNT + rel % SUB_COUNT;
    return mantissa << shift;
}

uint64_t hf_histogram_bucket_width(uint32_t bucket)
{
    if (bucket < LINEAR_LIMIT)
        return 1;
    return UINT64_C(1) << ((bucket - (uint32_t)LINEAR_LIMIT) / SUB_COUNT + 1);
}

bool hf_histogram_create(struct hf_histogram *h)
{
    memset(h, 0, sizeof *h);
    h->counts = calloc(HF_HIST_BUCKETS, sizeof *h->counts);
    hf_histogram_reset(h);
    return h->counts != NULL;
}

void hf_histogram_destroy(struct hf_histogram *h)
{
    free(h->counts);
    h->counts = NULL;
}

void hf_histogram_reset(struct hf_histogram *h)
{
    /* Clear only the touched range: per-interval histograms are reset every interval. */
    if (h->counts && h->total > 0)
        memset(h->counts + h->lowest_used, 0,
               (h->highest_used - h->lowest_used + 1) * sizeof *h->counts);
    h->total = 0;
    h->sum = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->lowest_used = HF_HIST_BUCKETS - 1;
    h->highest_used = 0;
}

void hf_histogram_add(struct hf_histogram *h, uint64_t value)
{
    uint32_t b = hf_histogram_bucket(value);
    h->counts[b]++;
    h->total++;
    h->sum += (double)value;
    if (value < h->min)
        h->min = value;
    if (value > h->max)
        h->max = value;
    if (b < h->lowest_used)
        h->lowest_used = b;
    if (b > h->highest_used)
        h->highest_used = b;
}

void hf_histogram_merge(struct hf_histogram *into, const struct hf_histogram *from)
{
    if (from->total == 0)
        return;
    for (uint32_t b = from->lowest_used; b <= from->highest_used; b++)
        into->counts[b] += from->counts[b];
    into->total += from->total;
    into->sum += from->sum;
    if (from->min < into->min)
        into->min = from->min;
    if (from->max > into->max)
        into->max = from->max;
    if (from->lowest_used < into->lowest_used)
        into->lowest_used = from->lowest_used;
    if (from->highest_used > into->highest_used)
        into->highest_used = from->highest_used;
}

void hf_histogram_subtract(struct hf_histogram *into, const struct hf_histogram *from)
{
    if (from->total == 0)
        return;
    for (uint32_t b = from->lowest_used; b <= from->highest_used; b++)
        into->counts[b] -= from->counts[b];
    into->total -= from->total;
    into->sum -= from->sum;
}

/* The value reported for bucket b: its midpoint, never beyond the exact extremes. */
static double bucket_value(const struct hf_histogram *h, uint32_t b)
{
    double mid = (double)hf_histogram_bucket_low(b) + (double)(hf_histogram_bucket_width(b) - 1) / 2.0;
    if (mid < (double)h->min)
        mid = (double)h->min;
    if (mid > (double)h->max)
        mid = (double)h->max;
    return mid;
}

void hf_histogram_quantiles(const struct hf_histogram *h, const double *q, size_t count, double *out)
{
    size_t i = 0;
    for (; i < count && (h->total == 0 || q[i] <= 0); i++)
        out[i] = h->total == 0 ? 0 : (double)h->min;
    uint64_t seen = 0; /* the counts of the buckets before b */
    uint32_t b = h->lowest_used;
    for (; i < count && q[i] < 1; i++) {
        uint64_t rank = (uint64_t)ceil(q[i] * (double)h->total); /* nearest rank, 1-based */
        rank = rank ? rank : 1;
        /* Whole blocks of 8 buckets first (one compare per block; most buckets are empty), then
         * bucket by bucket; each quantile resumes where the last stopped. */
        while (b + 8 <= h->highest_used + 1) {
            const uint64_t *c = &h->counts[b];
            uint64_t block = c[0] + c[1] + c[2] + c[3] + c[4] + c[5] + c[6] + c[7];
            if (seen + block >= rank)
                break;
            seen += block;
            b += 8;
        }
        while (b <= h->highest_used && seen + h->counts[b] < rank)
            seen += h->counts[b++];
        out[i] = b <= h->highest_used ? bucket_value(h, b) : (double)h->max;
    }
    for (; i < count; i++)
        out[i] = (double)h->max;
}

double hf_histogram_quantile(const struct hf_histogram *h, double q)
{
    if (h->total == 0)
        return 0;
    if (q <= 0)
        return (double)h->min;
    if (q >= 1)
        return (double)h->max;
    uint64_t rank = (uint64_t)ceil(q * (double)h->total); /* nearest rank, 1-based */
    if (rank == 0)
        rank = 1;
    uint64_t seen = 0;
    for (uint32_t b = h->lowest_used; b <= h->highest_used; b++) {
        seen += h->counts[b];
        if (seen >= rank)
            return bucket_value(h, b); /* the exact extremes are known: never beyond them */
    }
    return (double)h->max;
}

double hf_histogram_mean(const struct hf_histogram *h)
{
    return h->total ? h->sum / (double)h->total : 0;
}
