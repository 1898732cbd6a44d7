/* hfsim plot: redraws comparison and sweep directories in place; puts runs, comparisons and
 * validations on one chart in a new directory; refuses what it must not touch, with exit codes. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/results.h"
#include "support/cli_run.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-plot-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(cmd_plot, .init = setup, .fini = teardown);

#define SHORT "--set duration_s=80 --set drain_s=30 --set workload.bursts.0.start_s=40 " \
              "--set workload.bursts.0.duration_s=40 -q"
#define SCENARIO HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json"

static bool exists(const char *rel)
{
    char p[300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", base, rel);
    return stat(p, &st) == 0;
}

static char *slurp(const char *rel)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s", p);
    char *buf = calloc(1, 1 << 20);
    buf[fread(buf, 1, (1 << 20) - 1, f)] = '\0';
    fclose(f);
    return buf;
}

static bool gnuplot(void) { return system("command -v gnuplot >/dev/null 2>&1") == 0; }

Test(cmd_plot, several_runs_on_one_chart, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "run " SCENARIO " --out one " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --policies hyperfaas,kpa --out cmp " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "plot one cmp --out chart", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *csv = slurp("chart/comparison.csv");
    cr_assert(strstr(csv, "\none,") && strstr(csv, "\ncmp/hyperfaas,") && strstr(csv, "\ncmp/kpa,"),
              "a row per run, named by directory: %s", csv);
    free(csv);
    char *gp = slurp("chart/plot.gp");
    cr_assert(strstr(gp, "run_name[2] = 'cmp/hyperfaas'"), "legend names: %s", gp);
    free(gp);
    cr_assert(exists("chart/report.html"));
    cr_assert_not(exists("chart/hyperfaas"), "the runs are not copied");
    if (gnuplot())
        cr_assert(exists("chart/latency.png") && exists("chart/latency.svg"));
    /* Names of one's own, and the chart redrawn from its study.json alone. */
    cli_run(HFSIM_BIN, base, "plot one cmp --names HPA,HyperFaaS,KPA --out chart", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    csv = slurp("chart/comparison.csv");
    cr_assert(strstr(csv, "\nHyperFaaS,"), "%s", csv);
    free(csv);
    cli_run(HFSIM_BIN, base, "plot chart", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
}

Test(cmd_plot, redraws_in_place, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --policies hpa --out s --no-plots " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_not(exists("s/p99_ms-vs-cluster.vms.png"), "--no-plots draws nothing");
    cr_assert(exists("s/report.html") && exists("s/sweep.gp"));
    cli_run(HFSIM_BIN, base, "plot s", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    if (gnuplot())
        cr_assert(exists("s/p99_ms-vs-cluster.vms.png"), "hfsim plot drew the sweep");
    cli_run(HFSIM_BIN, base, "compare --policies hpa --out c --no-plots " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "plot c", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    if (gnuplot())
        cr_assert(exists("c/actions.svg"));
}

Test(cmd_plot, refuses_what_it_must_not_touch, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "run " SCENARIO " --out one " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "run " SCENARIO " --set policy=\\\"hyperfaas\\\" --out two " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --policies hpa --out cmp " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --policies hpa --out s --no-plots " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char mine[300];
    snprintf(mine, sizeof mine, "mkdir -p %s/mine && touch %s/mine/notes.txt", base, base);
    cr_assert_eq(system(mine), 0);

    struct {
        const char *args, *says;
    } refused[] = {
        {"plot one --out two", "an hfsim results directory"},       /* would replace a run */
        {"plot one --out cmp", "holds hpa"},                        /* a comparison's runs */
        {"plot one two --out mine", "--out"},  /* a user's directory */
        {"plot one one --out x", "the same run twice"},
        {"plot one cmp/hpa --names a,a --out x", "--names: 'a' twice"},
        {"plot one two --names a,b,c --out x", "2 runs to name, and the list has 3 names"},
        {"plot one two --names a --out x", "--names"},
        {"plot one s --out x", "a sweep has too many runs"},
        {"plot mine --out x", "not a directory hfsim made"},
        {"plot one", "is one run"},
        {"plot one two", "give --out"},
        {"plot", "which directory"},
        {"plot cmp --bogus", "unknown option"},
        {"plot cmp/hpa/.. --names x", "give --out"},
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        cli_run(HFSIM_BIN, base, refused[i].args, &r);
        cr_assert_eq(r.code, 2, "%s: exit %d: %s", refused[i].args, r.code, r.err);
        cr_assert(strstr(r.err, refused[i].says), "%s: %s", refused[i].args, r.err);
    }
    cr_assert(exists("two/summary.json") && exists("cmp/hpa/summary.json"), "nothing was replaced");
    cli_run(HFSIM_BIN, base, "plot missing --out x", &r);
    cr_assert_eq(r.code, 3, "a run that is not there is bad input: %s", r.err);
    cr_assert(strstr(r.err, "missing: no such run directory"), "%s", r.err);
    cr_assert_not(exists("x"), "no directory after a refusal");
    cr_assert(exists("mine/notes.txt"), "a user's directory is left alone");

    /* A run put into a chart hfsim plot made: the chart is not replaced over it. */
    cli_run(HFSIM_BIN, base, "plot one two --out chart", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(mine, sizeof mine, "cp -a %s/one %s/chart/kept", base, base);
    cr_assert_eq(system(mine), 0);
    cli_run(HFSIM_BIN, base, "plot one two --out chart", &r);
    cr_assert_eq(r.code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "holds kept"), "%s", r.err);
    cr_assert(exists("chart/kept/summary.json"));

    /* A run with a file missing: bad input, named; a failed redraw keeps the plot script that worked. */
    cr_assert_eq(rename(strcat(strcpy((char[300]){0}, base), "/two/latency_cdf.csv"),
                        strcat(strcpy((char[300]){0}, base), "/two/latency_cdf.keep")), 0);
    cli_run(HFSIM_BIN, base, "plot one two --out y", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "two/latency_cdf.csv"), "%s", r.err);
    cr_assert_not(exists("y"));
    char *before = slurp("chart/plot.gp");
    cli_run(HFSIM_BIN, base, "plot chart", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    char *after = slurp("chart/plot.gp");
    cr_assert_str_eq(before, after, "a failed redraw changed plot.gp");
    free(before);
    free(after);
    cr_assert_eq(rename(strcat(strcpy((char[300]){0}, base), "/two/latency_cdf.keep"),
                        strcat(strcpy((char[300]){0}, base), "/two/latency_cdf.csv")), 0);
    cr_assert_eq(remove(strcat(strcpy((char[300]){0}, base), "/two/timeseries.csv")), 0);
    cli_run(HFSIM_BIN, base, "plot one two --out x", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "two/timeseries.csv"), "%s", r.err);
    cr_assert_not(exists("x"));

    cli_run(HFSIM_BIN, base, "plot --help", &r);
    cr_assert_eq(r.code, 0);
    cr_assert(strstr(r.out, "RUN... --out DIR"));
}

/* Runs of different scenarios on one chart: the result does not depend on their order; a burst that
 * only some runs have is not shaded, and the caption says so. */
Test(cmd_plot, runs_of_different_scenarios_in_either_order, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "run " SCENARIO " --out burst " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "run " SCENARIO " --set workload.bursts=[] --set duration_s=80 --set drain_s=30 "
                             "--out steady -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "plot burst steady --out ab", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "plot steady burst --out ba", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *ab = slurp("ab/plot.gp"), *ba = slurp("ba/plot.gp");
    cr_assert(strstr(ab, "burst_start = -1") && strstr(ba, "burst_start = -1"), "a burst only one run has");
    const char *a = strstr(ab, "startup_end ="), *b = strstr(ba, "startup_end =");
    cr_assert(a && b && strncmp(a, b, strcspn(a, "\n")) == 0, "the start-up depends on the order");
    free(ab);
    free(ba);
    char *html = slurp("ab/report.html");
    cr_assert(strstr(html, "the runs' bursts differ, so none is shaded"), "the caption says why");
    free(html);
}

/* A comparison made before study.json existed is redrawn from its comparison.csv; a directory name
 * with a quote is drawn too. */
Test(cmd_plot, redraws_an_older_comparison_and_odd_names, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out \"it's\" --no-plots " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char path[300];
    snprintf(path, sizeof path, "%s/it's/study.json", base);
    cr_assert_eq(remove(path), 0);
    cli_run(HFSIM_BIN, base, "plot \"it's\"", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *html = slurp("it's/report.html");
    cr_assert(strstr(html, "made by an earlier hfsim"), "the report says where its facts come from");
    free(html);
    if (gnuplot()) {
        cr_assert(exists("it's/latency.svg"), "a quote in the directory name: %s", r.err);
        cr_assert(strstr(r.err, "and plots"), "%s", r.err);
    }
}

/* A garbled run file is bad input; plots gnuplot could not draw make hfsim plot fail (exit 1), with
 * report.html written; a re-run keeps a file someone put in the directory. */
Test(cmd_plot, garbled_runs_and_failed_drawing, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char cmd[600];
    snprintf(cmd, sizeof cmd, "echo 'quantile,latency_ms' > %s/c/hpa/latency_cdf.csv && echo notes > %s/c/notes.txt",
             base, base);
    cr_assert_eq(system(cmd), 0);
    cli_run(HFSIM_BIN, base, "plot c", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "c/hpa/latency_cdf.csv: no rows"), "%s", r.err);
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(exists("c/notes.txt"), "a re-run deleted a file hfsim did not write");
    cr_assert(strstr(r.err, "kept notes.txt"), "%s", r.err);
    if (!gnuplot())
        return;
    snprintf(cmd, sizeof cmd, "rm %s/c/latency.png && mkdir %s/c/latency.png", base, base);
    cr_assert_eq(system(cmd), 0);
    cli_run(HFSIM_BIN, base, "plot c", &r);
    cr_assert_eq(r.code, 1, "gnuplot could not write latency.png: %s", r.err);
    cr_assert(strstr(r.err, "no plots were drawn"), "%s", r.err);
    cr_assert(exists("c/report.html"));
}
