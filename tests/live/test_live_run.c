/* hfsim live run against the real engine: a policy from the registry scales real worker
 * containers through the live platform interface, requests run for real, every request is
 * accounted for (a container killed mid-request fails its request with reason container_lost and
 * is replaced), and nothing is left behind, even after SIGKILL. Skipped loudly where no engine
 * answers (tests/support/live_engine.h).
 *
 * No test here asserts how fast anything is: they must hold on a machine whose cores are busy with
 * other work. The scenarios give requests all the time they need (a long gateway timeout and
 * drain), so "every request completed" is behaviour, not speed; latency and lateness are printed,
 * not bounded (docs/results.md has measured figures). */
#include <criterion/criterion.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/run.h"
#include "app/scenario.h"
#include "live/docker.h"
#include "live/live_run.h"
#include "policies/registry.h"
#include "sim/schema.h"
#include "live/owner.h"
#include "live/worker_client.h"
#include "sim/results.h"
#include "sim/schema.h"
#include "support/live_engine.h"
#include "support/run_summary.h"

/* A failed assertion stops a test before its own checks for leftovers: the fini removes them. */
TestSuite(live_run, .fini = live_test_remove_mine);

static void engine_or_skip(void) { hf_docker_close(live_test_engine_or_skip()); }

/* No request fails for lack of time however busy the machine is: a queue wait of up to 10 minutes,
 * a drain of up to 5 (the run ends as soon as nothing is in flight). */
#define PATIENT "gateway.timeout_s=600", "drain_s=300"

static json_t *scenario(const char *policy, double service_ms, double duration_s, double rate)
{
    char sets[6][128];
    snprintf(sets[0], sizeof sets[0], "policy=\"%s\"", policy);
    snprintf(sets[1], sizeof sets[1], "workload.service={\"dist\": \"constant\", \"mean_ms\": %g}", service_ms);
    snprintf(sets[2], sizeof sets[2], "duration_s=%g", duration_s);
    snprintf(sets[3], sizeof sets[3], "workload.rate_per_s=%g", rate);
    snprintf(sets[4], sizeof sets[4], "function={\"cpu_limit\": 1, \"cpu_request\": 0.5, \"memory_mib\": 128, "
                                      "\"base_memory_mib\": 16, \"concurrency\": 2}");
    snprintf(sets[5], sizeof sets[5], "workload.bursts=[]");
    const char *all[] = {sets[0], sets[1], sets[2], sets[3], sets[4], sets[5], "model=\"cluster\"", PATIENT,
                         "fixed.replicas=2", "workload.memory_mb=4", "workload.arrival=\"poisson\""};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, all, sizeof all / sizeof all[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    return s;
}

/* Containers of the live run process `pid` made (its run id, live/owner.h). */
static size_t containers_of(struct hf_docker *d, long pid)
{
    char run[HF_RUN_ID_MAX];
    hf_run_id(run, sizeof run, "live", pid);
    struct hf_error err = {0};
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, run, &err);
    cr_assert_not_null(ids, "%s", err.message);
    size_t n = json_array_size(ids);
    json_decref(ids);
    return n;
}

static size_t leftovers(void)
{
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert(hf_docker_open(&d, live_test_host(), &err));
    char run[HF_RUN_ID_MAX];
    hf_run_id(run, sizeof run, "live", (long)getpid());
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, run, &err);
    cr_assert_not_null(ids, "%s", err.message);
    size_t n = json_array_size(ids);
    json_decref(ids);
    hf_docker_close(d);
    return n;
}

/* One live run of a test: a temporary directory (its results in dir/run) and the summary. */
struct live_result {
    char dir[64], out[300];
    json_t *summary;
};

