#define _XOPEN_SOURCE 700 /* realpath */
#include "app/sweep.h"

#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/compare.h"
#include "app/csv_field.h"
#include "app/policy_list.h"
#include "app/run.h"
#include "app/scenario_fit.h"
#include "app/summary_columns.h"
#include "app/sweep_plot.h"
#include "app/worker_pool.h"
#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "sim/results.h"
#include "sim/schema.h"

struct sweep {
    const struct hf_sweep_options *o;
    const struct hf_sweep_grid *grid;
    struct hf_policy_list list;
    uint64_t points, jobs;
    char out[PATH_MAX];
};

void hf_sweep_run_dir(const char *out, const char *policy, uint64_t point, char *buf, size_t size)
{
    snprintf(buf, size, "%s/runs/%s/p%06llu", out, policy, (unsigned long long)point);
}

static void job_dir(const struct sweep *s, uint64_t job, char *buf, size_t size)
{
    hf_sweep_run_dir(s->out, s->list.names[job % (uint64_t)s->list.count], job / (uint64_t)s->list.count, buf, size);
}

static bool finished(const struct sweep *s, uint64_t job)
{
    char dir[PATH_MAX + 64];
    struct stat st;
    job_dir(s, job, dir, sizeof dir);
    return stat(dir, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The scenario of one job: the grid point's assignments, then the policy. */
static json_t *job_scenario(const struct sweep *s, uint64_t job, struct hf_error *err)
{
    size_t n = s->grid->axis_count;
    char *sets[HF_SWEEP_MAX_AXES + 1];
    if (!hf_sweep_grid_overrides(s->grid, job / (uint64_t)s->list.count, sets, err))
        return NULL;
    char policy[96];
    snprintf(policy, sizeof policy, "policy=\"%s\"", s->list.names[job % (uint64_t)s->list.count]);
    sets[n] = policy;
    json_t *scenario = hf_compare_scenario(s->o->scenario_path, (const char *const *)sets, n + 1, err);
    if (!scenario && n > 0) {
        char where[600] = "";
        for (size_t a = 0; a < n; a++)
            snprintf(where + strlen(where), sizeof where - strlen(where), "%s%s", a ? " " : "", sets[a]);
        char prefix[700];
        snprintf(prefix, sizeof prefix, "point p%06llu (%s)", (unsigned long long)(job / (uint64_t)s->list.count),
                 where);
        hf_error_prefix(err, prefix);
    }
    for (size_t a = 0; a < n; a++)
        free(sets[a]);
    return scenario;
}

/* Removes hidden .tmp directories an interrupted worker left in runs/<policy>/. */
static void clean_leftovers(const struct sweep *s)
{
    for (int p = 0; p < s->list.count; p++) {
        char dir[PATH_MAX + 64];
        snprintf(dir, sizeof dir, "%s/runs/%s", s->out, s->list.names[p]);
        DIR *d = opendir(dir);
        if (!d)
            continue;
        struct dirent *e;
        while ((e = readdir(d)) != NULL)
            if (e->d_name[0] == '.' && strstr(e->d_name, ".tmp-")) {
                char path[PATH_MAX * 2];
                snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
                hf_remove_tree(path);
            }
        closedir(d);
    }
}

/* The pending jobs, for the worker pool. */
struct pending_jobs {
    const struct sweep *s;
    const uint64_t *jobs;
};

/* One run in a worker (app/worker_pool.h): which worker runs a job does not matter, since each run
 * is seeded by its scenario and writes its own directory. */
static enum hf_job_outcome run_job(void *ctx, uint64_t index)
{
    const struct pending_jobs *p = ctx;
    uint64_t job = p->jobs[index];
    struct hf_error err = {0};
    json_t *scenario = job_scenario(p->s, job, &err);
    char dir[PATH_MAX + 64];
    job_dir(p->s, job, dir, sizeof dir);
    return hf_pool_run_scenario(scenario, &err, dir, "sweep", dir);
}

/* Runs the pending jobs in the worker pool; false when any run failed or the sweep was stopped. */
static bool run_pending(const struct sweep *s, const uint64_t *pending, uint64_t count, struct hf_error *err)
{
    struct pending_jobs jobs = {s, pending};
    struct hf_pool_result r;
    if (!hf_pool_run(s->o->jobs, count, run_job, &jobs, s->o->progress, "sweep", &r, err))
        return false;
    if (r.signo)
        return hf_fail(err, (enum hf_exit)(HF_EXIT_SIGNAL + r.signo),
                       "sweep interrupted by %s: %llu of %llu runs finished and kept, half-written ones removed; "
                       "run the same command again to resume", hf_interrupt_name(r.signo),
                       (unsigned long long)r.done, (unsigned long long)count);
    if (r.crashed || r.done < count)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "sweep: a worker died with %llu of %llu runs not done; run the "
                                                "same command again to finish them",
                       (unsigned long long)(count - r.done), (unsigned long long)count);
    if (r.failed)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "sweep: %llu of %llu runs failed (above); the others are kept",
                       (unsigned long long)r.failed, (unsigned long long)count);
    return true;
}

