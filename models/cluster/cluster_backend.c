/* The cluster as a backend entry (sim/backend.h): its scenario sections and the glue to the model. */
#include "models/cluster/cluster.h"
#include "models/cluster/cluster_scenario.h"
#include "models/cluster/cold_start.h"
#include "sim/backend.h"
#include "sim/distribution.h"

#define NUM(key, unit, def, flags, min, max, doc) {key, HF_T_NUMBER, unit, doc, def, flags, min, max, NULL, NULL}
#define INT(key, unit, def, flags, min, max, doc) {key, HF_T_INT, unit, doc, def, flags, min, max, NULL, NULL}
#define POSITIVE (HF_F_MIN | HF_F_MIN_EXCL)

static const char *const placements[] = {"first-fit", "best-fit", "spread", "random", "hash", NULL};
static const char *const cpu_models[] = {"processor-sharing", "cfs-quota", "none", NULL};
static const char *const routings[] = {"round-robin", "least-loaded", "warm-first", "least-recently-used",
                                        "newest", "oldest", "random", "hash", NULL};

static const struct hf_field sample_item[] = {
    NUM("", "ms", NULL, HF_F_MIN, 0, 0, "A measured duration."),
    {0},
};

static const struct hf_field autoscaling_fields[] = {
    {"enabled", HF_T_BOOL, "", "Boot VMs for pods that fit nowhere; stop idle ones.", "false", 0, 0, 0,
     NULL, NULL},
    INT("max_vms", "count", "0", HF_F_MIN | HF_F_MAX, 0, 1e5, "Most VMs (0 = cluster.vms: no growth)."),
    NUM("boot_s", "s", "90", HF_F_MIN, 0, 0, "Launch to schedulable: EC2 boot plus kubelet registration."),
    NUM("idle_s", "s", "600", HF_F_MIN, 0, 0,
        "An empty VM is stopped after this long (cluster-autoscaler's scale-down-unneeded-time)."),
    NUM("scan_s", "s", "10", POSITIVE, 0, 0, "How often the autoscaler looks (its scan-interval)."),
    {0},
};
static const struct hf_field host_fields[] = {
    {"type", HF_T_STRING, "", "A catalog type (models/cluster/instances.json), or \"\" for one given inline.", "\"\"", 0,
     0, 0, NULL, NULL},
    NUM("vcpu", "cores", "0", HF_F_MIN | HF_F_MAX, 0, 1e6, "Cores of each VM (inline; with a type, 0 keeps the type's)."),
    NUM("memory_gib", "GiB", "0", HF_F_MIN | HF_F_MAX, 0, 1e6,
        "Memory of each VM (inline; with a type, 0 keeps the type's)."),
    NUM("price_per_hour", "USD/h", "0", HF_F_MIN | HF_F_MAX, 0, 1e6,
        "Price of each VM (with a type, 0 keeps the type's)."),
    INT("count", "count", "1", HF_F_MIN | HF_F_MAX, 1, 1e5, "VMs in the group."),
    {0},
};
static const struct hf_field host_item[] = {
    {"", HF_T_OBJECT, "", "A group of VMs of one type.", NULL, 0, 0, 0, NULL, host_fields},
    {0},
};
static const struct hf_field cluster_fields[] = {
    {"instance_type", HF_T_STRING, "", "VM type from the catalog (models/cluster/instances.json).",
     "\"m5.xlarge\"", 0, 0, 0, NULL, NULL},
    INT("vms", "count", "4", HF_F_MIN | HF_F_MAX, 1, 1e5, "VMs in the cluster."),
    {"hosts", HF_T_ARRAY, "",
     "Groups of VMs, each a catalog type or one given inline (vcpu, memory_gib, price_per_hour), with a count; "
     "when given they replace instance_type and vms (no autoscaling).", "[]", 0, 0, 0, NULL, host_item},
    {"placement", HF_T_ENUM, "",
     "Which VM a new container goes to, among those with its CPU request and memory free: first-fit (the "
     "lowest-numbered), best-fit (the least left after it, CPU and memory each as a share of the VM's), "
     "spread (the most left), random (uniform, seeded), hash (OpenWhisk's home invoker with stepping over "
     "the VMs, by function).", "\"first-fit\"", 0, 0, 0, placements, NULL},
    {"cpu_model", HF_T_ENUM, "",
     "How a container's requests share its CPU: processor-sharing (n requests each get min(1, cpu_limit/n) "
     "cores, so load slows them: a fluid share), cfs-quota (as Linux enforces a Docker or Kubernetes CPU "
     "limit: requests run at up to one core each until the container has used cpu_limit x cfs_period_ms "
     "of CPU in the period, then it is throttled until the next; the same long-run rate, but a request "
     "alone at 0.5 cores with 100 ms of work takes 100-150 ms instead of 200; on a contended VM the fair "
     "share is a fluid one) or none (each runs its duration whatever the load, as simulators that ignore "
     "contention do: for like-for-like comparisons; CPU resizes then change nothing).",
     "\"processor-sharing\"", 0, 0, 0, cpu_models, NULL},
    NUM("cfs_period_ms", "ms", "100", HF_F_MIN | HF_F_MAX, 1, 1000,
        "The CFS period of cpu_model cfs-quota (cpu.cfs_period_us, which Linux takes from 1 ms to 1 s: "
        "Docker and Kubernetes set 100 ms)."),
    INT("sandbox_concurrency", "count", "0", HF_F_MIN, 0, 0,
        "Sandboxes (the cold start's first stage) one VM's container runtime creates at once; more wait, "
        "first come first served (0: no limit). Docker creates about one at a time: three containers "
        "started together took 2 to 3 times as long as one alone on the development VM (hfsim live "
        "calibrate measures it)."),
    NUM("registry_mib_per_s", "MiB/s", "100", POSITIVE, 0, 0,
        "Image pull bandwidth into one VM (its download link), shared by its concurrent pulls."),
    {"provisioning", HF_T_ENUM, "",
     "How images reach VMs (docs/cold-starts.md): registry (each VM pulls from the registry) or function-tree "
     "(FaaSNet: the VMs fetching a function's image form a balanced binary tree; the root pulls from the "
     "registry and every VM streams blocks on to its children while it receives the rest).",
     "\"registry\"", 0, 0, 0, hf_provisioning_names, NULL},
    NUM("registry_total_mib_per_s", "MiB/s", "0", HF_F_MIN, 0, 0,
        "The registry's own bandwidth, shared by every pull in the cluster (0: no limit, each pull only "
        "limited by its VM's registry_mib_per_s)."),
    NUM("upload_mib_per_s", "MiB/s", "0", HF_F_MIN, 0, 0,
        "A VM's upload link in a function tree, shared by the children it streams to (0: registry_mib_per_s, "
        "a symmetric link)."),
    {"autoscaling", HF_T_OBJECT, "", "VM autoscaling (cluster-autoscaler-like); cluster.vms is the minimum.",
     NULL, 0, 0, 0, NULL, autoscaling_fields},
    {0},
};
static const struct hf_field stage_fields[] = {
    {"dist", HF_T_ENUM, "", "Distribution of the stage's duration.", "\"lognormal\"", 0, 0, 0,
     hf_dist_kind_names, NULL},
    NUM("mean_ms", "ms", "0", HF_F_MIN, 0, 0, "Mean duration (not used by empirical)."),
    NUM("cv", "", "0.3", HF_F_MIN | HF_F_MAX, 0, 100, "Coefficient of variation (lognormal)."),
    {"samples_ms", HF_T_ARRAY, "ms", "Measured durations an empirical distribution draws from (up to 256).",
     "[]", 0, 0, 0, NULL, sample_item},
    {0},
};
static const struct hf_field cold_start_fields[] = {
    {"preset", HF_T_ENUM, "", "Published profile for the stages (docs/cold-starts.md).", "\"docker\"",
     0, 0, 0, hf_cold_start_preset_names, NULL},
    {"sandbox", HF_T_OBJECT, "", "Overrides the preset's sandbox creation stage.", NULL, HF_F_OPTIONAL,
     0, 0, NULL, stage_fields},
    {"runtime", HF_T_OBJECT, "", "Overrides the preset's language runtime start.", NULL, HF_F_OPTIONAL, 0,
     0, NULL, stage_fields},
    {"function_init", HF_T_OBJECT, "", "Overrides the preset's function initialization.", NULL,
     HF_F_OPTIONAL, 0, 0, NULL, stage_fields},
    {0},
};
static const struct hf_field shape_fields[] = {
    {"name", HF_T_STRING, "", "The function it is for (as config.json records it); \"\": by index.", "\"\"", 0, 0, 0,
     NULL, NULL},
    NUM("memory_mib", "MiB", NULL, POSITIVE | HF_F_REQUIRED, 0, 0, "Container memory limit and placement request."),
    NUM("cpu_limit", "cores", NULL, POSITIVE | HF_F_REQUIRED, 0, 0, "CPU a container may use."),
    NUM("cpu_request", "cores", NULL, POSITIVE | HF_F_REQUIRED, 0, 0, "CPU reserved on the VM."),
    {0},
};
static const struct hf_field shape_item[] = {
    {"", HF_T_OBJECT, "", "One function's container shape.", NULL, 0, 0, 0, NULL, shape_fields},
    {0},
};
static const struct hf_field override_fields[] = {
    {"match", HF_T_STRING, "",
     "Glob (fnmatch) over function names: the trace's (its apps' with trace.unit \"app\"), or f0, f1, ... without "
     "one.", NULL, HF_F_REQUIRED, 0, 0, NULL, NULL},
    NUM("memory_mib", "MiB", "0", HF_F_MIN, 0, 0, "Memory limit for the matching functions (0: unchanged)."),
    NUM("cpu_limit", "cores", "0", HF_F_MIN, 0, 0, "CPU limit (0: unchanged)."),
    NUM("cpu_request", "cores", "0", HF_F_MIN, 0, 0, "CPU request (0: unchanged)."),
    {0},
};
static const struct hf_field override_item[] = {
    {"", HF_T_OBJECT, "", "An override.", NULL, 0, 0, 0, NULL, override_fields},
    {0},
};
static const struct hf_field isolate_fields[] = {
    {"enabled", HF_T_BOOL, "",
     "Each container is a runtime hosting the functions of its unit (trace.unit app, tenant or all), each in "
     "an isolate of its own (Hydra; docs/cold-starts.md).", "false", 0, 0, 0, NULL, NULL},
    NUM("runtime_memory_mib", "MiB", "128", POSITIVE, 0, 0, "What a runtime holds with no isolate."),
    NUM("isolate_memory_mib", "MiB", "8", HF_F_MIN, 0, 0, "What each isolate adds."),
    INT("max_isolates", "count", "64", HF_F_MIN | HF_F_MAX, 1, 100000,
        "Isolates one runtime holds; a new one evicts the isolate idle the longest. At least "
        "function.concurrency, and runtime_memory_mib + max_isolates x isolate_memory_mib within memory_mib."),
    NUM("start_ms", "ms", "5", HF_F_MIN, 0, 0,
        "CPU time of an isolate start inside a warm runtime (a function cold start without a container cold "
        "start), added to the first request's work."),
    NUM("keep_alive_s", "s", "600", HF_F_MIN, 0, 0, "An isolate idle this long is dropped (its runtime stays)."),
    {0},
};

