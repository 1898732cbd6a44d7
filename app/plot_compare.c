#include "app/plot_compare.h"

#include <limits.h>
#include <string.h>

#include "app/metric_labels.h"
#include "app/report.h"
#include "app/startup_transient.h"
#include "app/timeseries_columns.h"
#include "sim/schema.h"

extern const char hf_compare_plot_script[];

bool hf_gnuplot_quote(FILE *out, const char *text)
{
    if (strpbrk(text, "\n\r"))
        return false;
    fputc('\'', out);
    for (const char *c = text; *c; c++) {
        if (*c == '\'')
            fputc('\'', out);
        fputc(*c, out);
    }
    fputc('\'', out);
    return true;
}

/* The end of a run's start-up transient, judged against the level before the first burst (or over
 * the whole run without one). */
static bool run_startup_end(const char *plot_dir, const char *run_dir, double reference_end, double calm_s,
                            double *end, struct hf_error *err)
{
    char path[2 * PATH_MAX + 32];
    if (run_dir[0] == '/')
        snprintf(path, sizeof path, "%s/timeseries.csv", run_dir);
    else
        snprintf(path, sizeof path, "%s/%s/timeseries.csv", plot_dir, run_dir);
    static const char *const columns[] = {"time_s", "latency_p99_rolling_ms"};
    struct hf_timeseries_columns t;
    if (!hf_timeseries_columns_load(path, columns, 2, &t, err))
        return false;
    double reference = reference_end;
    if (reference <= 0 && t.rows) /* no burst: the whole run is the reference */
        reference = t.values[0][t.rows - 1];
    *end = hf_startup_transient_end(t.values[0], t.values[1], t.rows, reference, calm_s);
    hf_timeseries_columns_free(&t);
    return true;
}

bool hf_plot_compare_write(FILE *out, const char *plot_dir, const struct hf_plot_run *runs, int count,
                           const json_t *scenario, struct hf_plot_compare_info *info, struct hf_error *err)
{
    memset(info, 0, sizeof *info);
    const json_t *burst = hf_json_at(scenario, "workload.bursts.0");
    double start = burst ? hf_json_number_at(burst, "start_s") : -1;
    double end = burst ? start + hf_json_number_at(burst, "duration_s") : -1;
    double window = hf_json_number_at(scenario, "outputs.stabilize_window_s");
    double interval = hf_json_number_at(scenario, "outputs.interval_s");
    /* A start-up no longer than the trailing window is the window filling, not worth a mark; a
     * stretch ends after 2 windows (at least 10 rows) with no disturbed row. */
    double calm = 2 * window > 10 * interval ? 2 * window : 10 * interval;
    for (int r = 0; r < count; r++) {
        double run_end;
        if (!run_startup_end(plot_dir, runs[r].dir, start, calm, &run_end, err))
            return false;
        if (run_end > window) {
            info->startup_end_s = run_end > info->startup_end_s ? run_end : info->startup_end_s;
            size_t used = strlen(info->startup_runs);
            snprintf(info->startup_runs + used, sizeof info->startup_runs - used, "%s%s %.0f s", used ? ", " : "",
                     runs[r].name, run_end);
        }
    }
    fprintf(out, "# Written by hfsim: redraw with `gnuplot plot.gp` in this directory (-e \"ext='svg'\" for SVG).\n"
                 "n = %d\narray run_dir[n]\narray run_name[n]\n", count);
    bool ok = true;
    for (int r = 0; r < count; r++) {
        fprintf(out, "run_dir[%d] = ", r + 1);
        ok = hf_gnuplot_quote(out, runs[r].dir) && ok;
        fprintf(out, "\nrun_name[%d] = ", r + 1);
        ok = hf_gnuplot_quote(out, runs[r].name) && ok;
        fputc('\n', out);
    }
    fputs("scenario = ", out);
    ok = hf_gnuplot_quote(out, hf_json_string_at(scenario, "name")) && ok;
    fprintf(out, "\nwindow = %.17g\ninterval = %.17g\nburst_start = %.17g\nburst_end = %.17g\n"
                 "startup_end = %.17g\nstartup_runs = ",
            window, interval, start, end, info->startup_end_s);
    ok = hf_gnuplot_quote(out, info->startup_runs) && ok;
    fputc('\n', out);
    hf_metric_labels_gnuplot(out);
    fputc('\n', out);
    fputs(hf_compare_plot_script, out);
    if (!ok)
        return hf_fail(err, HF_EXIT_USAGE, "a run's name or directory holds a newline: it cannot be plotted");
    return true;
}

size_t hf_plot_compare_captions(const struct hf_plot_compare_info *info, const json_t *scenario,
                                struct hf_report_plot *plots, char captions[HF_PLOT_COMPARE_PLOTS][768])
{
    double window = hf_json_number_at(scenario, "outputs.stabilize_window_s");
    char marks[400] = "";
    if (hf_json_at(scenario, "workload.bursts.0"))
        snprintf(marks, sizeof marks, "; shaded: the burst");
    if (info->startup_end_s > 0)
        snprintf(marks + strlen(marks), sizeof marks - strlen(marks),
                 "; hatched: the start-up, each policy scaling from its initial containers to the first load (%s)",
                 info->startup_runs);
    snprintf(captions[0], 768, "Response time over time: p50 (solid) and p99 (dashed), each point over the trailing %g s%s.",
             window, marks);
    snprintf(captions[1], 768, "Containers asked for (pale band) and ready (line): where the line lags the band, "
                               "containers are starting%s.", marks);
    snprintf(captions[2], 768, "Cores allocated but idle (allocated minus used), mean over the trailing %g s: the CPU "
                               "each policy holds without using it%s.", window, marks);
    snprintf(captions[3], 768, "Distribution of the response times of all completed requests, start-up included.");
    snprintf(captions[4], 768, "Cumulative cold starts (top) and HyperFaaS phase actions (bottom); series that stay "
                               "at zero are left out%s.", marks);
    static const char *const files[] = {"latency", "containers", "cpu", "latency_cdf", "actions"};
    for (size_t i = 0; i < HF_PLOT_COMPARE_PLOTS; i++)
        plots[i] = (struct hf_report_plot){.file = files[i], .caption = captions[i]};
    return HF_PLOT_COMPARE_PLOTS;
}
