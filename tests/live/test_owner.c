/* Container owners (live/owner.h): the labels every container carries, and the judgement
 * `hfsim live --cleanup` makes from them: a process that runs, one that exited (reaped or a zombie),
 * a pid reused by another process, another machine, a reboot, labels missing. No engine needed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "live/owner.h"

static struct hf_owner self(void)
{
    struct hf_owner o;
    struct hf_error err = {0};
    cr_assert(hf_owner_self(&o, &err), "%s", err.message);
    return o;
}

static enum hf_owner_verdict judge(const json_t *labels, char *why)
{
    struct hf_owner me = self();
    return hf_owner_judge(labels, &me, why, 512);
}

/* The owner of a child process that reports itself on a pipe and exits; reaped when `reap`. */
static struct hf_owner exited_child(bool reap, pid_t *pid)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        struct hf_owner o;
        struct hf_error err = {0};
        bool ok = hf_owner_self(&o, &err) && write(fds[1], &o, sizeof o) == (ssize_t)sizeof o;
        _exit(ok ? 0 : 1);
    }
    close(fds[1]);
    struct hf_owner o;
    cr_assert_eq(read(fds[0], &o, sizeof o), (ssize_t)sizeof o, "the child reported its identity");
    close(fds[0]);
    cr_assert_eq(o.pid, (long)child);
    if (reap) {
        int status;
        cr_assert_eq(waitpid(child, &status, 0), child);
        cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child exited normally");
    }
    *pid = child;
    return o;
}

Test(owner, labels_name_the_run_and_this_process_which_is_running)
{
    struct hf_owner me = self();
    cr_assert_eq(me.pid, (long)getpid());
    /* field 22 of /proc/self/stat (this program's name has no space: a plain split finds it) */
    FILE *f = fopen("/proc/self/stat", "r");
    cr_assert_not_null(f);
    unsigned long long start = 0;
    cr_assert_eq(fscanf(f, "%*d %*s %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d %llu",
                        &start), 1);
    fclose(f);
    cr_assert_eq(me.start, start, "the start time is field 22");
    cr_assert_gt(me.start, 0);
    cr_assert_neq(me.host[0], '\0');
    json_t *labels = hf_owner_labels(&me, "live-1@box", "worker");
    cr_assert_str_eq(json_string_value(json_object_get(labels, HF_LABEL_RUN)), "live-1@box");
    cr_assert_str_eq(json_string_value(json_object_get(labels, HF_LABEL_ROLE)), "worker");
    cr_assert_str_eq(json_string_value(json_object_get(labels, HF_LABEL_HOST)), me.host);
    char pid[32];
    snprintf(pid, sizeof pid, "%ld", me.pid);
    cr_assert_str_eq(json_string_value(json_object_get(labels, HF_LABEL_PID)), pid);
    char why[512];
    cr_assert_eq(judge(labels, why), HF_OWNER_RUNNING, "%s", why);
    cr_assert(strstr(why, "is running"), "%s", why);
    json_decref(labels);
}

Test(owner, a_process_that_exited_is_gone)
{
    pid_t pid;
    struct hf_owner o = exited_child(true, &pid);
    json_t *labels = hf_owner_labels(&o, "live-x", "worker");
    char why[512];
    cr_assert_eq(judge(labels, why), HF_OWNER_GONE, "%s", why);
    cr_assert(strstr(why, "has exited"), "%s", why);
    json_decref(labels);
}

/* A process that exited but that its parent has not reaped yet still has a pid: it is gone all the
 * same (a killed live run whose parent has not waited yet). */
Test(owner, a_zombie_is_gone)
{
    pid_t pid;
    struct hf_owner o = exited_child(false, &pid);
    char path[64], text[512] = "";
    snprintf(path, sizeof path, "/proc/%ld/stat", (long)pid);
    bool zombie = false;
    for (int i = 0; i < 6000 && !zombie; i++) { /* until it has exited */
        FILE *f = fopen(path, "r");
        cr_assert_not_null(f, "an unreaped child keeps its /proc entry");
        size_t n = fread(text, 1, sizeof text - 1, f);
        text[n] = '\0';
        fclose(f);
        const char *close_paren = strrchr(text, ')');
        zombie = close_paren && close_paren[1] == ' ' && close_paren[2] == 'Z';
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    cr_assert(zombie, "the child exited: %s", text);
    json_t *labels = hf_owner_labels(&o, "live-x", "worker");
    char why[512];
    enum hf_owner_verdict v = judge(labels, why);
    json_decref(labels);
    int status;
    cr_assert_eq(waitpid(pid, &status, 0), pid);
    cr_assert_eq(v, HF_OWNER_GONE, "%s", why);
    cr_assert(strstr(why, "not yet reaped"), "%s", why);
}

/* The pid runs, but it is another process: its start time differs. */
Test(owner, a_reused_pid_is_gone)
{
    struct hf_owner o = self();
    o.start += 1;
    json_t *labels = hf_owner_labels(&o, "live-x", "worker");
    char why[512];
    cr_assert_eq(judge(labels, why), HF_OWNER_GONE, "%s", why);
    cr_assert(strstr(why, "another process"), "%s", why);
    json_decref(labels);
}

Test(owner, another_machine_cannot_be_judged_from_here)
{
    struct hf_owner o = self();
    snprintf(o.host, sizeof o.host, "elsewhere.invalid");
    json_t *labels = hf_owner_labels(&o, "live-x", "worker");
    char why[512];
    cr_assert_eq(judge(labels, why), HF_OWNER_ELSEWHERE, "%s", why);
    cr_assert(strstr(why, "elsewhere.invalid"), "%s", why);
    json_decref(labels);
}

Test(owner, a_reboot_ends_every_process)
{
    struct hf_owner o = self();
    cr_assert_neq(o.boot[0], '\0', "this kernel has a boot id");
    snprintf(o.boot, sizeof o.boot, "00000000-0000-0000-0000-000000000000");
    json_t *labels = hf_owner_labels(&o, "live-x", "worker");
    char why[512];
    cr_assert_eq(judge(labels, why), HF_OWNER_GONE, "%s", why);
    cr_assert(strstr(why, "rebooted"), "%s", why);
    json_decref(labels);
}

Test(owner, missing_or_malformed_owner_labels_are_not_judged)
{
    char why[512];
    json_t *labels = json_pack("{s:s}", HF_LABEL_RUN, "live-1");
    cr_assert_eq(judge(labels, why), HF_OWNER_UNLABELLED, "%s", why);
    json_decref(labels);
    struct hf_owner o = self();
    labels = hf_owner_labels(&o, "live-x", "worker");
    json_object_set_new(labels, HF_LABEL_PID, json_string("12x"));
    cr_assert_eq(judge(labels, why), HF_OWNER_UNLABELLED, "%s", why);
    json_decref(labels);
}

Test(owner, a_run_id_names_kind_pid_and_host)
{
    struct hf_owner me = self();
    char id[HF_RUN_ID_MAX], expected[HF_RUN_ID_MAX];
    hf_run_id(id, sizeof id, "live", 42);
    snprintf(expected, sizeof expected, "live-42@%s", me.host);
    cr_assert_str_eq(id, expected);
}
