/* A Docker Engine API client over libcurl (API v1.41: Docker 20.10 and later), on a unix socket
 * (unix:///var/run/docker.sock) or TCP (tcp://host:port). Just what live mode needs: ping, image
 * import from a tarball, containers created with labels (and a published port), start, update (the
 * live form of a resize), kill, stop, remove, inspect, stats, engine info, list by label.
 *
 * Ownership: hf_docker_open allocates the client; hf_docker_close frees it. Returned JSON is owned
 * by the caller. Errors: every call fills `err` with "docker HOST: what failed" (the engine's own
 * message when it sent one) and HF_EXIT_RUN_FAILED; an engine that does not answer says so, naming
 * the host. */
#ifndef HF_DOCKER_H
#define HF_DOCKER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

struct hf_docker;

#define HF_DOCKER_DEFAULT_HOST "unix:///var/run/docker.sock"

/* The engine a command uses when --hosts is not given, as for the docker CLI: $DOCKER_HOST when
 * set and not empty, else HF_DOCKER_DEFAULT_HOST. The string is the environment's: do not free. */
const char *hf_docker_default_host(void);

/* host: "unix:///path" or "tcp://host[:port]". Does not connect yet.
 *
 * TLS, as the docker CLI reads it from the environment (so every client of a run, its helper threads
 * and its reaper, uses the same): with DOCKER_TLS_VERIFY set and not empty, a tcp:// engine is
 * reached over HTTPS on port 2376 by default, its certificate checked against ca.pem and this client
 * presenting cert.pem and key.pem, all three from DOCKER_CERT_PATH (default ~/.docker). Without TLS
 * the port defaults to 2375 and plain TCP is refused (HF_EXIT_USAGE) unless the engine is on a
 * loopback address or HFSIM_DOCKER_INSECURE is set: an unauthenticated Docker API is root on its host.
 * `hfsim live --tls-verify --tls-cert-path DIR --insecure` set these variables. */
bool hf_docker_open(struct hf_docker **out, const char *host, struct hf_error *err);
void hf_docker_close(struct hf_docker *d);
const char *hf_docker_host(const struct hf_docker *d);

/* The engine answers /_ping within 3 s. */
bool hf_docker_ping(struct hf_docker *d, struct hf_error *err);

/* Imports a tar stream as image "repo:tag" (POST /images/create?fromSrc=-). */
bool hf_docker_import(struct hf_docker *d, const void *tar, size_t size, const char *repo, const char *tag,
                      struct hf_error *err);
bool hf_docker_image_exists(struct hf_docker *d, const char *reference, bool *exists, struct hf_error *err);

struct hf_docker_container_spec {
    const char *image;
    const char *name;        /* NULL: the engine picks one */
    const char *const *cmd;  /* NULL-terminated; NULL: the image's */
    json_t *labels;          /* object of strings (borrowed) */
    double cpus;             /* NanoCpus = cpus * 1e9; 0: unlimited */
    uint64_t memory_bytes;   /* 0: unlimited */
    int publish_port;        /* a container TCP port to publish on a random port of the engine's
                                machine (0: none); needed to reach workers on a tcp:// engine */
};

/* Creates a container; `id` (65 bytes) gets its id. */
bool hf_docker_create(struct hf_docker *d, const struct hf_docker_container_spec *spec, char *id,
                      struct hf_error *err);
bool hf_docker_start(struct hf_docker *d, const char *id, struct hf_error *err);
/* Changes CPU (cores, as NanoCpus cannot be updated: CpuPeriod 100 ms, CpuQuota = cores x period)
 * and memory (0 = leave) of a running container. */
bool hf_docker_update(struct hf_docker *d, const char *id, double cpus, uint64_t memory_bytes,
                      struct hf_error *err);
bool hf_docker_kill(struct hf_docker *d, const char *id, struct hf_error *err);
bool hf_docker_stop(struct hf_docker *d, const char *id, int timeout_s, struct hf_error *err);
/* Removes (force: even running). A container already gone is not an error. */
bool hf_docker_remove(struct hf_docker *d, const char *id, struct hf_error *err);
/* GET /containers/{id}/json. */
json_t *hf_docker_inspect(struct hf_docker *d, const char *id, struct hf_error *err);
/* The container's IPv4 address on its first network ("" when none); size >= 16. */
bool hf_docker_address(struct hf_docker *d, const char *id, char *ip, size_t size, struct hf_error *err);
/* Whether the engine is on this machine (a unix socket): its containers' addresses are reachable. */
bool hf_docker_is_local(const struct hf_docker *d);
/* Where hfsim reaches the container's `container_port`: on a local engine the container's own
 * address and that port; on a tcp:// engine the engine's host name and the port it published
 * (the container must have been created with publish_port). `address` holds >= 64 bytes. */
bool hf_docker_endpoint(struct hf_docker *d, const char *id, int container_port, char *address, size_t size,
                        int *port, struct hf_error *err);
/* The engine machine's cores and memory (GET /info NCPU, MemTotal). */
bool hf_docker_capacity(struct hf_docker *d, double *cpus, double *memory_mib, struct hf_error *err);
/* A container's cumulative CPU time and current memory (GET /containers/{id}/stats, one shot). */
struct hf_docker_usage {
    uint64_t cpu_ns;       /* CPU time used since the container started, ns */
    uint64_t memory_bytes; /* memory in use now, bytes */
};
bool hf_docker_stats(struct hf_docker *d, const char *id, struct hf_docker_usage *out, struct hf_error *err);
/* Ids of the containers (running or not) with label `key` (any value, or `value` when not NULL). */
json_t *hf_docker_list(struct hf_docker *d, const char *key, const char *value, struct hf_error *err);
/* The same containers as the engine summarizes them (GET /containers/json: objects with "Id",
 * "Labels" (an object of strings), "State", "Created" (Unix seconds), ...). */
json_t *hf_docker_containers(struct hf_docker *d, const char *key, const char *value, struct hf_error *err);

#endif
