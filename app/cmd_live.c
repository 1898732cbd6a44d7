/* hfsim live image|cleanup|smoke [--hosts H1,H2] : live mode's first steps on real Docker engines. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/cli_docker_args.h"
#include "app/cli_trace_args.h"
#include "app/scenario.h"
#include "app/scenario_fit.h"
#include "live/cleanup.h"
#include "live/concurrent_starts.h"
#include "live/docker.h"
#include "live/image.h"
#include "live/live_run.h"
#include "live/owner.h"
#include "live/worker_client.h"
#include "policies/registry.h"
#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "sim/wallclock.h"

static const char live_usage[] =
    "usage: hfsim live image   [--hosts H,...] [--force]   import the worker image into each engine\n"
    "       hfsim live cleanup [--hosts H,...] [--run ID]  remove the containers of hfsim runs whose\n"
    "                                                      process is gone (also after a crash); with\n"
    "                                                      --run, every container of run ID\n"
    "       hfsim live smoke   [--hosts H,...]             per engine: start a worker container, time\n"
    "                                                      its cold start and one request, remove it\n"
    "       hfsim live calibrate [--hosts H] [--samples N] [--out FILE]\n"
    "                          measure the engine's container start stages, resize and request\n"
    "                          latency (N containers, default 10) and write a profile the\n"
    "                          simulator takes with `hfsim run --profile FILE` (default\n"
    "                          calibration.json)\n"
    "\n"
    "       hfsim live SCENARIO [--hosts H,...] [--policy NAME] [--set P=V] [--out DIR] [-q]\n"
    "                          replay the scenario's workload (synthetic or trace) in wall-clock\n"
    "                          time on worker containers spread over the engines, scaled by the\n"
    "                          policy; writes the results directory hfsim run writes (docs/live.md).\n"
    "                          `hfsim live run SCENARIO ...` is the same. The trace options of\n"
    "                          hfsim run (--trace FORMAT:PATH, --minutes, --time-scale, ...) apply\n"
    "       hfsim live --cleanup [--hosts H,...] [--run ID]  the same as hfsim live cleanup\n"
    "\n"
    "H is unix:///path or tcp://host[:port]. Without --hosts, every command uses the engine\n"
    "in $DOCKER_HOST, as the docker CLI does, else unix:///var/run/docker.sock. Every command also takes\n"
    HF_DOCKER_SECURITY_USAGE
    "Every container hfsim makes carries the label hfsim.run=<run id> (<kind>-<pid>@<host>) and its\n"
    "owner's host, pid and process start time: cleanup removes a run's containers once that process\n"
    "has exited; it keeps those of runs still going and of runs from other machines (say which with\n"
    "--run ID to remove them) and prints what it removed and kept, and why.\n"
    "\n"
    "exit codes: 0 ok, 1 an engine failed (the message names it), 2 usage error, 3 bad scenario\n"
    "            or trace, 130/143 interrupted by SIGINT/SIGTERM (containers removed, no results)\n";

static int each_host(const char *hosts, int (*fn)(struct hf_docker *, void *), void *ctx)
{
    char list[2048];
    snprintf(list, sizeof list, "%s", hosts);
    int rc = HF_EXIT_OK;
    for (char *save = NULL, *h = strtok_r(list, ",", &save); h; h = strtok_r(NULL, ",", &save)) {
        struct hf_docker *d;
        struct hf_error err = {0};
        if (!hf_docker_open(&d, h, &err))
            return hf_cli_report(&err);
        int r = fn(d, ctx);
        hf_docker_close(d);
        if (r != HF_EXIT_OK)
            rc = r;
    }
    return rc;
}

static int do_image(struct hf_docker *d, void *ctx)
{
    struct hf_error err = {0};
    bool force = *(bool *)ctx;
    if (!hf_docker_ping(d, &err) || !hf_worker_image_ensure(d, force, &err))
        return hf_cli_report(&err);
    char ref[128];
    hf_worker_image_reference(ref, sizeof ref);
    printf("%s: %s ready\n", hf_docker_host(d), ref);
    return HF_EXIT_OK;
}

/* ctx: the run id of --run, or NULL for every run whose process is gone. */
static int do_cleanup(struct hf_docker *d, void *ctx)
{
    struct hf_error err = {0};
    struct hf_cleanup_report report;
    if (!hf_docker_ping(d, &err) || !hf_live_cleanup(d, ctx, stdout, &report, &err))
        return hf_cli_report(&err);
    return HF_EXIT_OK;
}

