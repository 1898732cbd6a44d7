#include "app/validate.h"
#include "policies/registry.h"

#include "app/scenario_fit.h"
#include "sim/out_dir.h"

#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/gnuplot.h"
#include "app/metric_labels.h"
#include "app/replace_file.h"
#include "app/report.h"
#include "app/study.h"
#include "app/profile.h"
#include "app/run.h"
#include "app/scenario.h"
#include "live/docker.h"
#include "live/live_run.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "version.h"

static const struct {
    const char *name, *path;
} metrics[] = {
    {"completed", "requests.completed"},   {"failed", "requests.failed.total"},
    {"latency_mean_ms", "latency_ms.mean"}, {"latency_p50_ms", "latency_ms.p50"},
    {"latency_p90_ms", "latency_ms.p90"},   {"latency_p99_ms", "latency_ms.p99"},
    {"cold_starts", "cold_starts"},         {"resizes", "resizes"},
    {"containers_max", "_containers.max"},  {"containers_mean", "_containers.mean"},
    {"cpu_core_s_alloc", "cpu_core_s.allocated"}, {"cpu_core_s_used", "cpu_core_s.used"},
    {"memory_gb_s", "memory_gb_s"},
};
#define METRIC_COUNT (sizeof metrics / sizeof metrics[0])

static json_t *load_json(const char *dir, const char *name, struct hf_error *err)
{
    char path[4 * PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    if (!j)
        hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, jerr.text);
    return j;
}

/* The most and the mean containers asked for (timeseries.csv's replicas column), added to a
 * loaded summary as "_containers": live and simulated runs write the same columns. */
