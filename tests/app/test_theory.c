/* Checks against queueing theory on whole runs (R2.3): Little's law, the continuous-time Markov
 * chain of exponential keep-alive, and the cold-start probability of a rare function.
 *
 * Little's law. With Poisson arrivals at rate
 * lambda, exponential service of mean E[S], enough containers that nobody waits and no CPU
 * contention, the time-averaged number of requests in service (summary.json time_averaged) is
 * lambda x E[S], and with one request per container so is the number of busy containers. 400,000
 * requests: the statistical error is about 0.3 %, the bound 1 %. */
#include <criterion/criterion.h>
#include <gsl/gsl_linalg.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "app/run.h"
#include "support/run_summary.h"
#include "app/scenario.h"
#include "sim/results.h"
#include "sim/schema.h"

static char base[64];
static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-theory-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }
TestSuite(theory, .init = setup, .fini = teardown);

static json_t *run_named(const char *name, const char *const *sets, size_t count)
{
    char out[128];
    snprintf(out, sizeof out, "%s/%s", base, name);
    return run_summary(out, sets, count);
}

#define LITTLE "duration_s=20000", "drain_s=100", "workload.bursts=[]", "workload.rate_per_s=20", \
               "workload.service={\"dist\": \"exponential\", \"mean_ms\": 500}", "outputs.interval_s=60"

Test(theory, littles_law_holds_on_the_cluster)
{
    const char *sets[] = {LITTLE, "model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=60", "cluster.vms=16",
                          "function.concurrency=1", "function.cpu_request=0.25", "cluster.cpu_model=\"none\""};
    json_t *s = run_named("cluster", sets, sizeof sets / sizeof sets[0]);
    double in_service = hf_json_number_at(s, "time_averaged.requests_in_service");
    double busy = hf_json_number_at(s, "time_averaged.busy");
    /* Only the first arrivals wait, for the containers' cold starts at time 0. */
    cr_assert_lt(hf_json_int_at(s, "queued_on_arrival"), 100, "requests waited: the check needs room for all");
    cr_assert_float_eq(in_service, 10.0, 0.1, "requests in service %.4f, lambda x E[S] = 10", in_service);
    cr_assert_float_eq(busy, in_service, 1e-9, "one request per container: busy containers %.4f", busy);
    cr_assert_float_eq(hf_json_number_at(s, "time_averaged.containers"), 60, 0.1, "60 containers all along");
    json_decref(s);
}

Test(theory, littles_law_holds_on_the_station)
{
    const char *sets[] = {LITTLE, "model=\"station\"", "policy=\"fixed\"", "fixed.replicas=60", "station.servers=60"};
    json_t *s = run_named("station", sets, sizeof sets / sizeof sets[0]);
    double in_service = hf_json_number_at(s, "time_averaged.requests_in_service");
    cr_assert_float_eq(in_service, 10.0, 0.1, "requests in service %.4f, lambda x E[S] = 10", in_service);
    cr_assert_float_eq(hf_json_number_at(s, "time_averaged.idle"), 60 - in_service, 1e-6);
    json_decref(s);
}

/* One rarely called function kept warm for T after its last use: calls do not overlap, so a call is
 * cold exactly when the gap since the previous one exceeds T (plus the previous call's own second
 * or so of work and the policy's 1 s sampling), and gaps are exponential: P(cold) = exp(-lambda T).
 * lambda T = 1: exp(-1) = 0.368. 40,000 calls: the statistical error is about 0.6 %, the bound 2 %. */
Test(theory, a_rare_function_is_cold_with_probability_exp_minus_lambda_t)
{
    const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", "keepalive.keep_alive_s=600",
                          "duration_s=24000000", "drain_s=100", "workload.bursts=[]",
                          "workload.rate_per_s=0.0016666666666666668", "outputs.interval_s=3600",
                          "workload.service={\"dist\": \"constant\", \"mean_ms\": 100}", "function.concurrency=1",
                          "function.image_mib=0",
                          "function.cold_start={\"sandbox\": {\"dist\": \"constant\", \"mean_ms\": 500}, "
                          "\"runtime\": {\"dist\": \"constant\", \"mean_ms\": 0}, "
                          "\"function_init\": {\"dist\": \"constant\", \"mean_ms\": 0}}"};
    json_t *s = run_named("rare", sets, sizeof sets / sizeof sets[0]);
    double arrived = (double)hf_json_int_at(s, "requests.arrived");
    double cold = (double)hf_json_int_at(s, "cold_starts");
    cr_assert_gt(arrived, 39000);
    double p = cold / arrived, expected = exp(-1.0);
    cr_assert(fabs(p - expected) / expected < 0.02, "P(cold) %.4f over %.0f calls, exp(-lambda T) = %.4f", p, arrived,
              expected);
    json_decref(s);
}

/* Exponential keep-alive as a continuous-time Markov chain (the model of Mahmoudi and Khazaei's
 * "Performance Modeling of Serverless Computing Platforms"): one function, one request per
 * container, Poisson arrivals (rate lambda), exponential service (rate mu), no capacity limit, no
 * cold-start delay, and each idle period of a container exponential of mean T. The state is
 * (busy b, idle i); an arrival takes an idle container when there is one, else starts a new one (a
 * cold start); a completion turns a busy container idle (rate b mu); an idle one expires (rate
 * i / T). The stationary distribution pi solves pi Q = 0 (truncated at b + i <= N; the mass
 * beyond is far below the tolerance). By PASTA, P(cold) = sum over states with i = 0 of pi, and
 * the mean number of containers is sum (b + i) pi. */
