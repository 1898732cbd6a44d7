/* hfsim sweep end to end: results independent of --jobs, resume after a killed worker, and errors
 * before any run. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "sim/results.h"
#include "support/cli_run.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-sweep-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(cmd_sweep, .init = setup, .fini = teardown);

#define GRID "--set gateway.timeout_s=20,30 --set cluster.vms=6..8:2 --set duration_s=120 " \
             "--set workload.bursts.0.start_s=40 --set workload.bursts.0.duration_s=60 --policies hpa,hyperfaas"

static char *slurp(const char *rel)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s", p);
    char *buf = calloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void nap_10ms(void)
{
    struct timespec t = {0, 10000000};
    nanosleep(&t, NULL);
}

/* Whether process `pid` still runs (an exited one nobody has reaped yet, a zombie, does not). */
static bool running(pid_t pid)
{
    char path[64], text[512] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(text, 1, sizeof text - 1, f);
    text[n] = '\0';
    fclose(f);
    const char *p = strrchr(text, ')');
    return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

static bool exists(const char *rel)
{
    char p[300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", base, rel);
    return stat(p, &st) == 0;
}

Test(cmd_sweep, the_same_csv_whatever_the_number_of_jobs, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep " GRID " --jobs 1 --out one --no-plots -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "sweep " GRID " --jobs 2 --out two -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *a = slurp("one/sweep.csv"), *b = slurp("two/sweep.csv");
    cr_assert_str_eq(a, b);
    int rows = 0;
    for (char *c = a; *c; c++)
        rows += *c == '\n';
    cr_assert_eq(rows, 1 + 4 * 2, "a header, then 4 points x 2 policies: %s", a);
    cr_assert(strncmp(a, "point,policy,gateway.timeout_s,cluster.vms,", 43) == 0, "%s", a);
    free(a);
    free(b);
    cr_assert(exists("one/runs/hyperfaas/p000003/summary.json"));
    if (system("command -v gnuplot >/dev/null 2>&1") == 0)
        cr_assert(exists("two/p99_ms-vs-gateway.timeout_s.png"));
}

Test(cmd_sweep, resumes_after_a_killed_worker_and_never_trusts_half_written_points, .timeout = 180)
{
    /* The uninterrupted reference. */
    const char *grid = "--set seed=1..24:1 --set duration_s=400 --policies hpa";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sweep %s --jobs 2 --out ref --no-plots -q", grid);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);

    /* The same sweep, its workers killed mid-run. */
    snprintf(cmd, sizeof cmd, "cd %s && (%s sweep %s --jobs 1 --out cut --no-plots -q >cut.out 2>cut.err & "
                              "echo $! > sweep.pid)", base, HFSIM_BIN, grid);
    cr_assert_eq(system(cmd), 0);
    char *pid_text = slurp("sweep.pid");
    pid_t pid = (pid_t)atol(pid_text);
    free(pid_text);
    /* Wait until some points are done, then kill the worker(s), not the sweep. (The waits here are
     * limits, not expectations: a busy machine may take much longer than an idle one.) */
    for (int i = 0; i < 12000 && !exists("cut/runs/hpa/p000003"); i++)
        nap_10ms();
    cr_assert(exists("cut/runs/hpa/p000003"), "the sweep did not start");
    snprintf(cmd, sizeof cmd, "pkill -KILL -P %ld", (long)pid);
    cr_assert_eq(system(cmd), 0, "no worker to kill: the sweep finished too fast");
    for (int i = 0; i < 12000 && running(pid); i++)
        nap_10ms();
    cr_assert_not(running(pid), "the sweep ended when its worker died");
    char *err_text = slurp("cut.err");
    cr_assert(strstr(err_text, "a worker died"), "%s", err_text);
    free(err_text);
    cr_assert_not(exists("cut/sweep.csv"), "no sweep.csv from an interrupted sweep");

    /* A half-written point looks like this: a hidden tmp directory. It must be ignored and removed. */
    snprintf(cmd, sizeof cmd, "mkdir -p %s/cut/runs/hpa/.p000023.tmp-99999 && echo partial > "
                              "%s/cut/runs/hpa/.p000023.tmp-99999/summary.json", base, base);
    cr_assert_eq(system(cmd), 0);
    snprintf(cmd, sizeof cmd, "sweep %s --jobs 2 --out cut --no-plots", grid);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.err, "already done"), "%s", r.err);
    cr_assert(strstr(r.err, ", 0 already done") == NULL, "resume must keep finished points: %s", r.err);
    cr_assert_not(exists("cut/runs/hpa/.p000023.tmp-99999"));
    char *a = slurp("ref/sweep.csv"), *b = slurp("cut/sweep.csv");
    cr_assert_str_eq(a, b, "the resumed sweep equals the uninterrupted one");
    free(a);
    free(b);
}

