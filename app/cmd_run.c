/* hfsim run [SCENARIO.json] [options] */
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/cli_trace_args.h"
#include "app/profile.h"
#include "app/run.h"
#include "app/scenario.h"
#include "app/scenario_fit.h"
#include "sim/out_dir.h"
#include "traces/trace.h"

static const char run_usage[] =
    "usage: hfsim run [SCENARIO.json] [options]\n"
    "\n"
    "Simulates the scenario (the embedded default when none is given) and writes a results\n"
    "directory: config.json, summary.json, timeseries.csv, perf.json.\n"
    "\n"
    "options:\n"
    "  --set PATH=VALUE   override a scenario field, e.g. --set station.servers=32\n"
    "                     (repeatable; VALUE is JSON when it parses, else a string; applied in\n"
    "                     order, so a later section replaces an earlier field of it, and checked\n"
    "                     together, so dist=empirical and samples_ms may come in either order)\n"
    "  --policy NAME      same as --set policy=NAME (`hfsim policies` lists them)\n"
    "  --seed N           same as --set seed=N\n"
    "  --out DIR          results directory (default results/<name>-<policy>-<seed>)\n"
    "  --profile FILE     apply a profile (e.g. from hfsim live calibrate): each of its fields\n"
    "                     replaces the scenario's, in order with the --set overrides\n"
    "\n"
    "trace replay (docs/traces.md; each is a trace.* field, so --set works too):\n"
    "  --trace FORMAT:PATH  replay a trace instead of the workload: azure2019 (PATH = the\n"
    "                     invocations_per_function_md.anon.dNN.csv file), azure2021, csv\n"
    "  --durations FILE   azure2019 durations file (default: the dNN file beside PATH)\n"
    "  --memory FILE      azure2019 memory file (default: the dNN file beside PATH)\n"
    "  --minutes A-B      replay trace minutes [A, B) (A- or -B leave one end open)\n"
    "  --time-scale X     simulated seconds per trace second (0.5: twice as fast)\n"
    "  --rate R           rescale the replay to a mean of R arrivals/s (sets the time scale)\n"
    "  --functions N      a popularity-stratified sample of N functions (seeded)\n"
    "  --arrivals MODE    azure2019 arrivals in a minute: equidistant, uniform, poisson\n"
    "  --skip-bad-rows    skip and count malformed rows instead of failing\n"
    "  --check-fail       fail (exit 1) when the replay check is off by more than\n"
    "                     trace.check_tolerance, instead of warning\n"
    "  --quiet, -q        no progress line and no closing summary line\n"
    "  --help, -h         this text\n"
    "\n"
    "exit codes: 0 ok, 1 run failed, 2 usage error, 3 bad scenario, trace or --set value\n";

/* Long on purpose (docs/architecture.md: functions over ~80 lines say why): one flat branch per
 * option, in the order of the usage text above, then the checks that need them all; split up, the
 * options would be scattered over helpers that each see a few. */
