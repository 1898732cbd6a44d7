#define _XOPEN_SOURCE 700 /* realpath */
#include "app/scenario.h"

#include "sim/json_file.h"

#include <inttypes.h>
#include <limits.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/overrides.h"
#include "app/backends.h"
#include "policies/registry.h"
#include "sim/distribution.h"
#include "traces/trace.h"

extern const char hf_default_scenario_json[];

static const char *const arrival_kinds[] = {"poisson", "uniform", NULL};
static const char *const queue_kinds[] = {"heap4", "heap2", NULL};

#define NUM(key, unit, def, flags, min, max, doc) {key, HF_T_NUMBER, unit, doc, def, flags, min, max, NULL, NULL}
#define INT(key, unit, def, flags, min, max, doc) {key, HF_T_INT, unit, doc, def, flags, min, max, NULL, NULL}
#define POSITIVE (HF_F_MIN | HF_F_MIN_EXCL)


static const struct hf_field burst_fields[] = {
    NUM("start_s", "s", NULL, HF_F_REQUIRED | HF_F_MIN, 0, 0, "When the burst starts."),
    NUM("duration_s", "s", NULL, HF_F_REQUIRED | POSITIVE, 0, 0, "How long it lasts."),
    NUM("rate_per_s", "1/s", NULL, HF_F_REQUIRED | HF_F_MIN, 0, 0,
        "Arrival rate during the burst (replaces the base rate)."),
    INT("function", "", "-1", HF_F_MIN, -1, 0,
        "Function the burst's rate above the base rate goes to (-1: spread over all)."),
    {0},
};

static const struct hf_field burst_item[] = {
    {"burst", HF_T_OBJECT, "", "A window of a different arrival rate.", NULL, 0, 0, 0, NULL, burst_fields},
    {0},
};

static const struct hf_field sample_item[] = {
    NUM("", "ms", NULL, HF_F_MIN, 0, 0, "A measured duration."),
    {0},
};

static const struct hf_field service_fields[] = {
    {"dist", HF_T_ENUM, "", "Distribution of the CPU work a request needs.", "\"lognormal\"", 0, 0, 0,
     hf_dist_kind_names, NULL},
    NUM("mean_ms", "ms", "100", POSITIVE, 0, 0, "Mean work, in ms of one full core."),
    NUM("cv", "", "1", HF_F_MIN | HF_F_MAX, 0, 100,
        "Coefficient of variation (lognormal only; exponential is 1, constant 0)."),
    {"samples_ms", HF_T_ARRAY, "ms", "Measured works an empirical distribution draws from (up to 256).",
     "[]", 0, 0, 0, NULL, sample_item},
    {0},
};









static const struct hf_field workload_fields[] = {
    {"arrival", HF_T_ENUM, "", "Arrival process: Poisson, or evenly spaced at the rate.",
     "\"poisson\"", 0, 0, 0, arrival_kinds, NULL},
    NUM("rate_per_s", "1/s", "50", HF_F_MIN, 0, 0, "Base arrival rate outside bursts."),
    {"bursts", HF_T_ARRAY, "", "Windows with another arrival rate; a later one wins on overlap.",
     "[]", 0, 0, 0, NULL, burst_item},
    {"service", HF_T_OBJECT, "", "Service demand of each request.", NULL, 0, 0, 0, NULL, service_fields},
    INT("memory_mb", "MiB", "16", HF_F_MIN, 0, 0, "Memory each request holds while it runs."),
    INT("functions", "count", "1", HF_F_MIN | HF_F_MAX, 1, 1e6,
        "Number of functions; each arrival picks one uniformly at random."),
    {0},
};

