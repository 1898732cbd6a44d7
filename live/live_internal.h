/* Internals of the live backend (live/live_*.c), shared by its files; nothing outside live/ uses
 * them (live/live_run.h is the interface). One `struct live` per run, owned by hf_live_run; only the
 * run's main thread touches it. Helper threads get a copy of what they need (struct job) and answer
 * with one struct message on the run's pipe (smaller than PIPE_BUF: written atomically).
 * Times are hf_time ns since the run's start (the wall clock), CPU in cores, memory in bytes or MiB
 * as the field says. */
#ifndef HF_LIVE_INTERNAL_H
#define HF_LIVE_INTERNAL_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "live/contention.h"
#include "live/docker.h"
#include "live/owner.h"
#include "live/reaper.h"
#include "live/worker_connections.h"
#include "sim/engine.h"
#include "sim/function_stats.h"
#include "sim/histogram.h"
#include "sim/ledger.h"
#include "sim/model_stats.h"
#include "sim/recorder.h"
#include "sim/platform.h"
#include "sim/policy.h"
#include "sim/policy_host.h"
#include "sim/ring.h"
#include "sim/results.h"
#include "sim/wallclock.h"
#include "traces/synthetic.h"
#include "traces/trace.h"

#define MAX_CONTAINERS 512
#define MAX_HOSTS 32
#define TICK_MS 10 /* longest sleep of the loop: arrivals are issued within about this */

enum cstate { C_FREE, C_PENDING, C_STARTING, C_READY, C_STOPPING }; /* C_PENDING: no engine has room */
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
    /* MSG_USAGE, the first report of its host in a round: that machine's load (host_known) */
    int host;
    bool host_known;
    double host_load_1m;
    unsigned long long host_cpu_total, host_cpu_idle, host_cpu_steal;
    char host_boot_id[40];
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
    hf_time idle_since; /* when in_flight last fell to 0 (or it became ready) */
    double reserved, reserved_memory_mib; /* held on its host (0 while pending): request (+ resize headroom) */
    double resize_delta; /* reserved for a resize in flight, given back if the engine refuses it */
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
    double cores, memory_mib;          /* the engine machine's (GET /info) */
    double cores_free, memory_free_mib; /* after live.reserve_* and the run's containers' reservations */
    bool local;         /* unix socket: containers reachable at their own address; else published ports */
    uint64_t started;   /* containers started there */
    uint64_t completed; /* requests completed by its containers */
    struct hf_host_load load; /* its machine's load, as its workers report it (live/contention.h) */
    char boot_id[40];         /* its machine's boot id, as its workers report it ("" until then) */
};

struct lrequest {
    uint64_t id;
    hf_time arrival, work;
    uint32_t function, memory_mb;
    int container, host; /* where it was dispatched: the container's index, its engine */
    uint32_t generation; /* the container's when dispatched: it may have been replaced since */
    uint64_t target;     /* the container a bounced request is on its way to */
    bool shared;         /* served by the container's second worker */
    bool ended;          /* completed or failed (and logged): the wind-down fails the others */
};

struct lfunction {
    uint32_t active, ready;
    uint64_t arrived, completed, in_flight;
    struct hf_function_counts counts; /* functions.csv (arrived and completed above are the platform's) */
    double cpu_limit, cpu_request; /* its containers' shape (function.shapes, else function.*) */
    uint64_t memory_bytes;
    uint64_t *waiting; /* request indices, a FIFO ring */
    struct hf_ring queue;
};

struct live {
    struct hf_engine engine;
    struct hf_platform platform;
    const struct hf_policy_type *policy; /* the same as host.policy, from the moment it is known */
    struct hf_policy_host host;          /* the policy's state, timers and callbacks */
    bool left_behind;                    /* wind_down could not see every container gone (reaper's job) */
    bool owns_policy_state;              /* host.state was allocated here (not the caller's) */
    int interrupted; /* SIGINT or SIGTERM arrived (hf_interrupt): the run stopped and cleaned up */
    struct lhost hosts[MAX_HOSTS];
    int host_count;
    char image[128], run_id[HF_RUN_ID_MAX];
    struct hf_owner owner; /* this process: every container's owner labels (live/owner.h) */
    double start_wall;
    hf_time duration, drain_end, timeout;
    double specialize_ms;
    double reserve_cores, reserve_memory_mib; /* kept on every engine for the host and the load generator */
    uint32_t concurrency, function_count;
    struct lcontainer containers[MAX_CONTAINERS];
    struct lfunction *functions;
    struct lrequest *requests;
    size_t request_count, request_cap;
    struct hf_synthetic workload;
    struct hf_trace *trace; /* replaces the synthetic workload when set */
    /* What the run counts, in the form every backend reports it (sim/model_stats.h); the recorder
     * (sim/recorder.h) writes timeseries.csv, summary.json and latency_cdf.csv from it, as for hfsim run. */
    struct hf_model_stats stats;
    uint64_t start_failures, outstanding, replaced;
    uint64_t waited_for_room; /* containers that no engine had room for when asked */
    struct hf_contention contention;
    /* timeseries.csv (outputs.interval_s), as hfsim run writes it */
    hf_time interval, metric_resolution;
    double metric_phase; /* scrapes at (phase + k) x resolution: the simulator's, from the same seed */
    hf_timer scrape_timer;
    struct hf_results results;
    FILE *series_file;
    FILE *requests_file; /* requests.csv when outputs.requests_csv, else NULL */
    struct hf_recorder recorder;
    bool recorder_ready, stats_ready;
    bool sampling, results_open;
    bool scrape_pending; /* the metrics-server scrapes when the sampling round in flight ends */
    bool progress;        /* a progress line on stderr (a terminal, not --quiet) */
    double progress_drawn; /* wall clock of the last draw */
    double lateness_sum_ms, lateness_max_ms;
    int pipe_fds[2];
    struct hf_reaper reaper;
    /* kept-alive connections to the workers, for every helper thread's calls (NULL: one per call) */
    struct hf_worker_connections *connections;
};

