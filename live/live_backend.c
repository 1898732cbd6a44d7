/* Live as a backend entry (sim/backend.h): real Docker engines instead of a model. It runs on the
 * wall clock, so it is driven whole (hf_live_run) rather than stepped by the application's loop;
 * its section says where the engines are, and it reads the function, gateway and metrics sections
 * of the cluster model's (the same containers, run for real), not the cluster's VMs. */
#include "live/live_run.h"
#include "sim/backend.h"
#include "sim/schema.h"

#include <string.h>

static const struct hf_field live_fields[] = {
    {"hosts", HF_T_STRING, "",
     "Docker engines, comma-separated: unix:///var/run/docker.sock, tcp://HOST:PORT. \"\": $DOCKER_HOST, "
     "else the local socket. `hfsim live --hosts` sets it.",
     "\"\"", 0, 0, 0, NULL, NULL},
    {"reserve_cores", HF_T_NUMBER, "cores",
     "Cores of every engine kept for the host and the load generator: containers reserve the rest (their "
     "cpu_request), as the cluster model reserves a VM's.", "0", HF_F_MIN | HF_F_MAX, 0, 1e6, NULL, NULL},
    {"reserve_memory_mib", HF_T_NUMBER, "MiB", "Memory of every engine kept likewise (containers reserve memory_mib).",
     "0", HF_F_MIN, 0, 0, NULL, NULL},
    {0},
};

static const struct hf_field sections[] = {
    {"live", HF_T_OBJECT, "", "Live mode: where the Docker engines are (docs/live.md).", NULL, 0, 0, 0, NULL,
     live_fields},
    {0},
};

static const char *const reads[] = {"live", "function", "gateway", "metrics", NULL};

static bool drive(const json_t *scenario, const struct hf_drive_options *o, struct hf_error *err)
{
    struct hf_live_options live = {.out_dir = o->out_dir, .progress = o->progress, .policy = o->policy,
                                   .policy_state = o->policy_state};
    return hf_live_run(scenario, &live, err);
}

/* Real containers: one function each, and each engine pulls whole images from its own store. What
 * only the cluster model represents is refused before anything starts (hfsim validate would
 * otherwise compare it with something else), whether the scenario file or --set gives it. */
static bool check(const json_t *scenario, struct hf_error *err)
{
    if (hf_json_bool_at(scenario, "function.isolates.enabled"))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.isolates.enabled: Hydra runtimes are modelled only by the "
                                               "cluster model; live runs one function per container");
    if (hf_json_number_at(scenario, "function.image_start_fraction") < 1)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.image_start_fraction: starting before the image is whole "
                                               "is modelled only by the cluster model; the engine pulls whole images");
    const char *provisioning = hf_json_string_at(scenario, "cluster.provisioning");
    if (provisioning && strcmp(provisioning, "registry") != 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.provisioning: function trees are modelled only by the cluster "
                                               "model; each engine pulls its image itself");
    if (hf_json_number_at(scenario, "cluster.registry_total_mib_per_s") > 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.cluster.registry_total_mib_per_s: a shared registry is modelled only "
                                               "by the cluster model; live images are built on each engine");
    return true;
}

const struct hf_backend_type hf_backend_live = {
    .name = "live",
    .summary = "real worker containers on Docker engines, on the wall clock: hfsim live",
    .features = HF_LIVE_FEATURES,
    .sections = sections,
    .reads = reads,
    .drive = drive,
    .check = check,
};
