#define _DEFAULT_SOURCE /* d_type */
/* SIGINT and SIGTERM during a run, a comparison or a sweep: the half-written output is removed, the
 * user is told, and the exit code is 128 + the signal. No wall-clock bound: the test waits for the
 * run to have started (its hidden directory exists) however slow the machine is. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "sim/results.h"

static char base[64];

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-interrupt-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}

static void teardown(void) { hf_remove_tree(base); }

TestSuite(interrupt, .init = setup, .fini = teardown, .timeout = 300);

/* Entries under dir (recursively) whose name contains `needle`. */
static int count_named(const char *dir, const char *needle)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        n += strstr(e->d_name, needle) != NULL;
        if (e->d_type == DT_DIR) {
            char sub[1024];
            snprintf(sub, sizeof sub, "%s/%s", dir, e->d_name);
            n += count_named(sub, needle);
        }
    }
    if (d)
        closedir(d);
    return n;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* Starts hfsim with argv in base (stderr to base/err.txt), waits until a half-written run directory
 * exists, sends `signo`, and returns the exit status (for SIGKILL: -1, the process died by it). */
static int interrupt_after(char *const argv[], int signo, const char *started);
static int interrupt_after_start(char *const argv[], int signo) { return interrupt_after(argv, signo, "config.json"); }

/* As interrupt_after_start, waiting for an entry named `started` instead of a run's config.json. */
static int interrupt_after(char *const argv[], int signo, const char *started)
{
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        if (chdir(base) != 0)
            _exit(99);
        int fd = open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, STDERR_FILENO);
        int null = open("/dev/null", O_RDWR);
        dup2(null, STDIN_FILENO);
        dup2(null, STDOUT_FILENO);
        execv(HFSIM_BIN, argv);
        _exit(98);
    }
    /* A run's config.json is written before it simulates: its presence means it has started. */
    while (count_named(base, started) == 0) {
        int status;
        cr_assert_eq(waitpid(pid, &status, WNOHANG), 0, "hfsim ended before it could be interrupted");
        sleep_ms(20);
    }
    cr_assert_eq(kill(pid, signo), 0);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    if (signo == SIGKILL)
        return -1;
    cr_assert(WIFEXITED(status), "hfsim died by a signal instead of cleaning up");
    return WEXITSTATUS(status);
}

static void read_err(char *buf, size_t size)
{
    char p[128];
    snprintf(p, sizeof p, "%s/err.txt", base);
    FILE *f = fopen(p, "r");
    cr_assert_not_null(f);
    size_t n = fread(buf, 1, size - 1, f);
    buf[n] = '\0';
    fclose(f);
}

/* 1e8 s: hours of wall time, sampled every hour (a 1 s interval would be refused: 1e8 rows). */
#define LONG "duration_s=100000000", "--set", "outputs.interval_s=3600"

Test(interrupt, sigint_during_a_run_removes_its_directory_and_exits_130)
{
    char *argv[] = {"hfsim", "run", "-q", "--set", LONG, "--out", "r", NULL};
    cr_assert_eq(interrupt_after_start(argv, SIGINT), 130);
    char err[4096];
    read_err(err, sizeof err);
    cr_assert(strstr(err, "interrupted by SIGINT: removed the half-written r"), "%s", err);
    cr_assert_eq(count_named(base, ".tmp-"), 0, "a half-written directory was left");
    cr_assert_eq(count_named(base, ".hfsim"), 0);
}

Test(interrupt, sigterm_during_a_comparison_removes_it_and_exits_143)
{
    char *argv[] = {"hfsim", "compare", "-q", "--set", LONG, "--policies", "hpa,hyperfaas", "--out", "c", NULL};
    cr_assert_eq(interrupt_after_start(argv, SIGTERM), 143);
    char err[4096];
    read_err(err, sizeof err);
    cr_assert(strstr(err, "interrupted by SIGTERM: removed the half-written c\n"), "%s", err);
    cr_assert_eq(count_named(base, ".tmp-"), 0, "a half-written directory was left");
}

Test(interrupt, a_sweep_stops_every_worker_and_keeps_what_finished)
{
    char *argv[] = {"hfsim", "sweep", "-q", "--set", "cluster.vms=4,5,6", "--set", LONG, "--policies", "hyperfaas",
                    "--jobs", "2", "--out", "s", "--no-plots", NULL};
    cr_assert_eq(interrupt_after_start(argv, SIGINT), 130);
    char err[4096];
    read_err(err, sizeof err);
    cr_assert(strstr(err, "sweep interrupted by SIGINT"), "%s", err);
    cr_assert_eq(count_named(base, ".tmp-"), 0, "a half-written run was left");
    char cmd[256];
    snprintf(cmd, sizeof cmd, "pgrep -f '[h]fsim sweep -q --set cluster.vms=4,5,6' >/dev/null");
    cr_assert_neq(system(cmd), 0, "a sweep worker is still running");
}

/* A SIGKILLed sweep cannot forward anything: its workers learn it from the kernel (parent-death
 * signal) and stop as if interrupted, removing their half-written runs; none goes on writing into a
 * directory that a re-run would resume. Waits without a wall-clock bound (the suite's timeout is
 * the limit): before the fix the workers ran on for hours. */
Test(interrupt, a_killed_sweep_leaves_no_worker_running)
{
    char *argv[] = {"hfsim", "sweep", "-q", "--set", "cluster.vms=7,8,9", "--set", LONG, "--policies", "hyperfaas",
                    "--jobs", "2", "--out", "k", "--no-plots", NULL};
    cr_assert_eq(interrupt_after_start(argv, SIGKILL), -1);
    while (system("pgrep -f '[h]fsim sweep -q --set cluster.vms=7,8,9' >/dev/null") == 0 ||
           count_named(base, ".tmp-") > 0)
        sleep_ms(50);
}

/* A trace being generated is written into a hidden sibling: SIGTERM removes it and exits 143, and
 * nothing that looks like a trace is left. A million functions for a day take minutes, so the
 * signal arrives while it writes. */
Test(interrupt, sigterm_during_trace_gen_leaves_nothing)
{
    char *argv[] = {"hfsim", "trace", "gen", "--functions", "1000000", "--minutes", "1440", "--out", "t", NULL};
    cr_assert_eq(interrupt_after(argv, SIGTERM, ".tmp-"), 143);
    char err[4096];
    read_err(err, sizeof err);
    cr_assert(strstr(err, "trace gen interrupted by SIGTERM"), "%s", err);
    cr_assert_eq(count_named(base, ".tmp-"), 0, "a half-written trace was left");
    cr_assert_eq(count_named(base, "invocations_per_function"), 0);
}
