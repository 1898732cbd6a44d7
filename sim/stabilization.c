#include "sim/stabilization.h"

#include <math.h>
#include <stdlib.h>

void hf_latency_bins_init(struct hf_latency_bins *b, double width_s, size_t first)
{
    *b = (struct hf_latency_bins){.width_s = width_s, .first = first};
}

void hf_latency_bins_fini(struct hf_latency_bins *b)
{
    free(b->sum_ms);
    free(b->count);
    *b = (struct hf_latency_bins){.width_s = b->width_s, .first = b->first};
}

bool hf_latency_bins_push(struct hf_latency_bins *b, double sum_ms, uint64_t count)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double *s = realloc(b->sum_ms, cap * sizeof *s);
        if (!s)
            return false;
        b->sum_ms = s;
        uint64_t *c = realloc(b->count, cap * sizeof *c);
        if (!c)
            return false;
        b->count = c;
        b->cap = cap;
    }
    b->sum_ms[b->n] = sum_ms;
    b->count[b->n++] = count;
    return true;
}

/* Completion-weighted mean over bins [first, last); NAN when nothing completed there. */
static double mean_over(const struct hf_latency_bins *b, size_t first, size_t last)
{
    double sum = 0;
    uint64_t count = 0;
    for (size_t i = first > b->first ? first : b->first; i < last && i < b->first + b->n; i++) {
        sum += b->sum_ms[i - b->first];
        count += b->count[i - b->first];
    }
    return count ? sum / (double)count : NAN;
}

void hf_stabilization_compute(const struct hf_latency_bins *b, double burst_start_s, double burst_end_s,
                              double window_s, double steady_s, double tolerance,
                              struct hf_stabilization *out)
{
    *out = (struct hf_stabilization){0};
    size_t w = (size_t)ceil(window_s / b->width_s - 1e-9);
    size_t start = (size_t)floor(burst_start_s / b->width_s + 1e-9); /* first bin of the burst */
    size_t end = (size_t)ceil(burst_end_s / b->width_s - 1e-9);      /* one past its last bin */
    if (end > b->first + b->n)
        end = b->first + b->n;
    size_t steady_bins = (size_t)ceil(steady_s / b->width_s - 1e-9);
    if (w == 0 || end <= start || steady_bins == 0)
        return;
    double steady = mean_over(b, end > steady_bins ? end - steady_bins : 0, end);
    if (isnan(steady))
        return;
    out->steady_ms = steady;
    /* Walk back from the burst's end while the rolling mean stays in the band. */
    size_t first_ok = end;
    for (size_t i = end; i-- > start;) {
        double r = mean_over(b, i + 1 >= w ? i + 1 - w : 0, i + 1);
        if (isnan(r) || fabs(r - steady) > tolerance * steady)
            break;
        first_ok = i;
    }
    for (size_t i = start; i < end; i++) {
        double r = mean_over(b, i + 1 >= w ? i + 1 - w : 0, i + 1);
        if (!isnan(r) && r > out->peak_ms) {
            out->peak_ms = r;
            out->peak_after_s = (double)(i + 1) * b->width_s - burst_start_s;
        }
    }
    if (first_ok < end) {
        out->stabilized = true;
        /* R at bin i covers the window ending at the bin's end. */
        double t = (double)(first_ok + 1) * b->width_s - burst_start_s;
        out->time_to_stabilize_s = t > 0 ? t : 0;
    }
}
