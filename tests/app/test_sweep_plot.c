/* Sweep plots (app/sweep_plot.h): sweep_stats.csv's means and 95 % intervals recomputed from
 * sweep.csv by hand; the layout of lines and panels; a property over random grids that every run
 * lands in exactly one cell. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/results.h"
#include "support/cli_run.h"
#include "traces/csv_stream.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-sweep-plot-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(sweep_plot, .init = setup, .fini = teardown);

#define SHORT "--set duration_s=60 --set drain_s=20 --set workload.bursts.0.start_s=20 " \
              "--set workload.bursts.0.duration_s=30 -q --no-plots"

/* A CSV of the test directory, as rows of fields (at most 4096 rows of 32 fields). */
struct table {
    char *cell[4096][32];
    size_t rows, columns;
};

static void load(const char *rel, struct table *t)
{
    char path[300];
    snprintf(path, sizeof path, "%s/%s", base, rel);
    struct hf_csv_reader *csv;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&csv, path, &err), "%s", err.message);
    struct hf_csv_row row;
    memset(t, 0, sizeof *t);
    while (hf_csv_next(csv, &row, &err) > 0 && t->rows < 4096) {
        for (size_t f = 0; f < row.count && f < 32; f++)
            t->cell[t->rows][f] = strdup(row.fields[f]);
        t->columns = row.count;
        t->rows++;
    }
    hf_csv_close(csv);
}

static void unload(struct table *t)
{
    for (size_t i = 0; i < t->rows; i++)
        for (size_t f = 0; f < 32; f++)
            free(t->cell[i][f]);
}

static int column(const struct table *t, const char *name)
{
    for (size_t f = 0; f < t->columns; f++)
        if (t->cell[0][f] && strcmp(t->cell[0][f], name) == 0)
            return (int)f;
    cr_assert_fail("no column %s", name);
    return -1;
}

Test(sweep_plot, means_and_intervals_over_seeds_match_a_hand_computation, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --set seed=1,2,3 --policies hpa,hyperfaas --out s " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    static struct table runs, stats;
    load("s/sweep.csv", &runs);
    load("s/sweep_stats.csv", &stats);
    cr_assert_eq(runs.rows, 1 + 2 * 3 * 2);
    int policy = column(&runs, "policy"), vms = column(&runs, "cluster.vms"), p99 = column(&runs, "p99_ms");
    int s_metric = column(&stats, "metric"), s_policy = column(&stats, "policy"), s_x = column(&stats, "x"),
        s_n = column(&stats, "runs"), s_mean = column(&stats, "mean"), s_low = column(&stats, "ci95_low"),
        s_high = column(&stats, "ci95_high");
    const double t_975_2 = 4.302652729911275; /* Student t, 97.5 % quantile, 2 degrees of freedom */
    int checked = 0;
    for (size_t i = 1; i < stats.rows; i++) {
        if (strcmp(stats.cell[i][s_metric], "p99_ms") != 0)
            continue;
        double v[3];
        int n = 0;
        for (size_t j = 1; j < runs.rows; j++)
            if (strcmp(runs.cell[j][policy], stats.cell[i][s_policy]) == 0 &&
                strcmp(runs.cell[j][vms], stats.cell[i][s_x]) == 0)
                v[n++] = atof(runs.cell[j][p99]);
        cr_assert_eq(n, 3, "three seeds per cell");
        cr_assert_eq(atoi(stats.cell[i][s_n]), 3);
        double mean = (v[0] + v[1] + v[2]) / 3;
        double sd = sqrt(((v[0] - mean) * (v[0] - mean) + (v[1] - mean) * (v[1] - mean) +
                          (v[2] - mean) * (v[2] - mean)) / 2);
        double half = t_975_2 * sd / sqrt(3);
        cr_assert_float_eq(atof(stats.cell[i][s_mean]), mean, 1e-5 * mean + 1e-9);
        cr_assert_float_eq(atof(stats.cell[i][s_low]), mean - half, 1e-5 * mean + 1e-6);
        cr_assert_float_eq(atof(stats.cell[i][s_high]), mean + half, 1e-5 * mean + 1e-6);
        checked++;
    }
    cr_assert_eq(checked, 4, "2 policies x 2 VM counts");
    unload(&runs);
    unload(&stats);
}

