#include "app/plot_compare.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/metric_labels.h"
#include "app/report.h"
#include "app/startup_transient.h"
#include "app/timeseries_columns.h"
#include "sim/json_file.h"
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

/* What the plots need of one run's scenario. */
struct run_facts {
    char name[128];
    double interval, window, burst_start, burst_end, duration;
};

static void run_path(char *buf, size_t size, const char *plot_dir, const char *run_dir, const char *file)
{
    if (run_dir[0] == '/')
        snprintf(buf, size, "%s/%s", run_dir, file);
    else
        snprintf(buf, size, "%s/%s/%s", plot_dir, run_dir, file);
}

static bool read_run(const char *plot_dir, const struct hf_plot_run *run, struct run_facts *f, struct hf_error *err)
{
    char path[2 * PATH_MAX + 64];
    struct stat st;
    static const char *const needed[] = {"timeseries.csv", "latency_cdf.csv"};
    for (size_t i = 0; i < 2; i++) {
        run_path(path, sizeof path, plot_dir, run->dir, needed[i]);
        if (stat(path, &st) != 0)
            return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: missing (run %s is incomplete)", path, run->name);
    }
    /* The latency distribution must hold a curve: an empty or garbled one would lose a run's line. */
    run_path(path, sizeof path, plot_dir, run->dir, "latency_cdf.csv");
    static const char *const cdf_columns[] = {"quantile", "latency_ms"};
    struct hf_timeseries_columns cdf;
    if (!hf_timeseries_columns_load(path, cdf_columns, 2, &cdf, err))
        return false;
    size_t cdf_rows = cdf.rows;
    hf_timeseries_columns_free(&cdf);
    run_path(path, sizeof path, plot_dir, run->dir, "config.json");
    json_t *scenario = hf_json_load_file(path, err);
    if (!scenario)
        return false;
    snprintf(f->name, sizeof f->name, "%s", hf_json_string_at(scenario, "name"));
    f->interval = hf_json_number_at(scenario, "outputs.interval_s");
    f->window = hf_json_number_at(scenario, "outputs.stabilize_window_s");
    f->duration = hf_json_number_at(scenario, "duration_s");
    const json_t *burst = hf_json_at(scenario, "workload.bursts.0");
    f->burst_start = burst ? hf_json_number_at(burst, "start_s") : -1;
    f->burst_end = burst ? f->burst_start + hf_json_number_at(burst, "duration_s") : -1;
    json_decref(scenario);
    if (!(f->interval > 0) || !(f->window > 0))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no outputs.interval_s or outputs.stabilize_window_s (not a "
                                               "run's resolved scenario)", path);
    if (cdf_rows == 0) {
        run_path(path, sizeof path, plot_dir, run->dir, "latency_cdf.csv");
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no rows (run %s completed no request, or the file is cut)", path,
                       run->name);
    }
    return true;
}

/* The end of a run's start-up transient, judged against its level before its first burst and
 * after it (or over the whole run without one). */
static bool run_startup_end(const char *plot_dir, const char *run_dir, const struct run_facts *f, double *end,
                            struct hf_error *err)
{
    char path[2 * PATH_MAX + 64];
    run_path(path, sizeof path, plot_dir, run_dir, "timeseries.csv");
    static const char *const columns[] = {"time_s", "latency_p99_rolling_ms"};
    struct hf_timeseries_columns t;
    if (!hf_timeseries_columns_load(path, columns, 2, &t, err))
        return false;
    if (t.rows == 0) {
        hf_timeseries_columns_free(&t);
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no rows (a cut file?)", path);
    }
    /* A start-up no longer than the trailing window is the window filling, not worth a mark; a
     * stretch ends after 2 windows (at least 10 rows) with no disturbed row. */
    double calm = 2 * f->window > 10 * f->interval ? 2 * f->window : 10 * f->interval;
    double reference = f->burst_start;
    if (reference < 0) /* no burst: the whole run is the reference */
        reference = t.rows ? t.values[0][t.rows - 1] : 0;
    double after_from = f->burst_start >= 0 ? f->burst_end + calm : 0;
    double after_to = f->burst_start >= 0 ? f->duration : 0;
    double e = hf_startup_transient_end(t.values[0], t.values[1], t.rows, reference, after_from, after_to, calm);
    *end = e > f->window ? e : 0;
    hf_timeseries_columns_free(&t);
    return true;
}

