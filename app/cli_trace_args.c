#include "app/cli_trace_args.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli_args.h"
#include "traces/trace.h"

/* "path=<JSON string>", owned by the caller. */
static char *set_string(const char *path, const char *value)
{
    json_t *s = json_string(value);
    char *text = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
    json_decref(s);
    if (!text)
        return NULL;
    size_t n = strlen(path) + strlen(text) + 2;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s=%s", path, text);
    free(text);
    return out;
}

static char *set_number(const char *path, const char *flag, const char *value, struct hf_error *err)
{
    char *end;
    double v = strtod(value, &end);
    if (!*value || *end || v != v) {
        hf_fail(err, HF_EXIT_USAGE, "%s %s: expected a number", flag, value);
        return NULL;
    }
    size_t n = strlen(path) + 40;
    char *out = malloc(n);
    if (out)
        snprintf(out, n, "%s=%.17g", path, v);
    return out;
}

int hf_trace_arg(int *i, int argc, char **argv, char *out[HF_TRACE_ARG_MAX_SETS], struct hf_error *err)
{
    const char *value, *arg = argv[*i];
    int n = 0;
#define OWN(expr)                                                                                  \
    do {                                                                                           \
        if (!(out[n] = (expr)))                                                                    \
            goto fail;                                                                             \
        n++;                                                                                       \
    } while (0)
    if (hf_arg_value(i, argc, argv, "--trace", &value, err)) {
        enum hf_trace_format format;
        const char *path;
        if (!value || !hf_trace_parse_spec(value, &format, &path, err))
            goto fail;
        OWN(set_string("trace.format", hf_trace_format_names[format]));
        OWN(set_string("trace.path", path));
    } else if (hf_arg_value(i, argc, argv, "--durations", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_string("trace.durations", value));
    } else if (hf_arg_value(i, argc, argv, "--memory", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_string("trace.memory", value));
    } else if (hf_arg_value(i, argc, argv, "--minutes", &value, err)) {
        if (!value)
            goto fail;
        const char *dash = strchr(value, '-');
        if (!dash || strlen(value) == 1) {
            hf_fail(err, HF_EXIT_USAGE, "--minutes %s: expected A-B, A- or -B (whole minutes)", value);
            goto fail;
        }
        char from[64] = "", *to = (char *)dash + 1;
        snprintf(from, sizeof from, "%.*s", (int)(dash - value), value);
        if (*from)
            OWN(set_number("trace.from_minute", "--minutes", from, err));
        if (*to)
            OWN(set_number("trace.to_minute", "--minutes", to, err));
    } else if (hf_arg_value(i, argc, argv, "--time-scale", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_number("trace.time_scale", "--time-scale", value, err));
    } else if (hf_arg_value(i, argc, argv, "--rate", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_number("trace.rate_per_s", "--rate", value, err));
    } else if (hf_arg_value(i, argc, argv, "--functions", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_number("trace.functions", "--functions", value, err));
    } else if (hf_arg_value(i, argc, argv, "--arrivals", &value, err)) {
        if (!value)
            goto fail;
        OWN(set_string("trace.arrivals", value));
    } else if (hf_arg_flag(arg, "--skip-bad-rows")) {
        OWN(strdup("trace.skip_bad_rows=true"));
    } else if (hf_arg_flag(arg, "--check-fail")) {
        OWN(strdup("trace.check_fail=true"));
    } else {
        return 0;
    }
    return n;
fail:
    for (int k = 0; k < n; k++)
        free(out[k]);
    if (!err->message[0])
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    return -1;
#undef OWN
}
