#define _POSIX_C_SOURCE 200809L
#include "app/gnuplot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* Runs gnuplot in `dir`; 0 when it exited 0, 127 when it could not be executed, else its status. */
static int run_gnuplot(const char *dir, const char *script, const char *format)
{
    char expression[32];
    snprintf(expression, sizeof expression, "ext='%s'", format);
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (chdir(dir) != 0)
            _exit(126);
        int log = open("gnuplot.log", O_WRONLY | O_CREAT | O_APPEND, 0644);
        int null = open("/dev/null", O_RDWR);
        if (log < 0 || null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(log, STDOUT_FILENO) < 0 ||
            dup2(log, STDERR_FILENO) < 0)
            _exit(126);
        execlp("gnuplot", "gnuplot", "-e", expression, script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool hf_gnuplot_draw(const char *dir, const char *script, const char *what, const char *shown_dir)
{
    static const char *const formats[] = {"png", "svg"};
    for (int i = 0; i < 2; i++) {
        int status = run_gnuplot(dir, script, formats[i]);
        if (status == 127) {
            char log[PATH_MAX + 32];
            snprintf(log, sizeof log, "%s/gnuplot.log", dir);
            remove(log);
            fprintf(stderr, "hfsim: %s: gnuplot not found: wrote the data but no plots (apt-get install gnuplot-nox, "
                            "then `hfsim plot %s`)\n", what, shown_dir);
            return false;
        }
        if (status != 0) {
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
