#include "app/bench_readers.h"

#include <stdio.h>
#include <stdlib.h>

#include "sim/engine.h"
#include "sim/results.h"
#include "sim/wallclock.h"
#include "traces/generator.h"
#include "traces/trace.h"

/* The sink of a timed replay: counts. The sink of the conversion: writes CSV rows. */
struct sink {
    uint64_t count;
    uint64_t rows; /* the input's rows, as the trace counted them */
    FILE *csv;
    const struct hf_trace *trace;
};

static void count_invocation(void *ctx, const struct hf_invocation *inv)
{
    (void)inv;
    ((struct sink *)ctx)->count++;
}

static void write_invocation(void *ctx, const struct hf_invocation *inv)
{
    struct sink *s = ctx;
    s->count++;
    fprintf(s->csv, "%.9f,%s,%.6f,%u\n", hf_time_to_s(inv->arrival), hf_trace_function_name(s->trace, inv->function),
            hf_time_to_ms(inv->work), inv->memory_mb);
}

/* Opens and replays a trace into `sink`; the wall time, or a negative number on failure. */
static double replay(enum hf_trace_format format, const char *path, hf_invocation_sink sink, struct sink *ctx)
{
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = format;
    o.path = path;
    struct hf_error err = {0};
    struct hf_engine engine;
    struct hf_trace *trace = NULL;
    double start = hf_wall_seconds();
    bool ok = hf_engine_init(&engine, 1, "heap4", &err);
    bool engine_ready = ok;
    ok = ok && hf_trace_open(&trace, &o, &err);
    ctx->trace = trace;
    ctx->rows = ok ? hf_trace_stats(trace)->rows : 0;
    struct hf_source *source = ok ? hf_trace_start(trace, &engine, sink, ctx, &err) : NULL;
    ok = source != NULL;
    if (ok) {
        hf_engine_set_source(&engine, source);
        hf_engine_run_until(&engine, HF_TIME_NEVER);
        ok = !hf_trace_failed(trace, &err);
    }
    double seconds = hf_wall_seconds() - start;
    if (!ok)
        fprintf(stderr, "hfsim: bench: %s replay failed: %s\n", hf_trace_format_names[format], err.message);
    if (trace)
        hf_trace_close(trace);
    if (engine_ready)
        hf_engine_fini(&engine);
    return ok ? seconds : -1;
}

bool hf_bench_readers(uint32_t functions, double invocations, int rounds, struct hf_bench_readers *out)
{
    char dir[] = "/tmp/hfsim-bench-readers-XXXXXX";
    if (!mkdtemp(dir))
        return false;
    struct hf_trace_gen_options g;
    hf_trace_gen_default_options(&g);
    g.functions = functions;
    g.minutes = 120;
    g.invocations = invocations;
    g.out_dir = dir;
    char *azure = NULL, csv_path[128];
    struct hf_error err = {0};
    bool ok = hf_trace_generate(&g, &azure, NULL, &err);
    snprintf(csv_path, sizeof csv_path, "%s/invocations.csv", dir);
    /* The CSV holds what the Azure 2019 replay delivers, in its order. */
    struct sink convert = {0};
    convert.csv = ok ? fopen(csv_path, "w") : NULL;
    ok = convert.csv != NULL;
    if (ok) {
        fputs("time_s,function,duration_ms,memory_mb\n", convert.csv);
        ok = replay(HF_TRACE_AZURE2019, azure, write_invocation, &convert) >= 0;
        ok = fclose(convert.csv) == 0 && ok;
    }
    out->invocations = convert.count;
    double best_azure = 1e300, best_csv = 1e300;
    for (int r = 0; ok && r < rounds; r++) {
        struct sink a = {0}, c = {0};
        double ta = replay(HF_TRACE_AZURE2019, azure, count_invocation, &a);
        double tc = replay(HF_TRACE_CSV, csv_path, count_invocation, &c);
        ok = ta >= 0 && tc >= 0 && a.count == convert.count && c.count == convert.count;
        best_azure = ta < best_azure ? ta : best_azure;
        best_csv = tc < best_csv ? tc : best_csv;
    }
    if (ok) {
        out->azure2019_per_s = (double)convert.count / best_azure;
        out->csv_per_s = (double)convert.count / best_csv;
        out->azure2019_rows_per_s = (double)convert.rows / best_azure;
        out->csv_rows = convert.count; /* one row per invocation */
        out->azure2019_rows = convert.rows;
        out->csv_rows_per_s = (double)out->csv_rows / best_csv;
    } else if (!err.message[0]) {
        fprintf(stderr, "hfsim: bench: the trace readers did not deliver the same invocations\n");
    } else {
        fprintf(stderr, "hfsim: bench: %s\n", err.message);
    }
    free(azure);
    hf_remove_tree(dir);
    return ok;
}
