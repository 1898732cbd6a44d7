/* VMs and containers: placement, image pulls, cold starts, readiness, stopping. */
#include "models/cluster/cluster_internal.h"

static void on_pull(struct hf_engine *engine, void *ctx, uint64_t vi);
static void on_ready(struct hf_engine *engine, void *ctx, uint64_t ci);

/* ---- placement and container lifetime ---- */

static bool vm_fits(const struct vm *v, const struct hf_function_shape *shape)
{
    /* A small epsilon: requests are summed and subtracted as doubles. */
    return v->state == VM_ON && v->cores_free + 1e-9 >= shape->cpu_request &&
           v->memory_free_mib + 1e-9 >= shape->memory_mib;
}

/* What a VM would have left after taking the shape, CPU and memory each as a share of the VM's:
 * best-fit takes the VM with the least, spread the one with the most. */
static double left_after(const struct hf_cluster *c, const struct vm *v, const struct hf_function_shape *shape)
{
    (void)c;
    return (v->cores_free - shape->cpu_request) / v->cores + (v->memory_free_mib - shape->memory_mib) / v->memory_mib;
}

/* The VM a new container of function fi goes to (-1: none fits). Ties go to the lowest index. */
static int64_t pick_vm(struct hf_cluster *c, uint32_t fi)
{
    const struct hf_function_shape *shape = hf_cl_shape(c, fi);
    enum hf_placement placement = c->config.placement;
    if (placement == HF_PLACE_HASH) { /* OpenWhisk's home invoker with stepping, over the VMs */
        uint32_t home, step;
        hf_cl_hash_probe(fi, c->vm_slots, &home, &step);
        for (uint32_t probe = 0, i = home; probe < c->vm_slots; probe++, i = (i + step) % c->vm_slots)
            if (vm_fits(&c->vms[i], shape))
                return i;
        return -1;
    }
    if (placement == HF_PLACE_RANDOM) { /* uniform among the VMs that fit */
        uint32_t fitting = 0;
        for (uint32_t i = 0; i < c->vm_slots; i++)
            fitting += vm_fits(&c->vms[i], shape);
        if (fitting == 0)
            return -1;
        uint32_t pick = (uint32_t)gsl_rng_uniform_int(c->placement_rng, fitting);
        for (uint32_t i = 0;; i++)
            if (vm_fits(&c->vms[i], shape) && pick-- == 0)
                return i;
    }
    int64_t best = -1;
    double best_left = 0;
    for (uint32_t i = 0; i < c->vm_slots; i++) {
        const struct vm *v = &c->vms[i];
        if (!vm_fits(v, shape))
            continue;
        if (placement == HF_PLACE_FIRST_FIT)
            return i;
        double left = left_after(c, v, shape);
        if (best < 0 || (placement == HF_PLACE_BEST_FIT ? left < best_left : left > best_left)) {
            best = i;
            best_left = left;
        }
    }
    return best;
}

static void on_sandboxed(struct hf_engine *engine, void *ctx, uint64_t ci);

static void create_sandbox(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    k->sandbox = SANDBOX_CREATING;
    c->vms[k->vm].creating++;
    k->ready_event = hf_engine_after(c->engine, k->sandbox_ns, on_sandboxed, c, ci);
}

/* Free creation slots of VM vi go to its waiting sandboxes, first come first served. */
static void create_waiting_sandboxes(struct hf_cluster *c, uint32_t vi)
{
    struct vm *v = &c->vms[vi];
    while (v->creating < c->config.sandbox_concurrency) {
        uint32_t first = UINT32_MAX;
        for (uint32_t i = 0; i < v->member_count; i++) {
            const struct container *k = &c->containers[v->members[i]];
            if (k->state == C_STARTING && k->sandbox == SANDBOX_WAITING &&
                (first == UINT32_MAX || k->sandbox_asked < c->containers[first].sandbox_asked ||
                 (k->sandbox_asked == c->containers[first].sandbox_asked && v->members[i] < first)))
                first = v->members[i];
        }
        if (first == UINT32_MAX)
            return;
        create_sandbox(c, first);
    }
}

