/* A synthetic open-loop workload: arrivals at a piecewise-constant rate (a base rate with burst
 * windows), Poisson or evenly spaced, with service demands from a distribution.
 *
 * It is an engine source (struct hf_source): arrivals are computed one ahead and merged with the
 * event queue, never pushed as events. Arrivals stop at `end` (the scenario's duration).
 *
 * Rate function: inside a burst window the rate is that burst's rate (a later burst in the list wins
 * where windows overlap); elsewhere it is the base rate. Each arrival picks a function uniformly,
 * except that a burst with a `function` sends its rate above the base rate to that function only. Poisson arrivals use inversion of the
 * integrated rate, so a rate change mid-gap is exact, not approximated by thinning.
 *
 * Ownership: hf_synthetic_create copies what it needs from the resolved workload JSON; the sink and
 * model pointers are borrowed. Errors: create fails only when out of memory. */
#ifndef HF_SYNTHETIC_H
#define HF_SYNTHETIC_H

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <stdbool.h>

#include "sim/distribution.h"
#include "sim/engine.h"
#include "sim/invocation.h"

struct hf_rate_segment {
    double start_s, end_s, rate_per_s;
    int64_t target; /* a burst aimed at one function: its extra rate goes there; -1 = all */
};

struct hf_synthetic {
    struct hf_source source;
    struct hf_rate_segment *segments;
    size_t segment_count, segment;
    bool poisson;
    double t_s;      /* time of the last arrival, seconds */
    uint64_t next_id;
    struct hf_distribution service;
    uint32_t memory_mb;
    uint32_t functions; /* invocations pick one uniformly at random */
    double base_rate;   /* rate_per_s outside bursts */
    gsl_rng *arrival_rng, *service_rng, *function_rng;
    hf_invocation_sink sink;
    void *model;
};

/* workload: the resolved "workload" object; end: when arrivals stop. */
bool hf_synthetic_create(struct hf_synthetic *s, const json_t *workload, hf_time end,
                         struct hf_engine *engine, hf_invocation_sink sink, void *model);
void hf_synthetic_destroy(struct hf_synthetic *s);

/* The rate in force at time t (for tests and plots). */
double hf_synthetic_rate_at(const struct hf_synthetic *s, double t_s);

/* Invocations the workload is expected to issue over the run (the integral of its rate). */
double hf_synthetic_expected(const struct hf_synthetic *s);

#endif
