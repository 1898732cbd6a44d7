/* Placement of containers of different shapes (function.shapes): each policy's choice on a hand
 * case, a clear error for a shape no VM can hold, hash and random placement, and a property over
 * random shapes and placements: no VM holds more than its cores and memory, and a container is left
 * pending only when no VM has room for its shape. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "app/scenario.h"
#include "models/cluster/cluster.h"
#include "models/cluster/cluster_scenario.h"
#include "traces/trace_scenario.h"
#include "sim/engine.h"

#define MAX_FUNCTIONS 8
#define VM_CORES 4.0
#define VM_MEMORY 8192.0

struct nodes {
    struct hf_engine engine;
    struct hf_cluster *cluster;
    struct hf_cluster_config config;
    struct hf_function_shape shapes[MAX_FUNCTIONS];
};

static void configure(struct nodes *n, uint32_t vms, uint32_t functions, enum hf_placement placement)
{
    memset(&n->config, 0, sizeof n->config);
    n->config.vm = (struct hf_vm_type){"test.4core", VM_CORES, VM_MEMORY, 0.2};
    n->config.vm_count = vms;
    n->config.placement = placement;
    n->config.registry_mib_per_s = 100;
    n->config.function_count = functions;
    n->config.function = (struct hf_function_spec){.cpu_limit = 1, .cpu_request = 1, .memory_mib = 512,
                                                   .base_memory_mib = 64, .concurrency = 1, .image_mib = 0};
    n->config.routing = HF_ROUTE_ROUND_ROBIN;
    n->config.queue_capacity = 10;
    n->config.timeout = hf_time_from_s(30);
    n->config.metric_resolution = hf_time_from_s(15);
    n->config.shapes = n->shapes;
}

static void start(struct nodes *n, uint64_t seed)
{
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&n->engine, seed, "heap4", &err), "%s", err.message);
    cr_assert(hf_cluster_create(&n->cluster, &n->engine, &n->config, &err), "%s", err.message);
}

static void stop(struct nodes *n)
{
    hf_cluster_destroy(n->cluster);
    hf_engine_fini(&n->engine);
}

static void replicas(struct nodes *n, uint32_t function, uint32_t count)
{
    struct hf_platform *p = hf_cluster_platform(n->cluster);
    cr_assert_eq(hf_platform_set_replicas(p, function, count), count);
}

/* The node of function f's container number `which` (-1: pending). */
static int node_of(struct nodes *n, uint32_t f, uint32_t which)
{
    struct hf_platform *p = hf_cluster_platform(n->cluster);
    struct hf_pod_view v[64];
    uint32_t count = hf_platform_pods(p, f, v, 64);
    cr_assert_lt(which, count);
    return v[which].scheduled ? (int)v[which].node : -1;
}

Test(cluster_nodes, each_placement_picks_its_vm_for_mixed_shapes)
{
    static const struct { enum hf_placement placement; int expected; } cases[] = {
        {HF_PLACE_FIRST_FIT, 0}, {HF_PLACE_BEST_FIT, 0}, {HF_PLACE_SPREAD, 1}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct nodes n;
        configure(&n, 2, 2, cases[i].placement);
        n.shapes[0] = (struct hf_function_shape){4096, 2, 2};
        n.shapes[1] = (struct hf_function_shape){1024, 0.5, 0.5};
        start(&n, 1);
        replicas(&n, 0, 1); /* all VMs empty: every policy takes VM 0 (ties go to the lowest index) */
        cr_assert_eq(node_of(&n, 0, 0), 0);
        replicas(&n, 1, 1);
        cr_assert_eq(node_of(&n, 1, 0), cases[i].expected, "placement %d", cases[i].placement);
        stop(&n);
    }
}

