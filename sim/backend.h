/* A backend: what runs the platform a policy sees. The simulated models are entries of the
 * application's registry (app/backends.c), chosen by the scenario's `model`; adding one is a folder
 * (models/NAME/) with one `const struct hf_backend_type` and one line in the registry.
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
#include "sim/invocation.h"
#include "sim/ledger.h"
#include "sim/model_stats.h"
#include "sim/platform.h"
#include "sim/policy.h"
#include "sim/schema.h"

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
    /* Optional: the price of one billed VM per hour (USD); NULL when the backend bills no VMs. */
    double (*vm_price_per_hour)(void *impl);
};

#endif
