/* hf_live_run: prepares a live run (reaper, engines, results directory, policy, workload, timers),
 * serves it in wall-clock time, winds it down (run_end for what is left, containers removed, helper
 * threads waited for) and writes its results. */
#include "live/live_run.h"


#include <fcntl.h>
#include <gsl/gsl_rng.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "live/image.h"
#include "live/live_internal.h"
#include "sim/interrupt.h"
#include "sim/schema.h"
#include "traces/trace_scenario.h"
#include "version.h"

/* Removes every container of this run on every engine; returns how many it found. An engine that
 * does not answer sets *unreached (not known to be clean: the reaper tries again). */
static size_t remove_everything(struct live *l, bool *unreached)
{
    size_t found = 0;
    for (int h = 0; h < l->host_count; h++) {
        if (!l->hosts[h].docker)
            continue;
        struct hf_error err = {0};
        json_t *ids = hf_docker_list(l->hosts[h].docker, HF_LABEL_RUN, l->run_id, &err);
        if (!ids && l->hosts[h].started > 0)
            *unreached = true; /* it may hold containers of this run (none was ever started elsewhere) */
        found += json_array_size(ids);
        size_t i;
        const json_t *id;
        json_array_foreach(ids, i, id)
            hf_docker_remove(l->hosts[h].docker, json_string_value(id), &err);
        json_decref(ids);
    }
    return found;
}

static void read_messages(struct live *l, int timeout_ms)
{
    struct pollfd p = {.fd = l->pipe_fds[0], .events = POLLIN};
    if (poll(&p, 1, timeout_ms) <= 0)
        return;
    struct message m;
    while (read(l->pipe_fds[0], &m, sizeof m) == (ssize_t)sizeof m)
        hf_lv_handle(l, &m);
}

/* Opens, pings and readies (worker image) every engine of the comma-separated list; one given twice
 * is refused. */
static bool open_hosts(struct live *l, const char *list, struct hf_error *err)
{
    const char *p = list;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof l->hosts[0].address)
            return hf_fail(err, HF_EXIT_USAGE, "--hosts \"%s\": an empty or over-long engine address", list);
        if (l->host_count == MAX_HOSTS)
            return hf_fail(err, HF_EXIT_USAGE, "--hosts: at most %d engines", MAX_HOSTS);
        struct lhost *h = &l->hosts[l->host_count];
        memcpy(h->address, p, n);
        h->address[n] = '\0';
        for (int i = 0; i < l->host_count; i++)
            if (strcmp(l->hosts[i].address, h->address) == 0)
                return hf_fail(err, HF_EXIT_USAGE, "--hosts: %s is given twice", h->address);
        if (!hf_docker_open(&h->docker, h->address, err))
            return false;
        l->host_count++;
        if (!hf_docker_ping(h->docker, err) || !hf_docker_capacity(h->docker, &h->cores, &h->memory_mib, err) ||
            !hf_worker_image_ensure(h->docker, false, err))
            return false;
        h->cores_free = h->cores - l->reserve_cores;
        h->memory_free_mib = h->memory_mib - l->reserve_memory_mib;
        if (h->cores_free <= 0 || h->memory_free_mib <= 0)
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.live.reserve_cores/reserve_memory_mib: %s has %g cores and %.0f "
                           "MiB, nothing left after the reserve (%g cores, %.0f MiB)", h->address, h->cores,
                           h->memory_mib, l->reserve_cores, l->reserve_memory_mib);
        h->local = hf_docker_is_local(h->docker);
        p += n + (p[n] == ',');
    }
    return l->host_count > 0 || hf_fail(err, HF_EXIT_USAGE, "--hosts: no engine given");
}

