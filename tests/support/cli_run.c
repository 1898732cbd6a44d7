#include "support/cli_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

static void read_all(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

void cli_run(const char *binary, const char *dir, const char *args, struct cli_result *r)
{
    cli_run_env(NULL, binary, dir, args, r);
}

void cli_run_env(const char *env, const char *binary, const char *dir, const char *args, struct cli_result *r)
{
    char cmd[8192];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s %s >%s/.stdout 2>%s/.stderr </dev/null", dir, env ? env : "", binary,
             args, dir, dir);
    int status = system(cmd);
    char p[600];
    snprintf(p, sizeof p, "%s/.stdout", dir);
    read_all(p, r->out, sizeof r->out);
    snprintf(p, sizeof p, "%s/.stderr", dir);
    read_all(p, r->err, sizeof r->err);
    r->code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}
