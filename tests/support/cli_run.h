/* Test helper: runs the hfsim binary as a user would, in a directory, capturing its output. */
#ifndef HF_TEST_CLI_RUN_H
#define HF_TEST_CLI_RUN_H

#include <stddef.h>

struct cli_result {
    int code; /* exit code, -1 when killed */
    char out[65536], err[65536];
};

/* Runs "BINARY ARGS" in `dir` (stdin from /dev/null). */
void cli_run(const char *binary, const char *dir, const char *args, struct cli_result *r);
/* The same with environment assignments first ("DOCKER_HOST=tcp://127.0.0.1:1"; NULL: none). */
void cli_run_env(const char *env, const char *binary, const char *dir, const char *args, struct cli_result *r);

#endif
