/* The client side of hfsim-worker's line protocol (live/worker/hfsim_worker.c): one request per TCP
 * connection. Timeouts are wall-clock; nothing here retries.
 * Errors: false with "worker IP:PORT: what failed" in err (HF_EXIT_RUN_FAILED). */
#ifndef HF_WORKER_CLIENT_H
#define HF_WORKER_CLIENT_H

#include <stdbool.h>

#include "sim/error.h"

#define HF_WORKER_PORT 8080

/* PING -> PONG within timeout_ms. */
bool hf_worker_ping(const char *ip, int port, int timeout_ms, struct hf_error *err);
/* RUN cpu_ms memory_mb [function] -> DONE wall_ms; *wall_ms is what the worker measured.
 * function < 0: whatever the container's own worker serves. */
bool hf_worker_run(const char *ip, int port, double cpu_ms, double memory_mb, long function, int timeout_ms,
                   double *wall_ms, struct hf_error *err);
/* SPECIALIZE function load_ms (function >= 0) or GENERALIZE (function < 0) -> OK. */
bool hf_worker_specialize(const char *ip, int port, long function, double load_ms, int timeout_ms,
                          struct hf_error *err);

#endif
