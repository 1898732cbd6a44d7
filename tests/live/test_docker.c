/* The Docker driver against the real engine on this machine: the worker image imported from a
 * tarball, containers with labels, a real request, a real resize (CPU quota) that stretches a
 * request, a container killed by the engine, cleanup by label, and errors naming the host. Where no
 * engine answers, each test is reported as SKIPPED with the reason, never as passed. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live/docker.h"
#include "live/image.h"
#include "live/owner.h"
#include "live/worker_client.h"
#include "support/live_engine.h"

/* Whatever a test leaves on the engine (a failed assertion stops it before its own cleanup) goes. */
TestSuite(docker, .fini = live_test_remove_mine);

static struct hf_docker *engine_or_skip(void)
{
    struct hf_docker *d = live_test_engine_or_skip();
    struct hf_error err = {0};
    cr_assert(hf_worker_image_ensure(d, false, &err), "%s", err.message);
    return d;
}

/* Starts a labelled worker container and waits until it answers; returns its id in `id`. */
static void start_worker(struct hf_docker *d, const char *run, double cpus, char *id, char *ip)
{
    char ref[128];
    hf_worker_image_reference(ref, sizeof ref);
    json_t *labels = live_test_labels(run);
    struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                            .labels = labels, .cpus = cpus, .memory_bytes = 128ull << 20};
    struct hf_error err = {0};
    cr_assert(hf_docker_create(d, &spec, id, &err), "%s", err.message);
    json_decref(labels);
    cr_assert(hf_docker_start(d, id, &err), "%s", err.message);
    cr_assert(hf_docker_address(d, id, ip, 64, &err), "%s", err.message);
    cr_assert(*ip, "the container has an address");
    for (int i = 0; i < 500; i++) {
        struct hf_error ping_err = {0};
        if (hf_worker_ping(&(struct hf_worker_address){.ip = ip, .port = HF_WORKER_PORT}, 200, &ping_err))
            return;
        struct timespec nap = {0, 20000000};
        nanosleep(&nap, NULL);
    }
    cr_assert_fail("the worker never answered at %s", ip);
}

static void remove_run(struct hf_docker *d, const char *run)
{
    struct hf_error err = {0};
    json_t *ids = hf_docker_list(d, "hfsim.run", run, &err);
    cr_assert_not_null(ids, "%s", err.message);
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id)
        cr_assert(hf_docker_remove(d, json_string_value(id), &err), "%s", err.message);
    json_decref(ids);
}

Test(docker, a_worker_serves_a_request_and_a_resize_stretches_it, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65], ip[64];
    snprintf(run, sizeof run, "test-%ld-a", (long)getpid());
    start_worker(d, run, 1.0, id, ip);
    struct hf_worker_address at = {.ip = ip, .port = HF_WORKER_PORT};
    struct hf_error err = {0};
    double wall;
    cr_assert(hf_worker_run(&at, 200, 8, -1, 10000, &wall, NULL, &err), "%s", err.message);
    /* The worker burns CPU time, so the wall time is at least that; how much more depends on the
     * machine's load, which is no business of a test. */
    cr_assert_geq(wall, 195, "200 ms of CPU at 1 core took %.1f ms", wall);
    /* The live form of a resize: a quarter of a core. 200 ms of CPU now needs about 800 ms. */
    cr_assert(hf_docker_update(d, id, 0.25, 0, &err), "%s", err.message);
    cr_assert(hf_worker_run(&at, 200, 8, -1, 20000, &wall, NULL, &err), "%s", err.message);
    cr_assert(wall > 500, "at 0.25 cores 200 ms of CPU took only %.1f ms: the quota was not applied", wall);
    /* (a lower bound: the quota caps the container's CPU however idle the machine is) */
    json_t *inspect = hf_docker_inspect(d, id, &err);
    cr_assert_not_null(inspect, "%s", err.message);
    json_t *quota = json_object_get(json_object_get(inspect, "HostConfig"), "CpuQuota");
    cr_assert_eq(json_integer_value(quota), 25000);
    json_decref(inspect);
    remove_run(d, run);
    hf_docker_close(d);
}