Test(sweep_plot, a_line_per_second_parameter_and_a_panel_per_third, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --set gateway.timeout_s=20,30 --set seed=1,2 "
                             "--policies hpa --out two " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    static struct table stats;
    load("two/sweep_stats.csv", &stats);
    int lines = column(&stats, "lines"), panel = column(&stats, "panel");
    bool saw20 = false, saw30 = false;
    for (size_t i = 1; i < stats.rows; i++) {
        saw20 = saw20 || strcmp(stats.cell[i][lines], "gateway.timeout_s=20") == 0;
        saw30 = saw30 || strcmp(stats.cell[i][lines], "gateway.timeout_s=30") == 0;
        cr_assert_str_empty(stats.cell[i][panel], "two parameters: one panel");
    }
    cr_assert(saw20 && saw30, "a line per value of the second parameter");
    unload(&stats);

    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --set gateway.timeout_s=20,30 "
                             "--set gateway.ingress_ms=1,2 --policies hpa --out three " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    load("three/sweep_stats.csv", &stats);
    panel = column(&stats, "panel");
    bool one = false, two = false;
    for (size_t i = 1; i < stats.rows; i++) {
        one = one || strcmp(stats.cell[i][panel], "gateway.ingress_ms=1") == 0;
        two = two || strcmp(stats.cell[i][panel], "gateway.ingress_ms=2") == 0;
    }
    cr_assert(one && two, "a panel per value of the third parameter");
    unload(&stats);
    char path[300];
    snprintf(path, sizeof path, "%s/three/sweep.gp", base);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    cr_assert(strstr(text, "set multiplot layout 1,3"), "small multiples side by side, and the legend's panel");
    cr_assert(strstr(text, "set key inside center center"), "one legend, in a panel of its own");
    cr_assert(strstr(text, "with linespoints"), "one seed: no error bars");
    cr_assert(strstr(text, "'gateway.ingress_ms = 2'"), "panel titles name the value");
}

/* Every run lands in exactly one cell: the runs of a metric that every run has add up to the jobs. */
Test(sweep_plot, property_every_run_in_exactly_one_cell, .timeout = 300)
{
    static const char *const axes[] = {"cluster.vms=4,8", "gateway.timeout_s=20,30,40", "gateway.ingress_ms=1,2",
                                       "seed=1,2", "cluster.vms=6"};
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int trial = 0; trial < 8; trial++) {
        gsl_rng_set(rng, (unsigned long)trial + 11);
        char cmd[1024] = "sweep --policies hpa,hyperfaas";
        int jobs = 2;
        bool used_vms = false;
        for (size_t a = 0; a < 5; a++) {
            if (gsl_rng_uniform(rng) < 0.5 || (used_vms && strncmp(axes[a], "cluster.vms", 11) == 0))
                continue;
            used_vms = used_vms || strncmp(axes[a], "cluster.vms", 11) == 0;
            snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " --set %s", axes[a]);
            int values = 1;
            for (const char *c = axes[a]; *c; c++)
                values += *c == ',';
            jobs *= values;
        }
        snprintf(cmd + strlen(cmd), sizeof cmd - strlen(cmd), " --out t%d " SHORT, trial);
        cli_run(HFSIM_BIN, base, cmd, &r);
        cr_assert_eq(r.code, 0, "%s: %s", cmd, r.err);
        char rel[32];
        snprintf(rel, sizeof rel, "t%d/sweep_stats.csv", trial);
        static struct table stats;
        load(rel, &stats);
        int metric = column(&stats, "metric"), n = column(&stats, "runs");
        int total = 0;
        for (size_t i = 1; i < stats.rows; i++)
            if (strcmp(stats.cell[i][metric], "p50_ms") == 0)
                total += atoi(stats.cell[i][n]);
        cr_assert_eq(total, jobs, "%s: %d runs in the cells, %d runs made", cmd, total, jobs);
        unload(&stats);
    }
    gsl_rng_free(rng);
}

/* x values drawn in ascending order whatever order they were given in, and markers nudged apart by
 * less than an eighth of the gap to the next value (they strayed onto other values). */
Test(sweep_plot, x_in_order_and_markers_stay_near_their_value, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=8,4,6,5 --set gateway.timeout_s=20,30,40 --set seed=1,2 "
                             "--policies hpa,hyperfaas --out o " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char path[300];
    snprintf(path, sizeof path, "%s/o/sweep.gp", base);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[512];
    bool in_block = false;
    double previous = -1;
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        if (strstr(line, "<< EOD")) {
            in_block = true;
            previous = -1;
            continue;
        }
        if (strncmp(line, "EOD", 3) == 0) {
            in_block = false;
            continue;
        }
        if (!in_block)
            continue;
        double x = atof(line);
        cr_assert_gt(x, previous, "x values out of order: %g after %g", x, previous);
        previous = x;
        double nearest = 1e9;
        for (int v = 4; v <= 8; v++)
            nearest = fabs(x - v) < fabs(nearest) ? x - v : nearest;
        cr_assert_lt(fabs(nearest), 1.0 / 8 + 1e-9, "a marker at %g strays from its value (gap 1)", x);
        rows++;
    }
    fclose(f);
    cr_assert_gt(rows, 0);
}

Test(sweep_plot, a_metric_zero_in_every_run_is_said_not_drawn, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4,8 --policies hyperfaas --out z " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char path[300];
    snprintf(path, sizeof path, "%s/z/sweep.gp", base);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char text[1 << 20];
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    cr_assert_null(strstr(text, "failed-vs-"), "no request failed: no plot of a flat zero");
    snprintf(path, sizeof path, "%s/z/report.html", base);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    text[fread(text, 1, sizeof text - 1, f)] = '\0';
    fclose(f);
    cr_assert(strstr(text, "Not plotted, being zero in every run: failed requests"), "the report says so");
}
