/* A parameter sweep's grid: named axes, each a list of values, and their cartesian product.
 *
 * Axes come from the command line, `PATH=V1,V2,...` (values as in --set: JSON when they parse) or
 * `PATH=FROM..TO:STEP` (numbers, TO included when the steps land on it), or from a JSON sweep
 * file: {"axes": {"PATH": [values...] | {"from": a, "to": b, "step": s}}, "policies": [...]}
 * (docs/sweeps.md). Points are numbered 0..count-1 with the first axis varying slowest, so a point's
 * number names the same assignment on every machine.
 *
 * Ownership: the grid owns copies of paths and value texts. Errors: HF_EXIT_USAGE naming the
 * --set argument, or HF_EXIT_BAD_INPUT naming the sweep file and its JSON path. */
#ifndef HF_SWEEP_GRID_H
#define HF_SWEEP_GRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

#define HF_SWEEP_MAX_AXES 16
#define HF_SWEEP_MAX_POINTS 1000000

struct hf_sweep_axis {
    char *path;
    char **values; /* JSON texts */
    char **labels; /* the same for people (sweep.csv, plots): a string's text without quotes */
    size_t count;
};

struct hf_sweep_grid {
    struct hf_sweep_axis axes[HF_SWEEP_MAX_AXES];
    size_t axis_count;
    char *policies; /* from a sweep file, comma-separated; NULL when it names none */
};

/* Adds an axis from "PATH=..." (a --set argument). */
bool hf_sweep_grid_add(struct hf_sweep_grid *g, const char *assignment, struct hf_error *err);
/* Adds an axis with the given value texts, as they are (a sweep manifest). */
bool hf_sweep_grid_add_axis(struct hf_sweep_grid *g, const char *path, const char *const *values, size_t count,
                            struct hf_error *err);
/* Adds the axes (and policies) of a JSON sweep file. */
bool hf_sweep_grid_load(struct hf_sweep_grid *g, const char *path, struct hf_error *err);
/* Points in the grid (1 when it has no axes). */
uint64_t hf_sweep_grid_points(const struct hf_sweep_grid *g);
/* Point p's value on axis a (a JSON text). */
const char *hf_sweep_grid_value(const struct hf_sweep_grid *g, uint64_t p, size_t a);
/* The same value as people read it (sweep.csv, plots): a string without its JSON quotes. */
const char *hf_sweep_grid_label(const struct hf_sweep_grid *g, uint64_t p, size_t a);
/* "PATH=VALUE" overrides of point p, written into out[axis_count] (each owned by the caller). */
bool hf_sweep_grid_overrides(const struct hf_sweep_grid *g, uint64_t p, char **out, struct hf_error *err);
void hf_sweep_grid_free(struct hf_sweep_grid *g);

#endif
