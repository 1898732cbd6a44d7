/* report.html (app/report.h), read as a file: self-contained (no script, nothing from elsewhere),
 * every reference resolves (ids inside the page, files beside it), one figure per plot with its
 * caption, ids unique across the inlined plots, and the same bytes for the same study. (A real
 * browser renders it in test_report_browser.c.) */
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
    strcpy(base, "/tmp/hfsim-test-report-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(report, .init = setup, .fini = teardown);

#define SHORT "--set duration_s=80 --set drain_s=30 --set workload.bursts.0.start_s=40 " \
              "--set workload.bursts.0.duration_s=40 -q"

static char *slurp(const char *rel)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f, "%s", p);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)size + 1);
    buf[fread(buf, 1, (size_t)size, f)] = '\0';
    fclose(f);
    return buf;
}

static int count(const char *text, const char *what)
{
    int n = 0;
    for (const char *p = text; (p = strstr(p, what)) != NULL; p += strlen(what))
        n++;
    return n;
}

/* The value of an attribute starting at `at` (after its opening quote), up to the closing quote. */
static void value_at(const char *at, char quote, char *out, size_t size)
{
    size_t n = 0;
    while (at[n] && at[n] != quote && n + 1 < size)
        n++;
    memcpy(out, at, n);
    out[n] = '\0';
}

static bool id_defined(const char *html, const char *id)
{
    char a[320], b[320];
    snprintf(a, sizeof a, " id='%s'", id);
    snprintf(b, sizeof b, " id=\"%s\"", id);
    return strstr(html, a) || strstr(html, b);
}

/* Checks a report as a browser would need it: returns how many plots are inline. */
static int check_report(const char *dir)
{
    char rel[200];
    snprintf(rel, sizeof rel, "%s/report.html", dir);
    char *html = slurp(rel);
    cr_assert(strncmp(html, "<!DOCTYPE html>", 15) == 0);
    cr_assert_null(strstr(html, "<script"), "no script");
    cr_assert_null(strstr(html, "<link"), "no style sheet from elsewhere");
    cr_assert_null(strstr(html, "<img"), "plots inline, not images");
    cr_assert_null(strstr(html, "@import"));
    cr_assert_null(strstr(html, "<?xml"), "the SVGs' XML prolog stays out of the HTML");
    /* Every reference: "#id" ones resolve inside the page, others are files in the directory. */
    static const char *const refs[] = {"href='", "href=\"", "src='", "src=\"", "url("};
    for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
        for (const char *p = html; (p = strstr(p, refs[k])) != NULL; p++) {
            char value[300];
            char quote = k == 4 ? ')' : refs[k][strlen(refs[k]) - 1];
            value_at(p + strlen(refs[k]), quote, value, sizeof value);
            cr_assert_null(strstr(value, "://"), "a reference to elsewhere: %s", value);
            if (value[0] == '#') {
                cr_assert(id_defined(html, value + 1), "%s: no element with id %s", rel, value + 1);
            } else {
                char file[600];
                struct stat st;
                snprintf(file, sizeof file, "%s/%s/%s", base, dir, value);
                cr_assert_eq(stat(file, &st), 0, "%s: a link to a missing file %s", rel, value);
            }
        }
    }
    /* Ids are unique: gnuplot reuses its ids in every plot, the report prefixes them. */
    for (const char *p = html; (p = strstr(p, " id='")) != NULL; p++) {
        char id[300], needle[320];
        value_at(p + 5, '\'', id, sizeof id);
        snprintf(needle, sizeof needle, " id='%s'", id);
        cr_assert_eq(count(html, needle), 1, "id %s defined twice", id);
    }
    int svgs = count(html, "<svg"), captions = count(html, "<figcaption>"), missing = count(html, "Not drawn");
    cr_assert_eq(svgs + missing, captions, "a caption per plot, drawn or said missing");
    free(html);
    return svgs;
}

Test(report, comparison_report_is_self_contained_and_deterministic, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c1 " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    bool gnuplot = system("command -v gnuplot >/dev/null 2>&1") == 0;
    cr_assert_eq(check_report("c1"), gnuplot ? 5 : 0);
    char *html = slurp("c1/report.html");
    cr_assert(strstr(html, "<figcaption>Response time over time"), "captions say what a plot shows");
    cr_assert(strstr(html, "p99 response time (ms)"), "the table uses the metric labels");
    cr_assert(strstr(html, "<dt>Policies</dt><dd>hpa, hyperfaas"), "what was run");
    if (!gnuplot)
        cr_assert(strstr(html, "Not drawn"), "a missing plot is said");
    /* The same study in another directory: the same page. */
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c2 " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char *again = slurp("c2/report.html");
    cr_assert(strcmp(html, again) == 0, "report.html differs between two identical comparisons");
    free(again);
    /* hfsim plot redraws the same page. */
    cli_run(HFSIM_BIN, base, "plot c1", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    again = slurp("c1/report.html");
    cr_assert(strcmp(html, again) == 0, "hfsim plot changed report.html");
    free(again);
    free(html);
}

Test(report, sweep_report_shows_plots_and_part_of_a_long_table, .timeout = 120)
{
    cli_run(HFSIM_BIN, base, "sweep --set cluster.vms=4..9:1 --set seed=1..5:1 --policies hpa,hyperfaas --out s "
                             "--set duration_s=60 --set drain_s=20 --set workload.bursts.0.start_s=20 "
                             "--set workload.bursts.0.duration_s=30 -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    bool gnuplot = system("command -v gnuplot >/dev/null 2>&1") == 0;
    int svgs = check_report("s");
    cr_assert(gnuplot ? svgs >= 6 : svgs == 0, "%d plots", svgs);
    char *html = slurp("s/report.html");
    cr_assert(strstr(html, "the first 50 rows are shown; 10 more are in the file"), "60 runs, 50 shown");
    cr_assert(strstr(html, "<dt>seed</dt><dd>1, 2, 3, 4, 5</dd>"));
    cr_assert(strstr(html, "mean over 5 seeds"), "captions say how points were made");
    free(html);
}

Test(report, a_report_without_gnuplot_says_so, .timeout = 120)
{
    cli_run("PATH=/nonexistent " HFSIM_BIN, base, "compare --policies hpa --out c " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_eq(check_report("c"), 0);
    char *html = slurp("c/report.html");
    cr_assert_eq(count(html, "Not drawn"), 5, "each missing plot is said");
    free(html);
}
