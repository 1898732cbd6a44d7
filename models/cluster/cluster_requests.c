/* The request path: gateway queue with its timeout, routing, arrivals, keep-alive, and how requests end. */
#include "models/cluster/cluster_internal.h"
#include "sim/recorder.h"

static void on_timeout(struct hf_engine *engine, void *ctx, uint64_t fi);

/* ---- accounting and request endings ---- */

void hf_cl_account_allocation(struct hf_cluster *c)
{
    hf_time now = hf_cl_now(c);
    c->integrated_core_ns += c->allocated_cores * (double)(now - c->accounted_at);
    c->integrated_memory_gb_s += c->allocated_memory_mib / 1024.0 * hf_time_to_s(now - c->accounted_at);
    c->integrated_vm_seconds += (double)c->billed_vms * hf_time_to_s(now - c->accounted_at);
    c->integrated_cost_usd += c->billed_price_per_hour / 3600.0 * hf_time_to_s(now - c->accounted_at);
    c->accounted_at = now;
}

/* Read-only: the model's state is not advanced, so sampling never perturbs a run. */
void hf_cluster_account(struct hf_cluster *c)
{
    hf_time now = hf_cl_now(c);
    double since = (double)(now - c->accounted_at);
    c->stats.allocated_core_ns = c->integrated_core_ns + c->allocated_cores * since;
    c->stats.memory_gb_s = c->integrated_memory_gb_s + c->allocated_memory_mib / 1024.0 * (since / 1e9);
    c->stats.vm_seconds = c->integrated_vm_seconds + (double)c->billed_vms * (since / 1e9);
    c->stats.allocated_cores_now = c->allocated_cores;
    if (c->transfer) {
        const struct hf_image_transfer_stats *t = hf_image_transfer_stats(c->transfer);
        c->stats.images.reported = true;
        /* What was carried: the transfers still running have not read all they were started for. */
        double running_registry = 0, running_peer = 0;
        hf_image_transfer_running(c->transfer, now, &running_registry, &running_peer);
        c->stats.images.registry_mib = t->registry_mib - running_registry;
        c->stats.images.peer_mib = t->peer_mib - running_peer;
        c->stats.images.fetches = t->fetches;
        c->stats.images.repairs = t->repairs;
    }
    double busy = c->released_busy_core_ns, idle_mib_ns = c->idle_closed_mib_ns, expired_mib_ns = 0;
    bool isolates = c->config.function.isolates.enabled;
    uint32_t not_ready = 0;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        const struct container *k = &c->containers[ci];
        if (k->state >= C_STARTING)
            busy += hf_ps_busy_at(&k->cpu, now);
        if (k->state == C_READY && k->in_flight == 0)
            idle_mib_ns += hf_cl_held_mib(c, k) * (double)(now - k->idle_since);
        if (isolates && k->state != C_FREE)
            expired_mib_ns += hf_cl_unswept_isolate_mib_ns(c, k, now);
        not_ready += k->state == C_UNSCHEDULED || k->state == C_PULLING || k->state == C_STARTING;
    }
    c->stats.images.not_ready = not_ready;
    /* Isolates past their keep-alive that no dispatch has dropped yet stopped holding memory then. */
    c->stats.memory_gb_s -= expired_mib_ns / 1024.0 / 1e9;
    c->stats.isolates_reported = isolates;
    c->stats.busy_core_ns = busy;
    c->stats.wasted_memory_gb_s = idle_mib_ns / 1024.0 / 1e9;
}

void hf_cluster_function_counts(const struct hf_cluster *c, uint32_t fi, struct hf_function_counts *out)
{
    *out = (struct hf_function_counts){0};
    if (fi >= c->config.function_count)
        return;
    const struct function *f = &c->functions[fi];
    *out = (struct hf_function_counts){f->arrived, f->completed, f->failed, f->waited, f->cold_starts};
}

static void log_request(struct hf_cluster *c, uint64_t id, uint32_t function, hf_time arrival,
                        hf_time end, const char *outcome)
{
    hf_request_log(&c->stats, id, function, arrival, end, outcome);
}

void hf_cl_fail_request(struct hf_cluster *c, uint64_t id, uint32_t function, hf_time arrival,
                         enum hf_fail_reason reason)
{
    hf_ledger_fail(&c->stats.ledger, reason);
    c->functions[function].failed++;
    c->stats.interval_failed++;
    log_request(c, id, function, arrival, hf_cl_now(c), hf_fail_reason_name(reason));
}

