/* A fake platform with containers, for testing keep-alive policies against exact timing: containers
 * start at once (no cold start), a request goes to the most recently idle container (warm-first),
 * and the fake calls the policy's on_container_idle when a container is left with nothing to do, as
 * the cluster model and live do. Timers fire in due order when the clock advances. One function. */
#ifndef HF_TEST_CONTAINER_FAKE_H
#define HF_TEST_CONTAINER_FAKE_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/policy.h"

#define FAKE_MAX_CONTAINERS 64
#define FAKE_MAX_TIMERS 256

struct fake_container {
    bool alive;
    bool fresh; /* started by the policy's current call: told idle after it returns, unless used */
    uint64_t id;
    uint32_t in_flight;
    hf_time ready_at, idle_since, busy_until;
};

struct container_fake {
    hf_time now;
    const struct hf_policy_type *type;
    void *state;
    struct hf_platform platform;
    struct fake_container c[FAKE_MAX_CONTAINERS];
    uint64_t next_id;
    uint32_t started, stopped; /* containers started and stopped so far */
    hf_time last_stop;         /* when the last container stopped */
    hf_time timer_due[FAKE_MAX_TIMERS];
    uint64_t timer_arg[FAKE_MAX_TIMERS];
    hf_timer timer_id[FAKE_MAX_TIMERS];
    hf_timer next_timer;
    int timers;
};

/* Starts policy `name` with parameters `params_json` on the fake (asserts on failure). */
void fake_start(struct container_fake *f, const char *name, const char *params_json);
void fake_finish(struct container_fake *f);
/* Advances the clock to `t`, firing timers and ending requests that are due, in time order. */
void fake_advance(struct container_fake *f, hf_time t);
/* A request arrives now and runs `duration`: the policy sees it, then it goes to a container. */
void fake_call(struct container_fake *f, hf_time duration);
uint32_t fake_alive(const struct container_fake *f);

#endif