/* Runs scenario `s` (consumed) on `hosts`, asserts the run succeeded and loads its summary. */
static void run_live(struct live_result *r, const char *name, json_t *s, const char *hosts)
{
    snprintf(r->dir, sizeof r->dir, "/tmp/hfsim-test-%s-XXXXXX", name);
    cr_assert_not_null(mkdtemp(r->dir));
    snprintf(r->out, sizeof r->out, "%s/run", r->dir);
    struct hf_live_options o = {.hosts = hosts, .out_dir = r->out, .progress = false,
                                .policy = hf_policy_find(hf_json_string_at(s, "policy"))};
    struct hf_error err = {0};
    bool ok = hf_live_run(s, &o, &err);
    json_decref(s);
    cr_assert(ok, "%s", err.message);
    r->summary = summary_load(r->out);
}

/* A number of the summary by its path ("requests.failed.total"). */
static double summary_at(const struct live_result *r, const char *path)
{
    const json_t *v = hf_json_at(r->summary, path);
    cr_assert(json_is_number(v), "summary.json has no number at %s", path);
    return json_number_value(v);
}

/* Every run ends with nothing of it left on the engine; the directory goes. */
static void finish_run(struct live_result *r)
{
    json_decref(r->summary);
    cr_assert_eq(leftovers(), 0, "no container left behind");
    hf_remove_tree(r->dir);
}

Test(live_run, a_fixed_policy_serves_every_request_on_real_containers, .timeout = 600)
{
    engine_or_skip();
    struct live_result r;
    run_live(&r, "liverun", scenario("fixed", 50, 6, 5), NULL);
    double arrived = summary_at(&r, "requests.arrived");
    cr_assert_gt(arrived, 10);
    cr_assert_eq(summary_at(&r, "requests.completed"), arrived, "every request completed");
    /* The worker burns 50 ms of its own CPU clock per request: no response can come sooner. */
    double p50 = summary_at(&r, "latency_ms.p50");
    cr_assert_geq(p50, 49, "50 ms of CPU work answered in %.1f ms", p50);
    cr_assert_eq(summary_at(&r, "cold_starts"), 2, "fixed.replicas");
    double late = summary_at(&r, "live.lateness_ms.max"), mean = summary_at(&r, "live.lateness_ms.mean");
    cr_assert_leq(mean, late, "lateness is measured: mean %.2f ms, max %.2f ms", mean, late);
    /* Requests (and the ICS reports) go over kept-alive connections: with two containers and requests
     * seldom overlapping, a few connections serve them all. */
    double calls = summary_at(&r, "live.worker_http.calls"), opened = summary_at(&r, "live.worker_http.connections_opened");
    cr_assert_geq(calls, arrived, "every request is a call");
    cr_assert(opened >= 2 && opened <= calls / 4, "%.0f connections opened for %.0f calls", opened, calls);
    fprintf(stderr, "live fixed: p50 %.1f ms, max lateness %.1f ms, %.0f connections for %.0f calls\n", p50, late,
            opened, calls);
    /* The engine's machine as its workers saw it (their /proc), once per sampling round. */
    const json_t *engine = json_array_get(hf_json_at(r.summary, "live.contention.hosts"), 0);
    cr_assert_not_null(engine);
    cr_assert_geq(hf_json_number_at(engine, "samples"), 2, "the workers reported their host's load");
    double busy = hf_json_number_at(engine, "cpu_busy_pct");
    cr_assert(busy > 0 && busy <= 100, "the host's CPU was busy %.1f %% of the run", busy);
    finish_run(&r);
}

/* Capacity: the engine's cores less live.reserve_cores are reserved by containers' requests, as the
 * cluster model reserves a VM's. With room for two containers of 0.5 core, a fixed policy asking for
 * five gets two started; three wait, pending, and never reach the engine; every request is served. */