int hf_cmd_run(int argc, char **argv)
{
    struct hf_error err = {0};
    const char *scenario_path = NULL, *out = NULL, *value = NULL;
    bool quiet = false;
    char **sets = calloc(2 * (size_t)argc + 1, sizeof *sets);
    char **owned_sets = calloc(2 * (size_t)argc + 1, sizeof *owned_sets);
    /* The user's own --set texts: each must be read by the run (hf_scenario_check_sets). */
    const char **user_sets = calloc((size_t)argc + 1, sizeof *user_sets);
    size_t set_count = 0, owned_count = 0, user_set_count = 0;
    int rc = HF_EXIT_OK;
    if (!sets || !owned_sets || !user_sets) {
        free(user_sets);
        free(sets);
        free(owned_sets);
        return HF_EXIT_RUN_FAILED;
    }
#define OWN(expr)                                                                                  \
    do {                                                                                           \
        char *made_ = (expr);                                                                      \
        if (!made_)                                                                                \
            goto fail;                                                                             \
        owned_sets[owned_count++] = made_;                                                         \
        sets[set_count++] = made_;                                                                 \
    } while (0)
    char owned[2][64] = {{0}};
    char *trace_set[HF_TRACE_ARG_MAX_SETS];
    int trace_sets;

    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (hf_arg_flag(arg, "--help") || hf_arg_flag(arg, "-h")) {
            fputs(run_usage, stdout);
            goto done;
        } else if (hf_arg_flag(arg, "--quiet") || hf_arg_flag(arg, "-q")) {
            quiet = true;
        } else if (hf_arg_value(&i, argc, argv, "--set", &value, &err)) {
            if (!value)
                goto fail;
            sets[set_count++] = (char *)value;
            user_sets[user_set_count++] = value;
        } else if (hf_arg_value(&i, argc, argv, "--policy", &value, &err)) {
            if (!value)
                goto fail;
            snprintf(owned[0], sizeof owned[0], "policy=\"%.40s\"", value);
            sets[set_count++] = owned[0];
        } else if (hf_arg_value(&i, argc, argv, "--seed", &value, &err)) {
            unsigned long long seed;
            if (!value || !hf_arg_u64("--seed", value, &seed, &err))
                goto fail;
            snprintf(owned[1], sizeof owned[1], "seed=%llu", seed);
            sets[set_count++] = owned[1];
        } else if (hf_arg_value(&i, argc, argv, "--profile", &value, &err)) {
            char **profile;
            size_t profile_count;
            if (!value || !hf_profile_overrides(value, &profile, &profile_count, &err))
                goto fail;
            char **grown_sets = realloc(sets, (2 * (size_t)argc + 1 + set_count + profile_count) * sizeof *sets);
            char **grown_owned = realloc(owned_sets, (2 * (size_t)argc + 1 + owned_count + profile_count) *
                                                         sizeof *owned_sets);
            if (!grown_sets || !grown_owned) {
                if (grown_sets)
                    sets = grown_sets;
                if (grown_owned)
                    owned_sets = grown_owned;
                hf_profile_free(profile, profile_count);
                hf_fail(&err, HF_EXIT_RUN_FAILED, "out of memory");
                goto fail;
            }
            sets = grown_sets;
            owned_sets = grown_owned;
            for (size_t k = 0; k < profile_count; k++) {
                owned_sets[owned_count++] = profile[k];
                sets[set_count++] = profile[k];
            }
            free(profile);
        } else if ((trace_sets = hf_trace_arg(&i, argc, argv, trace_set, &err)) != 0) {
            if (trace_sets < 0)
                goto fail;
            for (int k = 0; k < trace_sets; k++)
                OWN(trace_set[k]);
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                goto fail;
            out = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            hf_fail(&err, HF_EXIT_USAGE, "run: unknown option %s (try hfsim run --help)", arg);
            goto fail;
        } else if (scenario_path) {
            hf_fail(&err, HF_EXIT_USAGE, "run: more than one scenario given (%s, %s)",
                    scenario_path, arg);
            goto fail;
        } else {
            scenario_path = arg;
        }
    }

    json_t *scenario = hf_scenario_load(scenario_path, (const char *const *)sets, set_count, &err);
    if (!scenario)
        goto fail;
    char default_out[PATH_MAX];
    hf_scenario_default_out_dir(scenario, default_out, sizeof default_out);
    struct hf_run_options options = {.out_dir = out ? out : default_out, .progress = !quiet};
    struct hf_run_report report = {0};
    /* Everything that can be refused is refused before any work starts. */
    bool ok = hf_out_dir_check_kind(options.out_dir, "--out", HF_OUT_KIND_RESULTS, &err) &&
              hf_out_dir_check_outside(options.out_dir, "--out", &err) &&
              hf_scenario_check_fit(scenario, &err) && hf_scenario_check_sets(scenario, user_sets, user_set_count, &err) &&
              hf_run_scenario(scenario, &options, &report, &err);
    json_decref(scenario);
    if (!ok)
        goto fail;
    if (!quiet)
        fprintf(stderr,
                "hfsim: %s: %" PRIu64 " requests, %" PRIu64 " completed, %" PRIu64
                " failed; latency p50 %.1f ms, p99 %.1f ms; %.2f s wall\n",
                options.out_dir, report.arrived, report.completed, report.failed, report.p50_ms,
                report.p99_ms, report.wall_s);
    goto done;
fail:
    rc = hf_cli_report(&err);
done:
    for (size_t k = 0; k < owned_count; k++)
        free(owned_sets[k]);
    free(owned_sets);
    free(sets);
    free(user_sets);
    return rc;
#undef OWN
}
