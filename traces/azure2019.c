/* Azure Functions 2019 (AzureFunctionsDataset2019): per-minute invocation counts per function,
 * joined with per-function duration percentiles and per-app memory percentiles.
 *
 *   invocations_per_function_md.anon.dNN.csv   HashOwner,HashApp,HashFunction,Trigger,1,...,1440
 *   function_durations_percentiles.anon.dNN.csv HashOwner,HashApp,HashFunction,Average,Count,Minimum,
 *        Maximum,percentile_Average_0,_1,_25,_50,_75,_99,_100   (ms)
 *   app_memory_percentiles.anon.dNN.csv         HashOwner,HashApp,SampleCount,AverageAllocatedMb,
 *        AverageAllocatedMb_pct1,_pct5,_pct25,_pct50,_pct75,_pct95,_pct99,_pct100   (MB)
 *
 * Columns are found by header name; minute columns are "1".."M" in order (M = 1440 in the dataset;
 * hfsim's own samples may be shorter). Only non-zero counts are kept, per function, so memory grows
 * with functions x active minutes. Replay walks one minute at a time: each replayed function's count
 * for that minute becomes arrival times (enum hf_trace_arrivals), the minute's arrivals are sorted
 * by (time, function), then each draws a duration from its function's percentile curve and memory
 * from its app's curve divided evenly among the app's functions in the invocations file (the dataset
 * reports memory per app; an even split is the simplest rule that keeps the app's total). */
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_randist.h>

#include "traces/csv_stream.h"
#include "traces/radix_sort.h"
#include "traces/trace_internal.h"

#define FUNCTION_BITS 28 /* low bits of a sort key: the model function index */
#define NS_PER_MINUTE 60000000000ull
/* A minute's arrivals are generated in memory: one function may not ask for more than this in one
 * minute (167,000 per second), or a corrupt count could demand tens of gigabytes. */

struct minute_count {
    uint32_t minute, count;
};

struct app {
    uint32_t functions; /* in the invocations file */
    bool has_memory;
    struct hf_quantile_curve memory_mb; /* whole app */
};

struct state {
    struct minute_count *entries;
    size_t entry_count, entry_cap;
    size_t *first_entry; /* per input function, into entries; [f+1] ends it */
    struct app *apps;
    uint32_t app_count, app_cap;
    json_t *app_index;
    uint32_t minutes; /* M */
    uint32_t from_minute, to_minute;
    /* streaming */
    uint32_t minute;
    size_t *cursor; /* per model function */
    uint64_t *keys, *scratch;
    size_t key_count, key_cap;
};

/* With --skip-bad-rows, counts the row (the first few are shown) and tells the caller to go on. */
static bool row_problem(struct hf_trace *t, struct hf_error *err)
{
    return hf_trace_skip_row(t, err);
}

static bool exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* The companion file for the invocations file's day: dir/<prefix>.anon.dNN.csv, compressed or not
 * (gzip and xz are read transparently, and a user may have compressed only the large invocations
 * file): the first that exists of the invocations file's own suffix, then .csv, .csv.gz, .csv.xz.
 * NULL when the name has no .anon.dNN day; the first candidate when none exists (for the message). */
static char *beside(const char *invocations, const char *prefix)
{
    const char *base = strrchr(invocations, '/');
    base = base ? base + 1 : invocations;
    const char *day = strstr(base, ".anon.d");
    if (!day)
        return NULL;
    size_t day_len = strlen(".anon.d");
    while (day[day_len] >= '0' && day[day_len] <= '9')
        day_len++;
    const char *suffixes[] = {day + day_len, ".csv", ".csv.gz", ".csv.xz"};
    size_t dir_len = (size_t)(base - invocations);
    char *first = NULL;
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        size_t need = dir_len + strlen(prefix) + day_len + strlen(suffixes[i]) + 1;
        char *path = malloc(need);
        if (!path)
            break;
        snprintf(path, need, "%.*s%s%.*s%s", (int)dir_len, invocations, prefix, (int)day_len, day, suffixes[i]);
        if (exists(path)) {
            free(first);
            return path;
        }
        if (first)
            free(path);
        else
            first = path;
    }
    return first;
}

