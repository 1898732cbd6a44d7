#include "models/cluster.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"

enum container_state {
    C_FREE,        /* in the pool, unused */
    C_UNSCHEDULED, /* wants a VM, none fits */
    C_PULLING,     /* on a VM, waiting for its image */
    C_STARTING,    /* image present, sandbox/runtime/function init running */
    C_READY,       /* serving */
    C_STOPPING,    /* no new requests; goes when in-flight ones finish */
};

struct slot {
    uint64_t id;
    hf_time arrival;
    double memory_mib;
};

struct container {
    enum container_state state;
    uint32_t function, vm;
    uint32_t list_pos; /* index in its function's container list */
    uint32_t vm_pos;   /* index in its VM's member list */
    double demand;     /* min(limit, in_flight), as counted in its VM's demand */
    double cpu_limit;  /* cores: the function spec's, or what a resize set */
    double reserved;   /* cores reserved on its VM: the spec's request plus any resize above the spec's limit */
    double pending_limit; /* a resize in flight (applies at resize_event); 0 = none */
    hf_event_handle resize_event;
    uint32_t generation;  /* bumped when the slot is reused: stale container ids are refused */
    hf_time scheduled_at, ready_change;
    struct hf_ps_server cpu;
    hf_event_handle finish_event, ready_event;
    hf_time finish_at;
    struct slot *slots;
    uint32_t *free_slots;
    uint32_t free_slot_count, in_flight;
    double memory_used_mib;
    bool scraped; /* the metrics-server has one sample of its counter */
    double scraped_busy_core_ns;
    bool has_metric;
    double usage_milli;
    hf_time metric_time;
};

struct queued {
    uint64_t id;
    hf_time arrival, work;
    double memory_mib;
};

struct function {
    uint32_t *containers; /* every non-free container of the function */
    uint32_t count, cap;
    uint32_t active;      /* not stopping: what the replica count means */
    uint32_t ready, rr;
    struct queued *queue; /* ring buffer */
    uint32_t queue_head, queue_count, queue_cap;
    hf_event_handle timeout_event;
    hf_time timeout_at;
    hf_time last_arrival;
    bool keep_alive_armed;
};

enum image_state { IMAGE_ABSENT, IMAGE_PULLING, IMAGE_PRESENT };
enum vm_state { VM_OFF, VM_BOOTING, VM_ON };

struct vm {
    enum vm_state state;
    hf_time empty_since; /* when it last became empty (VM_ON) */
    double cores_free, memory_free_mib;
    uint32_t *members; /* containers placed on it; sized at creation for as many as its requests fit */
    uint32_t member_count, member_cap;
    double demand;     /* sum over members of min(limit, requests in flight): cores they could use */
    bool contended;    /* demand > cores: members run at water-filled fair shares, not their limits */
    struct hf_ps_server pulls; /* registry link shared by concurrent pulls: PS at 1 "core" */
    hf_event_handle pull_event;
    hf_time pull_at;
};

struct hf_cluster {
    struct hf_engine *engine;
    struct hf_cluster_config config;
    struct vm *vms;
    uint8_t *images; /* [vm * function_count + function] enum image_state */
    struct function *functions;
    struct container *containers;
    uint32_t container_count, container_cap;
    uint32_t *free_containers;
    uint32_t free_container_count;
    uint32_t *unscheduled; /* FIFO of containers waiting for a VM */
    uint32_t unscheduled_head, unscheduled_count, unscheduled_cap;
    uint32_t vm_slots;    /* VMs that can exist: autoscaling.max_vms, or vm_count without it */
    uint32_t billed_vms;  /* booting or on */
    uint32_t booting_vms;
    double allocated_cores;
    hf_time accounted_at;
    double released_busy_core_ns; /* CPU used by containers since returned to the pool */
    hf_time metric_resolution;
    double metric_phase; /* scrapes happen at (phase + k) * resolution: metrics-server started at an
                            arbitrary moment, not in step with the workload */
    hf_event_handle scrape_event;
    gsl_rng *cold_rng;
    struct hf_model_stats stats;
    struct hf_platform platform;
    const struct hf_policy_type *policy;
    void *policy_state;
};

static void on_finish(struct hf_engine *engine, void *ctx, uint64_t container);
static void on_ready(struct hf_engine *engine, void *ctx, uint64_t container);
static void on_pull(struct hf_engine *engine, void *ctx, uint64_t vm);
static void on_timeout(struct hf_engine *engine, void *ctx, uint64_t function);
static void on_keep_alive(struct hf_engine *engine, void *ctx, uint64_t function);
static void on_scrape(struct hf_engine *engine, void *ctx, uint64_t arg);
static void on_autoscale(struct hf_engine *engine, void *ctx, uint64_t arg);
static uint32_t set_replicas(struct hf_cluster *c, uint32_t function, uint32_t n);

static hf_time now_of(const struct hf_cluster *c) { return hf_engine_now(c->engine); }

/* ---- accounting and request endings ---- */

