/* The simulated FaaS cluster: VMs, containers with cold starts, processor-sharing execution, a
 * metrics-server and an OpenFaaS-like gateway. It is a platform backend (sim/platform.h): policies
 * scale it by setting replica counts and read it through pod views and function loads.
 *
 * Request path: arrival -> gateway (ingress latency added to the response time) -> a ready
 * container of the function with a free concurrency slot (round robin or least loaded) -> else the
 * function's FIFO queue, failing `queue_full` when full and `timeout` after the gateway timeout.
 * In a container, requests share its CPU limit by processor sharing (models/ps_server.h); a request
 * whose memory does not fit in the container's remaining memory fails `oom`.
 *
 * Containers: set_replicas(f, n) starts containers (placed on a VM by first-fit, best-fit or spread
 * over CPU and memory requests; a container that fits nowhere waits as unschedulable until room
 * frees) or stops them (not-ready ones first, then the least busy; a stopping container takes no
 * new requests and disappears when its in-flight requests finish, as with a graceful SIGTERM).
 * A starting container is ready after its cold start: image pull (when the VM lacks the image; size /
 * registry bandwidth, shared by concurrent pulls on that VM), sandbox, runtime and function init.
 *
 * Metrics: every `metric_resolution` the metrics-server scrapes each container's CPU counter; the
 * usage it reports is the average over the last scrape interval, stamped with the scrape time.
 * Containers started since the last scrape have no metric yet.
 *
 * VMs are billed from launch to stop (model_stats.vm_seconds); with autoscaling on, the count moves
 * between vm_count and autoscaling.max_vms.
 *
 * Keep-alive: a function idle (no arrivals) for `keep_alive` is scaled to zero; an arrival for a
 * function with zero replicas asks for one (OpenFaaS scale-from-zero). 0 disables both.
 *
 * Units: time in ns (hf_time), CPU in cores (double) or millicores (views), memory in MiB.
 * Ownership: the cluster borrows the engine and owns everything else. Errors: create fails when out
 * of memory or when a container cannot fit even an empty VM (message says which); during a run,
 * more than HF_CL_MAX_CONTAINERS containers, or no memory for one, fails the engine (hf_engine_fail). */
#ifndef HF_CLUSTER_H
#define HF_CLUSTER_H

#include <stdbool.h>
#include <stdint.h>

#include "models/cluster/cold_start.h"
#include "models/cluster/image_transfer.h"
#include "models/cluster/ps_server.h"
#include "sim/engine.h"
#include "sim/function_stats.h"
#include "sim/error.h"
#include "sim/invocation.h"
#include "sim/model_stats.h"
#include "sim/platform.h"
#include "sim/policy.h"

/* Containers the model holds at once (2^20, a few hundred MB): asking for more fails the run. */
#define HF_CL_MAX_CONTAINERS (1u << 20)

enum hf_placement { HF_PLACE_FIRST_FIT, HF_PLACE_BEST_FIT, HF_PLACE_SPREAD, HF_PLACE_RANDOM, HF_PLACE_HASH };
/* round-robin over the function's containers; least-loaded: fewest in flight (scans them all);
 * warm-first: the container that most recently freed a slot (OpenWhisk-style warm reuse), O(1). */
enum hf_routing {
    HF_ROUTE_ROUND_ROBIN, HF_ROUTE_LEAST_LOADED, HF_ROUTE_WARM_FIRST, HF_ROUTE_NEWEST, HF_ROUTE_OLDEST,
    HF_ROUTE_RANDOM, HF_ROUTE_HASH, HF_ROUTE_LEAST_RECENTLY_USED
};

struct hf_vm_type {
    char name[32];
    double cores;
    double memory_mib;
    double price_per_hour;
};

/* A group of VMs of one type (cluster.hosts). */
struct hf_vm_group {
    struct hf_vm_type type;
    uint32_t count;
};

/* What may differ between functions (function.shapes): the rest of hf_function_spec is shared. */
struct hf_function_shape {
    double memory_mib, cpu_limit, cpu_request;
};

/* Hydra runtimes (function.isolates; models/cluster/isolates.h): a container is a runtime whose
 * functions (those of a trace unit) each run in an isolate of their own. */
struct hf_isolate_config {
    bool enabled;
    double runtime_memory_mib; /* what a runtime holds with no isolate */
    double isolate_memory_mib; /* what each isolate adds */
    uint32_t max_isolates;     /* per runtime; a new one evicts the isolate idle the longest */
    hf_time start;             /* CPU time (core-ns) of an isolate start, added to its first request */
    hf_time keep_alive;        /* an isolate idle this long is dropped */
};

