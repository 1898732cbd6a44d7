#include "policies/registry.h"

#include <string.h>

extern const struct hf_policy_type hf_policy_fixed;
extern const struct hf_policy_type hf_policy_hpa;
extern const struct hf_policy_type hf_policy_hpa_tuned;
extern const struct hf_policy_type hf_policy_hyperfaas;
extern const struct hf_policy_type hf_policy_kpa;
extern const struct hf_policy_type hf_policy_openfaas;
extern const struct hf_policy_type hf_policy_keep_alive;
extern const struct hf_policy_type hf_policy_keep_alive_window;
extern const struct hf_policy_type hf_policy_hybrid;

static const struct hf_policy_type *const policies[] = {
    &hf_policy_fixed,
    &hf_policy_hpa,
    &hf_policy_hpa_tuned,
    &hf_policy_hyperfaas,
    &hf_policy_kpa,
    &hf_policy_openfaas,
    &hf_policy_keep_alive,
    &hf_policy_keep_alive_window,
    &hf_policy_hybrid,
};

size_t hf_policy_count(void) { return sizeof policies / sizeof policies[0]; }

const struct hf_policy_type *hf_policy_at(size_t index)
{
    return index < hf_policy_count() ? policies[index] : NULL;
}

const struct hf_policy_type *hf_policy_find(const char *name)
{
    for (size_t i = 0; i < hf_policy_count(); i++)
        if (strcmp(policies[i]->name, name) == 0)
            return policies[i];
    return NULL;
}
