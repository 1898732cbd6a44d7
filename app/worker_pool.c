#define _DEFAULT_SOURCE /* MAP_ANONYMOUS */
#include "app/worker_pool.h"

#include "app/run.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "app/progress.h"
#include "sim/interrupt.h"
#include "sim/wallclock.h"

#define MAX_WORKERS 256

/* A worker's life: jobs from the shared counter until none is left or one was interrupted. Exits
 * with the number of failures (capped). */
static int work(uint64_t count, hf_job_fn job, void *ctx, _Atomic uint64_t *next, int done_fd)
{
    int failures = 0;
    for (uint64_t i; (i = atomic_fetch_add(next, 1)) < count;) {
        enum hf_job_outcome outcome = job(ctx, i);
        failures += outcome == HF_JOB_FAILED;
        char byte = (char)outcome;
        if (write(done_fd, &byte, 1) != 1 || outcome == HF_JOB_INTERRUPTED)
            break;
    }
    return failures > 100 ? 100 : failures;
}

static void show_bar(const char *label, uint64_t done, uint64_t total, double started)
{
    double elapsed = hf_wall_seconds() - started;
    double eta = done ? elapsed / (double)done * (double)(total - done) : 0;
    int width = 30, filled = total ? (int)((double)width * (double)done / (double)total) : width;
    char bar[64];
    for (int i = 0; i < width; i++)
        bar[i] = i < filled ? '=' : ' ';
    bar[width] = '\0';
    fprintf(stderr, "\rhfsim: %s [%s] %llu/%llu runs, %.0f s, ETA %.0f s   ", label, bar, (unsigned long long)done,
            (unsigned long long)total, elapsed, eta);
}

/* Forks up to `workers`; returns how many started (err set when fork failed). */
static unsigned start_workers(unsigned workers, pid_t *pids, uint64_t count, hf_job_fn job, void *ctx,
                              _Atomic uint64_t *next, const int fds[2], struct hf_error *err)
{
    const pid_t parent = getpid();
    for (unsigned w = 0; w < workers; w++) {
        pid_t pid = fork();
        if (pid < 0) {
            hf_fail(err, HF_EXIT_RUN_FAILED, "worker pool: fork: %s", strerror(errno));
            return w;
        }
        if (pid == 0) {
            /* The check after prctl closes the race with a parent that died before it. */
            if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
                _exit(HF_EXIT_SIGNAL + SIGTERM);
            close(fds[0]);
            int failures = work(count, job, ctx, next, fds[1]);
            close(fds[1]);
            fflush(NULL);
            _exit(failures);
        }
        pids[w] = pid;
    }
    return workers;
}

/* Reads the workers' reports until they all closed the pipe, forwarding a signal and drawing
 * progress. */
static void collect(int fd, const pid_t *pids, unsigned workers, uint64_t count, bool progress, const char *label,
                    struct hf_pool_result *r)
{
    bool tty = progress && isatty(STDERR_FILENO);
    double started = hf_wall_seconds(), last_line = started;
    for (char byte;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        if (poll(&pfd, 1, 200) == 0 || (pfd.revents & POLLIN) == 0) {
            int arrived = hf_interrupt_pending();
            if (arrived && !r->signo) {
                r->signo = arrived;
                for (unsigned w = 0; w < workers; w++)
                    kill(pids[w], arrived);
            }
            if (!(pfd.revents & (POLLHUP | POLLERR)))
                continue;
        }
        if (read(fd, &byte, 1) != 1)
            break;
        if (byte == HF_JOB_INTERRUPTED) {
            r->signo = r->signo ? r->signo : SIGINT;
            continue;
        }
        r->done++;
        r->failed += byte == HF_JOB_FAILED;
        if (tty) {
            show_bar(label, r->done, count, started);
        } else if (progress && hf_wall_seconds() - last_line >= HF_PROGRESS_LINE_S) {
            /* Not a terminal (a log file, a batch job): a plain line now and then. */
            last_line = hf_wall_seconds();
            fprintf(stderr, "hfsim: %s: %llu of %llu runs done (%llu failed), %.0f s\n", label,
                    (unsigned long long)r->done, (unsigned long long)count, (unsigned long long)r->failed,
                    last_line - started);
        }
    }
    if (tty)
        fputc('\n', stderr);
}

bool hf_pool_run(unsigned workers, uint64_t count, hf_job_fn job, void *ctx, bool progress, const char *label,
                 struct hf_pool_result *result, struct hf_error *err)
{
    *result = (struct hf_pool_result){0};
    if (workers == 0)
        workers = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    workers = workers == 0 ? 1 : workers > MAX_WORKERS ? MAX_WORKERS : workers;
    if (workers > count)
        workers = (unsigned)count;
    int fds[2];
    if (pipe(fds) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: pipe: %s", label, strerror(errno));
    fflush(NULL);
    _Atomic uint64_t *next = mmap(NULL, sizeof *next, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (next == MAP_FAILED) {
        close(fds[0]);
        close(fds[1]);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: mmap: %s", label, strerror(errno));
    }
    atomic_init(next, 0);
    /* SIGINT/SIGTERM stay pending (workers inherit the mask) until the parent forwards them. */
    struct hf_interrupt interrupt;
    hf_interrupt_open(&interrupt);
    pid_t pids[MAX_WORKERS];
    struct hf_error fork_err = {0};
    workers = start_workers(workers, pids, count, job, ctx, next, fds, &fork_err);
    close(fds[1]);
    collect(fds[0], pids, workers, count, progress, label, result);
    close(fds[0]);
    munmap((void *)next, sizeof *next);
    for (unsigned w = 0; w < workers; w++) {
        int status;
        if (waitpid(pids[w], &status, 0) < 0 || !WIFEXITED(status))
            result->crashed = true;
    }
    if (!result->signo)
        result->signo = hf_interrupt_pending();
    hf_interrupt_close(&interrupt);
    if (fork_err.code) {
        *err = fork_err;
        return false;
    }
    return true;
}

enum hf_job_outcome hf_pool_run_scenario(struct json_t *scenario, const struct hf_error *load_err, const char *out_dir,
                                         const char *what, const char *label)
{
    struct hf_error err = {0};
    if (!scenario)
        err = *load_err;
    struct hf_run_options run = {.out_dir = out_dir, .progress = false};
    struct hf_run_report report;
    bool ok = scenario && hf_run_scenario(scenario, &run, &report, &err);
    json_decref(scenario);
    if (ok)
        return HF_JOB_DONE;
    if (err.code >= HF_EXIT_SIGNAL)
        return HF_JOB_INTERRUPTED; /* the run removed its half-written directory */
    fprintf(stderr, "hfsim: %s: %s: %s\n", what, label, err.message);
    return HF_JOB_FAILED;
}
