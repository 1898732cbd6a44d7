/* Replay per app (trace.unit "app"): the model's functions are the apps of the replayed functions,
 * every invocation still arrives (at its app), an app's memory is its functions' shares put back
 * together, and functions.csv names apps. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "support/run_summary.h"
#include "traces/trace_scenario.h"

#define SAMPLE HFSIM_SOURCE_DIR "/traces/samples/azure2019/invocations_per_function_md.anon.d01.csv"

/* Opens a trace as a replay of `unit`s would (format, path, unit from `--set`s). */
static struct hf_trace *open_trace(const char *format, const char *path, const char *unit, json_t **effective)
{
    char set_format[64], set_path[512], set_unit[64];
    snprintf(set_format, sizeof set_format, "trace.format=\"%s\"", format);
    snprintf(set_path, sizeof set_path, "trace.path=\"%s\"", path);
    snprintf(set_unit, sizeof set_unit, "trace.unit=\"%s\"", unit);
    const char *sets[] = {"model=\"cluster\"", set_format, set_path, set_unit};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, 4, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_trace *trace;
    *effective = hf_trace_open_scenario(s, &trace, &err);
    cr_assert_not_null(*effective, "%s", err.message);
    json_decref(s);
    return trace;
}

static struct hf_trace *open_sample(const char *unit, json_t **effective)
{
    return open_trace("azure2019", SAMPLE, unit, effective);
}

Test(trace, an_app_unit_gathers_the_functions_of_an_app)
{
    json_t *per_function, *per_app;
    struct hf_trace *functions = open_sample("function", &per_function);
    struct hf_trace *apps = open_sample("app", &per_app);
    /* The apps of the replayed functions, counted here from their names. */
    uint32_t n = hf_trace_function_count(functions), distinct = 0;
    for (uint32_t f = 0; f < n; f++) {
        const char *name = hf_trace_function_name(functions, f);
        size_t prefix = (size_t)(strrchr(name, '/') - name);
        bool seen = false;
        for (uint32_t g = 0; g < f && !seen; g++)
            seen = strncmp(hf_trace_function_name(functions, g), name, prefix + 1) == 0;
        distinct += !seen;
    }
    cr_assert_lt(distinct, n, "the sample has apps with several functions");
    cr_assert_eq(hf_trace_function_count(apps), distinct);
    cr_assert_eq(hf_json_int_at(per_app, "workload.functions"), distinct);
    cr_assert_eq(hf_trace_stats(apps)->functions, n, "the same functions are replayed");
    /* App 0's memory is the app's whole curve: a function's share times the split. */
    const char *app0 = hf_trace_function_name(apps, 0);
    cr_assert_null(strchr(strchr(app0, '/') + 1, '/'), "owner/app: %s", app0);
    double whole, share;
    cr_assert(hf_trace_function_memory_mb(apps, 0, 0.5, &whole));
    cr_assert(hf_trace_function_memory_mb(functions, 0, 0.5, &share));
    cr_assert_eq(strncmp(hf_trace_function_name(functions, 0), app0, strlen(app0)), 0, "function 0 is app 0's");
    cr_assert_geq(whole, share);
    cr_assert_float_eq(fmod(whole / share, 1.0), 0, 1e-3, "whole %.3f is a whole number of shares %.3f", whole, share);
    hf_trace_close(functions);
    hf_trace_close(apps);
    json_decref(per_function);
    json_decref(per_app);
}

/* Owner o1 has two apps, o2 one app of two functions, and a name without '/' is its own everything. */
Test(trace, tenant_and_all_units_group_by_owner_and_as_one)
{
    char path[] = "/tmp/hfsim-test-tenants-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("time_s,function,duration_ms\n0.1,o1/a1/f1,10\n0.2,o1/a2/f2,10\n0.3,o2/a3/f3,10\n0.4,o2/a3/f4,10\n"
          "0.5,solo,10\n",
          f);
    fclose(f);
    const char *units[] = {"function", "app", "tenant", "all"};
    uint32_t expect[] = {5, 4, 3, 1};
    const char *first[] = {"o1/a1/f1", "o1/a1", "o1", "all"};
    for (int u = 0; u < 4; u++) {
        json_t *effective;
        struct hf_trace *t = open_trace("csv", path, units[u], &effective);
        cr_assert_eq(hf_trace_function_count(t), expect[u], "unit %s: %u units", units[u], hf_trace_function_count(t));
        cr_assert_str_eq(hf_trace_function_name(t, 0), first[u]);
        cr_assert_eq(hf_trace_stats(t)->functions, 5, "unit %s: every function replays", units[u]);
        hf_trace_close(t);
        json_decref(effective);
    }
    remove(path);
}

