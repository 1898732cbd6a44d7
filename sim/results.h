/* A run's results directory, made atomically.
 *
 * Files are written into a hidden sibling "<parent>/.<name>.tmp-<pid>" and the directory is renamed
 * to its final name only when everything was written and closed. A killed or failed run therefore
 * never leaves a directory that looks finished: at worst a hidden .tmp directory, which the next run
 * of the same name removes. An existing directory of the final name is replaced (runs are
 * deterministic, so a re-run rewrites the same result); entries of it that hfsim does not write
 * (someone's notes) are moved into the new result, never deleted, and named on stderr.
 *
 * Ownership: the caller owns the struct; FILE*s from hf_results_open must be closed with
 * hf_results_close before commit. Errors: HF_EXIT_RUN_FAILED with the path and errno text. */
#ifndef HF_RESULTS_H
#define HF_RESULTS_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"

struct hf_results {
    char final_dir[PATH_MAX];
    char tmp_dir[PATH_MAX];
    bool open;
    char kind[32]; /* what the marker says: HF_OUT_KIND_RESULTS unless begun with another */
};

bool hf_results_begin(struct hf_results *r, const char *final_dir, struct hf_error *err);
/* As hf_results_begin for a directory of another kind (sim/out_dir.h HF_OUT_KIND_*): its marker
 * says so, and a directory of a different kind is not replaced. */
bool hf_results_begin_kind(struct hf_results *r, const char *final_dir, const char *kind, struct hf_error *err);
FILE *hf_results_open(struct hf_results *r, const char *name, struct hf_error *err);
/* Flushes and closes; false if any write to the file failed. */
bool hf_results_close(struct hf_results *r, FILE *f, const char *name, struct hf_error *err);
/* Writes a JSON document (2-space indent, keys in insertion order, trailing newline). */
bool hf_results_write_json(struct hf_results *r, const char *name, const json_t *doc,
                           struct hf_error *err);
bool hf_results_commit(struct hf_results *r, struct hf_error *err);
/* Removes the temporary directory (on failure). Safe to call after commit (does nothing). */
void hf_results_abort(struct hf_results *r);

/* mkdir -p */
bool hf_mkdirs(const char *path, struct hf_error *err);
/* rm -rf of a directory tree this program made (no symlink following). */
bool hf_remove_tree(const char *path);

#endif