#define CTMC_N 40
static int ctmc_index(int b, int i) { return b * (CTMC_N + 1) - b * (b - 1) / 2 + i; } /* b + i <= N */

static void ctmc_solve(double lambda, double mu, double t, double *p_cold, double *mean_containers)
{
    int states = (CTMC_N + 1) * (CTMC_N + 2) / 2;
    gsl_matrix *qt = gsl_matrix_calloc((size_t)states, (size_t)states); /* Q transposed: Q^T pi = 0 */
    gsl_vector *rhs = gsl_vector_calloc((size_t)states), *pi = gsl_vector_alloc((size_t)states);
    gsl_permutation *perm = gsl_permutation_alloc((size_t)states);
    cr_assert(qt && rhs && pi && perm);
    for (int b = 0; b <= CTMC_N; b++)
        for (int i = 0; b + i <= CTMC_N; i++) {
            int from = ctmc_index(b, i);
            struct { int b, i; double rate; } out[3] = {
                {b + 1, i > 0 ? i - 1 : 0, b + (i > 0 ? i - 1 : 0) + 1 <= CTMC_N ? lambda : 0},
                {b - 1, i + 1, b * mu},
                {b, i - 1, i / t},
            };
            for (int k = 0; k < 3; k++) {
                if (out[k].rate <= 0)
                    continue;
                int to = ctmc_index(out[k].b, out[k].i);
                *gsl_matrix_ptr(qt, (size_t)to, (size_t)from) += out[k].rate;
                *gsl_matrix_ptr(qt, (size_t)from, (size_t)from) -= out[k].rate;
            }
        }
    /* One balance equation is redundant: replace it by sum pi = 1. */
    for (int k = 0; k < states; k++)
        gsl_matrix_set(qt, 0, (size_t)k, 1.0);
    gsl_vector_set(rhs, 0, 1.0);
    int sign;
    cr_assert_eq(gsl_linalg_LU_decomp(qt, perm, &sign), 0);
    cr_assert_eq(gsl_linalg_LU_solve(qt, perm, rhs, pi), 0);
    *p_cold = *mean_containers = 0;
    for (int b = 0; b <= CTMC_N; b++)
        for (int i = 0; b + i <= CTMC_N; i++) {
            double p = gsl_vector_get(pi, (size_t)ctmc_index(b, i));
            if (i == 0)
                *p_cold += p;
            *mean_containers += (b + i) * p;
        }
    cr_assert_lt(gsl_vector_get(pi, (size_t)ctmc_index(CTMC_N, 0)), 1e-12, "truncation too tight");
    gsl_permutation_free(perm);
    gsl_vector_free(pi);
    gsl_vector_free(rhs);
    gsl_matrix_free(qt);
}

/* lambda 2/s, E[S] 1 s, T 2 s: P(cold) about 0.2. 800,000 arrivals; the bound is the 2 %. */
Test(theory, exponential_keep_alive_matches_its_markov_chain)
{
    double p_cold, mean_containers;
    ctmc_solve(2.0, 1.0, 2.0, &p_cold, &mean_containers);
    const char *sets[] = {"model=\"cluster\"", "policy=\"keepalive\"", "keepalive.keep_alive_s=2",
                          "keepalive.timeout=\"exponential\"", "duration_s=400000", "drain_s=100",
                          "workload.bursts=[]", "workload.rate_per_s=2", "outputs.interval_s=3600",
                          "workload.service={\"dist\": \"exponential\", \"mean_ms\": 1000}",
                          "function.concurrency=1", "function.cpu_request=0.25", "cluster.vms=16",
                          "cluster.cpu_model=\"none\"", "function.image_mib=0",
                          "function.cold_start={\"sandbox\": {\"dist\": \"constant\", \"mean_ms\": 0}, "
                          "\"runtime\": {\"dist\": \"constant\", \"mean_ms\": 0}, "
                          "\"function_init\": {\"dist\": \"constant\", \"mean_ms\": 0}}"};
    json_t *s = run_named("ctmc", sets, sizeof sets / sizeof sets[0]);
    double arrived = (double)hf_json_int_at(s, "requests.arrived");
    double cold = hf_json_number_at(s, "cold_start_probability");
    /* No cold-start delay: each arrival that finds no idle container starts exactly one. */
    cr_assert_float_eq((double)hf_json_int_at(s, "cold_starts") / arrived, cold, 1e-3);
    double containers = hf_json_number_at(s, "time_averaged.containers");
    cr_assert(fabs(cold - p_cold) / p_cold < 0.02, "P(cold) %.4f simulated, %.4f from the chain", cold, p_cold);
    cr_assert(fabs(containers - mean_containers) / mean_containers < 0.02,
              "mean containers %.4f simulated, %.4f from the chain", containers, mean_containers);
    cr_log_info("P(cold) %.4f vs %.4f, containers %.4f vs %.4f", cold, p_cold, containers, mean_containers);
    json_decref(s);
}
