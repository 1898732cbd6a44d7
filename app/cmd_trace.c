/* hfsim trace info FORMAT:PATH [options]   what a replay of the trace would issue
 * hfsim trace gen [options]                 synthetic traces in the Azure formats */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "sim/engine.h"
#include "sim/histogram.h"
#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "traces/generator.h"
#include "traces/trace.h"

static const char trace_usage[] =
    "usage: hfsim trace info FORMAT:PATH [options]\n"
    "       hfsim trace gen [options]\n"
    "\n"
    "info: reads and checks the trace, replays its arrivals (no simulation) and prints functions,\n"
    "invocations, the per-minute rate range and duration and memory percentiles. FORMAT is\n"
    "azure2019, azure2021 or csv (docs/traces.md). Options as for `hfsim run`:\n"
    "  --durations FILE --memory FILE --minutes A-B --time-scale X --functions N\n"
    "  --arrivals equidistant|uniform|poisson --skip-bad-rows --seed N\n"
    "  --memory-mb N      memory of invocations the trace gives none for (default 128)\n"
    "\n"
    "gen: writes a synthetic trace whose statistics follow Shahrad et al. (ATC 2020):\n"
    "  --format azure2019|azure2021  (default azure2019: the day's three files)\n"
    "  --functions N      functions, 1..1000000 (default 200)\n"
    "  --minutes M        minutes, 1..1440 (default 60)\n"
    "  --invocations N    scale rates so the expected total is N (default: as published); refused\n"
    "                     when a function-minute would exceed 10,000,000 (what a trace may hold)\n"
    "  --seed N           (default 1)\n"
    "  --day NN           the dNN of azure2019 file names, 1..99 (default 1)\n"
    "  --out DIR          output directory (required); written whole or not at all\n"
    "\n"
    "exit codes: 0 ok, 1 failed (I/O), 2 usage error, 3 bad trace, 130/143 interrupted\n";

struct info_sink {
    struct hf_histogram durations, memory;
    uint64_t *per_minute;
    size_t minutes;
};

static void count(void *model, const struct hf_invocation *inv)
{
    struct info_sink *s = model;
    hf_histogram_add(&s->durations, (uint64_t)inv->work);
    hf_histogram_add(&s->memory, inv->memory_mb);
    size_t minute = (size_t)(inv->arrival / hf_time_from_s(60));
    if (minute < s->minutes)
        s->per_minute[minute]++;
}

static int compare_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static bool number(const char *flag, const char *text, double *out, struct hf_error *err)
{
    char *end;
    *out = strtod(text, &end);
    return (*text && !*end && *out == *out) || hf_fail(err, HF_EXIT_USAGE, "%s %s: expected a number", flag, text);
}

