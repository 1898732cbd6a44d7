/* Simulated time: signed 64-bit nanoseconds since the start of a run.
 *
 * Integer time keeps event order exact and reproducible: no float equality, no drift when intervals
 * are added up. 2^63 ns is about 292 years, far beyond any run (inputs are bounded to 1e9 s). Conversions from seconds round to the
 * nearest nanosecond. */
#ifndef HF_TIME_H
#define HF_TIME_H

#include <math.h>
#include <stdint.h>

typedef int64_t hf_time;

#define HF_NS_PER_US INT64_C(1000)
#define HF_NS_PER_MS INT64_C(1000000)
#define HF_NS_PER_S INT64_C(1000000000)
#define HF_TIME_NEVER INT64_MAX

/* Inputs are bounded (schema: 1e9 s), but a drawn duration (a lognormal tail) can go beyond: such a
 * time saturates at HF_TIME_FAR (~146 years), later than any run's end, instead of overflowing.
 * NaN maps to 0. */
#define HF_TIME_FAR (INT64_C(1) << 62)

/* llround(x) for |x| < 2^62: to the nearest integer, halves away from zero. Inline because each
 * replayed invocation converts two or three times (a libm call was 3 % of a trace replay's
 * instructions). Exact: x minus its integer part is the bits below it, so `frac` has no rounding. */
static inline int64_t hf_round_half_away(double x)
{
    int64_t whole = (int64_t)x; /* toward zero */
    double frac = x - (double)whole;
    return whole + (frac >= 0.5) - (frac <= -0.5);
}

static inline hf_time hf_time_from_ns(double ns)
{
    if (ns >= (double)HF_TIME_FAR)
        return HF_TIME_FAR;
    if (ns <= -(double)HF_TIME_FAR)
        return -HF_TIME_FAR;
    return ns == ns ? hf_round_half_away(ns) : 0;
}
/* a + b for b >= 0, saturating at HF_TIME_FAR: an event far beyond any run's end stays there
 * instead of wrapping into the past. */
static inline hf_time hf_time_add(hf_time a, hf_time b)
{
    return b >= HF_TIME_FAR - a ? (a > HF_TIME_FAR ? a : HF_TIME_FAR) : a + b;
}
static inline hf_time hf_time_from_s(double seconds) { return hf_time_from_ns(seconds * 1e9); }
static inline hf_time hf_time_from_ms(double ms) { return hf_time_from_ns(ms * 1e6); }
static inline double hf_time_to_s(hf_time t) { return (double)t / 1e9; }
static inline double hf_time_to_ms(hf_time t) { return (double)t / 1e6; }

#endif
