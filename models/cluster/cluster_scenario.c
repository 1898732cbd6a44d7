#include "models/cluster/cluster_scenario.h"

#include <stdlib.h>
#include <string.h>

#include "models/cluster/instance_catalog.h"
#include "sim/schema.h"

static double num(const json_t *s, const char *path) { return hf_json_number_at(s, path); }

void hf_cluster_config_fini(struct hf_cluster_config *config)
{
    free((void *)config->shapes);
    config->shapes = NULL;
    free((void *)config->groups);
    config->groups = NULL;
    config->group_count = 0;
}

/* cluster.hosts: each group a catalog type (its fields override what they set) or an inline one. */
static bool groups_from_scenario(const json_t *s, struct hf_cluster_config *out, struct hf_error *err)
{
    const json_t *hosts = hf_json_at(s, "cluster.hosts");
    size_t n = json_array_size(hosts);
    if (n == 0)
        return true;
    struct hf_vm_group *groups = calloc(n, sizeof *groups);
    if (!groups)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    out->groups = groups;
    out->group_count = (uint32_t)n;
    uint64_t total = 0;
    for (size_t g = 0; g < n; g++) {
        const json_t *h = json_array_get(hosts, g);
        struct hf_vm_type *t = &groups[g].type;
        const char *type = hf_json_string_at(h, "type");
        char field[48];
        snprintf(field, sizeof field, "$.cluster.hosts[%zu].type", g);
        if (*type && !hf_instance_lookup(type, field, t, err)) {
            hf_cluster_config_fini(out);
            return false;
        }
        if (!*type)
            snprintf(t->name, sizeof t->name, "hosts[%zu]", g);
        if (num(h, "vcpu") > 0)
            t->cores = num(h, "vcpu");
        if (num(h, "memory_gib") > 0)
            t->memory_mib = num(h, "memory_gib") * 1024.0;
        if (num(h, "price_per_hour") > 0)
            t->price_per_hour = num(h, "price_per_hour");
        if (!(t->cores > 0) || !(t->memory_mib > 0)) {
            hf_cluster_config_fini(out);
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.hosts[%zu]: give a type or both vcpu and memory_gib", g);
        }
        groups[g].count = (uint32_t)hf_json_int_at(h, "count");
        total += groups[g].count;
    }
    if (total > 100000) {
        hf_cluster_config_fini(out);
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.hosts: %llu VMs in all: at most 100000",
                       (unsigned long long)total);
    }
    out->vm_count = (uint32_t)total;
    out->vm = groups[0].type;
    return true;
}

