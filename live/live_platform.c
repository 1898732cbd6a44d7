/* The platform interface, live form: the ops table the policies call (the same object code as in
 * the simulator), container and pod views, real resizes and specializations, the metrics-server. */
#include "live/live_internal.h"

#include <stdlib.h>
#include <string.h>

#include "live/worker_client.h"

static hf_time p_now(void *backend) { return hf_lv_now(backend); }

/* From the wall clock's now: the engine's clock lags it between two turns of the loop. */
static hf_timer p_timer(void *backend, hf_time delay, uint64_t arg)
{
    struct live *l = backend;
    return hf_policy_host_timer_at(&l->host, hf_time_add(hf_lv_now(l), delay), arg);
}

static bool p_cancel(void *backend, hf_timer t) { return hf_policy_host_timer_cancel(&((struct live *)backend)->host, t); }
static uint32_t p_functions(void *backend) { return ((struct live *)backend)->function_count; }

static void p_load(void *backend, uint32_t f, struct hf_function_load *out)
{
    struct live *l = backend;
    memset(out, 0, sizeof *out);
    if (f >= l->function_count)
        return;
    const struct lfunction *fn = &l->functions[f];
    *out = (struct hf_function_load){.replicas = fn->active, .ready = fn->ready,
                                     .in_flight = (uint32_t)fn->in_flight, .queued = (uint32_t)fn->queue.count,
                                     .arrived = fn->arrived, .completed = fn->completed};
}

static void view_of(const struct live *l, int c, struct hf_container_view *out)
{
    const struct lcontainer *k = &l->containers[c];
    double free_cores = hf_lv_unreserved(l, k->host);
    *out = (struct hf_container_view){
        .id = hf_lv_container_id(l, c),
        .function = k->function,
        .node = (uint32_t)k->host,
        .ready = k->state == C_READY,
        .resizing = k->resizing,
        .cpu_limit = k->cpu_limit,
        .cpu_demand = k->in_flight < k->cpu_limit ? k->in_flight : k->cpu_limit,
        .in_flight = k->in_flight,
        .concurrency = l->concurrency,
        .memory_used_mib = (double)k->memory_used / 1048576.0, /* the worker's report, last sample */
        .memory_limit_mib = (double)l->functions[k->function].memory_bytes / 1048576.0,
        .node_cores_free = free_cores,
        .shared_function = k->shared_function,
        .specializing = k->specializing,
        .shared_in_flight = k->shared_in_flight,
        .ready_at = k->state == C_READY ? k->ready_at : HF_TIME_NEVER,
        .idle_since = k->state == C_READY && k->in_flight == 0 ? k->idle_since : HF_TIME_NEVER,
    };
}

static uint32_t p_containers(void *backend, uint32_t f, struct hf_container_view *out, uint32_t cap)
{
    struct live *l = backend;
    uint32_t n = 0;
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        const struct lcontainer *k = &l->containers[c];
        if (k->function != f || (k->state != C_STARTING && k->state != C_READY) || k->stop_when_ready)
            continue;
        if (n < cap)
            view_of(l, c, &out[n]);
        n++;
    }
    return n;
}

static bool p_container(void *backend, uint64_t id, struct hf_container_view *out)
{
    struct live *l = backend;
    int c = hf_lv_by_id(l, id);
    if (c < 0)
        return false;
    view_of(l, c, out);
    return true;
}

/* A real resize: the engine's update call (CPU quota), applied when it returns. */
static bool p_resize(void *backend, uint64_t id, double cpus)
{
    struct live *l = backend;
    int c = hf_lv_by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY || l->containers[c].resizing || !(cpus > 0))
        return false;
    struct lcontainer *k = &l->containers[c];
    const struct lfunction *fn = &l->functions[k->function];
    if (cpus < fn->cpu_request || cpus == k->cpu_limit)
        return false;
    /* As the cluster model: headroom above the function's limit is reserved on the host. A growth
     * is held at once (and given back if the engine refuses); a shrink frees cores once applied. */
    double delta = fn->cpu_request + (cpus > fn->cpu_limit ? cpus - fn->cpu_limit : 0) - k->reserved;
    if (delta > l->hosts[k->host].cores_free + 1e-9)
        return false; /* the host has no cores left to give */
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return false;
    j->index = c;
    j->cpus = cpus;
    snprintf(j->id, sizeof j->id, "%s", l->containers[c].id);
    snprintf(j->host, sizeof j->host, "%s", l->hosts[l->containers[c].host].address);
    k->resizing = true;
    k->pending_limit = cpus;
    if (!hf_lv_spawn(l, hf_lv_resize_thread, j)) {
        k->resizing = false;
        return false;
    }
    k->resize_delta = delta;
    if (delta > 0)
        l->hosts[k->host].cores_free -= delta;
    return true;
}

/* The container's second worker loads function f (the worker sleeps function.specialize_ms, the
 * code-loading cost), or with HF_GENERIC unloads it once idle. on_specialized fires when it is done. */