void hf_cl_complete_request(struct hf_cluster *c, const struct slot *s, uint32_t function)
{
    /* The gateway's ingress latency is a fixed cost on the response path, added here rather than
     * delaying routing by an event per request. */
    hf_time end = hf_cl_now(c) + c->config.ingress_latency;
    hf_ledger_complete(&c->stats.ledger);
    c->functions[function].completed++;
    c->stats.interval_completed++;
    c->stats.bin_completed++;
    c->stats.bin_latency_ns += (uint64_t)(end - s->arrival);
    hf_histogram_add(&c->stats.latency, (uint64_t)(end - s->arrival));
    hf_histogram_add(&c->stats.interval_latency, (uint64_t)(end - s->arrival));
    log_request(c, s->id, function, s->arrival, end, "completed");
}

/* ---- the gateway queue ---- */

static bool enqueue(struct function *f, const struct queued *q, uint32_t capacity)
{
    if (f->queue.count >= capacity)
        return false;
    if (!hf_ring_reserve(&f->queue, (void **)&f->waiting, sizeof *f->waiting, 16))
        return false;
    f->waiting[hf_ring_push(&f->queue)] = *q;
    return true;
}

struct queued hf_cl_dequeue(struct function *f)
{
    return f->waiting[hf_ring_pop(&f->queue)];
}

/* One timeout event per function, for its queue head: deadlines are FIFO-ordered. */
/* The head's timeout must fire no later than due; an earlier pending timer is kept (it fires, fails
 * nothing or whatever expired, and re-arms for the head then), so a queue whose head moves on at
 * every dispatch does not cancel and push a timer each time. */
void hf_cl_rearm_timeout(struct hf_cluster *c, uint32_t fi)
{
    struct function *f = &c->functions[fi];
    if (f->queue.count == 0 || c->config.timeout == HF_TIME_NEVER)
        return;
    hf_time due = f->waiting[f->queue.head].arrival + c->config.timeout;
    if (f->timeout_at <= due)
        return;
    if (f->timeout_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, f->timeout_event);
    f->timeout_at = due;
    if (due != HF_TIME_NEVER)
        f->timeout_event = hf_engine_at(c->engine, due, on_timeout, c, fi);
}

static void on_timeout(struct hf_engine *engine, void *ctx, uint64_t fi)
{
    struct hf_cluster *c = ctx;
    struct function *f = &c->functions[fi];
    f->timeout_at = HF_TIME_NEVER;
    hf_time now = hf_engine_now(engine);
    while (f->queue.count > 0 && f->waiting[f->queue.head].arrival + c->config.timeout <= now) {
        struct queued q = hf_cl_dequeue(f);
        c->stats.queued--;
        hf_cl_fail_request(c, q.id, (uint32_t)fi, q.arrival, HF_FAIL_TIMEOUT);
    }
    hf_cl_rearm_timeout(c, (uint32_t)fi);
}

/* ---- arrivals ---- */

static bool warm_entry_has_room(const struct hf_cluster *c, uint64_t entry, uint32_t fi)
{
    const struct container *k = &c->containers[(uint32_t)entry];
    return k->generation == (uint32_t)(entry >> 32) && k->function == fi && hf_cl_has_room(c, k, fi);
}

void hf_cl_note_warm(struct hf_cluster *c, uint32_t ci)
{
    if (c->config.routing != HF_ROUTE_WARM_FIRST)
        return;
    struct container *k = &c->containers[ci];
    struct function *f = &c->functions[k->function];
    uint64_t entry = (uint64_t)k->generation << 32 | ci;
    if (f->warm_count > 0 && f->warm[f->warm_count - 1] == entry)
        return;
    if (f->warm_count >= 2 * f->count + 16) { /* compact: keep entries that still have room */
        uint32_t kept = 0;
        for (uint32_t i = 0; i < f->warm_count; i++)
            if (warm_entry_has_room(c, f->warm[i], k->function))
                f->warm[kept++] = f->warm[i];
        f->warm_count = kept;
    }
    if (f->warm_count == f->warm_cap) {
        uint32_t cap = f->warm_cap ? 2 * f->warm_cap : 8;
        uint64_t *grown = realloc(f->warm, cap * sizeof *grown);
        if (!grown)
            return; /* only a routing hint is lost: round-robin finds the container */
        f->warm = grown;
        f->warm_cap = cap;
    }
    f->warm[f->warm_count++] = entry;
}