bool hf_plot_compare_write(FILE *out, const char *plot_dir, const struct hf_plot_run *runs, int count,
                           struct hf_plot_compare_info *info, struct hf_error *err)
{
    memset(info, 0, sizeof *info);
    struct run_facts *facts = calloc(count > 0 ? (size_t)count : 1, sizeof *facts);
    double *startup = calloc(count > 0 ? (size_t)count : 1, sizeof *startup);
    bool ok = (facts && startup) || hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (int r = 0; ok && r < count; r++)
        ok = read_run(plot_dir, &runs[r], &facts[r], err) && run_startup_end(plot_dir, runs[r].dir, &facts[r],
                                                                             &startup[r], err);
    /* The trailing-window curves compare only when computed alike. */
    for (int r = 1; ok && r < count; r++)
        if (facts[r].interval != facts[0].interval || facts[r].window != facts[0].window)
            ok = hf_fail(err, HF_EXIT_BAD_INPUT,
                         "runs %s and %s have different outputs.interval_s or stabilize_window_s (%g/%g s against "
                         "%g/%g s): their curves would not compare; chart them apart",
                         runs[0].name, runs[r].name, facts[0].interval, facts[0].window, facts[r].interval,
                         facts[r].window);
    if (!ok) {
        free(facts);
        free(startup);
        return false;
    }
    int scenarios = 0;
    info->burst = count > 0 && facts[0].burst_start >= 0;
    for (int r = 0; r < count; r++) {
        bool seen = false;
        for (int q = 0; q < r; q++)
            seen = seen || strcmp(facts[q].name, facts[r].name) == 0;
        scenarios += !seen;
        if (facts[r].burst_start != facts[0].burst_start || facts[r].burst_end != facts[0].burst_end) {
            info->burst = false;
            info->bursts_differ = true;
        }
    }
    if (scenarios <= 1)
        snprintf(info->title, sizeof info->title, "%s", count ? facts[0].name : "");
    else
        snprintf(info->title, sizeof info->title, "%d runs of %d scenarios", count, scenarios);
    info->window_s = count ? facts[0].window : 0;
    /* The longest start-up is hatched; every one is named in the caption. */
    int longest = -1;
    for (int r = 0; r < count; r++) {
        if (startup[r] <= 0)
            continue;
        if (longest < 0 || startup[r] > startup[longest])
            longest = r;
        size_t used = strlen(info->startup_runs);
        snprintf(info->startup_runs + used, sizeof info->startup_runs - used, "%s%s %.0f s", used ? ", " : "",
                 runs[r].name, startup[r]);
    }
    info->startup_end_s = longest >= 0 ? startup[longest] : 0;
    /* The axis label has room for a few names; beyond that it names the longest (the caption has all). */
    char startup_label[1100];
    if (longest < 0 || count <= 4)
        snprintf(startup_label, sizeof startup_label, "%s", info->startup_runs);
    else
        snprintf(startup_label, sizeof startup_label, "longest: %s %.0f s; all in the caption", runs[longest].name,
                 startup[longest]);

    fprintf(out, "# Written by hfsim: redraw with `gnuplot plot.gp` in this directory (-e \"ext='svg'\" for SVG),\n"
                 "# or `hfsim plot` on it.\nn = %d\narray run_dir[n]\narray run_name[n]\n", count);
    for (int r = 0; r < count; r++) {
        fprintf(out, "run_dir[%d] = ", r + 1);
        ok = hf_gnuplot_quote(out, runs[r].dir) && ok;
        fprintf(out, "\nrun_name[%d] = ", r + 1);
        ok = hf_gnuplot_quote(out, runs[r].name) && ok;
        fputc('\n', out);
    }
    fputs("scenario = ", out);
    ok = hf_gnuplot_quote(out, info->title) && ok;
    fprintf(out, "\nwindow = %.17g\ninterval = %.17g\nburst_start = %.17g\nburst_end = %.17g\n"
                 "startup_end = %.17g\nstartup_runs = ",
            info->window_s, count ? facts[0].interval : 1, info->burst ? facts[0].burst_start : -1,
            info->burst ? facts[0].burst_end : -1, info->startup_end_s);
    ok = hf_gnuplot_quote(out, startup_label) && ok;
    fputc('\n', out);
    hf_metric_labels_gnuplot(out);
    fputc('\n', out);
    fputs(hf_compare_plot_script, out);
    free(facts);
    free(startup);
    if (!ok)
        return hf_fail(err, HF_EXIT_USAGE, "a run's name or directory holds a newline: it cannot be plotted");
    return true;
}

size_t hf_plot_compare_captions(const struct hf_plot_compare_info *info, struct hf_report_plot *plots,
                                char captions[HF_PLOT_COMPARE_PLOTS][1536])
{
    char marks[1200] = "";
    if (info->burst)
        snprintf(marks, sizeof marks, "; shaded: the burst");
    else if (info->bursts_differ)
        snprintf(marks, sizeof marks, "; the runs' bursts differ, so none is shaded");
    if (info->startup_end_s > 0)
        snprintf(marks + strlen(marks), sizeof marks - strlen(marks),
                 "; hatched: the start-up, each run scaling from its initial containers to the first load (%s)",
                 info->startup_runs);
    snprintf(captions[0], 1536,
             "Response time over time: p50 (solid) and p99 (dashed), each point over the trailing %g s%s.",
             info->window_s, marks);
    snprintf(captions[1], 1536, "Containers asked for (pale band) and ready (line): where the line lags the band, "
                                "containers are starting%s.", marks);
    snprintf(captions[2], 1536, "Cores allocated but idle (allocated minus used), mean over the trailing %g s: the "
                                "CPU each run holds without using it%s.", info->window_s, marks);
    snprintf(captions[3], 1536, "Distribution of the response times of all completed requests, start-up included.");
    snprintf(captions[4], 1536, "Cumulative cold starts and HyperFaaS phase actions (resizes, specializations, "
                                "bounces); series that stay at zero are left out and named in the panel's title%s.",
             marks);
    static const char *const files[] = {"latency", "containers", "cpu", "latency_cdf", "actions"};
    for (size_t i = 0; i < HF_PLOT_COMPARE_PLOTS; i++)
        plots[i] = (struct hf_report_plot){.file = files[i], .caption = captions[i]};
    return HF_PLOT_COMPARE_PLOTS;
}