Test(live_run, replicas_beyond_the_engines_capacity_wait_instead_of_starting, .timeout = 600)
{
    struct hf_docker *d = live_test_engine_or_skip();
    double cores, memory_mib;
    struct hf_error err = {0};
    cr_assert(hf_docker_capacity(d, &cores, &memory_mib, &err), "%s", err.message);
    hf_docker_close(d);
    cr_assert_geq(cores, 1.0);
    json_t *s = scenario("fixed", 20, 5, 4);
    json_object_set_new(json_object_get(s, "fixed"), "replicas", json_integer(5));
    json_object_set_new(json_object_get(s, "live"), "reserve_cores", json_real(cores - 1.0));
    struct live_result r;
    run_live(&r, "livecap", s, NULL);
    cr_assert_eq(summary_at(&r, "live.hosts.0.containers_started"), 2, "1 core of room, 0.5 core each");
    cr_assert_eq(summary_at(&r, "live.containers_waited_for_room"), 3);
    cr_assert_eq(summary_at(&r, "cold_starts"), 2);
    double arrived = summary_at(&r, "requests.arrived");
    cr_assert_eq(summary_at(&r, "requests.completed"), arrived, "every request served by the two");
    finish_run(&r);
}

/* Beside two CPU-burning loops (bounded: they end with the test, or after 10 minutes): HyperFaaS
 * scales within the engine's capacity (no runaway container count), every request ends completed or
 * failed with a reason, and the summary says how disturbed the run was. */
static void burn(void)
{
    time_t end = time(NULL) + 600;
    volatile unsigned long x = 0;
    while (time(NULL) < end)
        x++;
    _exit(0);
}

Test(live_run, beside_cpu_hogs_the_container_count_stays_within_capacity, .timeout = 900)
{
    struct hf_docker *d = live_test_engine_or_skip();
    double cores, memory_mib;
    struct hf_error err = {0};
    cr_assert(hf_docker_capacity(d, &cores, &memory_mib, &err), "%s", err.message);
    hf_docker_close(d);
    pid_t hogs[2];
    for (int h = 0; h < 2; h++) {
        hogs[h] = fork();
        cr_assert_geq(hogs[h], 0);
        if (hogs[h] == 0)
            burn();
    }
    json_t *s = scenario("hyperfaas", 100, 20, 6);
    json_object_set_new(s, "workload", json_pack("{s:s, s:f, s:[{s:f, s:f, s:f}], s:{s:s, s:f}, s:i, s:i}", "arrival",
                                                 "poisson", "rate_per_s", 2.0, "bursts", "start_s", 5.0, "duration_s",
                                                 10.0, "rate_per_s", 12.0, "service", "dist", "constant", "mean_ms",
                                                 100.0, "memory_mb", 4, "functions", 1));
    struct live_result r;
    run_live(&r, "livehogs", s, NULL);
    for (int h = 0; h < 2; h++) {
        kill(hogs[h], SIGKILL);
        waitpid(hogs[h], NULL, 0);
    }
    double arrived = summary_at(&r, "requests.arrived"), completed = summary_at(&r, "requests.completed"),
           failed = summary_at(&r, "requests.failed.total");
    cr_assert_eq(arrived, completed + failed, "every request accounted for");
    double capacity = cores / 0.5; /* the scenario's cpu_request */
    double started = summary_at(&r, "live.hosts.0.containers_started");
    cr_assert_leq(started - summary_at(&r, "live.containers_replaced"), capacity + 1e-9,
                  "%.0f containers started on %.0f cores of 0.5 each", started, cores);
    cr_assert(json_is_boolean(hf_json_at(r.summary, "live.contention.reliable")));
    fprintf(stderr, "live beside hogs: %.0f of %.0f completed, %.0f containers started, load max %.2f, %s\n", completed,
            arrived, started, summary_at(&r, "live.contention.load_avg_1m.max"),
            json_is_true(hf_json_at(r.summary, "live.contention.reliable")) ? "reliable" : "flagged as disturbed");
    finish_run(&r);
}

/* The two containers of live run `pid` (found by its run id), each with a request in flight. */
struct victims {
    long pid;
    size_t killed;
    char error[1024];
};

/* Kills the run's two containers with the engine's kill call once each one's worker reports a
 * request in flight, so each is killed mid-request (not mid-start, however slow the machine). */
