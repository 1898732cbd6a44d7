/* hfsim compare [SCENARIO.json] [options] */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/compare.h"

static const char compare_usage[] =
    "usage: hfsim compare [SCENARIO.json] [options]\n"
    "\n"
    "Runs the scenario once per policy, same seed and workload, and writes one directory: a run\n"
    "per policy, comparison.csv, plots (latency over time, containers, CPU allocated but idle,\n"
    "latency CDF, scaling actions) as PNG and SVG when gnuplot is installed, and report.html (all\n"
    "of it on one self-contained page; hfsim plot DIR redraws). Without a scenario it uses the\n"
    "embedded Figure 1 burst (scenarios/figure1-hpa-burst.json).\n"
    "\n"
    "options:\n"
    "  --policies A,B,... policies to compare (default " HF_COMPARE_DEFAULT_POLICIES ")\n"
    "  --set PATH=VALUE   override a scenario field for every run (repeatable)\n"
    "  --seed N           same as --set seed=N\n"
    "  --out DIR          output directory (default results/compare-<name>-<seed>)\n"
    "  --no-plots         do not run gnuplot (plot.gp is written all the same)\n"
    "  --jobs N           runs in parallel (default: one per CPU; the result is the same)\n"
    "  --quiet, -q        no progress lines\n"
    "\n"
    "exit codes: 0 ok, 1 a run failed, 2 usage error, 3 bad scenario or --set value\n";

int hf_cmd_compare(int argc, char **argv)
{
    struct hf_error err = {0};
    struct hf_compare_options o = {.progress = true, .plots = true};
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    char seed_set[64];
    int rc = HF_EXIT_OK;
    if (!sets)
        return HF_EXIT_RUN_FAILED;
    const char *value;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (hf_arg_flag(arg, "--help") || hf_arg_flag(arg, "-h")) {
            fputs(compare_usage, stdout);
            goto done;
        } else if (hf_arg_flag(arg, "--quiet") || hf_arg_flag(arg, "-q")) {
            o.progress = false;
        } else if (hf_arg_flag(arg, "--no-plots")) {
            o.plots = false;
        } else if (hf_arg_value(&i, argc, argv, "--policies", &value, &err)) {
            if (!value)
                goto fail;
            o.policies = value;
        } else if (hf_arg_value(&i, argc, argv, "--set", &value, &err)) {
            if (!value)
                goto fail;
            sets[o.override_count++] = value;
        } else if (hf_arg_value(&i, argc, argv, "--seed", &value, &err)) {
            unsigned long long seed;
            if (!value || !hf_arg_u64("--seed", value, &seed, &err))
                goto fail;
            snprintf(seed_set, sizeof seed_set, "seed=%llu", seed);
            sets[o.override_count++] = seed_set;
        } else if (hf_arg_value(&i, argc, argv, "--jobs", &value, &err)) {
            unsigned long long jobs;
            if (!value || !hf_arg_u64("--jobs", value, &jobs, &err))
                goto fail;
            if (jobs == 0 || jobs > 256) {
                hf_fail(&err, HF_EXIT_USAGE, "--jobs %s: between 1 and 256", value);
                goto fail;
            }
            o.jobs = (unsigned)jobs;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                goto fail;
            o.out_dir = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            hf_fail(&err, HF_EXIT_USAGE, "compare: unknown option %s (try hfsim compare --help)", arg);
            goto fail;
        } else if (o.scenario_path) {
            hf_fail(&err, HF_EXIT_USAGE, "compare: more than one scenario given (%s, %s)", o.scenario_path, arg);
            goto fail;
        } else {
            o.scenario_path = arg;
        }
    }
    o.overrides = sets;
    char written[PATH_MAX];
    if (!hf_compare(&o, written, sizeof written, &err))
        goto fail;
    fprintf(stderr, "hfsim: compare: %s (comparison.csv, one run per policy, report.html)\n", written);
    goto done;
fail:
    rc = hf_cli_report(&err);
done:
    free(sets);
    return rc;
}
