/* Profiles: a JSON object of scenario fields, e.g. what `hfsim live calibrate` measured on real
 * engines ({"function": {"cold_start": {...}, "resize_ms": 12}, "gateway": {"ingress_ms": 0.4}}),
 * applied to a scenario as --set overrides: every second-level key replaces that field whole
 * (function.cold_start is replaced, not merged), so a profile states a complete stage model.
 *
 * Top-level keys starting with '_' are metadata and ignored. Overrides apply in command-line order, so a --set after --profile wins over it.
 * Ownership: the caller frees each string and the array (hf_profile_free). Errors: the file and the
 * JSON path, HF_EXIT_BAD_INPUT; the scenario's own validation then checks the values. */
#ifndef HF_PROFILE_H
#define HF_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

bool hf_profile_overrides(const char *path, char ***out, size_t *count, struct hf_error *err);
void hf_profile_free(char **overrides, size_t count);

#endif
