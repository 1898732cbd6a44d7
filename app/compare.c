#include "app/compare.h"

#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/gnuplot.h"
#include "app/plot_compare.h"
#include "app/policy_list.h"
#include "app/run.h"
#include "app/scenario.h"
#include "app/scenario_fit.h"
#include "app/summary_columns.h"
#include "policies/registry.h"
#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "sim/results.h"
#include "sim/schema.h"

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

/* plot.gp: the comparison's own values first, then the embedded script (app/plot_compare.h). */
static bool write_plot_script(struct hf_results *res, const char *const *names, int n, const json_t *scenario,
                              struct hf_plot_compare_info *info, struct hf_error *err)
{
    FILE *f = hf_results_open(res, "plot.gp", err);
    if (!f)
        return false;
    struct hf_plot_run runs[HF_POLICY_LIST_MAX];
    for (int p = 0; p < n; p++)
        runs[p] = (struct hf_plot_run){.name = names[p], .dir = names[p]};
    if (!hf_plot_compare_write(f, res->tmp_dir, runs, n, scenario, info, err)) {
        fclose(f);
        return false;
    }
    return hf_results_close(res, f, "plot.gp", err);
}

static void print_table(const char *const *names, int n, json_t **summaries)
{
    printf("%-17s", "policy"); /* "keepalive-window" and a space */
    for (size_t c = 0; c < hf_summary_column_count; c++)
        printf(" %*s", (int)(strlen(hf_summary_columns[c].name) > 9 ? strlen(hf_summary_columns[c].name) : 9), hf_summary_columns[c].name);
    putchar('\n');
    for (int p = 0; p < n; p++) {
        printf("%-17s", names[p]);
        for (size_t c = 0; c < hf_summary_column_count; c++) {
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

static bool write_csv(struct hf_results *res, const char *const *names, int n, json_t **summaries, struct hf_error *err)
{
    FILE *f = hf_results_open(res, "comparison.csv", err);
    if (!f)
        return false;
    fputs("policy", f);
    for (size_t c = 0; c < hf_summary_column_count; c++)
        fprintf(f, ",%s", hf_summary_columns[c].name);
    fputc('\n', f);
    for (int p = 0; p < n; p++) {
        fputs(names[p], f);
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
    return hf_results_close(res, f, "comparison.csv", err);
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
    struct hf_results res;
    json_t *summaries[HF_POLICY_LIST_MAX] = {0};
    bool ok = precheck(o, names, n, err) && hf_out_dir_check_outside(out, "--out", err) &&
              hf_results_begin_kind(&res, out, HF_OUT_KIND_COMPARISON, err);
    struct hf_plot_compare_info plot_info;
    for (int p = 0; ok && p < n; p++) {
        json_t *scenario = load_scenario(o, names[p], err);
        ok = scenario != NULL;
        char dir[PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/%s", res.tmp_dir, names[p]);
        if (ok && o->progress)
            fprintf(stderr, "hfsim: compare [%d/%d] %s\n", p + 1, n, names[p]);
        struct hf_run_options run = {.out_dir = dir, .progress = o->progress};
        struct hf_run_report report;
        ok = ok && hf_run_scenario(scenario, &run, &report, err);
        json_decref(scenario);
        if (ok) {
            char path[PATH_MAX + 96];
            snprintf(path, sizeof path, "%s/summary.json", dir);
            json_error_t jerr;
            summaries[p] = json_load_file(path, 0, &jerr);
            if (!summaries[p])
                ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, jerr.text);
        }
    }
    ok = ok && write_csv(&res, names, n, summaries, err) && write_plot_script(&res, names, n, base, &plot_info, err);
    if (ok && o->plots)
        hf_gnuplot_draw(res.tmp_dir, "plot.gp", "compare", out);
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
