/* `hfsim live run SCENARIO`: a scenario's workload replayed in wall-clock time against worker
 * containers on a real Docker engine, with a policy from the registry driving them through the same
 * platform interface it uses in the simulator (live form: the required ops, pods with engine CPU
 * metrics, container views, resizes, specialization and retry; tests/live/test_live_conformance.c
 * runs the platform contract's script on it).
 *
 * Open loop: arrival times come from the scenario's workload (synthetic or trace) computed ahead;
 * each is issued when the wall clock reaches it, and how late that was is measured (summary
 * `live.lateness_ms`). The gateway is in this process: it routes to a ready container with a free
 * slot or queues (FIFO, gateway.timeout_s). A request is a real HTTP call (POST /run) to a
 * worker; one whose container dies before answering fails with reason `container_lost`. Every
 * container carries hfsim.run=<run id> ("live-<pid>@<host>") and its owner labels (live/owner.h)
 * and is removed at the end, on error and on SIGINT/SIGTERM (and by the reaper after a crash).
 * Results: config.json and summary.json in the same layout as `hfsim run` (model "live").
 *
 * Errors: scenario errors as hfsim run; engine errors name the host (exit 1). */
#ifndef HF_LIVE_RUN_H
#define HF_LIVE_RUN_H

#include <jansson.h>
#include <stdbool.h>

#include "sim/error.h"
#include "sim/policy.h"

/* What the live platform provides (sim/platform.h HF_PF_*): the registry entry declares it, and a
 * run checks it against the ops table. */
#define HF_LIVE_FEATURES                                                                                   \
    (HF_PF_PODS | HF_PF_METRIC_RESOLUTION | HF_PF_CONTAINERS | HF_PF_RESIZE | HF_PF_SPECIALIZE |            \
     HF_PF_RETRY_QUEUED | HF_PF_ROUTING | HF_PF_STOP)

struct hf_live_options {
    const char *hosts;    /* engines, comma-separated: unix:///... or tcp://host:port; NULL: the
                             scenario's live.hosts, and when that is "" hf_docker_default_host()
                             ($DOCKER_HOST or the local socket) */
    const char *out_dir;
    bool progress;
    const struct hf_policy_type *policy; /* the policy to host: the application passes the scenario's,
                                            from its registry (its section gives the parameters) */
    void *policy_state; /* optional: the policy's state, owned by the caller (policy->state_size bytes,
                           zeroed), which it can read after the run; NULL: the run allocates one */
};

bool hf_live_run(const json_t *scenario, const struct hf_live_options *options, struct hf_error *err);

#endif
