/* The trace options shared by `hfsim run` and `hfsim live` (--trace FORMAT:PATH, --durations,
 * --memory, --minutes A-B, --time-scale, --rate, --functions, --arrivals, --skip-bad-rows, --check-fail),
 * turned into the scenario overrides they stand for (`trace.*` fields, docs/traces.md).
 *
 * Ownership: the override strings ("path=<JSON>") are malloc'd; the caller frees them.
 * Errors: -1 with err set (HF_EXIT_USAGE, naming the option) on a bad value or out of memory. */
#ifndef HF_CLI_TRACE_ARGS_H
#define HF_CLI_TRACE_ARGS_H

#include "sim/error.h"

#define HF_TRACE_ARG_MAX_SETS 2 /* overrides one option can stand for (--trace: format and path) */

/* If argv[*i] is a trace option, stores its overrides in out[0..n), advances *i past its value and
 * returns n >= 1; returns 0 when it is not one. */
int hf_trace_arg(int *i, int argc, char **argv, char *out[HF_TRACE_ARG_MAX_SETS], struct hf_error *err);

#endif
