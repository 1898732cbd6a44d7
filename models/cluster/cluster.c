/* The cluster model's lifetime: create, attach a policy, end the run, destroy. Its parts:
 * cluster_requests.c, cluster_execution.c, cluster_nodes.c, cluster_metrics.c, cluster_platform.c. */
#include "models/cluster/cluster_internal.h"

/* ---- lifetime ---- */

bool hf_cluster_create(struct hf_cluster **out, struct hf_engine *engine,
                       const struct hf_cluster_config *config, struct hf_error *err)
{
    *out = NULL;
    const struct hf_function_spec *spec = &config->function;
    /* The smallest request in each dimension bounds how many containers a VM can hold. */
    double least_cpu = INFINITY, least_memory = INFINITY;
    for (uint32_t fi = 0; fi < config->function_count; fi++) {
        struct hf_function_shape s = config->shapes ? config->shapes[fi]
                                                    : (struct hf_function_shape){spec->memory_mib, spec->cpu_limit,
                                                                                 spec->cpu_request};
        bool fits = config->group_count == 0 && s.cpu_request <= config->vm.cores && s.memory_mib <= config->vm.memory_mib;
        for (uint32_t g = 0; g < config->group_count; g++)
            fits = fits || (s.cpu_request <= config->groups[g].type.cores && s.memory_mib <= config->groups[g].type.memory_mib);
        if (!fits)
            return hf_fail(err, HF_EXIT_BAD_INPUT,
                           "a container of function %u (%.3g cores, %.0f MiB requested) does not fit %s%s VM "
                           "(%.3g cores, %.0f MiB%s)", fi, s.cpu_request, s.memory_mib,
                           config->group_count ? "any" : "a ", config->group_count ? "" : config->vm.name,
                           config->group_count ? config->groups[0].type.cores : config->vm.cores,
                           config->group_count ? config->groups[0].type.memory_mib : config->vm.memory_mib,
                           config->group_count > 1 ? " for the first type, cluster.hosts has others" : "");
        least_cpu = fmin(least_cpu, s.cpu_request);
        least_memory = fmin(least_memory, s.memory_mib);
    }
    struct hf_cluster *c = calloc(1, sizeof *c);
    if (!c)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the cluster");
    c->engine = engine;
    c->config = *config;
    c->metric_resolution = config->metric_resolution;
    c->vm_slots = config->autoscaling.enabled && config->autoscaling.max_vms > config->vm_count
                      ? config->autoscaling.max_vms : config->vm_count;
    c->vms = calloc(c->vm_slots, sizeof *c->vms);
    c->images = calloc((size_t)c->vm_slots * config->function_count, 1);
    c->functions = calloc(config->function_count, sizeof *c->functions);
    c->cold_rng = hf_engine_rng(engine, "cold-start");
    c->routing_rng = config->routing == HF_ROUTE_RANDOM ? hf_engine_rng(engine, "routing") : NULL;
    c->placement_rng = config->placement == HF_PLACE_RANDOM ? hf_engine_rng(engine, "placement") : NULL;
    c->shapes = malloc((config->function_count ? config->function_count : 1) * sizeof *c->shapes);
    for (uint32_t fi = 0; c->shapes && fi < config->function_count; fi++)
        c->shapes[fi] = config->shapes ? config->shapes[fi]
                                       : (struct hf_function_shape){spec->memory_mib, spec->cpu_limit, spec->cpu_request};
    c->config.shapes = NULL; /* borrowed for create only: c->shapes is the cluster's own */
    c->uniform_shapes = true;
    for (uint32_t fi = 1; c->shapes && fi < config->function_count; fi++)
        c->uniform_shapes = c->uniform_shapes && memcmp(&c->shapes[fi], &c->shapes[0], sizeof c->shapes[0]) == 0;
    c->transit_free = UINT32_MAX;
    c->stats.images.last_ready_at = -1;
    bool ok = c->vms && c->images && c->functions && c->cold_rng && c->shapes &&
              (config->routing != HF_ROUTE_RANDOM || c->routing_rng) &&
              (config->placement != HF_PLACE_RANDOM || c->placement_rng) &&
              hf_histogram_create(&c->stats.latency) && hf_histogram_create(&c->stats.interval_latency);
    uint32_t group = 0, left_in_group = config->group_count ? config->groups[0].count : 0;
    c->one_price = true;
    for (uint32_t i = 0; ok && i < c->vm_slots; i++) {
        const struct hf_vm_type *type = &config->vm;
        if (config->group_count) {
            while (left_in_group == 0 && group + 1 < config->group_count)
                left_in_group = config->groups[++group].count;
            type = &config->groups[group].type;
            left_in_group--;
        }
        struct vm *v = &c->vms[i];
        v->cores = v->cores_free = type->cores;
        v->memory_mib = v->memory_free_mib = type->memory_mib;
        v->price_per_hour = type->price_per_hour;
        c->one_price = c->one_price && v->price_per_hour == c->vms[0].price_per_hour;
        v->state = i < config->vm_count ? VM_ON : VM_OFF;
        if (v->state == VM_ON)
            c->billed_price_per_hour += v->price_per_hour;
        v->pull_at = HF_TIME_NEVER;
        double by_cpu = floor(type->cores / least_cpu + 1e-9);
        double by_memory = floor(type->memory_mib / least_memory + 1e-9);
        c->vms[i].member_cap = (uint32_t)(by_cpu < by_memory ? by_cpu : by_memory) + 1;
        c->vms[i].members = malloc(c->vms[i].member_cap * sizeof *c->vms[i].members);
        ok = c->vms[i].members && hf_ps_init(&c->vms[i].pulls, 1.0, config->function_count);
    }
    for (uint32_t i = 0; ok && i < config->function_count; i++)
        c->functions[i].timeout_at = HF_TIME_NEVER;
    /* The transfer model only when something needs it: without it the pulls are exactly the per-VM
     * links they were, and results stay byte-identical. */
    double start_fraction = spec->image_start_fraction > 0 ? spec->image_start_fraction : 1;
    double registry_total = config->registry_total_mib_per_s > 0 ? config->registry_total_mib_per_s : INFINITY;
    if (ok && (config->provisioning == HF_PROVISION_FUNCTION_TREE || isfinite(registry_total) || start_fraction < 1)) {
        struct hf_image_transfer_config tc = {
            .mode = config->provisioning,
            .image_mib = spec->image_mib,
            .block_mib = spec->image_block_mib > 0 ? spec->image_block_mib : 1,
            .start_fraction = start_fraction,
            .registry_mib_per_s = registry_total,
            .vm_down_mib_per_s = config->registry_mib_per_s,
            .vm_up_mib_per_s = config->vm_upload_mib_per_s > 0 ? config->vm_upload_mib_per_s : config->registry_mib_per_s,
            .vm_count = c->vm_slots,
            .function_count = config->function_count,
        };
        struct hf_image_transfer_events events = {c, hf_cl_image_usable};
        ok = hf_image_transfer_create(&c->transfer, engine, &tc, &events);
    }
    if (!ok) {
        hf_cluster_destroy(c);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the cluster");
    }
    c->platform.ops = &hf_cl_platform_ops;
    c->platform.backend = c;
    hf_policy_host_init(&c->host, engine, &c->platform);
    c->billed_vms = config->vm_count;
    c->stats.vms = c->billed_vms;
    if (config->autoscaling.enabled)
        hf_engine_after(engine, config->autoscaling.scan_interval, hf_cl_on_autoscale, c, 0);
    c->metric_phase = gsl_rng_uniform(hf_engine_rng(engine, "metrics-phase"));
    hf_cl_schedule_first_scrape(c);
    *out = c;
    return true;
}

