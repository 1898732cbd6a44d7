/* Format-independent half of trace replay: options, the function table, sampling, delivery, the
 * replay check. The formats (azure2019.c, azure2021.c, trace_csv.c) fill the table and the batches. */
#include "traces/trace_internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const hf_trace_format_names[] = {"none", "azure2019", "azure2021", "csv", NULL};
const char *const hf_trace_arrivals_names[] = {"equidistant", "uniform", "poisson", NULL};
const char *const hf_trace_unit_names[] = {"function", "app", "tenant", "all", NULL};

void hf_trace_default_options(struct hf_trace_options *o)
{
    memset(o, 0, sizeof *o);
    o->from_minute = -1;
    o->to_minute = -1;
    o->time_scale = 1.0;
    o->arrivals = HF_ARRIVALS_EQUIDISTANT;
    o->reorder_window_s = 3600;
    o->default_memory_mb = 128;
    o->csv_keep_bytes = HF_TRACE_CSV_KEEP_BYTES;
}

bool hf_trace_parse_spec(const char *spec, enum hf_trace_format *format, const char **path,
                         struct hf_error *err)
{
    const char *colon = strchr(spec, ':');
    if (colon)
        for (int f = HF_TRACE_AZURE2019; hf_trace_format_names[f]; f++)
            if (strlen(hf_trace_format_names[f]) == (size_t)(colon - spec) &&
                strncmp(spec, hf_trace_format_names[f], (size_t)(colon - spec)) == 0) {
                if (!colon[1])
                    return hf_fail(err, HF_EXIT_USAGE, "--trace %s: no path after the format", spec);
                *format = (enum hf_trace_format)f;
                *path = colon + 1;
                return true;
            }
    return hf_fail(err, HF_EXIT_USAGE,
                   "--trace %s: expected FORMAT:PATH with FORMAT azure2019, azure2021 or csv", spec);
}

int64_t hf_trace_add_function(struct hf_trace *t, const char *name, struct hf_error *err)
{
    if (hf_name_index_find(&t->function_index, name) >= 0)
        return -1;
    if (t->function_count == t->function_cap) {
        uint32_t cap = t->function_cap ? t->function_cap * 2 : 1024;
        struct hf_trace_function *grown = realloc(t->functions, cap * sizeof *grown);
        if (!grown) {
            hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            return -2;
        }
        t->functions = grown;
        t->function_cap = cap;
    }
    struct hf_trace_function *f = &t->functions[t->function_count];
    memset(f, 0, sizeof *f);
    f->model_index = HF_TRACE_NOT_REPLAYED;
    f->name = strdup(name);
    if (!f->name || !hf_name_index_insert(&t->function_index, f->name, t->function_count)) {
        free(f->name);
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return -2;
    }
    return t->function_count++;
}

int64_t hf_trace_find_function(const struct hf_trace *t, const char *name)
{
    return hf_name_index_find(&t->function_index, name);
}

int64_t hf_trace_find_function_n(const struct hf_trace *t, const char *name, size_t len)
{
    return hf_name_index_find_n(&t->function_index, name, len);
}

bool hf_trace_skip_row(struct hf_trace *t, const struct hf_error *err)
{
    if (!t->options.skip_bad_rows)
        return false;
    if (++t->stats.skipped_rows <= 5)
        fprintf(stderr, "hfsim: skipped row: %s\n", err->message);
    return true;
}

bool hf_trace_push(struct hf_trace *t, const struct hf_trace_item *item)
{
    if (t->batch_count == t->batch_cap) {
        size_t cap = t->batch_cap ? t->batch_cap * 2 : 4096;
        struct hf_trace_item *grown = realloc(t->batch, cap * sizeof *grown);
        if (!grown)
            return false;
        t->batch = grown;
        t->batch_cap = cap;
    }
    t->batch[t->batch_count++] = *item;
    return true;
}

