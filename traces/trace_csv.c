/* hfsim's own CSV trace, for hand-written workloads (docs/traces.md):
 *
 *   time_s,function,duration_ms[,memory_mb]
 *   0.0,thumbnail,120
 *   0.5,resize,80,256
 *
 * One row per invocation, sorted by time_s (seconds from the start, >= 0); `function` is any
 * non-empty name; duration_ms is the CPU demand at one core; memory_mb, when the column exists, what
 * the invocation holds (otherwise the scenario's workload.memory_mb). Columns may come in any order;
 * other columns are ignored. The range starts at time 0 unless --minutes says otherwise.
 *
 * The index pass parses and checks every row before the run; the rows in range are kept (up to
 * options.csv_keep_bytes) and replayed from memory, so a file is parsed once. Past that size the
 * kept rows are dropped and the replay reads the file again, a batch at a time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "traces/csv_stream.h"
#include "traces/trace_internal.h"

/* A row in range as the index pass read it. */
struct kept_row {
    double time_s, duration_ms;
    uint32_t function; /* input index */
    uint32_t memory_mb;
};

struct state {
    struct hf_csv_reader *reader;
    int time, function, duration, memory;
    size_t columns;
    bool eof;
    double previous_s; /* streaming: the last row's time */
    struct kept_row *kept; /* NULL: the replay reads the file again */
    size_t kept_count, kept_cap, kept_pos;
};

/* Keeps a row for the replay while the budget allows; past it, drops them all (the replay then
 * streams the file). */
static void keep_row(const struct hf_trace *t, struct state *s, const struct kept_row *row)
{
    if (!s->kept && s->kept_cap > 0)
        return; /* dropped already */
    if (s->kept_count == s->kept_cap) {
        size_t cap = s->kept_cap ? s->kept_cap * 2 : 4096;
        struct kept_row *grown = (uint64_t)cap * sizeof *grown <= t->options.csv_keep_bytes
                                     ? realloc(s->kept, cap * sizeof *grown)
                                     : NULL;
        if (!grown) { /* over the budget, or no memory: read the file again instead */
            free(s->kept);
            s->kept = NULL;
            s->kept_count = 0;
            s->kept_cap = SIZE_MAX;
            return;
        }
        s->kept = grown;
        s->kept_cap = cap;
    }
    s->kept[s->kept_count++] = *row;
}

struct parsed {
    double time_s, duration_ms;
    uint32_t memory_mb;
    const char *name;
    size_t name_len;
};

static bool parse_header(struct state *s, struct hf_csv_reader *r, struct hf_error *err)
{
    struct hf_csv_row row;
    int got = hf_csv_next(r, &row, err);
    if (got < 0)
        return false;
    if (got == 0)
        return hf_csv_fail(r, 1, err, "empty file: expected the header time_s,function,duration_ms[,memory_mb]");
    s->time = hf_csv_column(&row, "time_s");
    s->function = hf_csv_column(&row, "function");
    s->duration = hf_csv_column(&row, "duration_ms");
    s->memory = hf_csv_column(&row, "memory_mb");
    const char *missing = s->time < 0 ? "time_s" : s->function < 0 ? "function" : s->duration < 0 ? "duration_ms"
                                                                                                   : NULL;
    if (missing)
        return hf_csv_fail(r, row.line, err, "missing column %s (expected time_s,function,duration_ms"
                                             "[,memory_mb])", missing);
    s->columns = row.count;
    return true;
}

static bool parse_row(const struct hf_trace *t, struct state *s, struct hf_csv_reader *r,
                      const struct hf_csv_row *row, struct parsed *p, struct hf_error *err)
{
    if (row->count != s->columns)
        return hf_csv_fail(r, row->line, err, "expected %zu fields as in the header, found %zu", s->columns,
                           row->count);
    p->name = row->fields[s->function];
    p->name_len = row->lengths[s->function];
    if (!*p->name)
        return hf_csv_fail(r, row->line, err, "column function: empty");
    if (!hf_csv_double(r, row, (size_t)s->time, "time_s", &p->time_s, err) ||
        !hf_csv_double(r, row, (size_t)s->duration, "duration_ms", &p->duration_ms, err))
        return false;
    if (p->time_s < 0 || p->time_s > HF_TRACE_MAX_TIME_S)
        return hf_csv_fail(r, row->line, err, "column time_s: %g is outside 0..%g s", p->time_s, HF_TRACE_MAX_TIME_S);
    if (p->duration_ms < 0 || p->duration_ms > 1e10)
        return hf_csv_fail(r, row->line, err, "column duration_ms: %g is outside 0..1e10 ms", p->duration_ms);
    p->memory_mb = t->options.default_memory_mb;
    if (s->memory >= 0 && !hf_csv_u32(r, row, (size_t)s->memory, "memory_mb", &p->memory_mb, err))
        return false;
    return true;
}