static int64_t app_for(struct state *s, const char *key, struct hf_error *err)
{
    const json_t *v = json_object_get(s->app_index, key);
    if (v)
        return json_integer_value(v);
    if (s->app_count == s->app_cap) {
        uint32_t cap = s->app_cap ? s->app_cap * 2 : 1024;
        struct app *grown = realloc(s->apps, cap * sizeof *grown);
        if (!grown)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory"), -1;
        s->apps = grown;
        s->app_cap = cap;
    }
    memset(&s->apps[s->app_count], 0, sizeof s->apps[s->app_count]);
    if (json_object_set_new_nocheck(s->app_index, key, json_integer(s->app_count)))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory"), -1;
    return s->app_count++;
}

static bool push_entry(struct state *s, uint32_t minute, uint32_t count)
{
    if (s->entry_count == s->entry_cap) {
        size_t cap = s->entry_cap ? s->entry_cap * 2 : 65536;
        struct minute_count *grown = realloc(s->entries, cap * sizeof *grown);
        if (!grown)
            return false;
        s->entries = grown;
        s->entry_cap = cap;
    }
    s->entries[s->entry_count++] = (struct minute_count){minute, count};
    return true;
}

/* The invocations file's header: where the key columns are and how many minute columns follow. */
struct header {
    int owner, app, func, first; /* column indices; `first` is minute 1 */
    size_t columns;
};

/* Reads the header and settles the minute range the replay covers. */
static bool read_header(struct hf_trace *t, struct state *s, struct hf_csv_reader *r, struct header *h,
                        struct hf_error *err)
{
    struct hf_csv_row row;
    int got = hf_csv_next(r, &row, err);
    if (got == 0)
        return hf_csv_fail(r, 1, err, "empty file: expected a header HashOwner,HashApp,HashFunction,"
                                      "Trigger,1,...,1440");
    if (got < 0)
        return false;
    h->owner = hf_csv_column(&row, "HashOwner");
    h->app = hf_csv_column(&row, "HashApp");
    h->func = hf_csv_column(&row, "HashFunction");
    h->first = hf_csv_column(&row, "1");
    const char *missing = h->owner < 0 ? "HashOwner" : h->app < 0 ? "HashApp" : h->func < 0 ? "HashFunction"
                        : h->first < 0 ? "1 (the first minute)" : NULL;
    if (missing)
        return hf_csv_fail(r, row.line, err, "missing column %s (is this an invocations_per_function file?)",
                           missing);
    h->columns = row.count;
    uint32_t m = 0;
    char want[16];
    for (size_t i = (size_t)h->first; i < row.count; i++) {
        snprintf(want, sizeof want, "%u", m + 1);
        if (strcmp(row.fields[i], want) != 0)
            break;
        m++;
    }
    s->minutes = m;
    if (m > 65535)
        return hf_csv_fail(r, row.line, err, "%u minute columns: at most 65535", m);
    double from = t->options.from_minute, to = t->options.to_minute;
    if ((from >= 0 && from != floor(from)) || (to >= 0 && to != floor(to)))
        return hf_fail(err, HF_EXIT_USAGE, "%s: azure2019 counts whole minutes: the minute range must be whole "
                                           "numbers", t->path);
    s->from_minute = from >= 0 ? (uint32_t)from : 0;
    s->to_minute = to >= 0 ? (uint32_t)fmin(to, 4294967295.0) : s->minutes;
    if (s->to_minute > s->minutes || s->from_minute >= s->minutes)
        return hf_fail(err, HF_EXIT_USAGE, "%s: minutes %u-%u are outside the trace's %u minutes", t->path,
                       s->from_minute, s->to_minute, s->minutes);
    t->stats.range_start_s = s->from_minute * 60.0;
    t->stats.range_end_s = s->to_minute * 60.0;
    return true;
}