/* After a dispatch filled container ci: if it tops its function's warm list, it leaves now. The next
 * arrival would drop it anyway (full), but only after reading the container, a cache miss of its
 * own; routing picks the same containers either way (the topmost noted one with room). */
void hf_cl_note_filled(struct hf_cluster *c, uint32_t ci)
{
    const struct container *k = &c->containers[ci];
    struct function *f = &c->functions[k->function];
    if (f->warm_count > 0 && f->warm[f->warm_count - 1] == ((uint64_t)k->generation << 32 | ci))
        f->warm_count--;
}

/* Newest or oldest by placement time, or least recently used (oldest last_freed); the container
 * index breaks ties: -1 when none has room. */
static int64_t route_by_age(struct hf_cluster *c, struct function *f, uint32_t fi, bool newest, bool by_use)
{
    int64_t best = -1;
    for (uint32_t i = 0; i < f->count; i++) {
        uint32_t ci = f->containers[i];
        const struct container *k = &c->containers[ci];
        if (!hf_cl_has_room(c, k, fi))
            continue;
        if (best < 0) {
            best = ci;
            continue;
        }
        const struct container *b = &c->containers[best];
        hf_time mine = by_use ? k->last_freed : k->scheduled_at, theirs = by_use ? b->last_freed : b->scheduled_at;
        bool later = mine > theirs || (mine == theirs && ci > (uint32_t)best);
        if (later == newest)
            best = ci;
    }
    return best;
}

/* Uniform among the containers with room (one draw from the routing stream). */
static int64_t route_random(struct hf_cluster *c, struct function *f, uint32_t fi)
{
    uint32_t with_room = 0;
    for (uint32_t i = 0; i < f->count; i++)
        with_room += hf_cl_has_room(c, &c->containers[f->containers[i]], fi);
    if (with_room == 0)
        return -1;
    uint32_t pick = (uint32_t)gsl_rng_uniform_int(c->routing_rng, with_room);
    for (uint32_t i = 0; i < f->count; i++)
        if (hf_cl_has_room(c, &c->containers[f->containers[i]], fi) && pick-- == 0)
            return f->containers[i];
    return -1;
}

static uint32_t gcd(uint32_t a, uint32_t b)
{
    while (b) {
        uint32_t t = a % b;
        a = b;
        b = t;
    }
    return a;
}

/* OpenWhisk's ShardingContainerPoolBalancer, over the function's containers: the home is the
 * function's hash modulo the count; from there it steps by a size coprime with the count (also
 * chosen by the hash), so every container is probed once and functions spread differently. */
void hf_cl_hash_probe(uint32_t key, uint32_t n, uint32_t *home, uint32_t *step)
{
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ull;
    h ^= h >> 29;
    *home = (uint32_t)(h % n);
    *step = 1 + (uint32_t)((h >> 32) % n);
    while (gcd(*step, n) != 1)
        *step = *step % n + 1;
}

static int64_t route_hash(struct hf_cluster *c, struct function *f, uint32_t fi)
{
    if (f->count == 0)
        return -1;
    uint32_t n = f->count, home, step;
    hf_cl_hash_probe(fi, n, &home, &step);
    for (uint32_t probe = 0, i = home; probe < n; probe++, i = (i + step) % n)
        if (hf_cl_has_room(c, &c->containers[f->containers[i]], fi))
            return f->containers[i];
    return -1;
}

