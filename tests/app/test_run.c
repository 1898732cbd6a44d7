/* Whole runs: same scenario and seed give byte-identical files, another seed differs, every
 * request is accounted for, and a failing run leaves no results directory. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-run-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

static char *slurp(const char *dir, const char *name, size_t *len)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "rb");
    cr_assert_not_null(f, "missing %s", p);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void run_to(const char *name, const char *const *sets, size_t nsets, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", base, name);
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, nsets, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_run_options opt = {.out_dir = out, .progress = false};
    struct hf_run_report rep;
    cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s", err.message);
    json_decref(s);
}

static json_t *load_summary(const char *dir)
{
    size_t n;
    char *text = slurp(dir, "summary.json", &n);
    json_t *summary = json_loads(text, 0, NULL);
    free(text);
    cr_assert_not_null(summary, "%s/summary.json is not JSON", dir);
    return summary;
}

static bool same_file(const char *a, const char *b, const char *name)
{
    size_t la, lb;
    char *x = slurp(a, name, &la), *y = slurp(b, name, &lb);
    bool same = la == lb && memcmp(x, y, la) == 0;
    free(x);
    free(y);
    return same;
}

TestSuite(run, .init = setup, .fini = teardown);

Test(run, same_seed_gives_byte_identical_results_and_another_seed_differs)
{
    const char *sets[] = {"duration_s=120", "outputs.requests_csv=true"};
    const char *other[] = {"duration_s=120", "outputs.requests_csv=true", "seed=2"};
    char a[256], b[256], c[256];
    run_to("a", sets, 2, a, sizeof a);
    run_to("b", sets, 2, b, sizeof b);
    run_to("c", other, 3, c, sizeof c);
    const char *files[] = {"config.json", "summary.json", "timeseries.csv", "requests.csv"};
    for (int i = 0; i < 4; i++)
        cr_assert(same_file(a, b, files[i]), "%s differs between identical runs", files[i]);
    cr_assert_not(same_file(a, c, "summary.json"), "seed 2 gave the same summary as seed 1");
    cr_assert_not(same_file(a, c, "timeseries.csv"));
    size_t n;
    free(slurp(a, "perf.json", &n));
    cr_assert_gt(n, 10);
}

Test(run, every_request_ends_completed_or_failed_with_a_reason)
{
    /* Overload with a short timeout, a small queue and a short drain: all failure paths fire. */
    const char *sets[] = {"duration_s=60",
                          "drain_s=1",
                          "station.timeout_s=2",
                          "station.queue_capacity=300",
                          "workload.bursts=[{\"start_s\":10,\"duration_s\":60,\"rate_per_s\":400}]",
                          "outputs.requests_csv=true"};
    char dir[256];
    run_to("overload", sets, 6, dir, sizeof dir);
    json_t *sum = load_summary(dir);
    size_t n;
    long long arrived = hf_json_int_at(sum, "requests.arrived");
    long long completed = hf_json_int_at(sum, "requests.completed");
    long long failed = hf_json_int_at(sum, "requests.failed.total");
    cr_assert_eq(arrived, completed + failed);
    cr_assert_gt(hf_json_int_at(sum, "requests.failed.timeout"), 0);
    cr_assert_gt(hf_json_int_at(sum, "requests.failed.queue_full"), 0);
    cr_assert_gt(hf_json_int_at(sum, "requests.failed.run_end"), 0);
    /* requests.csv has exactly one line per arrived request. */
    char *log = slurp(dir, "requests.csv", &n);
    long long lines = 0;
    for (size_t i = 0; i < n; i++)
        lines += log[i] == '\n';
    cr_assert_eq(lines - 1, arrived);
    free(log);
    json_decref(sum);
}

Test(run, unwritable_output_fails_without_a_results_directory)
{
    char blocker[256], out[300];
    snprintf(blocker, sizeof blocker, "%s/file", base);
    FILE *f = fopen(blocker, "w");
    fclose(f);
    snprintf(out, sizeof out, "%s/sub/run", blocker); /* a path through a regular file */
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, NULL, 0, &err);
    struct hf_run_options opt = {.out_dir = out, .progress = false};
    struct hf_run_report rep;
    cr_assert_not(hf_run_scenario(s, &opt, &rep, &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE, "%s", err.message); /* --out names an impossible path */
    cr_assert(strstr(err.message, blocker), "%s", err.message);
    json_decref(s);
}

/* Output settings never move a result: the same scenario sampled every 0.3 s, 1 s and 7 s, with and
 * without requests.csv, gives the same summary.json byte for byte (the drain ends at the last
 * completion, integrals are read without advancing the model, the stabilization recorder has its
 * own 1 s bins). Station and cluster, a scaling policy on each. */
Test(run, output_settings_do_not_change_the_summary, .init = setup, .fini = teardown, .timeout = 120)
{
    static const char *const models[][6] = {
        {"model=\"station\"", "policy=\"fixed\"", "duration_s=90", "drain_s=30", "fixed.replicas=10", NULL},
        {"model=\"cluster\"", "policy=\"hpa-tuned\"", "duration_s=90", "workload.bursts.0.start_s=30",
         "workload.bursts.0.duration_s=30", NULL},
        {"model=\"cluster\"", "policy=\"hyperfaas\"", "duration_s=90", "workload.bursts.0.start_s=30",
         "workload.bursts.0.duration_s=30", NULL},
    };
    static const char *const outputs[][2] = {
        {"outputs.interval_s=1", "outputs.requests_csv=false"},
        {"outputs.interval_s=0.3", "outputs.requests_csv=true"},
        {"outputs.interval_s=7", "outputs.requests_csv=false"},
    };
    for (size_t m = 0; m < sizeof models / sizeof *models; m++) {
        char first[300] = "";
        for (size_t o = 0; o < sizeof outputs / sizeof *outputs; o++) {
            const char *sets[8];
            size_t n = 0;
            while (models[m][n])
                sets[n] = models[m][n], n++;
            sets[n++] = outputs[o][0];
            sets[n++] = outputs[o][1];
            char name[32], out[300];
            snprintf(name, sizeof name, "m%zu-o%zu", m, o);
            run_to(name, sets, n, out, sizeof out);
            if (o == 0)
                snprintf(first, sizeof first, "%s", out);
            else
                cr_assert(same_file(first, out, "summary.json"), "%s (%s): summary.json moved with %s %s",
                          models[m][0], models[m][1], outputs[o][0], outputs[o][1]);
        }
    }
}