hf_time hf_trace_sim_time(const struct hf_trace *t, double trace_s)
{
    double s = (trace_s - t->stats.range_start_s) * t->options.time_scale;
    return s <= 0 ? 0 : hf_time_from_s(s);
}

bool hf_trace_in_range(const struct hf_trace *t, double trace_s)
{
    return trace_s >= t->stats.range_start_s && trace_s < t->stats.range_end_s;
}

hf_time hf_trace_draw_work(struct hf_trace *t, const struct hf_trace_function *f)
{
    if (!f->has_duration)
        return hf_distribution_draw(t->options.default_duration, t->duration_rng);
    double ms = hf_quantile_curve_draw(&f->duration_ms, t->duration_rng);
    return hf_time_from_ms(ms);
}

uint32_t hf_trace_draw_memory(struct hf_trace *t, const struct hf_trace_function *f)
{
    if (!f->has_memory)
        return t->options.default_memory_mb;
    double mb = hf_quantile_curve_draw(&f->memory_mb, t->memory_rng);
    return mb >= UINT32_MAX ? UINT32_MAX : (uint32_t)hf_round_half_away(mb);
}

/* Order for stratification: most invoked first, input order among equals. */
struct ranked {
    uint64_t invocations;
    uint32_t index;
};
static int by_popularity(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->invocations != y->invocations)
        return x->invocations > y->invocations ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}
