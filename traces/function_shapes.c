#include "traces/function_shapes.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/schema.h"

struct shape {
    double memory_mib, cpu_limit, cpu_request;
    bool cpu_given; /* an override set its CPU: cpu_per_gib leaves it */
};

static bool shapes_asked(const json_t *s)
{
    return json_array_size(hf_json_at(s, "function.shapes")) > 0 ||
           hf_json_number_at(s, "function.memory_percentile") != -1 ||
           hf_json_number_at(s, "function.cpu_per_gib") > 0 || json_array_size(hf_json_at(s, "function.overrides")) > 0;
}

static const char *name_of(const struct hf_trace *trace, uint32_t f, char *own, size_t size)
{
    if (trace)
        return hf_trace_function_name(trace, f);
    snprintf(own, size, "f%u", f);
    return own;
}

/* Step 1: function.shapes as given, matched by name when the entries carry names (what config.json
 * records, so a re-run with another sample finds each function's own), else by index. */
static bool start_from_given(const json_t *s, const struct hf_trace *trace, struct shape *shapes, uint32_t n,
                             struct hf_error *err)
{
    const json_t *given = hf_json_at(s, "function.shapes");
    size_t count = json_array_size(given);
    bool named = count > 0 && *hf_json_string_at(json_array_get(given, 0), "name");
    if (count > 0 && !named && count != n)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.shapes: %zu shapes for %u functions (one per function, "
                       "or each with its function's name)", count, n);
    json_t *by_name = named ? json_object() : NULL;
    for (size_t i = 0; named && i < count; i++)
        json_object_set_new(by_name, hf_json_string_at(json_array_get(given, i), "name"), json_integer((json_int_t)i));
    for (uint32_t f = 0; f < n; f++) {
        char own[24];
        const json_t *index = named ? json_object_get(by_name, name_of(trace, f, own, sizeof own)) : NULL;
        const json_t *g = named ? (index ? json_array_get(given, (size_t)json_integer_value(index)) : NULL)
                                : json_array_get(given, f);
        const json_t *from = g ? g : hf_json_at(s, "function");
        shapes[f] = (struct shape){hf_json_number_at(from, "memory_mib"), hf_json_number_at(from, "cpu_limit"),
                                   hf_json_number_at(from, "cpu_request"), false};
    }
    json_decref(by_name);
    return true;
}

/* Step 2: memory from the trace's memory file. A percentile that sets nothing would be a silent
 * no-op, so it is refused. */
static bool memory_from_trace(const json_t *s, const struct hf_trace *trace, struct shape *shapes, uint32_t n,
                              struct hf_error *err)
{
    double percentile = hf_json_number_at(s, "function.memory_percentile");
    if (percentile == -1)
        return true;
    if (percentile < 0)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.memory_percentile: %g: give -1 (off) or 0 to 100",
                       percentile);
    double base = hf_json_number_at(s, "function.base_memory_mib");
    uint32_t from_trace = 0;
    for (uint32_t f = 0; trace && f < n; f++) {
        double mb;
        if (hf_trace_function_memory_mb(trace, f, percentile / 100, &mb)) {
            shapes[f].memory_mib = base + ceil(mb); /* whole MiB: a limit is set in MiB */
            from_trace++;
        }
    }
    return from_trace > 0 ||
           hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.memory_percentile: %s (it needs an Azure 2019 trace with its "
                   "app_memory_percentiles file); set -1", trace ? "the trace gives no memory" : "there is no trace");
}

/* Steps 3 and 5: the overrides' memory (before CPU follows memory), then their CPU. */
static bool apply_overrides(const json_t *s, const struct hf_trace *trace, struct shape *shapes, uint32_t n,
                            bool cpu, struct hf_error *err)
{
    const json_t *overrides = hf_json_at(s, "function.overrides");
    for (size_t i = 0; i < json_array_size(overrides); i++) {
        const json_t *o = json_array_get(overrides, i);
        const char *pattern = hf_json_string_at(o, "match");
        double memory = hf_json_number_at(o, "memory_mib"), limit = hf_json_number_at(o, "cpu_limit"),
               request = hf_json_number_at(o, "cpu_request");
        if (!(memory > 0 || limit > 0 || request > 0))
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.overrides[%zu]: sets nothing (give memory_mib, "
                           "cpu_limit or cpu_request)", i);
        uint32_t matched = 0;
        for (uint32_t f = 0; f < n; f++) {
            char own[24];
            if (fnmatch(pattern, name_of(trace, f, own, sizeof own), 0) != 0)
                continue;
            matched++;
            if (!cpu && memory > 0)
                shapes[f].memory_mib = memory;
            if (cpu && limit > 0)
                shapes[f].cpu_limit = limit;
            if (cpu && request > 0)
                shapes[f].cpu_request = request;
            shapes[f].cpu_given = shapes[f].cpu_given || limit > 0 || request > 0;
        }
        if (matched == 0)
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.overrides[%zu]: \"%s\" matches no function (names are "
                           "the trace's, its apps' with trace.unit \"app\", or f0, f1, ... without a trace)", i, pattern);
    }
    return true;
}

static bool check(const json_t *s, const struct shape *shapes, uint32_t n, struct hf_error *err)
{
    double base = hf_json_number_at(s, "function.base_memory_mib");
    for (uint32_t f = 0; f < n; f++) {
        if (!(shapes[f].cpu_request <= shapes[f].cpu_limit))
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.shapes[%u]: cpu_request %g cores is above cpu_limit %g",
                           f, shapes[f].cpu_request, shapes[f].cpu_limit);
        if (!(base < shapes[f].memory_mib))
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.shapes[%u]: memory_mib %g leaves no memory above "
                           "base_memory_mib %g", f, shapes[f].memory_mib, base);
    }
    return true;
}

bool hf_function_shapes_resolve(json_t *scenario, const struct hf_trace *trace, struct hf_error *err)
{
    if (!shapes_asked(scenario))
        return true;
    uint32_t n = (uint32_t)hf_json_int_at(scenario, "workload.functions");
    struct shape *shapes = malloc((n ? n : 1) * sizeof *shapes);
    if (!shapes)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    double per_gib = hf_json_number_at(scenario, "function.cpu_per_gib");
    bool ok = start_from_given(scenario, trace, shapes, n, err) && memory_from_trace(scenario, trace, shapes, n, err) &&
              apply_overrides(scenario, trace, shapes, n, false, err);
    /* Step 4: CPU follows the final memory, except where an override gives it. */
    for (uint32_t f = 0; ok && per_gib > 0 && f < n; f++)
        if (!shapes[f].cpu_given)
            shapes[f].cpu_limit = shapes[f].cpu_request = shapes[f].memory_mib / 1024 * per_gib;
    ok = ok && apply_overrides(scenario, trace, shapes, n, true, err) && check(scenario, shapes, n, err);
    json_t *array = ok ? json_array() : NULL;
    for (uint32_t f = 0; ok && f < n; f++) {
        char own[24];
        ok = json_array_append_new(array, json_pack("{s:s, s:f, s:f, s:f}", "name", name_of(trace, f, own, sizeof own),
                                                    "memory_mib", shapes[f].memory_mib, "cpu_limit",
                                                    shapes[f].cpu_limit, "cpu_request", shapes[f].cpu_request)) == 0;
    }
    free(shapes);
    if (!ok) {
        json_decref(array);
        return err->code ? false : hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    json_object_set_new(json_object_get(scenario, "function"), "shapes", array);
    return true;
}
