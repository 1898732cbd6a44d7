/* `hfsim sweep`: a scenario over the cartesian grid of swept parameters, per policy, in parallel
 * worker processes; resumable; one sweep.csv; plots of each metric against each swept parameter.
 *
 * Layout of the output directory (docs/sweeps.md):
 *   runs/<policy>/p<NNNNNN>/   one run's results (sim/results.h: it exists only once complete)
 *   sweep.csv                  a row per point and policy: the point's values, then the metrics
 *   sweep.gp, <metric>-vs-<parameter>.png/.svg   (numeric parameters, when gnuplot is installed)
 * A point whose directory exists is finished and is not run again, so an interrupted sweep started
 * again with the same arguments runs only what is missing (a half-written point is a hidden .tmp
 * directory, removed on restart). Results do not depend on the number of workers: each point is its
 * own seeded run.
 *
 * Ownership: options are borrowed. Errors: every point's scenario is checked before any run (exit
 * 2/3 naming the point's assignment); a failed run fails the sweep (exit 1) after the others finish,
 * keeping what finished. */
#ifndef HF_SWEEP_H
#define HF_SWEEP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/sweep_grid.h"
#include "sim/error.h"

/* What hf_sweep does with the grid. */
enum hf_sweep_mode {
    HF_SWEEP_RUN,   /* run what is missing here, then sweep.csv and plots */
    HF_SWEEP_EMIT_SLURM,    /* write sweep.sbatch, a Slurm job array with one task per run */
    HF_SWEEP_EMIT_PARALLEL, /* write jobs.txt, one command per run (GNU parallel, xargs -P ...) */
    HF_SWEEP_ONE_JOB,       /* run job `job` only (what the emitted tasks call) */
    HF_SWEEP_MERGE,         /* gather finished runs into sweep.csv and plots; missing ones are an error */
};

struct hf_sweep_options {
    const char *scenario_path;    /* NULL: the embedded Figure 1 burst, as hfsim compare */
    const struct hf_sweep_grid *grid;
    const char *policies;         /* comma-separated; NULL: the grid's, else the scenario's policy */
    const char *out_dir;          /* NULL: results/sweep-<name> */
    unsigned jobs;                /* worker processes; 0: one per online CPU */
    bool progress, plots;
    enum hf_sweep_mode mode;
    uint64_t job;                 /* HF_SWEEP_ONE_JOB */
};

/* Every mode first writes (or checks) DIR/sweep.json, the manifest: scenario (absolute path or
 * null for the embedded one), axes with their values, policies. The emitted scripts and --merge
 * read it, so a cluster runs exactly the grid that was emitted. */
bool hf_sweep(const struct hf_sweep_options *options, char *written, size_t written_size, struct hf_error *err);

/* Reads DIR/sweep.json into a grid (which must be empty), the scenario path (NULL = embedded; the
 * caller frees) and the policies (caller frees). */
bool hf_sweep_load_manifest(const char *dir, struct hf_sweep_grid *grid, char **scenario_path, char **policies,
                            struct hf_error *err);

/* The directory of run (policy, point) in sweep directory `out`: out/runs/<policy>/p<NNNNNN>. */
void hf_sweep_run_dir(const char *out, const char *policy, uint64_t point, char *buf, size_t size);

#endif