/* A row's per-minute counts: the non-zero ones in range become entries, their sum *in_range.
 * 1: read; 0: a bad count (err says which; the caller may skip the row); -1: out of memory. */
static int read_counts(struct state *s, struct hf_csv_reader *r, struct hf_csv_row *row, size_t first,
                       uint64_t *in_range, struct hf_error *err)
{
    *in_range = 0;
    for (uint32_t m = 0; m < s->minutes; m++) {
        /* 1,440 counts per row, 72 million in a full day: plain digits take a fast path, anything
         * else the strict conversion that says what is wrong. */
        const char *text = row->fields[first + m], *d = text;
        uint64_t v = 0;
        while (*d >= '0' && *d <= '9' && v <= UINT32_MAX)
            v = v * 10 + (uint64_t)(*d++ - '0');
        uint32_t c = (uint32_t)v;
        if (!*text || *d || v > UINT32_MAX || c > HF_TRACE_MAX_PER_MINUTE) {
            char name[16]; /* the column's name, made only on this slow path */
            snprintf(name, sizeof name, "%u", m + 1);
            if (!hf_csv_u32(r, row, first + m, name, &c, err))
                return 0;
            if (c > HF_TRACE_MAX_PER_MINUTE)
                return hf_csv_fail(r, row->line, err, "column %s: %u invocations in one minute: more than the %u "
                                                      "hfsim replays per function and minute",
                                   name, c, HF_TRACE_MAX_PER_MINUTE);
        }
        if (c && m >= s->from_minute && m < s->to_minute) {
            if (!push_entry(s, m, c))
                return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory"), -1;
            *in_range += c;
        }
    }
    return 1;
}

/* Room for the entry range of function index `f` (first_entry[f + 1] is its end). */
static bool reserve_first_entry(struct state *s, int64_t f, size_t *cap, struct hf_error *err)
{
    if ((size_t)f + 2 <= *cap)
        return true;
    size_t grown_cap = *cap ? *cap * 2 : 1024;
    size_t *grown = realloc(s->first_entry, grown_cap * sizeof *grown);
    if (!grown)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    s->first_entry = grown;
    *cap = grown_cap;
    return true;
}

static bool read_invocations(struct hf_trace *t, struct state *s, struct hf_error *err)
{
    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, t->path, err))
        return false;
    struct header h = {0};
    bool ok = read_header(t, s, r, &h, err);
    struct hf_csv_row row;
    char key[1024], app_key[700];
    size_t first_entry_cap = 0;
    int got = 0;
    while (ok && (got = hf_csv_next(r, &row, err)) == 1) {
        t->stats.rows++;
        size_t mark = s->entry_count;
        uint64_t in_range = 0;
        int counted = 0;
        if (row.count != h.columns)
            hf_csv_fail(r, row.line, err, "expected %zu fields as in the header, found %zu%s", h.columns, row.count,
                        row.count < h.columns ? " (truncated row?)" : "");
        else if (!*row.fields[h.func] || !*row.fields[h.app])
            hf_csv_fail(r, row.line, err, "empty HashApp or HashFunction");
        else
            counted = read_counts(s, r, &row, (size_t)h.first, &in_range, err);
        if (counted < 0) {
            ok = false;
            break;
        }
        if (counted) {
            snprintf(app_key, sizeof app_key, "%.300s/%.300s", row.fields[h.owner], row.fields[h.app]);
            snprintf(key, sizeof key, "%s/%.300s", app_key, row.fields[h.func]);
            if (hf_trace_find_function(t, key) >= 0)
                counted = hf_csv_fail(r, row.line, err, "duplicate function %s (already on an earlier line)",
                                      row.fields[h.func]);
        }
        if (!counted) {
            s->entry_count = mark;
            if (row_problem(t, err))
                continue;
            ok = false;
            break;
        }
        int64_t f = hf_trace_add_function(t, key, err);
        int64_t a = f >= 0 ? app_for(s, app_key, err) : -1;
        if (f < 0 || a < 0 || !reserve_first_entry(s, f, &first_entry_cap, err)) {
            ok = false;
            break;
        }
        s->first_entry[f] = mark;
        s->first_entry[f + 1] = s->entry_count;
        t->functions[f].invocations = in_range;
        t->functions[f].app = (uint32_t)a;
        s->apps[a].functions++;
    }
    if (got < 0)
        ok = false;
    if (ok && t->function_count == 0)
        ok = hf_csv_fail(r, 2, err, "no function rows after the header");
    if (ok && !s->first_entry) {
        s->first_entry = calloc(1, sizeof *s->first_entry);
        ok = s->first_entry != NULL;
    }
    hf_csv_close(r);
    return ok;
}

