#define _XOPEN_SOURCE 700 /* realpath */
#include "app/plot_runs.h"

#include <dirent.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/compare.h"
#include "app/study.h"
#include "sim/json_file.h"
#include "sim/out_dir.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "version.h"

/* The last component of a path, for a run's default name. */
static void base_name(const char *path, char *out, size_t size)
{
    char copy[PATH_MAX];
    snprintf(copy, sizeof copy, "%s", path);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    snprintf(out, size, "%s", basename(copy));
}

static bool add_run(struct hf_study *runs, const char *name, const char *dir, struct hf_error *err)
{
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no such run directory", dir);
    for (size_t r = 0; r < runs->run_count; r++)
        if (strcmp(runs->runs[r].dir, real) == 0)
            return hf_fail(err, HF_EXIT_USAGE, "%s: the same run twice", dir);
    return hf_study_run(runs, name, real) ||
           hf_fail(err, HF_EXIT_USAGE, "at most %d runs, with names under 128 characters", HF_STUDY_MAX_RUNS);
}

/* The runs an argument stands for. */
static bool expand(struct hf_study *runs, const char *dir, struct hf_error *err)
{
    char kind[64], base[256], name[512], path[PATH_MAX + 300];
    struct stat st;
    if (stat(dir, &st) != 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no such run directory", dir);
    if (!S_ISDIR(st.st_mode))
        return hf_fail(err, HF_EXIT_USAGE, "%s: not a directory", dir);
    hf_out_dir_kind(dir, kind, sizeof kind);
    base_name(dir, base, sizeof base);
    if (strcmp(kind, HF_OUT_KIND_RESULTS) == 0)
        return add_run(runs, base, dir, err);
    if (strcmp(kind, HF_OUT_KIND_COMPARISON) == 0) {
        struct hf_study inner;
        if (!hf_study_load(dir, &inner, err)) {
            hf_error_prefix(err, "a comparison made before hfsim wrote study.json: run it again");
            return false;
        }
        for (size_t r = 0; r < inner.run_count; r++) {
            snprintf(name, sizeof name, "%s/%s", base, inner.runs[r].name);
            if (inner.runs[r].dir[0] == '/')
                snprintf(path, sizeof path, "%s", inner.runs[r].dir);
            else
                snprintf(path, sizeof path, "%s/%s", dir, inner.runs[r].dir);
            if (!add_run(runs, name, path, err))
                return false;
        }
        return true;
    }
    if (strcmp(kind, HF_OUT_KIND_VALIDATION) == 0) {
        static const char *const sides[] = {"sim", "sim-calibrated", "live"};
        for (size_t i = 0; i < 3; i++) {
            snprintf(path, sizeof path, "%s/%s", dir, sides[i]);
            snprintf(name, sizeof name, "%s/%s", base, sides[i]);
            if (stat(path, &st) == 0 && !add_run(runs, name, path, err))
                return false;
        }
        return true;
    }
    if (strcmp(kind, HF_OUT_KIND_SWEEP) == 0)
        return hf_fail(err, HF_EXIT_USAGE, "%s: a sweep has too many runs for one chart: `hfsim plot %s` redraws "
                                           "its plots, or name some of its runs (%s/runs/POLICY/pNNNNNN)",
                       dir, dir, dir);
    return hf_fail(err, HF_EXIT_USAGE, "%s: not a directory hfsim made (no %s marker naming a run, comparison or "
                                       "validation)", dir, HF_OUT_MARKER);
}

/* --names A,B,...: one per run, in order, spaces around each trimmed. */
static bool rename_runs(struct hf_study *runs, const char *names, struct hf_error *err)
{
    char copy[4096];
    snprintf(copy, sizeof copy, "%s", names);
    size_t r = 0;
    for (char *save = NULL, *name = strtok_r(copy, ",", &save); name; name = strtok_r(NULL, ",", &save), r++) {
        while (*name == ' ')
            name++;
        size_t len = strlen(name);
        while (len > 0 && name[len - 1] == ' ')
            name[--len] = '\0';
        if (r >= runs->run_count)
            continue; /* counted, to say how many there are */
        if (len == 0 || len >= sizeof runs->runs[0].name)
            return hf_fail(err, HF_EXIT_USAGE, "--names: name %zu is %s", r + 1, len ? "128 characters or more"
                                                                                     : "empty");
        memcpy(runs->runs[r].name, name, len + 1);
    }
    if (r != runs->run_count)
        return hf_fail(err, HF_EXIT_USAGE, "--names: %zu runs to name, and the list has %zu name%s", runs->run_count,
                       r, r == 1 ? "" : "s");
    return true;
}

/* Legend names must tell the runs apart. */
static bool names_differ(const struct hf_study *runs, bool named, struct hf_error *err)
{
    for (size_t a = 0; a < runs->run_count; a++)
        for (size_t b = a + 1; b < runs->run_count; b++)
            if (strcmp(runs->runs[a].name, runs->runs[b].name) == 0)
                return hf_fail(err, HF_EXIT_USAGE, named ? "--names: '%s' twice"
                                                         : "two runs are called '%s': name them with --names A,B,...",
                               runs->runs[a].name);
    return true;
}

/* An existing --out is replaced only when it is a chart this command made and holds nothing else:
 * not a run (it would replace the run it draws), not a comparison that holds its runs, not a
 * directory with files someone put there. */
static bool out_replaceable(const char *out, const struct hf_study *runs, struct hf_error *err)
{
    char kind[64], real_out[PATH_MAX];
    hf_out_dir_kind(out, kind, sizeof kind);
    if (kind[0] && strcmp(kind, HF_OUT_KIND_COMPARISON) != 0)
        return hf_fail(err, HF_EXIT_USAGE, "--out %s: an hfsim %s directory; the chart goes into a new directory",
                       out, kind);
    if (!realpath(out, real_out))
        return true; /* not there yet */
    for (size_t r = 0; r < runs->run_count; r++) {
        size_t n = strlen(real_out);
        if (strncmp(runs->runs[r].dir, real_out, n) == 0 && (runs->runs[r].dir[n] == '/' || !runs->runs[r].dir[n]))
            return hf_fail(err, HF_EXIT_USAGE, "--out %s: holds run %s, which it would replace; name a new directory",
                           out, runs->runs[r].dir);
    }
    if (!kind[0])
        return true; /* hf_out_dir_check: empty, or refused there */
    static const char *const own[] = {".hfsim", "comparison.csv", "plot.gp", "study.json", "report.html",
                                      "gnuplot.log", "latency", "containers", "cpu", "latency_cdf", "actions"};
    DIR *d = opendir(out);
    struct dirent *e;
    bool ok = true;
    while (ok && d && (e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        bool mine = false;
        for (size_t i = 0; i < sizeof own / sizeof own[0] && !mine; i++) {
            size_t n = strlen(own[i]);
            mine = strcmp(e->d_name, own[i]) == 0 ||
                   (strncmp(e->d_name, own[i], n) == 0 &&
                    (strcmp(e->d_name + n, ".png") == 0 || strcmp(e->d_name + n, ".svg") == 0));
        }
        if (!mine)
            ok = hf_fail(err, HF_EXIT_USAGE, "--out %s: holds %s, which an hfsim chart does not (a comparison's run, "
                                             "or something of yours); name a new directory", out, e->d_name);
    }
    if (d)
        closedir(d);
    return ok;
}

bool hf_plot_runs(const struct hf_plot_runs_options *o, bool *drawn, struct hf_error *err)
{
    struct hf_study *study = calloc(1, sizeof *study);
    if (!study)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    snprintf(study->kind, sizeof study->kind, "%s", HF_OUT_KIND_COMPARISON);
    bool ok = true;
    for (size_t i = 0; ok && i < o->dir_count; i++)
        ok = expand(study, o->dirs[i], err);
    /* Beyond 20 runs the legend no longer fits beside the plots (and the colours blur into hues). */
    if (ok && study->run_count > 20)
        ok = hf_fail(err, HF_EXIT_USAGE, "%zu runs on one chart: at most 20 fit its legend; chart fewer",
                     study->run_count);
    ok = ok && (!o->names || rename_runs(study, o->names, err)) && names_differ(study, o->names != NULL, err);
    json_t *summaries[HF_STUDY_MAX_RUNS] = {0};
    const char *names[HF_STUDY_MAX_RUNS];
    for (size_t r = 0; ok && r < study->run_count; r++) {
        char path[PATH_MAX + 32];
        snprintf(path, sizeof path, "%s/summary.json", study->runs[r].dir);
        summaries[r] = hf_json_load_file(path, err);
        names[r] = study->runs[r].name;
        ok = summaries[r] != NULL;
    }
    ok = ok && out_replaceable(o->out_dir, study, err);
    snprintf(study->title, sizeof study->title, "hfsim plot: %zu runs side by side", study->run_count);
    for (size_t r = 0; ok && r < study->run_count; r++) {
        char label[160];
        snprintf(label, sizeof label, "Run %s", study->runs[r].name);
        const json_t *s = summaries[r];
        hf_study_fact(study, label, "%s: scenario %s, policy %s, seed %lld (%s)", study->runs[r].dir,
                      hf_json_string_at(s, "scenario"), hf_json_string_at(s, "policy"), hf_json_int_at(s, "seed"),
                      hf_json_string_at(s, "model"));
    }
    hf_study_fact(study, "hfsim", "%s", HF_VERSION);
    struct hf_results res = {0}; /* abort reads it even when begin never ran */
    bool open = ok && hf_out_dir_check_outside(o->out_dir, "--out", err) &&
                hf_results_begin_kind(&res, o->out_dir, HF_OUT_KIND_COMPARISON, err);
    ok = open;
    FILE *csv = ok ? hf_results_open(&res, "comparison.csv", err) : NULL;
    if (csv) {
        hf_compare_write_table(csv, names, (int)study->run_count, summaries);
        ok = hf_results_close(&res, csv, "comparison.csv", err);
    } else {
        ok = false;
    }
    ok = ok && hf_study_save(res.tmp_dir, study, err) && hf_compare_redraw(res.tmp_dir, o->out_dir, o->draw, drawn, err) &&
         hf_results_commit(&res, err);
    if (!ok && open)
        hf_results_abort(&res);
    for (size_t r = 0; r < study->run_count; r++)
        json_decref(summaries[r]);
    free(study);
    return ok;
}