Test(cluster_nodes, best_fit_weighs_memory_as_well_as_cpu)
{
    /* A memory-heavy container on VM 0 (6 GiB, 0.5 core), then a CPU-heavy one (0.5 GiB, 3.5 cores)
     * that fits both VMs. Left after it: VM 0 0 cores and 1.5 GiB (0/4 + 1536/8192 = 0.19), VM 1 0.5
     * cores and 7.5 GiB (0.125 + 0.94 = 1.06). By CPU alone both would look alike after it. */
    for (int spread = 0; spread < 2; spread++) {
        struct nodes n;
        configure(&n, 2, 2, spread ? HF_PLACE_SPREAD : HF_PLACE_BEST_FIT);
        n.shapes[0] = (struct hf_function_shape){6144, 0.5, 0.5};
        n.shapes[1] = (struct hf_function_shape){512, 3.5, 3.5};
        start(&n, 1);
        replicas(&n, 0, 1);
        replicas(&n, 1, 1);
        cr_assert_eq(node_of(&n, 0, 0), 0);
        cr_assert_eq(node_of(&n, 1, 0), spread ? 1 : 0, "best-fit fills VM 0, spread takes VM 1");
        stop(&n);
    }
}

Test(cluster_nodes, a_small_pending_container_is_placed_past_a_large_one)
{
    struct nodes n;
    configure(&n, 1, 2, HF_PLACE_FIRST_FIT);
    n.shapes[0] = (struct hf_function_shape){4096, 3, 3};
    n.shapes[1] = (struct hf_function_shape){1024, 1, 1};
    start(&n, 1);
    replicas(&n, 0, 2); /* the second fits nowhere: pending */
    cr_assert_eq(node_of(&n, 0, 1), -1);
    replicas(&n, 1, 1); /* 1 core, 1 GiB left on the VM: it goes there, past the pending one */
    cr_assert_eq(node_of(&n, 1, 0), 0);
    replicas(&n, 0, 1); /* the pending one goes first when its function shrinks */
    replicas(&n, 1, 2);
    cr_assert_eq(node_of(&n, 1, 1), -1, "all 4 cores reserved: the second small one waits");
    stop(&n);
}

Test(cluster_nodes, a_shape_no_vm_can_hold_is_refused_naming_the_function)
{
    struct nodes n;
    configure(&n, 2, 3, HF_PLACE_FIRST_FIT);
    for (int f = 0; f < 3; f++)
        n.shapes[f] = (struct hf_function_shape){512, 1, 1};
    n.shapes[2].memory_mib = 9000;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&n.engine, 1, "heap4", &err));
    cr_assert_not(hf_cluster_create(&n.cluster, &n.engine, &n.config, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, "function 2"), "%s", err.message);
    hf_engine_fini(&n.engine);
}

Test(cluster_nodes, hash_placement_sends_a_function_home_and_random_is_seeded)
{
    struct nodes n;
    configure(&n, 8, 8, HF_PLACE_HASH);
    for (int f = 0; f < 8; f++)
        n.shapes[f] = (struct hf_function_shape){512, 0.25, 0.25};
    start(&n, 1);
    int homes[8], distinct = 0;
    for (uint32_t f = 0; f < 8; f++) {
        replicas(&n, f, 2);
        homes[f] = node_of(&n, f, 0);
        cr_assert_eq(node_of(&n, f, 1), homes[f], "a function's containers go to its home while it has room");
        bool seen = false;
        for (uint32_t g = 0; g < f; g++)
            seen = seen || homes[g] == homes[f];
        distinct += !seen;
    }
    cr_assert_geq(distinct, 3, "functions spread over their homes (%d distinct VMs of 8)", distinct);
    stop(&n);

    int first[16];
    for (int run = 0; run < 2; run++) {
        configure(&n, 8, 1, HF_PLACE_RANDOM);
        n.shapes[0] = (struct hf_function_shape){512, 0.25, 0.25};
        start(&n, 7);
        replicas(&n, 0, 16);
        int used = 0, per_vm[8] = {0};
        for (uint32_t k = 0; k < 16; k++) {
            int node = node_of(&n, 0, k);
            if (run == 0)
                first[k] = node;
            else
                cr_assert_eq(node, first[k], "same seed, same placement");
            used += per_vm[node]++ == 0;
        }
        cr_assert_geq(used, 4, "random placement used %d VMs of 8 for 16 containers", used);
        stop(&n);
    }
}

/* Random shapes, placements and replica changes; after each change the pod views must show no VM
 * over its cores or memory, and every pending container must fit no VM. 200 scenarios. */
