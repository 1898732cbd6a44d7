/* The live gateway: arrivals issued open loop, the policy's routing (bounce delays included), dispatch
 * as a real HTTP call in a helper thread, per-function FIFO queues with the gateway timeout. */
#include "live/live_internal.h"

#include <stdlib.h>
#include <string.h>

void hf_lv_fail_request(struct live *l, uint64_t r, enum hf_fail_reason reason)
{
    struct lrequest *q = &l->requests[r];
    if (q->ended)
        return;
    q->ended = true;
    hf_ledger_fail(&l->stats.ledger, reason);
    l->functions[q->function].counts.failed++;
    l->stats.interval_failed++;
    hf_request_log(&l->stats, q->id, q->function, q->arrival, hf_lv_now(l), hf_fail_reason_name(reason));
}

static void dispatch(struct live *l, uint64_t r, int c)
{
    struct lrequest *q = &l->requests[r];
    struct lcontainer *k = &l->containers[c];
    q->container = c;
    q->host = k->host;
    q->generation = k->generation;
    q->shared = k->function != q->function;
    k->in_flight++;
    if (q->shared)
        k->shared_in_flight++;
    l->functions[q->function].in_flight++;
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        hf_lv_fail_request(l, r, HF_FAIL_CONTAINER_LOST);
        return;
    }
    j->index = (int)r;
    snprintf(j->ip, sizeof j->ip, "%s", k->ip);
    snprintf(j->id, sizeof j->id, "%s", k->id);
    j->port = k->port;
    j->cpu_ms = hf_time_to_s(q->work) * 1e3;
    j->memory_mb = q->memory_mb;
    j->function = q->function;
    if (!hf_lv_spawn(l, hf_lv_request_thread, j)) {
        if (q->shared)
            k->shared_in_flight--;
        k->in_flight--;
        l->functions[q->function].in_flight--;
        hf_lv_fail_request(l, r, HF_FAIL_CONTAINER_LOST);
    }
}

static int room(struct live *l, uint32_t f)
{
    int best = -1;
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        const struct lcontainer *k = &l->containers[c];
        bool own = k->function == f && k->in_flight - k->shared_in_flight < l->concurrency;
        bool shared = k->shared_function == f && k->shared_in_flight < l->concurrency;
        if (k->state == C_READY && (own || shared) && (best < 0 || k->in_flight < l->containers[best].in_flight))
            best = c;
    }
    return best;
}

uint64_t hf_lv_container_id(const struct live *l, int c)
{
    return (uint64_t)l->containers[c].generation << 32 | (uint32_t)c;
}

/* The container an id names, or -1 when it is stale. */
int hf_lv_by_id(const struct live *l, uint64_t id)
{
    uint32_t c = (uint32_t)id;
    if (c >= MAX_CONTAINERS || l->containers[c].state == C_FREE || l->containers[c].generation != (uint32_t)(id >> 32))
        return -1;
    return (int)c;
}

static int container_with_room(struct live *l, uint64_t id, uint32_t f)
{
    int c = hf_lv_by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY)
        return -1;
    const struct lcontainer *k = &l->containers[c];
    bool own = k->function == f && k->in_flight - k->shared_in_flight < l->concurrency;
    bool shared = k->shared_function == f && k->shared_in_flight < l->concurrency;
    return own || shared ? c : -1;
}

static void on_bounced(struct hf_engine *e, void *ctx, uint64_t r);

/* The queue's head moves on while there is room for it. A policy that routes (HyperFaaS's global
 * scheduler) is asked for each, as the cluster model asks it (hf_cl_route_by_policy): its
 * in-container schedulers' watermarks may keep the request buffered although a worker slot is
 * free. (Dispatching to any free slot instead, as this did before, emptied the buffer at every
 * scaler tick, so HyperFaaS's scaler never saw it buffering two ticks in a row: live scale-ups came
 * 14 s after the simulated ones in validation, and requests piled into a 0.5-core container.) */
void hf_lv_drain(struct live *l, uint32_t f)
{
    struct lfunction *fn = &l->functions[f];
    bool by_policy = hf_policy_host_routes(&l->host);
    while (fn->queue.count > 0) {
        uint64_t r = fn->waiting[fn->queue.head];
        struct lrequest *q = &l->requests[r];
        struct hf_route route = {.container = HF_ROUTE_DEFAULT};
        if (by_policy) {
            struct hf_request_view view = {q->id, f, q->memory_mb, q->arrival, true, false};
            route = hf_policy_host_route(&l->host, &view);
            if (route.container == HF_ROUTE_QUEUE)
                break;
        }
        int c = route.container == HF_ROUTE_DEFAULT ? room(l, f) : container_with_room(l, route.container, f);
        if (c < 0)
            break; /* no room, or a stale or full choice: the request waits, as if told to */
        l->stats.bounces += route.bounces;
        hf_ring_pop(&fn->queue);
        if (route.container != HF_ROUTE_DEFAULT && route.delay > 0) {
            q->target = route.container;
            if (hf_engine_after(&l->engine, route.delay, on_bounced, l, r))
                continue;
        }
        dispatch(l, r, c);
    }
}