Test(cmd_sweep, errors_before_any_run)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,0 --out bad -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "point p000001 (cluster.vms=0)"), "%s", r.err);
    cr_assert_not(exists("bad"), "nothing written");
    cli_run(HFSIM_BIN, base, "sweep --set x=1..2 -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err); /* "1..2" is not a range (no step): a string value, refused by the schema */
    cli_run(HFSIM_BIN, base, "sweep --jobs 0 -q", &r);
    cr_assert_eq(r.code, 2);
    cli_run(HFSIM_BIN, base, "sweep --policies nosuch -q", &r);
    cr_assert_eq(r.code, 2);
    /* The policy is not an axis: --policies runs every point with each (an axis was overwritten). */
    cli_run(HFSIM_BIN, base, "sweep --set policy=\\\"fixed\\\",\\\"hpa\\\" --out pol -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "--policies"), "%s", r.err);
    cr_assert_not(exists("pol"));
    /* A policy the scenario's cluster cannot host is refused before any run, not at its runs. */
    cli_run(HFSIM_BIN, base, "sweep " HFSIM_SOURCE_DIR "/scenarios/hydra-azure.json --policies keepalive,hyperfaas "
                             "--out hy -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "does not provide the generic second worker"), "%s", r.err);
    cr_assert_not(exists("hy"));
}

/* --emit parallel writes one command per run; running them and merging gives the local sweep.csv;
 * a merge with runs missing says how many and which. */
Test(cmd_sweep, emit_parallel_then_merge_equals_a_local_sweep, .timeout = 120)
{
    const char *grid = "--set seed=1..3:1 --set duration_s=120 --policies hpa,hyperfaas";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "sweep %s --emit parallel --out em -q", grid);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(exists("em/jobs.txt") && exists("em/sweep.json"));
    cli_run(HFSIM_BIN, base, "sweep --merge em -q", &r);
    cr_assert_eq(r.code, 1, "nothing ran yet: %s", r.err);
    cr_assert(strstr(r.err, "6 of 6 runs are missing"), "%s", r.err);
    snprintf(cmd, sizeof cmd, "cd %s && sh em/jobs.txt", base);
    cr_assert_eq(system(cmd), 0);
    cli_run(HFSIM_BIN, base, "sweep --merge em -q --no-plots", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(cmd, sizeof cmd, "sweep %s --out local -q --no-plots", grid);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *a = slurp("em/sweep.csv"), *b = slurp("local/sweep.csv");
    cr_assert_str_eq(a, b);
    free(a);
    free(b);
    /* Another grid in the same directory is refused rather than mixed in. */
    cli_run(HFSIM_BIN, base, "sweep --set seed=7,8 --policies hpa --out local -q", &r);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err, "holds another sweep"), "%s", r.err);
}

/* A string axis reads as people write it in sweep.csv and the plots (warm-first), not as its JSON
 * text ("warm-first", which CSV quoting turned into """warm-first"""); the same command then
 * resumes the directory (the JSON texts stay the grid's identity in sweep.json). */
Test(cmd_sweep, string_values_are_written_without_json_quotes, .timeout = 120)
{
    cli_run(HFSIM_BIN, base,
            "sweep --set gateway.routing=\\\"warm-first\\\",\\\"least-loaded\\\" --set duration_s=60 "
            "--policies hpa --out str -q",
            &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *csv = slurp("str/sweep.csv");
    cr_assert_not_null(strstr(csv, "\n0,hpa,warm-first,60,"), "%s", csv);
    cr_assert_not_null(strstr(csv, "\n1,hpa,least-loaded,60,"), "%s", csv);
    cr_assert_null(strstr(csv, "\"\""), "no doubled quotes: %s", csv);
    free(csv);
    cli_run(HFSIM_BIN, base,
            "sweep --set gateway.routing=\\\"warm-first\\\",\\\"least-loaded\\\" --set duration_s=60 "
            "--policies hpa --out str -q",
            &r);
    cr_assert_eq(r.code, 0, "resumed: %s", r.err);
}
