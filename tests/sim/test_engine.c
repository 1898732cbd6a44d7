/* The engine: event order with a merged source, cancellation, stop, and seeded random streams. */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "sim/engine.h"
#include "sim/rng.h"

struct trace {
    char log[256];
    hf_time times[16];
    int n;
};

static void note(struct hf_engine *e, void *ctx, uint64_t arg)
{
    struct trace *t = ctx;
    char s[8];
    snprintf(s, sizeof s, "e%llu ", (unsigned long long)arg);
    strcat(t->log, s);
    t->times[t->n++] = hf_engine_now(e);
}

struct src {
    struct hf_source source;
    struct trace *trace;
    hf_time times[3];
    int i;
};

static void deliver(struct hf_engine *e, void *ctx)
{
    struct src *s = ctx;
    char n[8];
    snprintf(n, sizeof n, "a%d ", s->i);
    strcat(s->trace->log, n);
    s->trace->times[s->trace->n++] = hf_engine_now(e);
    s->i++;
    s->source.next_time = s->i < 3 ? s->times[s->i] : HF_TIME_NEVER;
}

Test(engine, merges_source_with_queue_and_honours_cancel)
{
    struct hf_engine e;
    struct hf_error err;
    cr_assert(hf_engine_init(&e, 1, NULL, &err));
    struct trace t = {.log = ""};
    struct src s = {.trace = &t, .times = {5, 10, 30}};
    s.source = (struct hf_source){5, deliver, &s};
    hf_engine_set_source(&e, &s.source);
    hf_engine_at(&e, 10, note, &t, 1); /* same time as arrival a1: the queued event goes first */
    hf_event_handle h = hf_engine_at(&e, 20, note, &t, 2);
    hf_engine_at(&e, 40, note, &t, 3);
    cr_assert(hf_engine_cancel(&e, h));
    cr_assert_not(hf_engine_cancel(&e, h));
    uint64_t n = hf_engine_run_until(&e, 35);
    cr_assert_str_eq(t.log, "a0 e1 a1 a2 ");
    cr_assert_eq(n, 4);
    cr_assert_eq(hf_engine_now(&e), 35);
    hf_engine_run_until(&e, HF_TIME_NEVER);
    cr_assert_str_eq(t.log, "a0 e1 a1 a2 e3 ");
    cr_assert(hf_engine_idle(&e));
    hf_engine_fini(&e);
}

static void stopper(struct hf_engine *e, void *ctx, uint64_t arg)
{
    note(e, ctx, arg);
    hf_engine_stop(e);
}

Test(engine, stop_returns_after_the_current_event)
{
    struct hf_engine e;
    struct hf_error err;
    cr_assert(hf_engine_init(&e, 1, "heap2", &err));
    struct trace t = {.log = ""};
    hf_engine_at(&e, 1, stopper, &t, 1);
    hf_engine_at(&e, 2, note, &t, 2);
    hf_engine_run_until(&e, 100);
    cr_assert_str_eq(t.log, "e1 ");
    cr_assert_eq(hf_engine_now(&e), 1);
    hf_engine_fini(&e);
}

Test(engine, random_streams_depend_on_seed_and_purpose_only)
{
    gsl_rng *a = hf_rng_stream(7, "arrivals"), *b = hf_rng_stream(7, "arrivals");
    gsl_rng *c = hf_rng_stream(7, "service"), *d = hf_rng_stream(8, "arrivals");
    int same_ab = 0, same_ac = 0, same_ad = 0;
    for (int i = 0; i < 100; i++) {
        unsigned long x = gsl_rng_get(a), y = gsl_rng_get(b), z = gsl_rng_get(c), w = gsl_rng_get(d);
        same_ab += x == y;
        same_ac += x == z;
        same_ad += x == w;
    }
    cr_assert_eq(same_ab, 100);
    cr_assert_lt(same_ac, 3);
    cr_assert_lt(same_ad, 3);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    gsl_rng_free(d);
    struct hf_engine e;
    struct hf_error err;
    cr_assert(hf_engine_init(&e, 7, NULL, &err));
    cr_assert_eq(hf_engine_rng(&e, "arrivals"), hf_engine_rng(&e, "arrivals"));
    cr_assert_neq(hf_engine_rng(&e, "arrivals"), hf_engine_rng(&e, "service"));
    hf_engine_fini(&e);
}

