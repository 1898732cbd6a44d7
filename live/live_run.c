#include "live/live_run.h"

#include <errno.h>
#include <gsl/gsl_rng.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/docker.h"
#include "live/image.h"
#include "live/reaper.h"
#include "live/worker_client.h"
#include "policies/registry.h"
#include "sim/engine.h"
#include "sim/histogram.h"
#include "sim/ledger.h"
#include "sim/results.h"
#include "sim/run.h"
#include "sim/schema.h"
#include "sim/stabilization.h"
#include "sim/timeseries.h"
#include "sim/wallclock.h"
#include "traces/synthetic.h"
#include "traces/trace.h"
#include "traces/trace_scenario.h"
#include "version.h"

#define MAX_CONTAINERS 512
#define MAX_HOSTS 32
#define TICK_MS 10 /* longest sleep of the loop: arrivals are issued within about this */
#define ROLLING_MAX 60

enum cstate { C_FREE, C_STARTING, C_READY, C_STOPPING };
enum kind {
    MSG_READY = 1, MSG_DONE, MSG_REMOVED, MSG_RESIZED, MSG_SPECIALIZED,
    MSG_CHECKED, /* whether a container that failed a request is still running */
    MSG_USAGE,  /* one container's engine stats (many per sampling thread) */
    MSG_SAMPLED /* the sampling thread is done */
};

/* What a helper thread reports through the pipe (one atomic write: smaller than PIPE_BUF). */
struct message {
    int kind, index, ok, port;
    long status;                     /* MSG_DONE: the worker's HTTP status, 0 when no answer came */
    uint32_t generation;
    double wall_ms, at_s;            /* at_s: when a usage sample was taken (wall clock, s) */
    uint64_t cpu_ns, memory_bytes;   /* MSG_USAGE */
    char id[65], ip[64];
};

struct lcontainer {
    enum cstate state;
    uint32_t function, in_flight, generation;
    uint32_t shared_function, pending_shared, shared_in_flight; /* the second worker (HF_GENERIC) */
    bool stop_when_ready, resizing, specializing, checking;
    double cpu_limit, pending_limit;
    int host, port; /* the engine it runs on (index into live.hosts); where its worker answers */
    hf_time requested_at, ready_at;
    /* The engine's CPU counter and the worker's memory report (latest sample, every interval), and
     * the metrics-server's view of the CPU (pods) */
    bool has_usage, has_scrape, has_metric;
    uint64_t usage_cpu_ns, scrape_cpu_ns, memory_used;
    hf_time usage_at, scrape_at, metric_time, metric_window;
    double metric_milli;
    char id[65], ip[64];
};

/* One Docker engine of the run: containers are placed on the one with the most cores unreserved. */
struct lhost {
    char address[512];
    struct hf_docker *docker;
    double cores;       /* the engine machine's (GET /info) */
    bool local;         /* unix socket: containers reachable at their own address; else published ports */
    uint64_t started;   /* containers started there */
};

struct lrequest {
    uint64_t id;
    hf_time arrival, work;
    uint32_t function, memory_mb;
    int container;
    uint32_t generation; /* the container's when dispatched: it may have been replaced since */
    uint64_t target;     /* the container a bounced request is on its way to */
    bool shared;         /* served by the container's second worker */
};

struct lfunction {
    uint32_t active, ready;
    uint64_t arrived, completed, in_flight;
    uint64_t *queue; /* request indices, FIFO ring */
    size_t queue_head, queue_count, queue_cap;
};

struct live {
    struct hf_engine engine;
    struct hf_platform platform;
    const struct hf_policy_type *policy;
    void *policy_state;
    struct lhost hosts[MAX_HOSTS];
    int host_count;
    char image[128], run_id[64];
    double start_wall;
    hf_time duration, drain_end, timeout;
    double specialize_ms;
    double cpu_limit;
    uint64_t memory_bytes;
    uint32_t concurrency, function_count;
    struct lcontainer containers[MAX_CONTAINERS];
    struct lfunction *functions;
    struct lrequest *requests;
    size_t request_count, request_cap;
    struct hf_synthetic workload;
    struct hf_trace *trace; /* replaces the synthetic workload when set */
    struct hf_ledger ledger;
    struct hf_histogram latency;
    uint64_t cold_starts, start_failures, outstanding, resizes, specializations, bounces, waited, replaced;
    double cpu_request;
    /* timeseries.csv (outputs.interval_s), as hfsim run writes it */
    hf_time interval, metric_resolution;
    double metric_phase; /* scrapes at (phase + k) x resolution: the simulator's, from the same seed */
    hf_timer scrape_timer;
    struct hf_results results;
    FILE *series_file;
    struct hf_timeseries series;
    struct hf_histogram interval_latency, rolling[ROLLING_MAX], rolling_merged;
    int rolling_count, rolling_next;
    struct hf_latency_bins bins;
    uint64_t interval_arrived, interval_completed, interval_failed;
    double cpu_ns_seen, cpu_ns_at_row, allocated_core_s, memory_gb_s;
    bool sampling, write_failed, results_open;
    bool progress;        /* a progress line on stderr (a terminal, not --quiet) */
    double progress_drawn; /* wall clock of the last draw */
    double lateness_sum_ms, lateness_max_ms;
    int pipe_fds[2];
    struct hf_reaper reaper;
};

static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

static hf_time wall_now(const struct live *l) { return hf_time_from_s(hf_wall_seconds() - l->start_wall); }

/* ---- helper threads: each opens its own engine connection and posts one message ---- */

struct job {
    int kind, index, fd, port;
    bool publish;
    char host[512], image[128], run_id[64], id[65], ip[64];
    double cpus, cpu_ms, memory_mb, load_ms;
    uint64_t memory_bytes;
    long function;
};

static void post(int fd, const struct message *m) { (void)!write(fd, m, sizeof *m); }

static void *start_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_READY, .index = j->index};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        json_t *labels = json_pack("{s:s, s:s}", "hfsim.run", j->run_id, "hfsim.role", "worker");
        char function[24];
        snprintf(function, sizeof function, "%ld", j->function);
        struct hf_docker_container_spec spec = {.image = j->image,
                                                .cmd = (const char *const[]){"/worker", "8080", function, NULL},
                                                .labels = labels, .cpus = j->cpus, .memory_bytes = j->memory_bytes,
                                                .publish_port = j->publish ? HF_WORKER_PORT : 0};
        bool ok = hf_docker_create(d, &spec, m.id, &err) && hf_docker_start(d, m.id, &err) &&
                  hf_docker_endpoint(d, m.id, HF_WORKER_PORT, m.ip, sizeof m.ip, &m.port, &err) && m.ip[0];
        json_decref(labels);
        double t0 = hf_wall_seconds();
        while (ok) {
            struct hf_error ping = {0};
            if (hf_worker_ping(m.ip, m.port, 200, &ping))
                break;
            if (hf_wall_seconds() - t0 > 20)
                ok = false;
            else {
                struct timespec nap = {0, 5000000};
                nanosleep(&nap, NULL);
            }
        }
        m.ok = ok;
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

