#define _GNU_SOURCE /* pipe2 */
#include "live/reaper.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "live/docker.h"
#include "live/owner.h"

static size_t remove_run(const char *host, const char *run_id)
{
    struct hf_docker *d;
    struct hf_error err = {0};
    size_t removed = 0;
    if (!hf_docker_open(&d, host, &err))
        return 0;
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, run_id, &err);
    size_t i;
    const json_t *id;
    json_array_foreach(ids, i, id)
        removed += hf_docker_remove(d, json_string_value(id), &err);
    if (err.message[0])
        fprintf(stderr, "hfsim: reaper: %s (`hfsim live --cleanup` removes what is left)\n", err.message);
    json_decref(ids);
    hf_docker_close(d);
    return removed;
}

/* The reaper's life: wait for the end of the pipe, then clean every engine. */
static void reap(int read_fd, const char *hosts, const char *run_id)
{
    /* The terminal's Ctrl-C reaches the whole process group: the reaper must outlive the run. */
    signal(SIGINT, SIG_IGN);
    signal(SIGTERM, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    char byte;
    ssize_t got;
    while ((got = read(read_fd, &byte, 1)) < 0 && errno == EINTR)
        ;
    if (got == 1)
        return; /* the run ended normally and removed its containers itself */
    char *list = strdup(hosts);
    size_t removed = 0;
    /* Twice: a creation the engine was still answering when the run's process went lands after the
     * first listing. */
    for (int pass = 0; pass < 2; pass++) {
        if (pass)
            sleep(2);
        char *copy = list ? strdup(list) : NULL;
        for (char *save = NULL, *h = copy ? strtok_r(copy, ",", &save) : NULL; h; h = strtok_r(NULL, ",", &save))
            removed += remove_run(h, run_id);
        free(copy);
    }
    if (removed)
        fprintf(stderr, "hfsim: reaper: removed %zu container%s of run %s left by its ended process\n", removed,
                removed == 1 ? "" : "s", run_id);
    free(list);
}

bool hf_reaper_start(struct hf_reaper *r, const char *hosts, const char *run_id, struct hf_error *err)
{
    int fds[2];
    r->pid = -1;
    r->write_fd = -1;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "live run: pipe: %s", strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "live run: fork: %s", strerror(errno));
    }
    if (pid == 0) {
        close(fds[1]);
        reap(fds[0], hosts, run_id);
        _exit(0);
    }
    close(fds[0]);
    r->pid = pid;
    r->write_fd = fds[1];
    return true;
}

void hf_reaper_hand_over(struct hf_reaper *r)
{
    if (r->write_fd >= 0)
        close(r->write_fd); /* end-of-file without the byte: the reaper cleans every engine */
    r->write_fd = -1;
    r->pid = -1; /* not waited for: it works on after this process has gone */
}

void hf_reaper_finish(struct hf_reaper *r)
{
    if (r->write_fd >= 0) {
        (void)!write(r->write_fd, "x", 1);
        close(r->write_fd);
    }
    if (r->pid > 0)
        while (waitpid(r->pid, NULL, 0) < 0 && errno == EINTR)
            ;
    r->pid = -1;
    r->write_fd = -1;
}