struct job {
    int kind, index, fd, port;
    struct hf_worker_connections *connections; /* the run's (hf_lv_spawn sets it) */
    bool publish;
    char host[512], image[128], run_id[HF_RUN_ID_MAX], id[65], ip[64];
    struct hf_owner owner;
    double cpus, cpu_ms, memory_mb, load_ms;
    uint64_t memory_bytes;
    long function;
};

/* The engine stats and worker reports of every ready container, for one sampling round. */
struct usage_job {
    int fd;
    struct hf_worker_connections *connections;
    size_t count;
    char hosts[MAX_HOSTS][512];
    struct usage_item {
        int index, host, port;
        uint32_t generation;
        char id[65], ip[64];
    } items[MAX_CONTAINERS];
};

static inline hf_time hf_lv_now(const struct live *l) { return hf_time_from_s(hf_wall_seconds() - l->start_wall); }

/* Helper threads (live_threads.c): each opens its own engine or worker connection, does one
 * blocking thing and posts one message on the run's pipe. spawn counts it as outstanding. */
void *hf_lv_check_thread(void *arg);
void *hf_lv_remove_thread(void *arg);
void *hf_lv_request_thread(void *arg);
void *hf_lv_resize_thread(void *arg);
bool hf_lv_spawn(struct live *l, void *(*fn)(void *), struct job *j);
void *hf_lv_specialize_thread(void *arg);
void *hf_lv_start_thread(void *arg);
void *hf_lv_usage_thread(void *arg);

/* The gateway (live_gateway.c): arrivals, routing (the policy's on_request, bounce delays),
 * dispatch to a worker, the per-function FIFO queues and their timeout. */
void hf_lv_arrive(void *model, const struct hf_invocation *inv);
int hf_lv_by_id(const struct live *l, uint64_t id);
uint64_t hf_lv_container_id(const struct live *l, int c);
void hf_lv_drain(struct live *l, uint32_t f);
void hf_lv_expire_queues(struct live *l, hf_time now);
void hf_lv_fail_request(struct live *l, uint64_t r, enum hf_fail_reason reason);

/* Containers (live_containers.c): placement over the engines, set_replicas, removal,
 * replacement of a container the engine reports stopped, and the handling of helper messages. */
void hf_lv_handle(struct live *l, const struct message *m);

/* Usage sampling (live_results.c): a round of worker reports (CPU counter, memory, the machine's
 * load) over every ready container, on a helper thread; nothing when a round is in flight. */
void hf_lv_start_sampling(struct live *l);
/* The metrics-server's scrape (live_platform.c) from the round that just ended. */
void hf_lv_scrape(struct live *l);
uint32_t hf_lv_set_replicas(void *backend, uint32_t f, uint32_t n);
/* The platform's stop op: removes one ready, idle container (false otherwise). */
bool hf_lv_stop(void *backend, uint64_t id);
double hf_lv_unreserved(const struct live *l, int h);

/* The platform interface, live form (live_platform.c): the ops table policies call, pods and
 * the live metrics-server. */
void hf_lv_schedule_scrape(struct live *l);
extern const struct hf_platform_ops hf_lv_ops;

/* Results (live_results.c): timeseries.csv rows with engine stats sampling, summary.json,
 * latency_cdf.csv. */
void hf_lv_on_sample(struct hf_engine *e, void *ctx, uint64_t arg);
json_t *hf_lv_summary(const json_t *scenario, struct live *l);
/* functions.csv (sim/function_stats.h); returns the per-app cold-start distribution, NULL on error. */
json_t *hf_lv_write_functions(struct live *l, struct hf_error *err);

#endif
