/* Live mode across two hosts: this machine's engine and a second Docker engine that the test starts
 * in a network namespace of its own (tests/support/second_engine.sh: its own data root, exec root,
 * containerd and socket; reachable only over a veth pair, at its own address, over TLS with client
 * certificates). A live run and a validation place containers on both, reach the remote workers at
 * the ports that engine publishes, and leave nothing on either. Skipped, loudly, where the second
 * engine cannot start (not root, no dockerd, no network namespaces) or no local engine answers.
 *
 * The two "hosts" share this machine's cores: nothing here measures speed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "app/scenario.h"
#include "live/docker.h"
#include "live/live_run.h"
#include "live/owner.h"
#include "policies/registry.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "support/cli_run.h"
#include "support/live_engine.h"
#include "support/run_summary.h"

#define SECOND_ENGINE HFSIM_SOURCE_DIR "/tests/support/second_engine.sh"

/* The second engine of the test process, so that the suite's .fini stops it after a failed
 * assertion too (Criterion's .fini takes no argument; each test runs in a process of its own). */
static struct {
    char dir[64];     /* its state: data root, certificates (dir/client), logs */
    char address[64]; /* tcp://IP:2376 */
} second;

static void stop_second_engine(void)
{
    live_test_remove_mine();
    if (!second.dir[0])
        return;
    char command[256];
    snprintf(command, sizeof command, "%s stop %s", SECOND_ENGINE, second.dir);
    if (system(command) != 0)
        fprintf(stderr, "second engine: stopping it failed (%s)\n", second.dir);
    second.dir[0] = '\0';
}

TestSuite(two_hosts, .fini = stop_second_engine);

/* Starts the second engine and points the TLS settings of every engine client at its certificates;
 * skips the test where either engine cannot be had. */
static void start_second_engine_or_skip(void)
{
    hf_docker_close(live_test_engine_or_skip());
    snprintf(second.dir, sizeof second.dir, "/tmp/hfsim-e2-XXXXXX");
    cr_assert_not_null(mkdtemp(second.dir));
    char command[1024], log[100];
    snprintf(log, sizeof log, "%s.log", second.dir);
    snprintf(command, sizeof command, "%s start %s >%s.addr 2>%s", SECOND_ENGINE, second.dir, second.dir, log);
    int status = system(command);
    char path[128];
    snprintf(path, sizeof path, "%s.addr", second.dir);
    FILE *f = fopen(path, "r");
    bool got = f && fgets(second.address, sizeof second.address, f);
    if (f)
        fclose(f);
    unlink(path);
    if (status != 0 || !got) {
        char why[512] = "";
        f = fopen(log, "r");
        if (f) {
            if (!fgets(why, sizeof why, f))
                why[0] = '\0';
            fclose(f);
        }
        unlink(log);
        hf_remove_tree(second.dir); /* the script undid whatever it made there */
        second.dir[0] = '\0';
        why[strcspn(why, "\n")] = '\0';
        fprintf(stderr, "!!!!! two-host live test SKIPPED: %s !!!!!\n", why[0] ? why : "the second engine did not start");
        cr_skip_test("the second engine cannot start here: %s", why);
    }
    unlink(log);
    second.address[strcspn(second.address, "\n")] = '\0';
    char certs[128];
    snprintf(certs, sizeof certs, "%s/client", second.dir);
    setenv("DOCKER_TLS_VERIFY", "1", 1);
    setenv("DOCKER_CERT_PATH", certs, 1);
}

/* Containers on `host` whose run label is `run` (any run: NULL). */
static size_t containers_on(const char *host, const char *run)
{
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert(hf_docker_open(&d, host, &err), "%s", err.message);
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, run, &err);
    cr_assert_not_null(ids, "%s: %s", host, err.message);
    size_t n = json_array_size(ids);
    json_decref(ids);
    hf_docker_close(d);
    return n;
}

/* A fixed policy with four replicas of half a core, requests of 40 ms, a patient gateway. */
static const char *const scenario_sets[] = {
    "policy=\"fixed\"", "model=\"cluster\"", "fixed.replicas=4", "duration_s=6", "drain_s=300",
    "gateway.timeout_s=600", "workload.rate_per_s=6", "workload.bursts=[]", "workload.arrival=\"poisson\"",
    "workload.service={\"dist\": \"constant\", \"mean_ms\": 40}", "workload.memory_mb=4",
    "function={\"cpu_limit\": 1, \"cpu_request\": 0.5, \"memory_mib\": 128, \"base_memory_mib\": 16, "
    "\"concurrency\": 2}",
    "cluster={\"instance_type\": \"m5.large\", \"vms\": 2, \"placement\": \"spread\"}"};

