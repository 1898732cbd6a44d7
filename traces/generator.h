/* `hfsim trace gen`: synthetic traces in the Azure formats whose statistics follow Shahrad et al.,
 * "Serverless in the Wild" (USENIX ATC 2020). generator.c cites the figure behind each number.
 *
 * azure2019 writes the day's three files (invocations, durations, memory) into `out_dir` with the
 * dataset's names; azure2021 writes one per-invocation file, ordered by end time as the real one is
 * (it holds every row in memory to sort it, so it refuses more than max_rows_2021 rows).
 * Deterministic for a seed. Errors: I/O (HF_EXIT_RUN_FAILED), bad options (HF_EXIT_USAGE). */
#ifndef HF_GENERATOR_H
#define HF_GENERATOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"
#include "traces/trace.h"

struct hf_trace_gen_options {
    enum hf_trace_format format; /* HF_TRACE_AZURE2019 or HF_TRACE_AZURE2021 */
    uint32_t functions;
    uint32_t minutes;            /* 1..1440 for azure2019 */
    double invocations;          /* expected total; 0: the published rate distribution as is */
    uint64_t seed;
    uint32_t day;                /* the dNN in azure2019 names */
    const char *out_dir;
};

#define HF_TRACE_GEN_MAX_ROWS_2021 20000000ull
#define HF_TRACE_GEN_MAX_FUNCTIONS 1000000u /* the readers index at most 2^28; a day of the real trace has ~50,000 */

void hf_trace_gen_default_options(struct hf_trace_gen_options *o);
/* Writes the files; `written` (may be NULL) gets the path of the main file (caller frees). */
bool hf_trace_generate(const struct hf_trace_gen_options *o, char **written, uint64_t *invocations,
                       struct hf_error *err);

#endif
