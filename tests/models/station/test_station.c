/* The single-queue model against queueing theory (M/M/1 and M/M/c with Erlang C), and its
 * timeout and capacity rules. */
#include <criterion/criterion.h>
#include <math.h>

#include "models/station/station.h"
#include "traces/synthetic.h"

struct bench_run {
    struct hf_engine engine;
    struct hf_station station;
    struct hf_synthetic source;
};

static void simulate(struct bench_run *r, double rate, const char *dist, double mean_ms, uint32_t servers,
                     double seconds, hf_time timeout, uint32_t queue_capacity)
{
    struct hf_error err;
    cr_assert(hf_engine_init(&r->engine, 11, "heap4", &err));
    struct hf_station_config c = {servers, queue_capacity, timeout};
    cr_assert(hf_station_create(&r->station, &r->engine, &c));
    r->station.platform.ops->set_replicas(r->station.platform.backend, 0, servers);
    json_t *w = json_pack("{s:s, s:f, s:[], s:{s:s, s:f, s:f}, s:i}", "arrival", "poisson", "rate_per_s",
                          rate, "bursts", "service", "dist", dist, "mean_ms", mean_ms, "cv", 1.0,
                          "memory_mb", 64);
    cr_assert(hf_synthetic_create(&r->source, w, hf_time_from_s(seconds), &r->engine,
                                  hf_station_arrive, &r->station));
    json_decref(w);
    hf_engine_set_source(&r->engine, &r->source.source);
    hf_engine_run_until(&r->engine, HF_TIME_NEVER);
}

static void finish(struct bench_run *r)
{
    hf_synthetic_destroy(&r->source);
    hf_station_destroy(&r->station);
    hf_engine_fini(&r->engine);
}

Test(station, mm1_mean_response_time_matches_theory)
{
    /* lambda = 7/s, mu = 10/s: W = 1 / (mu - lambda) = 333.3 ms. */
    struct bench_run r;
    simulate(&r, 7, "exponential", 100, 1, 200000, HF_TIME_NEVER, 100000000);
    double w = hf_histogram_mean(&r.station.stats.latency) / 1e6;
    double expected = 1000.0 / 3.0;
    cr_assert_eq(r.station.stats.ledger.completed, r.station.stats.ledger.arrived);
    cr_assert_leq(fabs(w - expected) / expected, 0.03, "M/M/1 W = %.1f ms, theory %.1f ms", w, expected);
    finish(&r);
}

static double erlang_c(int c, double a)
{
    double term = 1, sum = 1; /* k = 0 */
    for (int k = 1; k < c; k++) {
        term *= a / k;
        sum += term;
    }
    double top = term * a / c * c / (c - a); /* a^c / c! * c / (c - a) */
    return top / (sum + top);
}

Test(station, mmc_waiting_probability_matches_erlang_c)
{
    /* c = 4, lambda = 30/s, mu = 10/s: offered load a = 3, utilisation 75 %. */
    struct bench_run r;
    simulate(&r, 30, "exponential", 100, 4, 100000, HF_TIME_NEVER, 100000000);
    double p_wait = (double)r.station.stats.waited / (double)r.station.stats.ledger.arrived;
    double expected = erlang_c(4, 3.0);
    cr_assert_leq(fabs(p_wait - expected) / expected, 0.03, "P(wait) = %.4f, Erlang C %.4f", p_wait, expected);
    /* Mean response: W = C / (c mu - lambda) + 1 / mu. */
    double w = hf_histogram_mean(&r.station.stats.latency) / 1e9;
    double w_expected = expected / (40.0 - 30.0) + 0.1;
    cr_assert_leq(fabs(w - w_expected) / w_expected, 0.03, "M/M/4 W = %.4f s, theory %.4f s", w, w_expected);
    finish(&r);
}

Test(station, waiting_longer_than_the_timeout_fails_exactly_then)
{
    /* 1 server, 1 s constant work, arrivals every 0.1 s, 2 s timeout: most requests time out. */
    struct bench_run r;
    simulate(&r, 10, "constant", 1000, 1, 20, hf_time_from_s(2), 1000000);
    struct hf_ledger *l = &r.station.stats.ledger;
    cr_assert_gt(l->failed[HF_FAIL_TIMEOUT], 100);
    cr_assert_eq(l->arrived, l->completed + hf_ledger_failed_total(l));
    /* Nobody who completed waited more than the timeout: latency <= timeout + work. */
    cr_assert_leq(r.station.stats.latency.max, (uint64_t)hf_time_from_s(3.0));
    finish(&r);
}

Test(station, full_queue_rejects_with_queue_full)
{
    struct bench_run r;
    simulate(&r, 100, "constant", 1000, 1, 10, HF_TIME_NEVER, 5);
    cr_assert_gt(r.station.stats.ledger.failed[HF_FAIL_QUEUE_FULL], 900);
    cr_assert_eq(r.station.stats.ledger.arrived,
                 r.station.stats.ledger.completed + hf_ledger_failed_total(&r.station.stats.ledger));
    finish(&r);
}
