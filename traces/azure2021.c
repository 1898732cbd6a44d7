/* Azure Functions 2021 (AzureFunctionsInvocationTrace2021): one row per invocation,
 *
 *   app,func,end_timestamp,duration      (hashes; seconds since the trace start; seconds)
 *
 * The arrival is end_timestamp - duration. The file is ordered by end time, so arrivals come out of
 * order; replay keeps the rows of the last `reorder_window_s` seconds (of end time) in a min-heap and
 * releases an arrival once every row still to come must arrive later, i.e. once it is more than the
 * window before the latest end time read. An invocation that lasted longer than the window can still
 * arrive before one already released: it is delivered at once and counted in late_rows.
 *
 * The range starts at --minutes' first minute or, by default, at the earliest arrival. A row whose
 * start would be negative (it ran longer than its end time: it began before the trace's window) is
 * replayed from that start, so the default range begins before 0, and counted in negative_starts. The trace has no memory: every invocation holds the scenario's
 * workload.memory_mb. Durations are used as they are (CPU demand at one core). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traces/csv_stream.h"
#include "traces/trace_internal.h"

struct pending {
    double arrival_s;
    uint64_t sequence; /* row order: ties resolve the same way every run */
    hf_time work;
    uint32_t function;
};

struct state {
    struct hf_csv_reader *reader;
    int app, func, end, duration;
    size_t columns;
    struct pending *heap;
    size_t heap_count, heap_cap;
    uint64_t sequence;
    double latest_end_s, released_s;
    bool released_any, eof;
};

struct parsed {
    double arrival_s, duration_s, end_s;
    char key[700];
};

static bool parse_header(struct hf_trace *t, struct state *s, struct hf_csv_reader *r, struct hf_error *err)
{
    struct hf_csv_row row;
    int got = hf_csv_next(r, &row, err);
    if (got < 0)
        return false;
    if (got == 0)
        return hf_csv_fail(r, 1, err, "empty file: expected the header app,func,end_timestamp,duration");
    s->app = hf_csv_column(&row, "app");
    s->func = hf_csv_column(&row, "func");
    s->end = hf_csv_column(&row, "end_timestamp");
    s->duration = hf_csv_column(&row, "duration");
    const char *missing = s->app < 0 ? "app" : s->func < 0 ? "func" : s->end < 0 ? "end_timestamp"
                        : s->duration < 0 ? "duration" : NULL;
    if (missing)
        return hf_csv_fail(r, row.line, err, "missing column %s (expected app,func,end_timestamp,duration)",
                           missing);
    s->columns = row.count;
    (void)t;
    return true;
}

static bool parse_row(struct state *s, struct hf_csv_reader *r, const struct hf_csv_row *row, struct parsed *p,
                      struct hf_error *err)
{
    if (row->count != s->columns)
        return hf_csv_fail(r, row->line, err, "expected %zu fields as in the header, found %zu", s->columns,
                           row->count);
    if (!*row->fields[s->app] || !*row->fields[s->func])
        return hf_csv_fail(r, row->line, err, "empty app or func");
    if (!hf_csv_double(r, row, (size_t)s->end, "end_timestamp", &p->end_s, err) ||
        !hf_csv_double(r, row, (size_t)s->duration, "duration", &p->duration_s, err))
        return false;
    if (p->duration_s < 0)
        return hf_csv_fail(r, row->line, err, "column duration: negative (%g s)", p->duration_s);
    if (fabs(p->end_s) > HF_TRACE_MAX_TIME_S || p->duration_s > HF_TRACE_MAX_TIME_S)
        return hf_csv_fail(r, row->line, err, "end_timestamp or duration beyond %g s (seconds expected)",
                           HF_TRACE_MAX_TIME_S);
    p->arrival_s = p->end_s - p->duration_s;
    snprintf(p->key, sizeof p->key, "%.300s/%.300s", row->fields[s->app], row->fields[s->func]);
    return true;
}

static void release(struct state *s)
{
    if (!s)
        return;
    hf_csv_close(s->reader);
    free(s->heap);
    free(s);
}