static const struct hf_field function_fields[] = {
    NUM("cpu_limit", "cores", "1", POSITIVE, 0, 0, "CPU a container may use; its requests share it."),
    NUM("cpu_request", "cores", "1", POSITIVE, 0, 0,
        "CPU reserved on the VM; the HPA's utilization is usage / request."),
    NUM("memory_mib", "MiB", "512", POSITIVE, 0, 0, "Container memory limit and placement request."),
    NUM("base_memory_mib", "MiB", "128", HF_F_MIN, 0, 0, "Memory the runtime holds when idle."),
    NUM("memory_percentile", "%", "-1", HF_F_MIN | HF_F_MAX, -1, 100,
        "With a trace that gives memory (Azure 2019): each function's memory_mib = base_memory_mib + its "
        "share of its app's memory at this percentile, 0-100 (requests above it are OOM-killed); -1: off."),
    NUM("cpu_per_gib", "cores", "0", HF_F_MIN, 0, 0,
        "When > 0: cpu_limit = cpu_request = memory_mib / 1024 x this (cores per GiB; AWS Lambda: 0.579), after "
        "the overrides' memory, for functions no override gives CPU."),
    {"overrides", HF_T_ARRAY, "", "Per-function shapes by name (globs), applied in order (docs/scenario.md).", "[]", 0, 0,
     0, NULL, override_item},
    {"shapes", HF_T_ARRAY, "",
     "One shape per function index; filled from the fields above before a run (config.json records it).",
     "[]", 0, 0, 0, NULL, shape_item},
    INT("concurrency", "count", "8", HF_F_MIN | HF_F_MAX, 1, 100000, "Requests a container serves at once."),
    NUM("image_mib", "MiB", "100", HF_F_MIN, 0, 0, "Image size, pulled once per VM."),
    NUM("image_block_mib", "MiB", "1", POSITIVE, 0, 0,
        "The unit a function tree streams in: a VM forwards a block once it has it whole."),
    NUM("image_start_fraction", "", "1", POSITIVE | HF_F_MAX, 0, 1,
        "Share of the image a container needs before it can start (on-demand fetching: FaaSNet, Slacker); the "
        "rest arrives while it runs. 1: the whole image."),
    NUM("resize_ms", "ms", "20", HF_F_MIN, 0, 0,
        "Time for a CPU resize of a running container to apply (an engine update call)."),
    NUM("specialize_ms", "ms", "100", HF_F_MIN, 0, 0,
        "Time to load a function into a container's warm generic worker (HyperFaaS container sharing)."),
    NUM("keep_alive_s", "s", "0", HF_F_MIN, 0, 0,
        "Idle time after which a function scales to zero (0 = never); arrivals then scale it from zero."),
    {"cold_start", HF_T_OBJECT, "", "Container start stages after the image pull.", NULL, 0, 0, 0, NULL,
     cold_start_fields},
    {"isolates", HF_T_OBJECT, "", "Hydra runtimes: functions in isolates inside shared runtime containers.", NULL, 0, 0,
     0, NULL, isolate_fields},
    {0},
};
static const struct hf_field gateway_fields[] = {
    {"routing", HF_T_ENUM, "",
     "Which ready container with a free slot gets a request: round-robin, least-loaded (fewest in "
     "flight), warm-first (the one that most recently freed a slot, as OpenWhisk reuses warm containers: "
     "most recently used), least-recently-used (the one that freed a slot longest ago: spreads load over "
     "the warm containers), newest or oldest (by when it was placed), random (uniform among those with "
     "room, seeded), hash (OpenWhisk's home invoker with stepping, over the function's containers: a "
     "home picked by hashing the function, then steps of a size coprime with the count).",
     "\"round-robin\"", 0, 0, 0, routings, NULL},
    NUM("ingress_ms", "ms", "1", HF_F_MIN, 0, 0, "Fixed gateway latency added to every response."),
    INT("queue_capacity", "count", "100000", HF_F_MIN | HF_F_MAX, 0, 1e9,
        "Requests queued per function when no container has room; beyond it: queue_full."),
    NUM("timeout_s", "s", "30", POSITIVE, 0, 0, "Longest wait in the queue before failing with timeout."),
    {0},
};
static const struct hf_field metrics_fields[] = {
    NUM("resolution_s", "s", "60", POSITIVE, 0, 0,
        "metrics-server scrape interval; usage is the average over it (a policy preset may change it)."),
    {0},
};