struct column_set {
    const char *name;
    int index;
};

static bool find_columns(struct hf_csv_reader *r, const struct hf_csv_row *header, struct column_set *cols,
                         int count, const char *what, struct hf_error *err)
{
    for (int i = 0; i < count; i++) {
        cols[i].index = hf_csv_column(header, cols[i].name);
        if (cols[i].index < 0)
            return hf_csv_fail(r, header->line, err, "missing column %s (is this a %s file?)", cols[i].name,
                               what);
    }
    return true;
}

/* Reads a percentile file: key columns, then the curve's value columns at `probabilities`. */
static bool read_percentiles(struct hf_trace *t, struct state *s, const char *path, bool per_function,
                             struct hf_error *err)
{
    struct column_set dur_cols[] = {
        {"HashOwner", 0}, {"HashApp", 0}, {"HashFunction", 0}, {"percentile_Average_0", 0},
        {"percentile_Average_1", 0}, {"percentile_Average_25", 0}, {"percentile_Average_50", 0},
        {"percentile_Average_75", 0}, {"percentile_Average_99", 0}, {"percentile_Average_100", 0},
    };
    static const double dur_p[] = {0, 0.01, 0.25, 0.50, 0.75, 0.99, 1.0};
    /* Below the 1st percentile the curve stays at it: the file gives no minimum. */
    struct column_set mem_cols[] = {
        {"HashOwner", 0}, {"HashApp", 0}, {"AverageAllocatedMb_pct1", 0}, {"AverageAllocatedMb_pct1", 0},
        {"AverageAllocatedMb_pct5", 0}, {"AverageAllocatedMb_pct25", 0}, {"AverageAllocatedMb_pct50", 0},
        {"AverageAllocatedMb_pct75", 0}, {"AverageAllocatedMb_pct95", 0}, {"AverageAllocatedMb_pct99", 0},
        {"AverageAllocatedMb_pct100", 0},
    };
    static const double mem_p[] = {0, 0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99, 1.0};
    struct column_set *cols = per_function ? dur_cols : mem_cols;
    int col_count = per_function ? 10 : 11, keys = per_function ? 3 : 2;
    const double *probabilities = per_function ? dur_p : mem_p;
    const char *what = per_function ? "function_durations_percentiles" : "app_memory_percentiles";

    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, path, err))
        return false;
    struct hf_csv_row row;
    int got = hf_csv_next(r, &row, err);
    bool ok = got == 1 && find_columns(r, &row, cols, col_count, what, err);
    if (got == 0)
        ok = hf_csv_fail(r, 1, err, "empty file: expected a %s header", what);
    size_t columns = ok ? row.count : 0;
    json_t *seen = json_object();
    char key[1024];
    while (ok && (got = hf_csv_next(r, &row, err)) == 1) {
        t->stats.rows++;
        if (row.count != columns) {
            hf_csv_fail(r, row.line, err, "expected %zu fields as in the header, found %zu", columns, row.count);
            if (row_problem(t, err))
                continue;
            ok = false;
            break;
        }
        if (per_function)
            snprintf(key, sizeof key, "%.300s/%.300s/%.300s", row.fields[cols[0].index],
                     row.fields[cols[1].index], row.fields[cols[2].index]);
        else
            snprintf(key, sizeof key, "%.300s/%.300s", row.fields[cols[0].index], row.fields[cols[1].index]);
        double values[HF_QUANTILE_MAX_POINTS];
        bool row_ok = true;
        for (int i = keys; i < col_count && row_ok; i++) {
            row_ok = hf_csv_double(r, &row, (size_t)cols[i].index, cols[i].name, &values[i - keys], err);
            if (row_ok && values[i - keys] < 0)
                row_ok = hf_csv_fail(r, row.line, err, "column %s: negative value %g", cols[i].name,
                                     values[i - keys]);
            /* ms or MB: beyond a day of execution or 10 TB of memory it is not a measurement */
            if (row_ok && values[i - keys] > (per_function ? 8.64e7 : 1e7))
                row_ok = hf_csv_fail(r, row.line, err, "column %s: %g is out of range", cols[i].name,
                                     values[i - keys]);
        }
        if (row_ok && json_object_get(seen, key))
            row_ok = hf_csv_fail(r, row.line, err, "duplicate %s %s (already on an earlier line)",
                                 per_function ? "function" : "app", row.fields[cols[keys - 1].index]);
        if (!row_ok) {
            if (row_problem(t, err))
                continue;
            ok = false;
            break;
        }
        json_object_set_new_nocheck(seen, key, json_true());
        struct hf_quantile_curve curve;
        if (!hf_quantile_curve_set(&curve, probabilities, values, col_count - keys))
            t->stats.repaired_curves++;
        if (per_function) {
            int64_t f = hf_trace_find_function(t, key);
            if (f >= 0) {
                t->functions[f].has_duration = true;
                t->functions[f].duration_ms = curve;
            }
        } else {
            const json_t *a = json_object_get(s->app_index, key);
            if (a) {
                s->apps[json_integer_value(a)].has_memory = true;
                s->apps[json_integer_value(a)].memory_mb = curve;
            }
        }
    }
    if (got < 0)
        ok = false;
    json_decref(seen);
    hf_csv_close(r);
    return ok;
}

