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
}

bool hf_cluster_config_from_scenario(const json_t *s, struct hf_cluster_config *out, struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    if (!hf_instance_lookup(hf_json_string_at(s, "cluster.instance_type"), &out->vm, err))
        return false;
    out->vm_count = (uint32_t)hf_json_int_at(s, "cluster.vms");
    out->autoscaling = (struct hf_vm_autoscaling){
        .enabled = hf_json_bool_at(s, "cluster.autoscaling.enabled"),
        .max_vms = (uint32_t)hf_json_int_at(s, "cluster.autoscaling.max_vms"),
        .boot_delay = hf_time_from_s(num(s, "cluster.autoscaling.boot_s")),
        .idle_time = hf_time_from_s(num(s, "cluster.autoscaling.idle_s")),
        .scan_interval = hf_time_from_s(num(s, "cluster.autoscaling.scan_s")),
    };
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
    out->function_count = (uint32_t)hf_json_int_at(s, "workload.functions");

    struct hf_function_spec *f = &out->function;
    f->cpu_limit = num(s, "function.cpu_limit");
    f->cpu_request = num(s, "function.cpu_request");
    f->memory_mib = num(s, "function.memory_mib");
    f->base_memory_mib = num(s, "function.base_memory_mib");
    f->concurrency = (uint32_t)hf_json_int_at(s, "function.concurrency");
    f->image_mib = num(s, "function.image_mib");
    if (f->cpu_request > f->cpu_limit)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.cpu_request: %g cores is above cpu_limit %g",
                       f->cpu_request, f->cpu_limit);
    if (f->base_memory_mib >= f->memory_mib)
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
    const char *routing = hf_json_string_at(s, "gateway.routing");
    out->routing = strcmp(routing, "least-loaded") == 0 ? HF_ROUTE_LEAST_LOADED
                 : strcmp(routing, "warm-first") == 0   ? HF_ROUTE_WARM_FIRST
                 : strcmp(routing, "newest") == 0       ? HF_ROUTE_NEWEST
                 : strcmp(routing, "oldest") == 0       ? HF_ROUTE_OLDEST
                 : strcmp(routing, "random") == 0       ? HF_ROUTE_RANDOM
                 : strcmp(routing, "hash") == 0         ? HF_ROUTE_HASH
                                                        : HF_ROUTE_ROUND_ROBIN;
    out->ingress_latency = hf_time_from_ms(num(s, "gateway.ingress_ms"));
    out->queue_capacity = (uint32_t)hf_json_int_at(s, "gateway.queue_capacity");
    double timeout = num(s, "gateway.timeout_s");
    out->timeout = timeout > 1e9 ? HF_TIME_NEVER : hf_time_from_s(timeout);
    out->metric_resolution = hf_time_from_s(num(s, "metrics.resolution_s"));
    return true;
}