static void *request_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_DONE, .index = j->index};
    struct hf_error err = {0};
    m.ok = hf_worker_run(j->ip, j->port, j->cpu_ms, j->memory_mb, j->function, 3600 * 1000, &m.wall_ms, &m.status,
                         &err);
    post(j->fd, &m);
    free(j);
    return NULL;
}

/* Asks the engine whether a container is still running (after one of its requests failed). */
static void *check_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_CHECKED, .index = j->index, .generation = (uint32_t)j->function, .ok = 1};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        json_t *inspect = hf_docker_inspect(d, j->id, &err);
        /* An engine that does not answer proves nothing: only a container it reports stopped is lost. */
        if (inspect)
            m.ok = json_is_true(json_object_get(json_object_get(inspect, "State"), "Running"));
        json_decref(inspect);
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

static void *remove_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_REMOVED, .index = j->index, .ok = 1};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        m.ok = hf_docker_remove(d, j->id, &err);
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

static void *resize_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_RESIZED, .index = j->index};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        m.ok = hf_docker_update(d, j->id, j->cpus, 0, &err);
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

static void *specialize_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_SPECIALIZED, .index = j->index};
    struct hf_error err = {0};
    m.ok = hf_worker_specialize(j->ip, j->port, j->function, j->load_ms, 60000, &err);
    post(j->fd, &m);
    free(j);
    return NULL;
}

/* The engine's stats of every ready container, one shot each (what the metrics-server scrapes from
 * the kubelet): a MSG_USAGE per container, then MSG_SAMPLED. */
struct usage_job {
    int fd;
    size_t count;
    char hosts[MAX_HOSTS][512];
    struct usage_item {
        int index, host, port;
        uint32_t generation;
        char id[65], ip[64];
    } items[MAX_CONTAINERS];
};

static void *usage_thread(void *arg)
{
    struct usage_job *j = arg;
    struct hf_docker *engines[MAX_HOSTS] = {0};
    for (size_t i = 0; i < j->count; i++) {
        const struct usage_item *it = &j->items[i];
        struct message m = {.kind = MSG_USAGE, .index = it->index, .generation = it->generation};
        struct hf_error err = {0};
        if (!engines[it->host] && !hf_docker_open(&engines[it->host], j->hosts[it->host], &err))
            continue;
        /* CPU from the engine (what the kubelet reports); memory from the worker's ICS report: what
         * its requests hold, the quantity the simulator's watermarks compare */
        struct hf_docker_usage u;
        struct hf_worker_stats report;
        m.ok = hf_docker_stats(engines[it->host], it->id, &u, &err);
        m.at_s = hf_wall_seconds();
        m.cpu_ns = m.ok ? u.cpu_ns : 0;
        m.ok = m.ok && hf_worker_stats(it->ip, it->port, 1000, &report, &err);
        m.memory_bytes = m.ok ? (uint64_t)(report.memory_mb * 1048576.0) : 0;
        post(j->fd, &m);
    }
    for (int h = 0; h < MAX_HOSTS; h++)
        hf_docker_close(engines[h]);
    post(j->fd, &(struct message){.kind = MSG_SAMPLED, .ok = 1});
    free(j);
    return NULL;
}

static bool spawn(struct live *l, void *(*fn)(void *), struct job *j)
{
    j->fd = l->pipe_fds[1];
    pthread_t t;
    if (pthread_create(&t, NULL, fn, j) != 0) {
        free(j);
        return false;
    }
    pthread_detach(t);
    l->outstanding++;
    return true;
}

/* ---- the gateway ---- */

static void fail_request(struct live *l, uint64_t r, enum hf_fail_reason reason)
{
    (void)r;
    hf_ledger_fail(&l->ledger, reason);
    l->interval_failed++;
}