struct calibration {
    int samples;
    const char *out;
};

static double ms_since(double t) { return (hf_wall_seconds() - t) * 1000.0; }

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof *v, compare_doubles);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static json_t *empirical(const double *v, int n)
{
    json_t *samples = json_array();
    for (int i = 0; i < n; i++)
        json_array_append_new(samples, json_real(v[i]));
    return json_pack("{s:s, s:o}", "dist", "empirical", "samples_ms", samples);
}

/* Per sample: create+start (the sandbox: namespaces, cgroups, rootfs), start to the worker answering
 * (the runtime and function init: exec, listen); then on one container, resize (update) calls and
 * empty-request round trips. *
 * Long on purpose: the three measurements in order share one cleanup path (the kept container,
 * the arrays), which helpers would each have to repeat. */
static int do_calibrate(struct hf_docker *d, void *ctx)
{
    struct calibration *cal = ctx;
    struct hf_error err = {0};
    if (!hf_docker_ping(d, &err) || !hf_worker_image_ensure(d, false, &err))
        return hf_cli_report(&err);
    char ref[128], run_id[HF_RUN_ID_MAX];
    struct hf_owner owner;
    if (!hf_owner_self(&owner, &err))
        return hf_cli_report(&err);
    hf_worker_image_reference(ref, sizeof ref);
    hf_run_id(run_id, sizeof run_id, "calibrate", owner.pid);
    int n = cal->samples;
    double *sandbox = calloc((size_t)n, sizeof *sandbox), *runtime = calloc((size_t)n, sizeof *runtime);
    double resize[20], rtt[50], rtt_new[20];
    bool ok = sandbox && runtime;
    char keep[65] = "", keep_ip[64] = "";
    int keep_port = HF_WORKER_PORT;
    /* On a tcp:// engine the worker is reached at the port the engine publishes, as live runs do. */
    int publish = hf_docker_is_local(d) ? 0 : HF_WORKER_PORT;
    for (int i = 0; ok && i < n && !hf_interrupt_pending(); i++) {
        json_t *labels = hf_owner_labels(&owner, run_id, "calibrate");
        struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                                .labels = labels, .cpus = 1.0, .memory_bytes = 256ull << 20,
                                                .publish_port = publish};
        char id[65] = "", ip[64] = "";
        int port = HF_WORKER_PORT;
        double t0 = hf_wall_seconds();
        ok = hf_docker_create(d, &spec, id, &err) && hf_docker_start(d, id, &err);
        json_decref(labels);
        sandbox[i] = ms_since(t0);
        double t1 = hf_wall_seconds();
        ok = ok && hf_docker_endpoint(d, id, HF_WORKER_PORT, ip, sizeof ip, &port, &err);
        while (ok && !hf_interrupt_pending()) {
            struct hf_error ping_err = {0};
            if (hf_worker_ping(&(struct hf_worker_address){.ip = ip, .port = port}, 200, &ping_err))
                break;
            if (ms_since(t1) > 20000)
                ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "docker %s: worker not ready after 20 s", hf_docker_host(d));
            struct timespec nap = {0, 2000000};
            nanosleep(&nap, NULL);
        }
        runtime[i] = ms_since(t1);
        if (ok && i == n - 1) {
            strcpy(keep, id);
            strcpy(keep_ip, ip);
            keep_port = port;
        } else if (*id) {
            struct hf_error rm = {0};
            hf_docker_remove(d, id, &rm);
        }
    }
    /* Three started at once against one alone: how many sandboxes the engine creates at a time. */
    struct hf_concurrent_starts together = {0};
    if (ok && !hf_interrupt_pending()) {
        double *alone = calloc((size_t)n, sizeof *alone);
        ok = alone != NULL || hf_fail(&err, HF_EXIT_RUN_FAILED, "out of memory");
        for (int i = 0; ok && i < n; i++)
            alone[i] = sandbox[i] + runtime[i];
        json_t *labels = hf_owner_labels(&owner, run_id, "calibrate");
        struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                                .labels = labels, .cpus = 1.0, .memory_bytes = 256ull << 20,
                                                .publish_port = publish};
        ok = ok && hf_concurrent_starts_measure(hf_docker_host(d), &spec, 3, 3, median(alone, n), &together,
                                                &err);
        json_decref(labels);
        free(alone);
    }
    for (int i = 0; ok && i < 20 && !hf_interrupt_pending(); i++) {
        double t = hf_wall_seconds();
        ok = hf_docker_update(d, keep, i % 2 ? 1.0 : 2.0, 0, &err);
        resize[i] = ms_since(t);
    }
    /* Empty requests, as live runs send them: on a kept-alive connection (the first call opens it,
     * and is not counted), then each on a connection of its own (what every request cost before
     * connections were kept). What the network and HTTP cost, not the work. */
    struct hf_worker_connections *pool = hf_worker_connections_new();
    struct hf_worker_address kept = {.ip = keep_ip, .port = keep_port, .pool = pool, .container = keep};
    for (int i = -1; ok && pool && i < 50 && !hf_interrupt_pending(); i++) {
        double wall, t = hf_wall_seconds();
        ok = hf_worker_run(&kept, 0, 0, -1, 5000, &wall, NULL, &err);
        if (i >= 0)
            rtt[i] = ms_since(t) - wall;
    }
    struct hf_worker_connection_counts counts = hf_worker_connections_counts(pool);
    hf_worker_connections_free(pool);
    if (!pool)
        ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "out of memory");
    for (int i = 0; ok && i < 20 && !hf_interrupt_pending(); i++) {
        double wall, t = hf_wall_seconds();
        ok = hf_worker_run(&(struct hf_worker_address){.ip = keep_ip, .port = keep_port}, 0, 0, -1, 5000, &wall,
                           NULL, &err);
        rtt_new[i] = ms_since(t) - wall;
    }
    if (*keep) {
        struct hf_error rm = {0};
        hf_docker_remove(d, keep, &rm);
    }
    int rc = HF_EXIT_OK;
    int signo = hf_interrupt_pending();
    if (signo)
        ok = hf_fail(&err, (enum hf_exit)(HF_EXIT_SIGNAL + signo), "interrupted by %s: removed the calibration "
                     "containers; no profile written", hf_interrupt_name(signo));
    if (ok) {
        json_t *cold = json_pack("{s:s, s:o, s:o, s:{s:s, s:f}}", "preset", "docker", "sandbox", empirical(sandbox, n),
                                 "runtime", empirical(runtime, n), "function_init", "dist", "constant", "mean_ms", 0.0);
        json_t *profile = json_pack("{s:{s:o, s:f, s:f}, s:{s:f}, s:{s:i}}", "function", "cold_start", cold,
                                    "resize_ms", median(resize, 20), "image_mib", 1.0, "gateway", "ingress_ms",
                                    median(rtt, 50) / 2, "cluster", "sandbox_concurrency", together.concurrency);
        json_t *ready = json_array();
        for (int i = 0; i < together.count; i++)
            json_array_append_new(ready, json_real(together.ready_ms[i]));
        json_t *meta = json_pack("{s:s, s:i, s:{s:f, s:f}, s:o}", "host", hf_docker_host(d), "samples", n,
                                 "request_overhead_ms", "kept_connection", median(rtt, 50), "new_connection",
                                 median(rtt_new, 20), "three_started_together_ready_ms", ready);
        json_object_set_new(meta, "three_started_together_trials", json_integer(together.trials));
        json_object_set_new(profile, "_calibration", meta);
        if (json_dump_file(profile, cal->out, JSON_INDENT(2)) != 0)
            ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "%s: cannot write", cal->out);
        else
            printf("%s: %d containers: sandbox (create+start) median %.0f ms, runtime (to answering) median %.0f ms, "
                   "resize median %.1f ms, request overhead median %.2f ms on a kept connection (%llu of 51 calls "
                   "opened one), %.2f ms on a new one; three started together answered after %.0f, %.0f and %.0f ms "
                   "(the median of 3 trials): "
                   "sandbox concurrency %d%s -> %s\n",
                   hf_docker_host(d), n, median(sandbox, n), median(runtime, n), median(resize, 20), median(rtt, 50),
                   (unsigned long long)counts.opened, median(rtt_new, 20), together.ready_ms[0], together.ready_ms[1],
                   together.ready_ms[2], together.concurrency, together.concurrency ? "" : " (no limit seen)",
                   cal->out);
        json_decref(profile);
    }
    if (!ok)
        rc = hf_cli_report(&err);
    free(sandbox);
    free(runtime);
    return rc;
}

