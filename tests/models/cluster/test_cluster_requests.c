/* Arrivals at the cluster's gateway. Every arrival reaches the policy at the instant it arrives,
 * queue or no queue: a keepalive container starts then (the classic FaaS cold start), not at the
 * policy's next tick. Before the fix, a request that joined a non-empty queue waited for the 1 s
 * tick (R2.3: waits up to 1.5 s with a 0.5 s cold start). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"
#include "sim/schema.h"

static char base[64];
static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-clreq-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }
TestSuite(cluster_requests, .init = setup, .fini = teardown);

/* Latencies (ms) of requests.csv's lines, in file order; returns how many. */
static int latencies(const char *dir, double *out, int cap)
{
    char path[256], line[256];
    snprintf(path, sizeof path, "%s/requests.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    int n = 0;
    cr_assert_not_null(fgets(line, sizeof line, f)); /* header */
    while (n < cap && fgets(line, sizeof line, f)) {
        char *field = line;
        for (int k = 0; k < 4; k++)
            field = strchr(field, ',') + 1;
        out[n++] = strtod(field, NULL);
        cr_assert(strstr(line, ",completed"), "%s", line);
    }
    fclose(f);
    return n;
}

/* A CSV trace in base/NAME; `trace_set` gets the --set that replays it. */
static void write_trace(const char *name, const char *rows, char *trace_set, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", base, name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fprintf(f, "time_s,function,duration_ms\n%s", rows);
    fclose(f);
    snprintf(trace_set, size, "trace={\"format\": \"csv\", \"path\": \"%s\"}", path);
}

/* Runs the embedded default with `sets` into base/NAME; `out` gets the directory. */
static void run(const char *name, const char *const *sets, size_t count, char *out, size_t size)
{
    snprintf(out, size, "%s/%s", base, name);
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, count, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_run_options o = {.out_dir = out};
    struct hf_run_report report;
    cr_assert(hf_run_scenario(s, &o, &report, &err), "%s: %s", name, err.message);
    json_decref(s);
}

/* Cold starts of exactly 500 ms and no image pull; requests.csv on. */
#define EXACT_COLD_START                                                                                  \
    "function.image_mib=0", "gateway.ingress_ms=0", "outputs.requests_csv=true",                          \
        "function.cold_start={\"sandbox\": {\"dist\": \"constant\", \"mean_ms\": 500}, "                \
        "\"runtime\": {\"dist\": \"constant\", \"mean_ms\": 0}, "                                       \
        "\"function_init\": {\"dist\": \"constant\", \"mean_ms\": 0}}"

Test(cluster_requests, a_keepalive_container_starts_at_the_arrival_queue_or_no_queue)
{
    /* Two requests of 2 s, 100 ms apart, to an idle function whose containers serve one at a time
     * and take exactly 500 ms to start: the first finds no container (queue empty), the second
     * joins the queue the first is waiting in. Each must start its own container on arrival and
     * take 500 + 2000 ms; a container started at the policy's next tick (11 s) would make the
     * second take 3400 ms. */
    char trace_set[200], out[128];
    write_trace("two.csv", "10.0,f,2000\n10.1,f,2000\n", trace_set, sizeof trace_set);
    const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", trace_set, "function.concurrency=1",
                          EXACT_COLD_START};
    run("run", sets, sizeof sets / sizeof sets[0], out, sizeof out);
    double ms[4];
    cr_assert_eq(latencies(out, ms, 4), 2);
    for (int i = 0; i < 2; i++)
        cr_assert(ms[i] >= 2499.9 && ms[i] <= 2500.1, "request %d: %.3f ms, not its own 500 ms cold start + 2 s",
                  i, ms[i]);
}

/* cluster.cpu_model "none" end to end: four simultaneous 1 s requests in one container of 1 core
 * each take 1 s after the cold start; with processor sharing they share the core and take 4 s. */
Test(cluster_requests, the_cpu_model_switch_turns_contention_off)
{
    char trace_set[200];
    write_trace("four.csv", "10,f,1000\n10,f,1000\n10,f,1000\n10,f,1000\n", trace_set, sizeof trace_set);
    const char *models[] = {"\"none\"", "\"processor-sharing\""};
    const double expected_ms[] = {1500, 4500};
    for (int m = 0; m < 2; m++) {
        char model_set[64], name[16], out[128];
        snprintf(model_set, sizeof model_set, "cluster.cpu_model=%s", models[m]);
        snprintf(name, sizeof name, "run%d", m);
        const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", trace_set, model_set,
                              "function.concurrency=8", "function.cpu_limit=1", "function.memory_mib=2048",
                              EXACT_COLD_START};
        run(name, sets, sizeof sets / sizeof sets[0], out, sizeof out);
        double ms[8];
        cr_assert_eq(latencies(out, ms, 8), 4);
        for (int i = 0; i < 4; i++)
            cr_assert_float_eq(ms[i], expected_ms[m], 0.1, "cpu_model %s, request %d: %.3f ms", models[m], i, ms[i]);
    }
}

/* Every routing keeps every request accounted for and gives the same results for the same seed
 * (`random` draws from a stream of its own, seeded like the others). Four containers of concurrency 8
 * at a light load: the routings that pack (warm-first, newest, oldest, hash) keep fewer containers
 * busy than round-robin, which spreads; least-recently-used spreads too (more busy than warm-first). */
Test(cluster_requests, every_routing_is_deterministic_and_the_packing_ones_pack)
{
    const char *routings[] = {"round-robin", "least-loaded", "warm-first", "newest", "oldest", "random", "hash",
                              "least-recently-used"};
    double busy[8];
    for (int r = 0; r < 8; r++) {
        char routing[64], out[2][128];
        snprintf(routing, sizeof routing, "gateway.routing=\"%s\"", routings[r]);
        const char *sets[] = {"model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=4", "function.concurrency=8",
                              "workload.rate_per_s=4", "workload.bursts=[]", "duration_s=2000", routing};
        char *text[2];
        for (int k = 0; k < 2; k++) {
            char name[32];
            snprintf(name, sizeof name, "route-%d-%d", r, k);
            run(name, sets, sizeof sets / sizeof sets[0], out[k], sizeof out[k]);
            char path[200];
            snprintf(path, sizeof path, "%s/summary.json", out[k]);
            json_t *summary = json_load_file(path, 0, NULL);
            cr_assert_not_null(summary);
            cr_assert_str_eq(hf_json_string_at(summary, "requests.conservation"), "ok");
            busy[r] = hf_json_number_at(summary, "time_averaged.busy");
            text[k] = json_dumps(summary, JSON_SORT_KEYS);
            json_decref(summary);
        }
        cr_assert_str_eq(text[0], text[1], "routing %s: two runs of one seed differ", routings[r]);
        free(text[0]);
        free(text[1]);
    }
    for (int r = 2; r < 7; r++)
        if (r != 5)
            cr_assert_lt(busy[r], busy[0], "%s keeps %.4f containers busy, round-robin %.4f", routings[r], busy[r],
                         busy[0]);
    cr_assert_gt(busy[7], busy[2], "least-recently-used %.4f, warm-first %.4f", busy[7], busy[2]);
}
