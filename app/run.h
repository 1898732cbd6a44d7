/* One simulation run of a resolved scenario, start to finish: build the engine, model, workload and
 * policy; run; drain; check conservation; write the results directory atomically.
 *
 * Output files (docs/results.md describes every field): config.json, summary.json, timeseries.csv,
 * perf.json, and requests.csv when outputs.requests_csv is set. All but perf.json are a pure function
 * of the scenario (seed included): byte-identical across runs and machines with the same libc.
 *
 * Errors: false with err set; nothing is left under the final directory name on failure. */
#ifndef HF_RUN_H
#define HF_RUN_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

struct hf_run_options {
    const char *out_dir; /* final results directory */
    bool progress;       /* allow the progress line (it still needs a terminal) */
};

struct hf_run_report {
    uint64_t arrived, completed, failed, events;
    double p50_ms, p99_ms, mean_ms, wall_s;
};

bool hf_run_scenario(const json_t *scenario, const struct hf_run_options *options,
                     struct hf_run_report *report, struct hf_error *err);

#endif