static int64_t route(struct hf_cluster *c, struct function *f)
{
    if (f->ready_own_in_flight >= (uint64_t)f->ready * c->config.function.concurrency)
        return -1; /* every ready container is full: no need to look */
    uint32_t fi = (uint32_t)(f - c->functions);
    if (c->config.routing == HF_ROUTE_WARM_FIRST) {
        while (f->warm_count > 0) {
            uint64_t top = f->warm[f->warm_count - 1];
            if (warm_entry_has_room(c, top, fi))
                return (uint32_t)top;
            f->warm_count--;
        }
        /* Not noted (out of memory): fall back to the scan. */
    }
    if (c->config.routing == HF_ROUTE_NEWEST || c->config.routing == HF_ROUTE_OLDEST)
        return route_by_age(c, f, fi, c->config.routing == HF_ROUTE_NEWEST, false);
    if (c->config.routing == HF_ROUTE_LEAST_RECENTLY_USED)
        return route_by_age(c, f, fi, false, true);
    if (c->config.routing == HF_ROUTE_RANDOM)
        return route_random(c, f, fi);
    if (c->config.routing == HF_ROUTE_HASH)
        return route_hash(c, f, fi);
    if (c->config.routing == HF_ROUTE_LEAST_LOADED) {
        int64_t best = -1;
        for (uint32_t i = 0; i < f->count; i++) {
            const struct container *k = &c->containers[f->containers[i]];
            if (hf_cl_has_room(c, k, (uint32_t)(f - c->functions)) &&
                (best < 0 || k->in_flight < c->containers[f->containers[best]].in_flight))
                best = i;
        }
        return best < 0 ? -1 : (int64_t)f->containers[best];
    }
    for (uint32_t step = 0; step < f->count; step++) {
        uint32_t i = (f->rr + step) % f->count;
        if (hf_cl_has_room(c, &c->containers[f->containers[i]], (uint32_t)(f - c->functions))) {
            f->rr = i + 1;
            return f->containers[i];
        }
    }
    return -1;
}

/* Puts a request back at the head of its function's queue (a delayed request whose container
 * filled up meanwhile: it is older than what waits behind it). */
static bool enqueue_front(struct hf_cluster *c, uint32_t fi, const struct queued *q)
{
    struct function *f = &c->functions[fi];
    if (!enqueue(f, q, UINT32_MAX))
        return false;
    /* enqueue appended it; rotate it to the head */
    struct queued moved = f->waiting[hf_ring_at(&f->queue, f->queue.count - 1)];
    for (uint32_t i = f->queue.count - 1; i > 0; i--)
        f->waiting[hf_ring_at(&f->queue, i)] = f->waiting[hf_ring_at(&f->queue, i - 1)];
    f->waiting[f->queue.head] = moved;
    return true;
}

static void on_transit(struct hf_engine *engine, void *ctx, uint64_t index)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct transit t = c->transits[index];
    c->transits[index].active = false;
    c->transits[index].next_free = c->transit_free;
    c->transit_free = (uint32_t)index;
    uint32_t ci;
    struct container *k = hf_cl_container_by_id(c, t.container, &ci);
    if (k && hf_cl_has_room(c, k, t.function)) {
        hf_cl_dispatch(c, ci, &t.q, t.function);
        hf_cl_load_changed(c, ci);
        hf_cl_reschedule_finish(c, ci);
        return;
    }
    if (!enqueue_front(c, t.function, &t.q)) {
        hf_cl_fail_request(c, t.q.id, t.function, t.q.arrival, HF_FAIL_QUEUE_FULL);
        return;
    }
    c->stats.queued++;
    hf_cl_rearm_timeout(c, t.function);
}

static bool start_transit(struct hf_cluster *c, uint32_t fi, const struct queued *q, uint64_t container,
                          hf_time delay)
{
    if (c->transit_free == UINT32_MAX) {
        uint32_t cap = c->transit_cap ? 2 * c->transit_cap : 64;
        struct transit *grown = realloc(c->transits, cap * sizeof *grown);
        if (!grown)
            return false;
        c->transits = grown;
        for (uint32_t i = cap; i > c->transit_cap; i--) {
            c->transits[i - 1].active = false;
            c->transits[i - 1].next_free = c->transit_free;
            c->transit_free = i - 1;
        }
        c->transit_cap = cap;
    }
    uint32_t index = c->transit_free;
    c->transit_free = c->transits[index].next_free;
    c->transits[index] = (struct transit){*q, fi, container, UINT32_MAX, true};
    hf_engine_after(c->engine, delay, on_transit, c, index);
    return true;
}

void hf_cl_fail_transits(struct hf_cluster *c, enum hf_fail_reason reason)
{
    for (uint32_t i = 0; i < c->transit_cap; i++)
        if (c->transits[i].active) {
            c->transits[i].active = false;
            hf_cl_fail_request(c, c->transits[i].q.id, c->transits[i].function, c->transits[i].q.arrival,
                               reason);
        }
}

void hf_cl_transits_fini(struct hf_cluster *c)
{
    free(c->transits);
    c->transits = NULL;
}

