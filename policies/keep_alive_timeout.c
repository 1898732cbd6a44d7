/* keepalive: containers on demand, each stopped on its own once it has been idle for its timeout.
 * This is how the platforms and the public simulators model keep-alive: AWS Lambda, OpenWhisk
 * (10 min by default), Azure Functions (a fixed 20 min window) time out each container separately.
 *
 * `timeout` chooses when a container goes:
 *   "idle"        keep_alive_s after its last request ended (reset on each use; the default);
 *   "lifetime"    keep_alive_s after it became ready, used or not (a busy container goes when its
 *                 last request ends);
 *   "exponential" each idle period lasts an exponentially distributed time of mean keep_alive_s.
 *                 Memoryless, so with Poisson arrivals and exponential service the (busy, idle)
 *                 container counts form a continuous-time Markov chain (Mahmoudi and Khazaei's
 *                 serverless performance models); tests/app/test_theory.c solves it and compares.
 *
 * Cost: one timer per function at the earliest deadline among its idle containers, armed when a
 * container goes idle (on_container_idle) and re-armed when it fires, so a busy function costs a
 * flag test per completion, not a timer per request. A deadline is a pure function of the container
 * view, so nothing is stored per container: for "exponential" the draw is a hash of (seed, container,
 * idle_since), an independent uniform per idle period that needs no state and no ordering. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "policies/keep_alive.h"

static const char *const timeouts[] = {"idle", "lifetime", "exponential", NULL};

static const struct hf_field params[] = {
    {"keep_alive_s", HF_T_NUMBER, "s", "How long an idle container stays warm (the mean, for exponential).",
     "600", HF_F_MIN | HF_F_MAX, 0, 1e7, NULL, NULL},
    {"timeout", HF_T_ENUM, "", "When a container goes: idle (keep_alive_s after its last use), lifetime "
     "(keep_alive_s after it became ready) or exponential (idle periods of mean keep_alive_s).", "\"idle\"", 0, 0, 0,
     timeouts, NULL},
    {"initial_replicas", HF_T_INT, "count", "Containers each function starts with.", "0", HF_F_MIN, 0, 0, NULL,
     NULL},
    {"seed", HF_T_INT, "", "Seed of the exponential timeouts' draws.", "1", HF_F_MIN, 0, 0, NULL, NULL},
    {0},
};

enum timeout_kind { TIMEOUT_IDLE, TIMEOUT_LIFETIME, TIMEOUT_EXPONENTIAL };

struct timeout_keep_alive {
    struct hf_keep_alive_common common; /* first: hf_keep_alive_on_request reads it */
    hf_time keep;
    double keep_ns;
    enum timeout_kind kind;
    uint64_t seed;
    uint32_t functions;
    struct hf_keep_alive_timer *timers; /* per function */
    struct hf_keep_alive_views scratch;
};

/* splitmix64's finalizer: consecutive inputs give independent-looking outputs. */
static uint64_t mix(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* When the container's current idle period ends it; HF_TIME_NEVER when it is not idle. */
static hf_time deadline(const void *ctx, const struct hf_container_view *v)
{
    const struct timeout_keep_alive *s = ctx;
    if (v->idle_since == HF_TIME_NEVER)
        return HF_TIME_NEVER;
    switch (s->kind) {
    case TIMEOUT_LIFETIME:
        return hf_time_add(v->ready_at, s->keep);
    case TIMEOUT_EXPONENTIAL: {
        uint64_t h = mix(s->seed ^ mix(v->id ^ mix((uint64_t)v->idle_since)));
        double u = ((double)(h >> 11) + 0.5) * 0x1p-53; /* in (0, 1) */
        return hf_time_add(v->idle_since, hf_time_from_ns(-log(u) * s->keep_ns));
    }
    default:
        return hf_time_add(v->idle_since, s->keep);
    }
}

static bool init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct timeout_keep_alive *s = state;
    s->keep_ns = hf_json_number_at(p, "keep_alive_s") * 1e9;
    s->keep = hf_time_from_ns(s->keep_ns);
    const char *kind = hf_json_string_at(p, "timeout");
    s->kind = strcmp(kind, "lifetime") == 0      ? TIMEOUT_LIFETIME
              : strcmp(kind, "exponential") == 0 ? TIMEOUT_EXPONENTIAL
                                                 : TIMEOUT_IDLE;
    s->seed = mix((uint64_t)hf_json_int_at(p, "seed"));
    s->functions = hf_platform_function_count(platform);
    s->timers = malloc((s->functions ? s->functions : 1) * sizeof *s->timers);
    if (!s->timers)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t initial = (uint32_t)hf_json_int_at(p, "initial_replicas");
    for (uint32_t f = 0; f < s->functions; f++) {
        s->timers[f].due = HF_TIME_NEVER;
        hf_platform_set_replicas(platform, f, initial);
    }
    return true;
}

static void on_container_idle(void *state, struct hf_platform *platform, uint64_t container, uint32_t f)
{
    struct timeout_keep_alive *s = state;
    struct hf_container_view v;
    if (f >= s->functions || !hf_platform_container(platform, container, &v))
        return;
    hf_time due = deadline(s, &v);
    if (due <= hf_platform_now(platform))
        hf_platform_stop(platform, container);
    else
        hf_keep_alive_arm(&s->timers[f], platform, due, f);
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    struct timeout_keep_alive *s = state;
    if (arg < s->functions)
        hf_keep_alive_expire(&s->timers[arg], &s->scratch, platform, (uint32_t)arg, arg, deadline, s);
}

static void fini(void *state)
{
    struct timeout_keep_alive *s = state;
    free(s->timers);
    free(s->scratch.views);
}

const struct hf_policy_type hf_policy_keep_alive = {
    .name = "keepalive",
    .needs = HF_PF_ROUTING | HF_PF_STOP | HF_PF_CONTAINERS,
    .summary = "containers on demand, each stopped after keep_alive_s idle (10 min; Lambda/OpenWhisk-like)",
    .params = params,
    .state_size = sizeof(struct timeout_keep_alive),
    .init = init,
    .on_timer = on_timer,
    .on_request = hf_keep_alive_on_request,
    .on_container_idle = on_container_idle,
    .fini = fini,
};
