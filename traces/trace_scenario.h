/* The trace a scenario names (its `trace.*` fields), opened the same way for simulated and live
 * runs.
 *
 * hf_trace_open_scenario returns the scenario as the run will use it: a deep copy where the trace's
 * function count and duration replace workload.functions and duration_s, and per-function shapes
 * are resolved into function.shapes (traces/function_shapes.h), so config.json says what ran. With trace.format "none" it returns the copy and leaves *trace NULL.
 * Ownership: the caller owns the returned JSON and the trace (hf_trace_close).
 * Errors: NULL with `err` set: a bad trace (HF_EXIT_BAD_INPUT, "FILE:LINE: ..."), trace.path empty
 * (HF_EXIT_USAGE), out of memory. */
#ifndef HF_TRACE_SCENARIO_H
#define HF_TRACE_SCENARIO_H

#include <jansson.h>

#include "sim/error.h"
#include "sim/results.h"
#include "traces/trace.h"

json_t *hf_trace_open_scenario(const json_t *scenario, struct hf_trace **trace, struct hf_error *err);

/* functions.csv in a results directory: which trace function each model index is (index,name). */
bool hf_trace_write_functions(const struct hf_trace *trace, struct hf_results *results, struct hf_error *err);

#endif
