/* The client side of hfsim-worker's HTTP interface (live/worker/hfsim_worker.c): real HTTP/1.1
 * calls over libcurl, on a connection kept in the address's pool (live/worker_connections.h) or,
 * without a pool, on one opened for the call. Timeouts are wall-clock; nothing here retries (but
 * libcurl, once, when a kept connection turns out closed before the request was sent). Thread-safe:
 * a call uses a curl handle no other thread holds.
 * Errors: false with "worker IP:PORT: what failed" in err (HF_EXIT_RUN_FAILED); a connection that
 * closes without an answer (the container was killed, or the request was OOM-killed) says so. */
#ifndef HF_WORKER_CLIENT_H
#define HF_WORKER_CLIENT_H

#include <stdbool.h>

#include "live/worker_connections.h"
#include "sim/error.h"

#define HF_WORKER_PORT 8080

/* Where a worker answers, and the connections to reach it by. */
struct hf_worker_address {
    const char *ip;
    int port;
    struct hf_worker_connections *pool; /* NULL: a connection opened and closed for each call */
    const char *container;              /* the engine's container id (with a pool: the key of its kept
                                           connections) */
};

/* GET /ping answers 200 within timeout_ms. */
bool hf_worker_ping(const struct hf_worker_address *at, int timeout_ms, struct hf_error *err);
/* POST /run: cpu_ms of CPU time holding memory_mb; *wall_ms is what the worker measured.
 * function < 0: whatever the container's own worker serves. *status (when not NULL) gets the HTTP
 * status, 0 when no answer came: 507 means the request was OOM-killed inside a live container. */
#define HF_WORKER_OUT_OF_MEMORY 507
bool hf_worker_run(const struct hf_worker_address *at, double cpu_ms, double memory_mb, long function, int timeout_ms,
                   double *wall_ms, long *status, struct hf_error *err);
/* POST /specialize?function=F&load_ms=L (function >= 0) or POST /generalize (function < 0). */
bool hf_worker_specialize(const struct hf_worker_address *at, long function, double load_ms, int timeout_ms,
                          struct hf_error *err);

/* What the worker's ICS reports (GET /stats). */
struct hf_worker_stats {
    long function, second;    /* the own worker's function; the second's, or -1 (generic) */
    long in_flight, served;   /* requests running now / finished since start */
    double cpu_ms, memory_mb; /* CPU time burnt by requests since start; memory they hold now */
    /* Its container's CPU counter from its cgroup (what the engine's stats report): false when not
     * reported */
    bool cgroup_known;
    unsigned long long cgroup_cpu_ns;
    /* The machine it runs on, from its /proc (host-wide in a container): false when not reported */
    bool host_known;
    double host_load_1m;                                    /* the 1-minute load average */
    unsigned long long host_cpu_total, host_cpu_idle, host_cpu_steal; /* jiffies since boot (idle: + iowait) */
    char host_boot_id[40]; /* the machine's boot id ("" when not reported): engines on one machine share it */
};
bool hf_worker_stats(const struct hf_worker_address *at, int timeout_ms, struct hf_worker_stats *out, struct hf_error *err);

#endif
