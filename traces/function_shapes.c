#include "traces/function_shapes.h"

#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "sim/schema.h"

struct shape {
    double memory_mib, cpu_limit, cpu_request;
};

static bool shapes_asked(const json_t *s)
{
    return json_array_size(hf_json_at(s, "function.shapes")) > 0 ||
           hf_json_number_at(s, "function.memory_percentile") >= 0 ||
           hf_json_number_at(s, "function.cpu_per_gib") > 0 || json_array_size(hf_json_at(s, "function.overrides")) > 0;
}

static const char *name_of(const struct hf_trace *trace, uint32_t f, char *own, size_t size)
{
    if (trace)
        return hf_trace_function_name(trace, f);
    snprintf(own, size, "f%u", f);
    return own;
}

static bool apply_overrides(const json_t *s, const struct hf_trace *trace, struct shape *shapes, uint32_t n,
                            struct hf_error *err)
{
    const json_t *overrides = hf_json_at(s, "function.overrides");
    for (size_t i = 0; i < json_array_size(overrides); i++) {
        const json_t *o = json_array_get(overrides, i);
        const char *pattern = hf_json_string_at(o, "match");
        double memory = hf_json_number_at(o, "memory_mib"), limit = hf_json_number_at(o, "cpu_limit"),
               request = hf_json_number_at(o, "cpu_request");
        uint32_t matched = 0;
        for (uint32_t f = 0; f < n; f++) {
            char own[24];
            if (fnmatch(pattern, name_of(trace, f, own, sizeof own), 0) != 0)
                continue;
            matched++;
            if (memory > 0)
                shapes[f].memory_mib = memory;
            if (limit > 0)
                shapes[f].cpu_limit = limit;
            if (request > 0)
                shapes[f].cpu_request = request;
        }
        if (matched == 0)
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.overrides[%zu]: \"%s\" matches no function (names are "
                           "the trace's, or f0, f1, ... without a trace)", i, pattern);
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
    const json_t *given = hf_json_at(scenario, "function.shapes");
    if (json_array_size(given) > 0 && json_array_size(given) != n)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.shapes: %zu shapes for %u functions (one per function, "
                       "or none)", json_array_size(given), n);
    struct shape *shapes = malloc((n ? n : 1) * sizeof *shapes);
    if (!shapes)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    double base = hf_json_number_at(scenario, "function.base_memory_mib");
    double percentile = hf_json_number_at(scenario, "function.memory_percentile");
    double per_gib = hf_json_number_at(scenario, "function.cpu_per_gib");
    uint32_t from_trace = 0;
    for (uint32_t f = 0; f < n; f++) {
        const json_t *g = json_array_size(given) ? json_array_get(given, f) : NULL;
        shapes[f] = g ? (struct shape){hf_json_number_at(g, "memory_mib"), hf_json_number_at(g, "cpu_limit"),
                                       hf_json_number_at(g, "cpu_request")}
                      : (struct shape){hf_json_number_at(scenario, "function.memory_mib"),
                                       hf_json_number_at(scenario, "function.cpu_limit"),
                                       hf_json_number_at(scenario, "function.cpu_request")};
        double mb;
        /* Whole MiB: a limit is set in MiB, and it keeps config.json short. */
        if (percentile >= 0 && trace && hf_trace_function_memory_mb(trace, f, percentile / 100, &mb)) {
            shapes[f].memory_mib = base + ceil(mb);
            from_trace++;
        }
        if (per_gib > 0)
            shapes[f].cpu_limit = shapes[f].cpu_request = shapes[f].memory_mib / 1024 * per_gib;
    }
    /* A percentile that sets nothing would be a silent no-op. */
    bool ok = percentile < 0 || from_trace > 0 ||
              hf_fail(err, HF_EXIT_BAD_INPUT, "$.function.memory_percentile: %s (it needs an Azure 2019 trace with its "
                      "app_memory_percentiles file); set -1", trace ? "the trace gives no memory" : "there is no trace");
    ok = ok && apply_overrides(scenario, trace, shapes, n, err) && check(scenario, shapes, n, err);
    json_t *array = ok ? json_array() : NULL;
    for (uint32_t f = 0; ok && f < n; f++)
        ok = json_array_append_new(array, json_pack("{s:f, s:f, s:f}", "memory_mib", shapes[f].memory_mib,
                                                    "cpu_limit", shapes[f].cpu_limit, "cpu_request",
                                                    shapes[f].cpu_request)) == 0;
    free(shapes);
    if (!ok) {
        json_decref(array);
        return err->code ? false : hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    json_object_set_new(json_object_get(scenario, "function"), "shapes", array);
    return true;
}