/* trace info's options into *o_out; false when it should exit with *rc (help, a usage error). */
static bool info_options(int argc, char **argv, struct hf_trace_options *o_out, int *rc)
{
    struct hf_error err = {0};
    hf_trace_default_options(&o_out[0]);
    struct hf_trace_options o = o_out[0];
    const char *value;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (hf_arg_flag(arg, "--help") || hf_arg_flag(arg, "-h")) {
            fputs(trace_usage, stdout);
            *rc = HF_EXIT_OK;
            return false;
        } else if (hf_arg_flag(arg, "--skip-bad-rows")) {
            o.skip_bad_rows = true;
        } else if (hf_arg_value(&i, argc, argv, "--durations", &value, &err)) {
            if (!value)
                return *rc = hf_cli_report(&err), false;
            o.durations_path = value;
        } else if (hf_arg_value(&i, argc, argv, "--memory", &value, &err)) {
            if (!value)
                return *rc = hf_cli_report(&err), false;
            o.memory_path = value;
        } else if (hf_arg_value(&i, argc, argv, "--minutes", &value, &err)) {
            const char *dash = value ? strchr(value, '-') : NULL;
            if (!dash || strlen(value) == 1) {
                hf_fail(&err, HF_EXIT_USAGE, "--minutes: expected A-B, A- or -B");
                return *rc = hf_cli_report(&err), false;
            }
            char from[64];
            snprintf(from, sizeof from, "%.*s", (int)(dash - value), value);
            if ((*from && !number("--minutes", from, &o.from_minute, &err)) ||
                (dash[1] && !number("--minutes", dash + 1, &o.to_minute, &err)))
                return *rc = hf_cli_report(&err), false;
        } else if (hf_arg_value(&i, argc, argv, "--time-scale", &value, &err)) {
            if (!value || !number("--time-scale", value, &o.time_scale, &err))
                return *rc = hf_cli_report(&err), false;
        } else if (hf_arg_value(&i, argc, argv, "--functions", &value, &err)) {
            unsigned long long n;
            if (!value || !hf_arg_u64("--functions", value, &n, &err))
                return *rc = hf_cli_report(&err), false;
            o.functions = (uint32_t)n;
        } else if (hf_arg_value(&i, argc, argv, "--memory-mb", &value, &err)) {
            unsigned long long n;
            if (!value || !hf_arg_u64("--memory-mb", value, &n, &err))
                return *rc = hf_cli_report(&err), false;
            o.default_memory_mb = (uint32_t)n;
        } else if (hf_arg_value(&i, argc, argv, "--seed", &value, &err)) {
            if (!value || !hf_arg_u64("--seed", value, &seed, &err))
                return *rc = hf_cli_report(&err), false;
        } else if (hf_arg_value(&i, argc, argv, "--arrivals", &value, &err)) {
            if (!value)
                return *rc = hf_cli_report(&err), false;
            int found = -1;
            for (int a = 0; hf_trace_arrivals_names[a]; a++)
                if (strcmp(value, hf_trace_arrivals_names[a]) == 0)
                    found = a;
            if (found < 0) {
                hf_fail(&err, HF_EXIT_USAGE, "--arrivals %s: expected equidistant, uniform or poisson", value);
                return *rc = hf_cli_report(&err), false;
            }
            o.arrivals = (enum hf_trace_arrivals)found;
        } else if (arg[0] == '-' && arg[1]) {
            hf_fail(&err, HF_EXIT_USAGE, "trace info: unknown option %s (try hfsim trace --help)", arg);
            return *rc = hf_cli_report(&err), false;
        } else if (o.path) {
            hf_fail(&err, HF_EXIT_USAGE, "trace info: more than one trace given");
            return *rc = hf_cli_report(&err), false;
        } else if (!hf_trace_parse_spec(arg, &o.format, &o.path, &err)) {
            return *rc = hf_cli_report(&err), false;
        }
    }
    if (!o.path) {
        hf_fail(&err, HF_EXIT_USAGE, "trace info: no trace given (FORMAT:PATH)");
        return *rc = hf_cli_report(&err), false;
    }
    o.sample_seed = seed;
    *o_out = o;
    return true;
}

/* What trace info found: the trace's counts and the replayed arrivals' per-minute rates,
 * durations and memory. */
