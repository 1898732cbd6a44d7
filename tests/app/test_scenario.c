#define _XOPEN_SOURCE 700 /* realpath */
/* Scenario validation: every kind of error names the file and the JSON path, and a good file
 * resolves with every default filled in. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "app/scenario.h"

static char path[64];

static void write_scenario(const char *text)
{
    strcpy(path, "/tmp/hfsim-test-scenario-XXXXXX");
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
}

static void expect_error(const char *text, enum hf_exit code, const char *needle)
{
    write_scenario(text);
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(path, NULL, 0, &err);
    unlink(path);
    cr_assert_null(s, "accepted: %s", text);
    cr_assert_eq(err.code, code, "exit code %d for: %s (%s)", err.code, text, err.message);
    cr_assert(strstr(err.message, path) == err.message, "message does not start with the file: %s",
              err.message);
    cr_assert(strstr(err.message, needle), "message \"%s\" lacks \"%s\"", err.message, needle);
}

Test(scenario, embedded_default_resolves_with_defaults)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_str_eq(hf_json_string_at(s, "name"), "default");
    cr_assert_str_eq(hf_json_string_at(s, "engine.queue"), "heap4"); /* a default filled in */
    cr_assert(json_is_real(hf_json_at(s, "duration_s")));              /* numbers resolved as real */
    json_decref(s);
}

Test(scenario, empty_object_is_a_complete_scenario)
{
    write_scenario("{}");
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(path, NULL, 0, &err);
    unlink(path);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_eq(hf_json_int_at(s, "seed"), 1);
    cr_assert_float_eq(hf_json_number_at(s, "outputs.interval_s"), 1.0, 1e-12);
    cr_assert_eq(hf_json_int_at(s, "fixed.replicas"), 4);
    json_decref(s);
}

Test(scenario, syntax_error_names_file_line_and_column)
{
    expect_error("{\n  \"seed\": 1,\n  \"duration_s\": ,\n}", HF_EXIT_BAD_INPUT, ":3:");
}

Test(scenario, missing_file_is_bad_input)
{
    struct hf_error err = {0};
    cr_assert_null(hf_scenario_load("/nonexistent/x.json", NULL, 0, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, "/nonexistent/x.json"));
}

Test(scenario, duplicate_key_is_rejected) { expect_error("{\"seed\": 1, \"seed\": 2}", HF_EXIT_BAD_INPUT, "duplicate"); }
Test(scenario, top_level_must_be_an_object) { expect_error("[1, 2]", HF_EXIT_BAD_INPUT, "expected an object"); }
Test(scenario, unknown_top_level_key) { expect_error("{\"sed\": 1}", HF_EXIT_BAD_INPUT, "$: unknown key \"sed\""); }
Test(scenario, unknown_nested_key) { expect_error("{\"station\": {\"server\": 4}}", HF_EXIT_BAD_INPUT, "$.station: unknown key \"server\""); }
Test(scenario, unknown_key_inside_array_item)
{
    expect_error("{\"workload\": {\"bursts\": [{\"start_s\": 1, \"duration_s\": 2, \"rate_per_s\": 3, \"x\": 1}]}}",
                 HF_EXIT_BAD_INPUT, "$.workload.bursts[0]: unknown key \"x\"");
}
Test(scenario, integer_expected) { expect_error("{\"seed\": 1.5}", HF_EXIT_BAD_INPUT, "$.seed: expected an integer, got number"); }
Test(scenario, number_expected) { expect_error("{\"duration_s\": \"10\"}", HF_EXIT_BAD_INPUT, "$.duration_s: expected a number, got string"); }
Test(scenario, boolean_expected) { expect_error("{\"outputs\": {\"requests_csv\": 1}}", HF_EXIT_BAD_INPUT, "$.outputs.requests_csv: expected true or false"); }
Test(scenario, string_expected) { expect_error("{\"name\": 7}", HF_EXIT_BAD_INPUT, "$.name: expected a string, got integer"); }
Test(scenario, object_expected) { expect_error("{\"station\": 4}", HF_EXIT_BAD_INPUT, "$.station: expected an object, got integer"); }
Test(scenario, array_expected) { expect_error("{\"workload\": {\"bursts\": {}}}", HF_EXIT_BAD_INPUT, "$.workload.bursts: expected an array, got object"); }
Test(scenario, below_minimum) { expect_error("{\"station\": {\"servers\": 0}}", HF_EXIT_BAD_INPUT, "$.station.servers: must be >= 1 (got 0)"); }
Test(scenario, exclusive_minimum) { expect_error("{\"duration_s\": 0}", HF_EXIT_BAD_INPUT, "$.duration_s: must be > 0"); }
Test(scenario, above_maximum) { expect_error("{\"workload\": {\"service\": {\"cv\": 1000}}}", HF_EXIT_BAD_INPUT, "$.workload.service.cv: must be <= 100"); }
Test(scenario, negative_seed) { expect_error("{\"seed\": -1}", HF_EXIT_BAD_INPUT, "$.seed: must be >= 0"); }
Test(scenario, enum_value_not_listed) { expect_error("{\"policy\": \"magic\"}", HF_EXIT_BAD_INPUT, "$.policy: \"magic\" is not one of: fixed"); }
Test(scenario, required_field_missing)
{
    expect_error("{\"workload\": {\"bursts\": [{\"start_s\": 1, \"rate_per_s\": 3}]}}", HF_EXIT_BAD_INPUT,
                 "$.workload.bursts[0].duration_s: missing");
}
Test(scenario, bad_name_for_a_directory) { expect_error("{\"name\": \"../etc\"}", HF_EXIT_BAD_INPUT, "$.name"); }
Test(scenario, policy_parameters_are_validated) { expect_error("{\"fixed\": {\"replicas\": -2}}", HF_EXIT_BAD_INPUT, "$.fixed.replicas: must be >= 0"); }

