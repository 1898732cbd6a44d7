/* Trace replay: Azure Functions 2019 (per-minute counts), Azure Functions 2021 (per invocation) and
 * hfsim's own CSV, as one engine source (struct hf_source) of invocations in time order.
 *
 * Two steps. hf_trace_open() reads and checks the whole input once (every error is found before a
 * run starts, as "FILE:LINE: what is wrong", exit code 3), builds the function table and selects the
 * functions to replay. hf_trace_start() then streams invocations to the model: 2019 one minute at a
 * time, 2021 and CSV row by row, so memory grows with functions (and a minute's invocations), never
 * with the trace's total invocations. docs/traces.md states every rule (arrivals inside a minute,
 * percentile curves, memory shared per app, fallbacks, reordering, sampling).
 *
 * Time: a trace time t in the selected range [range_start, range_end) becomes simulated time
 * (t - range_start) * time_scale. Durations are not scaled: time_scale changes the load.
 *
 * Ownership: the trace copies the option strings and distribution; the engine, sink and model given to start are
 * borrowed. Errors: open fills `err` (HF_EXIT_BAD_INPUT for input problems); a read error during
 * streaming (the file changed under the run) stops the source and hf_trace_failed() reports it. */
#ifndef HF_TRACE_H
#define HF_TRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/distribution.h"
#include "sim/engine.h"
#include "sim/error.h"
#include "sim/function_stats.h"
#include "sim/invocation.h"

/* Trace times beyond this (about 31 years) are refused: simulated time is int64 nanoseconds, and a
 * replay must end well inside it (found by fuzzing: a time of 1e10 s overflowed the clock). */
#define HF_TRACE_MAX_TIME_S 1e9
/* Invocations of one function in one minute an azure2019 file may hold (the reader refuses more; the
 * generator never writes more). */
#define HF_TRACE_MAX_PER_MINUTE 10000000u

enum hf_trace_format { HF_TRACE_NONE, HF_TRACE_AZURE2019, HF_TRACE_AZURE2021, HF_TRACE_CSV };
extern const char *const hf_trace_format_names[]; /* "none", "azure2019", "azure2021", "csv", NULL */

/* How the 2019 format's per-minute counts become arrival times inside the minute. */
enum hf_trace_arrivals {
    HF_ARRIVALS_EQUIDISTANT, /* c arrivals at (k + 1/2) * 60 / c s: exactly c */
    HF_ARRIVALS_UNIFORM,     /* c uniform draws, sorted: a Poisson process conditioned on c */
    HF_ARRIVALS_POISSON,     /* a Poisson process at rate c / 60 per s: c on average */
};
extern const char *const hf_trace_arrivals_names[];

/* What the model sees as a function: each trace function, or each app (the name up to its last '/':
 * Azure 2019 owner/app, Azure 2021 app), whose functions then share its containers. */
/* What the model sees as a function: each trace function, its app (name up to the last '/'), its
 * tenant (up to the first '/': Azure 2019's owner), or all functions as one. */
enum hf_trace_unit { HF_TRACE_UNIT_FUNCTION, HF_TRACE_UNIT_APP, HF_TRACE_UNIT_TENANT, HF_TRACE_UNIT_ALL };
extern const char *const hf_trace_unit_names[]; /* "function", "app", "tenant", "all", NULL */

struct hf_trace_options {
    enum hf_trace_format format;
    const char *path;
    const char *durations_path, *memory_path; /* azure2019; NULL: found beside path by its dNN name */
    double from_minute;      /* < 0: from the trace's start */
    double to_minute;        /* < 0: to its end; else exclusive */
    double time_scale;       /* simulated s per trace s, > 0 */
    uint32_t functions;      /* 0: all; else a popularity-stratified sample of this many */
    uint32_t apps;           /* 0: all; else the functions of a popularity-stratified sample of this many apps */
    uint64_t sample_seed;
    enum hf_trace_arrivals arrivals;
    enum hf_trace_unit unit;
    bool skip_bad_rows;      /* count and skip malformed rows instead of failing */
    double reorder_window_s; /* azure2021: how far arrivals may precede the rows already read */
    uint32_t default_memory_mb;                 /* when the trace gives none */
    const struct hf_distribution *default_duration; /* functions without durations (copied; NULL: 100 ms) */
    /* csv: the rows checked by the index pass are kept for the replay, up to this many bytes (24 per
     * row in range), so that a file is parsed once; a longer file is read again as it replays, in
     * bounded memory. 0: always read again. Default HF_TRACE_CSV_KEEP_BYTES. */
    uint64_t csv_keep_bytes;
};
#define HF_TRACE_CSV_KEEP_BYTES (UINT64_C(96) << 20) /* 4 million rows */