static void print_info(const struct hf_trace *t, const struct hf_trace_options *opt, struct info_sink *sink,
                       double duration)
{
    const struct hf_trace_options o = *opt;
    const struct hf_trace_stats *s = hf_trace_stats(t);
    /* Whole minutes only: a partial last minute would understate the minimum rate. */
    size_t full = (size_t)(duration / 60.0);
    if (full == 0)
        full = 1;
    qsort(sink->per_minute, full, sizeof *sink->per_minute, compare_u64);
    printf("trace:        %s:%s\n", hf_trace_format_names[o.format], o.path);
    printf("rows:         %" PRIu64 " (%" PRIu64 " skipped)\n", s->rows, s->skipped_rows);
    printf("functions:    %u in the file, %u replayed%s\n", s->functions_in_file, s->functions,
           o.functions ? " (popularity-stratified sample)" : " (every invoked one)");
    printf("range:        trace s %.1f-%.1f, %.1f s simulated (time scale %g)\n", s->range_start_s,
           s->range_start_s + duration / o.time_scale, duration, o.time_scale);
    printf("invocations:  %" PRIu64 " issued, %" PRIu64 " in the trace (%.3f %% off)%s\n", s->issued,
           s->expected, 100 * hf_trace_check_error(t),
           s->outside_range ? "" : "");
    if (s->outside_range)
        printf("              %" PRIu64 " outside the range\n", s->outside_range);
    printf("per minute:   min %" PRIu64 ", median %" PRIu64 ", max %" PRIu64 " invocations (%zu whole minutes)\n",
           sink->per_minute[0], sink->per_minute[full / 2], sink->per_minute[full - 1], full);
    printf("duration ms:  p1 %.1f  p25 %.1f  p50 %.1f  p75 %.1f  p99 %.1f  max %.1f\n",
           hf_histogram_quantile(&sink->durations, 0.01) / 1e6, hf_histogram_quantile(&sink->durations, 0.25) / 1e6,
           hf_histogram_quantile(&sink->durations, 0.50) / 1e6, hf_histogram_quantile(&sink->durations, 0.75) / 1e6,
           hf_histogram_quantile(&sink->durations, 0.99) / 1e6, hf_histogram_quantile(&sink->durations, 1.0) / 1e6);
    printf("memory MB:    p1 %.0f  p25 %.0f  p50 %.0f  p75 %.0f  p99 %.0f  max %.0f\n",
           hf_histogram_quantile(&sink->memory, 0.01), hf_histogram_quantile(&sink->memory, 0.25),
           hf_histogram_quantile(&sink->memory, 0.50), hf_histogram_quantile(&sink->memory, 0.75),
           hf_histogram_quantile(&sink->memory, 0.99), hf_histogram_quantile(&sink->memory, 1.0));
    if (o.format == HF_TRACE_AZURE2019)
        printf("fallbacks:    %u functions without durations (100 ms), %u without memory (%u MB)\n",
               s->missing_durations, s->missing_memory, o.default_memory_mb);
    if (s->repaired_curves)
        printf("note:         %u percentile rows were not monotone (running maximum used)\n", s->repaired_curves);
    if (s->negative_starts)
        printf("note:         %" PRIu64 " rows start before the trace's 0 (end - duration < 0): replayed from "
               "there\n", s->negative_starts);
    if (s->late_rows)
        printf("note:         %" PRIu64 " arrivals came later than the reorder window allowed\n", s->late_rows);
}

static int info(int argc, char **argv)
{
    struct hf_trace_options o;
    int rc = HF_EXIT_OK;
    if (!info_options(argc, argv, &o, &rc))
        return rc;
    struct hf_error err = {0};
    unsigned long long seed = o.sample_seed;
    struct hf_trace *t;
    if (!hf_trace_open(&t, &o, &err))
        return hf_cli_report(&err);
    struct hf_engine engine;
    struct info_sink sink = {0};
    double duration = hf_trace_duration_s(t);
    sink.minutes = (size_t)(duration / 60.0) + 1;
    sink.per_minute = calloc(sink.minutes, sizeof *sink.per_minute);
    struct hf_source *source = NULL;
    if (!sink.per_minute || !hf_histogram_create(&sink.durations) || !hf_histogram_create(&sink.memory) ||
        !hf_engine_init(&engine, seed, "heap4", &err)) {
        hf_fail(&err, HF_EXIT_RUN_FAILED, "out of memory");
        rc = hf_cli_report(&err);
        hf_trace_close(t);
        return rc;
    }
    if (!(source = hf_trace_start(t, &engine, count, &sink, &err))) {
        rc = hf_cli_report(&err);
    } else {
        hf_engine_set_source(&engine, source);
        hf_engine_run_until(&engine, hf_time_from_s(duration) + 1);
        if (hf_trace_failed(t, &err))
            rc = hf_cli_report(&err);
    }
    if (rc == HF_EXIT_OK)
        print_info(t, &o, &sink, duration);
    hf_engine_fini(&engine);
    hf_histogram_destroy(&sink.durations);
    hf_histogram_destroy(&sink.memory);
    free(sink.per_minute);
    hf_trace_close(t);
    return rc;
}