static void *kill_mid_request(void *arg)
{
    struct victims *v = arg;
    struct hf_docker *d;
    struct hf_error err = {0};
    if (!hf_docker_open(&d, live_test_host(), &err)) {
        snprintf(v->error, sizeof v->error, "%s", err.message);
        return NULL;
    }
    char run[HF_RUN_ID_MAX];
    hf_run_id(run, sizeof run, "live", v->pid);
    json_t *ids = NULL;
    bool busy = false;
    for (int i = 0; i < 6000 && !busy; i++) { /* up to about a minute */
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
        json_decref(ids);
        ids = hf_docker_list(d, HF_LABEL_RUN, run, &err);
        busy = json_array_size(ids) == 2;
        size_t k;
        const json_t *id;
        json_array_foreach(ids, k, id) {
            char ip[64] = "";
            struct hf_worker_stats st = {0};
            struct hf_error ignored = {0};
            busy = busy && hf_docker_address(d, json_string_value(id), ip, sizeof ip, &ignored) && *ip &&
                   hf_worker_stats(&(struct hf_worker_address){.ip = ip, .port = HF_WORKER_PORT}, 1000, &st, &ignored) && st.in_flight > 0;
        }
    }
    if (!busy)
        snprintf(v->error, sizeof v->error, "the run's two containers never both had a request in flight");
    size_t k;
    const json_t *id;
    json_array_foreach(ids, k, id)
        if (busy && hf_docker_kill(d, json_string_value(id), &err))
            v->killed++;
    json_decref(ids);
    hf_docker_close(d);
    return NULL;
}

/* A run that ends while its helper threads are still starting containers (40 replicas asked for a
 * 1 s run) removes every one of them: the wind-down lists the engines until none is left, however
 * long the starts take on a busy machine (the outside review saw 76 of 516 left behind). */
Test(live_run, a_run_ending_while_containers_start_leaves_none, .timeout = 600)
{
    engine_or_skip();
    json_t *s = scenario("fixed", 10, 1, 1);
    json_object_set_new(json_object_get(s, "fixed"), "replicas", json_integer(40));
    json_object_set_new(s, "drain_s", json_real(0));
    json_object_set_new(json_object_get(s, "outputs"), "requests_csv", json_true());
    struct live_result r;
    run_live(&r, "livewind", s, NULL);
    cr_assert_eq(leftovers(), 0, "containers of the ended run are still on the engine");
    /* requests.csv as hfsim run writes it: one line per request that arrived, each ended. */
    char path[400], line[256];
    snprintf(path, sizeof path, "%s/requests.csv", r.out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "no requests.csv");
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert_str_eq(line, "id,function,arrival_s,end_s,latency_ms,outcome\n");
    double lines = 0;
    while (fgets(line, sizeof line, f)) {
        lines++;
        cr_assert(strstr(line, ",completed\n") || strstr(line, ",run_end\n") || strstr(line, ",timeout\n"), "%s", line);
    }
    fclose(f);
    cr_assert_eq(lines, summary_at(&r, "requests.arrived"), "requests.csv has %.0f lines", lines);
    finish_run(&r);
}