Test(cluster_nodes, property_no_vm_overcommitted_and_pending_only_when_nothing_fits)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int scenario = 0; scenario < 200; scenario++) {
        gsl_rng_set(rng, (unsigned long)scenario + 1);
        struct nodes n;
        uint32_t vms = 1 + (uint32_t)gsl_rng_uniform_int(rng, 6), functions = 1 + (uint32_t)gsl_rng_uniform_int(rng, MAX_FUNCTIONS);
        configure(&n, vms, functions, (enum hf_placement)gsl_rng_uniform_int(rng, 5));
        for (uint32_t f = 0; f < functions; f++) {
            double request = 0.125 * (1 + (double)gsl_rng_uniform_int(rng, 24));
            n.shapes[f] = (struct hf_function_shape){128.0 * (1 + (double)gsl_rng_uniform_int(rng, 48)),
                                                     request + 0.5 * (double)gsl_rng_uniform_int(rng, 2), request};
        }
        start(&n, (uint64_t)scenario + 1);
        struct hf_platform *p = hf_cluster_platform(n.cluster);
        for (int step = 0; step < 30; step++) {
            uint32_t f = (uint32_t)gsl_rng_uniform_int(rng, functions);
            hf_platform_set_replicas(p, f, (uint32_t)gsl_rng_uniform_int(rng, 12));
            hf_engine_run_until(&n.engine, hf_engine_now(&n.engine) + hf_time_from_s(1));
            double cores[6] = {0}, memory[6] = {0};
            struct hf_container_view views[16];
            for (uint32_t g = 0; g < functions; g++) {
                uint32_t count = hf_platform_containers(p, g, views, 16);
                cr_assert_leq(count, 16u);
                for (uint32_t k = 0; k < count; k++) {
                    struct hf_pod_view pod;
                    cr_assert_eq(hf_platform_pods(p, g, &pod, 1) > 0, true);
                    (void)pod;
                }
                struct hf_pod_view pods[16];
                hf_platform_pods(p, g, pods, 16);
                for (uint32_t k = 0; k < count; k++)
                    if (pods[k].scheduled) {
                        cores[pods[k].node] += pods[k].cpu_request_milli / 1000;
                        memory[pods[k].node] += views[k].memory_limit_mib;
                        cr_assert_float_eq(views[k].memory_limit_mib, n.shapes[g].memory_mib, 1e-9);
                    }
            }
            for (uint32_t v = 0; v < vms; v++) {
                cr_assert_leq(cores[v], VM_CORES + 1e-6, "scenario %d: VM %u holds %.3f cores", scenario, v, cores[v]);
                cr_assert_leq(memory[v], VM_MEMORY + 1e-6, "scenario %d: VM %u holds %.0f MiB", scenario, v, memory[v]);
            }
            for (uint32_t g = 0; g < functions; g++) {
                struct hf_pod_view pods[16];
                uint32_t count = hf_platform_pods(p, g, pods, 16);
                for (uint32_t k = 0; k < count; k++)
                    for (uint32_t v = 0; !pods[k].scheduled && v < vms; v++)
                        cr_assert(VM_CORES - cores[v] + 1e-9 < n.shapes[g].cpu_request ||
                                      VM_MEMORY - memory[v] + 1e-9 < n.shapes[g].memory_mib,
                                  "scenario %d: a container of function %u is pending while VM %u has room",
                                  scenario, g, v);
            }
        }
        stop(&n);
    }
    gsl_rng_free(rng);
}

/* cluster.hosts: VMs of several types, group after group. A shape only the large type holds goes
 * there; the cost is each VM's price over its time (the summary's mean price times vm_seconds). */