/* The engine reports host h of a run's summary.json saw: containers started, requests completed. */
static void check_hosts(const json_t *summary, const char *remote)
{
    const json_t *hosts = json_object_get(json_object_get(summary, "live"), "hosts");
    cr_assert_eq(json_array_size(hosts), 2);
    const char *second_address = json_string_value(json_object_get(json_array_get(hosts, 1), "address"));
    cr_assert_str_eq(second_address, remote);
    json_int_t served = 0;
    for (size_t h = 0; h < 2; h++) {
        const json_t *e = json_array_get(hosts, h);
        json_int_t started = json_integer_value(json_object_get(e, "containers_started"));
        json_int_t completed = json_integer_value(json_object_get(e, "requests_completed"));
        cr_assert_eq(started, 2, "host %zu (%s) got 2 of the 4 replicas (%lld)", h,
                     json_string_value(json_object_get(e, "address")), (long long)started);
        cr_assert_gt(completed, 0, "host %zu's containers served requests", h);
        served += completed;
    }
    /* the two engines share this machine: its workers say so (boot id), so neither engine's
     * containers count as the other's "other work" (what other work there is depends on the machine:
     * not asserted) */
    const json_t *seen = json_array_get(hf_json_at(summary, "live.contention.hosts"), 1);
    const json_t *shared = json_object_get(seen, "shares_machine_with");
    cr_assert_eq(json_array_size(shared), 1, "the second engine's report names the first as its machine's");
    cr_assert_str_eq(json_string_value(json_array_get(shared, 0)), live_test_host());
    json_int_t completed = json_integer_value(hf_json_at(summary, "requests.completed"));
    cr_assert_eq(served, completed, "the hosts' requests add up to the run's (%lld, %lld)", (long long)served,
                 (long long)completed);
    cr_assert_eq(completed, json_integer_value(hf_json_at(summary, "requests.arrived")), "every request completed");
}

Test(two_hosts, a_live_run_spans_two_hosts_reached_over_tls, .timeout = 900)
{
    start_second_engine_or_skip();
    char hosts[700];
    snprintf(hosts, sizeof hosts, "%s,%s", live_test_host(), second.address);
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, scenario_sets, sizeof scenario_sets / sizeof scenario_sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    char dir[] = "/tmp/hfsim-test-twohosts-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/run", dir);
    struct hf_live_options o = {.hosts = hosts, .out_dir = out, .progress = false, .policy = hf_policy_find("fixed")};
    bool ok = hf_live_run(s, &o, &err);
    json_decref(s);
    cr_assert(ok, "%s", err.message);
    json_t *summary = summary_load(out);
    check_hosts(summary, second.address);
    json_decref(summary);
    char run[HF_RUN_ID_MAX];
    hf_run_id(run, sizeof run, "live", (long)getpid());
    cr_assert_eq(containers_on(live_test_host(), run), 0, "nothing left on this machine's engine");
    cr_assert_eq(containers_on(second.address, run), 0, "nothing left on the second host");
    hf_remove_tree(dir);
}

/* hfsim validate as a user runs it, with the TLS settings in the environment: the live side spans
 * both hosts, the simulated side the scenario's two VMs; both complete the same requests. */
Test(two_hosts, validate_compares_a_live_run_on_two_hosts, .timeout = 900)
{
    start_second_engine_or_skip();
    char dir[] = "/tmp/hfsim-test-twohosts-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char sets[2048] = "";
    for (size_t i = 0; i < sizeof scenario_sets / sizeof scenario_sets[0]; i++) {
        char one[400];
        snprintf(one, sizeof one, " --set '%s'", scenario_sets[i]);
        strcat(sets, one);
    }
    char args[4096], env[256];
    snprintf(args, sizeof args, "validate %s/scenarios/live-burst.json%s --hosts %s,%s --out %s/v", HFSIM_SOURCE_DIR,
             sets, live_test_host(), second.address, dir);
    snprintf(env, sizeof env, "DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH=%s/client", second.dir);
    struct cli_result *r = malloc(sizeof *r);
    cr_assert_not_null(r);
    cli_run_env(env, HFSIM_BIN, dir, args, r);
    cr_assert_eq(r->code, 0, "hfsim %s\n%s", args, r->err);
    char path[400];
    snprintf(path, sizeof path, "%s/v/live", dir);
    json_t *live = summary_load(path);
    check_hosts(live, second.address);
    snprintf(path, sizeof path, "%s/v/sim", dir);
    json_t *sim = summary_load(path);
    cr_assert_eq(json_integer_value(hf_json_at(sim, "requests.completed")),
                 json_integer_value(hf_json_at(live, "requests.completed")),
                 "the same open-loop requests complete simulated and live");
    cr_assert(strstr(r->out, "completed"), "the table is printed:\n%s", r->out);
    cr_assert_eq(containers_on(second.address, NULL), 0, "nothing of hfsim's left on the second host");
    json_decref(sim);
    json_decref(live);
    free(r);
    hf_remove_tree(dir);
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }
