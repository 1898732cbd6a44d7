/* TEMPLATE: a new trace format (docs/architecture.md, "Guide: a new trace format"). The build
 * compiles this file (target hfsim_templates) but wires nothing: copy it to traces/NAME.c, add the
 * format to enum hf_trace_format and its name table (traces/trace.h), one case in hf_trace_open
 * (traces/trace.c), and tests/traces/test_NAME.c plus a libFuzzer harness (tests/fuzz/). A trace
 * format may include sim/ and traces/ only.
 *
 * The format here: one arrival per line, `time_s` (sorted), all for one function "f", each 100 ms
 * of CPU work. index() reads and checks the whole input first (every error is FILE:LINE, exit 3),
 * so a replay never stops half way; refill() streams it in bounded memory. Files may be gzip or xz:
 * hf_csv_open reads them as they are. */
#include <math.h>
#include <stdlib.h>

#include "traces/csv_stream.h"
#include "traces/trace_internal.h"

struct state {
    struct hf_csv_reader *reader;
    bool eof;
};

static bool row_time(struct hf_csv_reader *r, const struct hf_csv_row *row, double *time_s, struct hf_error *err)
{
    if (row->count != 1)
        return hf_csv_fail(r, row->line, err, "expected one field (time_s), found %zu", row->count);
    if (!hf_csv_double(r, row, 0, "time_s", time_s, err))
        return false;
    if (*time_s < 0 || *time_s > HF_TRACE_MAX_TIME_S)
        return hf_csv_fail(r, row->line, err, "time_s %g is outside 0..%g s", *time_s, HF_TRACE_MAX_TIME_S);
    return true;
}

static bool template_index(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = calloc(1, sizeof *s);
    if (!s)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    t->format_state = s;
    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, t->path, err))
        return false;
    int64_t f = hf_trace_add_function(t, "f", err);
    bool ok = f >= 0;
    t->stats.range_start_s = t->options.from_minute >= 0 ? t->options.from_minute * 60.0 : 0;
    t->stats.range_end_s = t->options.to_minute >= 0 ? t->options.to_minute * 60.0 : INFINITY;
    t->last_arrival_s = t->stats.range_start_s;
    double previous = 0, time_s;
    struct hf_csv_row row;
    int got = 0;
    while (ok && (got = hf_csv_next(r, &row, err)) == 1) {
        t->stats.rows++;
        bool row_ok = row_time(r, &row, &time_s, err);
        if (row_ok && time_s < previous)
            row_ok = hf_csv_fail(r, row.line, err, "time_s %g is before the previous row's %g", time_s, previous);
        if (!row_ok) {
            if (hf_trace_skip_row(t, err))
                continue;
            ok = false;
            break;
        }
        previous = time_s;
        if (!hf_trace_in_range(t, time_s)) {
            t->stats.outside_range++;
            continue;
        }
        t->functions[f].invocations++;
        t->functions[f].has_duration = true;
        t->last_arrival_s = time_s;
    }
    if (got < 0)
        ok = false;
    hf_csv_close(r);
    return ok;
}

static bool template_begin(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    return hf_csv_open(&s->reader, t->path, err);
}

static bool template_refill(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    struct hf_csv_row row;
    double time_s;
    while (!s->eof && t->batch_count < 4096) {
        int got = hf_csv_next(s->reader, &row, err);
        if (got < 0)
            return false;
        if (got == 0) {
            s->eof = true;
            break;
        }
        if (!row_time(s->reader, &row, &time_s, err)) {
            if (t->options.skip_bad_rows)
                continue; /* counted by index() */
            return false;
        }
        uint32_t m = t->functions[0].model_index;
        if (!hf_trace_in_range(t, time_s) || m == HF_TRACE_NOT_REPLAYED)
            continue;
        struct hf_trace_item item = {.at = hf_trace_sim_time(t, time_s), .work = 100 * HF_NS_PER_MS, .function = m,
                                     .memory_mb = t->options.default_memory_mb};
        if (!hf_trace_push(t, &item))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    return true;
}

static void template_close(struct hf_trace *t)
{
    struct state *s = t->format_state;
    if (s) {
        hf_csv_close(s->reader);
        free(s);
    }
    t->format_state = NULL;
}

const struct hf_trace_format_ops hf_trace_template_ops = {
    .index = template_index,
    .begin = template_begin,
    .refill = template_refill,
    .close = template_close,
};
