/* Per-function shapes resolved into function.shapes: overrides by glob in order, CPU in proportion to
 * memory, memory from the Azure 2019 memory file at a percentile, the errors, and a run whose memory
 * integral follows the shapes. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "support/run_summary.h"
#include "traces/function_shapes.h"
#include "traces/trace_scenario.h"

#define SAMPLE HFSIM_SOURCE_DIR "/traces/samples/azure2019/invocations_per_function_md.anon.d01.csv"

/* The scenario as a run would use it; NULL with err set when refused. */
static json_t *resolve(const char *const *sets, size_t count, struct hf_trace **trace, struct hf_error *err)
{
    json_t *s = hf_scenario_load(NULL, sets, count, err);
    cr_assert_not_null(s, "%s", err->message);
    json_t *effective = hf_trace_open_scenario(s, trace, err);
    json_decref(s);
    return effective;
}

static double shape_at(const json_t *s, uint32_t f, const char *key)
{
    char path[64];
    snprintf(path, sizeof path, "function.shapes.%u.%s", f, key);
    return hf_json_number_at(s, path);
}

Test(function_shapes, overrides_apply_in_order_to_the_functions_they_match)
{
    const char *sets[] = {"model=\"cluster\"", "workload.functions=4", "function.memory_mib=512",
                          "function.overrides=[{\"match\": \"f[12]\", \"memory_mib\": 1024}, "
                          "{\"match\": \"f2\", \"cpu_limit\": 2, \"memory_mib\": 3072}]"};
    struct hf_trace *trace;
    struct hf_error err = {0};
    json_t *s = resolve(sets, 4, &trace, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_eq(json_array_size(hf_json_at(s, "function.shapes")), 4);
    const double memory[] = {512, 1024, 3072, 512}, limit[] = {1, 1, 2, 1};
    for (uint32_t f = 0; f < 4; f++) {
        cr_assert_float_eq(shape_at(s, f, "memory_mib"), memory[f], 1e-9, "f%u", f);
        cr_assert_float_eq(shape_at(s, f, "cpu_limit"), limit[f], 1e-9, "f%u", f);
        cr_assert_float_eq(shape_at(s, f, "cpu_request"), 1, 1e-9, "f%u", f);
    }
    json_decref(s);
}

Test(function_shapes, nothing_asked_leaves_one_shape_for_all)
{
    const char *sets[] = {"model=\"cluster\"", "workload.functions=3"};
    struct hf_trace *trace;
    struct hf_error err = {0};
    json_t *s = resolve(sets, 2, &trace, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_eq(json_array_size(hf_json_at(s, "function.shapes")), 0);
    json_decref(s);
}

Test(function_shapes, cpu_follows_memory_when_asked)
{
    const char *sets[] = {"model=\"cluster\"", "workload.functions=3", "function.cpu_per_gib=0.5",
                          "function.overrides=[{\"match\": \"f[12]\", \"memory_mib\": 4096}, "
                          "{\"match\": \"f2\", \"cpu_limit\": 3}]"};
    struct hf_trace *trace;
    struct hf_error err = {0};
    json_t *s = resolve(sets, 4, &trace, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_float_eq(shape_at(s, 0, "cpu_limit"), 0.25, 1e-9, "512 MiB x 0.5 per GiB");
    /* CPU follows the overridden memory: 4 GiB x 0.5 ... */
    cr_assert_float_eq(shape_at(s, 1, "cpu_limit"), 2, 1e-9);
    cr_assert_float_eq(shape_at(s, 1, "cpu_request"), 2, 1e-9);
    cr_assert_float_eq(shape_at(s, 1, "memory_mib"), 4096, 1e-9);
    /* ... except where an override gives the CPU: f2's limit 3, its request from the default. */
    cr_assert_float_eq(shape_at(s, 2, "cpu_limit"), 3, 1e-9);
    cr_assert_float_eq(shape_at(s, 2, "cpu_request"), 1, 1e-9);
    json_decref(s);
}

Test(function_shapes, bad_shapes_are_refused_naming_the_field)
{
    static const struct { const char *set, *expected; } cases[] = {
        {"function.overrides=[{\"match\": \"nope*\", \"memory_mib\": 64}]", "$.function.overrides[0]: \"nope*\" matches no function"},
        {"function.overrides=[{\"match\": \"f0\", \"cpu_request\": 4}]", "$.function.shapes[0]: cpu_request 4 cores is above cpu_limit 1"},
        {"function.overrides=[{\"match\": \"f1\", \"memory_mib\": 100}]", "$.function.shapes[1]: memory_mib 100 leaves no memory"},
        {"function.shapes=[{\"memory_mib\": 512, \"cpu_limit\": 1, \"cpu_request\": 1}]", "$.function.shapes: 1 shapes for 2 functions"},
        {"function.memory_percentile=50", "$.function.memory_percentile: there is no trace"},
        {"function.memory_percentile=-0.5", "$.function.memory_percentile: -0.5: give -1 (off) or 0 to 100"},
        {"function.overrides=[{\"match\": \"f1\"}]", "$.function.overrides[0]: sets nothing"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const char *sets[] = {"model=\"cluster\"", "workload.functions=2", cases[i].set};
        struct hf_trace *trace;
        struct hf_error err = {0};
        json_t *s = resolve(sets, 3, &trace, &err);
        cr_assert_null(s, "case %zu accepted", i);
        cr_assert_null(trace);
        cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
        cr_assert(strstr(err.message, cases[i].expected), "case %zu: %s", i, err.message);
    }
}

/* Each function's memory is base + its share of its app's memory at the percentile: the app of the
 * first replayed function, its AverageAllocatedMb_pct50 read here from the sample's memory file,
 * divided among the app's functions in the invocations file. */
/* Rows of the sample's invocations file that belong to the app (the memory is split among them). */
static unsigned functions_in_file(const char *owner_app_comma)
{
    FILE *f = fopen(SAMPLE, "r");
    cr_assert_not_null(f);
    char line[8192];
    unsigned count = 0;
    while (fgets(line, sizeof line, f))
        count += strncmp(line, owner_app_comma, strlen(owner_app_comma)) == 0;
    fclose(f);
    return count;
}

static double app_p50_mb(const char *owner_app_comma)
{
    FILE *f = fopen(HFSIM_SOURCE_DIR "/traces/samples/azure2019/app_memory_percentiles.anon.d01.csv", "r");
    cr_assert_not_null(f);
    char line[1024];
    double p50 = -1;
    while (fgets(line, sizeof line, f))
        if (strncmp(line, owner_app_comma, strlen(owner_app_comma)) == 0) {
            char *field = line;
            for (int column = 0; column < 7; column++)
                field = strchr(field, ',') + 1;
            p50 = atof(field);
        }
    fclose(f);
    cr_assert_geq(p50, 0, "no memory row for %s", owner_app_comma);
    return p50;
}

Test(function_shapes, memory_comes_from_the_azure_2019_memory_file)
{
    const char *sets[] = {"model=\"cluster\"", "trace.format=\"azure2019\"", "trace.path=\"" SAMPLE "\"",
                          "function.memory_percentile=50", "function.base_memory_mib=64"};
    struct hf_trace *trace;
    struct hf_error err = {0};
    json_t *s = resolve(sets, 5, &trace, &err);
    cr_assert_not_null(s, "%s", err.message);
    char app[200];
    snprintf(app, sizeof app, "%s", hf_trace_function_name(trace, 0));
    *strrchr(app, '/') = '\0';
    uint32_t n = hf_trace_function_count(trace);
    char key[sizeof app + 1];
    snprintf(key, sizeof key, "%s,", app);
    *strchr(key, '/') = ',';
    unsigned in_app = functions_in_file(key);
    cr_assert_float_eq(shape_at(s, 0, "memory_mib"), 64 + ceil(app_p50_mb(key) / in_app), 1e-9,
                       "%u functions in the app", in_app);
    double smallest = INFINITY, largest = 0;
    for (uint32_t f = 0; f < n; f++) {
        smallest = fmin(smallest, shape_at(s, f, "memory_mib"));
        largest = fmax(largest, shape_at(s, f, "memory_mib"));
    }
    cr_assert_lt(smallest, largest, "shapes differ between functions");
    hf_trace_close(trace);
    json_decref(s);
}

/* Two functions with one container each for the whole run, 1 GiB and 3 GiB: the memory integral is
 * 4 GiB x the run's time, and wasted memory (no requests) all of it. */
Test(function_shapes, a_run_allocates_each_function_its_own_memory)
{
    char base[] = "/tmp/hfsim-test-shapes-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char out[128];
    snprintf(out, sizeof out, "%s/run", base);
    const char *sets[] = {"model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=1", "workload.functions=2",
                          "workload.rate_per_s=0", "workload.bursts=[]", "duration_s=100", "drain_s=0",
                          "function.image_mib=0", "cluster.vms=2",
                          "function.overrides=[{\"match\": \"f0\", \"memory_mib\": 1024}, "
                          "{\"match\": \"f1\", \"memory_mib\": 3072}]"};
    json_t *summary = run_summary(out, sets, sizeof sets / sizeof sets[0]);
    double simulated = hf_json_number_at(summary, "simulated_s");
    cr_assert_float_eq(hf_json_number_at(summary, "memory_gb_s"), 4 * simulated, 1e-6);
    /* Ready after their cold starts: idle from then on. */
    double wasted = hf_json_number_at(summary, "wasted_memory_gb_s");
    cr_assert(wasted > 3.5 * simulated && wasted < 4 * simulated, "wasted %.3f of %.3f GiB-s", wasted, 4 * simulated);
    json_decref(summary);
    hf_remove_tree(base);
}

/* Resolving twice gives the same shapes (a run of config.json), and shapes recorded with names follow
 * their functions when another sample puts them at other indices. */
Test(function_shapes, resolved_shapes_resolve_again_to_themselves_and_follow_names)
{
    const char *sets[] = {"model=\"cluster\"", "workload.functions=3", "function.cpu_per_gib=1",
                          "function.overrides=[{\"match\": \"f0\", \"memory_mib\": 2048}]"};
    struct hf_trace *trace;
    struct hf_error err = {0};
    json_t *once = resolve(sets, 4, &trace, &err);
    cr_assert_not_null(once, "%s", err.message);
    json_t *twice = json_deep_copy(once);
    cr_assert(hf_function_shapes_resolve(twice, NULL, &err), "%s", err.message);
    cr_assert(json_equal(hf_json_at(once, "function.shapes"), hf_json_at(twice, "function.shapes")));
    cr_assert_str_eq(hf_json_string_at(once, "function.shapes.0.name"), "f0");
    /* Shapes by name, in another order, and one function without a recorded shape. */
    json_t *named = json_deep_copy(once);
    json_t *function = json_object_get(named, "function");
    json_object_set_new(function, "shapes",
                        json_pack("[{s:s, s:f, s:f, s:f}, {s:s, s:f, s:f, s:f}]", "name", "f2", "memory_mib", 700.0,
                                  "cpu_limit", 0.5, "cpu_request", 0.5, "name", "f0", "memory_mib", 900.0, "cpu_limit",
                                  0.7, "cpu_request", 0.7));
    json_object_set_new(function, "overrides", json_array());
    json_object_set_new(function, "cpu_per_gib", json_real(0));
    cr_assert(hf_function_shapes_resolve(named, NULL, &err), "%s", err.message);
    cr_assert_float_eq(shape_at(named, 0, "memory_mib"), 900, 1e-9);
    cr_assert_float_eq(shape_at(named, 1, "memory_mib"), 512, 1e-9, "f1 has none recorded: the default");
    cr_assert_float_eq(shape_at(named, 2, "memory_mib"), 700, 1e-9);
    json_decref(once);
    json_decref(twice);
    json_decref(named);
}