static void dispatch(struct live *l, uint64_t r, int c)
{
    struct lrequest *q = &l->requests[r];
    struct lcontainer *k = &l->containers[c];
    q->container = c;
    q->generation = k->generation;
    q->shared = k->function != q->function;
    k->in_flight++;
    if (q->shared)
        k->shared_in_flight++;
    l->functions[q->function].in_flight++;
    struct job *j = calloc(1, sizeof *j);
    if (!j) {
        fail_request(l, r, HF_FAIL_CONTAINER_LOST);
        return;
    }
    j->index = (int)r;
    snprintf(j->ip, sizeof j->ip, "%s", k->ip);
    j->port = k->port;
    j->cpu_ms = hf_time_to_s(q->work) * 1e3;
    j->memory_mb = q->memory_mb;
    j->function = q->function;
    if (!spawn(l, request_thread, j)) {
        if (q->shared)
            k->shared_in_flight--;
        k->in_flight--;
        l->functions[q->function].in_flight--;
        fail_request(l, r, HF_FAIL_CONTAINER_LOST);
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

static uint64_t container_id(const struct live *l, int c)
{
    return (uint64_t)l->containers[c].generation << 32 | (uint32_t)c;
}

/* The container an id names, or -1 when it is stale. */
static int by_id(const struct live *l, uint64_t id)
{
    uint32_t c = (uint32_t)id;
    if (c >= MAX_CONTAINERS || l->containers[c].state == C_FREE || l->containers[c].generation != (uint32_t)(id >> 32))
        return -1;
    return (int)c;
}

static int container_with_room(struct live *l, uint64_t id, uint32_t f)
{
    int c = by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY)
        return -1;
    const struct lcontainer *k = &l->containers[c];
    bool own = k->function == f && k->in_flight - k->shared_in_flight < l->concurrency;
    bool shared = k->shared_function == f && k->shared_in_flight < l->concurrency;
    return own || shared ? c : -1;
}

static void drain(struct live *l, uint32_t f)
{
    struct lfunction *fn = &l->functions[f];
    int c;
    while (fn->queue_count > 0 && (c = room(l, f)) >= 0) {
        uint64_t r = fn->queue[fn->queue_head];
        fn->queue_head = (fn->queue_head + 1) % fn->queue_cap;
        fn->queue_count--;
        dispatch(l, r, c);
    }
}

static void expire_queues(struct live *l, hf_time now)
{
    for (uint32_t f = 0; f < l->function_count; f++) {
        struct lfunction *fn = &l->functions[f];
        while (fn->queue_count > 0 && now - l->requests[fn->queue[fn->queue_head]].arrival > l->timeout) {
            fail_request(l, fn->queue[fn->queue_head], HF_FAIL_TIMEOUT);
            fn->queue_head = (fn->queue_head + 1) % fn->queue_cap;
            fn->queue_count--;
        }
    }
}

static void enqueue(struct live *l, uint64_t r)
{
    struct lfunction *fn = &l->functions[l->requests[r].function];
    if (fn->queue_count == fn->queue_cap) {
        size_t cap = fn->queue_cap ? 2 * fn->queue_cap : 64;
        uint64_t *grown = malloc(cap * sizeof *grown);
        if (!grown) {
            fail_request(l, r, HF_FAIL_QUEUE_FULL);
            return;
        }
        for (size_t i = 0; i < fn->queue_count; i++)
            grown[i] = fn->queue[(fn->queue_head + i) % fn->queue_cap];
        free(fn->queue);
        fn->queue = grown;
        fn->queue_head = 0;
        fn->queue_cap = cap;
    }
    fn->queue[(fn->queue_head + fn->queue_count++) % fn->queue_cap] = r;
    l->waited++;
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
        enqueue(l, r);
}

static void arrive(void *model, const struct hf_invocation *inv)
{
    struct live *l = model;
    hf_time now = wall_now(l);
    double late = hf_time_to_s(now - inv->arrival) * 1e3;
    l->lateness_sum_ms += late > 0 ? late : 0;
    if (late > l->lateness_max_ms)
        l->lateness_max_ms = late;
    if (l->request_count == l->request_cap) {
        size_t cap = l->request_cap ? 2 * l->request_cap : 1024;
        struct lrequest *grown = realloc(l->requests, cap * sizeof *grown);
        if (!grown) {
            hf_ledger_arrive(&l->ledger);
            hf_ledger_fail(&l->ledger, HF_FAIL_QUEUE_FULL);
            return;
        }
        l->requests = grown;
        l->request_cap = cap;
    }
    uint64_t r = l->request_count++;
    uint32_t f = inv->function % l->function_count;
    l->requests[r] = (struct lrequest){.id = inv->id, .arrival = inv->arrival, .work = inv->work, .function = f,
                                       .memory_mb = inv->memory_mb, .container = -1};
    hf_ledger_arrive(&l->ledger);
    l->interval_arrived++;
    struct lfunction *fn = &l->functions[f];
    fn->arrived++;
    int c = -1;
    if (fn->queue_count == 0 && l->policy->on_request) {
        struct hf_request_view view = {inv->id, f, inv->memory_mb, inv->arrival, false};
        struct hf_route route = l->policy->on_request(l->policy_state, &l->platform, &view);
        l->bounces += route.bounces;
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
    } else if (fn->queue_count == 0) {
        c = room(l, f);
    }
    if (c >= 0)
        dispatch(l, r, c);
    else
        enqueue(l, r);
}

/* ---- containers ---- */

/* Cores of host h not held by the run's containers (what a vertical scale-up can still take). */
static double unreserved(const struct live *l, int h)
{
    double reserved = 0;
    for (int i = 0; i < MAX_CONTAINERS; i++)
        if (l->containers[i].state != C_FREE && l->containers[i].host == h)
            reserved += l->containers[i].cpu_limit;
    return l->hosts[h].cores > reserved ? l->hosts[h].cores - reserved : 0;
}

/* Spread placement (kube-scheduler's least-allocated scoring): the host with the most cores
 * unreserved; the first such on ties. */
static int emptiest_host(const struct live *l)
{
    int best = 0;
    for (int h = 1; h < l->host_count; h++)
        if (unreserved(l, h) > unreserved(l, best) + 1e-9)
            best = h;
    return best;
}

static void remove_container(struct live *l, int c)
{
    struct lcontainer *k = &l->containers[c];
    struct job *j = calloc(1, sizeof *j);
    if (j) {
        j->index = c;
        snprintf(j->id, sizeof j->id, "%s", k->id);
        snprintf(j->host, sizeof j->host, "%s", l->hosts[k->host].address);
        spawn(l, remove_thread, j);
    }
    k->state = C_FREE;
}

static uint32_t set_replicas(void *backend, uint32_t f, uint32_t n)
{
    struct live *l = backend;
    if (f >= l->function_count)
        return 0;
    struct lfunction *fn = &l->functions[f];
    while (fn->active < n) {
        int h = emptiest_host(l);
        int c = 0;
        while (c < MAX_CONTAINERS && l->containers[c].state != C_FREE)
            c++;
        struct job *j = c < MAX_CONTAINERS ? calloc(1, sizeof *j) : NULL;
        if (!j)
            break; /* at the container cap: keep what there is */
        uint32_t generation = l->containers[c].generation + 1;
        l->containers[c] = (struct lcontainer){.state = C_STARTING, .function = f, .generation = generation,
                                               .cpu_limit = l->cpu_limit, .shared_function = HF_GENERIC,
                                               .pending_shared = HF_GENERIC, .host = h,
                                               .requested_at = wall_now(l)};
        j->index = c;
        snprintf(j->host, sizeof j->host, "%s", l->hosts[h].address);
        j->publish = !l->hosts[h].local;
        snprintf(j->image, sizeof j->image, "%s", l->image);
        snprintf(j->run_id, sizeof j->run_id, "%s", l->run_id);
        j->cpus = l->cpu_limit;
        j->memory_bytes = l->memory_bytes;
        j->function = f;
        if (!spawn(l, start_thread, j)) {
            l->containers[c].state = C_FREE;
            break;
        }
        fn->active++;
        l->hosts[h].started++;
    }
    while (fn->active > n) {
        int victim = -1;
        for (int c = 0; c < MAX_CONTAINERS; c++) {
            const struct lcontainer *k = &l->containers[c];
            if (k->function != f || k->stop_when_ready)
                continue;
            if (k->state == C_STARTING) {
                victim = c;
                break;
            }
            if (k->state == C_READY && (victim < 0 || k->in_flight < l->containers[victim].in_flight))
                victim = c;
        }
        if (victim < 0)
            break;
        struct lcontainer *k = &l->containers[victim];
        fn->active--;
        if (k->state == C_STARTING) {
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
    snprintf(j->host, sizeof j->host, "%s", l->hosts[k->host].address);
    k->checking = spawn(l, check_thread, j);
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
        set_replicas(l, f, l->functions[f].active + 1);
}

static void handle(struct live *l, const struct message *m)
{
    if (m->kind != MSG_USAGE)
        l->outstanding--;
    hf_time now = wall_now(l);
    if (m->kind == MSG_USAGE) {
        struct lcontainer *k = &l->containers[m->index];
        if (!m->ok || k->state == C_FREE || k->generation != m->generation)
            return;
        /* CPU the run's containers used: what each one's counter grew by since its last sample */
        l->cpu_ns_seen += (double)(m->cpu_ns - (k->has_usage && m->cpu_ns >= k->usage_cpu_ns ? k->usage_cpu_ns : 0));
        k->usage_cpu_ns = m->cpu_ns;
        k->usage_at = hf_time_from_s(m->at_s - l->start_wall);
        k->memory_used = m->memory_bytes;
        k->has_usage = true;
        return;
    }
    if (m->kind == MSG_SAMPLED) {
        l->sampling = false;
        return;
    }
    if (m->kind == MSG_CHECKED) {
        struct lcontainer *k = &l->containers[m->index];
        if (k->generation != m->generation)
            return;
        k->checking = false;
        if (!m->ok && (k->state == C_READY || k->state == C_STOPPING))
            replace_container(l, m->index);
        return;
    }
    if (m->kind == MSG_READY) {
        struct lcontainer *k = &l->containers[m->index];
        snprintf(k->id, sizeof k->id, "%s", m->id);
        snprintf(k->ip, sizeof k->ip, "%s", m->ip);
        k->port = m->port;
        if (!m->ok) {
            l->start_failures++;
            if (!k->stop_when_ready)
                l->functions[k->function].active--;
            if (*k->id)
                remove_container(l, m->index);
            k->state = C_FREE;
            return;
        }
        if (k->stop_when_ready) {
            remove_container(l, m->index);
            return;
        }
        k->state = C_READY;
        k->ready_at = now;
        l->cold_starts++;
        l->functions[k->function].ready++;
        if (l->policy->on_container_ready)
            l->policy->on_container_ready(l->policy_state, &l->platform, container_id(l, m->index), k->function);
        drain(l, k->function);
    } else if (m->kind == MSG_SPECIALIZED) {
        struct lcontainer *k = &l->containers[m->index];
        k->specializing = false;
        if (k->state == C_FREE)
            return;
        if (m->ok) {
            k->shared_function = k->pending_shared;
            if (k->shared_function != HF_GENERIC)
                l->specializations++;
        }
        if (l->policy->on_specialized && k->shared_function != HF_GENERIC)
            l->policy->on_specialized(l->policy_state, &l->platform, container_id(l, m->index), k->shared_function);
        if (k->shared_function != HF_GENERIC)
            drain(l, k->shared_function);
    } else if (m->kind == MSG_RESIZED) {
        struct lcontainer *k = &l->containers[m->index];
        k->resizing = false;
        if (m->ok) {
            k->cpu_limit = k->pending_limit;
            l->resizes++;
        }
        if (k->state != C_FREE && l->policy->on_resized)
            l->policy->on_resized(l->policy_state, &l->platform, container_id(l, m->index));
    } else if (m->kind == MSG_DONE) {
        struct lrequest *q = &l->requests[m->index];
        struct lcontainer *k = &l->containers[q->container];
        bool same = k->generation == q->generation && k->state != C_FREE; /* not replaced meanwhile */
        if (same) {
            k->in_flight--;
            if (q->shared)
                k->shared_in_flight--;
        }
        l->functions[q->function].in_flight--;
        if (m->ok) {
            hf_ledger_complete(&l->ledger);
            l->functions[q->function].completed++;
            l->interval_completed++;
            hf_histogram_add(&l->latency, (uint64_t)(now - q->arrival));
            hf_histogram_add(&l->interval_latency, (uint64_t)(now - q->arrival));
        } else if (m->status == HF_WORKER_OUT_OF_MEMORY) {
            fail_request(l, (uint64_t)m->index, HF_FAIL_OOM); /* killed inside; the container lives on */
        } else {
            fail_request(l, (uint64_t)m->index, HF_FAIL_CONTAINER_LOST);
            if (same)
                check_container(l, q->container);
        }
        if (!same)
            return;
        if (k->state == C_STOPPING && k->in_flight == 0)
            remove_container(l, q->container);
        else if (k->state == C_READY) {
            drain(l, k->function);
            if (k->shared_function != HF_GENERIC)
                drain(l, k->shared_function);
        }
    }
}

/* ---- the platform interface, live form ---- */

static hf_time p_now(void *backend) { return wall_now(backend); }

static void on_policy_timer(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    struct live *l = ctx;
    l->policy->on_timer(l->policy_state, &l->platform, arg);
}

static hf_timer p_timer(void *backend, hf_time delay, uint64_t arg)
{
    struct live *l = backend;
    return hf_engine_at(&l->engine, wall_now(l) + delay, on_policy_timer, l, arg);
}

static bool p_cancel(void *backend, hf_timer t) { return hf_engine_cancel(&((struct live *)backend)->engine, t); }
static uint32_t p_functions(void *backend) { return ((struct live *)backend)->function_count; }

static void p_load(void *backend, uint32_t f, struct hf_function_load *out)
{
    struct live *l = backend;
    memset(out, 0, sizeof *out);
    if (f >= l->function_count)
        return;
    const struct lfunction *fn = &l->functions[f];
    *out = (struct hf_function_load){.replicas = fn->active, .ready = fn->ready,
                                     .in_flight = (uint32_t)fn->in_flight, .queued = (uint32_t)fn->queue_count,
                                     .arrived = fn->arrived, .completed = fn->completed};
}

static void view_of(const struct live *l, int c, struct hf_container_view *out)
{
    const struct lcontainer *k = &l->containers[c];
    double free_cores = unreserved(l, k->host);
    *out = (struct hf_container_view){
        .id = container_id(l, c),
        .function = k->function,
        .node = (uint32_t)k->host,
        .ready = k->state == C_READY,
        .resizing = k->resizing,
        .cpu_limit = k->cpu_limit,
        .cpu_demand = k->in_flight < k->cpu_limit ? k->in_flight : k->cpu_limit,
        .in_flight = k->in_flight,
        .concurrency = l->concurrency,
        .memory_used_mib = (double)k->memory_used / 1048576.0, /* the worker's report, last sample */
        .memory_limit_mib = (double)l->memory_bytes / 1048576.0,
        .node_cores_free = free_cores,
        .shared_function = k->shared_function,
        .specializing = k->specializing,
        .shared_in_flight = k->shared_in_flight,
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
    int c = by_id(l, id);
    if (c < 0)
        return false;
    view_of(l, c, out);
    return true;
}

/* A real resize: the engine's update call (CPU quota), applied when it returns. */
static bool p_resize(void *backend, uint64_t id, double cpus)
{
    struct live *l = backend;
    int c = by_id(l, id);
    if (c < 0 || l->containers[c].state != C_READY || l->containers[c].resizing || !(cpus > 0))
        return false;
    struct hf_container_view v;
    view_of(l, c, &v);
    if (cpus - l->containers[c].cpu_limit > v.node_cores_free + 1e-9)
        return false; /* the host has no cores left to give */
    struct job *j = calloc(1, sizeof *j);
    if (!j)
        return false;
    j->index = c;
    j->cpus = cpus;
    snprintf(j->id, sizeof j->id, "%s", l->containers[c].id);
    snprintf(j->host, sizeof j->host, "%s", l->hosts[l->containers[c].host].address);
    l->containers[c].resizing = true;
    l->containers[c].pending_limit = cpus;
    if (!spawn(l, resize_thread, j)) {
        l->containers[c].resizing = false;
        return false;
    }
    return true;
}

/* The container's second worker loads function f (the worker sleeps function.specialize_ms, the
 * code-loading cost), or with HF_GENERIC unloads it once idle. on_specialized fires when it is done. */
static bool p_specialize(void *backend, uint64_t id, uint32_t f)
{
    struct live *l = backend;
    int c = by_id(l, id);
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
    j->port = k->port;
    k->specializing = true;
    k->pending_shared = f;
    if (f == HF_GENERIC)
        k->shared_function = HF_GENERIC; /* no new requests go there while it unloads */
    if (!spawn(l, specialize_thread, j)) {
        k->specializing = false;
        return false;
    }
    return true;
}

static void p_retry_queued(void *backend, uint32_t f)
{
    struct live *l = backend;
    if (f < l->function_count)
        drain(l, f);
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
                .scheduled = true,
                .node = (uint32_t)k->host,
                .running = k->state != C_STARTING,
                .ready = k->state == C_READY,
                .deleting = k->state == C_STOPPING || k->stop_when_ready,
                .start_time = k->requested_at,
                .ready_change = k->state == C_STARTING ? k->requested_at : k->ready_at,
                .cpu_request_milli = l->cpu_request * 1000.0,
                .has_metric = k->has_metric,
                .cpu_usage_milli = k->metric_milli,
                .metric_time = k->metric_time,
                .metric_window = k->metric_window,
            };
        n++;
    }
    return n;
}

/* The metrics-server: every resolution, each container's CPU rate over the last resolution from
 * the engine's cumulative counter (so a new container needs two scrapes before it has a metric). */
static void on_scrape(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct live *l = ctx;
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
    l->scrape_timer = hf_engine_after(e, l->metric_resolution, on_scrape, l, 0);
}

/* The next scrape on the grid (phase + k) x resolution, as the cluster model schedules it (the
 * metrics-server was running before the run started). */
static void schedule_scrape(struct live *l)
{
    hf_time res = l->metric_resolution, offset = (hf_time)(l->metric_phase * (double)res), now = wall_now(l);
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
    schedule_scrape(l);
}

static void start_sampling(struct live *l)
{
    if (l->sampling)
        return; /* the previous round is still asking the engines */
    struct usage_job *j = calloc(1, sizeof *j);
    if (!j)
        return;
    j->fd = l->pipe_fds[1];
    for (int h = 0; h < l->host_count; h++)
        snprintf(j->hosts[h], sizeof j->hosts[h], "%s", l->hosts[h].address);
    for (int c = 0; c < MAX_CONTAINERS; c++) {
        const struct lcontainer *k = &l->containers[c];
        if (k->state == C_READY || k->state == C_STOPPING) {
            struct usage_item *it = &j->items[j->count++];
            *it = (struct usage_item){.index = c, .host = k->host, .port = k->port, .generation = k->generation};
            snprintf(it->id, sizeof it->id, "%s", k->id);
            snprintf(it->ip, sizeof it->ip, "%s", k->ip);
        }
    }
    pthread_t t;
    if (pthread_create(&t, NULL, usage_thread, j) != 0) {
        free(j);
        return;
    }
    pthread_detach(t);
    l->outstanding++;
    l->sampling = true;
}

/* One timeseries.csv row per outputs.interval_s, the columns of hfsim run (cores_used from the
 * engines' stats, which lag by up to one sampling round); then the next round of engine stats. */
static void on_sample(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct live *l = ctx;
    double interval_s = hf_time_to_s(l->interval), cores = 0, memory_mib = 0;
    uint64_t replicas = 0, ready = 0, queued = 0, busy = 0;
    for (uint32_t f = 0; f < l->function_count; f++) {
        replicas += l->functions[f].active;
        ready += l->functions[f].ready;
        queued += l->functions[f].queue_count;
        busy += l->functions[f].in_flight;
    }
    for (int c = 0; c < MAX_CONTAINERS; c++)
        if (l->containers[c].state != C_FREE) {
            cores += l->containers[c].cpu_limit;
            memory_mib += (double)l->memory_bytes / 1048576.0;
        }
    l->allocated_core_s += cores * interval_s;
    l->memory_gb_s += memory_mib / 1024.0 * interval_s;
    struct hf_histogram *slot = &l->rolling[l->rolling_next];
    l->rolling_next = (l->rolling_next + 1) % l->rolling_count;
    hf_histogram_reset(slot);
    hf_histogram_merge(slot, &l->interval_latency);
    hf_histogram_reset(&l->rolling_merged);
    for (int i = 0; i < l->rolling_count; i++)
        hf_histogram_merge(&l->rolling_merged, &l->rolling[i]);
    const struct hf_histogram *lat = &l->interval_latency;
    double row[] = {
        (double)l->interval_arrived, (double)l->interval_completed, (double)l->interval_failed,
        (double)hf_ledger_in_flight(&l->ledger), (double)queued, (double)busy, (double)replicas, (double)ready,
        (double)l->host_count, hf_histogram_mean(lat) / 1e6, hf_histogram_quantile(lat, 0.50) / 1e6,
        hf_histogram_quantile(lat, 0.99) / 1e6, cores, (double)l->cold_starts, (double)l->resizes,
        (double)l->specializations, (double)l->bounces, (l->cpu_ns_seen - l->cpu_ns_at_row) / (double)l->interval,
        hf_histogram_quantile(&l->rolling_merged, 0.50) / 1e6, hf_histogram_quantile(&l->rolling_merged, 0.99) / 1e6,
    };
    _Static_assert(sizeof row / sizeof row[0] == HF_RUN_SERIES_COLUMNS, "the columns of hfsim run");
    l->cpu_ns_at_row = l->cpu_ns_seen;
    if (!hf_timeseries_row(&l->series, hf_time_to_s(hf_engine_now(e)), row) ||
        !hf_latency_bins_push(&l->bins, hf_histogram_mean(lat) / 1e6 * (double)l->interval_completed,
                              l->interval_completed))
        l->write_failed = true;
    hf_histogram_reset(&l->interval_latency);
    l->interval_arrived = l->interval_completed = l->interval_failed = 0;
    start_sampling(l);
    if (hf_engine_now(e) + l->interval <= l->drain_end)
        hf_engine_after(e, l->interval, on_sample, l, 0);
}

static const struct hf_platform_ops live_ops = {
    .now = p_now, .timer_after = p_timer, .timer_cancel = p_cancel, .function_count = p_functions,
    .set_replicas = set_replicas, .load = p_load, .containers = p_containers, .resize = p_resize,
    .container = p_container, .specialize = p_specialize, .retry_queued = p_retry_queued,
    .pods = p_pods, .set_metric_resolution = p_set_metric_resolution,
};

/* ---- the run ---- */

static void remove_everything(struct live *l)
{
    for (int h = 0; h < l->host_count; h++) {
        if (!l->hosts[h].docker)
            continue;
        struct hf_error err = {0};
        json_t *ids = hf_docker_list(l->hosts[h].docker, "hfsim.run", l->run_id, &err);
        size_t i;
        const json_t *id;
        json_array_foreach(ids, i, id)
            hf_docker_remove(l->hosts[h].docker, json_string_value(id), &err);
        json_decref(ids);
    }
}

static void read_messages(struct live *l, int timeout_ms)
{
    struct pollfd p = {.fd = l->pipe_fds[0], .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return;
    struct message m;
    while (read(l->pipe_fds[0], &m, sizeof m) == (ssize_t)sizeof m)
        handle(l, &m);
}

static json_t *latency_json(const struct hf_histogram *h)
{
    json_t *lat = json_object();
    const double q[] = {0.5, 0.9, 0.99, 0.999, 1.0};
    const char *names[] = {"p50", "p90", "p99", "p99.9", "max"};
    json_object_set_new(lat, "mean", json_real(hf_histogram_mean(h) / 1e6));
    for (int i = 0; i < 5; i++)
        json_object_set_new(lat, names[i], json_real(hf_histogram_quantile(h, q[i]) / 1e6));
    return lat;
}

/* summary.json in the layout of hfsim run (sim/run.c), plus a "live" object. */
static json_t *summary(const json_t *scenario, struct live *l)
{
    json_t *s = json_object();
    json_object_set_new(s, "scenario", json_string(hf_json_string_at(scenario, "name")));
    json_object_set_new(s, "policy", json_string(hf_json_string_at(scenario, "policy")));
    json_object_set_new(s, "seed", json_integer(hf_json_int_at(scenario, "seed")));
    json_object_set_new(s, "model", json_string("live"));
    json_object_set_new(s, "simulated_s", json_real(hf_time_to_s(wall_now(l))));
    json_t *req = json_object(), *failed = json_object();
    json_object_set_new(req, "arrived", json_integer((json_int_t)l->ledger.arrived));
    json_object_set_new(req, "completed", json_integer((json_int_t)l->ledger.completed));
    json_object_set_new(failed, "total", json_integer((json_int_t)hf_ledger_failed_total(&l->ledger)));
    for (int r = 0; r < HF_FAIL_REASON_COUNT; r++)
        json_object_set_new(failed, hf_fail_reason_name((enum hf_fail_reason)r),
                            json_integer((json_int_t)l->ledger.failed[r]));
    json_object_set_new(req, "failed", failed);
    json_object_set_new(req, "conservation", json_string("ok"));
    json_object_set_new(s, "requests", req);
    json_object_set_new(s, "latency_ms", latency_json(&l->latency));
    if (l->trace)
        json_object_set_new(s, "trace",
                            hf_trace_report_json(l->trace, hf_json_number_at(scenario, "trace.check_tolerance")));
    const json_t *burst = l->trace ? NULL : hf_json_at(scenario, "workload.bursts.0");
    if (burst) {
        double start = hf_json_number_at(burst, "start_s");
        double end = start + hf_json_number_at(burst, "duration_s");
        struct hf_stabilization stab;
        hf_stabilization_compute(&l->bins, start, end, hf_json_number_at(scenario, "outputs.stabilize_window_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_steady_s"),
                                 hf_json_number_at(scenario, "outputs.stabilize_tolerance"), &stab);
        json_object_set_new(s, "burst",
                            json_pack("{s:f, s:f, s:f, s:f, s:f, s:o}", "start_s", start, "end_s", end,
                                      "steady_latency_ms", stab.steady_ms, "peak_latency_ms", stab.peak_ms,
                                      "peak_after_s", stab.peak_after_s, "time_to_stabilize_s",
                                      stab.stabilized ? json_real(stab.time_to_stabilize_s) : json_null()));
    }
    json_object_set_new(s, "cpu_core_s", json_pack("{s:f, s:f}", "allocated", l->allocated_core_s, "used",
                                                   l->cpu_ns_seen / 1e9));
    json_object_set_new(s, "memory_gb_s", json_real(l->memory_gb_s));
    json_object_set_new(s, "completed_per_gb_s",
                        json_real(l->memory_gb_s > 0 ? (double)l->ledger.completed / l->memory_gb_s : 0));
    json_object_set_new(s, "cold_starts", json_integer((json_int_t)l->cold_starts));
    json_object_set_new(s, "resizes", json_integer((json_int_t)l->resizes));
    json_object_set_new(s, "specializations", json_integer((json_int_t)l->specializations));
    json_object_set_new(s, "bounces", json_integer((json_int_t)l->bounces));
    json_object_set_new(s, "queued_on_arrival", json_integer((json_int_t)l->waited));
    json_t *live = json_object();
    json_t *hosts = json_array();
    for (int h = 0; h < l->host_count; h++)
        json_array_append_new(hosts, json_pack("{s:s, s:f, s:I}", "address", l->hosts[h].address, "cores",
                                               l->hosts[h].cores, "containers_started",
                                               (json_int_t)l->hosts[h].started));
    json_object_set_new(live, "hosts", hosts);
    json_object_set_new(live, "image", json_string(l->image));
    json_object_set_new(live, "container_start_failures", json_integer((json_int_t)l->start_failures));
    json_object_set_new(live, "containers_replaced", json_integer((json_int_t)l->replaced));
    json_object_set_new(live, "lateness_ms", json_pack("{s:f, s:f}", "mean",
                                                       l->ledger.arrived ? l->lateness_sum_ms / (double)l->ledger.arrived : 0.0,
                                                       "max", l->lateness_max_ms));
    json_object_set_new(s, "live", live);
    return s;
}

/* latency_cdf.csv as hfsim run writes it, so validation can compare distributions. */
static bool write_latency_cdf(struct live *l, struct hf_error *err)
{
    FILE *f = hf_results_open(&l->results, "latency_cdf.csv", err);
    if (!f)
        return false;
    fputs("quantile,latency_ms\n", f);
    for (int i = 1; i <= 200; i++) {
        double q = i == 200 ? 1.0 : i / 200.0;
        fprintf(f, "%.3f,%.6g\n", q, hf_histogram_quantile(&l->latency, q) / 1e6);
    }
    return hf_results_close(&l->results, f, "latency_cdf.csv", err);
}

/* Opens, pings and readies (worker image) every engine of the comma-separated list; one given twice
 * is refused. */
static bool open_hosts(struct live *l, const char *list, struct hf_error *err)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof l->hosts[0].address)
            return hf_fail(err, HF_EXIT_USAGE, "--hosts \"%s\": an empty or over-long engine address", list);
        if (l->host_count == MAX_HOSTS)
            return hf_fail(err, HF_EXIT_USAGE, "--hosts: at most %d engines", MAX_HOSTS);
        struct lhost *h = &l->hosts[l->host_count];
        memcpy(h->address, p, n);
        h->address[n] = '\0';
        for (int i = 0; i < l->host_count; i++)
            if (strcmp(l->hosts[i].address, h->address) == 0)
                return hf_fail(err, HF_EXIT_USAGE, "--hosts: %s is given twice", h->address);
        if (!hf_docker_open(&h->docker, h->address, err))
            return false;
        l->host_count++;
        if (!hf_docker_ping(h->docker, err) || !hf_docker_cpus(h->docker, &h->cores, err) ||
            !hf_worker_image_ensure(h->docker, false, err))
            return false;
        h->local = hf_docker_is_local(h->docker);
        p += n + (p[n] == ',');
    }
    return l->host_count > 0 || hf_fail(err, HF_EXIT_USAGE, "--hosts: no engine given");
}