bool hf_cluster_config_from_scenario(const json_t *s, struct hf_cluster_config *out, struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    out->vm_count = (uint32_t)hf_json_int_at(s, "cluster.vms");
    if (!groups_from_scenario(s, out, err))
        return false;
    /* cluster.hosts replaces instance_type: it is not looked up then */
    if (out->group_count == 0 &&
        !hf_instance_lookup(hf_json_string_at(s, "cluster.instance_type"), "$.cluster.instance_type", &out->vm, err))
        return false;
    out->autoscaling = (struct hf_vm_autoscaling){
        .enabled = hf_json_bool_at(s, "cluster.autoscaling.enabled"),
        .max_vms = (uint32_t)hf_json_int_at(s, "cluster.autoscaling.max_vms"),
        .boot_delay = hf_time_from_s(num(s, "cluster.autoscaling.boot_s")),
        .idle_time = hf_time_from_s(num(s, "cluster.autoscaling.idle_s")),
        .scan_interval = hf_time_from_s(num(s, "cluster.autoscaling.scan_s")),
    };
    if (out->autoscaling.enabled && out->group_count > 0) {
        hf_cluster_config_fini(out);
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.autoscaling.enabled: not with cluster.hosts (the "
                       "autoscaler boots VMs of cluster.instance_type)");
    }
    if (out->autoscaling.enabled && out->autoscaling.max_vms != 0 && out->autoscaling.max_vms < out->vm_count)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.autoscaling.max_vms: %u is below cluster.vms %u",
                       out->autoscaling.max_vms, out->vm_count);
    const char *placement = hf_json_string_at(s, "cluster.placement");
    out->placement = strcmp(placement, "best-fit") == 0 ? HF_PLACE_BEST_FIT
                   : strcmp(placement, "spread") == 0   ? HF_PLACE_SPREAD
                   : strcmp(placement, "random") == 0   ? HF_PLACE_RANDOM
                   : strcmp(placement, "hash") == 0     ? HF_PLACE_HASH
                                                        : HF_PLACE_FIRST_FIT;
    out->registry_mib_per_s = num(s, "cluster.registry_mib_per_s");
    out->provisioning = strcmp(hf_json_string_at(s, "cluster.provisioning"), "function-tree") == 0
                            ? HF_PROVISION_FUNCTION_TREE : HF_PROVISION_REGISTRY;
    out->registry_total_mib_per_s = num(s, "cluster.registry_total_mib_per_s");
    out->vm_upload_mib_per_s = num(s, "cluster.upload_mib_per_s");
    out->sandbox_concurrency = (uint32_t)hf_json_int_at(s, "cluster.sandbox_concurrency");
    out->function_count = (uint32_t)hf_json_int_at(s, "workload.functions");

    struct hf_function_spec *f = &out->function;
    f->cpu_limit = num(s, "function.cpu_limit");
    f->cpu_request = num(s, "function.cpu_request");
    f->memory_mib = num(s, "function.memory_mib");
    f->base_memory_mib = num(s, "function.base_memory_mib");
    f->concurrency = (uint32_t)hf_json_int_at(s, "function.concurrency");
    f->image_mib = num(s, "function.image_mib");
    f->image_block_mib = num(s, "function.image_block_mib");
    struct hf_isolate_config *iso = &f->isolates;
    iso->enabled = hf_json_bool_at(s, "function.isolates.enabled");
    iso->runtime_memory_mib = num(s, "function.isolates.runtime_memory_mib");
    iso->isolate_memory_mib = num(s, "function.isolates.isolate_memory_mib");
    iso->max_isolates = (uint32_t)hf_json_int_at(s, "function.isolates.max_isolates");
    iso->start = hf_time_from_ms(num(s, "function.isolates.start_ms"));
    iso->keep_alive = hf_time_from_s(num(s, "function.isolates.keep_alive_s"));
    if (iso->enabled) {
        const char *policy = hf_json_string_at(s, "policy");
        if (strcmp(policy, "hyperfaas") == 0)
            return hf_fail(err, HF_EXIT_BAD_INPUT,
                           "$.function.isolates: a cluster of Hydra runtimes does not provide the generic second "
                           "worker policy hyperfaas specializes for another function (runtimes host functions in "
                           "isolates instead): run one or the other (compare, sweep: leave hyperfaas out of --policies)");
        if (iso->max_isolates < f->concurrency)
            return hf_fail(err, HF_EXIT_BAD_INPUT,
                           "$.function.isolates.max_isolates: %u is below function.concurrency %u (a runtime "
                           "must have an isolate free for every request it takes)",
                           iso->max_isolates, f->concurrency);
    }
    f->image_start_fraction = num(s, "function.image_start_fraction");
    /* Each block is an event or more: a block size that makes millions of them per image is a
     * mistake (a run would take hours), not a model. */
    if (f->image_mib / f->image_block_mib > 1e6 && out->provisioning == HF_PROVISION_FUNCTION_TREE)
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "$.function.image_block_mib: %g MiB makes %.3g blocks of a %g MiB image (at most 1e6)",
                       f->image_block_mib, f->image_mib / f->image_block_mib, f->image_mib);
    /* With per-function shapes the one shape is not used: each was checked when resolved. */
    bool one_shape = json_array_size(hf_json_at(s, "function.shapes")) == 0;
    if (one_shape && f->cpu_request > f->cpu_limit)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.cpu_request: %g cores is above cpu_limit %g",
                       f->cpu_request, f->cpu_limit);
    if (one_shape && f->base_memory_mib >= f->memory_mib)
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "$.function.base_memory_mib: %g MiB leaves no memory under memory_mib %g",
                       f->base_memory_mib, f->memory_mib);
    const json_t *shapes = hf_json_at(s, "function.shapes");
    if (json_array_size(shapes) > 0) {
        if (json_array_size(shapes) != out->function_count)
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.shapes: %zu shapes for %u functions",
                           json_array_size(shapes), out->function_count);
        struct hf_function_shape *own = malloc(out->function_count * sizeof *own);
        if (!own)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        for (uint32_t i = 0; i < out->function_count; i++) {
            const json_t *one = json_array_get(shapes, i);
            own[i] = (struct hf_function_shape){num(one, "memory_mib"), num(one, "cpu_limit"), num(one, "cpu_request")};
        }
        out->shapes = own;
    }
    /* A runtime's limit (its memory_mib: the one, or each function's shape) must hold it full. */
    for (uint32_t i = 0; iso->enabled && i < (out->shapes ? out->function_count : 1); i++) {
        double limit = out->shapes ? out->shapes[i].memory_mib : f->memory_mib;
        double full = iso->runtime_memory_mib + iso->max_isolates * iso->isolate_memory_mib;
        if (full > limit) {
            char where[96] = "function.memory_mib";
            if (out->shapes)
                snprintf(where, sizeof where, "function %u's memory_mib (from function.overrides or memory_percentile)", i);
            free((void *)out->shapes);
            out->shapes = NULL;
            return hf_fail(err, HF_EXIT_BAD_INPUT,
                           "$.function.isolates: a full runtime holds %g MiB (runtime_memory_mib + max_isolates x "
                           "isolate_memory_mib), above %s %g (its limit)", full, where, limit);
        }
    }
    hf_cold_start_preset(&f->cold_start, hf_json_string_at(s, "function.cold_start.preset"));
    for (int stage = 0; stage < HF_STAGE_COUNT; stage++) {
        char path[64];
        snprintf(path, sizeof path, "function.cold_start.%s", hf_cold_stage_names[stage]);
        const json_t *override = hf_json_at(s, path);
        if (override)
            hf_distribution_from_json(&f->cold_start.stage[stage], override);
    }
    double keep_alive = num(s, "function.keep_alive_s");
    out->keep_alive = hf_time_from_s(keep_alive);
    out->resize_latency = hf_time_from_ms(num(s, "function.resize_ms"));
    out->specialize_latency = hf_time_from_ms(num(s, "function.specialize_ms"));

    out->ignore_cpu_contention = strcmp(hf_json_string_at(s, "cluster.cpu_model"), "none") == 0;
    if (strcmp(hf_json_string_at(s, "cluster.cpu_model"), "cfs-quota") == 0)
        out->cfs_period = hf_time_from_ms(num(s, "cluster.cfs_period_ms"));
    const char *routing = hf_json_string_at(s, "gateway.routing");
    out->routing = strcmp(routing, "least-loaded") == 0 ? HF_ROUTE_LEAST_LOADED
                 : strcmp(routing, "warm-first") == 0   ? HF_ROUTE_WARM_FIRST
                 : strcmp(routing, "newest") == 0       ? HF_ROUTE_NEWEST
                 : strcmp(routing, "oldest") == 0       ? HF_ROUTE_OLDEST
                 : strcmp(routing, "random") == 0       ? HF_ROUTE_RANDOM
                 : strcmp(routing, "hash") == 0         ? HF_ROUTE_HASH
                 : strcmp(routing, "least-recently-used") == 0 ? HF_ROUTE_LEAST_RECENTLY_USED
                                                        : HF_ROUTE_ROUND_ROBIN;
    out->ingress_latency = hf_time_from_ms(num(s, "gateway.ingress_ms"));
    out->queue_capacity = (uint32_t)hf_json_int_at(s, "gateway.queue_capacity");
    double timeout = num(s, "gateway.timeout_s");
    out->timeout = timeout > 1e9 ? HF_TIME_NEVER : hf_time_from_s(timeout);
    out->metric_resolution = hf_time_from_s(num(s, "metrics.resolution_s"));
    return true;
}
