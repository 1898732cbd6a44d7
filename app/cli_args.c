#include "app/cli_args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

bool hf_arg_value(int *i, int argc, char **argv, const char *name, const char **value,
                  struct hf_error *err)
{
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0)
        return false;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return true;
    }
    if (arg[n] != '\0')
        return false;
    if (*i + 1 >= argc) {
        *value = NULL;
        hf_fail(err, HF_EXIT_USAGE, "%s needs a value", name);
        return true;
    }
    *value = argv[++*i];
    return true;
}

bool hf_arg_flag(const char *arg, const char *name) { return strcmp(arg, name) == 0; }

bool hf_arg_u64(const char *option, const char *text, unsigned long long *out, struct hf_error *err)
{
    char *end;
    errno = 0;
    if (*text == '-' || *text == '\0')
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: expected a non-negative integer", option, text);
    *out = strtoull(text, &end, 10);
    if (errno || *end)
        return hf_fail(err, HF_EXIT_USAGE, "%s %s: expected a non-negative integer", option, text);
    return true;
}

bool hf_args_want_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (hf_arg_flag(argv[i], "--help") || hf_arg_flag(argv[i], "-h"))
            return true;
    return false;
}
