#include "app/compare.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/csv_field.h"
#include "app/gnuplot.h"
#include "app/plot_compare.h"
#include "app/replace_file.h"
#include "app/report.h"
#include "app/study.h"
#include "version.h"
#include "app/policy_list.h"
#include "app/run.h"
#include "app/scenario.h"
#include "app/scenario_fit.h"
#include "app/worker_pool.h"
#include "app/summary_columns.h"
#include "policies/registry.h"
#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "sim/json_file.h"
#include "traces/csv_stream.h"

extern const char hf_compare_default_scenario_json[];


const char *hf_compare_default_scenario_text(void) { return hf_compare_default_scenario_json; }

static json_t *load_scenario(const struct hf_compare_options *o, const char *policy, struct hf_error *err)
{
    const char **sets = malloc((o->override_count + 1) * sizeof *sets);
    char policy_set[96];
    if (!sets) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    for (size_t i = 0; i < o->override_count; i++)
        sets[i] = o->overrides[i];
    size_t n = o->override_count;
    if (policy) {
        snprintf(policy_set, sizeof policy_set, "policy=\"%s\"", policy);
        sets[n++] = policy_set;
    }
    json_t *s = hf_compare_scenario(o->scenario_path, sets, n, err);
    free(sets);
    return s;
}

json_t *hf_compare_scenario(const char *path, const char *const *overrides, size_t override_count,
                            struct hf_error *err)
{
    return path ? hf_scenario_load(path, overrides, override_count, err)
                : hf_scenario_parse(hf_compare_default_scenario_json, strlen(hf_compare_default_scenario_json),
                                    "(embedded figure1-hpa-burst.json)", overrides, override_count, err);
}

/* Before anything runs: every policy fits the model, and each --set is read by some policy's run
 * (one that all of them ignore would change nothing and say nothing). One that only some ignore is
 * usual in a comparison (hpa.* beside hyperfaas) and is said, not refused. */
static bool precheck(const struct hf_compare_options *o, const char *const *names, int n, struct hf_error *err)
{
    bool ok = true;
    size_t sets = o->override_count < 64 ? o->override_count : 64;
    int readers[64] = {0};
    char why[64][256], ignored_by[64][256];
    for (size_t i = 0; i < sets; i++)
        ignored_by[i][0] = '\0';
    for (size_t i = 0; ok && i < sets; i++)
        if (strncmp(o->overrides[i], "policy=", 7) == 0)
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "--set %s: a comparison's policies are given with --policies A,B",
                         o->overrides[i]);
    for (int p = 0; ok && p < n; p++) {
        json_t *scenario = load_scenario(o, names[p], err);
        ok = scenario && hf_scenario_check_fit(scenario, err);
        for (size_t i = 0; ok && i < sets; i++) {
            if (!hf_scenario_ignores(scenario, o->overrides[i], why[i], sizeof why[i]))
                readers[i]++;
            else
                snprintf(ignored_by[i] + strlen(ignored_by[i]), sizeof ignored_by[i] - strlen(ignored_by[i]), "%s%s",
                         ignored_by[i][0] ? ", " : "", names[p]);
        }
        json_decref(scenario);
    }
    for (size_t i = 0; ok && i < sets; i++) {
        if (readers[i] == 0)
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "--set %s: no policy of this comparison reads it (%s)",
                         o->overrides[i], why[i]);
        else if (readers[i] < n)
            fprintf(stderr, "hfsim: compare: note: --set %s applies to some policies only; %s ignore%s it\n",
                    o->overrides[i], ignored_by[i], readers[i] == n - 1 ? "s" : "");
    }
    return ok;
}

/* A comparison made before study.json existed: its runs are the rows of comparison.csv, each in the
 * subdirectory of its policy's name; what was run is read from the first run's scenario. */