static bool p_specialize(void *backend, uint64_t id, uint32_t f)
{
    struct live *l = backend;
    int c = hf_lv_by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY || l->containers[c].specializing)
        return false;
    struct lcontainer *k = &l->containers[c];
    if (f == HF_GENERIC ? k->shared_function == HF_GENERIC || k->shared_in_flight > 0
                        : k->shared_function != HF_GENERIC || f == k->function || f >= l->function_count)
        return false;
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return false;
    j->index = c;
    j->function = f == HF_GENERIC ? -1 : (long)f;
    j->load_ms = l->specialize_ms;
    snprintf(j->ip, sizeof j->ip, "%s", k->ip);
    snprintf(j->id, sizeof j->id, "%s", k->id);
    j->port = k->port;
    k->specializing = true;
    k->pending_shared = f;
    if (f == HF_GENERIC)
        k->shared_function = HF_GENERIC; /* no new requests go there while it unloads */
    if (!hf_lv_spawn(l, hf_lv_specialize_thread, j)) {
        k->specializing = false;
        return false;
    }
    return true;
}

static void p_retry_queued(void *backend, uint32_t f)
{
    struct live *l = backend;
    if (f < l->function_count)
        hf_lv_drain(l, f);
}

/* Pods as the Kubernetes API would show them: bound at once (the engine has no scheduling queue),
 * running once the worker answers, deleting while stopping; the metric is the metrics-server's. */
static uint32_t p_pods(void *backend, uint32_t f, struct hf_pod_view *out, uint32_t cap)
{
    struct live *l = backend;
    uint32_t n = 0;
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        const struct lcontainer *k = &l->containers[c];
        if (k->state == C_FREE || k->function != f)
            continue;
        if (n < cap)
            out[n] = (struct hf_pod_view){
                .scheduled = k->state != C_PENDING, /* pending: no engine had room (Pending, no node) */
                .node = (uint32_t)k->host,
                .running = k->state == C_READY || k->state == C_STOPPING,
                .ready = k->state == C_READY,
                .deleting = k->state == C_STOPPING || k->stop_when_ready,
                .start_time = k->requested_at,
                .ready_change = k->state == C_STARTING || k->state == C_PENDING ? k->requested_at : k->ready_at,
                .cpu_request_milli = l->functions[f].cpu_request * 1000.0,
                .has_metric = k->has_metric,
                .cpu_usage_milli = k->metric_milli,
                .metric_time = k->metric_time,
                .metric_window = k->metric_window,
            };
        n++;
    }
    return n;
}

/* The metrics-server: every resolution, each container's CPU rate over the last resolution from its
 * cumulative counter (so a new container needs two scrapes before it has a metric). The counters
 * are read at the scrape: a sampling round starts then, and the rates are taken when it ends (a few
 * ms later). From the interval's samples instead, up to a second old, the HPA's CPU initialization
 * rule (a metric must cover time after the pod became ready) dropped a pod the simulated HPA counted,
 * and the live HPA did not scale at 20 s in two validation runs of three. */
static void on_scrape(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct live *l = ctx;
    l->scrape_pending = true;
    hf_lv_start_sampling(l); /* nothing if a round is in flight: its end is the scrape */
    l->scrape_timer = hf_engine_after(e, l->metric_resolution, on_scrape, l, 0);
}

void hf_lv_scrape(struct live *l)
{
    l->scrape_pending = false;
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        struct lcontainer *k = &l->containers[c];
        if (k->state == C_FREE || !k->has_usage)
            continue;
        if (k->has_scrape && k->usage_at > k->scrape_at) {
            k->metric_milli = (double)(k->usage_cpu_ns - k->scrape_cpu_ns) / (double)(k->usage_at - k->scrape_at) * 1e3;
            k->metric_time = k->usage_at;
            k->metric_window = k->usage_at - k->scrape_at;
            k->has_metric = true;
        }
        k->scrape_cpu_ns = k->usage_cpu_ns;
        k->scrape_at = k->usage_at;
        k->has_scrape = true;
    }
}

/* The next scrape on the grid (phase + k) x resolution, as the cluster model schedules it (the
 * metrics-server was running before the run started). */
void hf_lv_schedule_scrape(struct live *l)
{
    hf_time res = l->metric_resolution, offset = (hf_time)(l->metric_phase * (double)res), now = hf_lv_now(l);
    hf_time next = now < offset ? offset : now - (now - offset) % res + res;
    l->scrape_timer = hf_engine_at(&l->engine, next, on_scrape, l, 0);
}

static void p_set_metric_resolution(void *backend, hf_time resolution)
{
    struct live *l = backend;
    if (resolution <= 0 || resolution == l->metric_resolution)
        return;
    l->metric_resolution = resolution;
    hf_engine_cancel(&l->engine, l->scrape_timer);
    hf_lv_schedule_scrape(l);
}

const struct hf_platform_ops hf_lv_ops = {
    .features = HF_PF_ROUTING,
    .now = p_now, .timer_after = p_timer, .timer_cancel = p_cancel, .function_count = p_functions,
    .set_replicas = hf_lv_set_replicas, .load = p_load, .containers = p_containers, .resize = p_resize,
    .container = p_container, .specialize = p_specialize, .retry_queued = p_retry_queued,
    .pods = p_pods, .set_metric_resolution = p_set_metric_resolution, .stop = hf_lv_stop,
};
