/* hfsim live image|cleanup|smoke [--hosts H1,H2] : live mode's first steps on real Docker engines. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live/docker.h"
#include "live/image.h"
#include "live/worker_client.h"
#include "sim/cli.h"
#include "sim/cli_args.h"
#include "sim/wallclock.h"

static const char live_usage[] =
    "usage: hfsim live image   [--hosts H,...] [--force]   import the worker image into each engine\n"
    "       hfsim live cleanup [--hosts H,...]             remove every container an hfsim run made\n"
    "       hfsim live smoke   [--hosts H,...]             per engine: start a worker container, time\n"
    "                                                      its cold start and one request, remove it\n"
    "\n"
    "H is unix:///var/run/docker.sock (the default) or tcp://host:port. Every container hfsim makes\n"
    "carries the label hfsim.run=<run id>; cleanup removes those of every run. (Replaying a\n"
    "scenario on the engines, `hfsim live SCENARIO`, is not built yet: docs/live.md.)\n"
    "\n"
    "exit codes: 0 ok, 1 an engine failed (the message names it), 2 usage error\n";

/* Set by SIGINT/SIGTERM: the smoke test removes what it made and stops. */
static volatile sig_atomic_t interrupted;
static void on_signal(int sig)
{
    (void)sig;
    interrupted = 1;
}

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

static int do_cleanup(struct hf_docker *d, void *ctx)
{
    (void)ctx;
    struct hf_error err = {0};
    json_t *ids = hf_docker_list(d, "hfsim.run", NULL, &err);
    if (!ids)
        return hf_cli_report(&err);
    size_t i, removed = 0;
    const json_t *id;
    int rc = HF_EXIT_OK;
    json_array_foreach(ids, i, id) {
        if (hf_docker_remove(d, json_string_value(id), &err))
            removed++;
        else
            rc = hf_cli_report(&err);
    }
    printf("%s: removed %zu hfsim container(s)\n", hf_docker_host(d), removed);
    json_decref(ids);
    return rc;
}

static int do_smoke(struct hf_docker *d, void *ctx)
{
    (void)ctx;
    struct hf_error err = {0};
    if (!hf_docker_ping(d, &err) || !hf_worker_image_ensure(d, false, &err))
        return hf_cli_report(&err);
    char ref[128], run_id[64], id[65] = "", ip[64] = "";
    hf_worker_image_reference(ref, sizeof ref);
    snprintf(run_id, sizeof run_id, "smoke-%ld", (long)getpid());
    json_t *labels = json_pack("{s:s, s:s}", "hfsim.run", run_id, "hfsim.role", "worker");
    struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                            .labels = labels, .cpus = 1.0, .memory_bytes = 256ull << 20};
    double t0 = hf_wall_seconds();
    bool ok = hf_docker_create(d, &spec, id, &err) && hf_docker_start(d, id, &err) &&
              hf_docker_address(d, id, ip, sizeof ip, &err);
    json_decref(labels);
    if (ok && !*ip)
        ok = hf_fail(&err, HF_EXIT_RUN_FAILED, "docker %s: the container has no IP address", hf_docker_host(d));
    double ready_s = 0, wall_ms = 0;
    while (ok && !interrupted) {
        struct hf_error ping_err = {0};
        if (hf_worker_ping(ip, HF_WORKER_PORT, 500, &ping_err)) {
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
    if (ok && !interrupted)
        ok = hf_worker_run(ip, HF_WORKER_PORT, 100, 16, 10000, &wall_ms, &err);
    struct hf_error rm_err = {0};
    if (*id && !hf_docker_remove(d, id, &rm_err))
        hf_cli_report(&rm_err);
    if (interrupted) {
        hf_fail(&err, HF_EXIT_RUN_FAILED, "interrupted: removed the smoke container");
        return hf_cli_report(&err);
    }
    if (!ok)
        return hf_cli_report(&err);
    printf("%s: cold start (create, start, worker answering) %.0f ms; a 100 ms CPU request took %.1f ms\n",
           hf_docker_host(d), ready_s * 1000, wall_ms);
    return HF_EXIT_OK;
}

int hf_cmd_live(int argc, char **argv)
{
    if (argc < 2 || hf_arg_flag(argv[1], "--help") || hf_arg_flag(argv[1], "-h")) {
        fputs(live_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? HF_EXIT_USAGE : HF_EXIT_OK;
    }
    const char *what = argv[1], *hosts = "unix:///var/run/docker.sock", *value;
    bool force = false;
    struct hf_error err = {0};
    for (int i = 2; i < argc; i++) {
        if (hf_arg_value(&i, argc, argv, "--hosts", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            hosts = value;
        } else if (hf_arg_flag(argv[i], "--force")) {
            force = true;
        } else {
            hf_fail(&err, HF_EXIT_USAGE, "live: unknown option %s (try hfsim live --help)", argv[i]);
            return hf_cli_report(&err);
        }
    }
    struct sigaction sa = {.sa_handler = on_signal};
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (strcmp(what, "image") == 0)
        return each_host(hosts, do_image, &force);
    if (strcmp(what, "cleanup") == 0)
        return each_host(hosts, do_cleanup, NULL);
    if (strcmp(what, "smoke") == 0)
        return each_host(hosts, do_smoke, NULL);
    hf_fail(&err, HF_EXIT_USAGE, "live: unknown subcommand \"%s\" (image, cleanup, smoke)", what);
    return hf_cli_report(&err);
}
