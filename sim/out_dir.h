/* Where hfsim may write: the guard every command runs on its output path before any work starts.
 *
 * hfsim replaces or removes only what it made itself. A directory it made carries a marker file
 * (HF_OUT_MARKER, written first thing into every results, comparison, sweep and generated-trace
 * directory), so a later run can tell its own output from a user's directory. A path is accepted
 * when it does not exist, is an empty directory, or is a directory holding the marker. Refused
 * (HF_EXIT_USAGE, with the reason and what to do): "/", $HOME, the working directory or any of its
 * ancestors, a symbolic link, something that is not a directory, and a non-empty directory without
 * the marker. Profiles (a single file) have their own check: an existing file is replaced only
 * when it is an hfsim profile.
 *
 * Stale half-written siblings: a run writes into ".<name>.tmp-<pid>" beside the final directory. A
 * run killed by SIGKILL leaves one; hf_out_dir_sweep_stale removes those whose process is gone
 * (and that hold the marker, so nothing of a user's is touched).
 *
 * Errors: false with err set (HF_EXIT_USAGE for a refused path, HF_EXIT_RUN_FAILED for I/O). */
#ifndef HF_OUT_DIR_H
#define HF_OUT_DIR_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

#define HF_OUT_MARKER ".hfsim"

/* `flag` names the option in messages ("--out"). */
bool hf_out_dir_check(const char *path, const char *flag, struct hf_error *err);

/* Kinds of directory hfsim makes, as its marker names them. */
#define HF_OUT_KIND_RESULTS "results"            /* hfsim run, hfsim live */
#define HF_OUT_KIND_COMPARISON "comparison"      /* hfsim compare */
#define HF_OUT_KIND_VALIDATION "validation"      /* hfsim validate */
#define HF_OUT_KIND_SWEEP "sweep"                /* hfsim sweep */
#define HF_OUT_KIND_TRACE "generated trace"      /* hfsim trace gen */

/* hf_out_dir_check, and a directory hfsim made must be of the same `kind`: a run does not replace a
 * sweep, a comparison or a generated trace (which a run may be replaying). A marker of an earlier
 * version that says only "results" passes for results, comparison and validation. */
bool hf_out_dir_check_kind(const char *path, const char *flag, const char *kind, struct hf_error *err);

/* For a command's own --out (not for the runs a sweep or comparison makes inside its directory):
 * refused when a directory above it was made by hfsim (a sweep, a comparison, a run), since writing
 * there would change that directory's results behind its back (a sweep would resume and report a
 * hand-made run as its grid point). */
bool hf_out_dir_check_outside(const char *path, const char *flag, struct hf_error *err);

/* Writes the marker into an existing directory; `kind` says what made it ("run", "sweep", ...). */
bool hf_out_dir_mark(const char *dir, const char *kind, struct hf_error *err);

/* The kind DIR's marker names (HF_OUT_KIND_*), or "" when it has no marker or names none. */
void hf_out_dir_kind(const char *dir, char *kind, size_t size);

/* True when the directory holds the marker. */
bool hf_out_dir_is_marked(const char *dir);

/* Removes "<parent>/.<base>.tmp-<pid>[.old-<pid>]" directories of processes that are gone and that
 * hold the marker; returns how many it removed. */
int hf_out_dir_sweep_stale(const char *parent, const char *base);

/* For a single output file (a calibration profile): absent in a writable directory, or an existing
 * regular file whose text contains `signature`. */
bool hf_out_file_check(const char *path, const char *flag, const char *signature, struct hf_error *err);

#endif