static int do_smoke(struct hf_docker *d, void *ctx)
{
    (void)ctx;
    struct hf_error err = {0};
    if (!hf_docker_ping(d, &err) || !hf_worker_image_ensure(d, false, &err))
        return hf_cli_report(&err);
    char ref[128], run_id[HF_RUN_ID_MAX], id[65] = "", ip[64] = "";
    struct hf_owner owner;
    if (!hf_owner_self(&owner, &err))
        return hf_cli_report(&err);
    hf_worker_image_reference(ref, sizeof ref);
    hf_run_id(run_id, sizeof run_id, "smoke", owner.pid);
    json_t *labels = hf_owner_labels(&owner, run_id, "smoke");
    /* On a tcp:// engine the worker is reached at the port the engine publishes, as live runs do:
     * its bridge address is reachable from the engine's machine only. */
    struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                            .labels = labels, .cpus = 1.0, .memory_bytes = 256ull << 20,
                                            .publish_port = hf_docker_is_local(d) ? 0 : HF_WORKER_PORT};
    int port = HF_WORKER_PORT;
    double t0 = hf_wall_seconds();
    bool ok = hf_docker_create(d, &spec, id, &err) && hf_docker_start(d, id, &err) &&
              hf_docker_endpoint(d, id, HF_WORKER_PORT, ip, sizeof ip, &port, &err);
    json_decref(labels);
    if (ok && !*ip)
        ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "docker %s: the container has no IP address", hf_docker_host(d));
    double ready_s = 0, wall_ms = 0;
    while (ok && !hf_interrupt_pending()) {
        struct hf_error ping_err = {0};
        if (hf_worker_ping(&(struct hf_worker_address){.ip = ip, .port = port}, 500, &ping_err)) {
            ready_s = hf_wall_seconds() - t0;
            break;
        }
        if (hf_wall_seconds() - t0 > 20) {
            ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "docker %s: worker not ready after 20 s: %s", hf_docker_host(d),
                         ping_err.message);
            break;
        }
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
    if (ok && !hf_interrupt_pending())
        ok = hf_worker_run(&(struct hf_worker_address){.ip = ip, .port = port}, 100, 16, -1, 10000, &wall_ms, NULL,
                           &err);
    struct hf_error rm_err = {0};
    if (*id && !hf_docker_remove(d, id, &rm_err))
        hf_cli_report(&rm_err);
    int signo = hf_interrupt_pending();
    if (signo) {
        hf_fail(&err, (enum hf_exit)(HF_EXIT_SIGNAL + signo), "interrupted by %s: removed the smoke container",
                hf_interrupt_name(signo));
        return hf_cli_report(&err);
    }
    if (!ok)
        return hf_cli_report(&err);
    printf("%s: cold start (create, start, worker answering) %.0f ms; a 100 ms CPU request took %.1f ms\n",
           hf_docker_host(d), ready_s * 1000, wall_ms);
    return HF_EXIT_OK;
}

