/* How many containers an engine creates at once: `count` containers started together, one thread
 * each (create, start, wait until the worker answers), against the time one alone takes. A runtime
 * that serializes creation (Docker: measured 0.95, 1.64 and 1.65 s for three where one took 0.55 s)
 * finishes the last after about count x alone; one that creates them in parallel, after about alone.
 * hfsim live calibrate writes the estimate as the simulator's cluster.sandbox_concurrency.
 *
 * The containers carry `spec` (labels included: the caller's cleanup finds them after a crash) and
 * are removed before this returns. Errors: false with the engine's or worker's error in err. */
#ifndef HF_CONCURRENT_STARTS_H
#define HF_CONCURRENT_STARTS_H

#include <stdbool.h>

#include "live/docker.h"
#include "sim/error.h"

#define HF_CONCURRENT_STARTS_MAX 8

struct hf_concurrent_starts {
    int count, trials;
    double ready_ms[HF_CONCURRENT_STARTS_MAX]; /* the median trial's containers: asked to answering,
                                                  ms, in increasing order */
    double makespan_ms;                       /* the last of them (the median over the trials) */
    /* round(count x alone / makespan), at least 1; 0 when it is count or more (no limit seen) */
    int concurrency;
};

/* `host`: the engine's address (each thread opens its own client); alone_ms: one container's
 * create-to-answering time measured alone; `trials` rounds of `count` (one round varied: 2 in 3 of
 * 14 calibrations on an idle machine), the median round kept. */
bool hf_concurrent_starts_measure(const char *host, const struct hf_docker_container_spec *spec, int count,
                                  int trials, double alone_ms, struct hf_concurrent_starts *out,
                                  struct hf_error *err);

#endif