Test(live_run, a_container_killed_mid_request_fails_it_with_a_reason, .timeout = 600)
{
    engine_or_skip();
    char dir[] = "/tmp/hfsim-test-livekill-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/run", dir);
    /* 2 s requests, one a second for 15 s: the engine kills both containers once each serves one;
     * arrivals go on after that (or wait in the queue), so later requests run on the replacements. */
    json_t *s = scenario("fixed", 2000, 15, 1);
    struct victims v = {.pid = (long)getpid()};
    pthread_t killer;
    cr_assert_eq(pthread_create(&killer, NULL, kill_mid_request, &v), 0);
    struct hf_live_options o = {.out_dir = out, .progress = false,
                                .policy = hf_policy_find(hf_json_string_at(s, "policy"))};
    struct hf_error err = {0};
    bool ok = hf_live_run(s, &o, &err);
    pthread_join(killer, NULL);
    json_decref(s);
    cr_assert(ok, "the run itself succeeds and accounts for everything: %s", err.message);
    cr_assert_eq(v.killed, 2, "%s", v.error);
    json_t *sum = summary_load(out);
    const json_t *req = json_object_get(sum, "requests");
    json_int_t arrived = json_integer_value(json_object_get(req, "arrived"));
    json_int_t completed = json_integer_value(json_object_get(req, "completed"));
    json_int_t failed = json_integer_value(json_object_get(json_object_get(req, "failed"), "total"));
    json_int_t lost = json_integer_value(json_object_get(json_object_get(req, "failed"), "container_lost"));
    cr_assert_eq(arrived, completed + failed, "conservation");
    cr_assert_geq(lost, 2, "the request on each killed container fails with container_lost");
    cr_assert_eq(failed, lost, "no request fails for any other reason");
    const json_t *live = json_object_get(sum, "live");
    json_int_t replaced = json_integer_value(json_object_get(live, "containers_replaced"));
    cr_assert_eq(replaced, 2, "both dead containers replaced (%lld)", (long long)replaced);
    json_int_t cold = json_integer_value(json_object_get(sum, "cold_starts"));
    cr_assert_eq(cold, 4, "2 + 2 replacements (%lld cold starts)", (long long)cold);
    cr_assert_gt(completed, 0, "requests after the kill complete on the replacements");
    json_decref(sum);
    cr_assert_eq(leftovers(), 0, "no container left behind");
    hf_remove_tree(dir);
}

/* HyperFaaS's own policy code live: container views, real resizes (CPU quota updates) and the
 * global scheduler's routing through the live backend. */
Test(live_run, hyperfaas_runs_live_and_accounts_for_everything, .timeout = 600)
{
    engine_or_skip();
    struct live_result r;
    run_live(&r, "livehf", scenario("hyperfaas", 80, 6, 8), NULL);
    double arrived = summary_at(&r, "requests.arrived");
    cr_assert_gt(arrived, 20);
    cr_assert_eq(summary_at(&r, "requests.completed"), arrived, "every request completed");
    cr_assert_geq(summary_at(&r, "cold_starts"), 1);
    finish_run(&r);
}

/* Container sharing live: two functions, a burst on one; the global scheduler may specialize the
 * other function's containers' second worker (POST /specialize on the worker). Every request
 * is accounted for, whatever the scheduler decides on this machine. */
/* The largest value of timeseries.csv column `name` in a run's directory. */
static double column_max(const char *dir, const char *name)
{
    char path[400], line[1024];
    snprintf(path, sizeof path, "%s/timeseries.csv", dir);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    cr_assert_not_null(fgets(line, sizeof line, f));
    int column = -1, i = 0;
    for (char *save, *t = strtok_r(line, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save), i++)
        if (strcmp(t, name) == 0)
            column = i;
    cr_assert_geq(column, 0, "%s has no column %s", path, name);
    double most = 0;
    while (fgets(line, sizeof line, f)) {
        i = 0;
        for (char *save, *t = strtok_r(line, ",\n", &save); t; t = strtok_r(NULL, ",\n", &save), i++)
            if (i == column && atof(t) > most)
                most = atof(t);
    }
    fclose(f);
    return most;
}

/* A buffered request moves on only where the policy's routing lets it, live as simulated: with
 * HyperFaaS's in-container scheduler admitting one request per core (cpu_high 1) on a 1-core
 * container with 4 worker slots and no scaling, requests wait in the global scheduler's buffer
 * instead of filling the free slots, so the container never runs two at once. (The live backend
 * used to hand buffered requests to any free slot, past the watermark.) */
