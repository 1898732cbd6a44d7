/* hfsim sweep [SCENARIO.json] --set PATH=V1,V2 ... [options] */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/sweep.h"

static const char sweep_usage[] =
    "usage: hfsim sweep [SCENARIO.json] --set PATH=V1,V2,... [--set PATH=FROM..TO:STEP ...] [options]\n"
    "\n"
    "Runs the scenario (default: the embedded Figure 1 burst) at every point of the cartesian grid\n"
    "of the swept parameters, once per policy, in parallel worker processes, and writes one\n"
    "directory: runs/<policy>/p<NNNNNN>/, sweep.csv (a row per point and policy) and plots of each\n"
    "metric against each numeric parameter. Run the same command again to resume: finished points\n"
    "are kept, unfinished ones run. Results do not depend on --jobs.\n"
    "\n"
    "options:\n"
    "  --set PATH=VALUES  a swept parameter: a comma list (JSON values as in hfsim run --set) or\n"
    "                     FROM..TO:STEP; a single value fixes the parameter for every point\n"
    "  --file SWEEP.json  axes (and policies) from a file: {\"axes\": {PATH: [values] or\n"
    "                     {\"from\", \"to\", \"step\"}}, \"policies\": [names]}\n"
    "  --policies A,B     policies (default: the file's, else the scenario's policy)\n"
    "  --jobs N           worker processes (default: one per CPU)\n"
    "  --out DIR          output directory (default results/sweep-<name>)\n"
    "  --no-plots         do not run gnuplot\n"
    "  --quiet, -q        no progress\n"
    "\n"
    "past one machine (docs/sweeps.md):\n"
    "  --emit slurm       write DIR/sweep.sbatch, a Slurm job array with one task per run\n"
    "  --emit parallel    write DIR/jobs.txt, one command per run (GNU parallel, xargs -P)\n"
    "  --run-job J DIR    run job J of the sweep in DIR (what the emitted tasks call)\n"
    "  --merge DIR        gather DIR's runs into sweep.csv and plots (all must be finished)\n"
    "\n"
    "exit codes: 0 ok, 1 a run failed (the rest are kept), 2 usage error, 3 bad scenario or sweep file\n";

/* Long on purpose (docs/architecture.md: functions over ~80 lines say why): one flat branch per
 * option, in the order of the usage text above, then the checks that need them all; split up, the
 * options would be scattered over helpers that each see a few. */
int hf_cmd_sweep(int argc, char **argv)
{
    struct hf_error err = {0};
    struct hf_sweep_grid grid = {0};
    struct hf_sweep_options o = {.grid = &grid, .progress = true, .plots = true};
    const char *value, *manifest_dir = NULL;
    char *manifest_scenario = NULL, *manifest_policies = NULL;
    int rc = HF_EXIT_OK;
    if (hf_args_want_help(argc, argv)) {
        fputs(sweep_usage, stdout);
        return HF_EXIT_OK;
    }
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (hf_arg_flag(arg, "--help") || hf_arg_flag(arg, "-h")) {
            fputs(sweep_usage, stdout);
            goto done;
        } else if (hf_arg_flag(arg, "--quiet") || hf_arg_flag(arg, "-q")) {
            o.progress = false;
        } else if (hf_arg_flag(arg, "--no-plots")) {
            o.plots = false;
        } else if (hf_arg_value(&i, argc, argv, "--set", &value, &err)) {
            if (!value || !hf_sweep_grid_add(&grid, value, &err))
                goto fail;
        } else if (hf_arg_value(&i, argc, argv, "--file", &value, &err)) {
            if (!value || !hf_sweep_grid_load(&grid, value, &err))
                goto fail;
        } else if (hf_arg_value(&i, argc, argv, "--policies", &value, &err)) {
            if (!value)
                goto fail;
            o.policies = value;
        } else if (hf_arg_value(&i, argc, argv, "--jobs", &value, &err)) {
            unsigned long long jobs;
            if (!value || !hf_arg_u64("--jobs", value, &jobs, &err))
                goto fail;
            if (jobs == 0 || jobs > 256) {
                hf_fail(&err, HF_EXIT_USAGE, "--jobs %s: expected 1..256", value);
                goto fail;
            }
            o.jobs = (unsigned)jobs;
        } else if (hf_arg_value(&i, argc, argv, "--emit", &value, &err)) {
            if (!value)
                goto fail;
            if (strcmp(value, "slurm") == 0)
                o.mode = HF_SWEEP_EMIT_SLURM;
            else if (strcmp(value, "parallel") == 0)
                o.mode = HF_SWEEP_EMIT_PARALLEL;
            else {
                hf_fail(&err, HF_EXIT_USAGE, "--emit %s: expected slurm or parallel", value);
                goto fail;
            }
        } else if (hf_arg_value(&i, argc, argv, "--run-job", &value, &err)) {
            unsigned long long job;
            if (!value || !hf_arg_u64("--run-job", value, &job, &err))
                goto fail;
            if (i + 1 >= argc) {
                hf_fail(&err, HF_EXIT_USAGE, "--run-job J DIR: no sweep directory");
                goto fail;
            }
            o.mode = HF_SWEEP_ONE_JOB;
            o.job = job;
            manifest_dir = argv[++i];
        } else if (hf_arg_value(&i, argc, argv, "--merge", &value, &err)) {
            if (!value)
                goto fail;
            o.mode = HF_SWEEP_MERGE;
            manifest_dir = value;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                goto fail;
            o.out_dir = value;
        } else if (arg[0] == '-' && arg[1] != '\0') {
            hf_fail(&err, HF_EXIT_USAGE, "sweep: unknown option %s (try hfsim sweep --help)", arg);
            goto fail;
        } else if (o.scenario_path) {
            hf_fail(&err, HF_EXIT_USAGE, "sweep: more than one scenario given (%s, %s)", o.scenario_path, arg);
            goto fail;
        } else {
            o.scenario_path = arg;
        }
    }
    if (manifest_dir) {
        if (grid.axis_count || o.scenario_path || o.policies) {
            hf_fail(&err, HF_EXIT_USAGE, "sweep: --run-job and --merge take the grid from DIR/sweep.json; "
                                         "give no scenario, --set or --policies");
            goto fail;
        }
        if (!hf_sweep_load_manifest(manifest_dir, &grid, &manifest_scenario, &manifest_policies, &err))
            goto fail;
        o.scenario_path = manifest_scenario;
        o.policies = manifest_policies;
        o.out_dir = manifest_dir;
        if (o.mode == HF_SWEEP_ONE_JOB)
            o.progress = false;
    }
    char written[PATH_MAX];
    if (!hf_sweep(&o, written, sizeof written, &err))
        goto fail;
    if (o.progress && (o.mode == HF_SWEEP_RUN || o.mode == HF_SWEEP_MERGE))
        fprintf(stderr, "hfsim: sweep: %s/sweep.csv\n", written);
    goto done;
fail:
    rc = hf_cli_report(&err);
done:
    free(manifest_scenario);
    free(manifest_policies);
    hf_sweep_grid_free(&grid);
    return rc;
}