static void account_allocation(struct hf_cluster *c)
{
    hf_time now = now_of(c);
    c->stats.allocated_core_ns += c->allocated_cores * (double)(now - c->accounted_at);
    c->stats.vm_seconds += (double)c->billed_vms * hf_time_to_s(now - c->accounted_at);
    c->accounted_at = now;
}

void hf_cluster_account(struct hf_cluster *c)
{
    account_allocation(c);
    double busy = c->released_busy_core_ns;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        struct container *k = &c->containers[ci];
        if (k->state >= C_STARTING) {
            hf_ps_advance(&k->cpu, now_of(c));
            busy += k->cpu.busy_core_ns;
        }
    }
    c->stats.busy_core_ns = busy;
}

static void log_request(struct hf_cluster *c, uint64_t id, uint32_t function, hf_time arrival,
                        hf_time end, const char *outcome)
{
    if (!c->stats.requests_log)
        return;
    fprintf(c->stats.requests_log, "%" PRIu64 ",%" PRIu32 ",%.9f,%.9f,%.6f,%s\n", id, function,
            hf_time_to_s(arrival), hf_time_to_s(end), hf_time_to_ms(end - arrival), outcome);
}

static void fail_request(struct hf_cluster *c, uint64_t id, uint32_t function, hf_time arrival,
                         enum hf_fail_reason reason)
{
    hf_ledger_fail(&c->stats.ledger, reason);
    c->stats.interval_failed++;
    log_request(c, id, function, arrival, now_of(c), hf_fail_reason_name(reason));
}

static void complete_request(struct hf_cluster *c, const struct slot *s, uint32_t function)
{
    /* The gateway's ingress latency is a fixed cost on the response path, added here rather than
     * delaying routing by an event per request. */
    hf_time end = now_of(c) + c->config.ingress_latency;
    hf_ledger_complete(&c->stats.ledger);
    c->stats.interval_completed++;
    hf_histogram_add(&c->stats.latency, (uint64_t)(end - s->arrival));
    hf_histogram_add(&c->stats.interval_latency, (uint64_t)(end - s->arrival));
    log_request(c, s->id, function, s->arrival, end, "completed");
}

/* ---- the gateway queue ---- */

static bool enqueue(struct function *f, const struct queued *q, uint32_t capacity)
{
    if (f->queue_count >= capacity)
        return false;
    if (f->queue_count == f->queue_cap) {
        uint32_t cap = f->queue_cap ? 2 * f->queue_cap : 16;
        struct queued *grown = malloc(cap * sizeof *grown);
        if (!grown)
            return false;
        for (uint32_t i = 0; i < f->queue_count; i++)
            grown[i] = f->queue[(f->queue_head + i) % f->queue_cap];
        free(f->queue);
        f->queue = grown;
        f->queue_cap = cap;
        f->queue_head = 0;
    }
    f->queue[(f->queue_head + f->queue_count) % f->queue_cap] = *q;
    f->queue_count++;
    return true;
}

static struct queued dequeue(struct function *f)
{
    struct queued q = f->queue[f->queue_head];
    f->queue_head = (f->queue_head + 1) % f->queue_cap;
    f->queue_count--;
    return q;
}

/* One timeout event per function, for its queue head: deadlines are FIFO-ordered. */
static void rearm_timeout(struct hf_cluster *c, uint32_t fi)
{
    struct function *f = &c->functions[fi];
    hf_time due = HF_TIME_NEVER;
    if (f->queue_count > 0 && c->config.timeout != HF_TIME_NEVER)
        due = f->queue[f->queue_head].arrival + c->config.timeout;
    if (due == f->timeout_at)
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
    while (f->queue_count > 0 && f->queue[f->queue_head].arrival + c->config.timeout <= now) {
        struct queued q = dequeue(f);
        c->stats.queued--;
        fail_request(c, q.id, (uint32_t)fi, q.arrival, HF_FAIL_TIMEOUT);
    }
    rearm_timeout(c, (uint32_t)fi);
}

/* ---- execution in a container ---- */

static void reschedule_finish(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    hf_time at = hf_ps_next_finish(&k->cpu);
    if (at == k->finish_at)
        return;
    if (k->finish_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->finish_event);
    k->finish_at = at;
    if (at != HF_TIME_NEVER)
        k->finish_event = hf_engine_at(c->engine, at, on_finish, c, ci);
}

static bool has_room(const struct hf_cluster *c, const struct container *k)
{
    return k->state == C_READY && k->in_flight < c->config.function.concurrency;
}

/* Containers on a VM share its cores fairly, each capped by what it can use (its limit, and one
 * core per request in flight): max-min fair water-filling. While the VM's demand fits its cores every
 * container simply runs at its limit and a load change touches nobody else; only a contended VM
 * re-divides, rescheduling the finish events of members whose share moved. */
