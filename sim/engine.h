/* The discrete-event engine: a clock, the pending-event queue, one merged arrival source, and the
 * run's named random streams. One value per simulation, passed explicitly; two engines can run
 * side by side in one process.
 *
 * Order of processing: events in (time, push order); an arrival from the source goes before queue
 * events with a strictly later time and after those with an equal time. Both orders are fixed, so
 * runs are reproducible.
 *
 * Ownership: the engine owns its queue and its random streams (hf_engine_rng); `ctx` pointers given
 * to it are borrowed. Errors: init and hf_engine_rng fail only when out of memory. */
#ifndef HF_ENGINE_H
#define HF_ENGINE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "sim/event_queue.h"
#include "sim/time.h"

/* A sorted stream of external items (trace or generator arrivals), merged with the queue instead of
 * pushing every item as an event. The source keeps `next_time` current: HF_TIME_NEVER when done.
 * deliver() is called when the clock reaches next_time; it handles one item and advances next_time. */
struct hf_source {
    hf_time next_time;
    void (*deliver)(struct hf_engine *engine, void *ctx);
    void *ctx;
};

/* Called every `progress_every` processed events, counted over the engine's life, not per
 * run_until call (wall-clock checks stay out of the hot loop). */
typedef void (*hf_progress_fn)(const struct hf_engine *engine, void *ctx);

struct hf_named_rng {
    char name[32];
    gsl_rng *rng;
};

/* Fields are private to engine.c; read them through the functions below. */
struct hf_engine {
    hf_time now;
    struct hf_event_queue queue;
    struct hf_source *source;
    uint64_t seed;
    uint64_t events_processed;
    bool stop_requested;
    struct hf_named_rng rngs[16];
    int rng_count;
    hf_progress_fn progress;
    void *progress_ctx;
    uint64_t progress_every;
    uint64_t progress_next; /* events_processed at which the hook runs next: counted across run_until calls,
                             * so a loop of short calls (the drain steps event by event) still reaches it */
    hf_time run_end;
    char failure[256];         /* the first failure (an event in the past, out of memory); "" while none */
    enum hf_exit failure_code; /* the exit code hf_engine_check reports for it */
};

bool hf_engine_init(struct hf_engine *e, uint64_t seed, const char *queue_kind, struct hf_error *err);
void hf_engine_fini(struct hf_engine *e);

static inline hf_time hf_engine_now(const struct hf_engine *e) { return e->now; }

/* Schedules fn(engine, ctx, arg) at absolute time `at` (>= now) or `delay` (>= 0) from now.
 * Returns a handle for hf_engine_cancel, or HF_EVENT_NONE when it cannot: out of memory, or a time
 * in the past (a bug: debug builds abort with both times). Either failure also stops the engine and
 * is reported by hf_engine_check, so a run never goes on with an event lost. */
hf_event_handle hf_engine_at(struct hf_engine *e, hf_time at, hf_event_fn fn, void *ctx, uint64_t arg);
hf_event_handle hf_engine_after(struct hf_engine *e, hf_time delay, hf_event_fn fn, void *ctx,
                                uint64_t arg);
/* Cancels a pending event; false when it already fired or was cancelled. */
bool hf_engine_cancel(struct hf_engine *e, hf_event_handle h);

void hf_engine_set_source(struct hf_engine *e, struct hf_source *source);
void hf_engine_set_progress(struct hf_engine *e, hf_progress_fn fn, void *ctx, uint64_t every);

/* The run's stream for `purpose`, created on first use from (seed, purpose); NULL if out of memory. */
gsl_rng *hf_engine_rng(struct hf_engine *e, const char *purpose);

/* Processes events and arrivals with time <= end, then sets the clock to `end` (unless stopped).
 * Returns the number of events and arrivals processed by this call. */
uint64_t hf_engine_run_until(struct hf_engine *e, hf_time end);

/* False (HF_EXIT_RUN_FAILED, naming what and when) when an event could not be scheduled. */
bool hf_engine_check(const struct hf_engine *e, struct hf_error *err);
/* Fails the run from inside a model (a limit reached, memory exhausted): records the message and
 * the exit code (HF_EXIT_BAD_INPUT for a scenario beyond what the model represents,
 * HF_EXIT_RUN_FAILED otherwise; the first failure wins) and stops the engine; the run loop reports
 * it through hf_engine_check. */
void hf_engine_fail(struct hf_engine *e, enum hf_exit code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* False once an event could not be scheduled (the engine then runs no further). */
static inline bool hf_engine_ok(const struct hf_engine *e) { return e->failure[0] == '\0'; }

/* Events and arrivals processed so far. */
uint64_t hf_engine_events(const struct hf_engine *e);

/* Makes hf_engine_run_until return after the current event. */
void hf_engine_stop(struct hf_engine *e);

/* True when neither the queue nor the source holds anything. */
bool hf_engine_idle(const struct hf_engine *e);

/* When the next event or arrival is due (HF_TIME_NEVER when none): live mode sleeps until then. */
hf_time hf_engine_next_time(struct hf_engine *e);

#endif
