/* Helper threads: each does one blocking thing (an engine call, an HTTP call to a worker) on its own
 * connection and reports with one message on the run's pipe; the main thread never blocks on them. */
#include "live/live_internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live/worker_client.h"

static void post(int fd, const struct message *m) { (void)!write(fd, m, sizeof *m); }

void *hf_lv_start_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_READY, .index = j->index};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        json_t *labels = hf_owner_labels(&j->owner, j->run_id, "worker");
        char function[24];
        snprintf(function, sizeof function, "%ld", j->function);
        struct hf_docker_container_spec spec = {.image = j->image,
                                                .cmd = (const char *const[]){"/worker", "8080", function, NULL},
                                                .labels = labels, .cpus = j->cpus, .memory_bytes = j->memory_bytes,
                                                .publish_port = j->publish ? HF_WORKER_PORT : 0};
        bool ok = hf_docker_create(d, &spec, m.id, &err) && hf_docker_start(d, m.id, &err) &&
                  hf_docker_endpoint(d, m.id, HF_WORKER_PORT, m.ip, sizeof m.ip, &m.port, &err) && m.ip[0];
        json_decref(labels);
        double t0 = hf_wall_seconds();
        while (ok) {
            struct hf_error ping = {0};
            /* its own connection: the container is not ready yet, and an early refusal breaks it */
            if (hf_worker_ping(&(struct hf_worker_address){.ip = m.ip, .port = m.port}, 200, &ping))
                break;
            if (hf_wall_seconds() - t0 > 20)
                ok = false;
            else {
                struct timespec nap = {0, 5000000};
                nanosleep(&nap, NULL);
            }
        }
        m.ok = ok;
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

void *hf_lv_request_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_DONE, .index = j->index};
    struct hf_error err = {0};
    struct hf_worker_address at = {.ip = j->ip, .port = j->port, .pool = j->connections, .container = j->id};
    m.ok = hf_worker_run(&at, j->cpu_ms, j->memory_mb, j->function, 3600 * 1000, &m.wall_ms, &m.status,
                         &err);
    post(j->fd, &m);
    free(j);
    return NULL;
}

/* Asks the engine whether a container is still running (after one of its requests failed). The
 * engine learns of a killed container's end from its runtime a moment after the process died, and
 * later on a busy machine (seen: a killed container still reported running, so never replaced):
 * while the engine says running but the worker does not answer, it asks again, for up to 10 s. */
void *hf_lv_check_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_CHECKED, .index = j->index, .generation = (uint32_t)j->function, .ok = 1};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        double t0 = hf_wall_seconds();
        for (;;) {
            json_t *inspect = hf_docker_inspect(d, j->id, &err);
            /* An engine that does not answer proves nothing: only a container it reports stopped is lost. */
            m.ok = !inspect || json_is_true(json_object_get(json_object_get(inspect, "State"), "Running"));
            json_decref(inspect);
            struct hf_error ping = {0};
            if (!inspect || !m.ok || hf_worker_ping(&(struct hf_worker_address){.ip = j->ip, .port = j->port}, 500, &ping) || hf_wall_seconds() - t0 > 10)
                break;
            struct timespec nap = {0, 100000000};
            nanosleep(&nap, NULL);
        }
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

void *hf_lv_remove_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_REMOVED, .index = j->index, .ok = 1};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        m.ok = hf_docker_remove(d, j->id, &err);
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

void *hf_lv_resize_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_RESIZED, .index = j->index};
    struct hf_docker *d;
    struct hf_error err = {0};
    if (hf_docker_open(&d, j->host, &err)) {
        m.ok = hf_docker_update(d, j->id, j->cpus, 0, &err);
        hf_docker_close(d);
    }
    post(j->fd, &m);
    free(j);
    return NULL;
}

