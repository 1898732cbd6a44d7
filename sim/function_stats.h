/* Per-function results: functions.csv (one row per function) and the distribution over apps of
 * their cold-start percentage (summary.json `cold_start_pct_over_apps`), as Shahrad et al. (ATC'20)
 * report it: an app's cold-start percentage is the share of its invocations that found no warm
 * container with room on arrival and waited (for a cold start, or for room).
 *
 * Apps: a function named "APP/FUNCTION" belongs to APP, the name up to its last '/' (Azure 2019
 * names are OWNER/APP/FUNCTION, so the app is OWNER/APP; Azure 2021's APP/FUNCTION); a name without
 * '/' is an app of its own. Apps with no invocation are left out of the distribution.
 *
 * Ownership: the caller owns the counts; names are borrowed for the call. Errors: I/O, with the
 * file name (HF_EXIT_RUN_FAILED). */
#ifndef HF_FUNCTION_STATS_H
#define HF_FUNCTION_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/results.h"

struct hf_function_counts {
    uint64_t arrived, completed, failed;
    uint64_t queued_on_arrival; /* found no room on arrival: a cold (or delayed) invocation */
    uint64_t cold_starts;       /* containers started for the function */
};

/* The name of function `function`; NULL: "f<index>". */
typedef const char *(*hf_function_name_fn)(const void *ctx, uint32_t function);

/* How functions are named (NULL: f0, f1, ..., each its own app). */
struct hf_function_names {
    hf_function_name_fn name;
    const void *ctx;
    bool are_apps; /* each function is an app already (a trace replayed per app): the whole name is the app */
};

/* Writes functions.csv into `results` (columns: function,name,app,arrived,completed,failed,
 * queued_on_arrival,cold_starts,cold_start_pct) and returns the per-app distribution as a JSON
 * object {apps, p50, p75, p90, mean} of cold-start percentages (NULL with err set on failure). */
json_t *hf_function_stats_write(struct hf_results *results, const struct hf_function_counts *counts, uint32_t count,
                                const struct hf_function_names *names, struct hf_error *err);

#endif