static void vm_share(struct hf_cluster *c, uint32_t vi)
{
    struct vm *v = &c->vms[vi];
    hf_time now = now_of(c);
    bool contended = v->demand > c->config.vm.cores + 1e-9;
    if (!contended && !v->contended)
        return;
    double level = INFINITY;
    if (contended) {
        /* Find the level L with sum(min(demand_i, L)) = cores. */
        double remaining = c->config.vm.cores;
        uint32_t unsatisfied = v->member_count;
        double satisfied_below = -1; /* idle members (demand 0) are satisfied in the first round */
        for (;;) {
            level = unsatisfied ? remaining / unsatisfied : INFINITY;
            double newly = 0;
            uint32_t count = 0;
            for (uint32_t i = 0; i < v->member_count; i++) {
                double d = c->containers[v->members[i]].demand;
                if (d > satisfied_below && d <= level) {
                    newly += d;
                    count++;
                }
            }
            if (count == 0)
                break;
            remaining -= newly;
            unsatisfied -= count;
            satisfied_below = level;
        }
    }
    v->contended = contended;
    for (uint32_t i = 0; i < v->member_count; i++) {
        uint32_t ci = v->members[i];
        struct container *k = &c->containers[ci];
        double cores = contended ? (k->demand < level ? k->demand : level) : k->cpu_limit;
        if (cores != k->cpu.cores) {
            hf_ps_set_cores(&k->cpu, now, cores);
            reschedule_finish(c, ci);
        }
    }
}

static void load_changed(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    double limit = k->cpu_limit;
    double demand = (double)k->in_flight < limit ? (double)k->in_flight : limit;
    if (demand == k->demand)
        return;
    c->vms[k->vm].demand += demand - k->demand;
    k->demand = demand;
    vm_share(c, k->vm);
}

/* Starts a request in a ready container with a free slot. Does not reschedule the finish event. */
static void dispatch(struct hf_cluster *c, uint32_t ci, const struct queued *q)
{
    struct container *k = &c->containers[ci];
    const struct hf_function_spec *spec = &c->config.function;
    if (k->memory_used_mib + q->memory_mib > spec->memory_mib - spec->base_memory_mib) {
        fail_request(c, q->id, k->function, q->arrival, HF_FAIL_OOM);
        return;
    }
    uint32_t slot = k->free_slots[--k->free_slot_count];
    k->slots[slot] = (struct slot){q->id, q->arrival, q->memory_mib};
    k->memory_used_mib += q->memory_mib;
    k->in_flight++;
    c->stats.busy++;
    hf_ps_add(&k->cpu, now_of(c), (double)q->work, slot);
}

static void drain_queue_into(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    struct function *f = &c->functions[k->function];
    bool took = false;
    while (f->queue_count > 0 && has_room(c, k)) {
        struct queued q = dequeue(f);
        c->stats.queued--;
        dispatch(c, ci, &q);
        took = true;
    }
    if (took) {
        rearm_timeout(c, k->function);
        load_changed(c, ci);
        reschedule_finish(c, ci);
    }
}

/* ---- placement and container lifetime ---- */

static bool vm_fits(const struct hf_cluster *c, const struct vm *v)
{
    const struct hf_function_spec *spec = &c->config.function;
    /* A small epsilon: requests are summed and subtracted as doubles. */
    return v->cores_free + 1e-9 >= spec->cpu_request && v->memory_free_mib + 1e-9 >= spec->memory_mib;
}

static int64_t pick_vm(const struct hf_cluster *c)
{
    int64_t best = -1;
    for (uint32_t i = 0; i < c->vm_slots; i++) {
        const struct vm *v = &c->vms[i];
        if (v->state != VM_ON || !vm_fits(c, v))
            continue;
        if (c->config.placement == HF_PLACE_FIRST_FIT)
            return i;
        if (best < 0)
            best = i;
        else if (c->config.placement == HF_PLACE_BEST_FIT ? v->cores_free < c->vms[best].cores_free
                                                          : v->cores_free > c->vms[best].cores_free)
            best = i;
    }
    return best;
}

static void begin_stages(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    k->state = C_STARTING;
    hf_time delay = hf_cold_start_draw(&c->config.function.cold_start, c->cold_rng);
    k->ready_event = hf_engine_after(c->engine, delay, on_ready, c, ci);
}

static void reschedule_pull(struct hf_cluster *c, uint32_t vi)
{
    struct vm *v = &c->vms[vi];
    hf_time at = hf_ps_next_finish(&v->pulls);
    if (at == v->pull_at)
        return;
    if (v->pull_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, v->pull_event);
    v->pull_at = at;
    if (at != HF_TIME_NEVER)
        v->pull_event = hf_engine_at(c->engine, at, on_pull, c, vi);
}

static void place(struct hf_cluster *c, uint32_t ci, uint32_t vi)
{
    struct container *k = &c->containers[ci];
    struct vm *v = &c->vms[vi];
    const struct hf_function_spec *spec = &c->config.function;
    account_allocation(c);
    v->cores_free -= spec->cpu_request;
    v->memory_free_mib -= spec->memory_mib;
    c->allocated_cores += spec->cpu_limit;
    k->cpu_limit = spec->cpu_limit;
    k->reserved = spec->cpu_request;
    k->pending_limit = 0;
    k->vm = vi;
    k->vm_pos = v->member_count;
    v->members[v->member_count++] = ci;
    k->demand = 0;
    k->cpu.cores = v->contended ? 0 : spec->cpu_limit;
    k->scheduled_at = k->ready_change = now_of(c);
    c->stats.cold_starts++;
    uint8_t *image = &c->images[(size_t)vi * c->config.function_count + k->function];
    if (*image == IMAGE_PRESENT) {
        begin_stages(c, ci);
        return;
    }
    k->state = C_PULLING;
    if (*image == IMAGE_ABSENT) {
        *image = IMAGE_PULLING;
        double seconds = spec->image_mib / c->config.registry_mib_per_s;
        hf_ps_add(&v->pulls, now_of(c), seconds * 1e9, k->function);
        reschedule_pull(c, vi);
    }
}