static bool write_csv(struct sweep *s, struct hf_error *err)
{
    char path[PATH_MAX + 32], tmp[PATH_MAX + 48];
    snprintf(path, sizeof path, "%s/sweep.csv", s->out);
    snprintf(tmp, sizeof tmp, "%s/.sweep.csv.tmp-%ld", s->out, (long)getpid());
    FILE *f = fopen(tmp, "w");
    if (!f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", tmp, strerror(errno));
    fputs("point,policy", f);
    for (size_t a = 0; a < s->grid->axis_count; a++) {
        fputc(',', f);
        hf_csv_field(f, s->grid->axes[a].path);
    }
    for (size_t c = 0; c < hf_summary_column_count; c++)
        fprintf(f, ",%s", hf_summary_columns[c].name);
    fputc('\n', f);
    bool ok = true;
    for (uint64_t job = 0; ok && job < s->jobs; job++) {
        char dir[PATH_MAX + 64], summary_path[PATH_MAX + 96];
        job_dir(s, job, dir, sizeof dir);
        snprintf(summary_path, sizeof summary_path, "%s/summary.json", dir);
        json_error_t jerr;
        json_t *summary = json_load_file(summary_path, 0, &jerr);
        if (!summary) {
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", summary_path, jerr.text);
            break;
        }
        uint64_t point = job / (uint64_t)s->list.count;
        fprintf(f, "%llu,%s", (unsigned long long)point, s->list.names[job % (uint64_t)s->list.count]);
        for (size_t a = 0; a < s->grid->axis_count; a++) {
            fputc(',', f);
            hf_csv_field(f, hf_sweep_grid_label(s->grid, point, a));
        }
        for (size_t c = 0; c < hf_summary_column_count; c++) {
            bool present;
            double v = hf_summary_value(summary, &hf_summary_columns[c], &present);
            if (present) {
                fprintf(f, ",%.6g", v);
            } else {
                fputc(',', f);
            }
        }
        fputc('\n', f);
        json_decref(summary);
    }
    ok = !ferror(f) && ok;
    ok = fclose(f) == 0 && ok;
    if (ok && rename(tmp, path) != 0)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, strerror(errno));
    if (!ok)
        remove(tmp);
    return ok;
}

/* sweep_stats.csv, sweep.gp, the plots and report.html (app/sweep_plot.h); a failure to plot does not fail the
 * sweep, whose sweep.csv stands. */
static void plot(const struct sweep *s)
{
    struct hf_error err = {0};
    if (!hf_sweep_redraw(s->out, s->o->plots, NULL, &err))
        fprintf(stderr, "hfsim: sweep: no plots: %s\n", err.message);
}

/* sweep.json: what a cluster (or --merge) needs to reproduce this grid exactly. */
static bool write_manifest(const struct sweep *s, struct hf_error *err)
{
    json_t *m = json_object();
    char resolved[PATH_MAX];
    if (s->o->scenario_path && realpath(s->o->scenario_path, resolved))
        json_object_set_new(m, "scenario", json_string(resolved));
    else
        json_object_set_new(m, "scenario", json_null());
    json_t *axes = json_array();
    for (size_t a = 0; a < s->grid->axis_count; a++) {
        json_t *values = json_array();
        for (size_t v = 0; v < s->grid->axes[a].count; v++)
            json_array_append_new(values, json_string(s->grid->axes[a].values[v]));
        json_array_append_new(axes, json_pack("{s:s, s:o}", "path", s->grid->axes[a].path, "values", values));
    }
    json_object_set_new(m, "axes", axes);
    json_t *policies = json_array();
    for (int p = 0; p < s->list.count; p++)
        json_array_append_new(policies, json_string(s->list.names[p]));
    json_object_set_new(m, "policies", policies);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/sweep.json", s->out);
    /* An existing manifest must describe the same sweep: resuming with other arguments would mix grids. */
    json_t *old = json_load_file(path, 0, NULL);
    bool ok = true;
    if (old && !json_equal(old, m))
        ok = hf_fail(err, HF_EXIT_USAGE, "%s: this directory holds another sweep (other scenario, grid or "
                                         "policies); use another --out", path);
    json_decref(old);
    if (ok && json_dump_file(m, path, JSON_INDENT(2)) != 0)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot write", path);
    json_decref(m);
    return ok;
}

bool hf_sweep_load_manifest(const char *dir, struct hf_sweep_grid *grid, char **scenario_path, char **policies,
                            struct hf_error *err)
{
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/sweep.json", dir);
    json_error_t jerr;
    json_t *m = json_load_file(path, 0, &jerr);
    if (!m)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: %s (is %s a sweep directory?)", path, jerr.text, dir);
    bool ok = true;
    const json_t *scenario = json_object_get(m, "scenario");
    *scenario_path = json_is_string(scenario) ? strdup(json_string_value(scenario)) : NULL;
    const json_t *axes = json_object_get(m, "axes");
    size_t i;
    const json_t *axis;
    json_array_foreach(axes, i, axis) {
        const json_t *values = json_object_get(axis, "values");
        const char *axis_path = json_string_value(json_object_get(axis, "path"));
        if (!axis_path || !json_is_array(values) || json_array_size(values) == 0) {
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.axes[%zu]: expected {\"path\", \"values\"}", path, i);
            break;
        }
        size_t count = json_array_size(values);
        const char **texts = malloc(count * sizeof *texts);
        if (!texts) {
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            break;
        }
        for (size_t k = 0; k < count; k++) {
            const char *text = json_string_value(json_array_get(values, k));
            texts[k] = text ? text : "";
        }
        ok = hf_sweep_grid_add_axis(grid, axis_path, texts, count, err);
        free(texts);
        if (!ok)
            break;
    }
    char list[1024] = "";
    const json_t *p;
    json_array_foreach(json_object_get(m, "policies"), i, p)
        if (json_is_string(p) && strlen(list) + strlen(json_string_value(p)) + 2 < sizeof list) {
            strcat(list, i ? "," : "");
            strcat(list, json_string_value(p));
        }
    *policies = strdup(list);
    json_decref(m);
    return ok;
}

/* The command an emitted task runs for job J (J as a shell word: a literal or $SLURM_ARRAY_TASK_ID). */
static void job_command(FILE *f, const char *self, const char *out, const char *job)
{
    fprintf(f, "'%s' sweep --run-job %s '%s'", self, job, out);
}

