/* The platform contract on the live backend: the script every simulated backend runs
 * (tests/support/conformance_probe.h, tests/app/test_platform_conformance.c) hosted as the policy
 * of a whole live run on the real Docker engine: its timers on the wall clock, replicas as real
 * containers, views from the engine, a real CPU-quota resize. Skipped loudly where no engine
 * answers (tests/support/live_engine.h).
 *
 * Times are not bounded: the script's timer must fire no earlier than asked (a wall clock fires
 * late, never early), and it waits for the containers as long as they take, up to the run's end. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>

#include "app/scenario.h"
#include "live/live_run.h"
#include "sim/results.h"
#include "support/conformance_probe.h"
#include "support/live_engine.h"

TestSuite(live_conformance, .fini = live_test_remove_mine);

Test(live_conformance, the_live_backend_keeps_the_platform_contract, .timeout = 900)
{
    hf_docker_close(live_test_engine_or_skip());
    /* A quiet workload (the script, not requests, is under test) that lasts long enough for two
     * cold starts and a resize on a busy machine (they take seconds); every request still completes or fails with a
     * reason, which the run checks itself. */
    const char *sets[] = {"model=\"cluster\"", "policy=\"fixed\"", "duration_s=60", "drain_s=60",
                          "workload.bursts=[]", "workload.rate_per_s=0.05", "workload.memory_mb=4",
                          "workload.service={\"dist\": \"constant\", \"mean_ms\": 10}",
                          "function={\"cpu_limit\": 0.5, \"cpu_request\": 0.25, \"memory_mib\": 64, "
                          "\"base_memory_mib\": 16, \"concurrency\": 2}",
                          "gateway.timeout_s=600"};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    char dir[] = "/tmp/hfsim-test-liveconf-XXXXXX", out[64];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/run", dir);
    struct conformance_probe probe = {.exact_time = false};
    struct hf_live_options o = {.out_dir = out, .policy = &conformance_probe_type, .policy_state = &probe};
    bool ok = hf_live_run(s, &o, &err);
    json_decref(s);
    hf_remove_tree(dir);
    cr_assert(ok, "%s", err.message);
    char report[4096];
    conformance_probe_report(&probe, report, sizeof report);
    cr_assert_str_empty(report, "the live backend broke the platform contract:\n%s", report);
    cr_assert(probe.containers_checked && probe.resized == 1, "the container half of the script did not run");
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }
