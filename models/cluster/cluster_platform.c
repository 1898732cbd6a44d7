/* The cluster as a platform backend (sim/platform.h): the ops policies call. */
#include "models/cluster/cluster_internal.h"

/* ---- platform backend ---- */

static hf_time p_now(void *backend) { return hf_cl_now(backend); }

static hf_timer p_timer_after(void *backend, hf_time delay, uint64_t arg)
{
    return hf_policy_host_timer_after(&((struct hf_cluster *)backend)->host, delay, arg);
}

static bool p_timer_cancel(void *backend, hf_timer timer)
{
    return hf_policy_host_timer_cancel(&((struct hf_cluster *)backend)->host, timer);
}

static uint32_t p_function_count(void *backend)
{
    return ((struct hf_cluster *)backend)->config.function_count;
}

static uint32_t p_set_replicas(void *backend, uint32_t function, uint32_t n)
{
    return hf_cl_set_replicas(backend, function, n);
}

static void p_load(void *backend, uint32_t fi, struct hf_function_load *out)
{
    struct hf_cluster *c = backend;
    memset(out, 0, sizeof *out);
    if (fi >= c->config.function_count)
        return;
    const struct function *f = &c->functions[fi];
    out->replicas = f->active;
    out->ready = f->ready;
    out->queued = f->queue.count;
    out->arrived = f->arrived;
    out->completed = f->completed;
    out->in_flight = (uint32_t)f->in_flight;
}

static uint32_t p_pods(void *backend, uint32_t fi, struct hf_pod_view *out, uint32_t cap)
{
    struct hf_cluster *c = backend;
    if (fi >= c->config.function_count)
        return 0;
    const struct function *f = &c->functions[fi];
    for (uint32_t i = 0; i < f->count && i < cap; i++) {
        const struct container *k = &c->containers[f->containers[i]];
        out[i] = (struct hf_pod_view){
            .scheduled = k->state != C_UNSCHEDULED,
            .node = k->vm,
            .running = k->state >= C_STARTING,
            .ready = k->state == C_READY,
            .deleting = k->state == C_STOPPING,
            .start_time = k->scheduled_at,
            .ready_change = k->ready_change,
            .cpu_request_milli = k->reserved * 1000.0,
            .has_metric = k->has_metric,
            .cpu_usage_milli = k->usage_milli,
            .metric_time = k->metric_time,
            .metric_window = c->metric_resolution,
        };
    }
    return f->count;
}


static void p_set_metric_resolution(void *backend, hf_time resolution)
{
    struct hf_cluster *c = backend;
    if (resolution <= 0 || resolution == c->metric_resolution)
        return;
    c->metric_resolution = resolution;
    hf_engine_cancel(c->engine, c->scrape_event);
    hf_cl_schedule_first_scrape(c);
}

uint64_t hf_cl_container_id(const struct hf_cluster *c, uint32_t ci)
{
    return (uint64_t)c->containers[ci].generation << 32 | ci;
}

struct container *hf_cl_container_by_id(struct hf_cluster *c, uint64_t id, uint32_t *index)
{
    uint32_t ci = (uint32_t)id;
    if (ci >= c->container_cap || c->containers[ci].generation != (uint32_t)(id >> 32) ||
        c->containers[ci].state == C_FREE)
        return NULL;
    *index = ci;
    return &c->containers[ci];
}

static void container_view(const struct hf_cluster *c, uint32_t ci, struct hf_container_view *out)
{
    const struct container *k = &c->containers[ci];
    bool placed = k->state != C_UNSCHEDULED;
    *out = (struct hf_container_view){
            .id = hf_cl_container_id(c, ci),
            .function = k->function,
            .node = k->vm,
            .ready = k->state == C_READY,
            .cpu_limit = placed ? k->cpu_limit : hf_cl_shape(c, k->function)->cpu_limit,
            .resizing = k->pending_limit > 0,
            .in_flight = k->in_flight,
            .concurrency = c->config.function.concurrency,
            .cpu_demand = k->demand,
            .memory_used_mib = k->memory_used_mib + c->config.function.base_memory_mib,
            .memory_limit_mib = hf_cl_shape(c, k->function)->memory_mib,
            .node_cores_free = placed ? c->vms[k->vm].cores_free : 0,
            .shared_function = k->shared_function,
            .specializing = k->pending_shared != HF_GENERIC,
            .shared_in_flight = k->shared_in_flight,
            .ready_at = k->state == C_READY ? k->ready_change : HF_TIME_NEVER,
            .idle_since = k->state == C_READY && k->in_flight == 0 ? k->idle_since : HF_TIME_NEVER,
    };
}

static uint32_t p_containers(void *backend, uint32_t fi, struct hf_container_view *out, uint32_t cap)
{
    struct hf_cluster *c = backend;
    if (fi >= c->config.function_count)
        return 0;
    const struct function *f = &c->functions[fi];
    for (uint32_t i = 0; i < f->count && i < cap; i++)
        container_view(c, f->containers[i], &out[i]);
    return f->count;
}

static bool p_container(void *backend, uint64_t id, struct hf_container_view *out)
{
    struct hf_cluster *c = backend;
    uint32_t ci;
    if (!hf_cl_container_by_id(c, id, &ci))
        return false;
    container_view(c, ci, out);
    return true;
}

static void on_specialized(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->shared_function = k->pending_shared;
    k->pending_shared = HF_GENERIC;
    c->stats.specializations++;
    uint32_t fi = k->shared_function;
    hf_policy_host_specialized(&c->host, hf_cl_container_id(c, (uint32_t)ci), fi);
    hf_cl_drain_queue_into(c, (uint32_t)ci);
}

static bool p_specialize(void *backend, uint64_t id, uint32_t function)
{
    struct hf_cluster *c = backend;
    uint32_t ci;
    struct container *k = hf_cl_container_by_id(c, id, &ci);
    if (!k || k->state != C_READY || k->pending_shared != HF_GENERIC)
        return false;
    if (function == HF_GENERIC) {
        if (k->shared_function == HF_GENERIC || k->shared_in_flight > 0)
            return false;
        k->shared_function = HF_GENERIC;
        return true;
    }
    if (function >= c->config.function_count || function == k->function ||
        k->shared_function != HF_GENERIC)
        return false;
    k->pending_shared = function;
    k->specialize_event = hf_engine_after(c->engine, c->config.specialize_latency, on_specialized, c, ci);
    return true;
}

static void on_resized(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    hf_cl_account_allocation(c);
    c->allocated_cores += k->pending_limit - k->cpu_limit;
    k->cpu_limit = k->pending_limit;
    k->pending_limit = 0;
    c->stats.resizes++;
    /* The new limit caps the container's demand (which may re-divide a contended VM) and, on an
     * uncontended VM, is its CPU rate. */
    hf_cl_load_changed(c, (uint32_t)ci);
    if (!c->vms[k->vm].contended) {
        hf_ps_set_cores(&k->cpu, hf_cl_now(c), k->cpu_limit);
        hf_cl_reschedule_finish(c, (uint32_t)ci);
    }
    hf_policy_host_resized(&c->host, hf_cl_container_id(c, (uint32_t)ci));
}

static bool p_resize(void *backend, uint64_t id, double cpu_limit)
{
    struct hf_cluster *c = backend;
    uint32_t ci;
    struct container *k = hf_cl_container_by_id(c, id, &ci);
    if (!k)
        return false;
    const struct hf_function_shape *spec = hf_cl_shape(c, k->function);
    if (k->state == C_UNSCHEDULED || k->state == C_STOPPING || k->pending_limit > 0 ||
        cpu_limit < spec->cpu_request || cpu_limit == k->cpu_limit)
        return false;
    /* Headroom above the spec's limit is reserved on the VM, so a resize is bounded by what is free. */
    double reserved = spec->cpu_request + (cpu_limit > spec->cpu_limit ? cpu_limit - spec->cpu_limit : 0);
    struct vm *v = &c->vms[k->vm];
    if (reserved - k->reserved > v->cores_free + 1e-9)
        return false;
    bool shrinking = reserved < k->reserved;
    v->cores_free -= reserved - k->reserved;
    k->reserved = reserved;
    k->pending_limit = cpu_limit;
    k->resize_event = hf_engine_after(c->engine, c->config.resize_latency, on_resized, c, ci);
    if (shrinking)
        hf_cl_place_unscheduled(c);
    return true;
}

static void p_retry_queued(void *backend, uint32_t fi)
{
    struct hf_cluster *c = backend;
    if (fi >= c->config.function_count || !hf_policy_host_routes(&c->host))
        return;
    struct function *f = &c->functions[fi];
    bool moved = false;
    while (f->queue.count > 0) {
        struct queued head = f->waiting[f->queue.head];
        if (!hf_cl_route_by_policy(c, fi, &head, true, UINT32_MAX))
            break;
        moved = true;
    }
    if (moved)
        hf_cl_rearm_timeout(c, fi);
}

static bool p_stop(void *backend, uint64_t id)
{
    struct hf_cluster *c = backend;
    uint32_t ci;
    struct container *k = hf_cl_container_by_id(c, id, &ci);
    if (!k || k->state != C_READY || k->in_flight > 0)
        return false;
    hf_cl_stop_ready(c, k->function, ci);
    return true;
}

const struct hf_platform_ops hf_cl_platform_ops = {
    .features = HF_PF_ROUTING,
    .now = p_now,
    .timer_after = p_timer_after,
    .timer_cancel = p_timer_cancel,
    .function_count = p_function_count,
    .set_replicas = p_set_replicas,
    .load = p_load,
    .pods = p_pods,
    .set_metric_resolution = p_set_metric_resolution,
    .containers = p_containers,
    .resize = p_resize,
    .container = p_container,
    .specialize = p_specialize,
    .retry_queued = p_retry_queued,
    .stop = p_stop,
};