static bool emit(const struct sweep *s, struct hf_error *err)
{
    char self[PATH_MAX], out[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "sweep: cannot find the hfsim binary (/proc/self/exe)");
    self[n] = '\0';
    if (!realpath(s->out, out))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", s->out, strerror(errno));
    if (strchr(self, '\'') || strchr(out, '\''))
        return hf_fail(err, HF_EXIT_USAGE, "sweep: paths with a quote cannot go in a job script");
    char path[PATH_MAX + 32];
    bool slurm = s->o->mode == HF_SWEEP_EMIT_SLURM;
    snprintf(path, sizeof path, "%s/%s", s->out, slurm ? "sweep.sbatch" : "jobs.txt");
    FILE *f = fopen(path, "w");
    if (!f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, strerror(errno));
    if (slurm) {
        fprintf(f, "#!/bin/sh\n"
                   "# A Slurm job array: one task per run of this sweep (%llu points x %d policies).\n"
                   "# Submit with: sbatch %s/sweep.sbatch ; then: hfsim sweep --merge %s\n"
                   "#SBATCH --job-name=hfsim-sweep\n#SBATCH --array=0-%llu\n#SBATCH --ntasks=1\n"
                   "#SBATCH --cpus-per-task=1\n#SBATCH --output=%s/slurm-%%A_%%a.out\n",
                   (unsigned long long)s->points, s->list.count, out, out,
                   (unsigned long long)(s->jobs ? s->jobs - 1 : 0), out);
        job_command(f, self, out, "\"$SLURM_ARRAY_TASK_ID\"");
        fputc('\n', f);
    } else {
        for (uint64_t j = 0; j < s->jobs; j++) {
            char word[32];
            snprintf(word, sizeof word, "%llu", (unsigned long long)j);
            job_command(f, self, out, word);
            fputc('\n', f);
        }
    }
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    if (!ok)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed", path);
    fprintf(stderr, "hfsim: sweep: %s: %llu runs; %s, then `hfsim sweep --merge %s`\n", path,
            (unsigned long long)s->jobs,
            slurm ? "submit it with sbatch" : "run it with `parallel < jobs.txt` (or xargs -P)", s->out);
    return true;
}

/* --merge: every run must be there. */
static bool check_complete(const struct sweep *s, struct hf_error *err)
{
    uint64_t missing = 0, first = 0;
    for (uint64_t job = 0; job < s->jobs; job++)
        if (!finished(s, job)) {
            if (missing++ == 0)
                first = job;
        }
    if (missing == 0)
        return true;
    char dir[PATH_MAX + 64];
    job_dir(s, first, dir, sizeof dir);
    return hf_fail(err, HF_EXIT_RUN_FAILED, "sweep --merge: %llu of %llu runs are missing (first: %s); run "
                                            "them (the emitted script, or hfsim sweep --run-job) and merge again",
                   (unsigned long long)missing, (unsigned long long)s->jobs, dir);
}

/* The policies, the grid's size and the output directory (checked for the mode). */
static bool open_sweep(struct sweep *s, const json_t *base, struct hf_error *err)
{
    const struct hf_sweep_options *o = s->o;
    const char *list = o->policies ? o->policies : o->grid->policies;
    if (!hf_policy_list_parse(&s->list, list ? list : hf_json_string_at(base, "policy"), err))
        return false;
    s->points = hf_sweep_grid_points(o->grid);
    if (s->points > HF_SWEEP_MAX_POINTS)
        return hf_fail(err, HF_EXIT_USAGE, "sweep: more than %d points", HF_SWEEP_MAX_POINTS);
    s->jobs = s->points * (uint64_t)s->list.count;
    if (o->out_dir)
        snprintf(s->out, sizeof s->out, "%s", o->out_dir);
    else
        snprintf(s->out, sizeof s->out, "results/sweep-%s", hf_json_string_at(base, "name"));
    /* --run-job and --merge work inside a sweep directory that the emitting run made. */
    if (o->mode == HF_SWEEP_ONE_JOB || o->mode == HF_SWEEP_MERGE)
        return hf_out_dir_is_marked(s->out) ||
               hf_fail(err, HF_EXIT_USAGE, "%s: not a sweep directory hfsim made (no %s marker)", s->out,
                       HF_OUT_MARKER);
    return hf_out_dir_check_kind(s->out, "--out", HF_OUT_KIND_SWEEP, err) &&
           hf_out_dir_check_outside(s->out, "--out", err);
}

