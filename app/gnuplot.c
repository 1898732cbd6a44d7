#include "app/gnuplot.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool hf_gnuplot_draw(const char *dir, const char *script, const char *what, const char *shown_dir)
{
    if (system("command -v gnuplot >/dev/null 2>&1") != 0) {
        fprintf(stderr, "hfsim: %s: gnuplot not found: wrote the data but no plots (apt-get install gnuplot-nox, "
                        "then run `gnuplot %s` in %s)\n", what, script, shown_dir);
        return false;
    }
    if (strchr(dir, '\'')) {
        fprintf(stderr, "hfsim: %s: %s: a quote in the directory name: plots skipped\n", what, dir);
        return false;
    }
    static const char *const formats[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        char cmd[PATH_MAX + 2048];
        snprintf(cmd, sizeof cmd, "cd '%s' && gnuplot -e \"ext='%s'\" %s 2>gnuplot.log", dir, formats[i], script);
        if (system(cmd) != 0) {
            fprintf(stderr, "hfsim: %s: gnuplot failed drawing the %s plots; see %s/gnuplot.log\n", what, formats[i],
                    shown_dir);
            return false;
        }
    }
    char log[PATH_MAX + 32];
    snprintf(log, sizeof log, "%s/gnuplot.log", dir);
    remove(log);
    return true;
}
