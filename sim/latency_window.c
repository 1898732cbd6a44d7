#include "sim/latency_window.h"

#include <stdlib.h>

static void clear(struct hf_sparse_latencies *s)
{
    s->len = 0;
    s->total = 0;
    s->min = UINT64_MAX;
    s->max = 0;
}

bool hf_latency_window_init(struct hf_latency_window *w, int width, const double *q, int count)
{
    *w = (struct hf_latency_window){
        .width = width < 1 ? 1 : width > HF_LATENCY_WINDOW_MAX ? HF_LATENCY_WINDOW_MAX : width,
        .quantiles = count < 0 ? 0 : count > HF_LATENCY_WINDOW_QUANTILES ? HF_LATENCY_WINDOW_QUANTILES : count,
        .min = UINT64_MAX,
    };
    for (int i = 0; i < w->quantiles; i++)
        w->q[i] = q[i];
    w->counts = calloc(HF_HIST_BUCKETS, sizeof *w->counts);
    w->scratch = malloc(HF_HIST_BUCKETS * sizeof *w->scratch);
    bool ok = w->counts && w->scratch;
    for (; ok && w->allocated < w->width; w->allocated++) {
        w->intervals[w->allocated].items = malloc(HF_HIST_BUCKETS * sizeof *w->intervals[0].items);
        ok = w->intervals[w->allocated].items != NULL;
        clear(&w->intervals[w->allocated]);
    }
    w->newest = w->width - 1; /* the first push fills slot 0 */
    if (!ok)
        hf_latency_window_fini(w);
    return ok;
}

void hf_latency_window_fini(struct hf_latency_window *w)
{
    for (int i = 0; i < w->allocated; i++)
        free(w->intervals[i].items);
    free(w->counts);
    free(w->scratch);
    *w = (struct hf_latency_window){0};
}

/* Adds (sign +1) or takes out (-1) an interval's counts, keeping each finger's count below it. The
 * list is in ascending order and so are the fingers (ascending quantiles; those at 0 or 1 are never
 * moved, and their counts never read): one pass finds, for each finger, the interval's count below
 * it. */
/* The nearest rank of q among `total` values (1-based), as hf_histogram_quantiles computes it. */
static uint64_t rank_of(double q, uint64_t total)
{
    double exact = q * (double)total;
    uint64_t rank = (uint64_t)exact; /* ceil without the library call (below 2^64, q < 1) */
    rank += (double)rank < exact;
    return rank ? rank : 1;
}

static inline void apply(struct hf_latency_window *w, const struct hf_sparse_latencies *s, int sign)
{
    /* Adding the newest interval also finds its own percentiles: the bucket where the running
     * count first reaches each rank (ranks of 0 or 1 are the extremes, set after). */
    uint64_t ranks[HF_LATENCY_WINDOW_QUANTILES + 1];
    int r = 0, ranked = 0;
    if (sign > 0)
        for (int i = 0; i < w->quantiles; i++)
            if (s->total > 0 && w->q[i] > 0 && w->q[i] < 1)
                ranks[ranked++] = rank_of(w->q[i], s->total);
    ranks[ranked] = UINT64_MAX;
    uint32_t rank_buckets[HF_LATENCY_WINDOW_QUANTILES];
    uint64_t *counts = w->counts;
    const struct hf_bucket_count *items = s->items;
    int quantiles = w->quantiles, f = 0;
    uint32_t next_finger = quantiles > 0 ? w->finger[0] : UINT32_MAX;
    uint64_t prefix = 0, below[HF_LATENCY_WINDOW_QUANTILES]; /* the interval's count below each */
    for (size_t k = 0; k < s->len; k++) {
        uint32_t b = items[k].bucket;
        uint64_t c = items[k].count;
        counts[b] = sign > 0 ? counts[b] + c : counts[b] - c;
        while (b >= next_finger) {
            below[f++] = prefix;
            next_finger = f < quantiles ? w->finger[f] : UINT32_MAX;
        }
        prefix += c;
        while (prefix >= ranks[r])
            rank_buckets[r++] = b;
    }
    for (; f < quantiles; f++)
        below[f] = prefix;
    for (f = 0; f < quantiles; f++)
        w->below[f] = sign > 0 ? w->below[f] + below[f] : w->below[f] - below[f];
    w->total = sign > 0 ? w->total + s->total : w->total - s->total;
    if (sign < 0)
        return;
    r = 0;
    for (int i = 0; i < w->quantiles; i++) /* as hf_histogram_quantiles reports them */
        if (s->total == 0)
            w->interval_q[i] = 0;
        else if (w->q[i] <= 0)
            w->interval_q[i] = (double)s->min;
        else if (w->q[i] >= 1 || r >= ranked)
            w->interval_q[i] = (double)s->max;
        else
            w->interval_q[i] = hf_histogram_bucket_value(rank_buckets[r++], s->min, s->max);
}

void hf_latency_window_push(struct hf_latency_window *w, struct hf_histogram *interval)
{
    w->newest = (w->newest + 1) % w->width;
    struct hf_sparse_latencies *slot = &w->intervals[w->newest]; /* holds the outgoing interval */
    apply(w, slot, -1);
    /* The incoming list was written to the scratch buffer; the outgoing list's becomes the next
     * scratch (buffers change hands, nothing is copied). */
    struct hf_bucket_count *outgoing = slot->items;
    *slot = (struct hf_sparse_latencies){
        .items = w->scratch,
        .total = interval->total,
        .min = interval->min,
        .max = interval->max,
    };
    slot->len = hf_histogram_take(interval, w->scratch);
    w->scratch = outgoing;
    apply(w, slot, +1);
    /* The window's extremes are its intervals' (exact: unlike counts they cannot be taken out). */
    w->min = UINT64_MAX;
    w->max = 0;
    for (int i = 0; i < w->width; i++) {
        const struct hf_sparse_latencies *s = &w->intervals[i];
        if (s->total == 0)
            continue;
        w->min = s->min < w->min ? s->min : w->min;
        w->max = s->max > w->max ? s->max : w->max;
    }
}

void hf_latency_window_interval_quantiles(const struct hf_latency_window *w, double *out)
{
    for (int i = 0; i < w->quantiles; i++)
        out[i] = w->interval_q[i];
}

void hf_latency_window_quantiles(struct hf_latency_window *w, double *out)
{
    for (int i = 0; i < w->quantiles; i++) {
        if (w->total == 0 || w->q[i] <= 0) {
            out[i] = w->total == 0 ? 0 : (double)w->min;
            continue;
        }
        if (w->q[i] >= 1) {
            out[i] = (double)w->max;
            continue;
        }
        /* The first bucket whose count, with those below it, reaches the rank: the finger moves
         * until below < rank <= below + counts[finger] (such a bucket holds values, and it moves
         * down only past buckets whose counts it takes out of `below`, so `below` stays exact). */
        uint64_t rank = rank_of(w->q[i], w->total);
        uint32_t f = w->finger[i];
        uint64_t below = w->below[i];
        while (below >= rank)
            below -= w->counts[--f];
        while (below + w->counts[f] < rank)
            below += w->counts[f++];
        w->finger[i] = f;
        w->below[i] = below;
        out[i] = hf_histogram_bucket_value(f, w->min, w->max);
    }
}