void hf_lv_expire_queues(struct live *l, hf_time now)
{
    for (uint32_t f = 0; f < l->function_count; f++) {
        struct lfunction *fn = &l->functions[f];
        while (fn->queue.count > 0 && now - l->requests[fn->waiting[fn->queue.head]].arrival > l->timeout) {
            hf_lv_fail_request(l, fn->waiting[hf_ring_pop(&fn->queue)], HF_FAIL_TIMEOUT);
        }
    }
}

/* Returns false when the request failed (queue full). */
static bool enqueue(struct live *l, uint64_t r)
{
    struct lfunction *fn = &l->functions[l->requests[r].function];
    if (!hf_ring_reserve(&fn->queue, (void **)&fn->waiting, sizeof *fn->waiting, 64)) {
        hf_lv_fail_request(l, r, HF_FAIL_QUEUE_FULL);
        return false;
    }
    fn->waiting[hf_ring_push(&fn->queue)] = r;
    return true;
}

/* A request the in-container schedulers bounced reaches the container the global scheduler chose
 * after the bounce round trips (route.delay): that one if it still has room, else the gateway's
 * choice, else the queue. */
static void on_bounced(struct hf_engine *e, void *ctx, uint64_t r)
{
    (void)e;
    struct live *l = ctx;
    const struct lrequest *q = &l->requests[r];
    int c = container_with_room(l, q->target, q->function);
    if (c < 0)
        c = room(l, q->function);
    if (c >= 0)
        dispatch(l, r, c);
    else
        (void)enqueue(l, r);
}

void hf_lv_arrive(void *model, const struct hf_invocation *inv)
{
    struct live *l = model;
    hf_time now = hf_lv_now(l);
    double late = hf_time_to_s(now - inv->arrival) * 1e3;
    l->lateness_sum_ms += late > 0 ? late : 0;
    if (late > l->lateness_max_ms)
        l->lateness_max_ms = late;
    if (l->request_count == l->request_cap) {
        size_t cap = l->request_cap ? 2 * l->request_cap : 1024;
        struct lrequest *grown = realloc(l->requests, cap * sizeof *grown);
        if (!grown) {
            hf_ledger_arrive(&l->stats.ledger);
            hf_ledger_fail(&l->stats.ledger, HF_FAIL_QUEUE_FULL);
            return;
        }
        l->requests = grown;
        l->request_cap = cap;
    }
    uint64_t r = l->request_count++;
    uint32_t f = inv->function % l->function_count;
    l->requests[r] = (struct lrequest){.id = inv->id, .arrival = inv->arrival, .work = inv->work, .function = f,
                                       .memory_mb = inv->memory_mb, .container = -1};
    hf_ledger_arrive(&l->stats.ledger);
    l->stats.interval_arrived++;
    struct lfunction *fn = &l->functions[f];
    fn->arrived++;
    int c = -1;
    if (fn->queue.count == 0 && hf_policy_host_routes(&l->host)) {
        struct hf_request_view view = {inv->id, f, inv->memory_mb, inv->arrival, false, false};
        struct hf_route route = hf_policy_host_route(&l->host, &view);
        l->stats.bounces += route.bounces;
        if (route.container == HF_ROUTE_DEFAULT) {
            c = room(l, f);
        } else if (route.container != HF_ROUTE_QUEUE && route.delay > 0) {
            l->requests[r].target = route.container;
            if (hf_engine_after(&l->engine, route.delay, on_bounced, l, r))
                return;
            c = container_with_room(l, route.container, f);
        } else if (route.container != HF_ROUTE_QUEUE) {
            c = container_with_room(l, route.container, f);
        }
    } else if (fn->queue.count == 0) {
        c = room(l, f);
    } else if (hf_policy_host_routes(&l->host)) { /* every arrival reaches the policy, queue or no queue */
        struct hf_request_view view = {inv->id, f, inv->memory_mb, inv->arrival, false, true};
        (void)hf_policy_host_route(&l->host, &view);
    }
    if (c >= 0) {
        dispatch(l, r, c);
    } else if (enqueue(l, r)) {
        /* Counted at arrival only, as the cluster model counts it: a bounced request that returns
         * to the queue did not arrive twice. */
        l->stats.waited++;
        fn->counts.queued_on_arrival++;
    }
}
