/* One function invocation as workload sources produce it and models consume it. */
#ifndef HF_INVOCATION_H
#define HF_INVOCATION_H

#include <stdint.h>

#include "sim/time.h"

struct hf_invocation {
    uint64_t id;        /* arrival order, from 0 */
    hf_time arrival;    /* ns since run start */
    hf_time work;       /* service demand: ns of one full core (core-ns) */
    uint32_t function;  /* index into the workload's function table */
    uint32_t memory_mb; /* memory the request holds while it runs */
    /* When the workload groups functions into units (trace.unit app, tenant or all), 1 + the
     * function within its unit, which a Hydra runtime gives its own isolate; 0: `function` itself. */
    uint32_t isolate;
};

/* Where a source delivers invocations (the model's entry point). */
typedef void (*hf_invocation_sink)(void *model, const struct hf_invocation *inv);

#endif
