/* A backend: what runs the platform a policy sees. Every backend is an entry of the application's
 * registry (app/backends.c), chosen by the scenario's `model`: the simulated models (station,
 * cluster) and live (real Docker engines); adding one is a folder (models/NAME/) with one
 * `const struct hf_backend_type` and one line in the registry.
 *
 * Two lifecycles. A simulated backend gives create ... fail_all (below) and the application's run
 * loop drives it on the engine's clock. A backend on its own clock (live: the wall clock and real
 * containers) gives `drive` instead and runs whole; it keeps the rest of the contract all the same
 * (the same recorder and results directory, every request accounted for, the policy hosted through
 * the platform, `features` equal to what its ops provide).
 *
 * Contract: create() builds the backend on `engine` from the resolved scenario (its own sections
 * and the shared ones it lists in `reads`); the run loop then attaches the policy, hands arrivals
 * to `arrive`, samples `stats` after `account` (which must only read: sampling never changes a
 * result), and at the end calls fail_all(HF_FAIL_RUN_END) and destroy. `features` is what its
 * platform provides (hf_platform_features of its ops must equal it; the runner checks).
 *
 * Ownership: the instance belongs to the caller between create and destroy; the platform and
 * stats pointers live as long as the instance. Errors: create returns NULL with err set
 * (HF_EXIT_BAD_INPUT for a bad section, HF_EXIT_RUN_FAILED when out of memory). */
#ifndef HF_BACKEND_H
#define HF_BACKEND_H

#include <jansson.h>

#include "sim/engine.h"
#include "sim/error.h"
#include "sim/function_stats.h"
#include "sim/invocation.h"
#include "sim/ledger.h"
#include "sim/model_stats.h"
#include "sim/platform.h"
#include "sim/policy.h"
#include "sim/schema.h"

/* What the application hands a backend that drives itself. */
struct hf_drive_options {
    const char *out_dir; /* the results directory (checked by the caller: sim/out_dir.h) */
    bool progress;       /* a progress display is allowed */
    const struct hf_policy_type *policy; /* the scenario's policy, from the application's registry */
    void *policy_state;  /* optional: the policy's state, owned by the caller; NULL: allocated inside */
};

struct hf_backend_type {
    const char *name;    /* the scenario's "model" */
    const char *summary; /* one line for the schema reference */
    unsigned features;   /* HF_PF_* its platform provides */
    const struct hf_field *sections; /* top-level scenario sections it defines ({0}-ended) */
    const char *const *reads;        /* top-level sections it reads: its own and shared ones (NULL-ended) */
    void *(*create)(struct hf_engine *engine, const json_t *scenario, struct hf_error *err);
    void (*destroy)(void *impl);
    struct hf_platform *(*platform)(void *impl);
    struct hf_model_stats *(*stats)(void *impl);
    hf_invocation_sink arrive;
    void (*attach_policy)(void *impl, const struct hf_policy_type *policy, void *state);
    void (*account)(void *impl);
    void (*fail_all)(void *impl, enum hf_fail_reason reason);
    /* Optional: per-function counters for functions.csv (sim/function_stats.h), for functions 0 ..
     * the platform's function_count - 1; NULL when the backend keeps none. */
    void (*function_counts)(void *impl, uint32_t function, struct hf_function_counts *out);
    /* Optional: the price of one billed VM per hour (USD); NULL when the backend bills no VMs. */
    double (*vm_price_per_hour)(void *impl);
    /* Set instead of create ... fail_all by a backend on its own clock: runs the scenario whole. */
    bool (*drive)(const json_t *scenario, const struct hf_drive_options *options, struct hf_error *err);
    /* Optional: refuses (HF_EXIT_BAD_INPUT) a scenario it cannot run as configured, before any run, so
     * that a comparison or sweep is refused whole instead of failing at one of its runs. */
    bool (*check)(const json_t *scenario, struct hf_error *err);
};

#endif