static void on_pull(struct hf_engine *engine, void *ctx, uint64_t vi)
{
    struct hf_cluster *c = ctx;
    struct vm *v = &c->vms[vi];
    v->pull_at = HF_TIME_NEVER;
    hf_ps_advance(&v->pulls, hf_engine_now(engine));
    uint32_t fi;
    while (hf_ps_pop_done(&v->pulls, &fi)) {
        c->images[(size_t)vi * c->config.function_count + fi] = IMAGE_PRESENT;
        struct function *f = &c->functions[fi];
        for (uint32_t i = 0; i < f->count; i++) {
            struct container *k = &c->containers[f->containers[i]];
            if (k->state == C_PULLING && k->vm == vi)
                begin_stages(c, f->containers[i]);
        }
    }
    reschedule_pull(c, (uint32_t)vi);
}

static void on_ready(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->state = C_READY;
    k->ready_change = hf_engine_now(engine);
    c->functions[k->function].ready++;
    c->stats.ready++;
    drain_queue_into(c, (uint32_t)ci);
}

static bool grow_containers(struct hf_cluster *c)
{
    uint32_t cap = c->container_cap ? 2 * c->container_cap : 64;
    struct container *grown = realloc(c->containers, cap * sizeof *grown);
    if (!grown)
        return false;
    c->containers = grown;
    uint32_t *free_grown = realloc(c->free_containers, cap * sizeof *free_grown);
    if (!free_grown)
        return false;
    c->free_containers = free_grown;
    uint32_t *unsched = malloc(cap * sizeof *unsched);
    if (!unsched)
        return false;
    for (uint32_t i = 0; i < c->unscheduled_count; i++)
        unsched[i] = c->unscheduled[(c->unscheduled_head + i) % c->unscheduled_cap];
    free(c->unscheduled);
    c->unscheduled = unsched;
    c->unscheduled_head = 0;
    c->unscheduled_cap = cap;
    /* New containers are pushed so the lowest index is reused first (stable, readable traces). */
    for (uint32_t i = cap; i > c->container_cap; i--) {
        memset(&c->containers[i - 1], 0, sizeof c->containers[i - 1]);
        c->free_containers[c->free_container_count++] = i - 1;
    }
    c->container_cap = cap;
    return true;
}

static bool function_list_add(struct function *f, struct container *k, uint32_t ci)
{
    if (f->count == f->cap) {
        uint32_t cap = f->cap ? 2 * f->cap : 4;
        uint32_t *grown = realloc(f->containers, cap * sizeof *grown);
        if (!grown)
            return false;
        f->containers = grown;
        f->cap = cap;
    }
    k->list_pos = f->count;
    f->containers[f->count++] = ci;
    return true;
}

static bool start_container(struct hf_cluster *c, uint32_t fi)
{
    if (c->free_container_count == 0 && !grow_containers(c))
        return false;
    uint32_t ci = c->free_containers[--c->free_container_count];
    struct container *k = &c->containers[ci];
    const struct hf_function_spec *spec = &c->config.function;
    if (!k->slots) {
        /* Allocated on first use and kept across reuse: every function has the same concurrency. */
        k->slots = malloc(spec->concurrency * sizeof *k->slots);
        k->free_slots = malloc(spec->concurrency * sizeof *k->free_slots);
        if (!k->slots || !k->free_slots || !hf_ps_init(&k->cpu, spec->cpu_limit, spec->concurrency)) {
            c->free_containers[c->free_container_count++] = ci;
            return false;
        }
    }
    k->state = C_UNSCHEDULED;
    k->function = fi;
    k->cpu.cores = spec->cpu_limit;
    k->cpu.updated = now_of(c);
    k->cpu.vtime = 0;
    k->cpu.busy_core_ns = 0;
    k->finish_at = HF_TIME_NEVER;
    k->in_flight = 0;
    k->memory_used_mib = 0;
    k->scraped = k->has_metric = false;
    k->free_slot_count = spec->concurrency;
    for (uint32_t s = 0; s < spec->concurrency; s++)
        k->free_slots[s] = spec->concurrency - 1 - s;
    struct function *f = &c->functions[fi];
    if (!function_list_add(f, k, ci)) {
        k->state = C_FREE;
        c->free_containers[c->free_container_count++] = ci;
        return false;
    }
    f->active++;
    c->stats.replicas++;
    int64_t vi = pick_vm(c);
    if (vi >= 0)
        place(c, ci, (uint32_t)vi);
    else
        c->unscheduled[(c->unscheduled_head + c->unscheduled_count++) % c->unscheduled_cap] = ci;
    return true;
}

