#include "app/cli.h"

#include <stdio.h>
#include <string.h>

#include "sim/error.h"
#include "version.h"

static const char usage[] =
    "hfsim " HF_VERSION " - discrete-event simulator for serverless (FaaS) platforms\n"
    "\n"
    "usage: hfsim COMMAND [OPTIONS]\n"
    "\n"
    "commands:\n"
    "  compare [SCENARIO]    run a scenario once per policy and plot them side by side (the\n"
    "                        Figure 1 burst if none; `hfsim compare --help`)\n"
    "  sweep [SCENARIO]      run a parameter grid per policy in parallel, resumable (`hfsim sweep --help`)\n"
    "  plot DIR...           redraw the plots and report.html of a comparison, sweep or validation,\n"
    "                        or put several runs on one chart (`hfsim plot --help`)\n"
    "  run [SCENARIO.json]   simulate a scenario (the embedded default if none) and write a\n"
    "                        results directory; `hfsim run --help` lists its options\n"
    "  bench                 measure the simulator's own speed (event queue, engine)\n"
    "  schema [--markdown]   print every scenario field with its unit, default and meaning\n"
    "  policies              list the scaling policies\n"
    "  hpa-calc SNAPSHOT     what Kubernetes' HPA would decide for a JSON snapshot\n"
    "  live SCENARIO         run a scenario on real Docker engines (`hfsim live --help`: also\n"
    "                        image, smoke, calibrate and --cleanup)\n"
    "  calibrate             measure an engine's cold-start stages and resize into a profile\n"
    "                        for `hfsim run --profile` (= hfsim live calibrate)\n"
    "  validate SCENARIO     the same scenario simulated and live, side by side\n"
    "  trace info|gen        inspect a trace (Azure 2019/2021, CSV) or generate a synthetic one\n"
    "  --help, -h            this text\n"
    "  --version             print the version\n"
    "\n"
    "exit codes: 0 ok, 1 run failed, 2 usage error (incl. an --out hfsim may not write), 3 bad input\n"
    "(scenario, trace, snapshot, --set value, a value out of range, a setting the run never reads),\n"
    "130/143 interrupted by SIGINT/SIGTERM (the half-written output removed)\n";

int hf_cli_report(const struct hf_error *err)
{
    fprintf(stderr, "hfsim: %s\n", err->message);
    return err->code;
}

int hf_cli_main(int argc, char **argv)
{
    if (argc < 2) {
        fputs(usage, stderr);
        return HF_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return HF_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("hfsim %s\n", HF_VERSION);
        return HF_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0)
        return hf_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "bench") == 0)
        return hf_cmd_bench(argc - 1, argv + 1);
    if (strcmp(cmd, "schema") == 0)
        return hf_cmd_schema(argc - 1, argv + 1);
    if (strcmp(cmd, "hpa-calc") == 0)
        return hf_cmd_hpa_calc(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0)
        return hf_cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0)
        return hf_cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "live") == 0)
        return hf_cmd_live(argc - 1, argv + 1);
    if (strcmp(cmd, "calibrate") == 0)
        return hf_cmd_live(argc, argv); /* its argv[1] is "calibrate", as after `live` */
    if (strcmp(cmd, "sweep") == 0)
        return hf_cmd_sweep(argc - 1, argv + 1);
    if (strcmp(cmd, "plot") == 0)
        return hf_cmd_plot(argc - 1, argv + 1);
    if (strcmp(cmd, "trace") == 0)
        return hf_cmd_trace(argc - 1, argv + 1);
    if (strcmp(cmd, "policies") == 0)
        return hf_cmd_policies(argc - 1, argv + 1);
    fprintf(stderr, "hfsim: unknown command \"%s\" (try hfsim --help)\n", cmd);
    return HF_EXIT_USAGE;
}
