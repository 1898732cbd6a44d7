#include "models/cluster/cfs_bandwidth.h"

#include <math.h>

/* A budget this close to empty is empty: hf_cfs_update returns the run-out time rounded up to a
 * whole ns, so at that time the budget is at most a rounding error above 0. */
#define EMPTY_CORE_NS 1e-3

void hf_cfs_init(struct hf_cfs *b, hf_time period, double limit, hf_time now, double used)
{
    double quota = limit * (double)period;
    *b = (struct hf_cfs){.period = period, .quota = quota, .left = quota, .used_mark = used, .updated = now};
}

struct hf_cfs_step hf_cfs_update(struct hf_cfs *b, hf_time now, double used, double limit, uint32_t in_flight,
                                 double peak)
{
    hf_time period = b->period;
    double quota = limit * (double)period;
    double consumed = used - b->used_mark;
    hf_time boundary = now - now % period; /* the start of the period that holds now */
    if (quota != b->quota) {
        b->quota = quota;
        b->left = quota; /* a new quota: the kernel refills the runtime when it is written */
    } else if (b->updated < boundary) {
        /* Periods ended since the last call: the budget was refilled at `boundary`, and what was used
         * since then is the share of `consumed` after it (the rate was constant in between). */
        double span = (double)(now - b->updated);
        b->left = quota - (span > 0 ? consumed * (double)(now - boundary) / span : 0);
    } else {
        b->left -= consumed;
    }
    if (b->left < 0)
        b->left = 0;
    b->used_mark = used;
    b->updated = now;
    hf_time next_boundary = boundary + period;
    b->throttled = in_flight > 0 && b->left <= EMPTY_CORE_NS;
    if (in_flight == 0)
        return (struct hf_cfs_step){peak, HF_TIME_NEVER};
    if (b->throttled)
        return (struct hf_cfs_step){0.0, next_boundary};
    double rate = (double)in_flight < peak ? (double)in_flight : peak; /* core-ns of budget per ns */
    if (rate <= 0)
        return (struct hf_cfs_step){peak, HF_TIME_NEVER};
    hf_time run_out = hf_time_add(now, hf_time_from_ns(ceil(b->left / rate)));
    if (run_out < next_boundary)
        return (struct hf_cfs_step){peak, run_out};
    /* Lasts this period. At this rate a whole period's budget runs out (a throttle each period), or it
     * never does and nothing needs to happen until the load changes. */
    return (struct hf_cfs_step){peak, rate * (double)period > quota + EMPTY_CORE_NS ? next_boundary : HF_TIME_NEVER};
}
