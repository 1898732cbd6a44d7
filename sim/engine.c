#include "sim/engine.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "sim/rng.h"

bool hf_engine_init(struct hf_engine *e, uint64_t seed, const char *queue_kind, struct hf_error *err)
{
    memset(e, 0, sizeof *e);
    e->seed = seed;
    e->run_end = HF_TIME_NEVER;
    if (!hf_event_queue_create(&e->queue, queue_kind ? queue_kind : "heap4", 1024))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "cannot create event queue '%s'",
                       queue_kind ? queue_kind : "heap4");
    return true;
}

void hf_engine_fini(struct hf_engine *e)
{
    hf_event_queue_destroy(&e->queue);
    for (int i = 0; i < e->rng_count; i++)
        gsl_rng_free(e->rngs[i].rng);
    e->rng_count = 0;
}

/* Records the first failure and stops the run: the run loop reports it (hf_engine_check). */
static hf_event_handle engine_failed(struct hf_engine *e, const char *what, hf_time at)
{
    if (!e->failure[0]) {
        e->failure_code = HF_EXIT_RUN_FAILED;
        snprintf(e->failure, sizeof e->failure, "%s (event at %" PRId64 " ns, clock at %" PRId64 " ns)", what, at,
                 e->now);
    }
    e->stop_requested = true;
    return HF_EVENT_NONE;
}

void hf_engine_fail(struct hf_engine *e, enum hf_exit code, const char *fmt, ...)
{
    if (!e->failure[0]) {
        e->failure_code = code;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->failure, sizeof e->failure, fmt, ap);
        va_end(ap);
    }
    e->stop_requested = true;
}

hf_event_handle hf_engine_at(struct hf_engine *e, hf_time at, hf_event_fn fn, void *ctx, uint64_t arg)
{
    if (at < e->now) {
        /* Causality: a bug in the caller, never rounding to hide. Debug builds stop right here. */
#ifndef NDEBUG
        fprintf(stderr, "hfsim: engine: an event scheduled in the past: at %" PRId64 " ns, clock at %" PRId64 " ns\n",
                at, e->now);
        abort();
#endif
        return engine_failed(e, "an event was scheduled in the past", at);
    }
    struct hf_event ev = {at, fn, ctx, arg};
    hf_event_handle h = hf_eq_push(&e->queue, &ev);
    return h != HF_EVENT_NONE ? h : engine_failed(e, "out of memory for an event", at);
}

hf_event_handle hf_engine_after(struct hf_engine *e, hf_time delay, hf_event_fn fn, void *ctx,
                                uint64_t arg)
{
    return hf_engine_at(e, delay < 0 ? e->now + delay : hf_time_add(e->now, delay), fn, ctx, arg);
}

bool hf_engine_check(const struct hf_engine *e, struct hf_error *err)
{
    return !e->failure[0] || hf_fail(err, e->failure_code, "the simulation failed: %s", e->failure);
}

uint64_t hf_engine_events(const struct hf_engine *e) { return e->events_processed; }

bool hf_engine_cancel(struct hf_engine *e, hf_event_handle h) { return hf_eq_cancel(&e->queue, h); }

void hf_engine_set_source(struct hf_engine *e, struct hf_source *source) { e->source = source; }

void hf_engine_set_progress(struct hf_engine *e, hf_progress_fn fn, void *ctx, uint64_t every)
{
    e->progress = fn;
    e->progress_ctx = ctx;
    e->progress_every = every ? every : 1;
    e->progress_next = e->events_processed + e->progress_every;
}

gsl_rng *hf_engine_rng(struct hf_engine *e, const char *purpose)
{
    for (int i = 0; i < e->rng_count; i++)
        if (strcmp(e->rngs[i].name, purpose) == 0)
            return e->rngs[i].rng;
    if (e->rng_count == (int)(sizeof e->rngs / sizeof e->rngs[0]) ||
        strlen(purpose) >= sizeof e->rngs[0].name)
        return NULL;
    gsl_rng *r = hf_rng_stream(e->seed, purpose);
    if (!r)
        return NULL;
    struct hf_named_rng *slot = &e->rngs[e->rng_count++];
    strcpy(slot->name, purpose);
    slot->rng = r;
    return r;
}

uint64_t hf_engine_run_until(struct hf_engine *e, hf_time end)
{
    uint64_t processed = 0;
    const uint64_t start_count = e->events_processed;
    e->stop_requested = e->failure[0] != '\0'; /* a failed engine runs no further */
    e->run_end = end;
    uint64_t next_progress = e->progress ? e->progress_next - start_count : UINT64_MAX;
    while (!e->stop_requested) {
        hf_time queue_time;
        if (!hf_eq_peek(&e->queue, &queue_time))
            queue_time = HF_TIME_NEVER;
        hf_time source_time = e->source ? e->source->next_time : HF_TIME_NEVER;
        if (source_time < queue_time) {
            if (source_time > end)
                break;
            e->now = source_time;
            e->source->deliver(e, e->source->ctx);
        } else {
            if (queue_time == HF_TIME_NEVER || queue_time > end)
                break;
            struct hf_event ev;
            hf_eq_pop_min(&e->queue, &ev);
            e->now = ev.time;
            ev.fn(e, ev.ctx, ev.arg);
        }
        processed++;
        if (processed == next_progress) {
            e->events_processed = start_count + processed;
            e->progress_next += e->progress_every;
            next_progress = e->progress_next - start_count;
            e->progress(e, e->progress_ctx);
        }
    }
    e->events_processed = start_count + processed;
    if (!e->stop_requested && end != HF_TIME_NEVER && e->now < end)
        e->now = end;
    return processed;
}

void hf_engine_stop(struct hf_engine *e) { e->stop_requested = true; }

bool hf_engine_idle(const struct hf_engine *e)
{
    return hf_eq_size(&e->queue) == 0 && (!e->source || e->source->next_time == HF_TIME_NEVER);
}

hf_time hf_engine_next_time(struct hf_engine *e)
{
    hf_time queue_time;
    if (!hf_eq_peek(&e->queue, &queue_time))
        queue_time = HF_TIME_NEVER;
    hf_time source_time = e->source ? e->source->next_time : HF_TIME_NEVER;
    return source_time < queue_time ? source_time : queue_time;
}
