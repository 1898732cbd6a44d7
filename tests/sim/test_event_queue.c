/* Event queue: order, ties, cancel and stale handles, for every implementation, and a randomized
 * comparison against a sorted reference. */
#include <criterion/criterion.h>
#include <string.h>
#include <stdlib.h>

#include "sim/event_queue.h"
#include "sim/event_queue_impl.h"

static void mark(struct hf_engine *e, void *ctx, uint64_t arg)
{
    (void)e;
    (void)ctx;
    (void)arg;
}

static struct hf_event ev_at(hf_time t, uint64_t arg) { return (struct hf_event){t, mark, NULL, arg}; }

/* Runs a check on a fresh queue of every implementation (small capacity hint: growth is tested). */
static void for_each_kind(void (*check)(struct hf_event_queue *q, const char *kind))
{
    for (const char *const *kind = hf_event_queue_kinds; *kind; kind++) {
        struct hf_event_queue q;
        cr_assert(hf_event_queue_create(&q, *kind, 4));
        check(&q, *kind);
        hf_event_queue_destroy(&q);
    }
}

static void check_pops_in_time_order(struct hf_event_queue *q, const char *kind)
{
    hf_time times[] = {50, 10, 40, 30, 20, 60, 0};
    for (size_t i = 0; i < 7; i++) {
        struct hf_event e = ev_at(times[i], i);
        cr_assert_neq(hf_eq_push(q, &e), HF_EVENT_NONE);
    }
    hf_time peek;
    cr_assert(hf_eq_peek(q, &peek));
    cr_assert_eq(peek, 0);
    hf_time last = -1;
    struct hf_event out;
    for (int i = 0; i < 7; i++) {
        cr_assert(hf_eq_pop_min(q, &out), "%s: pop %d", kind, i);
        cr_assert_geq(out.time, last);
        last = out.time;
    }
    cr_assert_not(hf_eq_pop_min(q, &out));
    cr_assert_not(hf_eq_peek(q, &peek));
}

Test(event_queue, pops_in_time_order) { for_each_kind(check_pops_in_time_order); }

static void check_equal_times_leave_in_push_order(struct hf_event_queue *q, const char *kind)
{
    for (uint64_t i = 0; i < 1000; i++) {
        struct hf_event e = ev_at((hf_time)(i % 3), i);
        hf_eq_push(q, &e);
    }
    struct hf_event out;
    uint64_t last_arg[3] = {0, 0, 0};
    bool first[3] = {true, true, true};
    hf_time last_time = 0;
    while (hf_eq_pop_min(q, &out)) {
        cr_assert_geq(out.time, last_time);
        last_time = out.time;
        int t = (int)out.time;
        cr_assert(first[t] || out.arg > last_arg[t], "%s: tie order broken at t=%d", kind, t);
        first[t] = false;
        last_arg[t] = out.arg;
    }
}

Test(event_queue, equal_times_leave_in_push_order) { for_each_kind(check_equal_times_leave_in_push_order); }

static void check_cancel_removes_exactly_that_event(struct hf_event_queue *q, const char *kind)
{
    hf_event_handle h[100];
    for (uint64_t i = 0; i < 100; i++) {
        struct hf_event e = ev_at((hf_time)(100 - i), i);
        h[i] = hf_eq_push(q, &e);
    }
    for (int i = 0; i < 100; i += 2)
        cr_assert(hf_eq_cancel(q, h[i]));
    cr_assert_eq(hf_eq_size(q), 50);
    /* A handle cancelled twice, or never issued, is refused. */
    cr_assert_not(hf_eq_cancel(q, h[0]));
    cr_assert_not(hf_eq_cancel(q, HF_EVENT_NONE));
    cr_assert_not(hf_eq_cancel(q, (hf_event_handle)1 << 40 | 77777));
    struct hf_event out;
    hf_time last = -1;
    while (hf_eq_pop_min(q, &out)) {
        cr_assert_eq(out.arg % 2, 1, "%s: cancelled event %llu fired", kind,
                     (unsigned long long)out.arg);
        cr_assert_gt(out.time, last);
        last = out.time;
    }
}

Test(event_queue, cancel_removes_exactly_that_event) { for_each_kind(check_cancel_removes_exactly_that_event); }

static void check_stale_handle_after_slot_reuse_is_refused(struct hf_event_queue *q, const char *kind)
{
    struct hf_event e = ev_at(5, 1);
    hf_event_handle first = hf_eq_push(q, &e);
    struct hf_event out;
    cr_assert(hf_eq_pop_min(q, &out));
    hf_event_handle second = hf_eq_push(q, &e); /* reuses the freed slot */
    cr_assert_neq(first, second);
    cr_assert_not(hf_eq_cancel(q, first), "%s: stale handle cancelled a new event", kind);
    cr_assert_eq(hf_eq_size(q), 1);
    cr_assert(hf_eq_cancel(q, second));
    cr_assert_eq(hf_eq_size(q), 0);
}