static const char *const trace_arrival_kinds[] = {"equidistant", "uniform", "poisson", NULL};
static const char *const trace_units[] = {"function", "app", "tenant", "all", NULL};
static const struct hf_field trace_fields[] = {
    {"format", HF_T_ENUM, "", "Replay a trace instead of the synthetic workload (docs/traces.md).",
     "\"none\"", 0, 0, 0, hf_trace_format_names, NULL},
    {"path", HF_T_STRING, "", "The trace file (azure2019: the invocations_per_function file).", "\"\"", 0,
     0, 0, NULL, NULL},
    {"durations", HF_T_STRING, "", "azure2019 durations file; empty: the dNN file beside path.", "\"\"", 0,
     0, 0, NULL, NULL},
    {"memory", HF_T_STRING, "", "azure2019 memory file; empty: the dNN file beside path.", "\"\"", 0, 0,
     0, NULL, NULL},
    NUM("from_minute", "min", "-1", HF_F_MIN, -1, 0, "First trace minute replayed; -1: the trace's start."),
    NUM("to_minute", "min", "-1", HF_F_MIN, -1, 0, "End of the replayed range (exclusive); -1: the end."),
    NUM("time_scale", "", "1", POSITIVE, 0, 0,
        "Simulated seconds per trace second (0.5 replays twice as fast; durations unscaled)."),
    NUM("rate_per_s", "1/s", "0", HF_F_MIN, 0, 0,
        "Rescale the replay to this mean arrival rate: sets time_scale to the trace's mean rate (over the "
        "replayed functions and range) over this one; 0: as recorded. Not with time_scale."),
    INT("functions", "count", "0", HF_F_MIN, 0, 0,
        "Replay a popularity-stratified sample of this many functions (seeded by seed); 0: all."),
    INT("apps", "count", "0", HF_F_MIN, 0, 0,
        "Replay every function of a popularity-stratified sample of this many apps (by their invocations; "
        "seeded by seed), as the Azure dataset is sampled per app; 0: all. With functions, that many of "
        "their functions."),
    {"arrivals", HF_T_ENUM, "", "azure2019: arrival times inside a minute.", "\"equidistant\"", 0, 0, 0,
     trace_arrival_kinds, NULL},
    {"unit", HF_T_ENUM, "",
     "What the model sees as a function: each trace function, each app (the name up to its last '/': "
     "Azure 2019 owner/app, 2021 app), each tenant (up to the first '/': Azure 2019's owner) or all of them "
     "as one; a unit's functions share its containers (with function.isolates, each in its own isolate).",
     "\"function\"", 0, 0, 0, trace_units, NULL},
    {"skip_bad_rows", HF_T_BOOL, "", "Skip and count malformed rows instead of failing.", "false", 0, 0,
     0, NULL, NULL},
    NUM("reorder_window_s", "s", "3600", HF_F_MIN, 0, 0,
        "azure2021: end-time window in which arrivals are put back in order."),
    NUM("check_tolerance", "", "0.01", HF_F_MIN, 0, 0,
        "Replay check: warn when issued invocations differ from the trace's by more than this fraction."),
    {"check_fail", HF_T_BOOL, "", "Fail the run (exit 1) instead of warning when the check fails.",
     "false", 0, 0, 0, NULL, NULL},
    {0},
};

static const struct hf_field output_fields[] = {
    NUM("interval_s", "s", "1", HF_F_MIN | HF_F_MIN_EXCL | HF_F_MAX, 0, 3600,
        "Width of one timeseries.csv row. A run may write at most 1e7 rows: (duration_s + drain_s) / "
        "interval_s above that is refused, naming the interval that fits."),
    {"requests_csv", HF_T_BOOL, "", "Also write requests.csv, one line per request (large).",
     "false", 0, 0, 0, NULL, NULL},
    NUM("stabilize_window_s", "s", "5", POSITIVE, 0, 0,
        "Rolling window of the mean latency used for time_to_stabilize_s (docs/results.md)."),
    NUM("stabilize_steady_s", "s", "30", POSITIVE, 0, 0,
        "The last seconds of the first burst whose mean latency is the steady value."),
    NUM("stabilize_tolerance", "", "0.2", POSITIVE, 0, 0,
        "Stable means within this fraction of the steady value."),
    {0},
};

static const struct hf_field engine_fields[] = {
    {"queue", HF_T_ENUM, "", "Event queue implementation (heap2 is the benchmark baseline).",
     "\"heap4\"", 0, 0, 0, queue_kinds, NULL},
    {0},
};