void *hf_lv_specialize_thread(void *arg)
{
    struct job *j = arg;
    struct message m = {.kind = MSG_SPECIALIZED, .index = j->index};
    struct hf_error err = {0};
    struct hf_worker_address at = {.ip = j->ip, .port = j->port, .pool = j->connections, .container = j->id};
    m.ok = hf_worker_specialize(&at, j->function, j->load_ms, 60000, &err);
    post(j->fd, &m);
    free(j);
    return NULL;
}

/* A round of usage samples of every ready container (what the metrics-server scrapes from the
 * kubelet): a MSG_USAGE per container, then MSG_SAMPLED. The worker's report gives the memory its
 * requests hold (the quantity the simulator's watermarks compare), its cgroup's CPU counter (what
 * cAdvisor reads for the kubelet) and its machine's load. Only when the worker cannot read its cgroup
 * is the engine's stats API asked for the CPU: a one-shot call there waits for the engine's next 1 s
 * collection (measured: 1.0 s a call on Docker 20.10), so a round over 6 containers took 3 to 6 s and
 * the live HPA's metrics lagged the simulated ones. The engine API's latency is measured once per
 * engine and round with a ping (summary live.contention). */

void *hf_lv_usage_thread(void *arg)
{
    struct usage_job *j = arg;
    struct hf_docker *engines[MAX_HOSTS] = {0};
    bool host_reported[MAX_HOSTS] = {false}; /* one report of a machine's load per round */
    bool pinged[MAX_HOSTS] = {false};
    for (size_t i = 0; i < j->count; i++) {
        const struct usage_item *it = &j->items[i];
        struct message m = {.kind = MSG_USAGE, .index = it->index, .generation = it->generation, .host = it->host};
        struct hf_error err = {0};
        if (!engines[it->host] && !hf_docker_open(&engines[it->host], j->hosts[it->host], &err))
            continue;
        m.wall_ms = -1; /* no engine call timed */
        if (!pinged[it->host]) {
            pinged[it->host] = true;
            double asked = hf_wall_seconds();
            if (hf_docker_ping(engines[it->host], &err))
                m.wall_ms = (hf_wall_seconds() - asked) * 1e3;
        }
        struct hf_worker_stats report;
        struct hf_worker_address at = {.ip = it->ip, .port = it->port, .pool = j->connections, .container = it->id};
        m.ok = hf_worker_stats(&at, 1000, &report, &err);
        m.at_s = hf_wall_seconds();
        m.memory_bytes = m.ok ? (uint64_t)(report.memory_mb * 1048576.0) : 0;
        m.cpu_ns = m.ok && report.cgroup_known ? report.cgroup_cpu_ns : 0;
        if (m.ok && !report.cgroup_known) {
            struct hf_docker_usage u;
            m.ok = hf_docker_stats(engines[it->host], it->id, &u, &err);
            m.at_s = hf_wall_seconds();
            m.cpu_ns = m.ok ? u.cpu_ns : 0;
        }
        if (m.ok && report.host_known && !host_reported[it->host]) {
            host_reported[it->host] = true;
            m.host_known = true;
            m.host_load_1m = report.host_load_1m;
            m.host_cpu_total = report.host_cpu_total;
            m.host_cpu_idle = report.host_cpu_idle;
            m.host_cpu_steal = report.host_cpu_steal;
            snprintf(m.host_boot_id, sizeof m.host_boot_id, "%s", report.host_boot_id);
        }
        post(j->fd, &m);
    }
    for (int h = 0; h < MAX_HOSTS; h++)
        hf_docker_close(engines[h]);
    post(j->fd, &(struct message){.kind = MSG_SAMPLED, .ok = 1});
    free(j);
    return NULL;
}

bool hf_lv_spawn(struct live *l, void *(*fn)(void *), struct job *j)
{
    j->fd = l->pipe_fds[1];
    j->connections = l->connections;
    pthread_t t;
    if (pthread_create(&t, NULL, fn, j) != 0) {
        free(j);
        return false;
    }
    pthread_detach(t);
    l->outstanding++;
    return true;
}