static bool legacy_study(const char *dir, const char *shown_dir, struct hf_study *study, struct hf_error *err)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/comparison.csv", dir);
    struct hf_csv_reader *csv;
    if (!hf_csv_open(&csv, path, err))
        return false;
    struct hf_csv_row row;
    int got;
    bool ok = true;
    for (uint64_t line = 0; ok && (got = hf_csv_next(csv, &row, err)) > 0; line++)
        if (line > 0 && row.count > 0)
            ok = hf_study_run(study, row.fields[0], row.fields[0]) ||
                 hf_fail(err, HF_EXIT_BAD_INPUT, "%s: more than %d runs", path, HF_STUDY_MAX_RUNS);
    hf_csv_close(csv);
    if (!ok || got < 0)
        return false;
    if (study->run_count == 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no runs", path);
    snprintf(path, sizeof path, "%s/%s/config.json", dir, study->runs[0].dir);
    json_t *scenario = hf_json_load_file(path, err);
    if (!scenario)
        return false;
    snprintf(study->kind, sizeof study->kind, "%s", HF_OUT_KIND_COMPARISON);
    snprintf(study->title, sizeof study->title, "hfsim compare: %s, seed %lld", hf_json_string_at(scenario, "name"),
             hf_json_int_at(scenario, "seed"));
    hf_study_fact(study, "Scenario", "%s", hf_json_string_at(scenario, "name"));
    char policies[1024] = "";
    for (size_t r = 0; r < study->run_count; r++)
        snprintf(policies + strlen(policies), sizeof policies - strlen(policies), "%s%s", r ? ", " : "",
                 study->runs[r].name);
    hf_study_fact(study, "Policies", "%s", policies);
    hf_study_fact(study, "Seed", "%lld", hf_json_int_at(scenario, "seed"));
    hf_study_fact(study, "hfsim", "%s (runs: %s; %s has no study.json, made by an earlier hfsim)", HF_VERSION,
                  hf_json_string_at(scenario, "hfsim_version"), shown_dir);
    json_decref(scenario);
    return true;
}

bool hf_compare_redraw(const char *dir, const char *shown_dir, bool draw, bool *drawn, struct hf_error *err)
{
    if (drawn)
        *drawn = false;
    struct hf_study *study = calloc(1, sizeof *study);
    if (!study)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/study.json", dir);
    struct stat st;
    bool ok = stat(path, &st) == 0 ? hf_study_load(dir, study, err) : legacy_study(dir, shown_dir, study, err);
    if (ok && (strcmp(study->kind, HF_OUT_KIND_COMPARISON) != 0 || study->run_count == 0))
        ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s/study.json: not a comparison with runs", shown_dir);
    struct hf_plot_run runs[HF_STUDY_MAX_RUNS];
    for (size_t r = 0; ok && r < study->run_count; r++)
        runs[r] = (struct hf_plot_run){.name = study->runs[r].name, .dir = study->runs[r].dir};
    /* plot.gp is replaced only when complete: a failed redraw keeps the one that worked. */
    struct hf_replace_file gp;
    struct hf_plot_compare_info info;
    FILE *f = ok ? hf_replace_file_open(&gp, dir, "plot.gp", err) : NULL;
    ok = f && hf_replace_file_commit(&gp, hf_plot_compare_write(f, dir, runs, (int)study->run_count, &info, err),
                                     err);
    bool plotted = ok && draw && hf_gnuplot_draw(dir, "plot.gp", "plot", shown_dir);
    if (drawn)
        *drawn = plotted;
    struct hf_report_plot plots[HF_PLOT_COMPARE_PLOTS];
    static char captions[HF_PLOT_COMPARE_PLOTS][1536];
    size_t plot_count = ok ? hf_plot_compare_captions(&info, plots, captions) : 0;
    struct hf_report_fact facts[HF_STUDY_MAX_FACTS];
    for (size_t i = 0; ok && i < study->fact_count; i++)
        facts[i] = (struct hf_report_fact){.name = study->facts[i].name, .value = study->facts[i].value};
    struct hf_report report = {.title = study->title, .facts = facts, .fact_count = study->fact_count,
                               .table_file = "comparison.csv", .table_transposed = true, .plots = plots,
                               .plot_count = plot_count};
    ok = ok && hf_report_write(dir, &report, err);
    free(study);
    return ok;
}

