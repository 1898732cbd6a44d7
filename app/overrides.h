/* `--set path.to.key=value` overrides, applied to a raw scenario document before validation, so a
 * bad override gets the same checks and messages as a bad file.
 *
 * The value is read as JSON when it parses (8, 2.5, true, "text", [1,2], {"a":1}) and as a plain
 * string otherwise (heap4). Path parts are object keys, or array indices for arrays
 * ("workload.bursts.0.rate_per_s"). Missing intermediate objects are created.
 * Errors: false with HF_EXIT_USAGE for a malformed assignment (no '=', empty path, bad index). */
#ifndef HF_OVERRIDES_H
#define HF_OVERRIDES_H

#include <jansson.h>
#include <stdbool.h>

#include "sim/error.h"

bool hf_apply_override(json_t *doc, const char *assignment, struct hf_error *err);

#endif
