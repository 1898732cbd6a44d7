/* "Time to stabilize": how long after a burst starts the response time settles.
 *
 * Definition (docs/results.md): bin completed requests' latencies by completion time into
 * intervals; R(t) is the completion-weighted mean latency over the `window` ending at t; the steady
 * value S is the completion-weighted mean over the last `steady` seconds of the burst. The time to
 * stabilize is the first t >= burst start from which |R(t') - S| <= tolerance * S holds for every
 * bin end t' up to the burst's end, minus the burst start. The peak is the t where R is highest
 * during the burst (when "mean response time starts to fall").
 *
 * Bins not held (before `first`, after the last) count as empty.
 *
 * Units: seconds, milliseconds. No allocation besides the recorder's growing arrays. */
#ifndef HF_STABILIZATION_H
#define HF_STABILIZATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hf_latency_bins {
    double width_s;
    size_t first; /* index of the first bin held: bins before a window of interest are not kept */
    double *sum_ms;
    uint64_t *count;
    size_t n, cap;
};

/* Bins [first, first + n) of width width_s; bin i covers [i, i + 1) * width_s. */
void hf_latency_bins_init(struct hf_latency_bins *b, double width_s, size_t first);
void hf_latency_bins_fini(struct hf_latency_bins *b);
/* Appends the bin ending at (first + n + 1) * width_s. False when out of memory. */
bool hf_latency_bins_push(struct hf_latency_bins *b, double sum_ms, uint64_t count);

struct hf_stabilization {
    bool stabilized;
    double time_to_stabilize_s; /* valid when stabilized */
    double steady_ms;           /* S; 0 with no completions in the steady window */
    double peak_ms, peak_after_s;
};

void hf_stabilization_compute(const struct hf_latency_bins *b, double burst_start_s, double burst_end_s,
                              double window_s, double steady_s, double tolerance,
                              struct hf_stabilization *out);

#endif