/* hfsim live [run] SCENARIO [...]: options from argv[first] on. Long on purpose, as hf_cmd_run: one
 * flat branch per option, then the scenario they make. */
static int live_run(int argc, char **argv, int first)
{
    struct hf_error err = {0};
    const char *scenario_path = NULL, *out = NULL, *host = NULL, *value;
    const char **sets = calloc(2 * (size_t)argc + 3, sizeof *sets);
    const char **user_sets = calloc((size_t)argc + 1, sizeof *user_sets);
    char **owned = calloc(2 * (size_t)argc + 1, sizeof *owned), *trace_set[HF_TRACE_ARG_MAX_SETS];
    char policy_set[96], hosts_set[600];
    size_t set_count = 0, owned_count = 0, user_set_count = 0;
    int trace_sets;
    bool quiet = false;
    int rc = HF_EXIT_OK;
    if (!sets || !owned || !user_sets) {
        free(sets);
        free(owned);
        free(user_sets);
        return HF_EXIT_RUN_FAILED;
    }
    for (int i = first; i < argc; i++) {
        if (hf_arg_docker_security(&i, argc, argv, &err)) {
            if (err.code)
                goto fail;
        } else if (hf_arg_value(&i, argc, argv, "--hosts", &value, &err)) {
            if (!value)
                goto fail;
            host = value;
        } else if (hf_arg_value(&i, argc, argv, "--policy", &value, &err)) {
            if (!value)
                goto fail;
            snprintf(policy_set, sizeof policy_set, "policy=\"%.60s\"", value);
            sets[set_count++] = policy_set;
        } else if (hf_arg_value(&i, argc, argv, "--set", &value, &err)) {
            if (!value)
                goto fail;
            sets[set_count++] = user_sets[user_set_count++] = value;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                goto fail;
            out = value;
        } else if ((trace_sets = hf_trace_arg(&i, argc, argv, trace_set, &err)) != 0) {
            if (trace_sets < 0)
                goto fail;
            for (int k = 0; k < trace_sets; k++)
                sets[set_count++] = owned[owned_count++] = trace_set[k];
        } else if (hf_arg_flag(argv[i], "-q") || hf_arg_flag(argv[i], "--quiet")) {
            quiet = true;
        } else if (argv[i][0] == '-') {
            hf_fail(&err, HF_EXIT_USAGE, "live: unknown option %s (try hfsim live --help)", argv[i]);
            goto fail;
        } else if (scenario_path) {
            hf_fail(&err, HF_EXIT_USAGE, "live: one scenario at a time (got %s and %s)", scenario_path, argv[i]);
            goto fail;
        } else {
            scenario_path = argv[i];
        }
    }
    /* The live backend (its registry entry, live/live_backend.c) runs the scenario: --hosts is its
     * live.hosts, and a --set that only the simulator reads (cluster.vms, ...) is refused below. */
    sets[set_count++] = "model=\"live\"";
    if (host) {
        json_t *quoted = json_string(host);
        char *text = quoted ? json_dumps(quoted, JSON_ENCODE_ANY) : NULL;
        snprintf(hosts_set, sizeof hosts_set, "live.hosts=%s", text ? text : "\"\"");
        free(text);
        json_decref(quoted);
        sets[set_count++] = hosts_set;
    }
    json_t *scenario = hf_scenario_load(scenario_path, sets, set_count, &err);
    if (!scenario)
        goto fail;
    char default_out[512];
    snprintf(default_out, sizeof default_out, "results/live-%s-%s-%lld", hf_json_string_at(scenario, "name"),
             hf_json_string_at(scenario, "policy"), hf_json_int_at(scenario, "seed"));
    struct hf_live_options o = {.out_dir = out ? out : default_out, .progress = !quiet,
                                .policy = hf_policy_find(hf_json_string_at(scenario, "policy"))};
    bool ok = hf_out_dir_check_kind(o.out_dir, "--out", HF_OUT_KIND_RESULTS, &err) &&
              hf_out_dir_check_outside(o.out_dir, "--out", &err) &&
              hf_scenario_check_fit(scenario, &err) &&
              hf_scenario_check_sets(scenario, user_sets, user_set_count, &err) && hf_live_run(scenario, &o, &err);
    json_decref(scenario);
    if (!ok)
        goto fail;
    if (!quiet)
        fprintf(stderr, "hfsim: live run: %s\n", o.out_dir);
    goto done;
fail:
    rc = hf_cli_report(&err);
done:
    for (size_t k = 0; k < owned_count; k++)
        free(owned[k]);
    free(owned);
    free(sets);
    free(user_sets);
    return rc;
}

