/* Mutation fuzzing of the scenario parser, seeded and bounded so it runs in every CI build (under
 * ASan/UBSan there too): thousands of corrupted variants of valid scenarios must each either
 * resolve or fail with exit code 3 (or 2 for malformed overrides) and a message, never crash. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/scenario.h"
#include "sim/rng.h"
#include "support/json_mutate.h"

Test(scenario_fuzz, corrupted_scenarios_fail_cleanly)
{
    /* The shipped cluster scenario too, so the cluster, function, gateway and hpa sections are hit. */
    static char figure1[8192];
    FILE *f = fopen(HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json", "r");
    cr_assert_not_null(f);
    figure1[fread(figure1, 1, sizeof figure1 - 1, f)] = '\0';
    fclose(f);
    const char *seeds[] = {
        hf_scenario_default_text(),
        "{\"workload\": {\"bursts\": [{\"start_s\": 1, \"duration_s\": 2, \"rate_per_s\": 3}]},"
        " \"station\": {\"servers\": 3}, \"fixed\": {\"replicas\": 2}, \"seed\": 4}",
        figure1,
        "{\"model\": \"cluster\", \"function\": {\"cold_start\": {\"sandbox\": {\"dist\": \"empirical\","
        " \"samples_ms\": [1, 2]}}}, \"cluster\": {\"autoscaling\": {\"enabled\": true}}}",
    };
    gsl_rng *rng = hf_rng_stream(2026, "fuzz-scenario");
    static char buf[8192];
    int accepted = 0, rejected = 0;
    for (int i = 0; i < 6000; i++) {
        size_t len = hf_test_json_mutate(rng, seeds[i % 4], buf, sizeof buf);
        struct hf_error err = {0};
        json_t *s = hf_scenario_parse(buf, len, "fuzz.json", NULL, 0, &err);
        if (s) {
            accepted++;
            json_decref(s);
        } else {
            rejected++;
            cr_assert_eq(err.code, HF_EXIT_BAD_INPUT, "case %d: code %d: %s", i, err.code, err.message);
            cr_assert(strncmp(err.message, "fuzz.json", 9) == 0, "case %d: %s", i, err.message);
        }
    }
    cr_assert_gt(rejected, 1000);
    cr_assert_gt(accepted, 10); /* some mutations land in strings or keep the document valid */
    gsl_rng_free(rng);
}

Test(scenario_fuzz, random_overrides_fail_cleanly)
{
    gsl_rng *rng = hf_rng_stream(7, "fuzz-overrides");
    const char *paths[] = {"seed", "station.servers", "workload.bursts.0.rate_per_s", "workload", "x.y.z",
                           "", ".", "fixed.replicas", "workload.bursts.9", "outputs.interval_s"};
    const char *values[] = {"1", "-1", "abc", "{}", "[]", "null", "1e999", "\"", "[{\"start_s\":1}]", ""};
    for (int i = 0; i < 500; i++) {
        char set[128];
        snprintf(set, sizeof set, "%s=%s", paths[gsl_rng_uniform_int(rng, 10)],
                 values[gsl_rng_uniform_int(rng, 10)]);
        const char *sets[] = {set};
        struct hf_error err = {0};
        json_t *s = hf_scenario_load(NULL, sets, 1, &err);
        if (s)
            json_decref(s);
        else
            cr_assert(err.code == HF_EXIT_BAD_INPUT || err.code == HF_EXIT_USAGE, "--set %s: %d %s", set,
                      err.code, err.message);
    }
    gsl_rng_free(rng);
}
