/* Private to traces/: the trace value and the table each input format fills. Not for models or
 * policies, which see only struct hf_invocation. */
#ifndef HF_TRACE_INTERNAL_H
#define HF_TRACE_INTERNAL_H

#include "traces/quantile_curve.h"
#include "traces/name_index.h"
#include "traces/trace.h"

/* One invocation ready to deliver (simulated time). */
struct hf_trace_item {
    hf_time at;
    hf_time work;
    uint32_t function; /* replayed (model) index */
    uint32_t memory_mb;
};

#define HF_TRACE_NOT_REPLAYED UINT32_MAX

struct hf_trace_function {
    char *name;
    uint64_t invocations;  /* in the selected range */
    uint32_t model_index;  /* HF_TRACE_NOT_REPLAYED when not selected */
    uint32_t app;          /* azure2019: index into the app table (memory) */
    bool has_duration, has_memory;
    struct hf_quantile_curve duration_ms;
    struct hf_quantile_curve memory_mb; /* already divided among the app's functions */
    uint32_t memory_split;               /* ... among this many (0 or 1: not divided) */
};

struct hf_trace_format_ops {
    /* Reads and checks the input, fills t->functions (with in-range counts) and t->stats. */
    bool (*index)(struct hf_trace *t, struct hf_error *err);
    /* Prepares streaming (after selection; t->engine and streams are set). */
    bool (*begin)(struct hf_trace *t, struct hf_error *err);
    /* Appends the next time-ordered items to t->batch; appending none means the end. */
    bool (*refill)(struct hf_trace *t, struct hf_error *err);
    void (*close)(struct hf_trace *t);
};

struct hf_trace {
    struct hf_trace_options options;
    char *path, *durations_path, *memory_path;
    struct hf_distribution default_duration; /* options.default_duration points here */
    const struct hf_trace_format_ops *ops;
    void *format_state;

    struct hf_trace_function *functions; /* every function of the input, in input order */
    uint32_t function_count, function_cap;
    struct hf_name_index function_index; /* name -> input index (keys: functions[].name) */
    uint32_t *replayed;                  /* replayed index -> input index */
    uint32_t *unit_of;                   /* replayed index -> model index (unit), NULL: the same */
    char **unit_names;                   /* app units' names (NULL for function units) */
    uint32_t *unit_first;                /* model index -> its first replayed function */
    struct hf_trace_stats stats;
    double last_arrival_s;               /* trace seconds, latest in range */

    struct hf_trace_item *batch;
    size_t batch_count, batch_pos, batch_cap;
    hf_time last_delivered;

    struct hf_engine *engine;
    gsl_rng *arrival_rng, *duration_rng, *memory_rng;
    hf_invocation_sink sink;
    void *model;
    struct hf_source source;
    uint64_t *issued;                    /* per model function */
    bool failed;
    struct hf_error stream_error;
};

extern const struct hf_trace_format_ops hf_trace_azure2019_ops;
extern const struct hf_trace_format_ops hf_trace_azure2021_ops;
extern const struct hf_trace_format_ops hf_trace_csv_ops;

/* Adds a function by name; returns its input index, or -1 when the name exists already. */
int64_t hf_trace_add_function(struct hf_trace *t, const char *name, struct hf_error *err);
/* Input index of a name, or -1. */
int64_t hf_trace_find_function(const struct hf_trace *t, const char *name);
/* The same for a name of `len` bytes (a CSV field, whose length the reader knows). */
int64_t hf_trace_find_function_n(const struct hf_trace *t, const char *name, size_t len);
/* A malformed row: with skip_bad_rows, counts it, shows the first few on stderr and returns true
 * (go on); otherwise returns false and `err` stays as the row's error. */
bool hf_trace_skip_row(struct hf_trace *t, const struct hf_error *err);
/* Appends an item to the batch (grows it); false when out of memory. */
bool hf_trace_push(struct hf_trace *t, const struct hf_trace_item *item);
/* Trace seconds -> simulated time. */
hf_time hf_trace_sim_time(const struct hf_trace *t, double trace_s);
/* Whether a trace time is in the selected range. */
bool hf_trace_in_range(const struct hf_trace *t, double trace_s);
/* A duration in ms and memory in MB for function f, drawn or from the fallbacks. */
hf_time hf_trace_draw_work(struct hf_trace *t, const struct hf_trace_function *f);
uint32_t hf_trace_draw_memory(struct hf_trace *t, const struct hf_trace_function *f);

#endif
