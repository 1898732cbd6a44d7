#include "support/container_fake.h"

#include <criterion/criterion.h>
#include <stdlib.h>

#include "policies/registry.h"

static struct container_fake *of(void *b) { return b; }
static hf_time f_now(void *b) { return of(b)->now; }

static hf_timer f_timer(void *b, hf_time delay, uint64_t arg)
{
    struct container_fake *f = b;
    cr_assert_lt(f->timers, FAKE_MAX_TIMERS);
    cr_assert_geq(delay, 0);
    f->timer_due[f->timers] = f->now + delay;
    f->timer_arg[f->timers] = arg;
    f->timer_id[f->timers] = ++f->next_timer;
    f->timers++;
    return f->next_timer;
}

static bool f_cancel(void *b, hf_timer t)
{
    struct container_fake *f = b;
    for (int i = 0; i < f->timers; i++)
        if (f->timer_id[i] == t) {
            f->timers--;
            f->timer_due[i] = f->timer_due[f->timers];
            f->timer_arg[i] = f->timer_arg[f->timers];
            f->timer_id[i] = f->timer_id[f->timers];
            return true;
        }
    return false;
}

static uint32_t f_functions(void *b) { (void)b; return 1; }

uint32_t fake_alive(const struct container_fake *f)
{
    uint32_t n = 0;
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        n += f->c[i].alive;
    return n;
}

static void kill(struct container_fake *f, int i)
{
    f->c[i].alive = false;
    f->stopped++;
    f->last_stop = f->now;
}

static uint32_t f_set(void *b, uint32_t fn, uint32_t n)
{
    (void)fn;
    struct container_fake *f = b;
    while (fake_alive(f) < n) {
        int i = 0;
        while (f->c[i].alive)
            i++;
        cr_assert_lt(i, FAKE_MAX_CONTAINERS);
        f->c[i] = (struct fake_container){true, true, ++f->next_id, 0, f->now, f->now, 0};
        f->started++;
    }
    for (int i = 0; i < FAKE_MAX_CONTAINERS && fake_alive(f) > n; i++)
        if (f->c[i].alive && f->c[i].in_flight == 0)
            kill(f, i);
    return fake_alive(f);
}

static void f_load(void *b, uint32_t fn, struct hf_function_load *out)
{
    (void)fn;
    struct container_fake *f = b;
    *out = (struct hf_function_load){0};
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        if (f->c[i].alive) {
            out->replicas++;
            out->ready++;
            out->in_flight += f->c[i].in_flight;
        }
}

static void view(const struct container_fake *f, int i, struct hf_container_view *v)
{
    const struct fake_container *k = &f->c[i];
    *v = (struct hf_container_view){.id = k->id, .ready = true, .in_flight = k->in_flight, .concurrency = 1,
                                    .cpu_limit = 1, .shared_function = HF_GENERIC, .ready_at = k->ready_at,
                                    .idle_since = k->in_flight ? HF_TIME_NEVER : k->idle_since};
}

static uint32_t f_containers(void *b, uint32_t fn, struct hf_container_view *out, uint32_t cap)
{
    (void)fn;
    struct container_fake *f = b;
    uint32_t n = 0;
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        if (f->c[i].alive) {
            if (n < cap)
                view(f, i, &out[n]);
            n++;
        }
    return n;
}

static int find(const struct container_fake *f, uint64_t id)
{
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        if (f->c[i].alive && f->c[i].id == id)
            return i;
    return -1;
}

static bool f_container(void *b, uint64_t id, struct hf_container_view *out)
{
    int i = find(b, id);
    if (i < 0)
        return false;
    view(b, i, out);
    return true;
}

static bool f_stop(void *b, uint64_t id)
{
    struct container_fake *f = b;
    int i = find(f, id);
    if (i < 0 || f->c[i].in_flight > 0)
        return false;
    kill(f, i);
    return true;
}

static const struct hf_platform_ops ops = {
    .features = HF_PF_ROUTING, .now = f_now, .timer_after = f_timer, .timer_cancel = f_cancel,
    .function_count = f_functions, .set_replicas = f_set, .load = f_load, .containers = f_containers,
    .container = f_container, .stop = f_stop,
};

static void notify_fresh(struct container_fake *f);

void fake_start(struct container_fake *f, const char *name, const char *params_json)
{
    f->type = hf_policy_find(name);
    cr_assert_not_null(f->type, "%s", name);
    f->platform = (struct hf_platform){&ops, f};
    struct hf_error err = {0};
    json_t *given = json_loads(params_json, 0, NULL);
    cr_assert_not_null(given);
    json_t *params = hf_schema_resolve(f->type->params, given, &err);
    cr_assert_not_null(params, "%s", err.message);
    f->state = calloc(1, f->type->state_size);
    cr_assert(f->type->init(f->state, params, &f->platform, &err), "%s", err.message);
    json_decref(given);
    json_decref(params);
    notify_fresh(f);
}

void fake_finish(struct container_fake *f)
{
    if (f->type->fini)
        f->type->fini(f->state);
    free(f->state);
}

static void idle(struct container_fake *f, int i)
{
    if (f->type->on_container_idle)
        f->type->on_container_idle(f->state, &f->platform, f->c[i].id, 0);
}

/* Containers the policy started in its last call and nobody used: idle from birth, as a backend
 * reports a container that became ready with nothing to take. */
static void notify_fresh(struct container_fake *f)
{
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        if (f->c[i].fresh) {
            f->c[i].fresh = false;
            if (f->c[i].alive && f->c[i].in_flight == 0)
                idle(f, i);
        }
}

void fake_advance(struct container_fake *f, hf_time t)
{
    for (;;) {
        int timer = -1, done = -1;
        for (int i = 0; i < f->timers; i++)
            if (f->timer_due[i] <= t && (timer < 0 || f->timer_due[i] < f->timer_due[timer]))
                timer = i;
        for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
            if (f->c[i].alive && f->c[i].in_flight && f->c[i].busy_until <= t &&
                (done < 0 || f->c[i].busy_until < f->c[done].busy_until))
                done = i;
        if (done >= 0 && (timer < 0 || f->c[done].busy_until <= f->timer_due[timer])) {
            f->now = f->c[done].busy_until;
            f->c[done].in_flight = 0;
            f->c[done].idle_since = f->now;
            idle(f, done);
        } else if (timer >= 0) {
            f->now = f->timer_due[timer] > f->now ? f->timer_due[timer] : f->now;
            uint64_t arg = f->timer_arg[timer];
            f_cancel(f, f->timer_id[timer]);
            f->type->on_timer(f->state, &f->platform, arg);
            notify_fresh(f);
        } else {
            break;
        }
    }
    f->now = t;
}

void fake_call(struct container_fake *f, hf_time duration)
{
    struct hf_request_view r = {.id = 1, .arrival = f->now};
    f->type->on_request(f->state, &f->platform, &r);
    int best = -1;
    for (int i = 0; i < FAKE_MAX_CONTAINERS; i++)
        if (f->c[i].alive && f->c[i].in_flight == 0 && (best < 0 || f->c[i].idle_since >= f->c[best].idle_since))
            best = i;
    cr_assert_geq(best, 0, "no container for the request (the policy started none)");
    f->c[best].in_flight = 1;
    f->c[best].fresh = false;
    f->c[best].busy_until = f->now + duration;
    notify_fresh(f);
}
