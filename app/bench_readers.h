/* `hfsim bench`'s reader figures: how fast each trace reader delivers invocations, without a model.
 * One synthetic Azure 2019 trace (hfsim trace gen) is replayed into a sink that only counts, and
 * the same invocations, written as hfsim's CSV (time_s, function, duration_ms, memory_mb: one row
 * per invocation, from that replay), are replayed the same way. Each figure covers opening (the
 * whole-file check and index) and streaming, on one core, fastest of `rounds`; their ratio says
 * whether the CSV reader keeps the Azure 2019 reader's pace per invocation; rows per second are
 * given too. */
#ifndef HF_BENCH_READERS_H
#define HF_BENCH_READERS_H

#include <stdbool.h>
#include <stdint.h>

struct hf_bench_readers {
    double azure2019_per_s, csv_per_s; /* invocations per second, opening included */
    uint64_t invocations;
    /* Rows per second, the same runs: an Azure 2019 row is a function's day of minute counts
     * (thousands of invocations), a CSV row one invocation. */
    double azure2019_rows_per_s, csv_rows_per_s;
    uint64_t azure2019_rows, csv_rows;
};

bool hf_bench_readers(uint32_t functions, double invocations, int rounds, struct hf_bench_readers *out);

#endif
