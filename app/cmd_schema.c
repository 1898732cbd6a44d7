/* hfsim schema [--markdown] and hfsim policies: the references generated from the code itself. */
#include <stdio.h>

#include "app/cli.h"
#include "app/cli_args.h"
#include "app/scenario.h"
#include "policies/registry.h"

int hf_cmd_schema(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (hf_arg_flag(argv[i], "--markdown"))
            continue;
        if (hf_arg_flag(argv[i], "--help") || hf_arg_flag(argv[i], "-h")) {
            puts("usage: hfsim schema [--markdown]\n\nPrints every scenario field: path, type, "
                 "unit, default, constraint and meaning\n(a Markdown table; docs/scenario.md is "
                 "this output).");
            return HF_EXIT_OK;
        }
        fprintf(stderr, "hfsim: schema: unknown option %s\n", argv[i]);
        return HF_EXIT_USAGE;
    }
    struct hf_scenario_schema schema;
    hf_scenario_schema_init(&schema);
    hf_schema_write_markdown(stdout, schema.fields);
    return HF_EXIT_OK;
}

int hf_cmd_policies(int argc, char **argv)
{
    if (hf_args_want_help(argc, argv)) {
        puts("usage: hfsim policies\n\nLists the scaling policies, one line each: the name `--policy` and a scenario's\n"
             "\"policy\" take, and what it models. Each policy's parameters: hfsim schema (its section).");
        return HF_EXIT_OK;
    }
    if (argc > 1) {
        fprintf(stderr, "hfsim: policies takes no arguments\n");
        return HF_EXIT_USAGE;
    }
    for (size_t i = 0; i < hf_policy_count(); i++)
        printf("%-17s %s\n", hf_policy_at(i)->name, hf_policy_at(i)->summary);
    return HF_EXIT_OK;
}