static int by_index(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* One entry drawn from each of `want` equal strata of `ranks` (sorted most popular first: rank
 * 1..n/want, ...), seeded; their indices into `out`, in rank order. */
static void stratified(const struct ranked *ranks, uint32_t n, uint32_t want, gsl_rng *rng, uint32_t *out)
{
    for (uint32_t k = 0; k < want; k++) {
        uint64_t lo = (uint64_t)k * n / want, hi = (uint64_t)(k + 1) * n / want;
        out[k] = ranks[lo + gsl_rng_uniform_int(rng, (unsigned long)(hi - lo))].index;
    }
}

/* The app of each candidate (the name up to its last '/'), numbered in order of first appearance;
 * returns the number of apps, or UINT32_MAX when out of memory. */
static uint32_t number_apps(const struct hf_trace *t, const uint32_t *candidates, uint32_t n, uint32_t *app_of)
{
    json_t *index = json_object();
    uint32_t apps = 0;
    for (uint32_t i = 0; index && i < n; i++) {
        const char *name = t->functions[candidates[i]].name;
        const char *slash = strrchr(name, '/');
        char *app = slash ? strndup(name, (size_t)(slash - name)) : strdup(name);
        if (!app)
            break;
        const json_t *known = json_object_get(index, app);
        if (known) {
            app_of[i] = (uint32_t)json_integer_value(known);
        } else {
            json_object_set_new(index, app, json_integer(apps));
            app_of[i] = apps++;
        }
        free(app);
    }
    bool ok = index && json_object_size(index) == apps;
    json_decref(index);
    return ok ? apps : UINT32_MAX;
}

/* Keeps the candidates of `want` apps drawn from equal popularity strata of the apps (by their
 * functions' invocations in the range): the Azure dataset itself is sampled per app. */
static bool sample_apps(const struct hf_trace *t, uint32_t *candidates, uint32_t *n, uint32_t want, gsl_rng *rng)
{
    uint32_t *app_of = malloc((*n ? *n : 1) * sizeof *app_of);
    struct ranked *ranks = calloc(*n ? *n : 1, sizeof *ranks);
    uint32_t *picked = malloc((want ? want : 1) * sizeof *picked);
    bool *chosen = calloc(*n ? *n : 1, sizeof *chosen);
    uint32_t apps = app_of && ranks && picked && chosen ? number_apps(t, candidates, *n, app_of) : UINT32_MAX;
    bool ok = apps != UINT32_MAX;
    if (ok && want < apps) {
        for (uint32_t a = 0; a < apps; a++)
            ranks[a].index = UINT32_MAX;
        for (uint32_t i = 0; i < *n; i++) {
            struct ranked *r = &ranks[app_of[i]];
            r->invocations += t->functions[candidates[i]].invocations;
            if (r->index == UINT32_MAX)
                r->index = app_of[i]; /* apps are numbered in input order: the tie-break */
        }
        qsort(ranks, apps, sizeof *ranks, by_popularity);
        stratified(ranks, apps, want, rng, picked);
        for (uint32_t k = 0; k < want; k++)
            chosen[picked[k]] = true;
        uint32_t kept = 0;
        for (uint32_t i = 0; i < *n; i++)
            if (chosen[app_of[i]])
                candidates[kept++] = candidates[i];
        *n = kept;
    }
    free(app_of);
    free(ranks);
    free(picked);
    free(chosen);
    return ok;
}

/* Replays every invoked function, or one drawn from each of N equal popularity strata (rank
 * 1..F/N, F/N+1..2F/N, ...), so a sample keeps the heavy head and the long tail in proportion; or
 * the functions of N apps drawn so (options.apps). */
static bool select_functions(struct hf_trace *t, struct hf_error *err)
{
    uint32_t *candidates = malloc((t->function_count ? t->function_count : 1) * sizeof *candidates);
    if (!candidates)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->function_count; i++)
        if (t->functions[i].invocations > 0)
            candidates[n++] = i;
    uint32_t want = t->options.functions;
    gsl_rng *rng = want > 0 || t->options.apps > 0 ? gsl_rng_alloc(gsl_rng_mt19937) : NULL;
    if (rng)
        gsl_rng_set(rng, (unsigned long)(t->options.sample_seed ^ 0x5a3f17c9u));
    if ((want > 0 || t->options.apps > 0) && !rng) {
        free(candidates);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (t->options.apps > 0 && !sample_apps(t, candidates, &n, t->options.apps, rng)) {
        gsl_rng_free(rng);
        free(candidates);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (want > 0 && want < n) {
        struct ranked *ranks = malloc(n * sizeof *ranks);
        if (!ranks) {
            gsl_rng_free(rng);
            free(candidates);
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        }
        for (uint32_t i = 0; i < n; i++)
            ranks[i] = (struct ranked){t->functions[candidates[i]].invocations, candidates[i]};
        qsort(ranks, n, sizeof *ranks, by_popularity);
        stratified(ranks, n, want, rng, candidates);
        free(ranks);
        n = want;
        qsort(candidates, n, sizeof *candidates, by_index);
    }
    if (rng)
        gsl_rng_free(rng);
    t->replayed = candidates;
    t->stats.functions = n;
    t->stats.expected = 0;
    for (uint32_t m = 0; m < n; m++) {
        struct hf_trace_function *f = &t->functions[candidates[m]];
        f->model_index = m;
        t->stats.expected += f->invocations;
        if (t->options.format == HF_TRACE_AZURE2019) {
            t->stats.missing_durations += !f->has_duration;
            t->stats.missing_memory += !f->has_memory;
        }
    }
    if (n == 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no invocations in the selected range", t->path);
    return true;
}

/* Units: replayed functions grouped by the name up to the last '/' (apps), up to the first
 * (tenants), or all in one, numbered in order of their first replayed function (deterministic: the
 * replayed order is the input's). */
static bool build_units(struct hf_trace *t, struct hf_error *err)
{
    uint32_t n = t->stats.functions;
    t->stats.units = n;
    if (t->options.unit == HF_TRACE_UNIT_FUNCTION)
        return true;
    t->unit_of = malloc((n ? n : 1) * sizeof *t->unit_of);
    t->unit_names = calloc(n ? n : 1, sizeof *t->unit_names);
    t->unit_first = malloc((n ? n : 1) * sizeof *t->unit_first);
    json_t *index = json_object();
    if (!t->unit_of || !t->unit_names || !t->unit_first || !index) {
        json_decref(index);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    uint32_t units = 0;
    for (uint32_t m = 0; m < n; m++) {
        const char *name = t->functions[t->replayed[m]].name;
        const char *slash = t->options.unit == HF_TRACE_UNIT_APP ? strrchr(name, '/') : strchr(name, '/');
        char *app = t->options.unit == HF_TRACE_UNIT_ALL ? strdup("all")
                    : slash                              ? strndup(name, (size_t)(slash - name))
                                                         : strdup(name);
        if (!app) {
            json_decref(index);
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        }
        const json_t *known = json_object_get(index, app);
        if (known) {
            t->unit_of[m] = (uint32_t)json_integer_value(known);
            free(app);
            continue;
        }
        json_object_set_new(index, app, json_integer(units));
        t->unit_of[m] = units;
        t->unit_first[units] = m;
        t->unit_names[units++] = app;
    }
    json_decref(index);
    t->stats.units = units;
    return true;
}

bool hf_trace_open(struct hf_trace **out, const struct hf_trace_options *options, struct hf_error *err)
{
    *out = NULL;
    if (!(options->time_scale > 0) || !isfinite(options->time_scale))
        return hf_fail(err, HF_EXIT_USAGE, "trace: time_scale must be > 0");
    if (options->to_minute >= 0 && options->from_minute >= 0 && options->to_minute <= options->from_minute)
        return hf_fail(err, HF_EXIT_USAGE, "trace: the minute range %g-%g is empty", options->from_minute,
                       options->to_minute);
    struct hf_trace *t = calloc(1, sizeof *t);
    if (!t)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    t->options = *options;
    t->path = strdup(options->path);
    t->durations_path = options->durations_path ? strdup(options->durations_path) : NULL;
    t->memory_path = options->memory_path ? strdup(options->memory_path) : NULL;
    t->options.path = t->path;
    t->options.durations_path = t->durations_path;
    t->options.memory_path = t->memory_path;
    if (options->default_duration)
        t->default_duration = *options->default_duration;
    else
        hf_distribution_init(&t->default_duration, HF_DIST_CONSTANT, 1e8, 0); /* 100 ms */
    t->options.default_duration = &t->default_duration;
    hf_name_index_init(&t->function_index);
    if (!t->path) {
        hf_trace_close(t);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    switch (options->format) {
    case HF_TRACE_AZURE2019: t->ops = &hf_trace_azure2019_ops; break;
    case HF_TRACE_AZURE2021: t->ops = &hf_trace_azure2021_ops; break;
    case HF_TRACE_CSV: t->ops = &hf_trace_csv_ops; break;
    default:
        hf_trace_close(t);
        return hf_fail(err, HF_EXIT_USAGE, "trace: no format given");
    }
    if (!t->ops->index(t, err) || !select_functions(t, err) || !build_units(t, err)) {
        hf_trace_close(t);
        return false;
    }
    t->stats.functions_in_file = t->function_count;
    if (hf_trace_duration_s(t) > HF_TRACE_MAX_TIME_S) {
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: the replay would last %g simulated seconds (time scale %g): more than "
                                        "hfsim's %g s", t->path, hf_trace_duration_s(t), t->options.time_scale,
                HF_TRACE_MAX_TIME_S);
        hf_trace_close(t);
        return false;
    }
    *out = t;
    return true;
}

void hf_trace_close(struct hf_trace *t)
{
    if (!t)
        return;
    if (t->ops && t->ops->close)
        t->ops->close(t);
    for (uint32_t i = 0; i < t->function_count; i++)
        free(t->functions[i].name);
    free(t->functions);
    hf_name_index_fini(&t->function_index);
    free(t->replayed);
    for (uint32_t u = 0; t->unit_names && u < t->stats.units; u++)
        free(t->unit_names[u]);
    free(t->unit_names);
    free(t->unit_of);
    free(t->unit_first);
    free(t->batch);
    free(t->issued);
    free(t->path);
    free(t->durations_path);
    free(t->memory_path);
    free(t);
}

uint32_t hf_trace_function_count(const struct hf_trace *t) { return t->stats.units; }

const char *hf_trace_function_name(const struct hf_trace *t, uint32_t function)
{
    if (function >= t->stats.units)
        return NULL;
    return t->unit_names ? t->unit_names[function] : t->functions[t->replayed[function]].name;
}

bool hf_trace_function_memory_mb(const struct hf_trace *t, uint32_t function, double q, double *mb)
{
    if (function >= t->stats.units)
        return false;
    const struct hf_trace_function *f = &t->functions[t->replayed[t->unit_first ? t->unit_first[function] : function]];
    /* Azure 2019 gives memory per app: a tenant or the whole trace as one unit has none. */
    if (!f->has_memory || t->options.unit == HF_TRACE_UNIT_TENANT || t->options.unit == HF_TRACE_UNIT_ALL)
        return false;
    /* An app unit holds the app's whole memory: its functions' shares put back together. */
    double split = t->unit_names && f->memory_split > 1 ? f->memory_split : 1;
    *mb = hf_quantile_curve_at(&f->memory_mb, q) * split;
    return true;
}

static const char *name_of(const void *trace, uint32_t function) { return hf_trace_function_name(trace, function); }

struct hf_function_names hf_trace_function_names(const struct hf_trace *t)
{
    return (struct hf_function_names){name_of, t, t->options.unit != HF_TRACE_UNIT_FUNCTION};
}

double hf_trace_duration_s(const struct hf_trace *t)
{
    double end = isfinite(t->stats.range_end_s) ? t->stats.range_end_s : t->last_arrival_s;
    double span = end - t->stats.range_start_s;
    return (span > 0 ? span : 0) * t->options.time_scale;
}

bool hf_trace_set_rate(struct hf_trace *t, double rate_per_s)
{
    double end = isfinite(t->stats.range_end_s) ? t->stats.range_end_s : t->last_arrival_s;
    double span = end - t->stats.range_start_s;
    if (!(span > 0) || t->stats.expected == 0 || !(rate_per_s > 0))
        return false;
    /* simulated duration = expected / rate, and duration = span x time_scale */
    t->options.time_scale = (double)t->stats.expected / rate_per_s / span;
    return true;
}

double hf_trace_time_scale(const struct hf_trace *t) { return t->options.time_scale; }

const struct hf_trace_stats *hf_trace_stats(const struct hf_trace *t) { return &t->stats; }

/* Makes the batch hold the next item, refilling from the format when it runs out. */
static void advance(struct hf_trace *t)
{
    while (t->batch_pos == t->batch_count && !t->failed) {
        t->batch_pos = t->batch_count = 0;
        if (!t->ops->refill(t, &t->stream_error)) {
            t->failed = true;
            break;
        }
        if (t->batch_count == 0)
            break;
    }
    if (t->failed || t->batch_pos == t->batch_count) {
        t->source.next_time = HF_TIME_NEVER;
        return;
    }
    struct hf_trace_item *next = &t->batch[t->batch_pos];
    if (next->at < t->last_delivered) /* ns rounding must never reorder */
        next->at = t->last_delivered;
    t->source.next_time = next->at;
}

static void deliver(struct hf_engine *engine, void *ctx)
{
    (void)engine;
    struct hf_trace *t = ctx;
    const struct hf_trace_item *item = &t->batch[t->batch_pos++];
    struct hf_invocation inv = {
        .id = t->stats.issued++,
        .arrival = item->at,
        .work = item->work,
        .function = t->unit_of ? t->unit_of[item->function] : item->function,
        .isolate = t->unit_of ? item->function + 1 : 0,
        .memory_mb = item->memory_mb,
    };
    t->issued[item->function]++;
    t->last_delivered = item->at;
    advance(t);
    t->sink(t->model, &inv);
}

struct hf_source *hf_trace_start(struct hf_trace *t, struct hf_engine *engine, hf_invocation_sink sink,
                                 void *model, struct hf_error *err)
{
    t->engine = engine;
    t->sink = sink;
    t->model = model;
    t->arrival_rng = hf_engine_rng(engine, "trace-arrivals");
    t->duration_rng = hf_engine_rng(engine, "trace-durations");
    t->memory_rng = hf_engine_rng(engine, "trace-memory");
    t->issued = calloc(t->stats.functions ? t->stats.functions : 1, sizeof *t->issued);
    if (!t->arrival_rng || !t->duration_rng || !t->memory_rng || !t->issued) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    if (!t->ops->begin(t, err))
        return NULL;
    t->source.deliver = deliver;
    t->source.ctx = t;
    advance(t);
    if (t->failed) {
        *err = t->stream_error;
        return NULL;
    }
    return &t->source;
}

bool hf_trace_failed(const struct hf_trace *t, struct hf_error *err)
{
    if (t->failed && err)
        *err = t->stream_error;
    return t->failed;
}

double hf_trace_check_error(const struct hf_trace *t)
{
    if (t->stats.expected == 0)
        return t->stats.issued ? 1.0 : 0.0;
    return fabs((double)t->stats.issued - (double)t->stats.expected) / (double)t->stats.expected;
}

json_t *hf_trace_report_json(const struct hf_trace *t, double tolerance)
{
    const struct hf_trace_stats *s = &t->stats;
    double error = hf_trace_check_error(t);
    json_t *o = json_object();
    json_object_set_new(o, "format", json_string(hf_trace_format_names[t->options.format]));
    json_object_set_new(o, "path", json_string(t->path));
    json_object_set_new(o, "rows", json_integer((json_int_t)s->rows));
    json_object_set_new(o, "skipped_rows", json_integer((json_int_t)s->skipped_rows));
    json_object_set_new(o, "functions_in_file", json_integer(s->functions_in_file));
    json_object_set_new(o, "functions", json_integer(s->functions));
    json_object_set_new(o, "unit", json_string(hf_trace_unit_names[t->options.unit]));
    if (t->options.unit != HF_TRACE_UNIT_FUNCTION)
        json_object_set_new(o, t->options.unit == HF_TRACE_UNIT_APP ? "apps" : "units", json_integer(s->units));
    json_object_set_new(o, "range_start_s", json_real(s->range_start_s));
    json_object_set_new(o, "range_end_s", isfinite(s->range_end_s) ? json_real(s->range_end_s) : json_null());
    json_object_set_new(o, "time_scale", json_real(t->options.time_scale));
    json_object_set_new(o, "arrivals", json_string(hf_trace_arrivals_names[t->options.arrivals]));
    json_object_set_new(o, "missing_durations", json_integer(s->missing_durations));
    json_object_set_new(o, "missing_memory", json_integer(s->missing_memory));
    json_object_set_new(o, "repaired_curves", json_integer(s->repaired_curves));
    json_object_set_new(o, "late_rows", json_integer((json_int_t)s->late_rows));
    json_object_set_new(o, "negative_starts", json_integer((json_int_t)s->negative_starts));
    json_object_set_new(o, "outside_range", json_integer((json_int_t)s->outside_range));
    json_t *check = json_object();
    json_object_set_new(check, "expected", json_integer((json_int_t)s->expected));
    json_object_set_new(check, "issued", json_integer((json_int_t)s->issued));
    json_object_set_new(check, "relative_error", json_real(error));
    json_object_set_new(check, "tolerance", json_real(tolerance));
    json_object_set_new(check, "ok", json_boolean(error <= tolerance));
    json_object_set_new(o, "check", check);
    return o;
}
