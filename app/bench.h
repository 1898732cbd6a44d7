/* The simulator's own benchmarks, run by `hfsim bench`.
 *
 *  - hold model on the event queue alone: with n events pending, repeatedly pop the minimum and push
 *    it back at a later time (increments drawn ahead from an exponential with mean n, so the queue
 *    neither drains nor bunches). Reports holds per second.
 *  - the engine on an open-loop workload: Poisson arrivals into many servers with a fixed service
 *    time (M/D/c at 10% load), through the same engine, source merge and model code as `hfsim run`.
 *    Reports simulated invocations per second and events per second.
 *  - the full cluster model (hf_bench_cluster).
 *
 * Each figure is measured for the default queue (heap4) and for the binary-heap baseline (heap2) in
 * the same process, so ratios are free of machine-speed differences. */
#ifndef HF_BENCH_H
#define HF_BENCH_H

#include <stdbool.h>
#include <stdint.h>

struct hf_bench_hold {
    double holds_per_s;
    double seconds;
};

struct hf_bench_engine {
    double invocations_per_s;
    double events_per_s;
    double seconds;
    uint64_t invocations;
};

/* `plain` (NULL: skipped): the same holds on the plain heap of app/bench_plain_heap.h. */
bool hf_bench_hold(const char *queue_kind, uint64_t pending, uint64_t holds, struct hf_bench_hold *out,
                   struct hf_bench_hold *plain);
bool hf_bench_engine(const char *queue_kind, uint64_t invocations, struct hf_bench_engine *out);

/* The full cluster model as `hfsim run` runs it (placement, cold starts, processor sharing,
 * metrics-server, HPA, results written): 1,000 functions at 100 invocations/s each, 10 ms of CPU
 * per request, two steady containers per function (the HPA computes every sync; utilization sits at 50 % of a 60 % target). */
bool hf_bench_cluster(const char *queue_kind, uint64_t invocations, struct hf_bench_engine *out);

/* Trace replay at scale: a synthetic Azure 2019 day (hfsim trace gen: `functions` functions over
 * `minutes` minutes, `invocations` in all, generated before the clock starts) replayed on the
 * cluster model with the keepalive policy, as scenarios/azure-replay.json sets it up (1,500
 * m5.8xlarge, a container per request, warm-first routing). Reports replayed invocations per second
 * of the whole run (reading the trace included) and the run's peak RSS. */
bool hf_bench_trace(const char *queue_kind, uint32_t functions, uint32_t minutes, double invocations,
                    struct hf_bench_engine *out, double *peak_rss_mib);

#endif
