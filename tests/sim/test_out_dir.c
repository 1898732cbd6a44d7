/* The output guard: hfsim writes over nothing it did not make. */
#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/out_dir.h"
#include "sim/results.h"
#include "support/cli_run.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-out-dir-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}

static void teardown(void) { hf_remove_tree(base); }

TestSuite(out_dir, .init = setup, .fini = teardown);

static void path_in(char *buf, size_t size, const char *name) { snprintf(buf, size, "%s/%s", base, name); }

static void touch(const char *dir, const char *name)
{
    char p[PATH_MAX];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert_not_null(f, "%s", p);
    fputs("a user's file\n", f);
    fclose(f);
}

static bool exists(const char *p)
{
    struct stat st;
    return lstat(p, &st) == 0;
}

Test(out_dir, accepts_a_new_an_empty_and_an_hfsim_directory)
{
    char p[PATH_MAX];
    struct hf_error err = {0};
    path_in(p, sizeof p, "new/deeper");
    cr_assert(hf_out_dir_check(p, "--out", &err), "%s", err.message);
    path_in(p, sizeof p, "empty");
    cr_assert_eq(mkdir(p, 0777), 0);
    cr_assert(hf_out_dir_check(p, "--out", &err), "%s", err.message);
    touch(p, "summary.json");
    cr_assert_not(hf_out_dir_check(p, "--out", &err));
    cr_assert(hf_out_dir_mark(p, "results", &err), "%s", err.message);
    cr_assert(hf_out_dir_check(p, "--out", &err), "%s", err.message);
}