Test(scenario, overrides_apply_in_order_and_create_objects)
{
    const char *sets[] = {"station.servers=32", "seed=9", "name=\"sweep-a\"", "workload.arrival=uniform",
                          "seed=10"};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, 5, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_eq(hf_json_int_at(s, "station.servers"), 32);
    cr_assert_eq(hf_json_int_at(s, "seed"), 10);
    cr_assert_str_eq(hf_json_string_at(s, "name"), "sweep-a");
    cr_assert_str_eq(hf_json_string_at(s, "workload.arrival"), "uniform");
    json_decref(s);
    const char *into_array[] = {"workload.bursts.0.rate_per_s=500"};
    s = hf_scenario_load(NULL, into_array, 1, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_float_eq(hf_json_number_at(s, "workload.bursts.0.rate_per_s"), 500.0, 1e-9);
    json_decref(s);
}

static void expect_override_error(const char *set, enum hf_exit code, const char *needle)
{
    struct hf_error err = {0};
    const char *sets[] = {set};
    cr_assert_null(hf_scenario_load(NULL, sets, 1, &err), "accepted --set %s", set);
    cr_assert_eq(err.code, code, "--set %s: code %d (%s)", set, err.code, err.message);
    cr_assert(strstr(err.message, "--set"), "%s", err.message);
    cr_assert(strstr(err.message, needle), "message \"%s\" lacks \"%s\"", err.message, needle);
}

Test(scenario, bad_overrides_name_the_override)
{
    expect_override_error("station.servers=lots", HF_EXIT_BAD_INPUT, "$.station.servers: expected an integer, got string");
    expect_override_error("station.nodes=3", HF_EXIT_BAD_INPUT, "unknown key \"nodes\"");
    expect_override_error("noequals", HF_EXIT_USAGE, "PATH=VALUE");
    expect_override_error("=5", HF_EXIT_USAGE, "PATH=VALUE");
    expect_override_error("workload.bursts.7.rate_per_s=1", HF_EXIT_USAGE, "not an index");
    expect_override_error("seed.x=1", HF_EXIT_USAGE, "not an object or array");
}

/* Overrides are applied in order but checked together: a pair that is only valid as a whole works
 * in either order, and an error still names the override it is about. */
Test(scenario, overrides_are_checked_together_so_order_does_not_matter)
{
    const char *forward[] = {"workload.service.dist=empirical", "workload.service.samples_ms=[1,2,3]"};
    const char *backward[] = {"workload.service.samples_ms=[1,2,3]", "workload.service.dist=empirical"};
    struct hf_error err = {0};
    json_t *a = hf_scenario_load(NULL, forward, 2, &err);
    cr_assert_not_null(a, "%s", err.message);
    json_t *b = hf_scenario_load(NULL, backward, 2, &err);
    cr_assert_not_null(b, "%s", err.message);
    cr_assert(json_equal(a, b));
    json_decref(a);
    json_decref(b);
    const char *one_bad[] = {"seed=3", "station.servers=0", "workload.rate_per_s=5"};
    cr_assert_null(hf_scenario_load(NULL, one_bad, 3, &err));
    cr_assert(strstr(err.message, "--set station.servers=0: $.station.servers: must be >= 1"), "%s", err.message);
}

/* A relative trace path in a scenario file is found beside the file, whatever the working directory;
 * one given by --set stays relative to the working directory. */
Test(scenario, a_relative_trace_path_in_a_file_is_beside_the_file)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(HFSIM_SOURCE_DIR "/scenarios/azure-apps.json", NULL, 0, &err);
    cr_assert_not_null(s, "%s", err.message);
    char *scenarios = realpath(HFSIM_SOURCE_DIR "/scenarios", NULL);
    cr_assert_not_null(scenarios);
    char expected[PATH_MAX + 128];
    snprintf(expected, sizeof expected, "%s/../traces/samples/azure2019/invocations_per_function_md.anon.d01.csv",
             scenarios);
    free(scenarios);
    cr_assert_str_eq(hf_json_string_at(s, "trace.path"), expected, "absolute, beside the file");
    json_decref(s);
    const char *sets[] = {"trace.path=\"here.csv\""};
    s = hf_scenario_load(HFSIM_SOURCE_DIR "/scenarios/azure-apps.json", sets, 1, &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_str_eq(hf_json_string_at(s, "trace.path"), "here.csv");
    json_decref(s);
}
