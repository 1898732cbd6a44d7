/* The hfsim command line: subcommand dispatch and the commands themselves (cmd_*.c).
 * Every command returns a documented exit code (sim/error.h) and prints errors as "hfsim: ...". */
#ifndef HF_CLI_H
#define HF_CLI_H

struct hf_error;

int hf_cli_main(int argc, char **argv);

int hf_cmd_run(int argc, char **argv);
int hf_cmd_bench(int argc, char **argv);
int hf_cmd_schema(int argc, char **argv);
int hf_cmd_policies(int argc, char **argv);
int hf_cmd_hpa_calc(int argc, char **argv);
int hf_cmd_trace(int argc, char **argv);
int hf_cmd_compare(int argc, char **argv);
int hf_cmd_sweep(int argc, char **argv);
int hf_cmd_live(int argc, char **argv);
int hf_cmd_validate(int argc, char **argv);
int hf_cmd_plot(int argc, char **argv);

/* Prints "hfsim: <message>" to stderr and returns the error's exit code. */
int hf_cli_report(const struct hf_error *err);

#endif
