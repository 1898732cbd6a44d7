/* Live containers: placement over the engines, set_replicas (start and stop), replacement of a
 * container the engine reports stopped, and what the helper threads report back (handle). */
#include "live/live_internal.h"

#include <stdlib.h>
#include <string.h>

#include "live/worker_client.h"

/* Capacity (R2.4): each engine's cores and memory, less live.reserve_cores and
 * live.reserve_memory_mib, are reserved by its containers' CPU requests (plus any resize above the
 * function's limit) and memory limits, as the cluster model reserves a VM's. A container no engine
 * has room for waits (C_PENDING) and starts when room appears; it counts as a replica meanwhile, as
 * an unscheduled pod does in the simulator. */

/* Cores of host h not reserved (what a vertical scale-up can still take: node_cores_free). */
double hf_lv_unreserved(const struct live *l, int h) { return l->hosts[h].cores_free; }

/* Spread placement (kube-scheduler's least-allocated scoring): among the hosts with room for the
 * request, the one with the most cores unreserved; the first such on ties; -1 when none has room. */
static int host_with_room(const struct live *l, double cores, double memory_mib)
{
    int best = -1;
    for (int h = 0; h < l->host_count; h++) {
        const struct lhost *o = &l->hosts[h];
        if (o->cores_free + 1e-9 < cores || o->memory_free_mib + 1e-9 < memory_mib)
            continue;
        if (best < 0 || o->cores_free > l->hosts[best].cores_free + 1e-9)
            best = h;
    }
    return best;
}

/* Gives back what container c holds on its host. */
static void release(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    l->hosts[k->host].cores_free += k->reserved + (k->resize_delta > 0 ? k->resize_delta : 0);
    l->hosts[k->host].memory_free_mib += k->reserved_memory_mib;
    k->reserved = k->reserved_memory_mib = k->resize_delta = 0;
}

/* Asks container c's engine to start it (its reservation is made). False when no thread can run. */
static bool launch(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    const struct lfunction *fn = &l->functions[k->function];
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return false;
    j->index = c;
    snprintf(j->host, sizeof j->host, "%s", l->hosts[k->host].address);
    j->publish = !l->hosts[k->host].local;
    snprintf(j->image, sizeof j->image, "%s", l->image);
    snprintf(j->run_id, sizeof j->run_id, "%s", l->run_id);
    j->owner = l->owner;
    j->cpus = fn->cpu_limit;
    j->memory_bytes = fn->memory_bytes;
    j->function = k->function;
    if (!hf_lv_spawn(l, hf_lv_start_thread, j))
        return false;
    k->state = C_STARTING;
    l->hosts[k->host].started++;
    return true;
}

/* Places container c (pending) on a host with room and starts it; false when none has room. */
static bool place(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    const struct lfunction *fn = &l->functions[k->function];
    double memory_mib = (double)fn->memory_bytes / 1048576.0;
    int h = host_with_room(l, fn->cpu_request, memory_mib);
    if (h < 0)
        return false;
    k->host = h;
    k->reserved = fn->cpu_request;
    k->reserved_memory_mib = memory_mib;
    l->hosts[h].cores_free -= k->reserved;
    l->hosts[h].memory_free_mib -= memory_mib;
    if (launch(l, c))
        return true;
    release(l, c);
    return false;
}

/* Pending containers, oldest first, each started where it fits (a small one may pass a large one). */
static void place_pending(struct live *l)
{
    for (int c = 0; c < MAX_CONTAINERS; c++)
        if (l->containers[c].state == C_PENDING)
            (void)place(l, c);
}

static void remove_container(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    if (k->state != C_PENDING) { /* a pending one never reached an engine */
        struct job *j = calloc(1, sizeof *j);
        if (j) {
            j->index = c;
            snprintf(j->id, sizeof j->id, "%s", k->id);
            snprintf(j->host, sizeof j->host, "%s", l->hosts[k->host].address);
            hf_lv_spawn(l, hf_lv_remove_thread, j);
        }
        hf_worker_connections_forget(l->connections, k->id);
        release(l, c);
    }
    k->state = C_FREE;
    place_pending(l);
}

