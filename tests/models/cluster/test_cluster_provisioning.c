/* FaaSNet provisioning end to end (scenarios/faasnet-provision.json, scaled down): the function tree
 * reads the image from the registry once and is ready far sooner than registry pulls that share
 * the registry, the figures land in summary.json, and the same seed gives the same summary. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/schema.h"
#include "support/run_summary.h"

static char dir[] = "/tmp/hfsim-test-provisioning-XXXXXX";

static void setup(void) { cr_assert_not_null(mkdtemp(dir)); }
static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static json_t *provision(const char *name, const char *mode)
{
    char out[256], set_mode[64];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    snprintf(set_mode, sizeof set_mode, "cluster.provisioning=\"%s\"", mode);
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=100", "cluster.instance_type=\"m5.2xlarge\"",
        "cluster.vms=40", "cluster.placement=\"spread\"", set_mode, "cluster.registry_mib_per_s=119",
        "cluster.upload_mib_per_s=119", "cluster.registry_total_mib_per_s=1192", "function.cpu_request=0.1",
        "function.memory_mib=256", "function.image_mib=700", "function.image_start_fraction=0.064",
        "workload.rate_per_s=1", "workload.functions=1", "workload.bursts=[]", "duration_s=300", "drain_s=60",
    };
    return run_summary(out, sets, sizeof sets / sizeof sets[0]);
}

Test(cluster_provisioning, a_tree_reads_the_registry_once_and_is_ready_sooner, .init = setup, .fini = teardown)
{
    json_t *registry = provision("registry", "registry"), *tree = provision("tree", "function-tree");
    cr_assert_float_eq(hf_json_number_at(registry, "images.registry_mib"), 40 * 700.0, 1e-6, "every VM pulls");
    cr_assert_float_eq(hf_json_number_at(tree, "images.registry_mib"), 700.0, 1e-6, "the root alone");
    cr_assert_float_eq(hf_json_number_at(tree, "images.peer_mib"), 39 * 700.0, 1e-6);
    cr_assert_eq(hf_json_int_at(tree, "images.fetches"), 40);
    double r = hf_json_number_at(registry, "images.last_container_ready_s");
    double t = hf_json_number_at(tree, "images.last_container_ready_s");
    /* Registry: 40 x 44.8 MiB (6.4 %) at 1,192 MiB/s shared, plus the rest competing: > 1.5 s. Tree:
     * 44.8 MiB at half an upload (59.5 MiB/s) plus a block per level: ~0.85 s, then the stages. */
    cr_assert_lt(t, r, "tree %.3f s, registry %.3f s", t, r);
    cr_assert_eq(hf_json_int_at(tree, "cold_starts"), 100);
    json_t *again = provision("tree-again", "function-tree");
    json_object_del(again, "perf");
    json_object_del(tree, "perf");
    char *a = json_dumps(tree, JSON_SORT_KEYS), *b = json_dumps(again, JSON_SORT_KEYS);
    cr_assert_str_eq(a, b, "the same seed, the same summary");
    free(a);
    free(b);
    json_decref(again);
    json_decref(registry);
    json_decref(tree);
}
