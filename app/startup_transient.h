/* The start-up transient of a run, so that plots can mark it instead of letting it pass for part of
 * the experiment: a run begins with each function's initial containers (one, for the HPA), and
 * until the policy has scaled them to the steady load the response time is far above its steady
 * level. The Figure 1 burst shows it under hpa for the first ~80 s, long before the burst.
 *
 * Definition: the steady level M is the median of the trailing-window p99 over the second half of
 * [0, reference_end) (reference_end: the first burst's start, or the run's end), or over
 * [after_from, after_to) (after the burst, when the run has such a stretch) when that is lower: a
 * burst that starts while the run is still scaling up would otherwise make the start-up its own
 * reference. A row is disturbed when its p99 exceeds 3 M, or when no request has completed yet (p99
 * 0). The start-up lasts until the last disturbed row of the run's first disturbed stretch before
 * reference_end; a stretch ends once `calm_s` pass with no disturbed row, so a lone spike later on
 * is not taken for the start-up.
 *
 * Units: seconds, milliseconds. Pure; no allocation besides a scratch copy for the median. */
#ifndef HF_STARTUP_TRANSIENT_H
#define HF_STARTUP_TRANSIENT_H

#include <stddef.h>

/* The time (s) the start-up ends: the end of its last disturbed row; 0 when the first row is
 * already settled or the reference windows hold no completed request. time_s ascending; an
 * after-window with after_to_s <= after_from_s is none. */
double hf_startup_transient_end(const double *time_s, const double *p99_ms, size_t rows, double reference_end_s,
                                double after_from_s, double after_to_s, double calm_s);

#endif