/* Everything before the first arrival: engines, reaper, results directory, policy, workload, timers. */
static bool prepare(struct live *l, const json_t *scenario, const struct hf_live_options *o, struct hf_error *err)
{
    if (!hf_owner_self(&l->owner, err))
        return false;
    hf_run_id(l->run_id, sizeof l->run_id, "live", l->owner.pid);
    hf_worker_image_reference(l->image, sizeof l->image);
    l->duration = hf_time_from_s(hf_json_number_at(scenario, "duration_s"));
    l->drain_end = l->duration + hf_time_from_s(hf_json_number_at(scenario, "drain_s"));
    l->timeout = hf_time_from_s(hf_json_number_at(scenario, "gateway.timeout_s"));
    l->concurrency = (uint32_t)hf_json_int_at(scenario, "function.concurrency");
    l->specialize_ms = hf_json_number_at(scenario, "function.specialize_ms");
    l->reserve_cores = hf_json_number_at(scenario, "live.reserve_cores");
    l->reserve_memory_mib = hf_json_number_at(scenario, "live.reserve_memory_mib");
    l->function_count = (uint32_t)hf_json_int_at(scenario, "workload.functions");
    l->interval = hf_time_from_s(hf_json_number_at(scenario, "outputs.interval_s"));
    l->metric_resolution = hf_time_from_s(hf_json_number_at(scenario, "metrics.resolution_s"));
    l->functions = calloc(l->function_count ? l->function_count : 1, sizeof *l->functions);
    const json_t *shapes = hf_json_at(scenario, "function.shapes"); /* one per function, or none */
    for (uint32_t f = 0; l->functions && f < l->function_count; f++) {
        const json_t *shape = json_array_size(shapes) ? json_array_get(shapes, f) : NULL;
        struct lfunction *fn = &l->functions[f];
        fn->cpu_limit = hf_json_number_at(shape ? shape : scenario, shape ? "cpu_limit" : "function.cpu_limit");
        fn->cpu_request = hf_json_number_at(shape ? shape : scenario, shape ? "cpu_request" : "function.cpu_request");
        fn->memory_bytes = (uint64_t)(hf_json_number_at(shape ? shape : scenario, shape ? "memory_mib" : "function.memory_mib") *
                                      1048576.0);
    }
    l->platform = (struct hf_platform){&hf_lv_ops, l};
    l->policy = o->policy;
    if (!l->policy)
        return hf_fail(err, HF_EXIT_USAGE, "live: no policy was given to the live backend");
    hf_policy_host_init(&l->host, &l->engine, &l->platform);
    l->owns_policy_state = o->policy_state == NULL;
    hf_policy_host_attach(&l->host, l->policy, o->policy_state ? o->policy_state
                                                                : calloc(1, l->policy->state_size ? l->policy->state_size : 1));
    l->connections = hf_worker_connections_new();
    bool ok = l->functions && l->host.state && l->connections && pipe(l->pipe_fds) == 0 &&
              (l->stats_ready = hf_histogram_create(&l->stats.latency)) &&
              hf_histogram_create(&l->stats.interval_latency);
    if (!ok)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    fcntl(l->pipe_fds[0], F_SETFL, O_NONBLOCK);
    /* The reaper first: it forks, and from here on a crash must not leave containers behind. */
    if (!hf_reaper_start(&l->reaper, o->hosts, l->run_id, err) ||
        !hf_engine_init(&l->engine, (uint64_t)hf_json_int_at(scenario, "seed"), "heap4", err) ||
        !open_hosts(l, o->hosts, err) || !hf_results_begin(&l->results, o->out_dir, err))
        return false;
    l->results_open = true;
    json_t *config = json_deep_copy(scenario);
    json_object_set_new(config, "hfsim_version", json_string(HF_VERSION));
    ok = hf_results_write_json(&l->results, "config.json", config, err);
    json_decref(config);
    if (!ok || !(l->series_file = hf_results_open(&l->results, "timeseries.csv", err)) ||
        !(l->recorder_ready = hf_recorder_init(&l->recorder, scenario, l->series_file, err)))
        return false;
    if (hf_json_bool_at(scenario, "outputs.requests_csv")) {
        if (!(l->requests_file = hf_results_open(&l->results, "requests.csv", err)))
            return false;
        fputs(HF_REQUESTS_CSV_HEADER, l->requests_file);
        l->stats.requests_log = l->requests_file;
    }
    l->start_wall = hf_wall_seconds();
    hf_contention_begin(&l->contention);
    gsl_rng *phase = hf_engine_rng(&l->engine, "metrics-phase");
    if (!phase)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    l->metric_phase = gsl_rng_uniform(phase);
    hf_lv_schedule_scrape(l);
    /* The registry's word (HF_LIVE_FEATURES) and the ops table must agree: the fit check before the
     * run relied on it. */
    if (hf_platform_features(l->platform.ops) != HF_LIVE_FEATURES)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "live: its ops provide features 0x%x, its entry says 0x%x",
                       hf_platform_features(l->platform.ops), (unsigned)HF_LIVE_FEATURES);
    if (!hf_policy_check_needs(l->policy, hf_platform_features(l->platform.ops), "live", err) ||
        !l->policy->init(l->host.state, json_object_get(scenario, l->policy->name), &l->platform, err))
        return false;
    if (l->trace) {
        struct hf_source *source = hf_trace_start(l->trace, &l->engine, hf_lv_arrive, l, err);
        if (!source)
            return false;
        hf_engine_set_source(&l->engine, source);
    } else {
        if (!hf_synthetic_create(&l->workload, json_object_get(scenario, "workload"), l->duration, &l->engine,
                                 hf_lv_arrive, l))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        hf_engine_set_source(&l->engine, &l->workload.source);
    }
    if (hf_engine_at(&l->engine, l->interval, hf_lv_on_sample, l, 0) == HF_EVENT_NONE ||
        !hf_recorder_schedule_bins(&l->recorder, &l->engine, &l->stats, l->drain_end))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    l->progress = o->progress && isatty(STDERR_FILENO);
    if (o->progress)
        fprintf(stderr, "hfsim: live run on %d engine%s (%s): %.0f s (+ drain), policy %s\n", l->host_count,
                l->host_count == 1 ? "" : "s", o->hosts, hf_time_to_s(l->duration), l->policy->name);
    return true;
}