void hf_cluster_attach_policy(struct hf_cluster *c, const struct hf_policy_type *policy, void *state)
{
    hf_policy_host_attach(&c->host, policy, state);
}

struct hf_platform *hf_cluster_platform(struct hf_cluster *c) { return &c->platform; }
struct hf_model_stats *hf_cluster_stats(struct hf_cluster *c) { return &c->stats; }

void hf_cluster_fail_all(struct hf_cluster *c, enum hf_fail_reason reason)
{
    hf_cl_fail_transits(c, reason);
    for (uint32_t fi = 0; fi < c->config.function_count; fi++) {
        struct function *f = &c->functions[fi];
        while (f->queue.count > 0) {
            struct queued q = hf_cl_dequeue(f);
            hf_cl_fail_request(c, q.id, fi, q.arrival, reason);
        }
        c->stats.queued = 0;
        hf_cl_rearm_timeout(c, fi);
    }
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        struct container *k = &c->containers[ci];
        if (k->state == C_FREE || k->in_flight == 0)
            continue;
        /* In-flight requests: the slots not on the free stack. */
        bool *free_mark = calloc(2 * c->config.function.concurrency, sizeof *free_mark);
        for (uint32_t s = 0; free_mark && s < k->free_slot_count; s++)
            free_mark[k->free_slots[s]] = true;
        for (uint32_t s = 0; free_mark && s < 2 * c->config.function.concurrency; s++)
            if (!free_mark[s]) {
                hf_cl_fail_request(c, k->slots[s].id, k->slots[s].function, k->slots[s].arrival, reason);
                k->free_slots[k->free_slot_count++] = s;
            }
        free(free_mark);
        hf_cl_gauges(c);
        c->stats.busy -= k->in_flight;
        c->stats.busy_containers -= k->in_flight > 0;
        c->functions[k->function].in_flight -= k->in_flight;
        if (k->state == C_READY)
            c->functions[k->function].ready_own_in_flight -= k->in_flight - k->shared_in_flight;
        k->in_flight = 0;
        k->shared_in_flight = 0;
        k->cpu.count = 0;
    }
}

void hf_cluster_destroy(struct hf_cluster *c)
{
    if (!c)
        return;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        hf_ps_fini(&c->containers[ci].cpu);
        hf_isolates_fini(&c->containers[ci].isolates);
        free(c->containers[ci].slots); /* the block with the CPU heap and the free slots */
    }
    for (uint32_t i = 0; c->vms && i < c->vm_slots; i++) {
        hf_ps_fini(&c->vms[i].pulls);
        free(c->vms[i].members);
    }
    free(c->shapes);
    for (uint32_t i = 0; c->functions && i < c->config.function_count; i++) {
        free(c->functions[i].containers);
        free(c->functions[i].warm);
        free(c->functions[i].waiting);
    }
    free(c->functions);
    free(c->containers);
    free(c->free_containers);
    free(c->unscheduled);
    free(c->vms);
    free(c->images);
    hf_image_transfer_destroy(c->transfer);
    hf_cl_transits_fini(c);
    hf_histogram_destroy(&c->stats.latency);
    hf_histogram_destroy(&c->stats.interval_latency);
    free(c);
}

/* With several prices, the time-weighted mean over the billed VMs, so that vm_seconds x it is the cost
 * (summary.json's vm_cost_usd); with one, that price exactly. */
double hf_cluster_vm_price_per_hour(const struct hf_cluster *c)
{
    if (c->one_price || c->stats.vm_seconds <= 0)
        return c->vms[0].price_per_hour;
    double since = hf_time_to_s(hf_cl_now(c) - c->accounted_at);
    return (c->integrated_cost_usd + c->billed_price_per_hour / 3600.0 * since) * 3600.0 / c->stats.vm_seconds;
}