static int gen(int argc, char **argv)
{
    struct hf_error err = {0};
    struct hf_trace_gen_options o;
    hf_trace_gen_default_options(&o);
    const char *value;
    unsigned long long n;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (hf_arg_flag(arg, "--help") || hf_arg_flag(arg, "-h")) {
            fputs(trace_usage, stdout);
            return HF_EXIT_OK;
        } else if (hf_arg_value(&i, argc, argv, "--format", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            if (strcmp(value, "azure2019") == 0)
                o.format = HF_TRACE_AZURE2019;
            else if (strcmp(value, "azure2021") == 0)
                o.format = HF_TRACE_AZURE2021;
            else {
                hf_fail(&err, HF_EXIT_USAGE, "--format %s: expected azure2019 or azure2021", value);
                return hf_cli_report(&err);
            }
        } else if (hf_arg_value(&i, argc, argv, "--functions", &value, &err)) {
            if (!value || !hf_arg_u64("--functions", value, &n, &err))
                return hf_cli_report(&err);
            if (n < 1 || n > HF_TRACE_GEN_MAX_FUNCTIONS) {
                hf_fail(&err, HF_EXIT_USAGE, "--functions %s: must be 1..%u", value, HF_TRACE_GEN_MAX_FUNCTIONS);
                return hf_cli_report(&err);
            }
            o.functions = (uint32_t)n;
        } else if (hf_arg_value(&i, argc, argv, "--minutes", &value, &err)) {
            if (!value || !hf_arg_u64("--minutes", value, &n, &err))
                return hf_cli_report(&err);
            o.minutes = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
        } else if (hf_arg_value(&i, argc, argv, "--invocations", &value, &err)) {
            if (!value || !number("--invocations", value, &o.invocations, &err))
                return hf_cli_report(&err);
            if (!(o.invocations >= 1)) {
                hf_fail(&err, HF_EXIT_USAGE, "--invocations %s: must be at least 1 (leave it out for the "
                        "published rates)", value);
                return hf_cli_report(&err);
            }
        } else if (hf_arg_value(&i, argc, argv, "--seed", &value, &err)) {
            if (!value || !hf_arg_u64("--seed", value, &n, &err))
                return hf_cli_report(&err);
            o.seed = n;
        } else if (hf_arg_value(&i, argc, argv, "--day", &value, &err)) {
            if (!value || !hf_arg_u64("--day", value, &n, &err))
                return hf_cli_report(&err);
            if (n < 1 || n > 99) {
                hf_fail(&err, HF_EXIT_USAGE, "--day %s: must be 1..99 (the two digits of dNN)", value);
                return hf_cli_report(&err);
            }
            o.day = (uint32_t)n;
        } else if (hf_arg_value(&i, argc, argv, "--out", &value, &err)) {
            if (!value)
                return hf_cli_report(&err);
            o.out_dir = value;
        } else {
            hf_fail(&err, HF_EXIT_USAGE, "trace gen: unknown argument %s (try hfsim trace --help)", arg);
            return hf_cli_report(&err);
        }
    }
    if (!o.out_dir) {
        hf_fail(&err, HF_EXIT_USAGE, "trace gen: --out DIR is required");
        return hf_cli_report(&err);
    }
    char *path = NULL;
    uint64_t total = 0;
    struct hf_interrupt interrupt; /* SIGINT/SIGTERM: the half-written directory is removed */
    hf_interrupt_open(&interrupt);
    bool ok = hf_out_dir_check_outside(o.out_dir, "--out", &err) && hf_trace_generate(&o, &path, &total, &err);
    hf_interrupt_close(&interrupt);
    if (!ok)
        return hf_cli_report(&err);
    fprintf(stderr, "hfsim: wrote %s (%u functions, %u minutes, %" PRIu64 " invocations)\n", path, o.functions,
            o.minutes, total);
    free(path);
    return HF_EXIT_OK;
}

int hf_cmd_trace(int argc, char **argv)
{
    if (argc < 2 || hf_arg_flag(argv[1], "--help") || hf_arg_flag(argv[1], "-h")) {
        fputs(trace_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? HF_EXIT_USAGE : HF_EXIT_OK;
    }
    if (strcmp(argv[1], "info") == 0)
        return info(argc - 1, argv + 1);
    if (strcmp(argv[1], "gen") == 0)
        return gen(argc - 1, argv + 1);
    fprintf(stderr, "hfsim: trace: unknown subcommand \"%s\" (info or gen)\n", argv[1]);
    return HF_EXIT_USAGE;
}