/* Everything before the first arrival: engines, reaper, results directory, policy, workload, timers. */
static bool prepare(struct live *l, const json_t *scenario, const struct hf_live_options *o, struct hf_error *err)
{
    snprintf(l->run_id, sizeof l->run_id, "live-%ld", (long)getpid());
    hf_worker_image_reference(l->image, sizeof l->image);
    l->duration = hf_time_from_s(hf_json_number_at(scenario, "duration_s"));
    l->drain_end = l->duration + hf_time_from_s(hf_json_number_at(scenario, "drain_s"));
    l->timeout = hf_time_from_s(hf_json_number_at(scenario, "gateway.timeout_s"));
    l->cpu_limit = hf_json_number_at(scenario, "function.cpu_limit");
    l->cpu_request = hf_json_number_at(scenario, "function.cpu_request");
    l->memory_bytes = (uint64_t)(hf_json_number_at(scenario, "function.memory_mib") * 1048576.0);
    l->concurrency = (uint32_t)hf_json_int_at(scenario, "function.concurrency");
    l->specialize_ms = hf_json_number_at(scenario, "function.specialize_ms");
    l->function_count = (uint32_t)hf_json_int_at(scenario, "workload.functions");
    l->interval = hf_time_from_s(hf_json_number_at(scenario, "outputs.interval_s"));
    l->metric_resolution = hf_time_from_s(hf_json_number_at(scenario, "metrics.resolution_s"));
    double rolling = hf_json_number_at(scenario, "outputs.stabilize_window_s") /
                     hf_json_number_at(scenario, "outputs.interval_s");
    l->rolling_count = rolling < 1 ? 1 : rolling > ROLLING_MAX ? ROLLING_MAX : (int)(rolling + 0.5);
    hf_latency_bins_init(&l->bins, hf_json_number_at(scenario, "outputs.interval_s"));
    l->functions = calloc(l->function_count, sizeof *l->functions);
    l->platform = (struct hf_platform){&live_ops, l};
    l->policy = hf_policy_find(hf_json_string_at(scenario, "policy"));
    l->policy_state = calloc(1, l->policy->state_size ? l->policy->state_size : 1);
    bool ok = l->functions && l->policy_state && pipe(l->pipe_fds) == 0 && hf_histogram_create(&l->latency) &&
              hf_histogram_create(&l->interval_latency) && hf_histogram_create(&l->rolling_merged);
    for (int i = 0; ok && i < l->rolling_count; i++)
        ok = hf_histogram_create(&l->rolling[i]);
    if (!ok)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    fcntl(l->pipe_fds[0], F_SETFL, O_NONBLOCK);
    /* The reaper first: it forks, and from here on a crash must not leave containers behind. */
    if (!hf_reaper_start(&l->reaper, o->hosts, l->run_id, err) ||
        !hf_engine_init(&l->engine, (uint64_t)hf_json_int_at(scenario, "seed"), "heap4", err) ||
        !open_hosts(l, o->hosts, err) || !hf_results_begin(&l->results, o->out_dir, err))
        return false;
    l->results_open = true;
    json_t *config = json_deep_copy(scenario);
    json_object_set_new(config, "hfsim_version", json_string(HF_VERSION));
    ok = hf_results_write_json(&l->results, "config.json", config, err);
    json_decref(config);
    if (!ok || !(l->series_file = hf_results_open(&l->results, "timeseries.csv", err)) ||
        !hf_timeseries_begin(&l->series, l->series_file, hf_run_series_columns, HF_RUN_SERIES_COLUMNS))
        return ok && l->series_file ? hf_fail(err, HF_EXIT_RUN_FAILED, "%s: timeseries.csv: write failed", o->out_dir)
                                    : false;
    l->start_wall = hf_wall_seconds();
    l->metric_phase = gsl_rng_uniform(hf_engine_rng(&l->engine, "metrics-phase"));
    schedule_scrape(l);
    if (!l->policy->init(l->policy_state, json_object_get(scenario, l->policy->name), &l->platform, err))
        return false;
    if (l->trace) {
        struct hf_source *source = hf_trace_start(l->trace, &l->engine, arrive, l, err);
        if (!source)
            return false;
        hf_engine_set_source(&l->engine, source);
    } else {
        if (!hf_synthetic_create(&l->workload, json_object_get(scenario, "workload"), l->duration, &l->engine,
                                 arrive, l))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        hf_engine_set_source(&l->engine, &l->workload.source);
    }
    hf_engine_at(&l->engine, l->interval, on_sample, l, 0);
    l->progress = o->progress && isatty(STDERR_FILENO);
    if (o->progress)
        fprintf(stderr, "hfsim: live run on %d engine%s (%s): %.0f s (+ drain), policy %s\n", l->host_count,
                l->host_count == 1 ? "" : "s", o->hosts, hf_time_to_s(l->duration), l->policy->name);
    return true;
}