/* study.json: what report.html says was run, and the runs that hfsim plot redraws. */
static bool write_study(const char *dir, const struct hf_compare_options *o, const char *const *names, int n,
                        const json_t *scenario, struct hf_error *err)
{
    struct hf_study study = {.kind = HF_OUT_KIND_COMPARISON};
    snprintf(study.title, sizeof study.title, "hfsim compare: %s, seed %lld", hf_json_string_at(scenario, "name"),
             hf_json_int_at(scenario, "seed"));
    hf_study_scenario_facts(&study, scenario,
                            o->scenario_path ? o->scenario_path : "embedded (scenarios/figure1-hpa-burst.json)",
                            o->overrides, o->override_count);
    char policies[1024] = "";
    for (int p = 0; p < n; p++)
        snprintf(policies + strlen(policies), sizeof policies - strlen(policies), "%s%s", p ? ", " : "", names[p]);
    hf_study_fact(&study, "Policies", "%s (one run each, same workload)", policies);
    hf_study_fact(&study, "Seed", "%lld", hf_json_int_at(scenario, "seed"));
    hf_study_fact(&study, "Arrivals", "%g s, then up to %g s to drain", hf_json_number_at(scenario, "duration_s"),
                  hf_json_number_at(scenario, "drain_s"));
    hf_study_fact(&study, "hfsim", "%s", HF_VERSION);
    for (int p = 0; p < n; p++)
        hf_study_run(&study, names[p], names[p]);
    return hf_study_save(dir, &study, err);
}

/* The terminal's table: a column no run has a value for (no burst, no image transfers, no isolates)
 * is left out here; comparison.csv keeps every column. */
static void print_table(const char *const *names, int n, json_t **summaries)
{
    bool shown[64] = {false};
    for (size_t c = 0; c < hf_summary_column_count && c < 64; c++)
        for (int p = 0; p < n && !shown[c]; p++)
            hf_summary_value(summaries[p], &hf_summary_columns[c], &shown[c]);
    printf("%-17s", "policy"); /* "keepalive-window" and a space */
    for (size_t c = 0; c < hf_summary_column_count && c < 64; c++)
        if (shown[c])
            printf(" %*s", (int)(strlen(hf_summary_columns[c].name) > 9 ? strlen(hf_summary_columns[c].name) : 9),
                   hf_summary_columns[c].name);
    putchar('\n');
    for (int p = 0; p < n; p++) {
        printf("%-17s", names[p]);
        for (size_t c = 0; c < hf_summary_column_count && c < 64; c++) {
            if (!shown[c])
                continue;
            bool present;
            double v = hf_summary_value(summaries[p], &hf_summary_columns[c], &present);
            char text[64] = "-";
            if (present)
                snprintf(text, sizeof text, hf_summary_columns[c].format, v);
            printf(" %*s", (int)(strlen(hf_summary_columns[c].name) > 9 ? strlen(hf_summary_columns[c].name) : 9), text);
        }
        putchar('\n');
    }
}

void hf_compare_write_table(FILE *f, const char *const *names, int n, json_t *const *summaries)
{
    fputs("policy", f);
    for (size_t c = 0; c < hf_summary_column_count; c++)
        fprintf(f, ",%s", hf_summary_columns[c].name);
    fputc('\n', f);
    for (int p = 0; p < n; p++) {
        hf_csv_field(f, names[p]);
        for (size_t c = 0; c < hf_summary_column_count; c++) {
            bool present;
            double v = hf_summary_value(summaries[p], &hf_summary_columns[c], &present);
            if (present)
                fprintf(f, ",%.6g", v);
            else
                fputc(',', f); /* absent (no burst, no VMs): empty, not 0 */
        }
        fputc('\n', f);
    }
}

static bool write_csv(struct hf_results *res, const char *const *names, int n, json_t **summaries, struct hf_error *err)
{
    FILE *f = hf_results_open(res, "comparison.csv", err);
    if (!f)
        return false;
    hf_compare_write_table(f, names, n, summaries);
    return hf_results_close(res, f, "comparison.csv", err);
}

