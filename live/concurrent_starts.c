#include "live/concurrent_starts.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "live/worker_client.h"
#include "sim/wallclock.h"

struct starter {
    const char *host;
    const struct hf_docker_container_spec *spec;
    double started_s, ready_ms;
    bool ok;
    struct hf_error err;
};

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void *start_one(void *arg)
{
    struct starter *s = arg;
    struct hf_docker *d;
    if (!hf_docker_open(&d, s->host, &s->err))
        return NULL;
    char id[65] = "", ip[64] = "";
    int port = HF_WORKER_PORT;
    s->ok = hf_docker_create(d, s->spec, id, &s->err) && hf_docker_start(d, id, &s->err) &&
            hf_docker_endpoint(d, id, HF_WORKER_PORT, ip, sizeof ip, &port, &s->err);
    while (s->ok) {
        struct hf_error ping = {0};
        if (hf_worker_ping(&(struct hf_worker_address){.ip = ip, .port = port}, 200, &ping))
            break;
        if (hf_wall_seconds() - s->started_s > 20)
            s->ok = hf_fail(&s->err, HF_EXIT_RUN_FAILED, "docker %s: worker not ready after 20 s", s->host);
        struct timespec nap = {0, 2000000};
        nanosleep(&nap, NULL);
    }
    s->ready_ms = (hf_wall_seconds() - s->started_s) * 1e3;
    if (*id) {
        struct hf_error rm = {0};
        hf_docker_remove(d, id, &rm);
    }
    hf_docker_close(d);
    return NULL;
}

/* One round: `count` started together; ready_ms sorted. */
static bool round_of(const char *host, const struct hf_docker_container_spec *spec, int count, double *ready_ms,
                     struct hf_error *err)
{
    struct starter starters[HF_CONCURRENT_STARTS_MAX];
    pthread_t threads[HF_CONCURRENT_STARTS_MAX];
    int running = 0;
    double t0 = hf_wall_seconds();
    for (int i = 0; i < count; i++) {
        starters[i] = (struct starter){.host = host, .spec = spec, .started_s = t0};
        if (pthread_create(&threads[i], NULL, start_one, &starters[i]) != 0)
            break;
        running++;
    }
    bool ok = running == count || hf_fail(err, HF_EXIT_RUN_FAILED, "concurrent starts: cannot start a thread");
    for (int i = 0; i < running; i++) {
        pthread_join(threads[i], NULL);
        if (ok && !starters[i].ok) {
            *err = starters[i].err;
            ok = false;
        }
        ready_ms[i] = starters[i].ready_ms;
    }
    qsort(ready_ms, (size_t)running, sizeof *ready_ms, by_value);
    return ok;
}

bool hf_concurrent_starts_measure(const char *host, const struct hf_docker_container_spec *spec, int count,
                                  int trials, double alone_ms, struct hf_concurrent_starts *out,
                                  struct hf_error *err)
{
    if (count < 2 || count > HF_CONCURRENT_STARTS_MAX || trials < 1 || trials > 9 || !(alone_ms > 0))
        return hf_fail(err, HF_EXIT_USAGE, "concurrent starts: count 2 to %d, 1 to 9 trials and a time alone "
                       "are needed", HF_CONCURRENT_STARTS_MAX);
    double ready[9][HF_CONCURRENT_STARTS_MAX];
    int order[9];
    for (int t = 0; t < trials; t++) {
        if (!round_of(host, spec, count, ready[t], err))
            return false;
        order[t] = t;
    }
    /* the trial whose last container answered at the median time */
    for (int i = 1; i < trials; i++)
        for (int j = i; j > 0 && ready[order[j]][count - 1] < ready[order[j - 1]][count - 1]; j--) {
            int swap = order[j];
            order[j] = order[j - 1];
            order[j - 1] = swap;
        }
    const double *median = ready[order[trials / 2]];
    *out = (struct hf_concurrent_starts){.count = count, .trials = trials, .makespan_ms = median[count - 1]};
    for (int i = 0; i < count; i++)
        out->ready_ms[i] = median[i];
    double estimate = round((double)count * alone_ms / out->makespan_ms);
    out->concurrency = estimate >= count ? 0 : estimate < 1 ? 1 : (int)estimate;
    return true;
}
