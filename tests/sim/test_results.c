/* The results directory appears only complete: a temporary name until commit, nothing after abort. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/out_dir.h"
#include "sim/results.h"

static bool exists(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0;
}

/* Number of entries in dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

static char base[64];

static void make_base(void)
{
    strcpy(base, "/tmp/hfsim-test-results-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}

Test(results, directory_appears_only_at_commit)
{
    make_base();
    char final[256];
    snprintf(final, sizeof final, "%s/nested/run-1", base);
    struct hf_results r;
    struct hf_error err;
    cr_assert(hf_results_begin(&r, final, &err), "%s", err.message);
    FILE *f = hf_results_open(&r, "summary.json", &err);
    cr_assert_not_null(f);
    fputs("{}\n", f);
    cr_assert(hf_results_close(&r, f, "summary.json", &err));
    cr_assert_not(exists(final), "final directory visible before commit");
    cr_assert(exists(r.tmp_dir));
    cr_assert(hf_results_commit(&r, &err), "%s", err.message);
    char file[300];
    snprintf(file, sizeof file, "%s/summary.json", final);
    cr_assert(exists(file));
    cr_assert_not(exists(r.tmp_dir));
    hf_remove_tree(base);
}

Test(results, abort_leaves_nothing)
{
    make_base();
    char final[256];
    snprintf(final, sizeof final, "%s/run-2", base);
    struct hf_results r;
    struct hf_error err;
    cr_assert(hf_results_begin(&r, final, &err));
    FILE *f = hf_results_open(&r, "timeseries.csv", &err);
    fputs("time_s\n", f);
    hf_results_close(&r, f, "timeseries.csv", &err);
    hf_results_abort(&r);
    cr_assert_not(exists(final));
    cr_assert_eq(count_prefixed(base, "."), 2, "only . and .. should remain"); /* no .tmp left */
    hf_remove_tree(base);
}

/* A re-run replaces what hfsim wrote (a requests.csv of an earlier run would not match the new
 * summary) and keeps what someone else put there. */
Test(results, commit_replaces_an_earlier_result_and_keeps_what_is_not_hfsims)
{
    make_base();
    char final[256], stale[300], fresh[300], notes[300], mine[300];
    snprintf(final, sizeof final, "%s/run-3", base);
    snprintf(stale, sizeof stale, "%s/requests.csv", final);
    snprintf(fresh, sizeof fresh, "%s/summary.json", final);
    snprintf(notes, sizeof notes, "%s/notes.txt", final);
    snprintf(mine, sizeof mine, "%s/my-analysis", final);
    cr_assert_eq(mkdir(final, 0777), 0);
    cr_assert_eq(mkdir(mine, 0777), 0);
    FILE *f = fopen(stale, "w");
    fclose(f);
    f = fopen(notes, "w");
    fputs("keep me\n", f);
    fclose(f);
    struct hf_error mark_err;
    cr_assert(hf_out_dir_mark(final, "results", &mark_err)); /* the earlier result was hfsim's */
    struct hf_results r;
    struct hf_error err;
    cr_assert(hf_results_begin(&r, final, &err));
    json_t *doc = json_pack("{s:i}", "x", 1);
    cr_assert(hf_results_write_json(&r, "summary.json", doc, &err));
    json_decref(doc);
    cr_assert(hf_results_commit(&r, &err), "%s", err.message);
    cr_assert(exists(fresh));
    cr_assert_not(exists(stale), "a file of the old result survived");
    cr_assert(exists(notes) && exists(mine), "someone's file or directory was deleted");
    cr_assert_eq(count_prefixed(base, "."), 2, "swap-aside directory left behind");
    hf_remove_tree(base);
}

Test(results, a_killed_run_leaves_no_finished_looking_directory)
{
    make_base();
    char final[256];
    snprintf(final, sizeof final, "%s/run-4", base);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        struct hf_results r;
        struct hf_error err;
        if (!hf_results_begin(&r, final, &err))
            _exit(2);
        FILE *f = hf_results_open(&r, "summary.json", &err);
        if (!f)
            _exit(3);
        fputs("{\"partial\": ", f);
        fflush(f);
        _exit(9); /* dies mid-write, before commit */
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    /* Only a child that got as far as writing proves anything (one that failed to begin writes
     * nothing, and would pass the check below for the wrong reason). */
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 9, "the child died mid-write (status %d)", status);
    cr_assert_not(exists(final), "killed run left a final directory");
    hf_remove_tree(base);
}
