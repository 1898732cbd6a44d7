/* Per-function container shapes, resolved once before a run into the scenario's `function.shapes`
 * (one {memory_mib, cpu_limit, cpu_request} per function index, so config.json records what ran and
 * the backends read one array).
 *
 * In order, each step over what the previous left:
 *   1. function.shapes as given (one per function), else function.memory_mib/cpu_limit/cpu_request;
 *   2. function.memory_percentile >= 0 with a trace that gives memory (Azure 2019): memory_mib =
 *      base_memory_mib + the function's share of its app's memory at that percentile;
 *   3. function.cpu_per_gib > 0: cpu_limit = cpu_request = memory (GiB) x cpu_per_gib (AWS Lambda
 *      gives CPU in proportion to memory);
 *   4. function.overrides, in order: each entry's non-zero fields for functions whose name (the
 *      trace's, or f<index>) matches its glob (fnmatch).
 * When none of these is set, function.shapes stays [] and every function has the one shape.
 *
 * Errors: HF_EXIT_BAD_INPUT naming the field (shapes of the wrong length, an override matching
 * nothing, a memory percentile without a trace that gives memory, a request above its limit, base
 * memory at or above the limit). */
#ifndef HF_FUNCTION_SHAPES_H
#define HF_FUNCTION_SHAPES_H

#include <jansson.h>
#include <stdbool.h>

#include "sim/error.h"
#include "traces/trace.h"

/* `trace` may be NULL (synthetic workload). Writes function.shapes into `scenario`. */
bool hf_function_shapes_resolve(json_t *scenario, const struct hf_trace *trace, struct hf_error *err);

#endif
