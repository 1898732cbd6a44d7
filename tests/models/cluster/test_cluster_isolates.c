/* Hydra runtimes end to end (models/cluster/cluster_isolates.c): the shipped Azure sample replayed
 * per app with isolates against a container per function with the same runtime and isolate sizes;
 * every function gets an isolate, runtimes are shared, the same seed gives the same summary, and
 * the refusals name what to change. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/scenario.h"
#include "models/cluster/cluster_scenario.h"
#include "sim/schema.h"
#include "support/run_summary.h"

#define SAMPLE HFSIM_SOURCE_DIR "/traces/samples/azure2019/invocations_per_function_md.anon.d01.csv"

static char dir[] = "/tmp/hfsim-test-isolates-XXXXXX";

static void setup(void) { cr_assert_not_null(mkdtemp(dir)); }
static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

static json_t *replay(const char *name, const char *unit)
{
    char out[256], set_unit[64];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    snprintf(set_unit, sizeof set_unit, "trace.unit=\"%s\"", unit);
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"keepalive\"", "trace.format=\"azure2019\"", "trace.path=\"" SAMPLE "\"",
        set_unit, "cluster.instance_type=\"m5.xlarge\"", "cluster.vms=60", "function.memory_mib=384",
        "function.cpu_request=0.25", "function.concurrency=1", "function.isolates.enabled=true",
        "function.isolates.runtime_memory_mib=128", "function.isolates.isolate_memory_mib=16",
        "function.isolates.max_isolates=16", "keepalive.keep_alive_s=600", "drain_s=600",
    };
    return run_summary(out, sets, sizeof sets / sizeof sets[0]);
}

Test(cluster_isolates, runtimes_per_app_share_and_start_an_isolate_per_function, .init = setup, .fini = teardown)
{
    json_t *per_function = replay("function", "function"), *per_app = replay("app", "app");
    json_int_t functions = hf_json_int_at(per_app, "trace.functions");
    json_int_t app_runtimes = hf_json_int_at(per_app, "isolates.runtime_cold_starts");
    json_int_t function_runtimes = hf_json_int_at(per_function, "isolates.runtime_cold_starts");
    cr_assert_geq(hf_json_int_at(per_app, "isolates.isolate_starts"), functions,
                  "every replayed function started an isolate at least once");
    /* A runtime of one function starts its one isolate once at most (a few serve no request: those
     * started for a request that failed OOM); the isolate keep-alive equals the runtime's. */
    cr_assert_leq(hf_json_int_at(per_function, "isolates.isolate_starts"), function_runtimes);
    cr_assert_geq(hf_json_int_at(per_function, "isolates.isolate_starts"), function_runtimes * 95 / 100);
    cr_assert_lt(app_runtimes, function_runtimes, "an app's functions share runtimes: %lld against %lld",
                 (long long)app_runtimes, (long long)function_runtimes);
    /* Memory is not compared: on this sample, with one request per runtime, a shared runtime gathers
     * isolates of several functions and holds more than a runtime of one (docs/results.md). */
    cr_assert_str_eq(hf_json_string_at(per_app, "requests.conservation"), "ok");
    cr_assert_eq(hf_json_int_at(per_app, "requests.arrived"), hf_json_int_at(per_function, "requests.arrived"));
    /* Determinism: the same run again, the same summary. */
    json_t *again = replay("app-again", "app");
    json_object_del(again, "perf");
    json_object_del(per_app, "perf");
    char *a = json_dumps(per_app, JSON_SORT_KEYS), *b = json_dumps(again, JSON_SORT_KEYS);
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    json_decref(again);
    json_decref(per_function);
    json_decref(per_app);
}

static void expect_refusal(const char *const *sets, size_t count, const char *words)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, count, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_cluster_config config;
    cr_assert(!hf_cluster_config_from_scenario(s, &config, &err), "refused: %s", words);
    cr_assert(strstr(err.message, words), "%s", err.message);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    json_decref(s);
}

Test(cluster_isolates, refusals_name_the_conflict)
{
    const char *hyperfaas[] = {"model=\"cluster\"", "policy=\"hyperfaas\"", "function.isolates.enabled=true",
                               "function.memory_mib=1024", "function.isolates.max_isolates=8"};
    expect_refusal(hyperfaas, 5, "does not provide the generic second worker");
    const char *few[] = {"model=\"cluster\"", "function.isolates.enabled=true", "function.concurrency=8",
                         "function.isolates.max_isolates=4", "function.memory_mib=1024"};
    expect_refusal(few, 5, "max_isolates: 4 is below function.concurrency 8");
    const char *small[] = {"model=\"cluster\"", "function.isolates.enabled=true", "function.memory_mib=256",
                           "function.isolates.max_isolates=64"};
    expect_refusal(small, 4, "above function.memory_mib 256");
}
