/* Kept-alive HTTP connections to the workers of a live run (live/worker/hfsim_worker.c keeps a
 * connection open across requests), shared by the run's helper threads.
 *
 * Each idle connection lives in a libcurl easy handle (libcurl's shared connection cache is not safe
 * across concurrent threads, so handles are pooled instead): a call takes one kept for the same
 * container, or a new handle, uses it alone, and gives it back when the call got a complete answer;
 * a handle whose call failed is closed, so a connection broken by a killed request is never reused.
 * Connections are kept per container id, not per address: the engine gives a removed container's
 * address to the next one, and a connection to the dead one must not be tried there.
 *
 * Ownership: the pool owns the idle handles; a taken handle is the caller's until given back.
 * Thread-safe (one mutex, held only to pick or return a handle). Out of memory: calls go on with
 * handles that are closed after use (nothing is kept). */
#ifndef HF_WORKER_CONNECTIONS_H
#define HF_WORKER_CONNECTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct hf_worker_connections;

/* NULL when out of memory (callers then open a connection per call). */
struct hf_worker_connections *hf_worker_connections_new(void);
/* Closes every kept connection; no call may be using the pool. NULL is a no-op. */
void hf_worker_connections_free(struct hf_worker_connections *pool);
/* The container is gone: its kept connections are closed. */
void hf_worker_connections_forget(struct hf_worker_connections *pool, const char *container);

/* Counts since the pool was made: calls made through it and TCP connections they opened
 * (calls - opened were served on a kept connection). */
struct hf_worker_connection_counts {
    uint64_t calls, opened;
};
struct hf_worker_connection_counts hf_worker_connections_counts(struct hf_worker_connections *pool);

/* For live/worker_client.c: a handle for `container` (reset, its connection kept), a new one when
 * none is idle; NULL when out of memory. pool NULL: always a new handle. */
void *hf_worker_connection_take(struct hf_worker_connections *pool, const char *container);
/* Gives the handle back after a call: kept when `reusable` (a complete answer came and the worker
 * did not say it closes), else closed. `opened`: connections the call opened (CURLINFO_NUM_CONNECTS). */
void hf_worker_connection_give(struct hf_worker_connections *pool, const char *container, void *handle,
                               bool reusable, long opened);

#endif
