#include "models/station/station.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "sim/recorder.h"

/* Marks a server slot with no request in service (work is never negative otherwise). */
#define IDLE_SERVER ((hf_time)-1)

/* Integrates the count gauges up to now, before busy or replicas change (summary.json's time
 * averages): servers in use are the station's containers, all ready, each serving one request. */
static void advance_gauges(struct hf_station *s)
{
    hf_gauges_advance(&s->stats.gauges, hf_engine_now(s->engine), s->replicas, s->replicas, s->busy, s->busy);
}

static void log_request(struct hf_station *s, uint64_t id, hf_time arrival, const char *outcome)
{
    hf_request_log(&s->stats, id, 0, arrival, hf_engine_now(s->engine), outcome);
}

static void fail_request(struct hf_station *s, uint64_t id, hf_time arrival, enum hf_fail_reason r)
{
    hf_ledger_fail(&s->stats.ledger, r);
    s->stats.interval_failed++;
    log_request(s, id, arrival, hf_fail_reason_name(r));
}

static void on_departure(struct hf_engine *engine, void *ctx, uint64_t server);
static void on_timeout(struct hf_engine *engine, void *ctx, uint64_t arg);

static void start_service(struct hf_station *s, const struct hf_station_request *req)
{
    uint32_t server = s->idle_servers[--s->idle_count];
    s->in_service[server] = *req;
    advance_gauges(s);
    s->busy++;
    hf_engine_after(s->engine, req->work, on_departure, s, server);
}

/* Keeps exactly one timeout event pending, for the head of the queue. */
static void rearm_timeout(struct hf_station *s)
{
    hf_time due = HF_TIME_NEVER;
    if (s->queue.count > 0 && s->config.timeout != HF_TIME_NEVER)
        due = s->waiting[s->queue.head].arrival + s->config.timeout;
    if (due == s->timeout_at)
        return;
    if (s->timeout_event != HF_EVENT_NONE)
        hf_engine_cancel(s->engine, s->timeout_event);
    s->timeout_event = HF_EVENT_NONE;
    s->timeout_at = due;
    if (due != HF_TIME_NEVER)
        s->timeout_event = hf_engine_at(s->engine, due, on_timeout, s, 0);
}

static struct hf_station_request dequeue(struct hf_station *s)
{
    return s->waiting[hf_ring_pop(&s->queue)];
}

static bool enqueue(struct hf_station *s, const struct hf_station_request *req)
{
    if (!hf_ring_reserve(&s->queue, (void **)&s->waiting, sizeof *s->waiting, 256))
        return false;
    s->waiting[hf_ring_push(&s->queue)] = *req;
    return true;
}

static void serve_waiting(struct hf_station *s)
{
    bool changed = false;
    while (s->queue.count > 0 && s->busy < s->replicas) {
        struct hf_station_request req = dequeue(s);
        start_service(s, &req);
        changed = true;
    }
    if (changed)
        rearm_timeout(s);
}

void hf_station_arrive(void *station, const struct hf_invocation *inv)
{
    struct hf_station *s = station;
    struct hf_station_request req = {inv->id, inv->arrival, inv->work};
    hf_ledger_arrive(&s->stats.ledger);
    s->stats.interval_arrived++;
    if (s->busy < s->replicas && s->queue.count == 0) {
        start_service(s, &req);
        return;
    }
    if (s->queue.count >= s->config.queue_capacity || !enqueue(s, &req)) {
        fail_request(s, req.id, req.arrival, HF_FAIL_QUEUE_FULL);
        return;
    }
    s->stats.waited++;
    if (s->queue.count == 1)
        rearm_timeout(s);
}

static void on_departure(struct hf_engine *engine, void *ctx, uint64_t server)
{
    struct hf_station *s = ctx;
    const struct hf_station_request *req = &s->in_service[server];
    hf_time latency = hf_engine_now(engine) - req->arrival;
    hf_histogram_add(&s->stats.latency, (uint64_t)latency);
    hf_histogram_add(&s->stats.interval_latency, (uint64_t)latency);
    hf_ledger_complete(&s->stats.ledger);
    s->stats.interval_completed++;
    s->stats.bin_completed++;
    s->stats.bin_latency_ns += (uint64_t)latency;
    s->stats.busy_core_ns += (double)req->work;
    log_request(s, req->id, req->arrival, "completed");
    s->in_service[server].work = IDLE_SERVER;
    s->idle_servers[s->idle_count++] = (uint32_t)server;
    advance_gauges(s);
    s->busy--;
    serve_waiting(s);
}

static void on_timeout(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct hf_station *s = ctx;
    s->timeout_event = HF_EVENT_NONE;
    s->timeout_at = HF_TIME_NEVER;
    hf_time now = hf_engine_now(engine);
    while (s->queue.count > 0 && s->waiting[s->queue.head].arrival + s->config.timeout <= now) {
        struct hf_station_request req = dequeue(s);
        fail_request(s, req.id, req.arrival, HF_FAIL_TIMEOUT);
    }
    rearm_timeout(s);
}