/* The worker speaks HTTP: its ICS reports the CPU its requests burnt and the memory they hold, and a
 * request for a function it does not serve is refused (409), a specialized second worker serves it. */
Test(docker, the_worker_reports_cpu_and_memory_and_refuses_unloaded_functions, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65], ip[64];
    snprintf(run, sizeof run, "test-%ld-s", (long)getpid());
    start_worker(d, run, 1.0, id, ip);
    struct hf_worker_address at = {.ip = ip, .port = HF_WORKER_PORT};
    struct hf_error err = {0};
    struct hf_worker_stats st;
    cr_assert(hf_worker_stats(&at, 2000, &st, &err), "%s", err.message);
    cr_assert_eq(st.served, 0);
    cr_assert_eq(st.function, 0);
    cr_assert_eq(st.second, -1, "the second worker starts generic");
    double wall;
    cr_assert(hf_worker_run(&at, 120, 4, -1, 10000, &wall, NULL, &err), "%s", err.message);
    cr_assert(hf_worker_stats(&at, 2000, &st, &err), "%s", err.message);
    cr_assert_eq(st.served, 1);
    cr_assert(st.cpu_ms >= 120 && st.cpu_ms < 200, "the worker reports %.1f ms of CPU for a 120 ms request", st.cpu_ms);
    cr_assert_eq(st.in_flight, 0);
    cr_assert_float_eq(st.memory_mb, 0.0, 1e-9, "memory is released after the request");
    cr_assert_not(hf_worker_run(&at, 10, 0, 3, 5000, &wall, NULL, &err));
    cr_assert(strstr(err.message, "HTTP 409") && strstr(err.message, "not loaded"), "%s", err.message);
    cr_assert(hf_worker_specialize(&at, 3, 5, 5000, &err), "%s", err.message);
    cr_assert(hf_worker_run(&at, 10, 0, 3, 5000, &wall, NULL, &err), "%s", err.message);
    cr_assert(hf_worker_stats(&at, 2000, &st, &err), "%s", err.message);
    cr_assert_eq(st.second, 3);
    cr_assert_eq(st.served, 2);
    remove_run(d, run);
    hf_docker_close(d);
}

/* A request holding more memory than the container's limit (128 MiB) is OOM-killed alone: the worker
 * answers 507 on its behalf, forgets what it held, and serves the next request. */
Test(docker, a_request_beyond_the_memory_limit_is_killed_alone_with_a_507, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65], ip[64];
    snprintf(run, sizeof run, "test-%ld-m", (long)getpid());
    start_worker(d, run, 1.0, id, ip);
    /* on kept connections, as live runs call: the killed request's connection must not be reused */
    struct hf_worker_connections *pool = hf_worker_connections_new();
    cr_assert_not_null(pool);
    struct hf_worker_address at = {.ip = ip, .port = HF_WORKER_PORT, .pool = pool, .container = id};
    struct hf_error err = {0};
    double wall;
    long status = 0;
    cr_assert_not(hf_worker_run(&at, 10, 400, -1, 20000, &wall, &status, &err));
    cr_assert_eq(status, HF_WORKER_OUT_OF_MEMORY, "%s", err.message);
    cr_assert(strstr(err.message, "out of memory"), "%s", err.message);
    struct hf_worker_stats st;
    cr_assert(hf_worker_stats(&at, 2000, &st, &err), "%s", err.message);
    cr_assert_eq(st.in_flight, 0, "the killed request is no longer counted");
    cr_assert_float_eq(st.memory_mb, 0.0, 1e-9, "nor its memory");
    cr_assert(hf_worker_run(&at, 20, 16, -1, 10000, &wall, &status, &err), "%s", err.message);
    cr_assert_eq(status, 200);
    struct hf_worker_connection_counts n = hf_worker_connections_counts(pool);
    cr_assert_eq(n.calls, 3);
    cr_assert_eq(n.opened, 2, "the 507 closed the first connection; the stats call opened the second, kept for the "
                              "last request (%llu opened)", (unsigned long long)n.opened);
    hf_worker_connections_free(pool);
    remove_run(d, run);
    hf_docker_close(d);
}

struct pooled_request {
    struct hf_worker_address at;
    bool ok;
    struct hf_error err;
};