static const struct hf_field sections[] = {
    {"cluster", HF_T_OBJECT, "", "VMs of the cluster model.", NULL, 0, 0, 0, NULL, cluster_fields},
    {"function", HF_T_OBJECT, "", "Every function's container (cluster model).", NULL, 0, 0, 0, NULL,
     function_fields},
    {"gateway", HF_T_OBJECT, "", "The OpenFaaS-like gateway (cluster model).", NULL, 0, 0, 0, NULL, gateway_fields},
    {"metrics", HF_T_OBJECT, "", "The metrics-server (cluster model).", NULL, 0, 0, 0, NULL, metrics_fields},
    {0},
};

static const char *const reads[] = {"cluster", "function", "gateway", "metrics", NULL};

static void *create(struct hf_engine *engine, const json_t *scenario, struct hf_error *err)
{
    struct hf_cluster_config config;
    struct hf_cluster *cluster;
    if (!hf_cluster_config_from_scenario(scenario, &config, err)) {
        hf_cluster_config_fini(&config); /* what it allocated before the error */
        return NULL;
    }
    bool ok = hf_cluster_create(&cluster, engine, &config, err);
    hf_cluster_config_fini(&config);
    return ok ? cluster : NULL;
}

/* The configuration's own checks (e.g. function.isolates with policy hyperfaas), before any run. */
static bool check(const json_t *scenario, struct hf_error *err)
{
    struct hf_cluster_config config;
    bool ok = hf_cluster_config_from_scenario(scenario, &config, err);
    hf_cluster_config_fini(&config);
    return ok;
}