static bool is_subcommand(const char *word)
{
    return strcmp(word, "image") == 0 || strcmp(word, "cleanup") == 0 || strcmp(word, "smoke") == 0 ||
           strcmp(word, "calibrate") == 0;
}

static int live_subcommand(const char *what, const char *hosts, const char *run, bool force,
                           struct calibration *cal);

int hf_cmd_live(int argc, char **argv)
{
    /* --help anywhere (`hfsim live smoke --help`, `hfsim calibrate --help`) prints the usage. */
    if (argc < 2 || hf_args_want_help(argc, argv)) {
        fputs(live_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? HF_EXIT_USAGE : HF_EXIT_OK;
    }
    if (strcmp(argv[1], "run") == 0)
        return live_run(argc, argv, 2);
    /* `hfsim live --cleanup [--hosts ...]` is `hfsim live cleanup`, wherever the flag is. */
    int cleanup_flag = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--cleanup") == 0)
            cleanup_flag = i;
    if (!cleanup_flag && !is_subcommand(argv[1]))
        return live_run(argc, argv, 1); /* hfsim live SCENARIO [...] */
    if (cleanup_flag) { /* the flag becomes the subcommand; the other arguments keep their order */
        for (int i = cleanup_flag; i > 1; i--)
            argv[i] = argv[i - 1];
        argv[1] = "cleanup";
    }
    const char *what = argv[1], *hosts = hf_docker_default_host(), *value, *run = NULL;
    bool force = false;
    struct calibration cal = {.samples = 10, .out = "calibration.json"};
    struct hf_error err = {0};
    for (int i = 2; i < argc; i++) {
        if (hf_arg_docker_security(&i, argc, argv, &err)) {
            if (err.code)
                return hf_cli_report(&err);
        } else if (hf_arg_value(&i, argc, argv, "--hosts", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            hosts = value;
        } else if (hf_arg_value(&i, argc, argv, "--samples", &value, &err)) {
            unsigned long long n;
            if (!value || !hf_arg_u64("--samples", value, &n, &err))
                return hf_cli_report(&err);
            if (n < 1 || n > 256) {
                hf_fail(&err, HF_EXIT_USAGE, "--samples %s: expected 1..256", value);
                return hf_cli_report(&err);
            }
            cal.samples = (int)n;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            cal.out = value;
        } else if (strcmp(what, "cleanup") == 0 && hf_arg_value(&i, argc, argv, "--run", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            run = value;
        } else if (hf_arg_flag(argv[i], "--force")) {
            force = true;
        } else {
            hf_fail(&err, HF_EXIT_USAGE, "live: unknown option %s (try hfsim live --help)", argv[i]);
            return hf_cli_report(&err);
        }
    }
    /* SIGINT/SIGTERM are blocked and polled (sim/interrupt.h): what a subcommand made is removed
     * before it exits 128 + the signal. */
    struct hf_interrupt interrupt;
    hf_interrupt_open(&interrupt);
    int rc = live_subcommand(what, hosts, run, force, &cal);
    hf_interrupt_close(&interrupt);
    return rc;
}

static int live_subcommand(const char *what, const char *hosts, const char *run, bool force,
                           struct calibration *cal)
{
    struct hf_error err = {0};
    if (strcmp(what, "image") == 0)
        return each_host(hosts, do_image, &force);
    if (strcmp(what, "cleanup") == 0)
        return each_host(hosts, do_cleanup, (void *)run);
    if (strcmp(what, "smoke") == 0)
        return each_host(hosts, do_smoke, NULL);
    if (strcmp(what, "calibrate") == 0) {
        if (strchr(hosts, ',')) {
            hf_fail(&err, HF_EXIT_USAGE, "live calibrate: one host at a time (it writes one profile)");
            return hf_cli_report(&err);
        }
        if (!hf_out_file_check(cal->out, "--out", "\"_calibration\"", &err))
            return hf_cli_report(&err);
        return each_host(hosts, do_calibrate, cal);
    }
    hf_fail(&err, HF_EXIT_USAGE, "live: unknown subcommand \"%s\" (image, cleanup, smoke, calibrate)", what);
    return hf_cli_report(&err);
}
