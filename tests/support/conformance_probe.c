#include "support/conformance_probe.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/platform.h"

enum { ARG_KEPT = 42, ARG_DROPPED = 7, ARG_POLL = 1000 };
#define KEPT_AFTER (5 * HF_NS_PER_S)
#define POLL_EVERY (250 * HF_NS_PER_MS)
#define READY_DEADLINE (120 * HF_NS_PER_S) /* past any cold start, simulated or on a busy machine */
#define STALE_ID (UINT64_MAX - 7)

static void fail(struct conformance_probe *p, const char *fmt, ...)
{
    if (p->failure_count == PROBE_MAX_FAILURES)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->failures[p->failure_count++], sizeof p->failures[0], fmt, ap);
    va_end(ap);
}

static bool probe_init(void *state, const json_t *params, struct hf_platform *platform, struct hf_error *err)
{
    (void)params, (void)err;
    struct conformance_probe *p = state;
    p->started = hf_platform_now(platform);
    hf_timer kept = hf_platform_timer_after(platform, KEPT_AFTER, ARG_KEPT);
    hf_timer dropped = hf_platform_timer_after(platform, 3 * HF_NS_PER_S, ARG_DROPPED);
    if (!kept || !dropped)
        fail(p, "timer_after refused a timer");
    if (dropped && !hf_platform_timer_cancel(platform, dropped))
        fail(p, "timer_cancel refused a pending timer");
    if (dropped && hf_platform_timer_cancel(platform, dropped))
        fail(p, "timer_cancel cancelled the same timer twice");
    if (hf_platform_function_count(platform) < 1)
        fail(p, "function_count is 0");
    uint32_t set = hf_platform_set_replicas(platform, 0, 2);
    if (set > 2)
        fail(p, "set_replicas(2) set %u", set);
    struct hf_function_load load;
    hf_platform_load(platform, 0, &load);
    if (load.replicas != set)
        fail(p, "load reports %u replicas, set_replicas returned %u", load.replicas, set);
    if (load.ready > load.replicas)
        fail(p, "load reports %u ready of %u replicas", load.ready, load.replicas);
    if (hf_platform_has(platform, HF_PF_CONTAINERS) && !hf_platform_timer_after(platform, POLL_EVERY, ARG_POLL))
        fail(p, "timer_after refused the poll timer");
    return true;
}

/* With 2 containers ready: the views, the refusals and a resize. */
static void check_containers(struct conformance_probe *p, struct hf_platform *platform,
                             const struct hf_container_view *v, uint32_t n)
{
    p->containers_checked = true;
    for (uint32_t k = 0; k < n; k++) {
        struct hf_container_view one;
        if (v[k].function != 0 || v[k].concurrency == 0)
            fail(p, "container %llu: function %u, concurrency %u", (unsigned long long)v[k].id, v[k].function,
                 v[k].concurrency);
        if (!hf_platform_container(platform, v[k].id, &one) || one.id != v[k].id)
            fail(p, "container(%llu) does not answer with its view", (unsigned long long)v[k].id);
    }
    struct hf_container_view stale;
    if (hf_platform_container(platform, STALE_ID, &stale))
        fail(p, "container answered for a stale id");
    if (hf_platform_has(platform, HF_PF_SPECIALIZE) && hf_platform_specialize(platform, v[0].id, 0))
        fail(p, "specialize accepted a container's own function");
    hf_time now = hf_platform_now(platform);
    for (uint32_t k = 0; k < n; k++)
        if (v[k].ready_at > now || (v[k].in_flight == 0) != (v[k].idle_since != HF_TIME_NEVER) ||
            (v[k].idle_since != HF_TIME_NEVER && (v[k].idle_since < v[k].ready_at || v[k].idle_since > now)))
            fail(p, "container %llu: ready_at %lld, idle_since %lld, %u in flight at %lld", (unsigned long long)v[k].id,
                 (long long)v[k].ready_at, (long long)v[k].idle_since, v[k].in_flight, (long long)now);
    if (hf_platform_has(platform, HF_PF_STOP)) {
        if (hf_platform_stop(platform, STALE_ID))
            fail(p, "stop accepted a stale id");
        struct hf_function_load before, after;
        hf_platform_load(platform, 0, &before);
        bool stopped = hf_platform_stop(platform, v[1].id);
        hf_platform_load(platform, 0, &after);
        if (stopped != (v[1].in_flight == 0))
            fail(p, "stop %s a container with %u in flight", stopped ? "accepted" : "refused", v[1].in_flight);
        if (after.replicas != before.replicas - stopped)
            fail(p, "after stop, %u replicas (were %u)", after.replicas, before.replicas);
        if (stopped && hf_platform_container(platform, v[1].id, &stale))
            fail(p, "a stopped container still has a view");
        if (p->idle_calls == 0)
            fail(p, "two containers became ready with nothing to do, on_container_idle was never called");
    }
    if (!hf_platform_has(platform, HF_PF_RESIZE)) {
        p->done = true;
        return;
    }
    if (hf_platform_resize(platform, STALE_ID, 1.0))
        fail(p, "resize accepted a stale id");
    p->resize_target = v[0].cpu_limit + 0.25;
    if (v[0].node_cores_free < 0.25) {
        fail(p, "no room to resize: %.2f cores free on the node", v[0].node_cores_free);
        p->done = true;
        return;
    }
    p->resized_id = v[0].id;
    if (!hf_platform_resize(platform, v[0].id, p->resize_target)) {
        fail(p, "resize refused a ready container with room");
        p->done = true;
        return;
    }
    if (hf_platform_resize(platform, v[0].id, p->resize_target))
        fail(p, "resize accepted a second resize while one is in flight");
}