void hf_scenario_schema_init(struct hf_scenario_schema *schema)
{
    memset(schema, 0, sizeof *schema);
    size_t np = hf_policy_count();
    if (np > HF_SCENARIO_MAX_POLICIES)
        np = HF_SCENARIO_MAX_POLICIES;
    for (size_t i = 0; i < np; i++)
        schema->policy_names[i] = hf_policy_at(i)->name;
    size_t nb = hf_backend_count();
    if (nb > HF_SCENARIO_MAX_BACKENDS)
        nb = HF_SCENARIO_MAX_BACKENDS;
    size_t used = (size_t)snprintf(schema->model_doc, sizeof schema->model_doc, "Platform model:");
    for (size_t i = 0; i < nb; i++) {
        schema->model_names[i] = hf_backend_at(i)->name;
        if (used < sizeof schema->model_doc)
            used += (size_t)snprintf(schema->model_doc + used, sizeof schema->model_doc - used, "%s `%s` (%s)",
                                     i ? "," : "", hf_backend_at(i)->name, hf_backend_at(i)->summary);
    }
    if (used < sizeof schema->model_doc - 1)
        strcat(schema->model_doc, ".");

    const struct hf_field head[] = {
        {"name", HF_T_STRING, "", "Scenario name, used in the default results directory.",
         "\"scenario\"", 0, 0, 0, NULL, NULL},
        {"description", HF_T_STRING, "", "Free text for people.", "\"\"", 0, 0, 0, NULL, NULL},
        {"hfsim_version", HF_T_STRING, "",
         "Informational: the version that wrote a config.json (so it can be run again as is).",
         "\"\"", 0, 0, 0, NULL, NULL},
        INT("seed", "", "1", HF_F_MIN, 0, 0,
            "Seed of every random stream of the run."),
        NUM("duration_s", "s", "300", POSITIVE, 0, 0, "Arrivals are generated in [0, duration_s)."),
        NUM("drain_s", "s", "120", HF_F_MIN, 0, 0,
            "Time after duration_s for requests in flight to finish; the rest fail with run_end."),
        {"policy", HF_T_ENUM, "", "The scaling policy (`hfsim policies` lists them).", "\"fixed\"",
         0, 0, 0, schema->policy_names, NULL},
        {"model", HF_T_ENUM, "", schema->model_doc, "\"station\"", 0, 0, 0, schema->model_names, NULL},
    };
    const struct hf_field tail[] = {
        {"workload", HF_T_OBJECT, "", "The requests that arrive.", NULL, 0, 0, 0, NULL, workload_fields},
        {"trace", HF_T_OBJECT, "", "Trace replay (`hfsim run --trace FORMAT:PATH`).", NULL, 0, 0, 0, NULL,
         trace_fields},
        {"outputs", HF_T_OBJECT, "", "What the run writes besides summary.json.", NULL, 0, 0, 0, NULL,
         output_fields},
        {"engine", HF_T_OBJECT, "", "Simulator internals.", NULL, 0, 0, 0, NULL, engine_fields},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof head / sizeof head[0]; i++)
        schema->fields[n++] = head[i];
    /* Each backend's own sections, in registry order (a section two backends define is listed once). */
    for (size_t b = 0; b < nb; b++)
        for (const struct hf_field *f = hf_backend_at(b)->sections; f && f->key; f++) {
            bool seen = false;
            for (size_t k = 0; k < n; k++)
                seen = seen || strcmp(schema->fields[k].key, f->key) == 0;
            if (!seen && n < HF_SCENARIO_MAX_FIELDS)
                schema->fields[n++] = *f;
        }
    for (size_t i = 0; i < sizeof tail / sizeof tail[0]; i++)
        schema->fields[n++] = tail[i];
    for (size_t i = 0; i < np && n < HF_SCENARIO_MAX_FIELDS; i++) {
        const struct hf_policy_type *p = hf_policy_at(i);
        schema->fields[n++] = (struct hf_field){p->name, HF_T_OBJECT, "", p->summary, NULL, 0, 0, 0,
                                                NULL, p->params};
    }
}

const char *hf_scenario_default_text(void) { return hf_default_scenario_json; }

static bool check_name(const json_t *resolved, struct hf_error *err)
{
    const char *name = hf_json_string_at(resolved, "name");
    if (*name == '\0' || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                      "0123456789._-") != strlen(name) || name[0] == '.')
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "$.name: \"%s\" must be letters, digits, '.', '_' or '-' "
                       "(it names the results directory)", name);
    return true;
}

/* The resolved scenario, or NULL with an error that starts with the field's "$.path" (the caller
 * puts where it came from in front). */
static json_t *validate(const struct hf_scenario_schema *schema, const json_t *doc, struct hf_error *err)
{
    json_t *resolved = hf_schema_resolve(schema->fields, doc, err);
    if (!resolved)
        return NULL;
    static const char *const distributions[] = {"workload.service", "function.cold_start.sandbox",
                                                "function.cold_start.runtime",
                                                "function.cold_start.function_init"};
    for (size_t i = 0; i < sizeof distributions / sizeof distributions[0]; i++) {
        const json_t *spec = hf_json_at(resolved, distributions[i]);
        char path[96];
        snprintf(path, sizeof path, "$.%s", distributions[i]);
        if (spec && !hf_distribution_check(spec, path, err)) {
            json_decref(resolved);
            return NULL;
        }
    }
    long long functions = hf_json_int_at(resolved, "workload.functions");
    size_t bi;
    const json_t *burst;
    json_array_foreach(json_object_get(json_object_get(resolved, "workload"), "bursts"), bi, burst) {
        long long target = hf_json_int_at(burst, "function");
        if (target >= functions) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "$.workload.bursts[%zu].function: %lld is not below "
                    "workload.functions (%lld)", bi, target, functions);
            json_decref(resolved);
            return NULL;
        }
    }
    if (!check_name(resolved, err)) {
        json_decref(resolved);
        return NULL;
    }
    return resolved;
}

static json_t *syntax_error(const char *where, const json_error_t *jerr, struct hf_error *err)
{
    if (jerr->line < 0)
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: %s", where, jerr->text);
    else
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s:%d:%d: %s", where, jerr->line, jerr->column, jerr->text);
    return NULL;
}

