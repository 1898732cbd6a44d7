#include "sim/ledger.h"

#include <inttypes.h>

static const char *const reason_names[HF_FAIL_REASON_COUNT] = {
    [HF_FAIL_TIMEOUT] = "timeout",
    [HF_FAIL_QUEUE_FULL] = "queue_full",
    [HF_FAIL_OOM] = "oom",
    [HF_FAIL_NO_CAPACITY] = "no_capacity",
    [HF_FAIL_RUN_END] = "run_end",
    [HF_FAIL_CONTAINER_LOST] = "container_lost",
};

const char *hf_fail_reason_name(enum hf_fail_reason reason)
{
    return (unsigned)reason < HF_FAIL_REASON_COUNT ? reason_names[reason] : "unknown";
}

uint64_t hf_ledger_failed_total(const struct hf_ledger *l)
{
    uint64_t sum = 0;
    for (int r = 0; r < HF_FAIL_REASON_COUNT; r++)
        sum += l->failed[r];
    return sum;
}

uint64_t hf_ledger_in_flight(const struct hf_ledger *l)
{
    return l->arrived - l->completed - hf_ledger_failed_total(l);
}

bool hf_ledger_check(const struct hf_ledger *l, struct hf_error *err)
{
    uint64_t ended = l->completed + hf_ledger_failed_total(l);
    if (ended == l->arrived)
        return true;
    return hf_fail(err, HF_EXIT_RUN_FAILED,
                   "conservation check failed: %" PRIu64 " requests arrived but %" PRIu64
                   " ended (%" PRIu64 " completed, %" PRIu64 " failed)",
                   l->arrived, ended, l->completed, hf_ledger_failed_total(l));
}