/* The runs of a comparison, for the worker pool. */
struct policy_jobs {
    const struct hf_compare_options *o;
    const char *const *names;
    const char *dir;
};

/* One policy's run in a worker; prints its own failure. */
static enum hf_job_outcome run_policy(void *ctx, uint64_t index)
{
    const struct policy_jobs *j = ctx;
    struct hf_error err = {0};
    json_t *scenario = load_scenario(j->o, j->names[index], &err);
    char dir[PATH_MAX + 64];
    snprintf(dir, sizeof dir, "%s/%s", j->dir, j->names[index]);
    return hf_pool_run_scenario(scenario, &err, dir, "compare", j->names[index]);
}

bool hf_compare(const struct hf_compare_options *o, char *written, size_t written_size, struct hf_error *err)
{
    struct hf_policy_list list;
    if (!hf_policy_list_parse(&list, o->policies ? o->policies : HF_COMPARE_DEFAULT_POLICIES, err))
        return false;
    const char *const *names = list.names;
    int n = list.count;
    /* Validate the scenario (and every policy's section) before anything is written. */
    json_t *base = load_scenario(o, NULL, err);
    if (!base)
        return false;
    char out[PATH_MAX];
    if (o->out_dir)
        snprintf(out, sizeof out, "%s", o->out_dir);
    else
        snprintf(out, sizeof out, "results/compare-%s-%lld", hf_json_string_at(base, "name"),
                 hf_json_int_at(base, "seed"));
    struct hf_results res = {0}; /* abort reads it even when begin never ran */
    json_t *summaries[HF_POLICY_LIST_MAX] = {0};
    bool ok = precheck(o, names, n, err) && hf_out_dir_check_outside(out, "--out", err) &&
              hf_results_begin_kind(&res, out, HF_OUT_KIND_COMPARISON, err);
    /* The policies' runs in worker processes (app/worker_pool.h), one per CPU by default: each run is
     * seeded by its scenario and writes its own subdirectory, so the result does not depend on the
     * number of workers. */
    struct policy_jobs jobs = {o, names, res.tmp_dir};
    struct hf_pool_result pool;
    ok = ok && hf_pool_run(o->jobs, (uint64_t)n, run_policy, &jobs, o->progress, "compare", &pool, err);
    if (ok && pool.signo)
        ok = hf_fail(err, (enum hf_exit)(HF_EXIT_SIGNAL + pool.signo), "interrupted");
    else if (ok && (pool.crashed || pool.done < (uint64_t)n))
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "compare: %llu of %d runs did not finish (above)",
                     (unsigned long long)((uint64_t)n - pool.done), n);
    for (int p = 0; ok && p < n; p++) {
        char path[PATH_MAX + 96];
        snprintf(path, sizeof path, "%s/%s/summary.json", res.tmp_dir, names[p]);
        json_error_t jerr;
        summaries[p] = json_load_file(path, 0, &jerr);
        if (!summaries[p])
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, jerr.text);
    }
    ok = ok && write_csv(&res, names, n, summaries, err) && write_study(res.tmp_dir, o, names, n, base, err) &&
         hf_compare_redraw(res.tmp_dir, out, o->plots, NULL, err);
    ok = ok && hf_results_commit(&res, err);
    if (!ok)
        hf_results_abort(&res);
    if (!ok && err->code >= HF_EXIT_SIGNAL) /* name the comparison, not the run inside it */
        hf_fail(err, err->code, "interrupted by %s: removed the half-written %s",
                hf_interrupt_name((int)err->code - HF_EXIT_SIGNAL), out);
    else {
        bool any = false; /* a refusal before any run prints no table of dashes */
        for (int p = 0; p < n; p++)
            any = any || summaries[p];
        if (any)
            print_table(names, n, summaries);
        snprintf(written, written_size, "%s", out);
    }
    for (int p = 0; p < n; p++)
        json_decref(summaries[p]);
    json_decref(base);
    return ok;
}