Test(live_run, buffered_requests_move_on_only_where_the_policy_routes_them, .timeout = 600)
{
    engine_or_skip();
    json_t *s = scenario("hyperfaas", 150, 3, 10);
    json_t *h = json_object_get(s, "hyperfaas");
    const char *off[] = {"phase1", "phase2", "phase3", "sharing"};
    for (size_t i = 0; i < 4; i++)
        json_object_set_new(h, off[i], json_false());
    json_object_set_new(h, "cpu_high", json_real(1));
    json_object_set_new(h, "max_replicas", json_integer(1));
    json_object_set_new(json_object_get(s, "function"), "concurrency", json_integer(4));
    json_object_set_new(json_object_get(s, "outputs"), "interval_s", json_real(0.1));
    struct live_result r;
    run_live(&r, "livebuffer", json_deep_copy(s), NULL);
    double arrived = summary_at(&r, "requests.arrived");
    cr_assert_eq(summary_at(&r, "requests.completed"), arrived, "every request completed");
    double busy = column_max(r.out, "busy"), queued = column_max(r.out, "queued");
    cr_assert_eq(busy, 1, "at most one request in the container at a time live (%.0f seen)", busy);
    cr_assert_geq(queued, 2, "the others waited in the buffer (%.0f at most)", queued);
    /* the simulated run of the same scenario agrees */
    char sim_dir[400];
    snprintf(sim_dir, sizeof sim_dir, "%s/sim", r.dir);
    struct hf_run_options o = {.out_dir = sim_dir};
    struct hf_run_report report;
    struct hf_error err = {0};
    cr_assert(hf_run_scenario(s, &o, &report, &err), "%s", err.message);
    json_decref(s);
    cr_assert_eq(column_max(sim_dir, "busy"), 1, "simulated too");
    finish_run(&r);
}

Test(live_run, hyperfaas_with_two_functions_and_sharing_accounts_for_everything, .timeout = 600)
{
    engine_or_skip();
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"hyperfaas\"", "duration_s=8", PATIENT,
        "function.concurrency=2", "function.specialize_ms=50", "function.memory_mib=128",
        "workload.functions=2", "workload.rate_per_s=3", "workload.memory_mb=4",
        "workload.bursts=[{\"start_s\": 2, \"duration_s\": 4, \"rate_per_s\": 12, \"function\": 0}]",
        "workload.service={\"dist\": \"constant\", \"mean_ms\": 60}",
    };
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    struct live_result r;
    run_live(&r, "liveshare", s, NULL);
    double failed = summary_at(&r, "requests.failed.total");
    cr_assert_eq(summary_at(&r, "requests.arrived"), summary_at(&r, "requests.completed") + failed, "conservation");
    cr_assert_eq(failed, 0);
    fprintf(stderr, "live sharing: %.0f specializations, %.0f resizes, %.0f cold starts\n",
            summary_at(&r, "specializations"), summary_at(&r, "resizes"), summary_at(&r, "cold_starts"));
    finish_run(&r);
}

/* Two engines: this machine's engine on its unix socket and again on TCP through a socat relay
 * (the engine on TCP is treated as remote: its workers publish their port and are reached at the
 * engine's host name). Spread placement puts the replicas on both; every request completes. */