struct hf_trace_stats {
    uint64_t rows, skipped_rows;
    uint32_t functions_in_file;  /* distinct functions in the input */
    uint32_t functions;          /* replayed: invoked in the range, after sampling */
    uint32_t units;              /* what the model sees as functions: `functions`, or their apps */
    uint64_t expected;           /* invocations the range holds for the replayed functions (2019 Poisson: on average) */
    uint64_t issued;             /* invocations delivered so far */
    uint32_t missing_durations;  /* replayed functions without a durations row (fallback used) */
    uint32_t missing_memory;     /* replayed functions without a memory row (fallback used) */
    uint32_t repaired_curves;    /* percentile rows that were not monotone */
    uint64_t late_rows;          /* azure2021: arrivals earlier than the reorder window allowed */
    uint64_t negative_starts;    /* azure2021: rows whose start (end - duration) is before the trace's 0 */
    uint64_t outside_range;      /* invocations outside the selected minutes */
    double range_start_s, range_end_s; /* trace seconds */
};

struct hf_trace;

/* "FORMAT:PATH" -> format and path (pointing into spec). */
bool hf_trace_parse_spec(const char *spec, enum hf_trace_format *format, const char **path,
                         struct hf_error *err);
void hf_trace_default_options(struct hf_trace_options *o);

bool hf_trace_open(struct hf_trace **out, const struct hf_trace_options *options, struct hf_error *err);
void hf_trace_close(struct hf_trace *t);

/* The model's functions: replayed functions, or their apps (options.unit). Indices below are these. */
uint32_t hf_trace_function_count(const struct hf_trace *t);
/* The replayed function's name in the input ("app/function" hashes for Azure), or the app's. */
const char *hf_trace_function_name(const struct hf_trace *t, uint32_t function);
/* The model's function names for functions.csv (sim/function_stats.h): the trace's, and whether they
 * are apps (options.unit). */
struct hf_function_names hf_trace_function_names(const struct hf_trace *t);
/* Function `function`'s memory in MB at quantile q (0..1) of its memory curve (Azure 2019: its share
 * of its app's AverageAllocatedMb percentiles; for an app unit, the app's whole curve); false when the
 * trace gives it none. */
bool hf_trace_function_memory_mb(const struct hf_trace *t, uint32_t function, double q, double *mb);
/* Simulated seconds from the range start to its end (or the last arrival). */
double hf_trace_duration_s(const struct hf_trace *t);
/* Rescales the replay (before hf_trace_start) so its mean arrival rate is `rate_per_s`: time_scale
 * becomes the trace's own mean rate over that. False when the range holds no invocation. */
bool hf_trace_set_rate(struct hf_trace *t, double rate_per_s);
double hf_trace_time_scale(const struct hf_trace *t);
const struct hf_trace_stats *hf_trace_stats(const struct hf_trace *t);

/* Random streams come from the engine ("trace-arrivals", "trace-durations", "trace-memory").
 * The returned source must be given to hf_engine_set_source. */
struct hf_source *hf_trace_start(struct hf_trace *t, struct hf_engine *engine, hf_invocation_sink sink,
                                 void *model, struct hf_error *err);
bool hf_trace_failed(const struct hf_trace *t, struct hf_error *err);

/* The replay check: issued vs expected. Relative error |issued - expected| / expected. */
double hf_trace_check_error(const struct hf_trace *t);
/* summary.json's "trace" object. */
json_t *hf_trace_report_json(const struct hf_trace *t, double tolerance);

#endif
