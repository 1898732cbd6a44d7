/* functions.csv rows and the per-app cold-start distribution: apps grouped by the name up to its
 * last '/' (owner/app), apps without invocations left out, percentiles over apps (GSL's
 * interpolated quantiles). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/function_stats.h"
#include "sim/out_dir.h"
#include "sim/results.h"
#include "sim/schema.h"

static const char *name_of(const void *ctx, uint32_t f) { return ((const char *const *)ctx)[f]; }

/* Writes the stats into a fresh results directory BASE/r (BASE from mkdtemp; the caller removes it)
 * and returns the per-app distribution. */
static json_t *write_stats(char *base, const struct hf_function_counts *counts, uint32_t count,
                           const struct hf_function_names *names)
{
    cr_assert_not_null(mkdtemp(base));
    char out[128];
    snprintf(out, sizeof out, "%s/r", base);
    struct hf_results r;
    struct hf_error err = {0};
    cr_assert(hf_results_begin(&r, out, &err), "%s", err.message);
    json_t *apps = hf_function_stats_write(&r, counts, count, names, &err);
    cr_assert_not_null(apps, "%s", err.message);
    cr_assert(hf_results_commit(&r, &err), "%s", err.message);
    return apps;
}

/* BASE/r/functions.csv, whole. */
static void read_csv(const char *base, char *text, size_t size)
{
    char path[160];
    snprintf(path, sizeof path, "%s/r/functions.csv", base);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    size_t n = fread(text, 1, size - 1, f);
    text[n] = '\0';
    fclose(f);
}

Test(function_stats, apps_group_by_prefix_and_the_distribution_is_over_apps)
{
    /* app o/a: 10 + 30 invocations, 4 + 0 waited -> 10 %; o/b: 50 %; lonely: 0 %; c: no invocation
     * (left out); "with,comma": 100 %. Apps with invocations: 0, 10, 50, 100. */
    static const char *names[] = {"o/a/1", "o/a/2", "o/b/1", "lonely", "c/1", "with,comma/x"};
    const struct hf_function_names named = {name_of, names, false};
    const struct hf_function_counts counts[] = {
        {10, 10, 0, 4, 4}, {30, 29, 1, 0, 1}, {2, 2, 0, 1, 1}, {7, 7, 0, 0, 1}, {0, 0, 0, 0, 0}, {3, 3, 0, 3, 1},
    };
    char base[] = "/tmp/hfsim-test-fstats-XXXXXX";
    json_t *apps = write_stats(base, counts, 6, &named);
    cr_assert_eq(hf_json_int_at(apps, "apps"), 4);
    /* GSL quantiles of sorted {0, 10, 50, 100}: p50 at 1.5 -> 30, p75 at 2.25 -> 62.5, p90 at 2.7 -> 85. */
    cr_assert_float_eq(hf_json_number_at(apps, "p50"), 30, 1e-9);
    cr_assert_float_eq(hf_json_number_at(apps, "p75"), 62.5, 1e-9);
    cr_assert_float_eq(hf_json_number_at(apps, "p90"), 85, 1e-9);
    cr_assert_float_eq(hf_json_number_at(apps, "mean"), 40, 1e-9);
    json_decref(apps);
    char text[1024];
    read_csv(base, text, sizeof text);
    cr_assert(strstr(text, "0,o/a/1,o/a,10,10,0,4,4,40\n"), "%s", text);
    cr_assert(strstr(text, "3,lonely,lonely,7,7,0,0,1,0\n"), "%s", text);
    cr_assert(strstr(text, "5,\"with,comma/x\",\"with,comma\",3,3,0,3,1,100\n"), "quoted: %s", text);
    hf_remove_tree(base);
}

Test(function_stats, unnamed_functions_are_apps_of_their_own)
{
    const struct hf_function_counts counts[] = {{4, 4, 0, 1, 1}, {4, 4, 0, 3, 3}};
    char base[] = "/tmp/hfsim-test-fstats-XXXXXX";
    json_t *apps = write_stats(base, counts, 2, NULL);
    cr_assert_eq(hf_json_int_at(apps, "apps"), 2);
    cr_assert_float_eq(hf_json_number_at(apps, "p50"), 50, 1e-9);
    json_decref(apps);
    hf_remove_tree(base);
}

Test(function_stats, names_that_are_apps_are_whole_apps)
{
    /* o/a and o/b would both be app "o" by their last '/': as apps already, they are two. */
    static const char *apps_named[] = {"o/a", "o/b"};
    const struct hf_function_names named = {name_of, apps_named, true};
    const struct hf_function_counts counts[] = {{4, 4, 0, 1, 1}, {4, 4, 0, 3, 3}};
    char base[] = "/tmp/hfsim-test-fstats-XXXXXX";
    json_t *apps = write_stats(base, counts, 2, &named);
    cr_assert_eq(hf_json_int_at(apps, "apps"), 2);
    json_decref(apps);
    char text[512];
    read_csv(base, text, sizeof text);
    cr_assert(strstr(text, "1,o/b,o/b,4,4,0,3,3,75\n"), "%s", text);
    hf_remove_tree(base);
}

/* An app named "" (a name starting with '/') is an app like any other, and a function without '/'
 * is the app of its own name: "a" and "a/b" are one app, as trace.unit "app" groups them. */
Test(function_stats, empty_and_bare_names_are_apps_of_their_own_names)
{
    static const char *odd[] = {"solo", "/x", "other", "a", "a/b"};
    const struct hf_function_names named = {name_of, odd, false};
    const struct hf_function_counts counts[] = {
        {100, 100, 0, 2, 1}, {1, 1, 0, 1, 1}, {1, 1, 0, 1, 1}, {1, 1, 0, 0, 0}, {1, 1, 0, 1, 1}};
    char base[] = "/tmp/hfsim-test-fstats-XXXXXX";
    json_t *apps = write_stats(base, counts, 5, &named);
    cr_assert_eq(hf_json_int_at(apps, "apps"), 4, "solo, \"\", other, a");
    /* 2 %, 100 %, 100 %, 50 % */
    cr_assert_float_eq(hf_json_number_at(apps, "mean"), (2 + 100 + 100 + 50) / 4.0, 1e-9);
    json_decref(apps);
    hf_remove_tree(base);
}