static bool csv_index(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = calloc(1, sizeof *s);
    if (!s)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    t->format_state = s;
    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, t->path, err))
        return false;
    bool ok = parse_header(s, r, err);
    t->stats.range_start_s = t->options.from_minute >= 0 ? t->options.from_minute * 60.0 : 0;
    t->stats.range_end_s = t->options.to_minute >= 0 ? t->options.to_minute * 60.0 : INFINITY;
    t->last_arrival_s = t->stats.range_start_s;
    double previous = 0;
    struct hf_csv_row row;
    struct parsed p;
    int got = 0;
    while (ok && (got = hf_csv_next(r, &row, err)) == 1) {
        t->stats.rows++;
        bool row_ok = parse_row(t, s, r, &row, &p, err);
        if (row_ok && p.time_s < previous)
            row_ok = hf_csv_fail(r, row.line, err, "time_s %.15g is before the previous row's %.15g: rows must be "
                                                   "sorted by time", p.time_s, previous);
        if (!row_ok) {
            if (hf_trace_skip_row(t, err))
                continue;
            ok = false;
            break;
        }
        previous = p.time_s;
        int64_t f = hf_trace_find_function_n(t, p.name, p.name_len);
        if (f < 0 && (f = hf_trace_add_function(t, p.name, err)) < 0) {
            ok = false;
            break;
        }
        if (!hf_trace_in_range(t, p.time_s)) {
            t->stats.outside_range++;
            continue;
        }
        t->functions[f].invocations++;
        t->functions[f].has_duration = true;
        t->last_arrival_s = p.time_s;
        keep_row(t, s, &(struct kept_row){p.time_s, p.duration_ms, (uint32_t)f, p.memory_mb});
    }
    if (got < 0)
        ok = false;
    if (ok && t->stats.rows == 0)
        ok = hf_csv_fail(r, 2, err, "no invocation rows after the header");
    hf_csv_close(r);
    return ok;
}

static bool csv_begin(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    if (s->kept)
        return true;
    return hf_csv_open(&s->reader, t->path, err) && parse_header(s, s->reader, err);
}

/* An item for the model from a row in range; false when the function is not replayed. */
static bool make_item(const struct hf_trace *t, double time_s, double duration_ms, uint32_t input_function,
                      uint32_t memory_mb, struct hf_trace_item *item)
{
    uint32_t m = t->functions[input_function].model_index;
    if (m == HF_TRACE_NOT_REPLAYED)
        return false;
    *item = (struct hf_trace_item){
        .at = hf_trace_sim_time(t, time_s),
        .work = hf_time_from_ms(duration_ms),
        .function = m,
        .memory_mb = memory_mb,
    };
    return true;
}

/* The replay from the rows the index pass kept. */
static bool refill_kept(struct hf_trace *t, struct state *s, struct hf_error *err)
{
    size_t start = t->batch_count;
    while (s->kept_pos < s->kept_count && t->batch_count - start < 4096) {
        const struct kept_row *row = &s->kept[s->kept_pos++];
        struct hf_trace_item item;
        if (make_item(t, row->time_s, row->duration_ms, row->function, row->memory_mb, &item) &&
            !hf_trace_push(t, &item))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    return true;
}

static bool csv_refill(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    if (s->kept)
        return refill_kept(t, s, err);
    struct hf_csv_row row;
    struct parsed p;
    while (!s->eof && t->batch_count < 4096) {
        int got = hf_csv_next(s->reader, &row, err);
        if (got < 0)
            return false;
        if (got == 0) {
            s->eof = true;
            break;
        }
        bool row_ok = parse_row(t, s, s->reader, &row, &p, err) && p.time_s >= s->previous_s;
        if (!row_ok) {
            if (t->options.skip_bad_rows)
                continue; /* counted when the trace was indexed */
            return hf_csv_fail(s->reader, row.line, err, "the file changed since it was indexed");
        }
        s->previous_s = p.time_s;
        if (!hf_trace_in_range(t, p.time_s))
            continue;
        int64_t f = hf_trace_find_function_n(t, p.name, p.name_len);
        if (f < 0)
            return hf_csv_fail(s->reader, row.line, err, "the file changed since it was indexed");
        struct hf_trace_item item;
        if (make_item(t, p.time_s, p.duration_ms, (uint32_t)f, p.memory_mb, &item) && !hf_trace_push(t, &item))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    return true;
}

static void csv_close(struct hf_trace *t)
{
    struct state *s = t->format_state;
    if (s) {
        hf_csv_close(s->reader);
        free(s->kept);
        free(s);
    }
    t->format_state = NULL;
}

const struct hf_trace_format_ops hf_trace_csv_ops = {
    .index = csv_index,
    .begin = csv_begin,
    .refill = csv_refill,
    .close = csv_close,
};