/* Once a second on a terminal: where the run is, what runs and how it is going. */
static void draw_progress(struct live *l, hf_time now)
{
    double wall = hf_wall_seconds();
    if (!l->progress || wall - l->progress_drawn < 1.0)
        return;
    l->progress_drawn = wall;
    uint64_t replicas = 0, ready = 0, queued = 0;
    for (uint32_t f = 0; f < l->function_count; f++) {
        replicas += l->functions[f].active;
        ready += l->functions[f].ready;
        queued += l->functions[f].queue_count;
    }
    fprintf(stderr, "\rhfsim: live %s %.0f/%.0f s | %llu containers (%llu ready) | %llu done, %llu failed, "
                    "%llu waiting | p99 %.0f ms   ",
            now > l->duration ? "drain" : "run", hf_time_to_s(now), hf_time_to_s(l->duration),
            (unsigned long long)replicas, (unsigned long long)ready, (unsigned long long)l->ledger.completed,
            (unsigned long long)hf_ledger_failed_total(&l->ledger), (unsigned long long)queued,
            hf_histogram_quantile(&l->rolling_merged, 0.99) / 1e6);
    fflush(stderr);
}

/* Issues arrivals as the wall clock reaches them and handles what the helper threads report, until
 * the duration is over and nothing is in flight, or the drain time ends. */
