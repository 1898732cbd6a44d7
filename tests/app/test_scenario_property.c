/* Property tests over random scenarios (a fixed seed, so a failure reproduces):
 * - every model x every policy that model can host, with sampled fields and short durations, runs
 *   to exit 0, conserves requests (arrived = completed + failed), and gives the same summary.json
 *   twice (CI runs this under ASan+UBSan);
 * - every numeric scenario field given a value beyond its bound (the schema's own, or its unit's)
 *   is refused with exit 3 and the path in the message, never accepted. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "app/scenario_fit.h"
#include "policies/registry.h"
#include "sim/platform.h"
#include "sim/results.h"
#include "sim/schema.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-property-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}

static void teardown(void) { hf_remove_tree(base); }

TestSuite(scenario_property, .init = setup, .fini = teardown, .timeout = 600);

static double uniform(gsl_rng *rng, double lo, double hi) { return lo + (hi - lo) * gsl_rng_uniform(rng); }

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "missing %s", path);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    cr_assert_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Random overrides for `model` and `policy` into sets[] (texts in storage). */
#define SET_MAX 256
static size_t sample_scenario(gsl_rng *rng, const char *model, const char *policy, char storage[][SET_MAX])
{
    static const char *const dists[] = {"constant", "exponential", "lognormal"};
    static const char *const routings[] = {"round-robin", "least-loaded",        "warm-first", "least-recently-used",
                                           "newest",      "oldest",              "random",     "hash"};
    static const char *const placements[] = {"first-fit", "best-fit", "spread", "random", "hash"};
    static const char *const timeouts[] = {"idle", "lifetime", "exponential"};
    size_t n = 0;
#define SET(...) snprintf(storage[n++], SET_MAX, __VA_ARGS__)
    SET("model=\"%s\"", model);
    SET("policy=\"%s\"", policy);
    SET("seed=%lu", gsl_rng_get(rng) % 100000);
    SET("duration_s=%.3f", uniform(rng, 5, 40));
    SET("drain_s=%.3f", uniform(rng, 0, 30));
    SET("workload.rate_per_s=%.3f", uniform(rng, 0.5, 120));
    SET("workload.arrival=\"%s\"", gsl_rng_uniform(rng) < 0.5 ? "poisson" : "uniform");
    double start = uniform(rng, 0, 20);
    SET("workload.bursts=[{\"start_s\": %.3f, \"duration_s\": %.3f, \"rate_per_s\": %.3f}]", start,
        uniform(rng, 1, 15), uniform(rng, 0, 400));
    SET("workload.service.dist=\"%s\"", dists[gsl_rng_uniform_int(rng, 3)]);
    SET("workload.service.mean_ms=%.3f", uniform(rng, 1, 400));
    SET("workload.service.cv=%.3f", uniform(rng, 0, 3));
    SET("workload.functions=%lu", 1 + gsl_rng_uniform_int(rng, 4));
    SET("outputs.interval_s=%.3f", uniform(rng, 0.2, 5));
    if (strcmp(model, "station") == 0) {
        SET("station.servers=%lu", 1 + gsl_rng_uniform_int(rng, 32));
        SET("station.queue_capacity=%lu", gsl_rng_uniform_int(rng, 500));
        SET("station.timeout_s=%.3f", uniform(rng, 0.1, 20));
    } else {
        SET("cluster.vms=%lu", 1 + gsl_rng_uniform_int(rng, 4));
        SET("cluster.placement=\"%s\"", placements[gsl_rng_uniform_int(rng, 5)]);
        SET("gateway.routing=\"%s\"", routings[gsl_rng_uniform_int(rng, 8)]);
        SET("cluster.cpu_model=\"%s\"", gsl_rng_uniform(rng) < 0.5 ? "processor-sharing" : "none");
        if (gsl_rng_uniform(rng) < 0.4) /* two host types, one given inline */
            SET("cluster.hosts=[{\"type\": \"m5.large\", \"count\": %lu}, {\"vcpu\": %lu, \"memory_gib\": 32, "
                "\"price_per_hour\": 0.3, \"count\": %lu}]", 1 + gsl_rng_uniform_int(rng, 2), 4 + gsl_rng_uniform_int(rng, 5),
                1 + gsl_rng_uniform_int(rng, 2));
        if (gsl_rng_uniform(rng) < 0.5) { /* functions of different shapes */
            double big = uniform(rng, 0.5, 2);
            SET("function.overrides=[{\"match\": \"f*\", \"cpu_limit\": %.3f, \"cpu_request\": %.3f}, {\"match\": "
                "\"f[02]\", \"memory_mib\": %.0f}]", big, big * uniform(rng, 0.2, 1), uniform(rng, 256, 3000));
        }
        if (strcmp(policy, "keepalive") == 0) {
            SET("keepalive.timeout=\"%s\"", timeouts[gsl_rng_uniform_int(rng, 3)]);
            SET("keepalive.keep_alive_s=%.3f", uniform(rng, 0, 10));
        }
        SET("gateway.timeout_s=%.3f", uniform(rng, 0.5, 30));
        SET("function.concurrency=%lu", 1 + gsl_rng_uniform_int(rng, 16));
        double limit = uniform(rng, 0.25, 2);
        SET("function.cpu_limit=%.3f", limit);
        SET("function.cpu_request=%.3f", limit * uniform(rng, 0.25, 1));
        SET("function.memory_mib=%.0f", uniform(rng, 128, 1024));
        SET("workload.memory_mb=%lu", gsl_rng_uniform_int(rng, 200));
        SET("function.keep_alive_s=%.3f", gsl_rng_uniform(rng) < 0.3 ? uniform(rng, 1, 20) : 0.0);
        SET("metrics.resolution_s=%.3f", uniform(rng, 1, 60));
        if (strcmp(policy, "hpa") == 0 || strcmp(policy, "hpa-tuned") == 0)
            n--; /* the HPA presets set the resolution themselves */
    }
#undef SET
    return n;
}