uint32_t hf_lv_set_replicas(void *backend, uint32_t f, uint32_t n)
{
    struct live *l = backend;
    if (f >= l->function_count)
        return 0;
    struct lfunction *fn = &l->functions[f];
    while (fn->active < n) {
        int c = 0;
        while (c < MAX_CONTAINERS && l->containers[c].state != C_FREE)
            c++;
        if (c == MAX_CONTAINERS)
            break; /* at the container cap: keep what there is */
        uint32_t generation = l->containers[c].generation + 1;
        l->containers[c] = (struct lcontainer){.state = C_PENDING, .function = f, .generation = generation,
                                               .cpu_limit = fn->cpu_limit, .shared_function = HF_GENERIC,
                                               .pending_shared = HF_GENERIC, .requested_at = hf_lv_now(l)};
        fn->active++;
        if (!place(l, c))
            l->waited_for_room++; /* it waits, pending, until an engine has room */
    }
    while (fn->active > n) {
        /* The least along goes first: pending, then starting, then the ready one with least in flight. */
        int victim = -1;
        for (int c = 0; c < MAX_CONTAINERS; c++) {
            const struct lcontainer *k = &l->containers[c];
            if (k->function != f || k->stop_when_ready || k->state == C_FREE)
                continue;
            if (k->state == C_PENDING) {
                victim = c;
                break;
            }
            if (k->state == C_STARTING && (victim < 0 || l->containers[victim].state != C_STARTING)) {
                victim = c;
                continue;
            }
            if (k->state == C_READY && (victim < 0 || (l->containers[victim].state == C_READY &&
                                                       k->in_flight < l->containers[victim].in_flight)))
                victim = c;
        }
        if (victim < 0)
            break;
        struct lcontainer *k = &l->containers[victim];
        fn->active--;
        if (k->state == C_PENDING) {
            remove_container(l, victim);
        } else if (k->state == C_STARTING) {
            k->stop_when_ready = true;
        } else {
            fn->ready--;
            if (k->in_flight == 0)
                remove_container(l, victim);
            else
                k->state = C_STOPPING;
        }
    }
    return fn->active;
}

bool hf_lv_stop(void *backend, uint64_t id)
{
    struct live *l = backend;
    int c = hf_lv_by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY || l->containers[c].in_flight > 0)
        return false;
    struct lfunction *fn = &l->functions[l->containers[c].function];
    fn->active--;
    fn->ready--;
    remove_container(l, c);
    return true;
}

static void check_container(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    if (k->checking || (k->state != C_READY && k->state != C_STOPPING))
        return;
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->index = c;
    j->function = (long)k->generation;
    snprintf(j->id, sizeof j->id, "%s", k->id);
    snprintf(j->ip, sizeof j->ip, "%s", k->ip);
    j->port = k->port;
    snprintf(j->host, sizeof j->host, "%s", l->hosts[k->host].address);
    k->checking = hf_lv_spawn(l, hf_lv_check_thread, j);
}

/* A container the engine reports stopped (killed, crashed, OOM) goes, and a new one takes its
 * place, as a ReplicaSet replaces a failed pod: the replica count the policy asked for holds. Its
 * requests still in flight fail on their own connections with container_lost. */
static void replace_container(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    uint32_t f = k->function;
    bool counted = k->state == C_READY;
    if (counted) {
        l->functions[f].ready--;
        l->functions[f].active--;
    }
    k->in_flight = k->shared_in_flight = 0; /* their DONE messages find the slot's new generation */
    remove_container(l, c);
    k->generation++;
    l->replaced++;
    if (counted)
        hf_lv_set_replicas(l, f, l->functions[f].active + 1);
}

/* A round of engine stats for one container: the CPU it used since its last sample. */
static void on_usage(struct live *l, const struct message *m)
{
    if (m->wall_ms >= 0)
        hf_contention_api(&l->contention, m->wall_ms);
    struct hf_host_load *machine = &l->hosts[m->host].load;
    if (m->host_known) {
        hf_host_load_add(machine, m->at_s, m->host_load_1m, m->host_cpu_total, m->host_cpu_idle, m->host_cpu_steal);
        snprintf(l->hosts[m->host].boot_id, sizeof l->hosts[m->host].boot_id, "%s", m->host_boot_id);
    }
    struct lcontainer *k = &l->containers[m->index];
    if (!m->ok || k->state == C_FREE || k->generation != m->generation)
        return;
    double used = (double)(m->cpu_ns - (k->has_usage && m->cpu_ns >= k->usage_cpu_ns ? k->usage_cpu_ns : 0));
    l->stats.busy_core_ns += used;
    if (k->has_usage)
        hf_host_load_container(machine, hf_time_to_s(k->usage_at) + l->start_wall, used);
    k->usage_cpu_ns = m->cpu_ns;
    k->usage_at = hf_time_from_s(m->at_s - l->start_wall);
    k->memory_used = m->memory_bytes;
    k->has_usage = true;
}

/* A container's start finished (or failed). */
/* A ready container left with nothing to do: a policy that listens may stop it. */
static void note_idle(struct live *l, int c)
{
    const struct lcontainer *k = &l->containers[c];
    if (k->state == C_READY && k->in_flight == 0 && hf_policy_host_wants_idle(&l->host))
        hf_policy_host_container_idle(&l->host, hf_lv_container_id(l, c), k->function);
}