static void probe_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct conformance_probe *p = state;
    hf_time now = hf_platform_now(platform);
    if (arg == ARG_DROPPED) {
        fail(p, "a cancelled timer fired");
    } else if (arg == ARG_KEPT) {
        p->timers_fired++;
        hf_time late = now - (p->started + KEPT_AFTER);
        if (late < 0 || (p->exact_time && late != 0))
            fail(p, "the 5 s timer fired %+.9f s off its time", hf_time_to_s(late));
        if (!hf_platform_has(platform, HF_PF_CONTAINERS))
            p->done = true;
    } else if (arg == ARG_POLL && !p->containers_checked) {
        struct hf_container_view v[4];
        uint32_t n = hf_platform_containers(platform, 0, v, 4), ready = 0;
        for (uint32_t k = 0; k < n && k < 4; k++)
            ready += v[k].ready;
        if (n == 2 && ready == 2)
            check_containers(p, platform, v, n);
        else if (now - p->started > READY_DEADLINE)
            fail(p, "%u containers, %u ready, %.0f s after asking for 2", n, ready, hf_time_to_s(now - p->started)),
                p->done = true;
        else
            hf_platform_timer_after(platform, POLL_EVERY, ARG_POLL);
    } else if (arg != ARG_POLL) {
        fail(p, "a timer fired with an argument never given (%llu)", (unsigned long long)arg);
    }
}

static void probe_resized(void *state, struct hf_platform *platform, uint64_t container)
{
    struct conformance_probe *p = state;
    p->resized++;
    if (container != p->resized_id)
        fail(p, "on_resized for %llu, the resize was of %llu", (unsigned long long)container,
             (unsigned long long)p->resized_id);
    struct hf_container_view after;
    if (!hf_platform_container(platform, container, &after))
        fail(p, "the resized container has no view");
    else if (fabs(after.cpu_limit - p->resize_target) > 1e-9)
        fail(p, "after the resize the view shows %.3f cores, asked %.3f", after.cpu_limit, p->resize_target);
    p->done = true;
}

static void probe_idle(void *state, struct hf_platform *platform, uint64_t container, uint32_t function)
{
    struct conformance_probe *p = state;
    p->idle_calls++;
    struct hf_container_view v;
    if (!hf_platform_container(platform, container, &v))
        fail(p, "on_container_idle for %llu, which has no view", (unsigned long long)container);
    else if (!v.ready || v.in_flight > 0 || v.function != function || v.idle_since > hf_platform_now(platform) ||
             (p->exact_time && v.idle_since != hf_platform_now(platform)))
        fail(p, "on_container_idle: ready %d, %u in flight, function %u (said %u), idle since %lld at %lld", v.ready,
             v.in_flight, v.function, function, (long long)v.idle_since, (long long)hf_platform_now(platform));
}

static void probe_fini(void *state) { (void)state; }

const struct hf_policy_type conformance_probe_type = {
    .name = "conformance-probe",
    .summary = "the platform contract as a script (tests only)",
    .state_size = sizeof(struct conformance_probe),
    .init = probe_init,
    .on_timer = probe_timer,
    .on_resized = probe_resized,
    .on_container_idle = probe_idle,
    .fini = probe_fini,
};

const char *conformance_probe_report(const struct conformance_probe *p, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < p->failure_count && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s\n", p->failures[i]);
    if (used < size && p->timers_fired != 1)
        used += (size_t)snprintf(buf + used, size - used, "the 5 s timer fired %d times\n", p->timers_fired);
    if (used < size && !p->done)
        snprintf(buf + used, size - used, "the script did not reach its end (containers checked: %s, resized: %d)\n",
                 p->containers_checked ? "yes" : "no", p->resized);
    return buf;
}