/* Once a second on a terminal: where the run is, what runs and how it is going. */
static void draw_progress(struct live *l, hf_time now)
{
    double wall = hf_wall_seconds();
    if (!l->progress || wall - l->progress_drawn < 1.0)
        return;
    l->progress_drawn = wall;
    uint64_t replicas = 0, ready = 0, queued = 0;
    for (uint32_t f = 0; f < l->function_count; f++) {
        replicas += l->functions[f].active;
        ready += l->functions[f].ready;
        queued += l->functions[f].queue.count;
    }
    fprintf(stderr, "\rhfsim: live %s %.0f/%.0f s | %llu containers (%llu ready) | %llu done, %llu failed, "
                    "%llu waiting | p99 %.0f ms   ",
            now > l->duration ? "drain" : "run", hf_time_to_s(now), hf_time_to_s(l->duration),
            (unsigned long long)replicas, (unsigned long long)ready, (unsigned long long)l->stats.ledger.completed,
            (unsigned long long)hf_ledger_failed_total(&l->stats.ledger), (unsigned long long)queued,
            hf_recorder_rolling_p99_ms(&l->recorder));
    fflush(stderr);
}

/* Issues arrivals as the wall clock reaches them and handles what the helper threads report, until
 * the duration is over and nothing is in flight, or the drain time ends. */
static void serve(struct live *l)
{
    /* SIGINT/SIGTERM are blocked (hf_interrupt, opened before any thread or the reaper exists, so
     * all inherit the mask); one pending is noticed here within TICK_MS. */
    while (!(l->interrupted = hf_interrupt_pending()) && hf_engine_ok(&l->engine)) {
        hf_time now = hf_lv_now(l);
        hf_engine_run_until(&l->engine, now < l->drain_end ? now : l->drain_end);
        read_messages(l, 0);
        hf_lv_expire_queues(l, now);
        draw_progress(l, now);
        bool busy = hf_ledger_in_flight(&l->stats.ledger) > 0;
        if ((now >= l->duration && !busy) || now >= l->drain_end)
            break;
        hf_time next = hf_engine_next_time(&l->engine);
        hf_time wait = next == HF_TIME_NEVER ? hf_time_from_ms(TICK_MS) : next - hf_lv_now(l);
        int wait_ms = wait <= 0 ? 0 : wait > hf_time_from_ms(TICK_MS) ? TICK_MS : (int)(hf_time_to_s(wait) * 1e3);
        read_messages(l, wait_ms);
    }
}

/* One more round of usage samples, waited for (up to 10 s), so that the CPU the containers used
 * after the last interval's round counts too, as the simulator counts to the end: without it a
 * short run's CPU total came out 9 % low. */
static void final_sample(struct live *l)
{
    double give_up = hf_wall_seconds() + 10;
    while (l->sampling && hf_wall_seconds() < give_up) /* a round in flight started earlier */
        read_messages(l, 20);
    hf_lv_start_sampling(l);
    while (l->sampling && hf_wall_seconds() < give_up)
        read_messages(l, 20);
}

/* Whatever is still in flight or waiting fails with run_end; the containers go; helper threads
 * finish (their connections break) before the process moves on; then the reaper. */
static void wind_down(struct live *l)
{
    /* Whatever has not ended (queued, in transit, in flight) fails with run_end, each logged. */
    for (uint64_t r = 0; r < l->request_count; r++)
        hf_lv_fail_request(l, r, HF_FAIL_RUN_END);
    for (uint32_t f = 0; l->functions && f < l->function_count; f++)
        l->functions[f].queue.count = 0;
    /* Helper threads may still be creating containers: remove what the engines list, let the threads
     * finish (a removed container fails their waits at once), and list again, until the engines
     * show none of this run's and no thread is left; a creation in flight lands after a listing. */
    double give_up = hf_wall_seconds() + 120;
    size_t found;
    bool unreached = false;
    do {
        found = remove_everything(l, &unreached);
        struct pollfd p = {.fd = l->pipe_fds[0], .events = POLLIN};
        if (poll(&p, 1, found || l->outstanding ? 200 : 0) > 0) {
            struct message m;
            while (read(l->pipe_fds[0], &m, sizeof m) == (ssize_t)sizeof m)
                if (m.kind != MSG_USAGE)
                    l->outstanding--; /* accounted above: only wait for the threads */
        }
    } while ((found > 0 || l->outstanding > 0) && hf_wall_seconds() < give_up);
    l->left_behind = found > 0 || l->outstanding > 0 || unreached;
    if (l->left_behind)
        hf_reaper_hand_over(&l->reaper); /* it removes what is left once this process has gone */
    else
        hf_reaper_finish(&l->reaper);
}

