/* Execution: requests in a container by processor sharing, containers sharing a VM's cores. */
#include "models/cluster/cluster_internal.h"

static void on_finish(struct hf_engine *engine, void *ctx, uint64_t ci);

/* ---- execution in a container ---- */

static void on_cfs(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    c->containers[ci].cfs_at = HF_TIME_NEVER;
    hf_cl_reschedule_finish(c, (uint32_t)ci); /* which runs the budget's update */
}

/* cpu_model cfs-quota: the container's rate is its peak (one core per request, up to the VM's
 * cores) while its period's budget lasts and 0 while throttled (models/cluster/cfs_bandwidth.h). On
 * a contended VM the fair share from hf_cl_vm_share is a fluid one and no budget is kept. */
static void apply_cfs(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    const struct vm *v = &c->vms[k->vm];
    hf_time now = hf_cl_now(c), next = HF_TIME_NEVER;
    hf_ps_advance(&k->cpu, now);
    if (v->contended) {
        hf_cfs_init(&k->cfs, c->config.cfs_period, k->cpu_limit, now, k->cpu.busy_core_ns);
    } else {
        double peak = (double)k->in_flight < v->cores ? (double)k->in_flight : v->cores;
        struct hf_cfs_step step =
            hf_cfs_update(&k->cfs, now, k->cpu.busy_core_ns, k->cpu_limit, k->in_flight, peak);
        if (step.cores != k->cpu.cores)
            hf_ps_set_cores(&k->cpu, now, step.cores);
        next = step.next;
    }
    if (next == k->cfs_at)
        return;
    if (k->cfs_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->cfs_event);
    k->cfs_at = next;
    if (next != HF_TIME_NEVER)
        k->cfs_event = hf_engine_at(c->engine, next, on_cfs, c, ci);
}

void hf_cl_reschedule_finish(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    if (c->config.cfs_period > 0 && (k->state == C_READY || k->state == C_STOPPING))
        apply_cfs(c, ci);
    hf_time at = hf_ps_next_finish(&k->cpu);
    if (at == k->finish_at)
        return;
    if (k->finish_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->finish_event);
    k->finish_at = at;
    if (at != HF_TIME_NEVER)
        k->finish_event = hf_engine_at(c->engine, at, on_finish, c, ci);
}

/* Each worker serves up to `concurrency` requests: the container's own function on the first, the
 * function the second is specialized for on the second. */
bool hf_cl_has_room(const struct hf_cluster *c, const struct container *k, uint32_t function)
{
    if (k->state != C_READY)
        return false;
    uint32_t concurrency = c->config.function.concurrency;
    if (function == k->function)
        return k->in_flight - k->shared_in_flight < concurrency;
    return function == k->shared_function && k->shared_in_flight < concurrency;
}

/* Containers on a VM share its cores fairly, each capped by what it can use (its limit, and one
 * core per request in flight): max-min fair water-filling. While the VM's demand fits its cores every
 * container simply runs at its limit and a load change touches nobody else; only a contended VM
 * re-divides, rescheduling the finish events of members whose share moved. */