/* One task of an emitted sweep (--run-job): the manifest was checked when it was emitted. */
static bool run_one_job(struct sweep *s, struct hf_error *err)
{
    const struct hf_sweep_options *o = s->o;
    if (o->job >= s->jobs)
        return hf_fail(err, HF_EXIT_USAGE, "--run-job %llu: the sweep has runs 0..%llu", (unsigned long long)o->job,
                       (unsigned long long)(s->jobs - 1));
    if (finished(s, o->job))
        return true;
    uint64_t one = o->job;
    struct hf_sweep_options single = *o;
    single.jobs = 1;
    s->o = &single;
    bool ok = run_pending(s, &one, 1, err);
    s->o = o;
    return ok;
}

/* Every job's scenario is checked before anything runs, including an axis a policy never reads
 * (it would give that policy identical rows). */
static bool check_jobs(const struct sweep *s, struct hf_error *err)
{
    bool ok = true;
    /* Each job's policy comes from --policies, set after the point's values: an axis on the policy
     * would be overwritten, every row run with the same policy. */
    for (size_t a = 0; ok && a < s->grid->axis_count; a++)
        if (strcmp(s->grid->axes[a].path, "policy") == 0)
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "sweep axis policy: a sweep's policies are given with --policies "
                                                 "A,B (each runs every point)");
    for (uint64_t job = 0; ok && job < s->jobs; job++) {
        json_t *scenario = job_scenario(s, job, err);
        ok = scenario != NULL && hf_scenario_check_fit(scenario, err);
        char why[256];
        for (size_t a = 0; ok && a < s->grid->axis_count; a++)
            if (hf_scenario_ignores(scenario, s->grid->axes[a].path, why, sizeof why))
                ok = hf_fail(err, HF_EXIT_BAD_INPUT, "sweep axis %s, policy %s: %s", s->grid->axes[a].path,
                             s->list.names[job % (uint64_t)s->list.count], why);
        json_decref(scenario);
    }
    return ok;
}

/* The runs not finished yet (a re-run resumes), in the pool. */
static bool run_unfinished(struct sweep *s, struct hf_error *err)
{
    uint64_t *pending = malloc((s->jobs ? s->jobs : 1) * sizeof *pending), pending_count = 0;
    if (!pending)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    clean_leftovers(s);
    for (uint64_t job = 0; job < s->jobs; job++)
        if (!finished(s, job))
            pending[pending_count++] = job;
    if (s->o->progress)
        fprintf(stderr, "hfsim: sweep: %llu points x %d policies = %llu runs, %llu already done\n",
                (unsigned long long)s->points, s->list.count, (unsigned long long)s->jobs,
                (unsigned long long)(s->jobs - pending_count));
    bool ok = pending_count == 0 || run_pending(s, pending, pending_count, err);
    free(pending);
    return ok;
}

bool hf_sweep(const struct hf_sweep_options *o, char *written, size_t written_size, struct hf_error *err)
{
    struct sweep *s = calloc(1, sizeof *s);
    if (!s)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    s->o = o;
    s->grid = o->grid;
    json_t *base = hf_compare_scenario(o->scenario_path, NULL, 0, err);
    bool ok = base && open_sweep(s, base, err);
    if (ok && o->mode == HF_SWEEP_ONE_JOB) {
        ok = run_one_job(s, err);
    } else if (ok && o->mode == HF_SWEEP_MERGE) {
        ok = check_complete(s, err) && write_csv(s, err);
        if (ok)
            plot(s);
    } else if (ok) {
        ok = check_jobs(s, err) && hf_mkdirs(s->out, err) && hf_out_dir_mark(s->out, HF_OUT_KIND_SWEEP, err) &&
             write_manifest(s, err);
        if (o->mode == HF_SWEEP_EMIT_SLURM || o->mode == HF_SWEEP_EMIT_PARALLEL) {
            ok = ok && emit(s, err);
        } else {
            ok = ok && run_unfinished(s, err) && write_csv(s, err);
            if (ok)
                plot(s);
        }
    }
    if (ok)
        snprintf(written, written_size, "%s", s->out);
    json_decref(base);
    free(s);
    return ok;
}
