#define _XOPEN_SOURCE 700 /* nftw */
#include "sim/results.h"

#include "sim/out_dir.h"

#include <dirent.h>
#include <errno.h>
#include <ftw.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool hf_mkdirs(const char *path, struct hf_error *err)
{
    char buf[PATH_MAX];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: path too long", path);
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) != 0 && errno != EEXIST)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot create directory: %s", buf,
                           strerror(errno));
        *p = '/';
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot create directory: %s", buf,
                       strerror(errno));
    return true;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

bool hf_remove_tree(const char *path)
{
    return nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS) == 0;
}

bool hf_results_begin(struct hf_results *r, const char *final_dir, struct hf_error *err)
{
    return hf_results_begin_kind(r, final_dir, HF_OUT_KIND_RESULTS, err);
}

bool hf_results_begin_kind(struct hf_results *r, const char *final_dir, const char *kind, struct hf_error *err)
{
    memset(r, 0, sizeof *r);
    snprintf(r->kind, sizeof r->kind, "%s", kind);
    size_t len = strlen(final_dir);
    while (len > 1 && final_dir[len - 1] == '/')
        len--;
    if (len == 0 || len >= sizeof r->final_dir - 64)
        return hf_fail(err, HF_EXIT_USAGE, "--out: bad directory name \"%s\"", final_dir);
    memcpy(r->final_dir, final_dir, len);
    r->final_dir[len] = '\0';

    if (!hf_out_dir_check_kind(r->final_dir, "--out", r->kind, err))
        return false;
    char copy1[PATH_MAX], copy2[PATH_MAX];
    strcpy(copy1, r->final_dir);
    strcpy(copy2, r->final_dir);
    const char *parent = dirname(copy1);
    const char *base = basename(copy2);
    if (!hf_mkdirs(parent, err))
        return false;
    int n = snprintf(r->tmp_dir, sizeof r->tmp_dir, "%s/.%s.tmp-%ld", parent, base, (long)getpid());
    if (n < 0 || (size_t)n >= sizeof r->tmp_dir)
        return hf_fail(err, HF_EXIT_USAGE, "--out: directory name too long");
    /* Leftovers of killed runs (SIGKILL, power loss) of this name; ours too, if a dead run had our pid. */
    hf_out_dir_sweep_stale(parent, base);
    if (hf_out_dir_is_marked(r->tmp_dir))
        hf_remove_tree(r->tmp_dir);
    if (mkdir(r->tmp_dir, 0777) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot create directory: %s", r->tmp_dir,
                       strerror(errno));
    r->open = true;
    /* The marker goes in first, so even a half-written directory is recognisably hfsim's. */
    if (!hf_out_dir_mark(r->tmp_dir, r->kind, err)) {
        hf_results_abort(r);
        return false;
    }
    return true;
}

FILE *hf_results_open(struct hf_results *r, const char *name, struct hf_error *err)
{
    char path[PATH_MAX + 256];
    int n = snprintf(path, sizeof path, "%s/%s", r->tmp_dir, name);
    FILE *f = n > 0 && (size_t)n < sizeof path ? fopen(path, "w") : NULL;
    if (!f)
        hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

bool hf_results_close(struct hf_results *r, FILE *f, const char *name, struct hf_error *err)
{
    bool ok = !ferror(f);
    ok = (fclose(f) == 0) && ok;
    if (!ok)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s/%s: write failed: %s", r->final_dir, name,
                       strerror(errno));
    return true;
}

bool hf_results_write_json(struct hf_results *r, const char *name, const json_t *doc,
                           struct hf_error *err)
{
    FILE *f = hf_results_open(r, name, err);
    if (!f)
        return false;
    bool encoded = json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) == 0;
    fputc('\n', f);
    if (!hf_results_close(r, f, name, err))
        return false;
    return encoded || hf_fail(err, HF_EXIT_RUN_FAILED, "%s/%s: cannot encode JSON", r->final_dir, name);
}

/* Whether an entry of an hfsim results directory is hfsim's own: a file it writes (a run's,
 * a comparison's, a sweep's or a validation's, their plots and pages) or a directory bearing the
 * marker. Anything else was put there by someone and is carried over into the new result. */
static bool made_by_hfsim(const char *dir, const char *name)
{
    static const char *const files[] = {
        HF_OUT_MARKER, "config.json", "summary.json", "timeseries.csv", "perf.json", "requests.csv",
        "functions.csv", "latency_cdf.csv", "comparison.csv", "validation.csv", "sweep.csv", "sweep_stats.csv",
        "sweep.json", "study.json", "report.html", "plot.gp", "validation.gp", "sweep.gp", "gnuplot.log", NULL};
    for (const char *const *f = files; *f; f++)
        if (strcmp(name, *f) == 0)
            return true;
    static const char *const plots[] = {"latency", "containers", "cpu", "latency_cdf", "actions", "timeline", NULL};
    const char *dot = strrchr(name, '.');
    if (dot && (strcmp(dot, ".png") == 0 || strcmp(dot, ".svg") == 0)) {
        for (const char *const *p = plots; *p; p++)
            if ((size_t)(dot - name) == strlen(*p) && strncmp(name, *p, strlen(*p)) == 0)
                return true;
        if (strstr(name, "-vs-") || strstr(name, "-by-policy."))
            return true; /* a sweep's <metric>-vs-<parameter> */
    }
    char path[PATH_MAX * 2];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return hf_out_dir_is_marked(path);
}

/* Moves what is not hfsim's from the result being replaced into the new one (never over a file
 * the new result has): replacing a result never deletes someone's notes. Returns how many. */
static int carry_over(const char *old_dir, const char *new_dir)
{
    DIR *d = opendir(old_dir);
    if (!d)
        return 0;
    int moved = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 || made_by_hfsim(old_dir, e->d_name))
            continue;
        char from[PATH_MAX * 2], to[PATH_MAX * 2];
        struct stat st;
        snprintf(from, sizeof from, "%s/%s", old_dir, e->d_name);
        snprintf(to, sizeof to, "%s/%s", new_dir, e->d_name);
        if (lstat(to, &st) != 0 && rename(from, to) == 0) {
            fprintf(stderr, "hfsim: kept %s, which hfsim did not write, in the new result\n", e->d_name);
            moved++;
        }
    }
    closedir(d);
    return moved;
}

bool hf_results_commit(struct hf_results *r, struct hf_error *err)
{
    if (!r->open)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "results directory was not started");
    struct stat st;
    char old[PATH_MAX + 32];
    old[0] = '\0';
    if (lstat(r->final_dir, &st) == 0) {
        /* Checked at begin; checked again since something may have appeared there meanwhile. */
        if (!hf_out_dir_check_kind(r->final_dir, "--out", r->kind, err))
            return false;
        carry_over(r->final_dir, r->tmp_dir);
        /* Swap the old result aside first; rename() cannot replace a non-empty directory. */
        snprintf(old, sizeof old, "%s.old-%ld", r->tmp_dir, (long)getpid());
        if (rename(r->final_dir, old) != 0)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot replace: %s", r->final_dir,
                           strerror(errno));
    }
    if (rename(r->tmp_dir, r->final_dir) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot rename into place: %s", r->final_dir,
                       strerror(errno));
    r->open = false;
    if (old[0])
        hf_remove_tree(old);
    return true;
}

void hf_results_abort(struct hf_results *r)
{
    if (r->open)
        hf_remove_tree(r->tmp_dir);
    r->open = false;
}
