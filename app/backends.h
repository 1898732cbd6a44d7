/* Every simulated backend hfsim knows, in one table: the scenario's `model` picks one (sim/backend.h).
 * Live mode is driven by `hfsim live` and is not in this table (its inputs are engines, not a
 * scenario section; docs/architecture.md). */
#ifndef HF_BACKENDS_H
#define HF_BACKENDS_H

#include <stddef.h>

#include "sim/backend.h"

size_t hf_backend_count(void);
const struct hf_backend_type *hf_backend_at(size_t index);
/* NULL when no backend has that name. */
const struct hf_backend_type *hf_backend_find(const char *name);

#endif
