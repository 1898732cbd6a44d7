/* Error values and the process exit codes they map to.
 *
 * Functions that can fail take a `struct hf_error *` and fill it (message plus exit code) on failure;
 * callers pass it up unchanged. The CLI prints it once, as "hfsim: <message>", and exits with its code.
 * Messages start with where the problem is ("FILE:LINE: ", "FILE: $.json.path: ", "--set K=V: "), so
 * the user is pointed at the exact input to fix. */
#ifndef HF_ERROR_H
#define HF_ERROR_H

#include <stdbool.h>

/* Documented exit codes (README, `hfsim --help`). */
enum hf_exit {
    HF_EXIT_OK = 0,
    HF_EXIT_RUN_FAILED = 1, /* the run started but failed: conservation broken, I/O error on results */
    HF_EXIT_USAGE = 2,      /* bad command line: unknown flag, missing argument */
    HF_EXIT_BAD_INPUT = 3,  /* a scenario, trace or snapshot file (or --set value) is invalid */
    HF_EXIT_SIGNAL = 128,   /* + the signal: interrupted by SIGINT (130) or SIGTERM (143), output removed */
};

struct hf_error {
    enum hf_exit code;
    char message[1024];
};

/* Sets the error (printf-style) and returns false, so failing paths can `return hf_fail(...)`. */
bool hf_fail(struct hf_error *err, enum hf_exit code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an existing message (used to add a file name to a deeper error). */
void hf_error_prefix(struct hf_error *err, const char *prefix);

#endif
