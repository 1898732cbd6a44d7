/* Tiny helpers for subcommand option parsing: "--name VALUE" and "--name=VALUE" forms.
 * (getopt_long would need _GNU_SOURCE and global state; subcommands parse their own argv.) */
#ifndef HF_CLI_ARGS_H
#define HF_CLI_ARGS_H

#include <stdbool.h>

#include "sim/error.h"

/* If argv[*i] is option `name` with a value, stores it, advances *i past it and returns true.
 * A matching option without its value sets err (HF_EXIT_USAGE) and returns true with *value NULL. */
bool hf_arg_value(int *i, int argc, char **argv, const char *name, const char **value,
                  struct hf_error *err);
/* True if argv[i] is exactly the flag `name`. */
bool hf_arg_flag(const char *arg, const char *name);
/* Parses a non-negative integer option value; false with a usage error otherwise. */
bool hf_arg_u64(const char *option, const char *text, unsigned long long *out, struct hf_error *err);

/* True when --help or -h stands anywhere among argv[1..argc): asking for help wins over every
 * other argument, even one that would take it as its value (`sweep --merge --help`). */
bool hf_args_want_help(int argc, char **argv);

#endif