Test(out_dir, refuses_a_users_directory_before_anything_is_written)
{
    char p[PATH_MAX], thesis[PATH_MAX + 16];
    struct hf_error err = {0};
    path_in(p, sizeof p, "thesis");
    cr_assert_eq(mkdir(p, 0777), 0);
    touch(p, "thesis.tex");
    cr_assert_not(hf_out_dir_check(p, "--out", &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
    cr_assert(strstr(err.message, "did not make"), "%s", err.message);
    /* The results writer refuses it too, and the user's file is still there afterwards. */
    struct hf_results r;
    cr_assert_not(hf_results_begin(&r, p, &err));
    snprintf(thesis, sizeof thesis, "%s/thesis.tex", p);
    cr_assert(exists(thesis));
}

Test(out_dir, refuses_root_home_the_working_directory_and_its_parents)
{
    struct hf_error err = {0};
    cr_assert_not(hf_out_dir_check("/", "--out", &err));
    cr_assert(strstr(err.message, "root"), "%s", err.message);

    char home[PATH_MAX];
    path_in(home, sizeof home, "home");
    cr_assert_eq(mkdir(home, 0777), 0); /* empty: only the rule can refuse it */
    char *saved = getenv("HOME") ? strdup(getenv("HOME")) : NULL;
    setenv("HOME", home, 1);
    bool home_ok = hf_out_dir_check(home, "--out", &err);
    if (saved) {
        setenv("HOME", saved, 1);
        free(saved);
    }
    cr_assert_not(home_ok);
    cr_assert(strstr(err.message, "home"), "%s", err.message);

    char cwd[PATH_MAX], work[PATH_MAX];
    cr_assert_not_null(getcwd(cwd, sizeof cwd));
    path_in(work, sizeof work, "work");
    cr_assert_eq(mkdir(work, 0777), 0);
    cr_assert_eq(chdir(work), 0);
    bool dot = hf_out_dir_check(".", "--out", &err);
    bool parent = hf_out_dir_check("..", "--out", &err);
    char self_by_parent[PATH_MAX];
    snprintf(self_by_parent, sizeof self_by_parent, "../work");
    bool self = hf_out_dir_check(self_by_parent, "--out", &err);
    cr_assert_eq(chdir(cwd), 0);
    cr_assert_not(dot);
    cr_assert_not(parent);
    cr_assert_not(self, "--out ../<cwd> must be refused");
    cr_assert(strstr(err.message, "working directory"), "%s", err.message);
}

Test(out_dir, refuses_a_file_and_a_symbolic_link)
{
    char p[PATH_MAX], link[PATH_MAX];
    struct hf_error err = {0};
    touch(base, "plain");
    path_in(p, sizeof p, "plain");
    cr_assert_not(hf_out_dir_check(p, "--out", &err));
    path_in(p, sizeof p, "target");
    cr_assert_eq(mkdir(p, 0777), 0);
    path_in(link, sizeof link, "link");
    cr_assert_eq(symlink(p, link), 0);
    cr_assert_not(hf_out_dir_check(link, "--out", &err));
    cr_assert(strstr(err.message, "symbolic link"), "%s", err.message);
}

/* A directory named like a half-written sibling of `final` for `pid`, with the marker or not. */
static void make_tmp(char *buf, size_t size, const char *name, long pid, bool marked)
{
    snprintf(buf, size, "%s/.%s.tmp-%ld", base, name, pid);
    cr_assert_eq(mkdir(buf, 0777), 0);
    struct hf_error err;
    if (marked)
        cr_assert(hf_out_dir_mark(buf, "results", &err));
    touch(buf, "timeseries.csv");
}

Test(out_dir, stale_half_written_siblings_of_dead_runs_are_removed)
{
    pid_t dead = fork();
    if (dead == 0)
        _exit(0);
    int status;
    cr_assert_eq(waitpid(dead, &status, 0), dead);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    char stale[PATH_MAX], alive[PATH_MAX], users[PATH_MAX], other[PATH_MAX];
    make_tmp(stale, sizeof stale, "run", dead, true);
    make_tmp(alive, sizeof alive, "run", getpid(), true);
    make_tmp(users, sizeof users, "run", dead + 1 == getpid() ? dead + 2 : dead + 1, false);
    make_tmp(other, sizeof other, "another", dead, true);
    cr_assert_eq(hf_out_dir_sweep_stale(base, "run"), 1);
    cr_assert_not(exists(stale), "a dead run's half-written directory survived");
    cr_assert(exists(alive), "a live run's directory was removed");
    cr_assert(exists(users), "an unmarked directory was removed");
    cr_assert(exists(other), "another name's directory was removed");
}

Test(out_dir, a_profile_file_is_replaced_only_when_hfsim_wrote_it)
{
    char p[PATH_MAX];
    struct hf_error err = {0};
    path_in(p, sizeof p, "cal.json");
    cr_assert(hf_out_file_check(p, "--out", "\"_calibration\"", &err));
    FILE *f = fopen(p, "w");
    fputs("{\"notes\": \"mine\"}\n", f);
    fclose(f);
    cr_assert_not(hf_out_file_check(p, "--out", "\"_calibration\"", &err));
    f = fopen(p, "w");
    fputs("{\"function\": {}, \"_calibration\": {}}\n", f);
    fclose(f);
    cr_assert(hf_out_file_check(p, "--out", "\"_calibration\"", &err), "%s", err.message);
    cr_assert_not(hf_out_file_check(base, "--out", "\"_calibration\"", &err));
}

/* Every command that writes a directory refuses a user's, with exit 2, before any work, and leaves
 * the user's file alone. Live commands refuse before contacting an engine (an unreachable one is
 * named here, so the order is visible: the refusal must come first). */
Test(out_dir, every_command_refuses_a_users_directory, .timeout = 120)
{
    char dir[PATH_MAX];
    path_in(dir, sizeof dir, "thesis");
    cr_assert_eq(mkdir(dir, 0777), 0);
    touch(dir, "thesis.tex");
    static const char *const commands[] = {
        "run -q --out thesis",
        "compare -q --out thesis",
        "sweep -q --set cluster.vms=4,8 --policies fixed --out thesis",
        "trace gen --functions 3 --minutes 2 --out thesis",
        "validate " HFSIM_SOURCE_DIR "/scenarios/live-burst.json --hosts tcp://127.0.0.1:1 --out thesis",
        "live " HFSIM_SOURCE_DIR "/scenarios/live-burst.json --hosts tcp://127.0.0.1:1 --out thesis",
        "run -q --out .",
        "run -q --out ..",
    };
    static struct cli_result r;
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        cli_run(HFSIM_BIN, base, commands[i], &r);
        cr_expect_eq(r.code, 2, "hfsim %s: exit %d: %s", commands[i], r.code, r.err);
        cr_expect(strstr(r.err, "--out"), "hfsim %s: %s", commands[i], r.err);
        char tex[PATH_MAX + 16];
        snprintf(tex, sizeof tex, "%s/thesis.tex", dir);
        cr_assert(exists(tex), "hfsim %s removed the user's file", commands[i]);
    }
    touch(base, "notes.json");
    cli_run(HFSIM_BIN, base, "calibrate --hosts tcp://127.0.0.1:1 --out notes.json", &r);
    cr_expect_eq(r.code, 2, "calibrate: exit %d: %s", r.code, r.err);
}

/* A directory hfsim made is replaced only by output of its own kind: a run does not replace a sweep,
 * a comparison or a generated trace (the CLI's refusal is checked with the real commands too). */
Test(out_dir, a_directory_of_another_kind_is_not_replaced)
{
    char p[PATH_MAX], trace[PATH_MAX + 64];
    struct hf_error err = {0};
    path_in(p, sizeof p, "trace");
    cr_assert_eq(mkdir(p, 0777), 0);
    cr_assert(hf_out_dir_mark(p, HF_OUT_KIND_TRACE, &err), "%s", err.message);
    touch(p, "invocations_per_function_md.anon.d01.csv");
    cr_assert(hf_out_dir_check_kind(p, "--out", HF_OUT_KIND_TRACE, &err), "%s", err.message);
    cr_assert_not(hf_out_dir_check_kind(p, "--out", HF_OUT_KIND_RESULTS, &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
    cr_assert(strstr(err.message, "is an hfsim generated trace directory"), "%s", err.message);
    struct hf_results r;
    cr_assert_not(hf_results_begin(&r, p, &err));
    snprintf(trace, sizeof trace, "%s/invocations_per_function_md.anon.d01.csv", p);
    cr_assert(exists(trace), "the trace was removed");
    /* A marker of an earlier version ("results" for every kind) still lets a comparison be re-run. */
    path_in(p, sizeof p, "old-compare");
    cr_assert_eq(mkdir(p, 0777), 0);
    cr_assert(hf_out_dir_mark(p, HF_OUT_KIND_RESULTS, &err), "%s", err.message);
    cr_assert(hf_out_dir_check_kind(p, "--out", HF_OUT_KIND_COMPARISON, &err), "%s", err.message);
    cr_assert_not(hf_out_dir_check_kind(p, "--out", HF_OUT_KIND_SWEEP, &err));

    cli_run(HFSIM_BIN, base, "trace gen --out gen", &(struct cli_result){0});
    struct cli_result res;
    cli_run(HFSIM_BIN, base, "run -q --out gen", &res);
    cr_assert_eq(res.code, 2, "%s", res.err);
    cli_run(HFSIM_BIN, base, "sweep -q --no-plots --policies fixed --set fixed.replicas=4,5 --out sw", &res);
    cr_assert_eq(res.code, 0, "%s", res.err);
    cli_run(HFSIM_BIN, base, "compare -q --policies fixed --out sw", &res);
    cr_assert_eq(res.code, 2, "%s", res.err);
    cr_assert(strstr(res.err, "is an hfsim sweep directory"), "%s", res.err);
}

/* A command's own --out inside a directory hfsim made is refused: a hand-made run in a sweep's
 * point would be taken by the sweep's resume for its own and reported as that grid point. */
Test(out_dir, an_output_inside_another_hfsim_directory_is_refused)
{
    struct cli_result res;
    cli_run(HFSIM_BIN, base, "sweep -q --no-plots --policies fixed --set fixed.replicas=4,5 --out sw", &res);
    cr_assert_eq(res.code, 0, "%s", res.err);
    const char *inside[] = {"run -q --out sw/runs/fixed/p000000 --set fixed.replicas=9",
                            "run -q --out sw/runs/fixed/another", "compare -q --policies fixed --out sw/c",
                            "trace gen --out sw/t", "sweep -q --no-plots --policies fixed --set fixed.replicas=1,2 --out sw/s"};
    for (size_t i = 0; i < sizeof inside / sizeof inside[0]; i++) {
        cli_run(HFSIM_BIN, base, inside[i], &res);
        cr_assert_eq(res.code, 2, "%s: exit %d: %s", inside[i], res.code, res.err);
        cr_assert(strstr(res.err, "an hfsim sweep directory: writing there would change its results"), "%s: %s",
                  inside[i], res.err);
        cr_assert_str_empty(res.out, "%s printed %s", inside[i], res.out);
    }
    cli_run(HFSIM_BIN, base, "sweep -q --no-plots --policies fixed --set fixed.replicas=4,5 --out sw", &res);
    cr_assert_eq(res.code, 0, "the sweep itself still resumes: %s", res.err);
}