static void *run_pooled_request(void *arg)
{
    struct pooled_request *r = arg;
    double wall;
    r->ok = hf_worker_run(&r->at, 300, 1, -1, 30000, &wall, NULL, &r->err);
    return NULL;
}

/* Persistent connections: calls one after another share one connection (the worker keeps it open
 * across requests); calls at the same time each get their own, and run concurrently in the worker;
 * a container forgotten (removed) has its connections closed, so the next call opens one. */
Test(docker, calls_share_kept_connections_and_concurrent_calls_get_their_own, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65], ip[64];
    snprintf(run, sizeof run, "test-%ld-k", (long)getpid());
    start_worker(d, run, 2.0, id, ip);
    struct hf_worker_connections *pool = hf_worker_connections_new();
    cr_assert_not_null(pool);
    struct hf_worker_address at = {.ip = ip, .port = HF_WORKER_PORT, .pool = pool, .container = id};
    struct hf_error err = {0};
    double wall;
    for (int i = 0; i < 20; i++)
        cr_assert(hf_worker_run(&at, 1, 1, -1, 10000, &wall, NULL, &err), "call %d: %s", i, err.message);
    struct hf_worker_stats st;
    cr_assert(hf_worker_stats(&at, 2000, &st, &err), "%s", err.message);
    cr_assert_eq(st.served, 20);
    struct hf_worker_connection_counts n = hf_worker_connections_counts(pool);
    cr_assert_eq(n.calls, 21);
    cr_assert_eq(n.opened, 1, "21 calls in turn over one kept connection (%llu opened)", (unsigned long long)n.opened);
    /* three at once: the kept connection serves one, two more are opened; the worker runs all three */
    struct pooled_request reqs[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        reqs[i] = (struct pooled_request){.at = at};
        cr_assert_eq(pthread_create(&t[i], NULL, run_pooled_request, &reqs[i]), 0);
    }
    int most = 0;
    for (int i = 0; i < 3000 && most < 3; i++) {
        struct hf_worker_stats now;
        if (hf_worker_stats(&(struct hf_worker_address){.ip = ip, .port = HF_WORKER_PORT}, 2000, &now, &err) &&
            now.in_flight > most)
            most = (int)now.in_flight;
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        cr_assert(reqs[i].ok, "%s", reqs[i].err.message);
    }
    cr_assert_eq(most, 3, "the three requests ran at the same time in the worker (at most %d seen)", most);
    n = hf_worker_connections_counts(pool);
    cr_assert_eq(n.opened, 3, "two more connections for the concurrent calls (%llu opened)", (unsigned long long)n.opened);
    hf_worker_connections_forget(pool, id);
    cr_assert(hf_worker_run(&at, 1, 1, -1, 10000, &wall, NULL, &err), "%s", err.message);
    n = hf_worker_connections_counts(pool);
    cr_assert_eq(n.opened, 4, "a forgotten container's connections are closed");
    hf_worker_connections_free(pool);
    remove_run(d, run);
    hf_docker_close(d);
}

struct long_request {
    char ip[64];
    bool ok;
    long status;
    struct hf_error err;
};

static void *run_long_request(void *arg)
{
    struct long_request *r = arg;
    double wall;
    r->ok = hf_worker_run(&(struct hf_worker_address){.ip = r->ip, .port = HF_WORKER_PORT}, 5000, 1, -1, 30000, &wall, &r->status, &r->err);
    return NULL;
}

/* Killed mid-request (the engine's kill call): the request's own connection breaks and it fails
 * with an error naming the worker. (Asked on an established connection: a new request to the dead
 * container's address could reach another container that took the address.) */