static void on_sandboxed(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->sandbox = SANDBOX_NONE;
    c->vms[k->vm].creating--;
    k->ready_event = hf_engine_after(engine, k->after_sandbox_ns, on_ready, c, ci);
    create_waiting_sandboxes(c, k->vm);
}

/* The cold start's stages: the sandbox (through one of the VM's creation slots when they are
 * limited), then the runtime and the function's init. */
static void begin_stages(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    k->state = C_STARTING;
    hf_time stages[HF_STAGE_COUNT];
    hf_cold_start_draw_stages(&c->config.function.cold_start, c->cold_rng, stages);
    if (c->config.sandbox_concurrency == 0) {
        k->ready_event = hf_engine_after(c->engine, stages[HF_STAGE_SANDBOX] + stages[HF_STAGE_RUNTIME] +
                                                        stages[HF_STAGE_FUNCTION_INIT],
                                         on_ready, c, ci);
        return;
    }
    k->sandbox_ns = stages[HF_STAGE_SANDBOX];
    k->after_sandbox_ns = stages[HF_STAGE_RUNTIME] + stages[HF_STAGE_FUNCTION_INIT];
    k->sandbox_asked = hf_cl_now(c);
    k->sandbox = SANDBOX_WAITING;
    create_waiting_sandboxes(c, k->vm);
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
    const struct hf_function_shape *spec = hf_cl_shape(c, k->function);
    hf_cl_account_allocation(c);
    v->cores_free -= spec->cpu_request;
    v->memory_free_mib -= spec->memory_mib;
    c->allocated_cores += spec->cpu_limit;
    /* A Hydra runtime holds its own memory now, its isolates' as they start; it reserves its limit. */
    c->allocated_memory_mib += c->config.function.isolates.enabled ? c->config.function.isolates.runtime_memory_mib
                                                                   : spec->memory_mib;
    k->cpu_limit = spec->cpu_limit;
    k->reserved = spec->cpu_request;
    k->pending_limit = 0;
    k->vm = vi;
    k->vm_pos = v->member_count;
    v->members[v->member_count++] = ci;
    k->demand = 0;
    k->cpu.cores = v->contended ? 0 : spec->cpu_limit;
    k->scheduled_at = k->ready_change = hf_cl_now(c);
    c->stats.cold_starts++;
    c->functions[k->function].cold_starts++;
    uint8_t *image = &c->images[(size_t)vi * c->config.function_count + k->function];
    if (*image == IMAGE_PRESENT) {
        begin_stages(c, ci);
        return;
    }
    k->state = C_PULLING;
    if (*image == IMAGE_ABSENT && c->transfer) {
        *image = IMAGE_PULLING;
        if (!hf_image_transfer_fetch(c->transfer, vi, k->function))
            hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: out of memory for image transfers");
    } else if (*image == IMAGE_ABSENT) {
        *image = IMAGE_PULLING;
        double seconds = c->config.function.image_mib / c->config.registry_mib_per_s;
        hf_ps_add(&v->pulls, hf_cl_now(c), seconds * 1e9, k->function);
        reschedule_pull(c, vi);
    }
}

/* The VM can start the function's containers: those waiting there for the image begin their stages. */
static void image_arrived(struct hf_cluster *c, uint32_t vi, uint32_t fi)
{
    c->images[(size_t)vi * c->config.function_count + fi] = IMAGE_PRESENT;
    struct function *f = &c->functions[fi];
    for (uint32_t i = 0; i < f->count; i++) {
        struct container *k = &c->containers[f->containers[i]];
        if (k->state == C_PULLING && k->vm == vi)
            begin_stages(c, f->containers[i]);
    }
}

void hf_cl_image_usable(void *cluster, uint32_t vm, uint32_t function)
{
    struct hf_cluster *c = cluster;
    /* A VM switched off meanwhile lost the image: its transfers were cut, so this cannot come for it. */
    if (c->images[(size_t)vm * c->config.function_count + function] == IMAGE_PULLING)
        image_arrived(c, vm, function);
}