/* An explicit companion must exist; one derived from the day's name may be missing (the dataset has
 * memory only for days 1-12): then every function falls back, and the counts say so. */
static bool read_companion(struct hf_trace *t, struct state *s, const char *given, const char *prefix,
                           bool per_function, struct hf_error *err)
{
    if (given)
        return read_percentiles(t, s, given, per_function, err);
    char *derived = beside(t->path, prefix);
    bool ok = true;
    if (derived && exists(derived))
        ok = read_percentiles(t, s, derived, per_function, err);
    else
        fprintf(stderr, "hfsim: note: %s: no %s file beside it%s; using the fallback for every function\n",
                t->path, prefix, derived ? "" : " (the name has no .anon.dNN day)");
    free(derived);
    return ok;
}

static void release(struct state *s)
{
    if (!s)
        return;
    free(s->entries);
    free(s->first_entry);
    free(s->apps);
    json_decref(s->app_index);
    free(s->cursor);
    free(s->keys);
    free(s->scratch);
    free(s);
}

static bool az19_index(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = calloc(1, sizeof *s);
    if (!s || !(s->app_index = json_object())) {
        free(s);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    t->format_state = s;
    if (!read_invocations(t, s, err) ||
        !read_companion(t, s, t->options.durations_path, "function_durations_percentiles", true, err) ||
        !read_companion(t, s, t->options.memory_path, "app_memory_percentiles", false, err))
        return false;
    if (t->function_count >= (1u << FUNCTION_BITS))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: %u functions: at most %u", t->path, t->function_count,
                       1u << FUNCTION_BITS);
    for (uint32_t f = 0; f < t->function_count; f++) {
        const struct app *a = &s->apps[t->functions[f].app];
        if (!a->has_memory)
            continue;
        struct hf_trace_function *fn = &t->functions[f];
        fn->has_memory = true;
        fn->memory_mb = a->memory_mb;
        fn->memory_split = a->functions;
        for (int i = 0; i < fn->memory_mb.count; i++)
            fn->memory_mb.v[i] /= (float)a->functions;
    }
    return true;
}