Test(live_run, replicas_spread_over_two_engines_one_of_them_on_tcp, .timeout = 600)
{
    engine_or_skip();
    if (system("command -v socat >/dev/null 2>&1") != 0) {
        fprintf(stderr, "!!!!! two-engine live test SKIPPED: socat is not installed (scripts/deps.sh) !!!!!\n");
        cr_skip_test("socat is not installed");
    }
    int port = 23000 + (int)(getpid() % 2000);
    pid_t relay = fork();
    cr_assert_geq(relay, 0);
    if (relay == 0) {
        char listen[64];
        snprintf(listen, sizeof listen, "TCP-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork", port);
        /* to the engine under test, wherever it is */
        const char *engine = live_test_host();
        char to[600];
        if (strncmp(engine, "unix://", 7) == 0)
            snprintf(to, sizeof to, "UNIX-CONNECT:%s", engine + 7);
        else
            snprintf(to, sizeof to, "TCP:%s", engine + 6);
        execlp("socat", "socat", listen, to, (char *)NULL);
        _exit(127);
    }
    char tcp[64], hosts[700];
    snprintf(tcp, sizeof tcp, "tcp://127.0.0.1:%d", port);
    snprintf(hosts, sizeof hosts, "%s,%s", live_test_host(), tcp);
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert(hf_docker_open(&d, tcp, &err));
    bool up = false;
    for (int i = 0; i < 100 && !up; i++) {
        up = hf_docker_ping(d, &err);
        if (!up) {
            struct timespec nap = {0, 50000000};
            nanosleep(&nap, NULL);
        }
    }
    hf_docker_close(d);
    if (!up) { /* the relay must not outlive the test */
        kill(relay, SIGTERM);
        waitpid(relay, NULL, 0);
    }
    cr_assert(up, "the relay to the engine answers on %s: %s", tcp, err.message);
    char dir[] = "/tmp/hfsim-test-livehosts-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/run", dir);
    json_t *s = scenario("fixed", 40, 5, 6);
    json_object_set_new(json_object_get(s, "fixed"), "replicas", json_integer(4));
    struct hf_live_options o = {.hosts = hosts, .out_dir = out, .progress = false,
                                .policy = hf_policy_find(hf_json_string_at(s, "policy"))};
    bool ok = hf_live_run(s, &o, &err);
    kill(relay, SIGTERM);
    waitpid(relay, NULL, 0);
    json_decref(s);
    cr_assert(ok, "%s", err.message);
    json_t *sum = summary_load(out);
    const json_t *req = json_object_get(sum, "requests");
    json_int_t arrived = json_integer_value(json_object_get(req, "arrived"));
    cr_assert_gt(arrived, 15);
    cr_assert_eq(json_integer_value(json_object_get(req, "completed")), arrived, "every request completed");
    const json_t *engines = json_object_get(json_object_get(sum, "live"), "hosts");
    cr_assert_eq(json_array_size(engines), 2);
    for (size_t h = 0; h < 2; h++)
        cr_assert_eq(json_integer_value(json_object_get(json_array_get(engines, h), "containers_started")), 2,
                     "engine %zu got 2 of the 4 replicas", h);
    json_decref(sum);
    cr_assert_eq(leftovers(), 0, "no container left behind");
    hf_remove_tree(dir);
}

/* A live run's process killed outright (SIGKILL: no handler runs) leaves nothing behind: its reaper
 * removes the run's containers once the process is gone. */
Test(live_run, a_run_killed_with_sigkill_leaves_no_container_behind, .timeout = 600)
{
    engine_or_skip();
    char dir[] = "/tmp/hfsim-test-livecrash-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/run", dir);
    json_t *s = scenario("fixed", 50, 60, 2);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        struct hf_live_options o = {.out_dir = out, .progress = false,
                                .policy = hf_policy_find(hf_json_string_at(s, "policy"))};
        struct hf_error err = {0};
        hf_live_run(s, &o, &err);
        _exit(0);
    }
    json_decref(s);
    struct hf_docker *d;
    struct hf_error err = {0};
    bool opened = hf_docker_open(&d, live_test_host(), &err);
    size_t running = 0;
    for (int i = 0; opened && i < 6000 && running < 2; i++) { /* until both replicas exist (a minute at most) */
        running = containers_of(d, (long)child);
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    /* Killed whatever happened, before any assertion: the run must not outlive the test. */
    cr_assert_eq(kill(child, SIGKILL), 0);
    cr_assert_eq(waitpid(child, NULL, 0), child);
    cr_assert(opened, "%s", err.message);
    cr_assert_eq(running, 2, "the run started its two containers");
    size_t left = 2;
    for (int i = 0; i < 6000 && left > 0; i++) { /* the reaper's work, a minute at most */
        left = containers_of(d, (long)child);
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    hf_docker_close(d);
    cr_assert_eq(left, 0, "%zu containers of the killed run are left a minute after its death", left);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no results directory passed off as complete");
    hf_remove_tree(dir);
}

/* Kubernetes' HPA live: pods from the containers, CPU metrics from the engine's stats through the
 * live metrics-server (a rate over two scrapes), the same controller code as in the simulator.
 * 0.8 cores of demand on 0.25-core requests is far above the 50 % target: it scales to its max. The
 * run writes the timeseries.csv hfsim run writes. */
Test(live_run, the_hpa_scales_on_cpu_metrics_from_the_engine, .timeout = 600)
{
    engine_or_skip();
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"hpa\"", "duration_s=14", PATIENT, "workload.bursts=[]",
        "workload.rate_per_s=8", "workload.memory_mb=4", "workload.service={\"dist\": \"constant\", \"mean_ms\": 100}",
        "function={\"cpu_limit\": 1, \"cpu_request\": 0.25, \"memory_mib\": 128, \"concurrency\": 4}",
        "hpa.sync_period_s=1", "hpa.metric_resolution_s=2", "hpa.cpu_initialization_period_s=1",
        "hpa.delay_of_initial_readiness_s=1", "hpa.max_replicas=3",
    };
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    struct live_result r;
    run_live(&r, "livehpa", s, NULL);
    double completed = summary_at(&r, "requests.completed");
    cr_assert_eq(summary_at(&r, "requests.arrived"), completed + summary_at(&r, "requests.failed.total"),
                 "conservation");
    cr_assert_eq(summary_at(&r, "cold_starts"), 3, "scaled from 1 to max_replicas 3");
    double used = summary_at(&r, "cpu_core_s.used");
    cr_assert(used > 0.5 * 0.1 * completed, "the engines report %.2f core-s for %.0f requests of 100 ms", used,
              completed);
    char path[400];
    snprintf(path, sizeof path, "%s/timeseries.csv", r.out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "timeseries.csv is written");
    char line[1024];
    cr_assert_not_null(fgets(line, sizeof line, f));
    const char *columns = "time_s,arrivals,completed,failed,in_system,queued,busy,replicas,ready,";
    cr_assert(strncmp(line, columns, strlen(columns)) == 0, "the columns of hfsim run: %s", line);
    int rows = 0;
    double max_replicas = 0;
    while (fgets(line, sizeof line, f)) {
        double v[9];
        cr_assert_eq(sscanf(line, "%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
                            &v[6], &v[7], &v[8]), 9);
        max_replicas = v[7] > max_replicas ? v[7] : max_replicas;
        rows++;
    }
    fclose(f);
    cr_assert_geq(rows, 12, "a row per second");
    cr_assert_eq(max_replicas, 3);
    finish_run(&r);
}

