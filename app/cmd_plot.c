/* hfsim plot DIR... [--out DIR] [--names A,B] [--no-plots] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/compare.h"
#include "app/metric_labels.h"
#include "app/plot_runs.h"
#include "app/sweep_plot.h"
#include "app/validate.h"
#include "sim/out_dir.h"

static const char plot_usage[] =
    "usage: hfsim plot DIR [--no-plots]\n"
    "       hfsim plot RUN... --out DIR [--names A,B,...] [--no-plots]\n"
    "\n"
    "Redraws the plots and report.html of a results directory without running anything again, with\n"
    "this hfsim's plot scripts (after an upgrade, or after editing the scenario's output settings).\n"
    "\n"
    "  DIR alone             a comparison (hfsim compare), sweep (hfsim sweep) or validation (hfsim\n"
    "                        validate) directory: its plot script, plots and report.html, in place\n"
    "  RUN... --out DIR      several runs on one chart, as a new comparison directory DIR: each RUN is\n"
    "                        a run (hfsim run, hfsim live), a comparison (each of its policies) or a\n"
    "                        validation (its simulated and live sides); the runs stay where they are\n"
    "  --names A,B,...       legend names, one per run in order (default: the directory names)\n"
    "  --no-plots            write the plot scripts and report.html, without running gnuplot\n"
    "  --labels              print the metric labels as gnuplot variables (L_<column> = 'label'), for\n"
    "                        scripts that draw hfsim's outputs themselves (scripts/figure1.sh)\n"
    "\n"
    "Plots are PNG and SVG (gnuplot); report.html holds the SVGs inline and needs nothing else.\n"
    "\n"
    "exit codes: 0 ok, 1 a write failed or gnuplot drew no plots, 2 usage error (a directory hfsim did not make, an --out it\n"
    "may not write), 3 a run's files are missing or malformed\n";

int hf_cmd_plot(int argc, char **argv)
{
    struct hf_error err = {0};
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    struct hf_plot_runs_options o = {.dirs = dirs, .draw = true};
    const char *value;
    if (!dirs)
        return HF_EXIT_RUN_FAILED;
    if (hf_args_want_help(argc, argv)) {
        fputs(plot_usage, stdout);
        free(dirs);
        return HF_EXIT_OK;
    }
    if (argc == 2 && hf_arg_flag(argv[1], "--labels")) {
        hf_metric_labels_gnuplot(stdout);
        free(dirs);
        return HF_EXIT_OK;
    }
    bool ok = true;
    for (int i = 1; ok && i < argc; i++) {
        if (hf_arg_flag(argv[i], "--no-plots"))
            o.draw = false;
        else if (hf_arg_flag(argv[i], "-q") || hf_arg_flag(argv[i], "--quiet"))
            continue; /* as on every command; plot prints one line only */
        else if (hf_arg_value(&i, argc, argv, "--out", &value, &err))
            ok = (o.out_dir = value) != NULL;
        else if (hf_arg_value(&i, argc, argv, "--names", &value, &err))
            ok = (o.names = value) != NULL;
        else if (argv[i][0] == '-' && argv[i][1])
            ok = hf_fail(&err, HF_EXIT_USAGE, "plot: unknown option %s (hfsim plot --help)", argv[i]);
        else
            dirs[o.dir_count++] = argv[i];
    }
    if (ok && o.dir_count == 0)
        ok = hf_fail(&err, HF_EXIT_USAGE, "plot: which directory? (hfsim plot --help)");
    if (ok && o.names && !o.out_dir)
        ok = hf_fail(&err, HF_EXIT_USAGE, "plot: --names names the runs of a new chart: give --out DIR too");
    const char *written = o.out_dir;
    bool drawn = false;
    if (ok && o.out_dir) {
        ok = hf_plot_runs(&o, &drawn, &err);
    } else if (ok && o.dir_count > 1) {
        ok = hf_fail(&err, HF_EXIT_USAGE, "plot: several directories go on one chart in a new directory: give --out DIR");
    } else if (ok) {
        char kind[64];
        written = dirs[0];
        hf_out_dir_kind(dirs[0], kind, sizeof kind);
        if (strcmp(kind, HF_OUT_KIND_COMPARISON) == 0)
            ok = hf_compare_redraw(dirs[0], dirs[0], o.draw, &drawn, &err);
        else if (strcmp(kind, HF_OUT_KIND_SWEEP) == 0)
            ok = hf_sweep_redraw(dirs[0], o.draw, &drawn, &err);
        else if (strcmp(kind, HF_OUT_KIND_VALIDATION) == 0)
            ok = hf_validate_redraw(dirs[0], dirs[0], o.draw, &drawn, &err);
        else if (access(dirs[0], F_OK) != 0)
            ok = hf_fail(&err, HF_EXIT_BAD_INPUT, "plot: %s: no such directory", dirs[0]);
        else if (strcmp(kind, HF_OUT_KIND_RESULTS) == 0)
            ok = hf_fail(&err, HF_EXIT_USAGE, "plot: %s is one run: draw it with --out NEWDIR (alone or beside "
                                              "other runs)", dirs[0]);
        else
            ok = hf_fail(&err, HF_EXIT_USAGE, "plot: %s: not a comparison, sweep or validation directory hfsim made "
                                              "(no %s marker naming one)", dirs[0], HF_OUT_MARKER);
    }
    free(dirs);
    /* Drawing is what this command is for: when gnuplot was asked and failed (or is missing), the
     * report is written, and the exit code says the plots are not. */
    if (ok && o.draw && !drawn)
        ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "plot: %s: report.html written, but no plots were drawn (above)",
                     written);
    if (!ok && strncmp(err.message, "plot:", 5) != 0)
        hf_error_prefix(&err, "plot");
    if (!ok)
        return hf_cli_report(&err);
    fprintf(stderr, "hfsim: plot: %s (report.html%s)\n", written, drawn ? " and plots" : "; plots not drawn: --no-plots");
    return HF_EXIT_OK;
}
