/* Jobs run in forked worker processes (hfsim sweep's pool): each worker takes the next job from a
 * counter all workers share until none is left (so one that drew slow jobs does not hold the
 * others back) and reports each to the parent with one byte on a pipe.
 *
 * Signals: SIGINT/SIGTERM are held pending (sim/interrupt.h) and the parent forwards one to every
 * worker; a job sees it as its run's interruption and the worker stops after it. A worker whose
 * parent is SIGKILLed gets SIGTERM from the kernel (PR_SET_PDEATHSIG) and stops likewise, so none
 * goes on writing after its parent is gone. Progress: a bar with an ETA on a terminal, else a plain
 * line every HF_PROGRESS_LINE_S.
 *
 * Errors: false with err set only when the pool cannot start (pipe, mmap); what happened to the
 * jobs is in the result. */
#ifndef HF_WORKER_POOL_H
#define HF_WORKER_POOL_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

enum hf_job_outcome { HF_JOB_FAILED = 0, HF_JOB_DONE = 1, HF_JOB_INTERRUPTED = 2 };

/* Runs job `index` (0 <= index < count) in a worker; prints its own failure. */
typedef enum hf_job_outcome (*hf_job_fn)(void *ctx, uint64_t index);

struct hf_pool_result {
    uint64_t done, failed; /* jobs reported done / failed */
    int signo;             /* SIGINT or SIGTERM when the pool was interrupted, else 0 */
    bool crashed;          /* a worker died without exiting (its jobs may be unreported) */
};

/* `workers` 0: one per CPU; never more than `count` or 256. `label` starts the progress line. */
bool hf_pool_run(unsigned workers, uint64_t count, hf_job_fn job, void *ctx, bool progress, const char *label,
                 struct hf_pool_result *result, struct hf_error *err);

/* The job of a pool that runs scenarios (a sweep's point, a comparison's policy): runs `scenario`
 * (taken: it is released) into `out_dir` without a progress line; a failure is printed as
 * "hfsim: <what>: <label>: <message>". A NULL scenario (it failed to load; `load_err` says why) is
 * a failed job. */
struct json_t;
enum hf_job_outcome hf_pool_run_scenario(struct json_t *scenario, const struct hf_error *load_err, const char *out_dir,
                                         const char *what, const char *label);

#endif
