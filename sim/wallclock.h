/* Wall-clock time of the simulator process (for perf.json, progress and benchmarks only: never an
 * input to the simulation, which would make results depend on machine speed). */
#ifndef HF_WALLCLOCK_H
#define HF_WALLCLOCK_H

#include <time.h>

/* Seconds on the monotonic clock. */
static inline double hf_wall_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

#endif
