/* A file in a results directory replaced whole or not at all: written beside it as
 * "<dir>/.<name>.tmp-<pid>" and renamed over "<dir>/<name>" only when every write succeeded, so a
 * failed redraw leaves the previous plot script, table or page as it was (an empty plot.gp would
 * keep the user from redrawing by hand).
 *
 * Ownership: the struct holds the open FILE until commit. Errors: HF_EXIT_RUN_FAILED naming the
 * file and errno's text. */
#ifndef HF_REPLACE_FILE_H
#define HF_REPLACE_FILE_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"

struct hf_replace_file {
    FILE *f;
    char path[PATH_MAX + 64], tmp[PATH_MAX + 96];
};

/* NULL with err set when the temporary file cannot be made. */
FILE *hf_replace_file_open(struct hf_replace_file *r, const char *dir, const char *name, struct hf_error *err);
/* Closes; when `ok` and the writes succeeded, renames into place and returns true; otherwise
 * removes the temporary file and returns false (err set unless it already was). */
bool hf_replace_file_commit(struct hf_replace_file *r, bool ok, struct hf_error *err);

#endif