Test(trace, a_run_per_app_issues_every_invocation_and_reports_apps)
{
    char base[] = "/tmp/hfsim-test-units-XXXXXX";
    cr_assert_not_null(mkdtemp(base));
    char out[128], path[160];
    snprintf(out, sizeof out, "%s/run", base);
    const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", "trace.format=\"azure2019\"",
                          "trace.path=\"" SAMPLE "\"", "trace.unit=\"app\"", "cluster.vms=20",
                          "function.concurrency=4", "trace.to_minute=10"};
    json_t *summary = run_summary(out, sets, sizeof sets / sizeof sets[0]);
    cr_assert_eq(hf_json_int_at(summary, "trace.check.issued"), hf_json_int_at(summary, "trace.check.expected"));
    cr_assert_str_eq(hf_json_string_at(summary, "trace.unit"), "app");
    json_int_t apps = hf_json_int_at(summary, "trace.apps");
    cr_assert_lt(apps, hf_json_int_at(summary, "trace.functions"));
    cr_assert_eq(hf_json_int_at(summary, "cold_start_pct_over_apps.apps"), apps, "each model function is one app");
    snprintf(path, sizeof path, "%s/functions.csv", out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[1024];
    json_int_t rows = -1;
    while (fgets(line, sizeof line, f)) {
        if (rows++ < 0)
            continue;
        char name[300], app[300];
        cr_assert_eq(sscanf(line, "%*u,%299[^,],%299[^,],", name, app), 2);
        cr_assert_str_eq(name, app, "an app unit is its own app");
    }
    fclose(f);
    cr_assert_eq(rows, apps);
    json_decref(summary);
    hf_remove_tree(base);
}

/* trace.apps N: every invoked function of N apps (drawn one per popularity stratum of the apps), and
 * the same apps for the same seed. */
static json_t *open_with(const char *const *sets, size_t count, struct hf_trace **trace)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, count, &err);
    cr_assert_not_null(s, "%s", err.message);
    json_t *effective = hf_trace_open_scenario(s, trace, &err);
    cr_assert_not_null(effective, "%s", err.message);
    json_decref(s);
    return effective;
}

static size_t app_length(const char *name) { return (size_t)(strrchr(name, '/') - name); }

Test(trace, an_app_sample_replays_whole_apps_from_each_popularity_stratum)
{
    const char *all_sets[] = {"model=\"cluster\"", "trace.format=\"azure2019\"", "trace.path=\"" SAMPLE "\""};
    const char *sample_sets[] = {"model=\"cluster\"", "trace.format=\"azure2019\"", "trace.path=\"" SAMPLE "\"",
                                 "trace.apps=3"};
    struct hf_trace *all, *sample, *again;
    json_t *e1 = open_with(all_sets, 3, &all), *e2 = open_with(sample_sets, 4, &sample),
           *e3 = open_with(sample_sets, 4, &again);
    uint32_t n_all = hf_trace_function_count(all), n = hf_trace_function_count(sample);
    /* Invocations per app over the whole replay, and the apps the sample holds. */
    char apps[64][200];
    uint32_t app_count = 0;
    for (uint32_t f = 0; f < n_all; f++) {
        const char *name = hf_trace_function_name(all, f);
        uint32_t a = 0;
        while (a < app_count && !(strlen(apps[a]) == app_length(name) && strncmp(apps[a], name, app_length(name)) == 0))
            a++;
        if (a == app_count) {
            cr_assert_lt(app_count, 64u);
            snprintf(apps[app_count++], sizeof apps[0], "%.*s", (int)app_length(name), name);
        }
    }
    cr_assert_gt(app_count, 6u);
    uint32_t sampled_apps = 0, functions_of_sampled = 0;
    for (uint32_t a = 0; a < app_count; a++) {
        bool in_sample = false;
        for (uint32_t f = 0; f < n; f++)
            in_sample = in_sample || strncmp(hf_trace_function_name(sample, f), apps[a], strlen(apps[a])) == 0;
        sampled_apps += in_sample;
        for (uint32_t f = 0; in_sample && f < n_all; f++)
            functions_of_sampled += strncmp(hf_trace_function_name(all, f), apps[a], strlen(apps[a])) == 0;
    }
    cr_assert_eq(sampled_apps, 3u);
    cr_assert_eq(functions_of_sampled, n, "every invoked function of the chosen apps, and only theirs");
    cr_assert_eq(hf_trace_function_count(again), n);
    for (uint32_t f = 0; f < n; f++)
        cr_assert_str_eq(hf_trace_function_name(again, f), hf_trace_function_name(sample, f), "same seed, same apps");
    hf_trace_close(all);
    hf_trace_close(sample);
    hf_trace_close(again);
    json_decref(e1);
    json_decref(e2);
    json_decref(e3);
}