static void serve(struct live *l)
{
    while (!interrupted) {
        hf_time now = wall_now(l);
        hf_engine_run_until(&l->engine, now < l->drain_end ? now : l->drain_end);
        read_messages(l, 0);
        expire_queues(l, now);
        draw_progress(l, now);
        bool busy = hf_ledger_in_flight(&l->ledger) > 0;
        if ((now >= l->duration && !busy) || now >= l->drain_end)
            break;
        hf_time next = hf_engine_next_time(&l->engine);
        hf_time wait = next == HF_TIME_NEVER ? hf_time_from_ms(TICK_MS) : next - wall_now(l);
        int wait_ms = wait <= 0 ? 0 : wait > hf_time_from_ms(TICK_MS) ? TICK_MS : (int)(hf_time_to_s(wait) * 1e3);
        read_messages(l, wait_ms);
    }
}

/* Whatever is still in flight or waiting fails with run_end; the containers go; helper threads
 * finish (their connections break) before the process moves on; then the reaper. */
static void wind_down(struct live *l)
{
    for (uint32_t f = 0; l->functions && f < l->function_count; f++)
        for (; l->functions[f].queue_count; l->functions[f].queue_count--)
            hf_ledger_fail(&l->ledger, HF_FAIL_RUN_END);
    l->ledger.failed[HF_FAIL_RUN_END] += hf_ledger_in_flight(&l->ledger);
    remove_everything(l);
    double wait_until = hf_wall_seconds() + 30;
    while (l->outstanding > 0 && hf_wall_seconds() < wait_until) {
        struct pollfd p = {.fd = l->pipe_fds[0], .events = POLLIN};
        if (poll(&p, 1, 100) > 0) {
            struct message m;
            while (read(l->pipe_fds[0], &m, sizeof m) == (ssize_t)sizeof m)
                if (m.kind != MSG_USAGE)
                    l->outstanding--; /* accounted above: only wait for the threads */
        }
    }
    hf_reaper_finish(&l->reaper);
}