static void on_ready(struct live *l, const struct message *m, hf_time now)
{
    struct lcontainer *k = &l->containers[m->index];
    snprintf(k->id, sizeof k->id, "%s", m->id);
    snprintf(k->ip, sizeof k->ip, "%s", m->ip);
    k->port = m->port;
    if (!m->ok) {
        l->start_failures++;
        if (!k->stop_when_ready)
            l->functions[k->function].active--;
        if (*k->id) {
            remove_container(l, m->index);
        } else {
            release(l, m->index);
            k->state = C_FREE;
            place_pending(l);
        }
        return;
    }
    if (k->stop_when_ready) {
        remove_container(l, m->index);
        return;
    }
    k->state = C_READY;
    k->ready_at = k->idle_since = now;
    l->stats.cold_starts++;
    l->functions[k->function].counts.cold_starts++;
    l->functions[k->function].ready++;
    hf_policy_host_container_ready(&l->host, hf_lv_container_id(l, m->index), k->function);
    hf_lv_drain(l, k->function);
    note_idle(l, m->index);
}

static void on_specialized(struct live *l, const struct message *m)
{
    struct lcontainer *k = &l->containers[m->index];
    k->specializing = false;
    if (k->state == C_FREE)
        return;
    if (m->ok) {
        k->shared_function = k->pending_shared;
        if (k->shared_function != HF_GENERIC)
            l->stats.specializations++;
    }
    if (k->shared_function != HF_GENERIC) {
        hf_policy_host_specialized(&l->host, hf_lv_container_id(l, m->index), k->shared_function);
        hf_lv_drain(l, k->shared_function);
    }
}

static void on_resized(struct live *l, const struct message *m)
{
    struct lcontainer *k = &l->containers[m->index];
    k->resizing = false;
    if (k->state == C_FREE) {
        /* released while resizing: release() gave back what it held */
    } else if (m->ok) {
        k->cpu_limit = k->pending_limit;
        k->reserved += k->resize_delta;
        if (k->resize_delta < 0) { /* a shrink frees its cores now */
            l->hosts[k->host].cores_free -= k->resize_delta;
            k->resize_delta = 0;
            place_pending(l);
        }
        l->stats.resizes++;
    } else if (k->resize_delta > 0) {
        l->hosts[k->host].cores_free += k->resize_delta; /* the engine refused: give it back */
    }
    k->resize_delta = 0;
    if (k->state != C_FREE)
        hf_policy_host_resized(&l->host, hf_lv_container_id(l, m->index));
}

/* A request's answer: completed, killed for memory inside its container, or lost with it. */
static void on_done(struct live *l, const struct message *m, hf_time now)
{
    struct lrequest *q = &l->requests[m->index];
    struct lcontainer *k = &l->containers[q->container];
    bool same = k->generation == q->generation && k->state != C_FREE; /* not replaced meanwhile */
    if (same) {
        k->in_flight--;
        if (q->shared)
            k->shared_in_flight--;
        if (k->in_flight == 0)
            k->idle_since = now;
    }
    l->functions[q->function].in_flight--;
    if (m->ok) {
        q->ended = true;
        hf_request_log(&l->stats, q->id, q->function, q->arrival, now, "completed");
        hf_ledger_complete(&l->stats.ledger);
        l->functions[q->function].completed++;
        l->hosts[q->host].completed++;
        l->stats.interval_completed++;
        l->stats.bin_completed++;
        l->stats.bin_latency_ns += (uint64_t)(now - q->arrival);
        hf_histogram_add(&l->stats.latency, (uint64_t)(now - q->arrival));
        hf_histogram_add(&l->stats.interval_latency, (uint64_t)(now - q->arrival));
    } else if (m->status == HF_WORKER_OUT_OF_MEMORY) {
        hf_lv_fail_request(l, (uint64_t)m->index, HF_FAIL_OOM); /* killed inside; the container lives on */
    } else {
        hf_lv_fail_request(l, (uint64_t)m->index, HF_FAIL_CONTAINER_LOST);
        if (same)
            check_container(l, q->container);
    }
    if (!same)
        return;
    if (k->state == C_STOPPING && k->in_flight == 0) {
        remove_container(l, q->container);
    } else if (k->state == C_READY) {
        hf_lv_drain(l, k->function);
        if (k->shared_function != HF_GENERIC)
            hf_lv_drain(l, k->shared_function);
        note_idle(l, q->container);
    }
}

void hf_lv_handle(struct live *l, const struct message *m)
{
    if (m->kind != MSG_USAGE)
        l->outstanding--;
    hf_time now = hf_lv_now(l);
    switch (m->kind) {
    case MSG_USAGE: on_usage(l, m); break;
    case MSG_SAMPLED:
        l->sampling = false;
        if (l->scrape_pending)
            hf_lv_scrape(l);
        break;
    case MSG_CHECKED: {
        struct lcontainer *k = &l->containers[m->index];
        if (k->generation != m->generation)
            break;
        k->checking = false;
        if (!m->ok && (k->state == C_READY || k->state == C_STOPPING))
            replace_container(l, m->index);
        break;
    }
    case MSG_READY: on_ready(l, m, now); break;
    case MSG_SPECIALIZED: on_specialized(l, m); break;
    case MSG_RESIZED: on_resized(l, m); break;
    case MSG_DONE: on_done(l, m, now); break;
    case MSG_REMOVED: break; /* it only ends an outstanding call */
    }
}
