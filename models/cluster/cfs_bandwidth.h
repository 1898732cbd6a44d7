/* CFS bandwidth control of one container's CPU: what Linux does with the quota that Docker's --cpus
 * and a Kubernetes CPU limit set (cpu.cfs_quota_us per cpu.cfs_period_us, period 100 ms). In each
 * period the container's requests may use cpu_limit x period core-ns of CPU, each at up to one core
 * (so several at once use it faster), and then the container waits, throttled, for the next period.
 * A request alone in a container of 0.5 cores with 100 ms of work takes 100 to 150 ms, not the
 * 200 ms of a fluid share of 0.5 cores; over a period the container never gets more than its limit.
 * Periods lie on one grid from time 0 (the kernel's period timers keep a grid too; relative to
 * arrivals its phase is arbitrary). A new quota refills the period's budget at once, as the kernel
 * does when the quota is written.
 *
 * The caller keeps the container's rate at what hf_cfs_update returns, calls it again at every change
 * of the container's requests, limit or peak, and at the time it returns (nothing else changes the
 * budget in between: that is what lets a span crossing a period boundary be split exactly).
 *
 * Units: times in ns (hf_time), CPU in core-ns and cores. No allocation, no errors. */
#ifndef HF_CFS_BANDWIDTH_H
#define HF_CFS_BANDWIDTH_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/time.h"

struct hf_cfs {
    hf_time period;   /* > 0 */
    double quota;     /* core-ns per period: the limit the budget was last set for, x period */
    double left;      /* core-ns left in the period that holds `updated` */
    double used_mark; /* the container's CPU counter at `updated` (core-ns) */
    hf_time updated;
    bool throttled;
};

/* What the container runs at from now on, and when to call hf_cfs_update again. */
struct hf_cfs_step {
    double cores;  /* the rate cap of its CPU: `peak` while it has budget, 0 while throttled */
    hf_time next;  /* its budget runs out, or a throttled period ends; HF_TIME_NEVER: not before the
                      next change (it cannot run out at this load) */
};

/* A container with a full budget at `now`; `used`: its CPU counter. */
void hf_cfs_init(struct hf_cfs *b, hf_time period, double limit, hf_time now, double used);

/* Accounts the CPU used since the last call (`used`: the counter now), refills at period boundaries
 * and for a new limit, and says what the container runs at. in_flight: its requests; peak: the most
 * cores they can use at once (in_flight, capped by the machine's cores). */
struct hf_cfs_step hf_cfs_update(struct hf_cfs *b, hf_time now, double used, double limit, uint32_t in_flight,
                                 double peak);

#endif
