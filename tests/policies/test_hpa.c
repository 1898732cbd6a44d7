/* The hpa policies on the cluster model, end to end: the Figure 1 scenario must reproduce the
 * published ordering from mechanics alone: the default HPA (15 s sync, 60 s metrics) needs on the
 * order of 100 s to settle after the burst, the tuned one a fraction of that; both scale out; every
 * request is accounted for. Five seeds each, so no single lucky phase decides. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"

static json_t *run_figure1(const char *policy, int seed, const char *dir)
{
    char set_policy[64], set_seed[32];
    snprintf(set_policy, sizeof set_policy, "policy=\"%s\"", policy);
    snprintf(set_seed, sizeof set_seed, "seed=%d", seed);
    const char *sets[] = {set_policy, set_seed};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json", sets, 2, &err);
    cr_assert_not_null(s, "%s", err.message);
    char out[256];
    snprintf(out, sizeof out, "%s/%s-%d", dir, policy, seed);
    struct hf_run_options opt = {.out_dir = out};
    struct hf_run_report rep;
    cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s", err.message);
    json_decref(s);
    char path[300];
    snprintf(path, sizeof path, "%s/summary.json", out);
    json_error_t jerr;
    json_t *summary = json_load_file(path, 0, &jerr);
    cr_assert_not_null(summary);
    return summary;
}

static double median5(double *v)
{
    for (int i = 0; i < 5; i++)
        for (int j = i + 1; j < 5; j++)
            if (v[j] < v[i]) {
                double t = v[i];
                v[i] = v[j];
                v[j] = t;
            }
    return v[2];
}

Test(hpa, figure1_default_is_slow_and_tuned_is_fast, .timeout = 120)
{
    char dir[] = "/tmp/hfsim-test-hpa-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    double settle[2][5];
    const char *policies[] = {"hpa", "hpa-tuned"};
    for (int p = 0; p < 2; p++)
        for (int seed = 1; seed <= 5; seed++) {
            json_t *sum = run_figure1(policies[p], seed, dir);
            const json_t *t = json_object_get(json_object_get(sum, "burst"), "time_to_stabilize_s");
            cr_assert(json_is_number(t), "%s seed %d never stabilized", policies[p], seed);
            settle[p][seed - 1] = json_number_value(t);
            json_t *req = json_object_get(sum, "requests");
            cr_assert_str_eq(json_string_value(json_object_get(req, "conservation")), "ok");
            cr_assert_gt(json_integer_value(json_object_get(sum, "cold_starts")), 10,
                         "the burst must be absorbed by scaling out");
            json_decref(sum);
        }
    hf_remove_tree(dir);
    double slow = median5(settle[0]), fast = median5(settle[1]);
    cr_log_info("median time to stabilize: hpa %.0f s, hpa-tuned %.0f s", slow, fast);
    cr_assert(slow >= 60 && slow <= 200, "default HPA settles in %.0f s (published: ~120 s)", slow);
    cr_assert(fast <= 45, "tuned HPA settles in %.0f s (published: ~20 s)", fast);
    cr_assert(fast * 2.5 < slow, "tuned %.0f s is not clearly faster than default %.0f s", fast, slow);
}

Test(hpa, needs_a_model_with_pods)
{
    const char *sets[] = {"policy=\"hpa\"", "model=\"station\""};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, 2, &err);
    cr_assert_not_null(s, "%s", err.message);
    char dir[] = "/tmp/hfsim-test-hpa2-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[128];
    snprintf(out, sizeof out, "%s/x", dir);
    struct hf_run_options opt = {.out_dir = out};
    struct hf_run_report rep;
    cr_assert_not(hf_run_scenario(s, &opt, &rep, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, "model"), "%s", err.message);
    cr_assert_neq(access(out, F_OK), 0, "no results directory on failure");
    json_decref(s);
    hf_remove_tree(dir);
}