static void place_unscheduled(struct hf_cluster *c)
{
    while (c->unscheduled_count > 0) {
        uint32_t ci = c->unscheduled[c->unscheduled_head];
        if (c->containers[ci].state != C_UNSCHEDULED) { /* stopped while waiting */
            c->unscheduled_head = (c->unscheduled_head + 1) % c->unscheduled_cap;
            c->unscheduled_count--;
            continue;
        }
        int64_t vi = pick_vm(c);
        if (vi < 0)
            return;
        c->unscheduled_head = (c->unscheduled_head + 1) % c->unscheduled_cap;
        c->unscheduled_count--;
        place(c, ci, (uint32_t)vi);
    }
}

/* Returns a container to the pool, freeing its VM share. Its requests must be gone. */
static void release(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    struct function *f = &c->functions[k->function];
    const struct hf_function_spec *spec = &c->config.function;
    bool placed = k->state != C_UNSCHEDULED;
    if (k->state == C_STARTING)
        hf_engine_cancel(c->engine, k->ready_event);
    if (k->finish_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->finish_event);
    k->finish_at = HF_TIME_NEVER;
    uint32_t last = f->containers[--f->count];
    f->containers[k->list_pos] = last;
    c->containers[last].list_pos = k->list_pos;
    if (k->state >= C_STARTING) {
        hf_ps_advance(&k->cpu, now_of(c));
        c->released_busy_core_ns += k->cpu.busy_core_ns;
    }
    k->state = C_FREE;
    k->generation++;
    c->free_containers[c->free_container_count++] = ci;
    if (placed) {
        struct vm *v = &c->vms[k->vm];
        uint32_t moved = v->members[--v->member_count];
        v->members[k->vm_pos] = moved;
        c->containers[moved].vm_pos = k->vm_pos;
        v->demand -= k->demand;
        k->demand = 0;
        if (v->member_count == 0)
            v->empty_since = now_of(c);
        vm_share(c, k->vm);
        account_allocation(c);
        if (k->pending_limit > 0)
            hf_engine_cancel(c->engine, k->resize_event);
        c->vms[k->vm].cores_free += k->reserved;
        c->vms[k->vm].memory_free_mib += spec->memory_mib;
        c->allocated_cores -= k->cpu_limit;
        place_unscheduled(c);
    }
}

/* Stops one container: the one least along (unscheduled, pulling, starting), else the ready one
 * with the fewest requests in flight. */
static void stop_one(struct hf_cluster *c, uint32_t fi)
{
    struct function *f = &c->functions[fi];
    static const enum container_state order[] = {C_UNSCHEDULED, C_PULLING, C_STARTING};
    for (size_t o = 0; o < sizeof order / sizeof order[0]; o++)
        for (uint32_t i = f->count; i-- > 0;)
            if (c->containers[f->containers[i]].state == order[o]) {
                f->active--;
                c->stats.replicas--;
                release(c, f->containers[i]);
                return;
            }
    int64_t victim = -1;
    for (uint32_t i = 0; i < f->count; i++) {
        const struct container *k = &c->containers[f->containers[i]];
        if (k->state == C_READY &&
            (victim < 0 || k->in_flight < c->containers[f->containers[victim]].in_flight))
            victim = i;
    }
    if (victim < 0)
        return;
    uint32_t ci = f->containers[victim];
    struct container *k = &c->containers[ci];
    f->active--;
    f->ready--;
    c->stats.replicas--;
    c->stats.ready--;
    if (k->in_flight == 0) {
        release(c, ci);
    } else {
        k->state = C_STOPPING;
        k->ready_change = now_of(c);
    }
}

static uint32_t set_replicas(struct hf_cluster *c, uint32_t fi, uint32_t n)
{
    if (fi >= c->config.function_count)
        return 0;
    struct function *f = &c->functions[fi];
    while (f->active < n)
        if (!start_container(c, fi))
            break; /* out of memory: keep what we have */
    while (f->active > n)
        stop_one(c, fi);
    return f->active;
}

static void on_finish(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->finish_at = HF_TIME_NEVER;
    hf_ps_advance(&k->cpu, hf_engine_now(engine));
    uint32_t slot;
    while (hf_ps_pop_done(&k->cpu, &slot)) {
        complete_request(c, &k->slots[slot], k->function);
        k->memory_used_mib -= k->slots[slot].memory_mib;
        k->free_slots[k->free_slot_count++] = slot;
        k->in_flight--;
        c->stats.busy--;
    }
    if (k->state == C_STOPPING && k->in_flight == 0) {
        release(c, (uint32_t)ci);
        return;
    }
    drain_queue_into(c, (uint32_t)ci);
    load_changed(c, (uint32_t)ci);
    reschedule_finish(c, (uint32_t)ci);
}

/* ---- arrivals ---- */