/* A trace replayed live: hfsim's own CSV format, each invocation issued at its trace time, the
 * replay check (issued = expected) and functions.csv as in hfsim run. */
Test(live_run, a_trace_is_replayed_live_on_its_schedule, .timeout = 600)
{
    engine_or_skip();
    const char *sets[] = {
        "model=\"cluster\"", "policy=\"keepalive\"", PATIENT, "trace.format=\"csv\"",
        /* room for every request of the trace at once (up to 3 x 256 MB): none is OOM-killed; and
         * a small CPU request, so the engine's capacity holds a container per function (keep-alive
         * keeps them for 10 minutes) */
        "trace.path=\"" HFSIM_SOURCE_DIR "/traces/samples/hand-written.csv\"", "function.memory_mib=1024",
        "function.cpu_request=0.25",
    };
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    struct live_result r;
    run_live(&r, "livetrace", s, NULL);
    cr_assert_eq(summary_at(&r, "requests.arrived"), 10, "the trace's 10 rows");
    char *failed = json_dumps(hf_json_at(r.summary, "requests.failed"), JSON_COMPACT);
    cr_assert_eq(summary_at(&r, "requests.completed"), 10, "failed: %s", failed);
    free(failed);
    cr_assert(json_is_true(hf_json_at(r.summary, "trace.check.ok")));
    /* On its schedule: the replay check (every row issued, none twice) and lateness measured for
     * each; how late depends on the machine's load, printed, not bounded. */
    double late = summary_at(&r, "live.lateness_ms.max"), mean = summary_at(&r, "live.lateness_ms.mean");
    cr_assert_leq(mean, late, "lateness is measured: mean %.2f ms, max %.2f ms", mean, late);
    fprintf(stderr, "live trace: max lateness %.1f ms\n", late);
    char path[400];
    snprintf(path, sizeof path, "%s/functions.csv", r.out);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "functions.csv names the trace's functions");
    fclose(f);
    finish_run(&r);
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }
