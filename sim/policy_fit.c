#include <stdio.h>
#include <string.h>

#include "sim/platform.h"
#include "sim/policy.h"

const char *hf_platform_feature_name(unsigned feature)
{
    switch (feature) {
    case HF_PF_PODS: return "pods";
    case HF_PF_METRIC_RESOLUTION: return "a metrics-server resolution";
    case HF_PF_CONTAINERS: return "container views";
    case HF_PF_RESIZE: return "container resizes";
    case HF_PF_SPECIALIZE: return "worker specialization";
    case HF_PF_RETRY_QUEUED: return "re-routing of queued requests";
    case HF_PF_ROUTING: return "per-request routing (on_request)";
    case HF_PF_STOP: return "stopping a chosen container (per-container keep-alive)";
    default: return "?";
    }
}

bool hf_policy_check_needs(const struct hf_policy_type *policy, unsigned features, const char *backend,
                           struct hf_error *err)
{
    unsigned missing = policy->needs & ~features;
    if (!missing)
        return true;
    char list[256] = "";
    for (unsigned bit = 0; bit < HF_PF_COUNT; bit++)
        if (missing & (1u << bit))
            snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", list[0] ? ", " : "",
                     hf_platform_feature_name(1u << bit));
    return hf_fail(err, HF_EXIT_BAD_INPUT, "policy %s needs %s, which the %s model does not provide%s", policy->name,
                   list, backend, strcmp(backend, "station") == 0 ? " (use \"model\": \"cluster\")" : "");
}