Test(scenario_property, random_valid_scenarios_run_conserve_and_repeat)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 20261129);
    static const char *const models[] = {"station", "cluster"};
    int runs = 0;
    for (int round = 0; round < 4; round++)
        for (size_t m = 0; m < 2; m++)
            for (size_t p = 0; p < hf_policy_count(); p++) {
                const struct hf_policy_type *policy = hf_policy_at(p);
                if (policy->needs & ~hf_model_features(models[m]))
                    continue; /* refused by design (tested in test_scenario_fit) */
                static char storage[40][SET_MAX];
                const char *sets[40];
                size_t n = sample_scenario(rng, models[m], policy->name, storage);
                for (size_t i = 0; i < n; i++)
                    sets[i] = storage[i];
                struct hf_error err = {0};
                json_t *s = hf_scenario_load(NULL, sets, n, &err);
                cr_assert_not_null(s, "%s %s: %s", models[m], policy->name, err.message);
                char out[2][200];
                for (int k = 0; k < 2; k++) {
                    snprintf(out[k], sizeof out[k], "%s/r%d-%s-%s-%d", base, round, models[m], policy->name, k);
                    struct hf_run_options opt = {.out_dir = out[k], .progress = false};
                    struct hf_run_report rep;
                    cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s %s round %d: %s", models[m], policy->name,
                              round, err.message);
                    cr_assert_eq(rep.arrived, rep.completed + rep.failed, "%s %s: conservation", models[m],
                                 policy->name);
                }
                char a[260], b[260];
                snprintf(a, sizeof a, "%s/summary.json", out[0]);
                snprintf(b, sizeof b, "%s/summary.json", out[1]);
                char *x = slurp(a), *y = slurp(b);
                cr_assert_str_eq(x, y, "%s %s round %d: not deterministic", models[m], policy->name, round);
                free(x);
                free(y);
                json_decref(s);
                runs++;
            }
    cr_assert_geq(runs, 32, "too few model x policy pairs ran (%d)", runs);
    gsl_rng_free(rng);
}

/* Walks the schema; for each bounded numeric field, sets a value just beyond a bound. */
static int check_out_of_range(const struct hf_field *fields, const char *prefix, gsl_rng *rng)
{
    int checked = 0;
    for (const struct hf_field *f = fields; f->key; f++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->key);
        if (f->type == HF_T_OBJECT) {
            checked += check_out_of_range(f->fields, path, rng);
            continue;
        }
        if (f->type != HF_T_INT && f->type != HF_T_NUMBER)
            continue;
        const char *why;
        double max = hf_schema_max(f, &why);
        double bad;
        if (isfinite(max) && (!(f->flags & HF_F_MIN) || gsl_rng_uniform(rng) < 0.5))
            bad = f->type == HF_T_INT ? floor(max) + 1 + (double)gsl_rng_uniform_int(rng, 1000) : max * uniform(rng, 1.01, 1e6);
        else if (f->flags & HF_F_MIN)
            bad = f->type == HF_T_INT ? f->min - 1 - (double)gsl_rng_uniform_int(rng, 5)
                                      : f->min - uniform(rng, (f->flags & HF_F_MIN_EXCL) ? 0 : 1e-6, 10);
        else
            continue;
        char set[400];
        snprintf(set, sizeof set, f->type == HF_T_INT ? "%s=%.0f" : "%s=%.17g", path, bad);
        const char *sets[] = {set};
        struct hf_error err = {0};
        json_t *s = hf_scenario_load(NULL, sets, 1, &err);
        cr_expect_null(s, "%s was accepted", set);
        json_decref(s);
        cr_expect_eq(err.code, HF_EXIT_BAD_INPUT, "%s: code %d: %s", set, err.code, err.message);
        cr_expect(strstr(err.message, f->key), "%s: the message does not name the field: %s", set, err.message);
        checked++;
    }
    return checked;
}

Test(scenario_property, out_of_range_values_are_refused_with_exit_3)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    struct hf_scenario_schema schema;
    hf_scenario_schema_init(&schema);
    int checked = 0;
    for (int round = 0; round < 3; round++)
        checked += check_out_of_range(schema.fields, "", rng);
    cr_assert_geq(checked, 150, "only %d fields checked", checked);
    gsl_rng_free(rng);
}