/* A run whose outputs would not fit is refused before it simulates, naming the interval that fits;
 * no results directory is left. */
Test(run, an_interval_that_would_write_too_many_rows_is_refused)
{
    const char *sets[] = {"duration_s=1e9"};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, 1, &err);
    cr_assert_not_null(s, "%s", err.message);
    char out[256];
    snprintf(out, sizeof out, "%s/huge", base);
    struct hf_run_options opt = {.out_dir = out, .progress = false};
    struct hf_run_report rep;
    cr_assert_not(hf_run_scenario(s, &opt, &rep, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, "$.outputs.interval_s") && strstr(err.message, "at least 101 s"), "%s",
              err.message);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "a results directory was left");
    json_decref(s);
}

/* One request of 1e9 s (ends at the drain's end) on a run of 1e9 s of drain: the run ends, with the
 * request accounted for and a summary, and it holds no per-second state: the stabilization bins
 * cover only a burst's window, and there is no burst here. */
Test(run, a_request_as_long_as_the_clock_allows_is_accounted_without_per_second_state)
{
    const char *sets[] = {"workload.service.dist=constant", "workload.service.mean_ms=1e12", "workload.bursts=[]",
                          "workload.rate_per_s=0.2", "duration_s=10", "drain_s=1e9", "station.timeout_s=1e9",
                          "outputs.interval_s=3600"};
    char out[256];
    run_to("long", sets, sizeof sets / sizeof sets[0], out, sizeof out);
    json_t *j = load_summary(out);
    cr_assert_eq(hf_json_int_at(j, "requests.arrived"), 1);
    cr_assert_eq(hf_json_int_at(j, "requests.completed"), 1);
    cr_assert_float_eq(hf_json_number_at(j, "latency_ms.max"), 1e12, 1e3);
    json_decref(j);
    size_t n;
    char *perf = slurp(out, "perf.json", &n);
    j = json_loads(perf, 0, NULL);
    cr_assert_lt(hf_json_int_at(j, "events"), 1000000, "%lld events: something ticks every second",
                 (long long)hf_json_int_at(j, "events"));
    json_decref(j);
    free(perf);
}

/* functions.csv adds up to summary.json, and wasted memory is the idle containers' memory over time:
 * with one container shape, time_averaged.idle x simulated_s x memory (GiB). A keep-alive run on
 * the cluster with eight functions, failures (a short drain) and idle containers. */
Test(run, functions_csv_adds_up_to_the_summary_and_wasted_memory_is_idle_memory)
{
    const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", "keepalive.keep_alive_s=20",
                          "duration_s=300", "drain_s=0.5", "workload.functions=8", "function.memory_mib=512",
                          "workload.bursts=[{\"start_s\":100,\"duration_s\":30,\"rate_per_s\":60}]",
                          "workload.rate_per_s=4"};
    char dir[256];
    run_to("functions", sets, sizeof sets / sizeof sets[0], dir, sizeof dir);
    json_t *sum = load_summary(dir);
    size_t n;
    char *csv = slurp(dir, "functions.csv", &n);
    unsigned long long total[5] = {0}, v[5];
    int rows = 0;
    for (char *line = strchr(csv, '\n') + 1; *line; line = strchr(line, '\n') + 1) {
        cr_assert_eq(sscanf(line, "%*u,%*[^,],%*[^,],%llu,%llu,%llu,%llu,%llu", &v[0], &v[1], &v[2], &v[3], &v[4]), 5,
                     "row %d: %.60s", rows, line);
        for (int k = 0; k < 5; k++)
            total[k] += v[k];
        rows++;
    }
    free(csv);
    cr_assert_eq(rows, 8);
    cr_assert_eq(total[0], (unsigned long long)hf_json_int_at(sum, "requests.arrived"));
    cr_assert_eq(total[1], (unsigned long long)hf_json_int_at(sum, "requests.completed"));
    cr_assert_eq(total[2], (unsigned long long)hf_json_int_at(sum, "requests.failed.total"));
    cr_assert_gt(total[2], 0, "the short drain fails some requests");
    cr_assert_eq(total[3], (unsigned long long)hf_json_int_at(sum, "queued_on_arrival"));
    cr_assert_eq(total[4], (unsigned long long)hf_json_int_at(sum, "cold_starts"));
    double idle = hf_json_number_at(sum, "time_averaged.idle"), simulated = hf_json_number_at(sum, "simulated_s");
    double wasted = hf_json_number_at(sum, "wasted_memory_gb_s");
    cr_assert_gt(wasted, 0);
    cr_assert_float_eq(wasted, idle * simulated * 0.5, 1e-6 * wasted, "wasted %.6f, idle x time x 0.5 GiB %.6f", wasted,
                       idle * simulated * 0.5);
    cr_assert_float_eq(hf_json_number_at(sum, "cold_start_probability"),
                       (double)total[3] / (double)total[0], 1e-12);
    cr_assert_eq(hf_json_int_at(sum, "cold_start_pct_over_apps.apps"), 8, "each function is its own app");
    json_decref(sum);
}