Test(cluster_nodes, host_groups_of_several_types)
{
    struct nodes n;
    configure(&n, 0, 2, HF_PLACE_FIRST_FIT);
    const struct hf_vm_group groups[] = {{{"small", 2, 4096, 0.1}, 2}, {{"large", 16, 65536, 1.0}, 1}};
    n.config.groups = groups;
    n.config.group_count = 2;
    n.config.vm_count = 3;
    n.shapes[0] = (struct hf_function_shape){1024, 1, 1};
    n.shapes[1] = (struct hf_function_shape){8192, 4, 4}; /* only "large" holds it */
    start(&n, 1);
    replicas(&n, 1, 2);
    cr_assert_eq(node_of(&n, 1, 0), 2);
    cr_assert_eq(node_of(&n, 1, 1), 2);
    replicas(&n, 0, 5); /* 2 + 2 on the small VMs, then the large one */
    const int expected[] = {0, 0, 1, 1, 2};
    for (uint32_t k = 0; k < 5; k++)
        cr_assert_eq(node_of(&n, 0, k), expected[k], "container %u", k);
    hf_engine_run_until(&n.engine, hf_time_from_s(3600));
    hf_cluster_account(n.cluster);
    double vm_seconds = hf_cluster_stats(n.cluster)->vm_seconds;
    cr_assert_float_eq(vm_seconds, 3 * 3600.0, 1e-6);
    cr_assert_float_eq(hf_cluster_vm_price_per_hour(n.cluster) * vm_seconds / 3600, 0.1 + 0.1 + 1.0, 1e-9,
                       "the cost of an hour of the three VMs");
    stop(&n);
}

Test(cluster_nodes, host_groups_from_the_scenario_and_their_errors)
{
    static const struct { const char *hosts, *expected; } cases[] = {
        {"cluster.hosts=[{\"type\": \"m5.large\", \"count\": 2}, {\"vcpu\": 8, \"memory_gib\": 32, \"count\": 3}]", NULL},
        {"cluster.hosts=[{\"count\": 2}]", "$.cluster.hosts[0]: give a type or both vcpu and memory_gib"},
        {"cluster.hosts=[{\"type\": \"m9.huge\"}]", "unknown \"m9.huge\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *sets[] = {"model=\"cluster\"", cases[i].hosts};
        struct hf_error err = {0};
        json_t *s = hf_scenario_load(NULL, sets, 2, &err);
        cr_assert_not_null(s, "%s", err.message);
        struct hf_cluster_config config;
        bool ok = hf_cluster_config_from_scenario(s, &config, &err);
        if (cases[i].expected) {
            cr_assert_not(ok, "case %zu accepted", i);
            cr_assert(strstr(err.message, cases[i].expected), "case %zu: %s", i, err.message);
        } else {
            cr_assert(ok, "%s", err.message);
            cr_assert_eq(config.vm_count, 5);
            cr_assert_eq(config.group_count, 2);
            cr_assert_float_eq(config.groups[1].type.memory_mib, 32 * 1024.0, 1e-9);
            cr_assert_float_eq(config.groups[0].type.cores, 2, 1e-9, "m5.large from the catalog");
        }
        hf_cluster_config_fini(&config);
        json_decref(s);
    }
    const char *sets[] = {"model=\"cluster\"", "cluster.hosts=[{\"type\": \"m5.large\"}]", "cluster.autoscaling.enabled=true"};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, 3, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_cluster_config config;
    cr_assert_not(hf_cluster_config_from_scenario(s, &config, &err));
    cr_assert(strstr(err.message, "not with cluster.hosts"), "%s", err.message);
    hf_cluster_config_fini(&config);
    json_decref(s);
}

/* With per-function shapes the one shape's fields are not used, so they are not checked: a base
 * memory above function.memory_mib, or a request above function.cpu_limit, is fine when every
 * function's own shape holds it. */
Test(cluster_nodes, the_default_shape_is_not_checked_when_every_function_has_its_own)
{
    const char *sets[] = {"model=\"cluster\"", "workload.functions=2", "function.base_memory_mib=600",
                          "function.cpu_request=2", "function.cpu_limit=1",
                          "function.overrides=[{\"match\": \"*\", \"memory_mib\": 1024, \"cpu_limit\": 2}]"};
    struct hf_error err = {0};
    json_t *given = hf_scenario_load(NULL, sets, 6, &err);
    cr_assert_not_null(given, "%s", err.message);
    struct hf_trace *trace;
    json_t *s = hf_trace_open_scenario(given, &trace, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_cluster_config config;
    cr_assert(hf_cluster_config_from_scenario(s, &config, &err), "%s", err.message);
    cr_assert_float_eq(config.shapes[1].memory_mib, 1024, 1e-9);
    cr_assert_float_eq(config.shapes[1].cpu_request, 2, 1e-9);
    hf_cluster_config_fini(&config);
    json_decref(s);
    json_decref(given);
}
