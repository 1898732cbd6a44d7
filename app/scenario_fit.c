#include "app/scenario_fit.h"

#include "app/backends.h"

#include <stdio.h>
#include <string.h>

#include "policies/registry.h"
#include "sim/platform.h"
#include "sim/schema.h"

unsigned hf_model_features(const char *model)
{
    const struct hf_backend_type *backend = hf_backend_find(model);
    return backend ? backend->features : 0;
}

bool hf_scenario_check_features(const json_t *scenario, unsigned features, const char *model,
                                struct hf_error *err)
{
    const char *name = hf_json_string_at(scenario, "policy");
    const struct hf_policy_type *policy = hf_policy_find(name);
    if (!policy)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "policy \"%s\": no such policy", name);
    return hf_policy_check_needs(policy, features, model, err);
}

bool hf_scenario_check_fit(const json_t *scenario, struct hf_error *err)
{
    const char *model = hf_json_string_at(scenario, "model");
    const struct hf_backend_type *backend = hf_backend_find(model);
    return hf_scenario_check_features(scenario, hf_model_features(model), model, err) &&
           (!backend || !backend->check || backend->check(scenario, err));
}

/* The first dotted component of `path` (the scenario section), into buf. */
static void section_of(const char *path, char *buf, size_t size)
{
    size_t n = strcspn(path, ".=");
    if (n >= size)
        n = size - 1;
    memcpy(buf, path, n);
    buf[n] = '\0';
}

static bool starts_with_key(const char *path, const char *key)
{
    size_t n = strlen(key);
    return strncmp(path, key, n) == 0 && (path[n] == '\0' || path[n] == '.' || path[n] == '=');
}

bool hf_scenario_ignores(const json_t *scenario, const char *path, char *why, size_t why_size)
{
    char section[64];
    section_of(path, section, sizeof section);
    const char *policy = hf_json_string_at(scenario, "policy");
    const char *model = hf_json_string_at(scenario, "model");
    bool trace = strcmp(hf_json_string_at(scenario, "trace.format"), "none") != 0;
    if (hf_policy_find(section) && strcmp(section, policy) != 0) {
        snprintf(why, why_size, "read only by policy %s; this run's policy is %s (its section is %s.*)", section,
                 policy, policy);
        return true;
    }
    /* A section some backend reads, and the run's does not. */
    const struct hf_backend_type *own = hf_backend_find(model);
    bool own_reads = false;
    for (const char *const *r = own ? own->reads : NULL; r && *r; r++)
        own_reads = own_reads || strcmp(*r, section) == 0;
    for (size_t b = 0; !own_reads && b < hf_backend_count(); b++)
        for (const char *const *r = hf_backend_at(b)->reads; *r; r++)
            if (strcmp(*r, section) == 0) {
                snprintf(why, why_size, "read only by the %s model; this run's model is %s", hf_backend_at(b)->name,
                         model);
                return true;
            }
    if (starts_with_key(path, "metrics.resolution_s") && (strcmp(policy, "hpa") == 0 || strcmp(policy, "hpa-tuned") == 0)) {
        snprintf(why, why_size, "policy %s sets the metrics-server resolution itself: set %s.metric_resolution_s",
                 policy, policy);
        return true;
    }
    if ((starts_with_key(path, "cluster.vms") || starts_with_key(path, "cluster.instance_type")) &&
        json_array_size(hf_json_at(scenario, "cluster.hosts")) > 0) {
        snprintf(why, why_size, "cluster.hosts gives the VMs, replacing cluster.instance_type and cluster.vms");
        return true;
    }
    /* Live mode runs real containers: one image pull per engine, one function per container. */
    static const char *const cluster_only[] = {"function.isolates", "function.image_block_mib",
                                               "function.image_start_fraction"};
    for (size_t i = 0; strcmp(model, "cluster") != 0 && i < sizeof cluster_only / sizeof *cluster_only; i++)
        if (starts_with_key(path, cluster_only[i])) {
            snprintf(why, why_size, "modelled only by the cluster model; this run's model is %s", model);
            return true;
        }
    if (starts_with_key(path, "function.isolates") && !starts_with_key(path, "function.isolates.enabled") &&
        !hf_json_bool_at(scenario, "function.isolates.enabled")) {
        snprintf(why, why_size, "read only with function.isolates.enabled true");
        return true;
    }
    if (starts_with_key(path, "keepalive.seed") && strcmp(policy, "keepalive") == 0 &&
        strcmp(hf_json_string_at(scenario, "keepalive.timeout"), "exponential") != 0) {
        snprintf(why, why_size, "only exponential timeouts draw (keepalive.timeout is %s)",
                 hf_json_string_at(scenario, "keepalive.timeout"));
        return true;
    }
    if (strcmp(section, "trace") == 0 && !trace && !starts_with_key(path, "trace.format")) {
        snprintf(why, why_size, "no trace is replayed (trace.format is none; give --trace FORMAT:PATH)");
        return true;
    }
    static const char *const synthetic_only[] = {"duration_s", "workload.arrival", "workload.rate_per_s", "workload.bursts",
                                                 "workload.functions"};
    for (size_t i = 0; trace && i < sizeof synthetic_only / sizeof *synthetic_only; i++)
        if (starts_with_key(path, synthetic_only[i])) {
            snprintf(why, why_size, "a trace replay takes arrivals and functions from the trace, not from %s",
                     synthetic_only[i]);
            return true;
        }
    return false;
}

bool hf_scenario_check_sets(const json_t *scenario, const char *const *sets, size_t count, struct hf_error *err)
{
    char why[256];
    for (size_t i = 0; i < count; i++)
        if (hf_scenario_ignores(scenario, sets[i], why, sizeof why))
            return hf_fail(err, HF_EXIT_BAD_INPUT, "--set %s: %s", sets[i], why);
    return true;
}