static void schedule_in_the_past(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)arg;
    struct trace *t = ctx;
    hf_engine_at(e, hf_engine_now(e) - 1, note, t, 9);
}

/* An event in the past is an error, never a silent clamp: a debug build aborts naming both times;
 * a release build stops the engine, which runs no further and reports it. */
#ifdef NDEBUG
Test(engine, an_event_in_the_past_stops_the_run_and_is_reported)
{
    struct hf_engine e;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&e, 1, "heap4", &err));
    struct trace t = {0};
    hf_engine_at(&e, 10, schedule_in_the_past, &t, 0);
    hf_engine_at(&e, 20, note, &t, 1);
    hf_engine_run_until(&e, 100);
    cr_assert_not(hf_engine_ok(&e));
    cr_assert_eq(t.n, 0, "the engine went on after the failure");
    hf_engine_run_until(&e, 100);
    cr_assert_eq(t.n, 0, "a failed engine ran again");
    cr_assert_not(hf_engine_check(&e, &err));
    cr_assert_eq(err.code, HF_EXIT_RUN_FAILED);
    cr_assert(strstr(err.message, "in the past") && strstr(err.message, "9 ns") && strstr(err.message, "10 ns"),
              "%s", err.message);
    hf_engine_fini(&e);
}
#else
Test(engine, an_event_in_the_past_aborts_a_debug_build, .signal = SIGABRT)
{
    struct hf_engine e;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&e, 1, "heap4", &err));
    struct trace t = {0};
    hf_engine_at(&e, 10, schedule_in_the_past, &t, 0);
    hf_engine_run_until(&e, 100);
}
#endif

static void count_tick(const struct hf_engine *e, void *ctx)
{
    (void)e;
    ++*(int *)ctx;
}

static void reschedule(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)ctx;
    hf_engine_after(e, 1, reschedule, NULL, arg);
}

/* The progress hook (which polls for SIGINT) counts events over the engine's life: a loop of
 * run_until calls of one event each (the drain) reaches it as a single long call does. */
Test(engine, the_progress_hook_counts_events_across_run_until_calls)
{
    struct hf_engine e;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&e, 1, "heap4", &err));
    int ticks = 0;
    hf_engine_set_progress(&e, count_tick, &ticks, 10);
    hf_engine_at(&e, 1, reschedule, NULL, 0);
    for (hf_time t = 1; t <= 100; t++)
        cr_assert_eq(hf_engine_run_until(&e, t), 1);
    cr_assert_eq(ticks, 10, "ticks %d after 100 single-event calls", ticks);
    hf_engine_run_until(&e, 200);
    cr_assert_eq(ticks, 20);
    hf_engine_fini(&e);
}

static void fail_here(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)ctx;
    hf_engine_fail(e, HF_EXIT_BAD_INPUT, "model limit %llu reached", (unsigned long long)arg);
    hf_engine_fail(e, HF_EXIT_RUN_FAILED, "a second failure is not the first");
}

/* A model fails the run from inside an event: the engine stops there, runs no further, and the run
 * loop reports the first failure. */
Test(engine, a_model_failure_stops_the_engine_and_is_reported)
{
    struct hf_engine e;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&e, 1, "heap4", &err));
    struct trace t = {0};
    hf_engine_at(&e, 10, fail_here, NULL, 42);
    hf_engine_at(&e, 20, note, &t, 1);
    hf_engine_run_until(&e, 100);
    cr_assert_eq(t.n, 0, "the engine went on after the failure");
    cr_assert_not(hf_engine_ok(&e));
    cr_assert_not(hf_engine_check(&e, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT, "the first failure's code");
    cr_assert(strstr(err.message, "model limit 42 reached"), "%s", err.message);
    hf_engine_fini(&e);
}