struct hf_function_spec {
    double cpu_limit;      /* cores a container may use (its cgroup quota) */
    double cpu_request;    /* cores reserved on the VM for placement and the HPA's utilization */
    double memory_mib;     /* container memory limit (also its placement request) */
    double base_memory_mib;/* memory the runtime holds before any request */
    uint32_t concurrency;  /* requests a container serves at once */
    double image_mib;      /* image size, for pulls */
    double image_block_mib;      /* unit of transfer in a function tree; 0: 1 MiB */
    double image_start_fraction; /* of the image a container needs before it starts, (0, 1]; 0: 1 */
    struct hf_isolate_config isolates;
    struct hf_cold_start cold_start;
};

/* A cluster-autoscaler: every scan interval, boot VMs for pods that fit nowhere (each VM is
 * usable after boot_delay), and stop VMs that have held no container for idle_time. */
struct hf_vm_autoscaling {
    bool enabled;
    uint32_t max_vms;       /* upper bound; vm_count is both the initial and the minimum count */
    hf_time boot_delay;     /* launch to schedulable (EC2 boot + kubelet join) */
    hf_time idle_time;      /* an empty VM is removed after this long */
    hf_time scan_interval;
};

struct hf_cluster_config {
    struct hf_vm_type vm;   /* the type of every VM, and of those autoscaling boots (without groups) */
    uint32_t vm_count;
    /* Several VM types (cluster.hosts): group after group, in order; vm_count is then their sum and
     * autoscaling is refused. Borrowed; NULL: vm_count VMs of `vm`. */
    const struct hf_vm_group *groups;
    uint32_t group_count;
    struct hf_vm_autoscaling autoscaling;
    enum hf_placement placement;
    bool ignore_cpu_contention; /* cluster.cpu_model "none": each request at 1 core whatever the load */
    hf_time cfs_period; /* cluster.cpu_model "cfs-quota": CFS bandwidth periods of this length; 0: a fluid share */
    double registry_mib_per_s; /* bandwidth of image pulls into one VM, shared by its pulls */
    /* Image provisioning (models/cluster/image_transfer.h): registry pulls or FaaSNet function trees. */
    enum hf_provisioning provisioning;
    double registry_total_mib_per_s; /* the registry's bandwidth, shared by all pulls; 0: no limit */
    double vm_upload_mib_per_s;      /* what a VM streams to its children in a function tree; 0: registry_mib_per_s */
    uint32_t sandbox_concurrency; /* sandboxes one VM creates at once (cluster.sandbox_concurrency); 0: any */
    uint32_t function_count;
    struct hf_function_spec function; /* shared by every function; its cpu and memory are the default shape */
    const struct hf_function_shape *shapes; /* per function (function_count), borrowed; NULL: function's */
    enum hf_routing routing;
    hf_time ingress_latency;
    uint32_t queue_capacity;  /* per function */
    hf_time timeout;          /* gateway wait before failing; HF_TIME_NEVER = none */
    hf_time metric_resolution;
    hf_time keep_alive;       /* 0 = never scale to zero */
    hf_time resize_latency;   /* a CPU resize (docker update) takes effect after this */
    hf_time specialize_latency; /* loading a function into a warm generic worker */
};

struct hf_cluster;

bool hf_cluster_create(struct hf_cluster **out, struct hf_engine *engine,
                       const struct hf_cluster_config *config, struct hf_error *err);
void hf_cluster_destroy(struct hf_cluster *c);

void hf_cluster_arrive(void *cluster, const struct hf_invocation *inv);
void hf_cluster_attach_policy(struct hf_cluster *c, const struct hf_policy_type *policy, void *state);
struct hf_platform *hf_cluster_platform(struct hf_cluster *c);
struct hf_model_stats *hf_cluster_stats(struct hf_cluster *c);
void hf_cluster_fail_all(struct hf_cluster *c, enum hf_fail_reason reason);
/* Brings CPU counters and the allocation integral up to now. */
void hf_cluster_account(struct hf_cluster *c);
/* Function fi's counters for functions.csv (zeros for an index out of range). */
void hf_cluster_function_counts(const struct hf_cluster *c, uint32_t fi, struct hf_function_counts *out);
/* USD per hour of one VM of the cluster's instance type. */
double hf_cluster_vm_price_per_hour(const struct hf_cluster *c);

#endif
