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

static inline void mark(uint64_t *bits, uint32_t b) { bits[b / 64] |= UINT64_C(1) << (b % 64); }

/* Runs the statement after `b` for every nonzero bucket `b` of h, in ascending order: the set
 * bits of the bitmap's words over its touched range (a step per word, then one per bucket used). */
#define FOR_EACH_USED(h, b, ...)                                                                          \
    do {                                                                                                 \
        if ((h)->lowest_used <= (h)->highest_used)                                                       \
            for (uint32_t w_ = (h)->lowest_used / 64; w_ <= (h)->highest_used / 64; w_++)                \
                for (uint64_t word_ = (h)->nonzero[w_]; word_; word_ &= word_ - 1) {                      \
                    uint32_t b = w_ * 64 + (uint32_t)__builtin_ctzll(word_);                             \
                    __VA_ARGS__;                                                                         \
                }                                                                                        \
    } while (0)

/* Clears the bitmap words and group sums over h's touched range. */
static void clear_range(struct hf_histogram *h)
{
    if (h->lowest_used > h->highest_used)
        return;
    uint32_t first = h->lowest_used / 64, last = h->highest_used / 64;
    memset(h->nonzero + first, 0, (last - first + 1) * sizeof *h->nonzero);
    first = h->lowest_used / HF_HIST_GROUP;
    last = h->highest_used / HF_HIST_GROUP;
    memset(h->groups + first, 0, (last - first + 1) * sizeof *h->groups);
}

static void reset_fields(struct hf_histogram *h)
{
    h->total = 0;
    h->sum = 0;
    h->min = UINT64_MAX;
    h->max = 0;
    h->lowest_used = HF_HIST_BUCKETS - 1;
    h->highest_used = 0;
}

void hf_histogram_reset(struct hf_histogram *h)
{
    /* Clear only what was used: per-interval histograms are reset every interval. */
    if (h->counts) {
        FOR_EACH_USED(h, b, h->counts[b] = 0);
        clear_range(h);
    }
    reset_fields(h);
}

void hf_histogram_add(struct hf_histogram *h, uint64_t value)
{
    uint32_t b = hf_histogram_bucket(value);
    if (h->counts[b]++ == 0)
        mark(h->nonzero, b);
    h->groups[b / HF_HIST_GROUP]++;
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
    FOR_EACH_USED(from, b, {
        if (into->counts[b] == 0)
            mark(into->nonzero, b);
        into->counts[b] += from->counts[b];
        into->groups[b / HF_HIST_GROUP] += from->counts[b];
    });
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
    FOR_EACH_USED(from, b, {
        into->counts[b] -= from->counts[b];
        into->groups[b / HF_HIST_GROUP] -= from->counts[b];
        if (into->counts[b] == 0)
            into->nonzero[b / 64] &= ~(UINT64_C(1) << (b % 64));
    });
    into->total -= from->total;
    into->sum -= from->sum;
}

double hf_histogram_bucket_value(uint32_t b, uint64_t min, uint64_t max)
{
    double mid = (double)hf_histogram_bucket_low(b) + (double)(hf_histogram_bucket_width(b) - 1) / 2.0;
    if (mid < (double)min)
        mid = (double)min;
    if (mid > (double)max)
        mid = (double)max;
    return mid;
}

size_t hf_histogram_take(struct hf_histogram *h, struct hf_bucket_count *out)
{
    size_t n = 0;
    FOR_EACH_USED(h, b, {
        out[n++] = (struct hf_bucket_count){b, h->counts[b]};
        h->counts[b] = 0; /* the reset, while the line is at hand */
    });
    clear_range(h);
    reset_fields(h);
    return n;
}

void hf_histogram_quantiles(const struct hf_histogram *h, const double *q, size_t count, double *out)
{
    size_t i = 0;
    for (; i < count && (h->total == 0 || q[i] <= 0); i++)
        out[i] = h->total == 0 ? 0 : (double)h->min;
    uint64_t seen = 0; /* the counts of the buckets before the current one */
    uint32_t b = h->lowest_used;
    for (; i < count && q[i] < 1; i++) {
        uint64_t rank = (uint64_t)ceil(q[i] * (double)h->total); /* nearest rank, 1-based */
        rank = rank ? rank : 1;
        /* Whole groups first, then blocks of 8 buckets (one compare each; most buckets are empty),
         * then bucket by bucket; each quantile resumes where the last stopped. */
        if (b % HF_HIST_GROUP == 0 || b == h->lowest_used) { /* nothing of b's group lies below b */
            uint32_t g = b / HF_HIST_GROUP;
            while ((g + 1) * HF_HIST_GROUP <= h->highest_used && seen + h->groups[g] < rank) {
                seen += h->groups[g++];
                b = g * HF_HIST_GROUP;
            }
        }
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
        out[i] = b <= h->highest_used ? hf_histogram_bucket_value(b, h->min, h->max) : (double)h->max;
    }
    for (; i < count; i++)
        out[i] = (double)h->max;
}

double hf_histogram_quantile(const struct hf_histogram *h, double q)
{
    double out;
    hf_histogram_quantiles(h, &q, 1, &out);
    return out;
}

double hf_histogram_mean(const struct hf_histogram *h)
{
    return h->total ? h->sum / (double)h->total : 0;
}