Test(docker, a_container_killed_by_the_engine_fails_its_request_with_a_reason, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65];
    struct long_request req = {0};
    snprintf(run, sizeof run, "test-%ld-b", (long)getpid());
    start_worker(d, run, 1.0, id, req.ip);
    pthread_t t;
    cr_assert_eq(pthread_create(&t, NULL, run_long_request, &req), 0);
    /* Kill once the worker reports the request in flight (not after a fixed nap: on a busy machine
     * the request may not have reached the worker yet). */
    struct hf_error err = {0};
    struct hf_worker_stats st = {0};
    for (int i = 0; i < 3000 && st.in_flight == 0; i++) {
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
        cr_assert(hf_worker_stats(&(struct hf_worker_address){.ip = req.ip, .port = HF_WORKER_PORT}, 2000, &st, &err), "%s", err.message);
    }
    cr_assert_eq(st.in_flight, 1, "the 5 s request reached the worker");
    cr_assert(hf_docker_kill(d, id, &err), "%s", err.message);
    pthread_join(t, NULL);
    cr_assert_not(req.ok, "a request on a killed container cannot complete");
    cr_assert_eq(req.status, 0, "no answer came");
    cr_assert(strstr(req.err.message, req.ip), "the error names the worker: %s", req.err.message);
    remove_run(d, run);
    hf_docker_close(d);
}

Test(docker, cleanup_by_label_leaves_nothing_behind, .timeout = 120)
{
    struct hf_docker *d = engine_or_skip();
    char run[64], id[65], ip[64];
    snprintf(run, sizeof run, "test-%ld-c", (long)getpid());
    start_worker(d, run, 0.5, id, ip);
    start_worker(d, run, 0.5, id, ip);
    struct hf_error err = {0};
    json_t *ids = hf_docker_list(d, "hfsim.run", run, &err);
    cr_assert_eq(json_array_size(ids), 2);
    json_decref(ids);
    remove_run(d, run);
    ids = hf_docker_list(d, "hfsim.run", run, &err);
    cr_assert_eq(json_array_size(ids), 0, "nothing left");
    json_decref(ids);
    cr_assert(hf_docker_remove(d, id, &err), "removing a removed container is not an error: %s", err.message);
    hf_docker_close(d);
}