static int64_t route(struct hf_cluster *c, struct function *f)
{
    if (c->config.routing == HF_ROUTE_LEAST_LOADED) {
        int64_t best = -1;
        for (uint32_t i = 0; i < f->count; i++) {
            const struct container *k = &c->containers[f->containers[i]];
            if (has_room(c, k) &&
                (best < 0 || k->in_flight < c->containers[f->containers[best]].in_flight))
                best = i;
        }
        return best < 0 ? -1 : (int64_t)f->containers[best];
    }
    for (uint32_t step = 0; step < f->count; step++) {
        uint32_t i = (f->rr + step) % f->count;
        if (has_room(c, &c->containers[f->containers[i]])) {
            f->rr = i + 1;
            return f->containers[i];
        }
    }
    return -1;
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
    if (f->queue_count == 0)
        set_replicas(c, (uint32_t)fi, 0);
}

void hf_cluster_arrive(void *model, const struct hf_invocation *inv)
{
    struct hf_cluster *c = model;
    uint32_t fi = inv->function % c->config.function_count;
    struct function *f = &c->functions[fi];
    hf_ledger_arrive(&c->stats.ledger);
    c->stats.interval_arrived++;
    f->last_arrival = inv->arrival;
    if (c->config.keep_alive > 0) {
        if (f->active == 0)
            set_replicas(c, fi, 1); /* scale from zero */
        if (!f->keep_alive_armed) {
            f->keep_alive_armed = true;
            hf_engine_at(c->engine, inv->arrival + c->config.keep_alive, on_keep_alive, c, fi);
        }
    }
    struct queued q = {inv->id, inv->arrival, inv->work, (double)inv->memory_mb};
    int64_t ci = f->queue_count == 0 ? route(c, f) : -1;
    if (ci >= 0) {
        dispatch(c, (uint32_t)ci, &q);
        load_changed(c, (uint32_t)ci);
        reschedule_finish(c, (uint32_t)ci);
        return;
    }
    if (!enqueue(f, &q, c->config.queue_capacity)) {
        fail_request(c, q.id, fi, q.arrival, HF_FAIL_QUEUE_FULL);
        return;
    }
    c->stats.queued++;
    c->stats.waited++;
    rearm_timeout(c, fi);
}

/* ---- metrics-server ---- */

static void on_scrape(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct hf_cluster *c = ctx;
    hf_time now = hf_engine_now(engine);
    double window_ns = (double)c->metric_resolution;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        struct container *k = &c->containers[ci];
        if (k->state < C_STARTING)
            continue;
        hf_ps_advance(&k->cpu, now);
        if (k->scraped) {
            /* A rate needs two points: the first scrape of a container yields no metric. */
            k->has_metric = true;
            k->usage_milli = (k->cpu.busy_core_ns - k->scraped_busy_core_ns) / window_ns * 1000.0;
            k->metric_time = now;
        }
        k->scraped = true;
        k->scraped_busy_core_ns = k->cpu.busy_core_ns;
    }
    c->scrape_event = hf_engine_after(engine, c->metric_resolution, on_scrape, c, 0);
}

/* ---- cluster-autoscaler ---- */

static void on_vm_booted(struct hf_engine *engine, void *ctx, uint64_t vi)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct vm *v = &c->vms[vi];
    v->state = VM_ON;
    v->empty_since = now_of(c);
    c->booting_vms--;
    place_unscheduled(c);
}

static uint32_t containers_per_vm(const struct hf_cluster *c)
{
    const struct hf_function_spec *spec = &c->config.function;
    double by_cpu = floor(c->config.vm.cores / spec->cpu_request + 1e-9);
    double by_memory = floor(c->config.vm.memory_mib / spec->memory_mib + 1e-9);
    return (uint32_t)(by_cpu < by_memory ? by_cpu : by_memory);
}

/* Boots enough VMs for the pending containers (counting what booting VMs will take) and stops VMs
 * empty for longer than idle_time, never going below vm_count. */
static void on_autoscale(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct hf_cluster *c = ctx;
    const struct hf_vm_autoscaling *as = &c->config.autoscaling;
    hf_time now = hf_engine_now(engine);
    uint32_t pending = 0;
    for (uint32_t i = 0; i < c->unscheduled_count; i++)
        if (c->containers[c->unscheduled[(c->unscheduled_head + i) % c->unscheduled_cap]].state ==
            C_UNSCHEDULED)
            pending++;
    uint32_t per_vm = containers_per_vm(c);
    uint32_t coming = c->booting_vms * per_vm;
    uint32_t wanted = pending > coming ? (pending - coming + per_vm - 1) / per_vm : 0;
    for (uint32_t vi = 0; vi < c->vm_slots && wanted > 0; vi++) {
        struct vm *v = &c->vms[vi];
        if (v->state != VM_OFF)
            continue;
        account_allocation(c);
        v->state = VM_BOOTING;
        c->billed_vms++;
        c->booting_vms++;
        wanted--;
        hf_engine_after(engine, as->boot_delay, on_vm_booted, c, vi);
    }
    for (uint32_t vi = c->vm_slots; vi-- > 0 && c->billed_vms > c->config.vm_count;) {
        struct vm *v = &c->vms[vi];
        if (v->state == VM_ON && v->member_count == 0 && v->pulls.count == 0 &&
            now - v->empty_since >= as->idle_time) {
            account_allocation(c);
            v->state = VM_OFF;
            c->billed_vms--;
            /* A stopped VM loses its image cache. */
            memset(&c->images[(size_t)vi * c->config.function_count], IMAGE_ABSENT,
                   c->config.function_count);
        }
    }
    c->stats.vms = c->billed_vms;
    hf_engine_after(engine, as->scan_interval, on_autoscale, c, 0);
}