Test(event_queue, stale_handle_after_slot_reuse_is_refused) { for_each_kind(check_stale_handle_after_slot_reuse_is_refused); }

struct ref {
    hf_time time;
    uint64_t seq;
    bool live;
};

static int cmp_ref(const void *a, const void *b)
{
    const struct ref *x = a, *y = b;
    if (x->time != y->time)
        return x->time < y->time ? -1 : 1;
    return x->seq < y->seq ? -1 : (x->seq > y->seq);
}

static void check_random_pushes_pops_and_cancels_match_a_sorted_reference(struct hf_event_queue *q, const char *kind)
{
    enum { N = 20000 };
    struct ref *refs = calloc(N, sizeof *refs);
    hf_event_handle *handles = calloc(N, sizeof *handles);
    srand(7);
    for (uint64_t i = 0; i < N; i++) {
        refs[i] = (struct ref){rand() % 5000, i, true};
        struct hf_event e = ev_at(refs[i].time, i);
        handles[i] = hf_eq_push(q, &e);
    }
    for (uint64_t i = 0; i < N; i += 3) {
        cr_assert(hf_eq_cancel(q, handles[i]));
        refs[i].live = false;
    }
    struct ref *sorted = malloc(N * sizeof *sorted);
    size_t live = 0;
    for (size_t i = 0; i < N; i++)
        if (refs[i].live)
            sorted[live++] = refs[i];
    qsort(sorted, live, sizeof *sorted, cmp_ref);
    cr_assert_eq(hf_eq_size(q), live);
    struct hf_event out;
    for (size_t i = 0; i < live; i++) {
        cr_assert(hf_eq_pop_min(q, &out));
        cr_assert_eq(out.arg, sorted[i].seq, "%s: position %zu", kind, i);
    }
    free(sorted);
    free(refs);
    free(handles);
}

Test(event_queue, random_pushes_pops_and_cancels_match_a_sorted_reference) { for_each_kind(check_random_pushes_pops_and_cancels_match_a_sorted_reference); }

/* Holds, ties and cancels across many renumberings of the sequence (every 64 pushes here, every 2^32
 * in a run): the order is still (time, push order), checked against a reference that scans. */
static void check_order_survives_renumbering(struct hf_event_queue *q, const char *kind)
{
    if (strcmp(kind, "heap4") == 0)
        hf_heap4_set_seq_limit(q->impl, 64);
    else
        hf_heap2_set_seq_limit(q->impl, 64);
    enum { OPS = 30000, MAX_LIVE = 4096 };
    struct ref *refs = calloc(OPS, sizeof *refs);
    hf_event_handle *handles = calloc(OPS, sizeof *handles);
    uint64_t pushed = 0, live = 0;
    hf_time now = 0;
    srand(11);
    for (int op = 0; op < OPS; op++) {
        int r = rand() % 10;
        if ((r < 5 || live == 0) && pushed < OPS && live < MAX_LIVE) {
            refs[pushed] = (struct ref){now + rand() % 8, pushed, true}; /* few distinct times: many ties */
            struct hf_event e = ev_at(refs[pushed].time, pushed);
            handles[pushed] = hf_eq_push(q, &e);
            pushed++, live++;
        } else if (r < 6 && live > 0) {
            uint64_t victim = (uint64_t)rand() % pushed;
            bool ok = hf_eq_cancel(q, handles[victim]);
            cr_assert_eq(ok, refs[victim].live, "%s: cancel of %llu", kind, (unsigned long long)victim);
            if (ok)
                refs[victim].live = false, live--;
        } else if (live > 0) {
            uint64_t best = UINT64_MAX;
            for (uint64_t i = 0; i < pushed; i++)
                if (refs[i].live && (best == UINT64_MAX || cmp_ref(&refs[i], &refs[best]) < 0))
                    best = i;
            struct hf_event out;
            cr_assert(hf_eq_pop_min(q, &out));
            cr_assert_eq(out.arg, best, "%s: op %d: popped %llu, expected %llu", kind, op,
                         (unsigned long long)out.arg, (unsigned long long)best);
            refs[best].live = false, live--;
            now = refs[best].time;
        }
    }
    cr_assert_eq(hf_eq_size(q), live);
    free(refs);
    free(handles);
}

Test(event_queue, order_survives_renumbering_of_the_sequence) { for_each_kind(check_order_survives_renumbering); }

Test(event_queue, unknown_kind_is_refused)
{
    struct hf_event_queue q;
    cr_assert_not(hf_event_queue_create(&q, "calendar", 16));
}