Test(docker, an_engine_that_does_not_answer_is_named)
{
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert(hf_docker_open(&d, "tcp://127.0.0.1:1", &err));
    cr_assert_not(hf_docker_ping(d, &err));
    cr_assert(strstr(err.message, "docker tcp://127.0.0.1:1") && strstr(err.message, "did not answer"), "%s",
              err.message);
    hf_docker_close(d);
    cr_assert_not(hf_docker_open(&d, "ftp://x", &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
}

/* DOCKER_HOST=tcp://host (no port, maybe a trailing slash) means Docker's plain-TCP port 2375, as
 * for the docker CLI: a stand-in engine on 127.0.0.1:2375 answers both pings. */
Test(docker, a_tcp_host_without_a_port_is_dockers_port_2375)
{
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(listener, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(2375)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&a, sizeof a) != 0) {
        close(listener);
        fprintf(stderr, "!!!!! default-port test SKIPPED: 127.0.0.1:2375 is taken on this machine !!!!!\n");
        cr_skip_test("127.0.0.1:2375 is taken");
    }
    cr_assert_eq(listen(listener, 4), 0);
    pid_t engine = fork();
    cr_assert_geq(engine, 0);
    if (engine == 0) { /* answers two requests with 200 */
        for (int k = 0; k < 2; k++) {
            int c = accept(listener, NULL, NULL);
            char request[4096];
            if (c < 0 || read(c, request, sizeof request) <= 0)
                _exit(1);
            const char *ok = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nOK";
            if (write(c, ok, strlen(ok)) != (ssize_t)strlen(ok))
                _exit(1);
            close(c);
        }
        _exit(0);
    }
    close(listener);
    const char *hosts[] = {"tcp://127.0.0.1", "tcp://127.0.0.1/"};
    bool answered[2] = {false, false};
    struct hf_error err[2] = {{0}, {0}};
    for (int k = 0; k < 2; k++) {
        struct hf_docker *d;
        if (hf_docker_open(&d, hosts[k], &err[k])) {
            answered[k] = hf_docker_ping(d, &err[k]);
            hf_docker_close(d);
        }
    }
    if (!answered[0] || !answered[1])
        kill(engine, SIGKILL); /* a ping went elsewhere: it would wait for ever */
    int status;
    cr_assert_eq(waitpid(engine, &status, 0), engine);
    for (int k = 0; k < 2; k++)
        cr_assert(answered[k], "%s reached 127.0.0.1:2375: %s", hosts[k], err[k].message);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the stand-in engine served both pings");
}

/* hfsim live calibrate measures this engine and writes a profile hfsim run accepts. */
Test(docker, calibrate_writes_a_profile_the_simulator_uses, .timeout = 180)
{
    struct hf_docker *d = engine_or_skip();
    hf_docker_close(d);
    char dir[] = "/tmp/hfsim-test-calibrate-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && %s live calibrate --samples 3 --out cal.json > out.txt 2>&1", dir, HFSIM_BIN);
    cr_assert_eq(system(cmd), 0);
    char profile[300];
    snprintf(profile, sizeof profile, "%s/cal.json", dir);
    json_error_t jerr;
    json_t *p = json_load_file(profile, 0, &jerr);
    cr_assert_not_null(p, "%s", jerr.text);
    const json_t *samples = json_object_get(
        json_object_get(json_object_get(json_object_get(p, "function"), "cold_start"), "sandbox"), "samples_ms");
    cr_assert_eq(json_array_size(samples), 3);
    double first = json_number_value(json_array_get(samples, 0));
    cr_assert_gt(first, 0, "a container start of %.1f ms", first);
    json_decref(p);
    snprintf(cmd, sizeof cmd, "cd %s && %s run " HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json --profile cal.json "
                              "--set duration_s=60 --set workload.bursts=[] --out run -q", dir, HFSIM_BIN);
    cr_assert_eq(system(cmd), 0, "hfsim run --profile accepts the calibration");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* SIGTERM in the middle of a calibration: hfsim removes what it made before exiting. */
Test(docker, an_interrupted_run_leaves_no_containers_behind, .timeout = 180)
{
    struct hf_docker *d = engine_or_skip();
    char dir[] = "/tmp/hfsim-test-interrupt-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "cd %s && (%s live calibrate --samples 200 --out cal.json > out.txt 2>&1 & "
                              "echo $! > pid)", dir, HFSIM_BIN);
    cr_assert_eq(system(cmd), 0);
    char pid_path[300];
    snprintf(pid_path, sizeof pid_path, "%s/pid", dir);
    long pid = 0;
    for (int i = 0; i < 1000 && pid == 0; i++) { /* the shell writes the pid file after starting hfsim */
        FILE *f = fopen(pid_path, "r");
        if (!f || fscanf(f, "%ld", &pid) != 1)
            pid = 0;
        if (f)
            fclose(f);
        struct timespec t = {0, 10000000};
        nanosleep(&t, NULL);
    }
    cr_assert_gt(pid, 0, "the calibration started");
    char label[HF_RUN_ID_MAX];
    hf_run_id(label, sizeof label, "calibrate", pid);
    /* Interrupt it once it has a container (a fixed nap could end before, on a busy machine). */
    struct hf_error err = {0};
    size_t made = 0;
    for (int i = 0; i < 6000 && made == 0; i++) {
        json_t *ids = hf_docker_list(d, HF_LABEL_RUN, label, &err);
        cr_assert_not_null(ids, "%s", err.message);
        made = json_array_size(ids);
        json_decref(ids);
        struct timespec t = {0, 10000000};
        nanosleep(&t, NULL);
    }
    cr_assert_gt(made, 0, "the calibration made a container");
    char cmd_kill[64];
    snprintf(cmd_kill, sizeof cmd_kill, "kill -TERM %ld", pid);
    cr_assert_eq(system(cmd_kill), 0, "calibration already over: nothing to interrupt");
    for (int i = 0; i < 3000 && kill((pid_t)pid, 0) == 0; i++) {
        struct timespec t = {0, 10000000};
        nanosleep(&t, NULL);
    }
    cr_assert_neq(kill((pid_t)pid, 0), 0, "hfsim did not exit after SIGTERM");
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, label, &err);
    cr_assert_not_null(ids, "%s", err.message);
    cr_assert_eq(json_array_size(ids), 0, "%zu containers of the interrupted run remain", json_array_size(ids));
    json_decref(ids);
    snprintf(cmd, sizeof cmd, "grep -q 'interrupted by SIGTERM: removed the calibration containers' %s/out.txt", dir);
    cr_assert_eq(system(cmd), 0, "the interruption is reported");
    snprintf(cmd, sizeof cmd, "test ! -e %s/cal.json", dir);
    cr_assert_eq(system(cmd), 0, "an interrupted calibration wrote a profile");
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
    hf_docker_close(d);
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }

/* TLS with client certificates against the real engine: socat terminates TLS in front of the local
 * socket and requires a client certificate signed by the test's CA (verify=1), as dockerd does with
 * --tlsverify. The right certificate reaches the engine; a certificate from another CA is refused by
 * the engine, one missing is refused before connecting, an engine certificate from another CA is
 * refused by hfsim, and plain HTTP to the TLS port fails; each error says which. */
static void sh(const char *dir, const char *command)
{
    char line[2048];
    snprintf(line, sizeof line, "cd '%s' && ( %s ) > /dev/null 2>&1", dir, command);
    cr_assert_eq(system(line), 0, "%s", command);
}

/* A CA (prefix-ca.pem, prefix-ca-key.pem) and a certificate it signs (prefix-cert.pem, prefix-key.pem). */
static void make_pki(const char *dir, const char *ca, const char *name, const char *cn, const char *extension)
{
    char command[1024];
    char ca_file[256];
    snprintf(ca_file, sizeof ca_file, "%s/%s-ca.pem", dir, ca);
    if (access(ca_file, R_OK) != 0) {
        snprintf(command, sizeof command,
                 "openssl req -x509 -newkey rsa:2048 -nodes -keyout %s-ca-key.pem -out %s-ca.pem -days 1 -subj /CN=%s",
                 ca, ca, ca);
        sh(dir, command);
    }
    snprintf(command, sizeof command, "printf '%s\\n' > %s.ext && openssl req -newkey rsa:2048 -nodes -keyout "
             "%s-key.pem -out %s.csr -subj /CN=%s && openssl x509 -req -in %s.csr -CA %s-ca.pem -CAkey %s-ca-key.pem "
             "-CAcreateserial -out %s-cert.pem -days 1 -extfile %s.ext", extension, name, name, name, cn, name, ca, ca,
             name, name);
    sh(dir, command);
}

/* A DOCKER_CERT_PATH directory `sub`: the CA `ca` to check the engine with, and client `client`'s
 * certificate and key (none when NULL). */
static void client_dir(const char *dir, const char *sub, const char *ca, const char *client)
{
    char command[512];
    snprintf(command, sizeof command, "mkdir -p %s && cp %s-ca.pem %s/ca.pem", sub, ca, sub);
    sh(dir, command);
    if (client) {
        snprintf(command, sizeof command, "cp %s-cert.pem %s/cert.pem && cp %s-key.pem %s/key.pem", client, sub,
                 client, sub);
        sh(dir, command);
    }
}

static bool ping_with(const char *host, const char *cert_path, struct hf_error *err)
{
    if (cert_path) {
        setenv("DOCKER_TLS_VERIFY", "1", 1);
        setenv("DOCKER_CERT_PATH", cert_path, 1);
    } else {
        unsetenv("DOCKER_TLS_VERIFY");
        unsetenv("DOCKER_CERT_PATH");
    }
    struct hf_docker *d;
    bool ok = hf_docker_open(&d, host, err);
    if (ok) {
        ok = hf_docker_ping(d, err);
        hf_docker_close(d);
    }
    unsetenv("DOCKER_TLS_VERIFY");
    unsetenv("DOCKER_CERT_PATH");
    return ok;
}

