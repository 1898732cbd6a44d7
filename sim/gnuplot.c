#include "sim/gnuplot.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hf_gnuplot_draw(const char *dir, const char *script, const char *vars, const char *what)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "hfsim: %s: gnuplot not found: wrote the data but no plots (apt-get install gnuplot-nox, "
                        "then run `gnuplot %s` in %s as its first lines say)\n", what, script, dir);
        return false;
    }
    if (strchr(dir, '\'') || strchr(vars, '"')) {
        fprintf(stderr, "hfsim: %s: %s: a quote in the directory name: plots skipped\n", what, dir);
        return false;
    }
    static const char *const formats[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        char cmd[PATH_MAX + 2048];
        snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -e \"%sext='%s'\" %s 2>gnuplot.log", dir, vars, formats[i],
                 script);
        if (system(cmd) != 0) {
            fprintf(stderr, "hfsim: %s: gnuplot failed drawing the %s plots; see %s/gnuplot.log\n", what, formats[i],
                    dir);
            return false;
        }
    }
    char log[PATH_MAX + 32];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    remove(log);
    return true;
}