/* ---- platform backend ---- */

static hf_time p_now(void *backend) { return now_of(backend); }

static void on_policy_timer(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    if (c->policy && c->policy->on_timer)
        c->policy->on_timer(c->policy_state, &c->platform, arg);
}

static hf_timer p_timer_after(void *backend, hf_time delay, uint64_t arg)
{
    struct hf_cluster *c = backend;
    return hf_engine_after(c->engine, delay, on_policy_timer, c, arg);
}

static bool p_timer_cancel(void *backend, hf_timer timer)
{
    return hf_engine_cancel(((struct hf_cluster *)backend)->engine, timer);
}

static uint32_t p_function_count(void *backend)
{
    return ((struct hf_cluster *)backend)->config.function_count;
}

static uint32_t p_set_replicas(void *backend, uint32_t function, uint32_t n)
{
    return set_replicas(backend, function, n);
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
    out->queued = f->queue_count;
    for (uint32_t i = 0; i < f->count; i++)
        out->in_flight += c->containers[f->containers[i]].in_flight;
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

static void schedule_first_scrape(struct hf_cluster *c)
{
    hf_time res = c->metric_resolution;
    hf_time offset = (hf_time)(c->metric_phase * (double)res);
    hf_time now = now_of(c);
    hf_time next = now - (now - offset) % res + (now >= offset ? res : 0);
    if (now < offset)
        next = offset;
    c->scrape_event = hf_engine_at(c->engine, next, on_scrape, c, 0);
}

static void p_set_metric_resolution(void *backend, hf_time resolution)
{
    struct hf_cluster *c = backend;
    if (resolution <= 0 || resolution == c->metric_resolution)
        return;
    c->metric_resolution = resolution;
    hf_engine_cancel(c->engine, c->scrape_event);
    schedule_first_scrape(c);
}

static uint64_t container_id(const struct hf_cluster *c, uint32_t ci)
{
    return (uint64_t)c->containers[ci].generation << 32 | ci;
}

static struct container *container_by_id(struct hf_cluster *c, uint64_t id, uint32_t *index)
{
    uint32_t ci = (uint32_t)id;
    if (ci >= c->container_cap || c->containers[ci].generation != (uint32_t)(id >> 32) ||
        c->containers[ci].state == C_FREE)
        return NULL;
    *index = ci;
    return &c->containers[ci];
}

static uint32_t p_containers(void *backend, uint32_t fi, struct hf_container_view *out, uint32_t cap)
{
    struct hf_cluster *c = backend;
    if (fi >= c->config.function_count)
        return 0;
    const struct function *f = &c->functions[fi];
    for (uint32_t i = 0; i < f->count && i < cap; i++) {
        uint32_t ci = f->containers[i];
        const struct container *k = &c->containers[ci];
        bool placed = k->state != C_UNSCHEDULED;
        out[i] = (struct hf_container_view){
            .id = container_id(c, ci),
            .function = fi,
            .node = k->vm,
            .ready = k->state == C_READY,
            .cpu_limit = placed ? k->cpu_limit : c->config.function.cpu_limit,
            .resizing = k->pending_limit > 0,
            .in_flight = k->in_flight,
            .concurrency = c->config.function.concurrency,
            .cpu_demand = k->demand,
            .memory_used_mib = k->memory_used_mib + c->config.function.base_memory_mib,
            .memory_limit_mib = c->config.function.memory_mib,
            .node_cores_free = placed ? c->vms[k->vm].cores_free : 0,
        };
    }
    return f->count;
}

static void on_resized(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    account_allocation(c);
    c->allocated_cores += k->pending_limit - k->cpu_limit;
    k->cpu_limit = k->pending_limit;
    k->pending_limit = 0;
    c->stats.resizes++;
    /* The new limit caps the container's demand (which may re-divide a contended VM) and, on an
     * uncontended VM, is its CPU rate. */
    load_changed(c, (uint32_t)ci);
    if (!c->vms[k->vm].contended) {
        hf_ps_set_cores(&k->cpu, now_of(c), k->cpu_limit);
        reschedule_finish(c, (uint32_t)ci);
    }
    if (c->policy && c->policy->on_resized)
        c->policy->on_resized(c->policy_state, &c->platform, container_id(c, (uint32_t)ci));
}

static bool p_resize(void *backend, uint64_t id, double cpu_limit)
{
    struct hf_cluster *c = backend;
    const struct hf_function_spec *spec = &c->config.function;
    uint32_t ci;
    struct container *k = container_by_id(c, id, &ci);
    if (!k || k->state == C_UNSCHEDULED || k->state == C_STOPPING || k->pending_limit > 0 ||
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
        place_unscheduled(c);
    return true;
}

static const struct hf_platform_ops cluster_platform_ops = {
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
};

/* ---- lifetime ---- */

bool hf_cluster_create(struct hf_cluster **out, struct hf_engine *engine,
                       const struct hf_cluster_config *config, struct hf_error *err)
{
    *out = NULL;
    const struct hf_function_spec *spec = &config->function;
    if (spec->cpu_request > config->vm.cores || spec->memory_mib > config->vm.memory_mib)
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "a container (%.3g cores, %.0f MiB requested) does not fit a %s VM "
                       "(%.3g cores, %.0f MiB)", spec->cpu_request, spec->memory_mib, config->vm.name,
                       config->vm.cores, config->vm.memory_mib);
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
    bool ok = c->vms && c->images && c->functions && c->cold_rng &&
              hf_histogram_create(&c->stats.latency) && hf_histogram_create(&c->stats.interval_latency);
    for (uint32_t i = 0; ok && i < c->vm_slots; i++) {
        c->vms[i].state = i < config->vm_count ? VM_ON : VM_OFF;
        c->vms[i].cores_free = config->vm.cores;
        c->vms[i].memory_free_mib = config->vm.memory_mib;
        c->vms[i].pull_at = HF_TIME_NEVER;
        double by_cpu = floor(config->vm.cores / spec->cpu_request + 1e-9);
        double by_memory = floor(config->vm.memory_mib / spec->memory_mib + 1e-9);
        c->vms[i].member_cap = (uint32_t)(by_cpu < by_memory ? by_cpu : by_memory) + 1;
        c->vms[i].members = malloc(c->vms[i].member_cap * sizeof *c->vms[i].members);
        ok = c->vms[i].members && hf_ps_init(&c->vms[i].pulls, 1.0, config->function_count);
    }
    for (uint32_t i = 0; ok && i < config->function_count; i++)
        c->functions[i].timeout_at = HF_TIME_NEVER;
    if (!ok) {
        hf_cluster_destroy(c);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the cluster");
    }
    c->platform.ops = &cluster_platform_ops;
    c->platform.backend = c;
    c->billed_vms = config->vm_count;
    c->stats.vms = c->billed_vms;
    if (config->autoscaling.enabled)
        hf_engine_after(engine, config->autoscaling.scan_interval, on_autoscale, c, 0);
    c->metric_phase = gsl_rng_uniform(hf_engine_rng(engine, "metrics-phase"));
    schedule_first_scrape(c);
    *out = c;
    return true;
}

void hf_cluster_attach_policy(struct hf_cluster *c, const struct hf_policy_type *policy, void *state)
{
    c->policy = policy;
    c->policy_state = state;
}

struct hf_platform *hf_cluster_platform(struct hf_cluster *c) { return &c->platform; }
struct hf_model_stats *hf_cluster_stats(struct hf_cluster *c) { return &c->stats; }

void hf_cluster_fail_all(struct hf_cluster *c, enum hf_fail_reason reason)
{
    for (uint32_t fi = 0; fi < c->config.function_count; fi++) {
        struct function *f = &c->functions[fi];
        while (f->queue_count > 0) {
            struct queued q = dequeue(f);
            fail_request(c, q.id, fi, q.arrival, reason);
        }
        c->stats.queued = 0;
        rearm_timeout(c, fi);
    }
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        struct container *k = &c->containers[ci];
        if (k->state == C_FREE || k->in_flight == 0)
            continue;
        /* In-flight requests: the slots not on the free stack. */
        bool *free_mark = calloc(c->config.function.concurrency, sizeof *free_mark);
        for (uint32_t s = 0; free_mark && s < k->free_slot_count; s++)
            free_mark[k->free_slots[s]] = true;
        for (uint32_t s = 0; free_mark && s < c->config.function.concurrency; s++)
            if (!free_mark[s]) {
                fail_request(c, k->slots[s].id, k->function, k->slots[s].arrival, reason);
                k->free_slots[k->free_slot_count++] = s;
            }
        free(free_mark);
        c->stats.busy -= k->in_flight;
        k->in_flight = 0;
        k->cpu.count = 0;
    }
}

void hf_cluster_destroy(struct hf_cluster *c)
{
    if (!c)
        return;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        hf_ps_fini(&c->containers[ci].cpu);
        free(c->containers[ci].slots);
        free(c->containers[ci].free_slots);
    }
    for (uint32_t i = 0; c->vms && i < c->vm_slots; i++) {
        hf_ps_fini(&c->vms[i].pulls);
        free(c->vms[i].members);
    }
    for (uint32_t i = 0; c->functions && i < c->config.function_count; i++) {
        free(c->functions[i].containers);
        free(c->functions[i].queue);
    }
    free(c->functions);
    free(c->containers);
    free(c->free_containers);
    free(c->unscheduled);
    free(c->vms);
    free(c->images);
    hf_histogram_destroy(&c->stats.latency);
    hf_histogram_destroy(&c->stats.interval_latency);
    free(c);
}
