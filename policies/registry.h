/* Every policy hfsim knows, in one table: `--policy NAME` and `hfsim policies` read it. */
#ifndef HF_REGISTRY_H
#define HF_REGISTRY_H

#include <stddef.h>

#include "sim/policy.h"

size_t hf_policy_count(void);
const struct hf_policy_type *hf_policy_at(size_t index);
/* NULL when no policy has that name. */
const struct hf_policy_type *hf_policy_find(const char *name);

#endif
