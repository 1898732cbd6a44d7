/* hfsim hpa-calc SNAPSHOT.json: what the Kubernetes HPA controller would decide for a snapshot. */
#include <inttypes.h>
#include <stdio.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "policies/hpa_snapshot.h"
#include "sim/json_file.h"

static const char help[] =
    "usage: hfsim hpa-calc SNAPSHOT.json   (\"-\" reads stdin)\n"
    "       hfsim hpa-calc --schema        the snapshot's fields as a Markdown table\n"
    "\n"
    "Prints {\"desired\": N, \"utilization\": U, \"raw_usage\": R} on stdout: the replica count the\n"
    "HPA controller would set (after min/max, stabilization and behavior limits), the average CPU\n"
    "utilization in percent of request and the average usage in millicores over pods with usable\n"
    "metrics. When no metric-based decision is possible (no metrics, scaling disabled, replicas\n"
    "outside [min, max]) U and R are null, the reason goes to stderr and N is what the controller\n"
    "does then. Exit codes: 0 ok, 2 usage error, 3 invalid snapshot.\n";

int hf_cmd_hpa_calc(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (hf_arg_flag(argv[i], "--help") || hf_arg_flag(argv[i], "-h")) {
            fputs(help, stdout);
            return HF_EXIT_OK;
        }
        if (hf_arg_flag(argv[i], "--schema")) {
            hf_schema_write_markdown(stdout, hf_hpa_snapshot_schema());
            return HF_EXIT_OK;
        }
        if (argv[i][0] == '-' && argv[i][1] != '\0') {
            fprintf(stderr, "hfsim: hpa-calc: unknown option %s\n", argv[i]);
            return HF_EXIT_USAGE;
        }
        if (path) {
            fprintf(stderr, "hfsim: hpa-calc: one snapshot file only (got %s and %s)\n", path, argv[i]);
            return HF_EXIT_USAGE;
        }
        path = argv[i];
    }
    if (!path) {
        fputs(help, stderr);
        return HF_EXIT_USAGE;
    }
    const char *where = path[0] == '-' ? "(stdin)" : path;
    json_error_t jerr;
    struct hf_error err = {0};
    json_t *doc = path[0] == '-' ? json_loadf(stdin, JSON_REJECT_DUPLICATES, &jerr) : hf_json_load_file(path, &err);
    if (!doc) {
        if (path[0] == '-')
            hf_fail(&err, HF_EXIT_BAD_INPUT, "%s:%d:%d: %s", where, jerr.line, jerr.column, jerr.text);
        return hf_cli_report(&err);
    }
    struct hf_hpa_decision d;
    bool ok = hf_hpa_snapshot_eval(doc, where, &d, &err);
    json_decref(doc);
    if (!ok)
        return hf_cli_report(&err);
    if (d.has_metrics)
        printf("{\"desired\": %" PRId32 ", \"utilization\": %" PRId32 ", \"raw_usage\": %" PRId64 "}\n",
               d.desired, d.utilization, d.raw_usage);
    else {
        fprintf(stderr, "hfsim: hpa-calc: %s: no metric-based decision: %s\n", where, d.reason);
        printf("{\"desired\": %" PRId32 ", \"utilization\": null, \"raw_usage\": null}\n", d.desired);
    }
    return HF_EXIT_OK;
}
