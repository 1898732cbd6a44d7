/* hfsim compare: one directory with a run per policy, comparison.csv and plots; deterministic;
 * clear errors; data without gnuplot. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/results.h"
#include "support/cli_run.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-compare-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(cmd_compare, .init = setup, .fini = teardown);

/* A shorter Figure 1: 40 s steady, a 40 s burst, so the test stays fast. */
#define SHORT "--set duration_s=80 --set drain_s=30 --set workload.bursts.0.start_s=40 " \
              "--set workload.bursts.0.duration_s=40 -q"

static long file_size(const char *rel)
{
    char p[300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", base, rel);
    return stat(p, &st) == 0 ? (long)st.st_size : -1;
}

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

Test(cmd_compare, writes_runs_table_and_plots, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c1 " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "policy") && strstr(r.out, "hyperfaas"), "the table is printed: %s", r.out);
    char *csv = slurp("c1/comparison.csv");
    cr_assert(strncmp(csv, "policy,p50_ms,p99_ms,", 21) == 0, "%s", csv);
    int lines = 0;
    for (char *c = csv; *c; c++)
        lines += *c == '\n';
    cr_assert_eq(lines, 3, "a header and a row per policy: %s", csv);
    cr_assert_not_null(strstr(csv, "\nhpa,"));
    cr_assert_not_null(strstr(csv, "\nhyperfaas,"));
    free(csv);
    cr_assert_gt(file_size("c1/hpa/summary.json"), 0);
    cr_assert_gt(file_size("c1/hyperfaas/timeseries.csv"), 0);
    cr_assert_gt(file_size("c1/hyperfaas/latency_cdf.csv"), 0);
    cr_assert_gt(file_size("c1/plot.gp"), 0);
    if (system("command -v gnuplot >/dev/null 2>&1") == 0) {
        const char *plots[] = {"latency", "containers", "cpu", "latency_cdf", "actions"};
        for (int i = 0; i < 5; i++) {
            char rel[64];
            snprintf(rel, sizeof rel, "c1/%s.png", plots[i]);
            cr_assert_gt(file_size(rel), 1000, "%s", rel);
            snprintf(rel, sizeof rel, "c1/%s.svg", plots[i]);
            cr_assert_gt(file_size(rel), 1000, "%s", rel);
        }
    } else {
        cr_assert(strstr(r.err, "gnuplot not found"), "no gnuplot and no message: %s", r.err);
    }
}

Test(cmd_compare, deterministic_and_data_without_gnuplot, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies kpa,hyperfaas --no-plots --out a " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    /* PATH without gnuplot: the data is written, a message says why there are no plots. */
    cli_run("PATH=/nonexistent " HFSIM_BIN, base, "compare --policies kpa,hyperfaas --out b " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.err, "gnuplot not found"), "%s", r.err);
    cr_assert_eq(file_size("b/latency.png"), -1);
    char *a = slurp("a/comparison.csv"), *b = slurp("b/comparison.csv");
    cr_assert_str_eq(a, b, "same scenario and seed: the same comparison");
    free(a);
    free(b);
}

Test(cmd_compare, bad_input_leaves_nothing)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,nosuch --out x -q", &r);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err, "unknown policy \"nosuch\""), "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hpa --out x -q", &r);
    cr_assert_eq(r.code, 2);
    cli_run(HFSIM_BIN, base, "compare --set cluster.vms=0 --out x -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare missing.json --out x -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --set policy=\\\"hpa\\\" --out x -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "--policies"), "a comparison's policies are not a --set: %s", r.err);
    cli_run(HFSIM_BIN, base, "compare " HFSIM_SOURCE_DIR "/scenarios/hydra-azure.json --out x -q", &r);
    cr_assert_eq(r.code, 3, "hyperfaas (a default policy) on Hydra runtimes, refused before any run: %s", r.err);
    cr_assert_eq(file_size("x"), -1, "no directory after an error");
    cli_run(HFSIM_BIN, base, "compare --help", &r);
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out, "--policies"));
}

/* The policies run in parallel workers: the comparison is the same whatever their number. */
Test(cmd_compare, the_same_comparison_whatever_the_number_of_jobs, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hpa-tuned,kpa,hyperfaas --jobs 1 --out one " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hpa-tuned,kpa,hyperfaas --jobs 3 --out three " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    const char *files[] = {"comparison.csv", "report.html", "hyperfaas/timeseries.csv", "kpa/summary.json"};
    for (int i = 0; i < 4; i++) {
        char a_path[64], b_path[64];
        snprintf(a_path, sizeof a_path, "one/%s", files[i]);
        snprintf(b_path, sizeof b_path, "three/%s", files[i]);
        char *a = slurp(a_path), *b = slurp(b_path);
        cr_assert_str_eq(a, b, "%s differs between 1 and 3 jobs", files[i]);
        free(a);
        free(b);
    }
    cli_run(HFSIM_BIN, base, "compare --jobs 0 --out x -q", &r);
    cr_assert_eq(r.code, 2, "%s", r.err);
}
