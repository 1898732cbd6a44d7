/* The request ledger: every request that arrives ends completed or failed with a reason.
 *
 * Models record each arrival and each ending here; at the end of a run hf_ledger_check() proves
 * conservation (arrived == completed + failed, nothing in flight) or says what leaked. */
#ifndef HF_LEDGER_H
#define HF_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

enum hf_fail_reason {
    HF_FAIL_TIMEOUT,    /* waited longer than the gateway timeout */
    HF_FAIL_QUEUE_FULL, /* the gateway queue had no room */
    HF_FAIL_OOM,        /* the request needs more memory than its container's limit */
    HF_FAIL_NO_CAPACITY,/* no container can ever serve it (e.g. zero replicas and no scaler) */
    HF_FAIL_RUN_END,    /* still in flight when the drain period after the run ended */
    HF_FAIL_CONTAINER_LOST, /* live mode: its container died (killed, OOM) before it answered */
    HF_FAIL_REASON_COUNT
};

/* Stable lower-case names, used as keys in summary.json and columns in timeseries.csv. */
const char *hf_fail_reason_name(enum hf_fail_reason reason);

struct hf_ledger {
    uint64_t arrived;
    uint64_t completed;
    uint64_t failed[HF_FAIL_REASON_COUNT];
};

static inline void hf_ledger_arrive(struct hf_ledger *l) { l->arrived++; }
static inline void hf_ledger_complete(struct hf_ledger *l) { l->completed++; }
static inline void hf_ledger_fail(struct hf_ledger *l, enum hf_fail_reason r) { l->failed[r]++; }

uint64_t hf_ledger_failed_total(const struct hf_ledger *l);
uint64_t hf_ledger_in_flight(const struct hf_ledger *l);

/* False (with HF_EXIT_RUN_FAILED) when arrived != completed + failed. */
bool hf_ledger_check(const struct hf_ledger *l, struct hf_error *err);

#endif