/* The --set an error is about: the override whose path is, or holds, the "$.path" the message starts
 * with (or the last that lies inside it); when none does, all of them. */
static void label_override_error(struct hf_error *err, const char *const *overrides, size_t override_count)
{
    char label[300] = "";
    const char *field = strncmp(err->message, "$.", 2) == 0 ? err->message + 2 : NULL;
    size_t field_len = field ? strcspn(field, ":[") : 0;
    for (size_t i = 0; field && i < override_count; i++) {
        size_t path_len = strcspn(overrides[i], "=");
        size_t common = path_len < field_len ? path_len : field_len;
        bool related = strncmp(overrides[i], field, common) == 0 &&
                       (path_len == field_len || (path_len < field_len ? field[path_len] : overrides[i][field_len]) == '.');
        if (related)
            snprintf(label, sizeof label, "--set %s", overrides[i]);
    }
    if (!label[0]) {
        size_t used = (size_t)snprintf(label, sizeof label, "with --set");
        for (size_t i = 0; i < override_count && used < sizeof label; i++)
            used += (size_t)snprintf(label + used, sizeof label - used, " %s", overrides[i]);
    }
    hf_error_prefix(err, label);
}

/* Validates doc alone (so that an error in the file names the file), then once with every override
 * applied: overrides are applied in order but checked together, so that
 * `--set workload.service.dist=empirical --set workload.service.samples_ms=[...]` works in either
 * order. Takes ownership of doc. */
static json_t *resolve(json_t *doc, const char *where, const char *const *overrides,
                       size_t override_count, struct hf_error *err)
{
    struct hf_scenario_schema schema;
    hf_scenario_schema_init(&schema);
    json_t *resolved = validate(&schema, doc, err);
    if (!resolved)
        hf_error_prefix(err, where);
    if (!resolved || override_count == 0) {
        json_decref(doc);
        return resolved;
    }
    json_decref(resolved);
    resolved = NULL;
    bool applied = true;
    for (size_t i = 0; i < override_count && applied; i++)
        applied = hf_apply_override(doc, overrides[i], err);
    if (applied && !(resolved = validate(&schema, doc, err)))
        label_override_error(err, overrides, override_count);
    json_decref(doc);
    return resolved;
}

/* Trace files a scenario file names by relative paths are found beside the file, wherever hfsim runs
 * (a path given with --trace or --set stays relative to the working directory, as a shell user
 * expects). The path becomes absolute, so the config.json a run writes runs again from anywhere. */
static bool anchor_trace_paths(json_t *doc, const char *scenario_path, struct hf_error *err)
{
    json_t *trace = json_object_get(doc, "trace");
    if (!json_is_object(trace))
        return true;
    const char *slash = strrchr(scenario_path, '/');
    char dir[PATH_MAX];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - scenario_path + 1), scenario_path);
    else
        snprintf(dir, sizeof dir, ".");
    char *absolute = realpath(dir, NULL);
    if (!absolute)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: its directory: %s", scenario_path, strerror(errno));
    static const char *const keys[] = {"path", "durations", "memory"};
    bool ok = true;
    for (size_t k = 0; ok && k < sizeof keys / sizeof keys[0]; k++) {
        const json_t *v = json_object_get(trace, keys[k]);
        const char *given = json_is_string(v) ? json_string_value(v) : NULL;
        if (!given || !*given || given[0] == '/')
            continue;
        char *joined = malloc(strlen(absolute) + strlen(given) + 2);
        ok = joined != NULL;
        if (ok) {
            sprintf(joined, "%s/%s", absolute, given);
            json_object_set_new(trace, keys[k], json_string(joined));
        }
        free(joined);
    }
    free(absolute);
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
}

json_t *hf_scenario_load(const char *path, const char *const *overrides, size_t override_count,
                         struct hf_error *err)
{
    if (!path)
        return hf_scenario_parse(hf_default_scenario_json, strlen(hf_default_scenario_json),
                                 "(embedded default scenario)", overrides, override_count, err);
    json_t *doc = hf_json_load_file(path, err);
    if (doc && json_is_object(doc) && !anchor_trace_paths(doc, path, err)) {
        json_decref(doc);
        return NULL;
    }
    return doc ? resolve(doc, path, overrides, override_count, err) : NULL;
}

json_t *hf_scenario_parse(const char *text, size_t length, const char *label,
                          const char *const *overrides, size_t override_count, struct hf_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, length, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return syntax_error(label, &jerr, err);
    return resolve(doc, label, overrides, override_count, err);
}

void hf_scenario_default_out_dir(const json_t *scenario, char *buf, size_t size)
{
    snprintf(buf, size, "results/%s-%s-%lld", hf_json_string_at(scenario, "name"),
             hf_json_string_at(scenario, "policy"), hf_json_int_at(scenario, "seed"));
}
