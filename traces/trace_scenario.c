#include "traces/trace_scenario.h"

#include <stdio.h>
#include <string.h>

#include "sim/schema.h"
#include "traces/function_shapes.h"

/* The per-function shapes resolved into the scenario (traces/function_shapes.h); NULL on error. */
static json_t *with_shapes(json_t *effective, const struct hf_trace *trace, struct hf_error *err)
{
    if (hf_function_shapes_resolve(effective, trace, err))
        return effective;
    json_decref(effective);
    return NULL;
}

json_t *hf_trace_open_scenario(const json_t *scenario, struct hf_trace **trace, struct hf_error *err)
{
    *trace = NULL;
    json_t *effective = json_deep_copy(scenario);
    if (!effective) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    const char *format = hf_json_string_at(scenario, "trace.format");
    if (strcmp(format, "none") == 0)
        return with_shapes(effective, NULL, err);
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    for (int f = 0; hf_trace_format_names[f]; f++)
        if (strcmp(format, hf_trace_format_names[f]) == 0)
            o.format = (enum hf_trace_format)f;
    o.path = hf_json_string_at(scenario, "trace.path");
    if (!*o.path) {
        json_decref(effective);
        hf_fail(err, HF_EXIT_USAGE, "trace.format is %s but trace.path is empty", format);
        return NULL;
    }
    o.durations_path = *hf_json_string_at(scenario, "trace.durations") ? hf_json_string_at(scenario, "trace.durations") : NULL;
    o.memory_path = *hf_json_string_at(scenario, "trace.memory") ? hf_json_string_at(scenario, "trace.memory") : NULL;
    o.from_minute = hf_json_number_at(scenario, "trace.from_minute");
    o.to_minute = hf_json_number_at(scenario, "trace.to_minute");
    o.time_scale = hf_json_number_at(scenario, "trace.time_scale");
    o.functions = (uint32_t)hf_json_int_at(scenario, "trace.functions");
    o.apps = (uint32_t)hf_json_int_at(scenario, "trace.apps");
    o.sample_seed = (uint64_t)hf_json_int_at(scenario, "seed");
    const char *arrivals = hf_json_string_at(scenario, "trace.arrivals");
    for (int a = 0; hf_trace_arrivals_names[a]; a++)
        if (strcmp(arrivals, hf_trace_arrivals_names[a]) == 0)
            o.arrivals = (enum hf_trace_arrivals)a;
    o.skip_bad_rows = hf_json_bool_at(scenario, "trace.skip_bad_rows");
    o.unit = HF_TRACE_UNIT_FUNCTION;
    for (int u = 0; hf_trace_unit_names[u]; u++)
        if (strcmp(hf_json_string_at(scenario, "trace.unit"), hf_trace_unit_names[u]) == 0)
            o.unit = (enum hf_trace_unit)u;
    o.reorder_window_s = hf_json_number_at(scenario, "trace.reorder_window_s");
    o.default_memory_mb = (uint32_t)hf_json_int_at(scenario, "workload.memory_mb");
    struct hf_distribution fallback;
    hf_distribution_from_json(&fallback, hf_json_at(scenario, "workload.service"));
    o.default_duration = &fallback;
    double rate = hf_json_number_at(scenario, "trace.rate_per_s");
    if (rate > 0 && o.time_scale != 1.0) {
        json_decref(effective);
        return hf_fail(err, HF_EXIT_BAD_INPUT, "$.trace.rate_per_s: set it or trace.time_scale, not both (the rate "
                       "sets the time scale)"), NULL;
    }
    if (!hf_trace_open(trace, &o, err)) {
        json_decref(effective);
        return NULL;
    }
    if (rate > 0) {
        if (!hf_trace_set_rate(*trace, rate)) {
            json_decref(effective);
            hf_trace_close(*trace);
            *trace = NULL;
            return hf_fail(err, HF_EXIT_BAD_INPUT, "$.trace.rate_per_s: the replayed range holds no invocation "
                           "to rescale"), NULL;
        }
        /* config.json records the scale the rate gave */
        json_object_set_new(json_object_get(effective, "trace"), "time_scale",
                            json_real(hf_trace_time_scale(*trace)));
    }
    json_t *workload = json_object_get(effective, "workload");
    json_object_set_new(workload, "functions", json_integer(hf_trace_function_count(*trace)));
    double duration = hf_trace_duration_s(*trace);
    json_object_set_new(effective, "duration_s", json_real(duration > 0 ? duration : 1e-9));
    json_t *resolved = with_shapes(effective, *trace, err);
    if (!resolved) {
        hf_trace_close(*trace);
        *trace = NULL;
    }
    return resolved;
}


bool hf_trace_write_functions(const struct hf_trace *trace, struct hf_results *results, struct hf_error *err)
{
    FILE *f = hf_results_open(results, "functions.csv", err);
    if (!f)
        return false;
    fputs("index,name\n", f);
    for (uint32_t i = 0; i < hf_trace_function_count(trace); i++)
        fprintf(f, "%u,%s\n", i, hf_trace_function_name(trace, i));
    return hf_results_close(results, f, "functions.csv", err);
}