static bool az19_begin(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    s->minute = s->from_minute;
    s->cursor = malloc((t->stats.functions ? t->stats.functions : 1) * sizeof *s->cursor);
    if (!s->cursor)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t m = 0; m < t->stats.functions; m++)
        s->cursor[m] = s->first_entry[t->replayed[m]];
    return true;
}

static bool push_key(struct state *s, uint64_t offset_ns, uint32_t function)
{
    if (s->key_count == s->key_cap) {
        size_t cap = s->key_cap ? s->key_cap * 2 : 4096;
        uint64_t *keys = realloc(s->keys, cap * sizeof *keys);
        if (!keys)
            return false;
        s->keys = keys;
        uint64_t *scratch = realloc(s->scratch, cap * sizeof *scratch);
        if (!scratch)
            return false;
        s->scratch = scratch;
        s->key_cap = cap;
    }
    s->keys[s->key_count++] = offset_ns << FUNCTION_BITS | function;
    return true;
}

/* Arrival offsets (ns into the minute) of one function's `count` invocations. */
static bool arrivals(struct hf_trace *t, struct state *s, uint32_t function, uint32_t count)
{
    switch (t->options.arrivals) {
    case HF_ARRIVALS_EQUIDISTANT:
        for (uint32_t k = 0; k < count; k++)
            if (!push_key(s, (uint64_t)(((double)k + 0.5) * (double)NS_PER_MINUTE / count), function))
                return false;
        return true;
    case HF_ARRIVALS_UNIFORM:
        for (uint32_t k = 0; k < count; k++)
            if (!push_key(s, (uint64_t)(gsl_rng_uniform(t->arrival_rng) * (double)NS_PER_MINUTE), function))
                return false;
        return true;
    case HF_ARRIVALS_POISSON: {
        double mean_gap = (double)NS_PER_MINUTE / count, at = 0;
        for (;;) {
            at += gsl_ran_exponential(t->arrival_rng, mean_gap);
            if (at >= (double)NS_PER_MINUTE)
                return true;
            if (!push_key(s, (uint64_t)at, function))
                return false;
        }
    }
    }
    return true;
}

static bool az19_refill(struct hf_trace *t, struct hf_error *err)
{
    struct state *s = t->format_state;
    while (t->batch_count == 0 && s->minute < s->to_minute) {
        uint32_t minute = s->minute++;
        s->key_count = 0;
        for (uint32_t m = 0; m < t->stats.functions; m++) {
            size_t c = s->cursor[m];
            uint32_t f = t->replayed[m];
            if (c < s->first_entry[f + 1] && s->entries[c].minute == minute) {
                if (!arrivals(t, s, m, s->entries[c].count))
                    return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
                s->cursor[m] = c + 1;
            }
        }
        hf_radix_sort_u64(s->keys, s->scratch, s->key_count);
        for (size_t i = 0; i < s->key_count; i++) {
            uint32_t m = (uint32_t)(s->keys[i] & ((1u << FUNCTION_BITS) - 1));
            uint64_t offset = s->keys[i] >> FUNCTION_BITS;
            const struct hf_trace_function *fn = &t->functions[t->replayed[m]];
            double trace_s = minute * 60.0 + (double)offset * 1e-9;
            struct hf_trace_item item = {
                .at = hf_trace_sim_time(t, trace_s),
                .function = m,
            };
            item.work = hf_trace_draw_work(t, fn);
            item.memory_mb = hf_trace_draw_memory(t, fn);
            if (!hf_trace_push(t, &item))
                return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        }
    }
    return true;
}

static void az19_close(struct hf_trace *t)
{
    release(t->format_state);
    t->format_state = NULL;
}

const struct hf_trace_format_ops hf_trace_azure2019_ops = {
    .index = az19_index,
    .begin = az19_begin,
    .refill = az19_refill,
    .close = az19_close,
};