static void destroy(struct live *l)
{
    if (l->policy_state && l->policy)
        l->policy->fini(l->policy_state);
    free(l->policy_state);
    hf_synthetic_destroy(&l->workload);
    hf_trace_close(l->trace);
    hf_engine_fini(&l->engine);
    hf_histogram_destroy(&l->latency);
    hf_histogram_destroy(&l->interval_latency);
    hf_histogram_destroy(&l->rolling_merged);
    for (int i = 0; i < l->rolling_count; i++)
        hf_histogram_destroy(&l->rolling[i]);
    hf_latency_bins_fini(&l->bins);
    for (int h = 0; h < l->host_count; h++)
        hf_docker_close(l->hosts[h].docker);
    for (uint32_t f = 0; l->functions && f < l->function_count; f++)
        free(l->functions[f].queue);
    free(l->functions);
    free(l->requests);
    if (l->pipe_fds[0] > 0) {
        close(l->pipe_fds[0]);
        close(l->pipe_fds[1]);
    }
    free(l);
}

bool hf_live_run(const json_t *given, const struct hf_live_options *o, struct hf_error *err)
{
    struct live *l = calloc(1, sizeof *l);
    if (!l)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    l->reaper = (struct hf_reaper){.pid = -1, .write_fd = -1};
    json_t *scenario = hf_trace_open_scenario(given, &l->trace, err);
    if (!scenario) {
        destroy(l);
        return false;
    }
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    signal(SIGPIPE, SIG_IGN);
    bool ok = prepare(l, scenario, o, err);
    if (ok)
        serve(l);
    if (l->progress_drawn > 0)
        fprintf(stderr, "\r%100s\r", "");
    if (ok && interrupted)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "live run interrupted: its containers were removed");
    wind_down(l);
    if (ok && l->trace && hf_trace_failed(l->trace, err))
        ok = false;
    ok = ok && hf_ledger_check(&l->ledger, err);
    if (l->series_file) {
        bool closed = hf_results_close(&l->results, l->series_file, "timeseries.csv", ok ? err : NULL);
        ok = ok && closed;
        if (ok && l->write_failed)
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s/timeseries.csv: write failed", o->out_dir);
    }
    ok = ok && write_latency_cdf(l, err);
    if (ok && l->trace)
        ok = hf_trace_write_functions(l->trace, &l->results, err);
    if (ok) {
        json_t *s = summary(scenario, l);
        ok = hf_results_write_json(&l->results, "summary.json", s, err) && hf_results_commit(&l->results, err);
        json_decref(s);
    }
    if (!ok && l->results_open)
        hf_results_abort(&l->results);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    json_decref(scenario);
    destroy(l);
    return ok;
}