bool hf_cl_route_by_policy(struct hf_cluster *c, uint32_t fi, const struct queued *q, bool from_queue,
                           uint32_t preferred)
{
    struct hf_request_view view = {q->id, fi, (uint32_t)q->memory_mib, q->arrival, from_queue, false};
    struct hf_route r = hf_policy_host_route(&c->host, &view);
    struct function *f = &c->functions[fi];
    uint32_t ci = 0;
    if (r.container == HF_ROUTE_QUEUE)
        return false;
    if (r.container == HF_ROUTE_DEFAULT) {
        /* The queue's head goes to the container that just made room, as a gateway handing its
         * backlog to the next free worker would; scanning for another would only cost time. */
        int64_t picked = preferred != UINT32_MAX && hf_cl_has_room(c, &c->containers[preferred], fi)
                             ? (int64_t)preferred
                             : route(c, f);
        if (picked < 0)
            return false;
        ci = (uint32_t)picked;
        r.delay = 0;
    } else {
        struct container *k = hf_cl_container_by_id(c, r.container, &ci);
        if (!k || !hf_cl_has_room(c, k, fi))
            return false; /* a stale or full choice: the request waits, as if told to */
    }
    c->stats.bounces += r.bounces;
    if (from_queue) {
        hf_cl_dequeue(f);
        c->stats.queued--;
    }
    if (r.delay > 0 && start_transit(c, fi, q, hf_cl_container_id(c, ci), r.delay))
        return true;
    hf_cl_dispatch(c, ci, q, fi);
    hf_cl_load_changed(c, ci);
    hf_cl_reschedule_finish(c, ci);
    return true;
}

static void on_keep_alive(struct hf_engine *engine, void *ctx, uint64_t fi)
{
    struct hf_cluster *c = ctx;
    struct function *f = &c->functions[fi];
    hf_time idle_until = f->last_arrival + c->config.keep_alive;
    if (hf_engine_now(engine) < idle_until) {
        hf_engine_at(engine, idle_until, on_keep_alive, c, fi);
        return;
    }
    f->keep_alive_armed = false;
    if (f->queue.count == 0)
        hf_cl_set_replicas(c, (uint32_t)fi, 0);
}

void hf_cluster_arrive(void *model, const struct hf_invocation *inv)
{
    struct hf_cluster *c = model;
    uint32_t fi = inv->function % c->config.function_count;
    struct function *f = &c->functions[fi];
    hf_ledger_arrive(&c->stats.ledger);
    c->stats.interval_arrived++;
    f->last_arrival = inv->arrival;
    f->arrived++;
    if (c->config.keep_alive > 0) {
        if (f->active == 0)
            hf_cl_set_replicas(c, fi, 1); /* scale from zero */
        if (!f->keep_alive_armed) {
            f->keep_alive_armed = true;
            hf_engine_at(c->engine, inv->arrival + c->config.keep_alive, on_keep_alive, c, fi);
        }
    }
    struct queued q = {inv->id, inv->arrival, inv->work, (double)inv->memory_mb,
                       inv->isolate ? inv->isolate - 1 : fi};
    if (hf_policy_host_routes(&c->host)) {
        if (f->queue.count == 0 && hf_cl_route_by_policy(c, fi, &q, false, UINT32_MAX))
            return;
        if (f->queue.count > 0) { /* every arrival reaches the policy, queue or no queue */
            struct hf_request_view view = {q.id, fi, (uint32_t)q.memory_mib, q.arrival, false, true};
            (void)hf_policy_host_route(&c->host, &view);
        }
        if (!enqueue(f, &q, c->config.queue_capacity)) {
            hf_cl_fail_request(c, q.id, fi, q.arrival, HF_FAIL_QUEUE_FULL);
            return;
        }
        c->stats.queued++;
        c->stats.waited++;
        f->waited++;
        hf_cl_rearm_timeout(c, fi);
        return;
    }
    int64_t ci = f->queue.count == 0 ? route(c, f) : -1;
    if (ci >= 0) {
        hf_cl_dispatch(c, (uint32_t)ci, &q, fi);
        hf_cl_load_changed(c, (uint32_t)ci);
        hf_cl_reschedule_finish(c, (uint32_t)ci);
        return;
    }
    if (!enqueue(f, &q, c->config.queue_capacity)) {
        hf_cl_fail_request(c, q.id, fi, q.arrival, HF_FAIL_QUEUE_FULL);
        return;
    }
    c->stats.queued++;
    c->stats.waited++;
    f->waited++;
    hf_cl_rearm_timeout(c, fi);
}
