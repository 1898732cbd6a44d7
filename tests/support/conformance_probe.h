/* The platform contract (sim/platform.h) as one script that a policy runs from its own callbacks,
 * so that the same cases run against every backend whatever drives its clock: the simulated ones
 * (stepped by an engine), the backend template (a fake) and live on a real Docker engine (a whole
 * live run with this policy).
 *
 * The script: at init, two timers (5 s, arg 42, kept; 3 s, arg 7, cancelled at once, and a second
 * cancel refused) and 2 replicas of function 0, whose load must report what set_replicas returned;
 * the kept timer must fire once, no earlier than asked (exactly then when `exact_time`), and cannot
 * be cancelled after it fired. Where the backend has container views, it polls until 2 are ready,
 * checks the views against container(id), that a stale id is refused by container, resize and
 * specialize, that a resize is accepted once (a second while in flight refused), that on_resized
 * reports it and the view shows the new limit, and that specializing a container for its own
 * function is refused. Where the backend can stop a chosen container: ready_at and idle_since agree
 * with in_flight, on_container_idle comes with a view that is ready and idle (since now, on a simulated clock), a stale id is
 * refused, and stopping the idle second container drops the replica count by one. Every broken promise is recorded, not asserted, so the caller reports them
 * all in its own test framework. */
#ifndef HF_TEST_CONFORMANCE_PROBE_H
#define HF_TEST_CONFORMANCE_PROBE_H

#include <stdbool.h>

#include "sim/policy.h"

#define PROBE_MAX_FAILURES 16

struct conformance_probe {
    bool exact_time;    /* set by the caller before init: a simulated clock fires timers exactly */
    hf_time started;    /* platform time at init */
    int timers_fired, resized, idle_calls;
    bool containers_checked, done;
    uint64_t resized_id;
    double resize_target;
    int failure_count;
    char failures[PROBE_MAX_FAILURES][200];
};

/* The policy type whose state is a struct conformance_probe (state_size is set). Its name is
 * "conformance-probe"; it is registered nowhere. */
extern const struct hf_policy_type conformance_probe_type;

/* "" when the script ran to its end without a broken promise; else the failures, one per line, or
 * why it did not finish. */
const char *conformance_probe_report(const struct conformance_probe *p, char *buf, size_t size);

#endif