static bool add_container_counts(json_t *summary, const char *dir, struct hf_error *err)
{
    char path[4 * PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot open", path);
    char line[4096];
    int column = -1;
    if (fgets(line, sizeof line, f)) {
        int c = 0;
        for (char *save = NULL, *name = strtok_r(line, ",\n", &save); name; name = strtok_r(NULL, ",\n", &save), c++)
            if (strcmp(name, "replicas") == 0)
                column = c;
    }
    double max = 0, sum = 0;
    long rows = 0;
    while (column >= 0 && fgets(line, sizeof line, f)) {
        char *p = line;
        for (int c = 0; c < column && p; c++)
            p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL;
        if (!p)
            continue;
        double v = strtod(p, NULL);
        max = v > max ? v : max;
        sum += v;
        rows++;
    }
    fclose(f);
    if (column < 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: no replicas column", path);
    json_object_set_new(summary, "_containers",
                        json_pack("{s:f, s:f}", "max", max, "mean", rows ? sum / (double)rows : 0.0));
    return true;
}

static double metric(const json_t *summary, size_t m)
{
    const json_t *v = hf_json_at(summary, metrics[m].path);
    return v ? json_number_value(v) : NAN;
}

/* validation.csv and the table on stdout: each metric simulated (and calibrated), live, and the
 * relative errors (simulated minus live, over live). */
static bool write_table(struct hf_results *res, json_t *const sums[3], bool calibrated, struct hf_error *err)
{
    FILE *f = hf_results_open(res, "validation.csv", err);
    if (!f)
        return false;
    fprintf(f, "metric,sim,%slive,sim_error%s\n", calibrated ? "sim_calibrated," : "",
            calibrated ? ",sim_calibrated_error" : "");
    printf("%-16s %12s %14s %12s %10s %10s\n", "metric", "sim", calibrated ? "sim-calibrated" : "", "live",
           "sim err", calibrated ? "calib err" : "");
    for (size_t m = 0; m < METRIC_COUNT; m++) {
        double s = metric(sums[0], m), l = metric(sums[2], m), c = calibrated ? metric(sums[1], m) : NAN;
        double es = l != 0 ? (s - l) / l : NAN, ec = l != 0 ? (c - l) / l : NAN;
        fprintf(f, "%s,%.6g,", metrics[m].name, s);
        if (calibrated)
            fprintf(f, "%.6g,", c);
        fprintf(f, "%.6g,%.4f", l, es);
        if (calibrated)
            fprintf(f, ",%.4f", ec);
        fputc('\n', f);
        char cs[32] = "", ecs[32] = "", ess[32] = "n/a";
        if (calibrated) {
            snprintf(cs, sizeof cs, "%.1f", c);
            snprintf(ecs, sizeof ecs, isfinite(ec) ? "%+.1f%%" : "n/a", 100 * ec);
        }
        if (isfinite(es))
            snprintf(ess, sizeof ess, "%+.1f%%", 100 * es);
        printf("%-16s %12.1f %14s %12.1f %10s %10s\n", metrics[m].name, s, cs, l, ess, ecs);
    }
    return hf_results_close(res, f, "validation.csv", err);
}

/* validation.gp: the latency CDFs and the timeline (containers, p99) of the runs side by side. */
static void write_plot_script(FILE *gp, const json_t *scenario, bool calibrated)
{
    hf_metric_labels_gnuplot(gp);
    fprintf(gp, "# Latency distributions: simulated vs live. Run in this directory:\n"
                "#   gnuplot -e \"ext='png'\" validation.gp\n"
                "if (!exists(\"ext\")) ext = 'png'\n"
                "if (ext eq 'svg') { set terminal svg size 900,520 dynamic font 'sans,11' } "
                "else { set terminal pngcairo size 900,520 font 'sans,10' }\n"
                "set termoption noenhanced\nset datafile separator ','\nset grid\nset key inside right bottom\n"
                "# The x axis covers the data and a margin, not the decades around it: autoscaled to a\n"
                "# decade, it began at the fastest response (100 ms) and hid the step where a third of the\n"
                "# simulated requests took exactly that.\n"
                "lo = 1e300; hi = 0\n"
                "do for [f in 'sim/latency_cdf.csv live/latency_cdf.csv%s'] {\n"
                "    stats f using 2 every ::1 nooutput\n"
                "    lo = STATS_min < lo ? STATS_min : lo; hi = STATS_max > hi ? STATS_max : hi\n"
                "}\n"
                "set xrange [lo / 1.25 : hi * 1.25]\n"
                "set xtics (0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, "
                "50000, 100000, 200000, 500000, 1000000)\n"
                "set output 'latency_cdf.'.ext\n"
                "set title '%s, policy %s: simulated vs live response times'\n"
                "set xlabel 'response time (ms), log scale'\nset ylabel L_latency_cdf\n"
                "set logscale x\nset yrange [0:1]\n"
                "plot 'sim/latency_cdf.csv' using 2:1 every ::1 with lines lw 2 title 'simulated'%s, "
                "'live/latency_cdf.csv' using 2:1 every ::1 with lines lw 2 title 'live'\n",
            calibrated ? " sim-calibrated/latency_cdf.csv" : "", hf_json_string_at(scenario, "name"),
            hf_json_string_at(scenario, "policy"),
            calibrated ? ", 'sim-calibrated/latency_cdf.csv' using 2:1 every ::1 with lines lw 2 dt 2 "
                         "title 'simulated, calibrated'"
                       : "");
    /* Over time: containers asked for (column 8 of timeseries.csv, replicas) and the p99 over
     * the trailing window (column 21, latency_p99_rolling_ms). */
    /* The legend sits outside the data (it covered the p99 curves), and both panels keep the same
     * left margin so that their time axes line up. */
    fprintf(gp, "\nunset logscale x\nset autoscale\nset xtics autofreq\nset autoscale xfix\n"
                "set offsets 0, 0, graph 0.1, 0\nset key outside right top\nset lmargin 10\nset xlabel L_time_s\n"
                "set output 'timeline.'.ext\nset multiplot layout 2,1 title '%s, policy %s: simulated vs live'\n"
                "set title L_replicas\nset ylabel 'containers'\nset yrange [0:*]\n"
                "plot 'sim/timeseries.csv' using 1:8 every ::1 with steps lw 2 title 'simulated'%s, "
                "'live/timeseries.csv' using 1:8 every ::1 with steps lw 2 title 'live'\n"
                "set title L_latency_p99_rolling_ms\nset ylabel 'ms'\n"
                "plot 'sim/timeseries.csv' using 1:21 every ::1 with lines lw 2 title 'simulated'%s, "
                "'live/timeseries.csv' using 1:21 every ::1 with lines lw 2 title 'live'\n"
                "unset multiplot\n",
            hf_json_string_at(scenario, "name"), hf_json_string_at(scenario, "policy"),
            calibrated ? ", 'sim-calibrated/timeseries.csv' using 1:8 every ::1 with steps lw 2 dt 2 "
                         "title 'simulated, calibrated'" : "",
            calibrated ? ", 'sim-calibrated/timeseries.csv' using 1:21 every ::1 with lines lw 2 dt 2 "
                         "title 'simulated, calibrated'" : "");
}

bool hf_validate_redraw(const char *dir, const char *shown_dir, bool draw, bool *drawn, struct hf_error *err)
{
    if (drawn)
        *drawn = false;
    struct hf_study study;
    if (!hf_study_load(dir, &study, err))
        return false;
    if (strcmp(study.kind, HF_OUT_KIND_VALIDATION) != 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s/study.json: not a validation", shown_dir);
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/sim-calibrated", dir);
    struct stat st;
    bool calibrated = stat(path, &st) == 0 && S_ISDIR(st.st_mode);
    json_t *scenario = load_json(dir, "sim/config.json", err);
    json_t *live = scenario ? load_json(dir, "live/summary.json", err) : NULL;
    if (!live) {
        json_decref(scenario);
        return false;
    }
    struct hf_replace_file replace;
    FILE *gp = hf_replace_file_open(&replace, dir, "validation.gp", err);
    if (gp)
        write_plot_script(gp, scenario, calibrated);
    bool ok = gp && hf_replace_file_commit(&replace, true, err);
    if (ok && draw && hf_gnuplot_draw(dir, "validation.gp", "validate", shown_dir) && drawn)
        *drawn = true;
    /* What the live side measured about its own machine goes above the plots. */
    const json_t *warnings = hf_json_at(live, "live.contention.warnings");
    const char *notes[8];
    size_t note_count = 0;
    for (size_t w = 0; w < json_array_size(warnings) && note_count < 8; w++)
        notes[note_count++] = json_string_value(json_array_get(warnings, w));
    struct hf_report_fact facts[HF_STUDY_MAX_FACTS];
    for (size_t i = 0; i < study.fact_count; i++)
        facts[i] = (struct hf_report_fact){.name = study.facts[i].name, .value = study.facts[i].value};
    const struct hf_report_plot plots[] = {
        {"latency_cdf", calibrated ? "Response-time distributions: simulated, simulated with the calibrated profile "
                                     "(dashed) and live."
                                   : "Response-time distributions: simulated and live."},
        {"timeline", "Over time, simulated and live: containers asked for (top) and the p99 response time over the "
                     "trailing window (bottom)."},
    };
    struct hf_report report = {.title = study.title, .facts = facts, .fact_count = study.fact_count,
                               .table_file = "validation.csv", .notes = notes, .note_count = note_count,
                               .plots = plots, .plot_count = 2};
    ok = ok && hf_report_write(dir, &report, err);
    json_decref(live);
    json_decref(scenario);
    return ok;
}

/* study.json: what report.html says was run. */
static bool write_study(const char *dir, const struct hf_validate_options *o, const json_t *scenario,
                        const char *hosts, struct hf_error *err)
{
    struct hf_study study = {.kind = HF_OUT_KIND_VALIDATION};
    snprintf(study.title, sizeof study.title, "hfsim validate: %s, policy %s", hf_json_string_at(scenario, "name"),
             hf_json_string_at(scenario, "policy"));
    hf_study_scenario_facts(&study, scenario, o->scenario_path, o->overrides, o->override_count);
    hf_study_fact(&study, "Policy", "%s", hf_json_string_at(scenario, "policy"));
    hf_study_fact(&study, "Seed", "%lld", hf_json_int_at(scenario, "seed"));
    hf_study_fact(&study, "Live engines", "%s", hosts);
    hf_study_fact(&study, "Calibration profile", "%s", o->profile ? o->profile : "none");
    hf_study_fact(&study, "hfsim", "%s", HF_VERSION);
    return hf_study_save(dir, &study, err);
}

/* The calibrated scenario: the profile's fields, then the same overrides. */
static json_t *load_calibrated(const struct hf_validate_options *o, struct hf_error *err)
{
    char **profile = NULL;
    size_t profile_count = 0;
    if (!hf_profile_overrides(o->profile, &profile, &profile_count, err))
        return NULL;
    const char **all = malloc((profile_count + o->override_count + 1) * sizeof *all);
    json_t *calibrated = NULL;
    if (!all) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    } else {
        for (size_t i = 0; i < profile_count; i++)
            all[i] = profile[i];
        for (size_t i = 0; i < o->override_count; i++)
            all[profile_count + i] = o->overrides[i];
        calibrated = hf_scenario_load(o->scenario_path, all, profile_count + o->override_count, err);
    }
    free(all);
    hf_profile_free(profile, profile_count);
    return calibrated;
}

bool hf_validate(const struct hf_validate_options *o, struct hf_error *err)
{
    json_t *scenario = hf_scenario_load(o->scenario_path, o->overrides, o->override_count, err);
    if (!scenario)
        return false;
    /* Refused before anything starts: an output path hfsim may not write, a policy the simulated
     * model cannot host, a --set nothing reads. */
    /* The live side is the same scenario on the live backend (model "live"); its policy must fit
     * that backend too, checked before anything is simulated. */
    json_t *live_scenario = json_deep_copy(scenario);
    if (live_scenario)
        json_object_set_new(live_scenario, "model", json_string("live"));
    if (!live_scenario || !hf_out_dir_check_kind(o->out_dir, "--out", HF_OUT_KIND_VALIDATION, err) ||
        !hf_out_dir_check_outside(o->out_dir, "--out", err) ||
        !hf_scenario_check_fit(scenario, err) || !hf_scenario_check_fit(live_scenario, err) ||
        !hf_scenario_check_sets(scenario, o->overrides, o->override_count, err)) {
        if (!live_scenario)
            hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        json_decref(live_scenario);
        json_decref(scenario);
        return false;
    }
    /* The calibrated simulation: the profile's fields, then the same overrides. */
    json_t *calibrated = NULL;
    bool ok = !o->profile || (calibrated = load_calibrated(o, err)) != NULL;
    struct hf_results res = {0}; /* abort reads it even when begin never ran */
    ok = ok && hf_results_begin_kind(&res, o->out_dir, HF_OUT_KIND_VALIDATION, err);
    bool open = ok;
    char dir[3][PATH_MAX + 32];
    snprintf(dir[0], sizeof dir[0], "%s/sim", res.tmp_dir);
    snprintf(dir[1], sizeof dir[1], "%s/sim-calibrated", res.tmp_dir);
    snprintf(dir[2], sizeof dir[2], "%s/live", res.tmp_dir);
    struct hf_run_report report;
    if (ok && o->progress)
        fprintf(stderr, "hfsim: validate: simulating\n");
    ok = ok && hf_run_scenario(scenario, &(struct hf_run_options){.out_dir = dir[0]}, &report, err);
    if (ok && calibrated)
        ok = hf_run_scenario(calibrated, &(struct hf_run_options){.out_dir = dir[1]}, &report, err);
    const char *scenario_hosts = hf_json_string_at(scenario, "live.hosts");
    const char *hosts = o->hosts ? o->hosts : *scenario_hosts ? scenario_hosts : hf_docker_default_host();
    if (ok && o->progress)
        fprintf(stderr, "hfsim: validate: running live on %s\n", hosts);
    struct hf_live_options live = {.hosts = hosts, .out_dir = dir[2], .progress = o->progress,
                                   .policy = hf_policy_find(hf_json_string_at(scenario, "policy"))};
    ok = ok && hf_live_run(live_scenario, &live, err);
    json_t *sums[3] = {NULL, NULL, NULL};
    for (int i = 0; ok && i < 3; i++)
        if (i != 1 || calibrated)
            ok = (sums[i] = load_json(dir[i], "summary.json", err)) != NULL &&
                 add_container_counts(sums[i], dir[i], err);
    ok = ok && write_table(&res, sums, calibrated != NULL, err) && write_study(res.tmp_dir, o, scenario, hosts, err);
    /* What the live side measured about its own machine: the table may not be a fair comparison. */
    const json_t *warnings = ok ? hf_json_at(sums[2], "live.contention.warnings") : NULL;
    for (size_t w = 0; w < json_array_size(warnings); w++)
        fprintf(stderr, "hfsim: validate: warning: the live run was disturbed, the comparison may not be fair: %s\n",
                json_string_value(json_array_get(warnings, w)));
    ok = ok && hf_validate_redraw(res.tmp_dir, o->out_dir, true, NULL, err);
    ok = ok && hf_results_commit(&res, err);
    if (!ok && open)
        hf_results_abort(&res);
    for (int i = 0; i < 3; i++)
        json_decref(sums[i]);
    json_decref(calibrated);
    json_decref(scenario);
    json_decref(live_scenario);
    return ok;
}