static void on_pull(struct hf_engine *engine, void *ctx, uint64_t vi)
{
    struct hf_cluster *c = ctx;
    struct vm *v = &c->vms[vi];
    v->pull_at = HF_TIME_NEVER;
    hf_ps_advance(&v->pulls, hf_engine_now(engine));
    uint32_t fi;
    while (hf_ps_pop_done(&v->pulls, &fi))
        image_arrived(c, (uint32_t)vi, fi);
    reschedule_pull(c, (uint32_t)vi);
}

static void on_ready(struct hf_engine *engine, void *ctx, uint64_t ci)
{
    struct hf_cluster *c = ctx;
    struct container *k = &c->containers[ci];
    k->state = C_READY;
    k->ready_change = k->idle_since = k->last_freed = hf_engine_now(engine);
    c->stats.images.last_ready_at = hf_engine_now(engine);
    c->functions[k->function].ready++;
    hf_cl_gauges(c);
    c->stats.ready++;
    hf_policy_host_container_ready(&c->host, hf_cl_container_id(c, (uint32_t)ci),
                                      k->function);
    hf_cl_drain_queue_into(c, (uint32_t)ci);
    k = &c->containers[ci]; /* the policy may have started containers: the array can move */
    if (k->state == C_READY && hf_cl_has_room(c, k, k->function))
        hf_cl_note_warm(c, (uint32_t)ci);
    if (k->state == C_READY && k->in_flight == 0)
        hf_cl_note_idle(c, (uint32_t)ci);
}

void hf_cl_note_idle(struct hf_cluster *c, uint32_t ci)
{
    if (hf_policy_host_wants_idle(&c->host))
        hf_policy_host_container_idle(&c->host, hf_cl_container_id(c, ci), c->containers[ci].function);
}

/* More containers (running, starting or pending) than the model holds, or no memory for them, fails
 * the run with the reason: keeping fewer than the policy asked for would be a silent wrong answer. */
static bool grow_containers(struct hf_cluster *c)
{
    if (c->container_cap >= HF_CL_MAX_CONTAINERS) {
        hf_engine_fail(c->engine, HF_EXIT_BAD_INPUT,
                       "cluster: more than %u containers at once (asked for by the policy, e.g. fixed.replicas or "
                       "max_replicas times workload.functions): the model holds at most that many",
                       HF_CL_MAX_CONTAINERS);
        return false;
    }
    uint32_t cap = c->container_cap ? 2 * c->container_cap : 64;
    struct container *grown = realloc(c->containers, cap * sizeof *grown);
    if (!grown) {
        hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: out of memory for %u containers", cap);
        return false;
    }
    c->containers = grown;
    uint32_t *free_grown = realloc(c->free_containers, cap * sizeof *free_grown);
    if (!free_grown) {
        hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: out of memory for %u containers", cap);
        return false;
    }
    c->free_containers = free_grown;
    uint32_t *unsched = malloc(cap * sizeof *unsched);
    if (!unsched) {
        hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: out of memory for %u containers", cap);
        return false;
    }
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
        /* Two workers per container (the second serves a function it was specialized for), each up to
         * `concurrency` requests: room for both. */
        /* One block (k->slots owns it): the request slots, the CPU heap and the free-slot stack,
         * which every dispatch and completion reads together. Apart, they were three cache misses
         * per request in a trace replay, where containers are touched in random order. */
        size_t cap = 2 * (size_t)spec->concurrency;
        char *block = malloc(cap * (sizeof *k->slots + sizeof(struct hf_ps_entry) + sizeof *k->free_slots));
        bool isolates_ok = !spec->isolates.enabled || hf_isolates_init(&k->isolates, spec->isolates.max_isolates);
        if (block) {
            k->slots = (struct slot *)block;
            hf_ps_init_in(&k->cpu, 1.0, (uint32_t)cap, (struct hf_ps_entry *)(block + cap * sizeof *k->slots));
            k->free_slots = (uint32_t *)(block + cap * (sizeof *k->slots + sizeof(struct hf_ps_entry)));
        }
        if (!block || !isolates_ok) { /* cores set below */
            free(block);
            k->slots = NULL;
            c->free_containers[c->free_container_count++] = ci;
            hf_engine_fail(c->engine, HF_EXIT_RUN_FAILED, "cluster: out of memory for a container's request slots");
            return false;
        }
    }
    k->state = C_UNSCHEDULED;
    k->shared_function = k->pending_shared = HF_GENERIC;
    k->shared_in_flight = 0;
    k->function = fi;
    k->cpu.cores = hf_cl_shape(c, fi)->cpu_limit;
    k->cpu.contention = !c->config.ignore_cpu_contention;
    k->cpu.updated = hf_cl_now(c);
    k->cpu.vtime = 0;
    k->cpu.busy_core_ns = 0;
    k->finish_at = HF_TIME_NEVER;
    hf_cfs_init(&k->cfs, c->config.cfs_period, k->cpu.cores, hf_cl_now(c), 0);
    k->cfs_at = HF_TIME_NEVER;
    k->sandbox = SANDBOX_NONE;
    k->in_flight = 0;
    k->memory_used_mib = 0;
    k->scraped = k->has_metric = false;
    k->free_slot_count = 2 * spec->concurrency;
    for (uint32_t s = 0; s < 2 * spec->concurrency; s++)
        k->free_slots[s] = 2 * spec->concurrency - 1 - s;
    struct function *f = &c->functions[fi];
    if (!function_list_add(f, k, ci)) {
        k->state = C_FREE;
        c->free_containers[c->free_container_count++] = ci;
        return false;
    }
    f->active++;
    hf_cl_gauges(c);
    c->stats.replicas++;
    int64_t vi = pick_vm(c, fi);
    if (vi >= 0)
        place(c, ci, (uint32_t)vi);
    else
        c->unscheduled[(c->unscheduled_head + c->unscheduled_count++) % c->unscheduled_cap] = ci;
    return true;
}