void hf_cl_vm_share(struct hf_cluster *c, uint32_t vi)
{
    struct vm *v = &c->vms[vi];
    hf_time now = hf_cl_now(c);
    bool contended = v->demand > v->cores + 1e-9;
    if (!contended && !v->contended)
        return;
    double level = INFINITY;
    if (contended) {
        /* Find the level L with sum(min(demand_i, L)) = cores. */
        double remaining = v->cores;
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
    bool cfs = c->config.cfs_period > 0;
    for (uint32_t i = 0; i < v->member_count; i++) {
        uint32_t ci = v->members[i];
        struct container *k = &c->containers[ci];
        if (cfs && !contended) {
            hf_cl_reschedule_finish(c, ci); /* back from a fluid share to its own periods */
            continue;
        }
        double cores = contended ? (k->demand < level ? k->demand : level) : k->cpu_limit;
        if (cores != k->cpu.cores) {
            hf_ps_set_cores(&k->cpu, now, cores);
            hf_cl_reschedule_finish(c, ci);
        }
    }
}

void hf_cl_load_changed(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    double limit = k->cpu_limit;
    double demand = (double)k->in_flight < limit ? (double)k->in_flight : limit;
    if (demand == k->demand)
        return;
    c->vms[k->vm].demand += demand - k->demand;
    k->demand = demand;
    hf_cl_vm_share(c, k->vm);
}

/* Starts a request in a ready container with a free slot. Does not reschedule the finish event. */
void hf_cl_dispatch(struct hf_cluster *c, uint32_t ci, const struct queued *q, uint32_t function)
{
    struct container *k = &c->containers[ci];
    bool isolates = c->config.function.isolates.enabled;
    /* A container: requests share its limit less the runtime's base memory. A Hydra runtime: its
     * own memory, its isolates' (with the one this request needs) and its requests' within the limit. */
    bool fits = isolates ? hf_cl_isolate_fits(c, k, q->isolate, q->memory_mib)
                         : k->memory_used_mib + q->memory_mib <=
                               hf_cl_shape(c, k->function)->memory_mib - c->config.function.base_memory_mib;
    if (!fits) {
        hf_cl_fail_request(c, q->id, function, q->arrival, HF_FAIL_OOM);
        return;
    }
    hf_cl_close_idle(c, k);
    hf_time work = q->work;
    if (isolates && !hf_cl_enter_isolate(c, k, q->isolate, q->memory_mib, &work))
        return;
    uint32_t slot = k->free_slots[--k->free_slot_count];
    k->slots[slot] = (struct slot){q->id, q->arrival, q->memory_mib, function, q->isolate};
    k->memory_used_mib += q->memory_mib;
    hf_cl_gauges(c);
    c->stats.busy_containers += k->in_flight == 0;
    k->in_flight++;
    c->functions[k->function].in_flight++;
    if (function == k->function && k->state == C_READY)
        c->functions[function].ready_own_in_flight++;
    if (function != k->function)
        k->shared_in_flight++;
    c->stats.busy++;
    hf_ps_add(&k->cpu, hf_cl_now(c), (double)work, slot);
    if (c->config.routing == HF_ROUTE_WARM_FIRST && !hf_cl_has_room(c, k, k->function))
        hf_cl_note_filled(c, ci);
}

/* Room appeared in container ci: queued requests of the functions it serves move on, to it (the
 * backend's routing) or wherever the policy's global scheduler says. */
void hf_cl_drain_queue_into(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    uint32_t served[2] = {k->function, k->shared_function};
    bool by_policy = hf_policy_host_routes(&c->host);
    bool took = false;
    for (int w = 0; w < 2; w++) {
        uint32_t fi = served[w];
        if (fi == HF_GENERIC)
            continue;
        struct function *f = &c->functions[fi];
        bool moved = false;
        while (f->queue.count > 0 && hf_cl_has_room(c, k, fi)) {
            if (by_policy) {
                struct queued head = f->waiting[f->queue.head];
                if (!hf_cl_route_by_policy(c, fi, &head, true, ci))
                    break;
            } else {
                struct queued q = hf_cl_dequeue(f);
                c->stats.queued--;
                hf_cl_dispatch(c, ci, &q, fi);
                took = true;
            }
            moved = true;
        }
        if (moved)
            hf_cl_rearm_timeout(c, fi);
    }
    if (took) {
        hf_cl_load_changed(c, ci);
        hf_cl_reschedule_finish(c, ci);
    }
}

static void on_finish(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->finish_at = HF_TIME_NEVER;
    hf_ps_advance(&k->cpu, hf_engine_now(engine));
    uint32_t slot;
    while (hf_ps_pop_done(&k->cpu, &slot)) {
        hf_cl_complete_request(c, &k->slots[slot], k->slots[slot].function);
        if (c->config.function.isolates.enabled)
            hf_cl_leave_isolate(c, k, &k->slots[slot]);
        k->memory_used_mib -= k->slots[slot].memory_mib;
        k->free_slots[k->free_slot_count++] = slot;
        hf_cl_gauges(c);
        k->in_flight--;
        k->last_freed = hf_engine_now(engine);
        c->stats.busy_containers -= k->in_flight == 0;
        if (k->in_flight == 0)
            k->idle_since = hf_engine_now(engine);
        c->functions[k->function].in_flight--;
        if (k->slots[slot].function == k->function && k->state == C_READY)
            c->functions[k->function].ready_own_in_flight--;
        if (k->slots[slot].function != k->function)
            k->shared_in_flight--;
        c->stats.busy--;
    }
    if (k->state == C_STOPPING && k->in_flight == 0) {
        hf_cl_release(c, (uint32_t)ci);
        return;
    }
    hf_cl_drain_queue_into(c, (uint32_t)ci);
    k = &c->containers[ci]; /* the policy may have started containers: the array can move */
    if (k->state == C_READY && hf_cl_has_room(c, k, k->function))
        hf_cl_note_warm(c, (uint32_t)ci);
    hf_cl_load_changed(c, (uint32_t)ci);
    hf_cl_reschedule_finish(c, (uint32_t)ci);
    if (k->state == C_READY && k->in_flight == 0)
        hf_cl_note_idle(c, (uint32_t)ci);
}
