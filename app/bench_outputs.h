/* `hfsim bench`'s outputs_overhead: what writing the default timeseries costs a long run. The
 * embedded default scenario (one function, 40 req/s of lognormal work on a fixed pool) runs for
 * `duration_s` simulated seconds with 1 s timeseries rows and with 3600 s rows, alternately,
 * `rounds` times each on one core; the figure is the fastest 1 s run over the fastest 3600 s run
 * (the minimum of each: this VM's noise only ever adds time). Everything else about the runs is the
 * same, summary and all, so the ratio is the price of the rows. */
#ifndef HF_BENCH_OUTPUTS_H
#define HF_BENCH_OUTPUTS_H

#include <stdbool.h>
#include <stdint.h>

struct hf_bench_outputs {
    double fine_s, coarse_s; /* fastest wall time with 1 s rows, with 3600 s rows */
    double ratio;            /* fine_s / coarse_s */
    uint64_t rows;           /* timeseries rows of the 1 s run */
    double megabytes;        /* its timeseries.csv */
};

bool hf_bench_outputs(double duration_s, int rounds, struct hf_bench_outputs *out);

#endif