/* Mixed shapes: every pending container in turn (a small one may fit where the head does not, as
 * the Kubernetes scheduler tries each pending pod), keeping the order of those left. A shape at
 * least as large in both dimensions as one that just found no VM is not tried. */
static void place_mixed(struct hf_cluster *c)
{
    uint32_t kept = 0, count = c->unscheduled_count;
    struct hf_function_shape failed = {INFINITY, INFINITY, INFINITY};
    for (uint32_t i = 0; i < count; i++) {
        uint32_t ci = c->unscheduled[(c->unscheduled_head + i) % c->unscheduled_cap];
        if (c->containers[ci].state != C_UNSCHEDULED) /* stopped while waiting */
            continue;
        const struct hf_function_shape *shape = hf_cl_shape(c, c->containers[ci].function);
        bool hopeless = shape->cpu_request >= failed.cpu_request && shape->memory_mib >= failed.memory_mib;
        int64_t vi = hopeless ? -1 : pick_vm(c, c->containers[ci].function);
        if (vi >= 0) {
            place(c, ci, (uint32_t)vi);
            continue;
        }
        if (!hopeless)
            failed = *shape;
        c->unscheduled[(c->unscheduled_head + kept++) % c->unscheduled_cap] = ci;
    }
    c->unscheduled_count = kept;
}

void hf_cl_place_unscheduled(struct hf_cluster *c)
{
    if (!c->uniform_shapes) {
        place_mixed(c);
        return;
    }
    /* One shape: when the head fits nowhere, nothing behind it does. */
    while (c->unscheduled_count > 0) {
        uint32_t ci = c->unscheduled[c->unscheduled_head];
        if (c->containers[ci].state != C_UNSCHEDULED) { /* stopped while waiting */
            c->unscheduled_head = (c->unscheduled_head + 1) % c->unscheduled_cap;
            c->unscheduled_count--;
            continue;
        }
        int64_t vi = pick_vm(c, c->containers[ci].function);
        if (vi < 0)
            return;
        c->unscheduled_head = (c->unscheduled_head + 1) % c->unscheduled_cap;
        c->unscheduled_count--;
        place(c, ci, (uint32_t)vi);
    }
}

