/* A scaling/scheduling policy: a type (this table) plus a state block the runner allocates.
 *
 * Policies act only through struct hf_platform (sim/platform.h), so the same object code runs in the
 * simulator and against live engines. Parameters come from the scenario section named after the
 * policy ({"policy": "fixed", "fixed": {"replicas": 4}}) and are validated with `params`.
 *
 * Lifetime: init(state, params, platform) once before the run; callbacks during it; fini at the end.
 * Errors: init returns false with err set (HF_EXIT_BAD_INPUT for parameters the schema cannot
 * express). */
#ifndef HF_POLICY_H
#define HF_POLICY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"
#include "sim/platform.h"
#include "sim/schema.h"

struct hf_policy_type {
    const char *name;
    const char *summary; /* one line for `hfsim policies` */
    const struct hf_field *params;
    size_t state_size;
    /* HF_PF_* features the policy needs from the backend (refused before the run otherwise). A
     * policy with on_request needs HF_PF_ROUTING: without it, its routing never runs. */
    unsigned needs;
    bool (*init)(void *state, const json_t *params, struct hf_platform *platform, struct hf_error *err);
    void (*on_timer)(void *state, struct hf_platform *platform, uint64_t arg);
    /* Optional: a resize the policy asked for has applied. */
    void (*on_resized)(void *state, struct hf_platform *platform, uint64_t container);
    /* Optional: route a request (the global scheduler). Without it the backend's gateway routes.
     * Called for each arrival, and for the head of a function's queue when room appears. */
    struct hf_route (*on_request)(void *state, struct hf_platform *platform,
                                  const struct hf_request_view *request);
    /* Optional: a container finished its cold start and is ready. */
    void (*on_container_ready)(void *state, struct hf_platform *platform, uint64_t container,
                               uint32_t function);
    /* Optional: a second worker finished specializing. */
    void (*on_specialized)(void *state, struct hf_platform *platform, uint64_t container,
                           uint32_t function);
    /* Optional (backends with HF_PF_STOP): a ready container has nothing in flight, after its last
     * request ended or when it became ready, and the backend has already offered it queued work. The
     * policy may stop it from here (hf_platform_stop). */
    void (*on_container_idle)(void *state, struct hf_platform *platform, uint64_t container,
                              uint32_t function);
    void (*fini)(void *state);
};

/* True when a backend with `features` (HF_PF_*) provides everything `policy` needs; otherwise
 * false with HF_EXIT_BAD_INPUT: "policy P needs X, which the BACKEND model does not provide". */
bool hf_policy_check_needs(const struct hf_policy_type *policy, unsigned features, const char *backend,
                           struct hf_error *err);

#endif