static void integrate_replicas(struct hf_station *s)
{
    hf_time now = hf_engine_now(s->engine);
    s->integrated_core_ns += (double)s->replicas * (double)(now - s->replicas_since);
    s->replicas_since = now;
}

/* Read-only, like the cluster's: sampling must not change a run's sums. */
void hf_station_account(struct hf_station *s)
{
    hf_time now = hf_engine_now(s->engine);
    s->stats.allocated_core_ns = s->integrated_core_ns + (double)s->replicas * (double)(now - s->replicas_since);
    s->stats.queued = (uint32_t)s->queue.count;
    s->stats.busy = s->busy;
    s->stats.busy_containers = s->busy;
    s->stats.replicas = s->stats.ready = s->replicas;
    s->stats.allocated_cores_now = s->replicas;
}

/* ---- platform backend ---- */

static hf_time p_now(void *backend) { return hf_engine_now(((struct hf_station *)backend)->engine); }

static hf_timer p_timer_after(void *backend, hf_time delay, uint64_t arg)
{
    return hf_policy_host_timer_after(&((struct hf_station *)backend)->host, delay, arg);
}

static bool p_timer_cancel(void *backend, hf_timer timer)
{
    return hf_policy_host_timer_cancel(&((struct hf_station *)backend)->host, timer);
}

static uint32_t p_function_count(void *backend)
{
    (void)backend;
    return 1;
}

static uint32_t p_set_replicas(void *backend, uint32_t function, uint32_t n)
{
    struct hf_station *s = backend;
    if (function != 0)
        return 0;
    integrate_replicas(s);
    advance_gauges(s);
    s->replicas = n < s->config.servers ? n : s->config.servers;
    serve_waiting(s);
    return s->replicas;
}

static void p_load(void *backend, uint32_t function, struct hf_function_load *out)
{
    struct hf_station *s = backend;
    memset(out, 0, sizeof *out);
    if (function != 0)
        return;
    out->replicas = s->replicas;
    out->ready = s->replicas;
    out->in_flight = s->busy;
    out->queued = (uint32_t)s->queue.count;
    out->arrived = s->stats.ledger.arrived;
    out->completed = s->stats.ledger.completed;
}

static const struct hf_platform_ops station_platform_ops = {
    .now = p_now,
    .timer_after = p_timer_after,
    .timer_cancel = p_timer_cancel,
    .function_count = p_function_count,
    .set_replicas = p_set_replicas,
    .load = p_load,
};

/* ---- lifetime ---- */

bool hf_station_create(struct hf_station *s, struct hf_engine *engine,
                       const struct hf_station_config *config)
{
    memset(s, 0, sizeof *s);
    s->engine = engine;
    s->config = *config;
    s->timeout_at = HF_TIME_NEVER;
    s->in_service = calloc(config->servers ? config->servers : 1, sizeof *s->in_service);
    s->idle_servers = calloc(config->servers ? config->servers : 1, sizeof *s->idle_servers);
    bool ok = s->in_service && s->idle_servers && hf_histogram_create(&s->stats.latency) &&
              hf_histogram_create(&s->stats.interval_latency);
    if (!ok) {
        hf_station_destroy(s);
        return false;
    }
    /* Idle servers as a stack: lowest index on top, so server use is easy to read in logs. */
    for (uint32_t i = 0; i < config->servers; i++) {
        s->idle_servers[i] = config->servers - 1 - i;
        s->in_service[i].work = IDLE_SERVER;
    }
    s->idle_count = config->servers;
    s->platform.ops = &station_platform_ops;
    s->platform.backend = s;
    hf_policy_host_init(&s->host, s->engine, &s->platform);
    return true;
}

void hf_station_attach_policy(struct hf_station *s, const struct hf_policy_type *policy, void *state)
{
    hf_policy_host_attach(&s->host, policy, state);
}

void hf_station_fail_all(struct hf_station *s, enum hf_fail_reason reason)
{
    while (s->queue.count > 0) {
        struct hf_station_request req = dequeue(s);
        fail_request(s, req.id, req.arrival, reason);
    }
    rearm_timeout(s);
    /* In-service requests: their departure events stay queued, but the run ends before them. */
    for (uint32_t server = 0; server < s->config.servers; server++) {
        struct hf_station_request *req = &s->in_service[server];
        if (req->work >= 0)
            fail_request(s, req->id, req->arrival, reason);
        req->work = IDLE_SERVER;
    }
    advance_gauges(s);
    s->busy = 0;
}

void hf_station_destroy(struct hf_station *s)
{
    free(s->in_service);
    free(s->idle_servers);
    free(s->waiting);
    hf_histogram_destroy(&s->stats.latency);
    hf_histogram_destroy(&s->stats.interval_latency);
    memset(s, 0, sizeof *s);
}