static bool az21_index(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = calloc(1, sizeof *s);
    if (!s)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    t->format_state = s;
    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, t->path, err))
        return false;
    bool ok = parse_header(t, s, r, err);
    double from = t->options.from_minute >= 0 ? t->options.from_minute * 60.0 : -INFINITY;
    double to = t->options.to_minute >= 0 ? t->options.to_minute * 60.0 : INFINITY;
    double earliest = INFINITY, latest = -INFINITY;
    struct hf_csv_row row;
    struct parsed p;
    int got = 0;
    while (ok && (got = hf_csv_next(r, &row, err)) == 1) {
        t->stats.rows++;
        if (!parse_row(s, r, &row, &p, err)) {
            if (hf_trace_skip_row(t, err))
                continue;
            ok = false;
            break;
        }
        int64_t f = hf_trace_find_function(t, p.key);
        if (f < 0 && (f = hf_trace_add_function(t, p.key, err)) < 0) {
            ok = false;
            break;
        }
        if (p.arrival_s < from || p.arrival_s >= to) {
            t->stats.outside_range++;
            continue;
        }
        if (p.arrival_s < 0)
            t->stats.negative_starts++; /* began before the trace's window: kept, and counted */
        t->functions[f].invocations++;
        t->functions[f].has_duration = true;
        earliest = fmin(earliest, p.arrival_s);
        latest = fmax(latest, p.arrival_s);
    }
    if (got < 0)
        ok = false;
    if (ok && t->stats.rows == 0)
        ok = hf_csv_fail(r, 2, err, "no invocation rows after the header");
    hf_csv_close(r);
    t->stats.range_start_s = isfinite(from) ? from : (isfinite(earliest) ? earliest : 0);
    t->stats.range_end_s = to;
    t->last_arrival_s = isfinite(latest) ? latest : t->stats.range_start_s;
    return ok;
}

static bool earlier(const struct pending *a, const struct pending *b)
{
    return a->arrival_s < b->arrival_s || (a->arrival_s == b->arrival_s && a->sequence < b->sequence);
}

static bool heap_push(struct state *s, const struct pending *p)
{
    if (s->heap_count == s->heap_cap) {
        size_t cap = s->heap_cap ? s->heap_cap * 2 : 1024;
        struct pending *grown = realloc(s->heap, cap * sizeof *grown);
        if (!grown)
            return false;
        s->heap = grown;
        s->heap_cap = cap;
    }
    size_t i = s->heap_count++;
    while (i > 0 && earlier(p, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = *p;
    return true;
}

static struct pending heap_pop(struct state *s)
{
    struct pending top = s->heap[0], last = s->heap[--s->heap_count];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->heap_count)
            break;
        if (c + 1 < s->heap_count && earlier(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!earlier(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->heap_count)
        s->heap[i] = last;
    return top;
}

static bool az21_begin(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    if (!hf_csv_open(&s->reader, t->path, err) || !parse_header(t, s, s->reader, err))
        return false;
    s->latest_end_s = -INFINITY;
    return true;
}

/* Reads rows until the heap's earliest arrival is safe to release (or the file ends). */
static bool read_until_safe(struct hf_trace *t, struct state *s, struct hf_error *err)
{
    struct hf_csv_row row;
    struct parsed p;
    while (!s->eof && (s->heap_count == 0 ||
                       s->heap[0].arrival_s > s->latest_end_s - t->options.reorder_window_s)) {
        int got = hf_csv_next(s->reader, &row, err);
        if (got < 0)
            return false;
        if (got == 0) {
            s->eof = true;
            break;
        }
        if (!parse_row(s, s->reader, &row, &p, err)) {
            if (t->options.skip_bad_rows)
                continue; /* counted when the trace was indexed */
            return false;
        }
        s->latest_end_s = fmax(s->latest_end_s, p.end_s);
        if (!hf_trace_in_range(t, p.arrival_s))
            continue;
        int64_t f = hf_trace_find_function(t, p.key);
        if (f < 0)
            return hf_csv_fail(s->reader, row.line, err, "the file changed since it was indexed");
        uint32_t m = t->functions[f].model_index;
        if (m == HF_TRACE_NOT_REPLAYED)
            continue;
        struct pending item = {p.arrival_s, s->sequence++, hf_time_from_s(p.duration_s), m};
        if (!heap_push(s, &item))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    return true;
}

static bool az21_refill(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    if (!read_until_safe(t, s, err))
        return false;
    while (s->heap_count > 0 &&
           (s->eof || s->heap[0].arrival_s <= s->latest_end_s - t->options.reorder_window_s)) {
        struct pending p = heap_pop(s);
        if (s->released_any && p.arrival_s < s->released_s)
            t->stats.late_rows++;
        else
            s->released_s = p.arrival_s;
        s->released_any = true;
        struct hf_trace_item item = {
            .at = hf_trace_sim_time(t, p.arrival_s),
            .work = p.work,
            .function = p.function,
            .memory_mb = t->options.default_memory_mb,
        };
        if (!hf_trace_push(t, &item))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        if (t->batch_count >= 4096)
            break;
    }
    return true;
}

static void az21_close(struct hf_trace *t)
{
    release(t->format_state);
    t->format_state = NULL;
}

const struct hf_trace_format_ops hf_trace_azure2021_ops = {
    .index = az21_index,
    .begin = az21_begin,
    .refill = az21_refill,
    .close = az21_close,
};