static void destroy(void *c) { hf_cluster_destroy(c); }
static struct hf_platform *platform(void *c) { return hf_cluster_platform(c); }
static struct hf_model_stats *stats(void *c) { return hf_cluster_stats(c); }
static void attach(void *c, const struct hf_policy_type *p, void *state) { hf_cluster_attach_policy(c, p, state); }
static void account(void *c) { hf_cluster_account(c); }
static void fail_all(void *c, enum hf_fail_reason reason) { hf_cluster_fail_all(c, reason); }
static double vm_price_per_hour(void *c) { return hf_cluster_vm_price_per_hour(c); }
static void function_counts(void *c, uint32_t f, struct hf_function_counts *out) { hf_cluster_function_counts(c, f, out); }

const struct hf_backend_type hf_backend_cluster = {
    .name = "cluster",
    .summary = "VMs, containers, cold starts, metrics, gateway",
    .features = HF_PF_PODS | HF_PF_METRIC_RESOLUTION | HF_PF_CONTAINERS | HF_PF_RESIZE | HF_PF_SPECIALIZE |
                HF_PF_RETRY_QUEUED | HF_PF_ROUTING | HF_PF_STOP,
    .sections = sections,
    .reads = reads,
    .create = create,
    .destroy = destroy,
    .platform = platform,
    .stats = stats,
    .arrive = hf_cluster_arrive,
    .attach_policy = attach,
    .account = account,
    .fail_all = fail_all,
    .vm_price_per_hour = vm_price_per_hour,
    .function_counts = function_counts,
    .check = check,
};
