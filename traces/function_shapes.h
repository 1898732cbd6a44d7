/* Per-function container shapes, resolved once before a run into the scenario's `function.shapes`
 * (one {memory_mib, cpu_limit, cpu_request} per function index, so config.json records what ran and
 * the backends read one array).
 *
 * In order, each step over what the previous left:
 *   1. function.shapes as given (by name when its entries carry names, else one per index), else
 *      function.memory_mib/cpu_limit/cpu_request;
 *   2. function.memory_percentile (0-100; -1 off) with a trace that gives memory (Azure 2019):
 *      memory_mib = base_memory_mib + the function's share of its app's memory at that percentile;
 *   3. function.overrides' memory, in order, for functions whose name (the trace's, the app's with
 *      trace.unit "app", or f<index>) matches the entry's glob (fnmatch);
 *   4. function.cpu_per_gib > 0: cpu_limit = cpu_request = memory (GiB) x cpu_per_gib (AWS Lambda
 *      gives CPU in proportion to memory), for functions no override gives CPU;
 *   5. function.overrides' CPU.
 * The result carries each function's name, so resolving it again (a run of config.json, also with
 * another sample) gives the same shapes. When none of these is set, function.shapes stays [] and
 * every function has the one shape.
 *
 * Errors: HF_EXIT_BAD_INPUT naming the field (shapes of the wrong length, an override that matches
 * or sets nothing, a memory percentile without a trace that gives memory or between -1 and 0, a
 * request above its limit, base memory at or above the limit). */
#ifndef HF_FUNCTION_SHAPES_H
#define HF_FUNCTION_SHAPES_H

#include <jansson.h>
#include <stdbool.h>

#include "sim/error.h"
#include "traces/trace.h"

/* `trace` may be NULL (synthetic workload). Writes function.shapes into `scenario`. */
bool hf_function_shapes_resolve(json_t *scenario, const struct hf_trace *trace, struct hf_error *err);

#endif
