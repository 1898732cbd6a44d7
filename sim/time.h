/* Simulated time: signed 64-bit nanoseconds since the start of a run.
 *
 * Integer time keeps event order exact and reproducible: no float equality, no drift when intervals
 * are added up. 2^63 ns is about 292 years, far beyond any run. Conversions from seconds round to the
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

static inline hf_time hf_time_from_s(double seconds) { return (hf_time)llround(seconds * 1e9); }
static inline hf_time hf_time_from_ms(double ms) { return (hf_time)llround(ms * 1e6); }
static inline double hf_time_to_s(hf_time t) { return (double)t / 1e9; }
static inline double hf_time_to_ms(hf_time t) { return (double)t / 1e6; }

#endif