/* Returns a container to the pool, freeing its VM share. Its requests must be gone. */
void hf_cl_release(struct hf_cluster *c, uint32_t ci)
{
    struct container *k = &c->containers[ci];
    struct function *f = &c->functions[k->function];
    const struct hf_function_shape *spec = hf_cl_shape(c, k->function);
    bool placed = k->state != C_UNSCHEDULED;
    hf_cl_close_idle(c, k);
    bool freed_slot = k->state == C_STARTING && k->sandbox == SANDBOX_CREATING;
    if (k->state == C_STARTING && k->sandbox != SANDBOX_WAITING)
        hf_engine_cancel(c->engine, k->ready_event);
    if (freed_slot)
        c->vms[k->vm].creating--;
    k->sandbox = SANDBOX_NONE;
    if (k->pending_shared != HF_GENERIC)
        hf_engine_cancel(c->engine, k->specialize_event);
    k->pending_shared = k->shared_function = HF_GENERIC;
    if (k->finish_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->finish_event);
    k->finish_at = HF_TIME_NEVER;
    if (k->cfs_at != HF_TIME_NEVER)
        hf_engine_cancel(c->engine, k->cfs_event);
    k->cfs_at = HF_TIME_NEVER;
    f->in_flight -= k->in_flight; /* 0 but for a failed run's teardown */
    uint32_t last = f->containers[--f->count];
    f->containers[k->list_pos] = last;
    c->containers[last].list_pos = k->list_pos;
    if (k->state >= C_STARTING) {
        hf_ps_advance(&k->cpu, hf_cl_now(c));
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
            v->empty_since = hf_cl_now(c);
        hf_cl_vm_share(c, k->vm);
        hf_cl_account_allocation(c);
        if (k->pending_limit > 0)
            hf_engine_cancel(c->engine, k->resize_event);
        c->vms[k->vm].cores_free += k->reserved;
        c->vms[k->vm].memory_free_mib += spec->memory_mib;
        c->allocated_cores -= k->cpu_limit;
        if (c->config.function.isolates.enabled) {
            hf_cl_release_isolates(c, k);
            c->allocated_memory_mib -= c->config.function.isolates.runtime_memory_mib;
        } else {
            c->allocated_memory_mib -= spec->memory_mib;
        }
        hf_cl_place_unscheduled(c);
    }
}

/* Stops one container: the one least along (unscheduled, pulling, starting), else the ready one
 * with the fewest requests in flight. */
static void stop_one(struct hf_cluster *c, uint32_t fi)
{
    struct function *f = &c->functions[fi];
    static const enum container_state order[] = {C_UNSCHEDULED, C_PULLING, C_STARTING};
    /* active - ready containers are not ready yet (unscheduled, pulling or starting): when there
     * are none, skip the three scans. */
    for (size_t o = 0; f->active > f->ready && o < sizeof order / sizeof order[0]; o++)
        for (uint32_t i = f->count; i-- > 0;)
            if (c->containers[f->containers[i]].state == order[o]) {
                f->active--;
                hf_cl_gauges(c);
                c->stats.replicas--;
                hf_cl_release(c, f->containers[i]);
                return;
            }
    int64_t victim = -1;
    for (uint32_t i = 0; i < f->count; i++) {
        const struct container *k = &c->containers[f->containers[i]];
        if (k->state == C_READY &&
            (victim < 0 || k->in_flight < c->containers[f->containers[victim]].in_flight)) {
            victim = i;
            if (k->in_flight == 0)
                break; /* none can have fewer */
        }
    }
    if (victim >= 0)
        hf_cl_stop_ready(c, fi, f->containers[victim]);
}

void hf_cl_stop_ready(struct hf_cluster *c, uint32_t fi, uint32_t ci)
{
    struct function *f = &c->functions[fi];
    struct container *k = &c->containers[ci];
    f->active--;
    f->ready--;
    f->ready_own_in_flight -= k->in_flight - k->shared_in_flight;
    hf_cl_gauges(c);
    c->stats.replicas--;
    c->stats.ready--;
    if (k->in_flight == 0) {
        hf_cl_release(c, ci);
    } else {
        k->state = C_STOPPING;
        k->ready_change = hf_cl_now(c);
    }
}

uint32_t hf_cl_set_replicas(struct hf_cluster *c, uint32_t fi, uint32_t n)
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
