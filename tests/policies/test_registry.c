/* Every registered policy: listed with a one-line summary, its parameters resolve from defaults,
 * and it runs a burst on the simulated cluster with every request accounted for, deterministically. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "policies/registry.h"
#include "sim/results.h"

Test(registry, every_policy_runs_the_phase1_burst_on_the_cluster, .timeout = 120)
{
    char dir[] = "/tmp/hfsim-test-registry-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cr_assert_geq(hf_policy_count(), 8u);
    for (size_t i = 0; i < hf_policy_count(); i++) {
        const struct hf_policy_type *t = hf_policy_at(i);
        cr_assert(t->summary && strlen(t->summary) > 10 && !strchr(t->summary, '\n'), "%s summary", t->name);
        struct hf_error err = {0};
        json_t *defaults = hf_schema_resolve(t->params, NULL, &err);
        cr_assert_not_null(defaults, "%s: %s", t->name, err.message);
        json_decref(defaults);
        char set_policy[64];
        snprintf(set_policy, sizeof set_policy, "policy=\"%s\"", t->name);
        const char *sets[] = {set_policy, "duration_s=150"};
        json_t *s = hf_scenario_load(HFSIM_SOURCE_DIR "/scenarios/figure2-phase1.json", sets, 2, &err);
        cr_assert_not_null(s, "%s", err.message);
        for (int run = 0; run < 2; run++) {
            char out[300];
            snprintf(out, sizeof out, "%s/%s-%d", dir, t->name, run);
            struct hf_run_options opt = {.out_dir = out};
            struct hf_run_report rep;
            cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s: %s", t->name, err.message);
            cr_assert_eq(rep.arrived, rep.completed + rep.failed, "%s: conservation", t->name);
            cr_assert_gt(rep.completed, 0u, "%s served nothing", t->name);
        }
        char a[400], b[400];
        snprintf(a, sizeof a, "cmp -s %s/%s-0/timeseries.csv %s/%s-1/timeseries.csv", dir, t->name, dir, t->name);
        cr_assert_eq(system(a), 0, "%s: two runs differ", t->name);
        snprintf(b, sizeof b, "cmp -s %s/%s-0/summary.json %s/%s-1/summary.json", dir, t->name, dir, t->name);
        cr_assert_eq(system(b), 0, "%s: two summaries differ", t->name);
        json_decref(s);
    }
    hf_remove_tree(dir);
}
