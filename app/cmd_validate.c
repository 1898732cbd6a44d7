/* hfsim validate SCENARIO [options] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/cli_docker_args.h"
#include "app/validate.h"

static const char validate_usage[] =
    "usage: hfsim validate SCENARIO.json [--policy NAME] [--set P=V] [--profile FILE] [--hosts H] [--out DIR]\n"
    "\n"
    "Runs the scenario in the simulator and live on a Docker engine (hfsim live run) with the same\n"
    "policy and seed, and reports them side by side: completed and failed requests, latency mean,\n"
    "p50, p90, p99 and cold starts, with the simulator's relative error against live (table and\n"
    "validation.csv), and the latency distributions on one chart. With --profile (from hfsim live\n"
    "calibrate) it also simulates with the calibrated stages and reports that error too.\n"
    "The live run uses the engines of --hosts, else $DOCKER_HOST, else unix:///var/run/docker.sock.\n"
    HF_DOCKER_SECURITY_USAGE
    "Default DIR: results/validate-<name>-<policy>.\n"
    "\n"
    "exit codes: 0 ok, 1 a run or the engine failed, 2 usage error, 3 bad scenario or profile\n";

int hf_cmd_validate(int argc, char **argv)
{
    struct hf_error err = {0};
    struct hf_validate_options o = {.hosts = NULL /* $DOCKER_HOST, else the local socket */, .progress = true};
    const char **sets = calloc((size_t)argc + 1, sizeof *sets);
    char policy_set[96], out[512];
    int rc = HF_EXIT_OK;
    const char *value, *policy = NULL;
    if (!sets)
        return HF_EXIT_RUN_FAILED;
    for (int i = 1; i < argc; i++) {
        if (hf_arg_flag(argv[i], "--help") || hf_arg_flag(argv[i], "-h")) {
            fputs(validate_usage, stdout);
            goto done;
        } else if (hf_arg_value(&i, argc, argv, "--policy", &value, &err)) {
            if (!value)
                goto fail;
            snprintf(policy_set, sizeof policy_set, "policy=\"%.60s\"", value);
            sets[o.override_count++] = policy_set;
            policy = value;
        } else if (hf_arg_value(&i, argc, argv, "--set", &value, &err)) {
            if (!value)
                goto fail;
            sets[o.override_count++] = value;
        } else if (hf_arg_value(&i, argc, argv, "--profile", &value, &err)) {
            if (!value)
                goto fail;
            o.profile = value;
        } else if (hf_arg_docker_security(&i, argc, argv, &err)) {
            if (err.code)
                goto fail;
        } else if (hf_arg_value(&i, argc, argv, "--hosts", &value, &err)) {
            if (!value)
                goto fail;
            o.hosts = value;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                goto fail;
            o.out_dir = value;
        } else if (hf_arg_flag(argv[i], "-q") || hf_arg_flag(argv[i], "--quiet")) {
            o.progress = false;
        } else if (argv[i][0] == '-') {
            hf_fail(&err, HF_EXIT_USAGE, "validate: unknown option %s (try hfsim validate --help)", argv[i]);
            goto fail;
        } else {
            o.scenario_path = argv[i];
        }
    }
    if (!o.scenario_path) {
        hf_fail(&err, HF_EXIT_USAGE, "validate: no scenario given");
        goto fail;
    }
    if (!o.out_dir) {
        const char *base = strrchr(o.scenario_path, '/');
        snprintf(out, sizeof out, "results/validate-%.100s-%s", base ? base + 1 : o.scenario_path,
                 policy ? policy : "scenario-policy");
        char *dot = strstr(out, ".json");
        if (dot)
            memmove(dot, dot + 5, strlen(dot + 5) + 1);
        o.out_dir = out;
    }
    o.overrides = sets;
    if (!hf_validate(&o, &err))
        goto fail;
    if (o.progress)
        fprintf(stderr, "hfsim: validate: %s\n", o.out_dir);
    goto done;
fail:
    rc = hf_cli_report(&err);
done:
    free(sets);
    return rc;
}