static void destroy(struct live *l)
{
    if (l->host.state && l->policy)
        l->policy->fini(l->host.state);
    if (l->owns_policy_state)
        free(l->host.state);
    hf_synthetic_destroy(&l->workload);
    hf_trace_close(l->trace);
    hf_engine_fini(&l->engine);
    if (l->stats_ready) {
        hf_histogram_destroy(&l->stats.latency);
        hf_histogram_destroy(&l->stats.interval_latency);
    }
    if (l->recorder_ready)
        hf_recorder_fini(&l->recorder);
    for (int h = 0; h < l->host_count; h++)
        hf_docker_close(l->hosts[h].docker);
    for (uint32_t f = 0; l->functions && f < l->function_count; f++)
        free(l->functions[f].waiting);
    free(l->functions);
    free(l->requests);
    if (!l->outstanding) /* else a helper thread that never came back may still hold a connection */
        hf_worker_connections_free(l->connections);
    if (l->pipe_fds[0] > 0) {
        close(l->pipe_fds[0]);
        close(l->pipe_fds[1]);
    }
    free(l);
}

bool hf_live_run(const json_t *given, const struct hf_live_options *options, struct hf_error *err)
{
    struct hf_live_options resolved = *options, *o = &resolved;
    const char *scenario_hosts = hf_json_string_at(given, "live.hosts");
    if (!o->hosts)
        o->hosts = scenario_hosts && *scenario_hosts ? scenario_hosts : hf_docker_default_host();
    struct live *l = calloc(1, sizeof *l);
    if (!l)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    l->reaper = (struct hf_reaper){.pid = -1, .write_fd = -1};
    json_t *scenario = hf_trace_open_scenario(given, &l->trace, err);
    if (!scenario) {
        destroy(l);
        return false;
    }
    struct hf_interrupt interrupt;
    hf_interrupt_open(&interrupt);
    signal(SIGPIPE, SIG_IGN);
    bool ok = prepare(l, scenario, o, err);
    if (ok)
        serve(l);
    if (ok && !l->interrupted && hf_engine_ok(&l->engine))
        final_sample(l);
    if (l->progress_drawn > 0)
        fprintf(stderr, "\r%100s\r", "");
    wind_down(l);
    const char *cleaned = l->left_behind ? "containers still being created when it ended are removed by its reaper "
                                           "process (`hfsim live --cleanup` removes them too)"
                                         : "its containers were removed";
    if (ok && l->interrupted)
        ok = hf_fail(err, (enum hf_exit)(HF_EXIT_SIGNAL + l->interrupted),
                     "live run interrupted by %s: %s, and no results directory was left",
                     hf_interrupt_name(l->interrupted), cleaned);
    else if (l->left_behind)
        fprintf(stderr, "hfsim: live run: %s\n", cleaned);
    if (ok && l->trace && hf_trace_failed(l->trace, err))
        ok = false;
    ok = ok && hf_engine_check(&l->engine, err) && hf_ledger_check(&l->stats.ledger, err);
    if (l->requests_file) {
        ok = hf_results_close(&l->results, l->requests_file, "requests.csv", ok ? err : NULL) && ok;
        l->requests_file = NULL;
    }
    if (l->series_file) {
        bool closed = hf_results_close(&l->results, l->series_file, "timeseries.csv", ok ? err : NULL);
        ok = ok && closed;
        if (ok && hf_recorder_write_failed(&l->recorder))
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s/timeseries.csv: write failed", o->out_dir);
    }
    ok = ok && hf_recorder_write_latency_cdf(&l->results, &l->stats, err);
    json_t *apps = ok ? hf_lv_write_functions(l, err) : NULL;
    ok = ok && apps;
    if (ok) {
        json_t *s = hf_lv_summary(scenario, l);
        json_object_set_new(s, "cold_start_pct_over_apps", apps);
        ok = hf_results_write_json(&l->results, "summary.json", s, err) && hf_results_commit(&l->results, err);
        json_decref(s);
    }
    if (!ok && l->results_open)
        hf_results_abort(&l->results);
    hf_interrupt_close(&interrupt);
    json_decref(scenario);
    destroy(l);
    return ok;
}