Test(docker, tls_with_client_certificates_admits_the_right_one_and_names_what_is_wrong, .timeout = 120)
{
    hf_docker_close(live_test_engine_or_skip());
    if (system("command -v openssl > /dev/null && command -v socat > /dev/null") != 0)
        cr_skip_test("openssl or socat is missing");
    char dir[] = "/tmp/hfsim-test-tls-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    make_pki(dir, "test", "server", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    make_pki(dir, "test", "client", "hfsim-client", "extendedKeyUsage=clientAuth");
    make_pki(dir, "other", "stranger", "stranger", "extendedKeyUsage=clientAuth");
    make_pki(dir, "other", "impostor", "localhost", "subjectAltName=IP:127.0.0.1,DNS:localhost");
    client_dir(dir, "good", "test", "client");
    client_dir(dir, "wrong-client", "test", "stranger");
    client_dir(dir, "no-client", "test", NULL);
    client_dir(dir, "wrong-ca", "other", "client");
    /* A free port, then socat on it: TLS in front of the engine's socket, client certificate required. */
    int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    cr_assert_eq(bind(s, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(getsockname(s, (struct sockaddr *)&a, &len), 0);
    int port = ntohs(a.sin_port);
    close(s);
    const char *socket_path = strncmp(hf_docker_default_host(), "unix://", 7) == 0 ? hf_docker_default_host() + 7
                                                                                     : "/var/run/docker.sock";
    char listen[512], connect[512];
    snprintf(listen, sizeof listen,
             "OPENSSL-LISTEN:%d,bind=127.0.0.1,reuseaddr,fork,cert=%s/server-cert.pem,key=%s/server-key.pem,"
             "cafile=%s/test-ca.pem,verify=1",
             port, dir, dir, dir);
    snprintf(connect, sizeof connect, "UNIX-CONNECT:%s", socket_path);
    pid_t relay = fork();
    cr_assert_geq(relay, 0);
    if (relay == 0) {
        if (!freopen("/dev/null", "w", stderr)) /* socat reports each refused handshake: expected here */
            _exit(126);
        execlp("socat", "socat", listen, connect, (char *)NULL);
        _exit(127);
    }
    char host[64], path[300];
    snprintf(host, sizeof host, "tcp://127.0.0.1:%d", port);
    struct hf_error err = {0};
    snprintf(path, sizeof path, "%s/good", dir);
    bool admitted = false;
    for (int attempt = 0; attempt < 100 && !admitted; attempt++) { /* until socat listens */
        memset(&err, 0, sizeof err);
        admitted = ping_with(host, path, &err);
        if (!admitted)
            nanosleep(&(struct timespec){0, 50000000}, NULL);
    }
    struct hf_error wrong_client = {0}, no_client = {0}, wrong_ca = {0}, plain = {0};
    snprintf(path, sizeof path, "%s/wrong-client", dir);
    bool a1 = ping_with(host, path, &wrong_client);
    snprintf(path, sizeof path, "%s/no-client", dir);
    bool a2 = ping_with(host, path, &no_client);
    snprintf(path, sizeof path, "%s/wrong-ca", dir);
    bool a3 = ping_with(host, path, &wrong_ca);
    bool a4 = ping_with(host, NULL, &plain); /* loopback: plain TCP is allowed, but this port speaks TLS */
    kill(relay, SIGTERM);
    waitpid(relay, NULL, 0);
    char rm[128];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    cr_assert_eq(system(rm), 0);
    cr_assert(admitted, "the right client certificate: %s", err.message);
    cr_assert_not(a1, "a client certificate from another CA was admitted");
    cr_assert(strstr(wrong_client.message, "the engine refused the handshake"), "%s", wrong_client.message);
    cr_assert_not(a2, "no client certificate, admitted");
    cr_assert(strstr(no_client.message, "cert.pem") && strstr(no_client.message, "cannot be read"), "%s",
              no_client.message);
    cr_assert_not(a3, "an engine certificate from another CA was trusted");
    cr_assert(strstr(wrong_ca.message, "not signed by ca.pem"), "%s", wrong_ca.message);
    cr_assert_not(a4, "plain HTTP reached a TLS port");
}

Test(docker, plain_tcp_to_another_machine_is_refused_unless_insecure)
{
    unsetenv("DOCKER_TLS_VERIFY");
    unsetenv("HFSIM_DOCKER_INSECURE");
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert_not(hf_docker_open(&d, "tcp://192.0.2.7:2375", &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
    cr_assert(strstr(err.message, "plain TCP to another machine") && strstr(err.message, "--insecure"), "%s",
              err.message);
    setenv("HFSIM_DOCKER_INSECURE", "1", 1);
    cr_assert(hf_docker_open(&d, "tcp://192.0.2.7:2375", &err), "%s", err.message);
    hf_docker_close(d);
    unsetenv("HFSIM_DOCKER_INSECURE");
    cr_assert(hf_docker_open(&d, "tcp://127.0.0.1:2375", &err), "loopback: %s", err.message);
    hf_docker_close(d);
}
