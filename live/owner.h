/* Who owns a container hfsim makes, so `hfsim live --cleanup` can tell a finished run's leftovers
 * from the containers of a run that is still going.
 *
 * Every container carries, besides hfsim.run=<run id> and hfsim.role, the owning process's
 * identity as labels: hfsim.owner.host (gethostname), hfsim.owner.pid, hfsim.owner.start (the
 * process's start time, clock ticks after boot, field 22 of /proc/PID/stat: a pid reused by a later
 * process has another start time) and hfsim.owner.boot (/proc/sys/kernel/random/boot_id: a reboot
 * ends every process). A run id is "<kind>-<pid>@<host>", unique per machine and time (the pid is
 * not reused while the run lives), so one run's label never matches another machine's run.
 *
 * Linux only (/proc). Errors: hf_owner_self fails (HF_EXIT_RUN_FAILED) when /proc cannot be read. */
#ifndef HF_LIVE_OWNER_H
#define HF_LIVE_OWNER_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "sim/error.h"

#define HF_LABEL_RUN "hfsim.run"
#define HF_LABEL_ROLE "hfsim.role"
#define HF_LABEL_HOST "hfsim.owner.host"
#define HF_LABEL_PID "hfsim.owner.pid"
#define HF_LABEL_START "hfsim.owner.start"
#define HF_LABEL_BOOT "hfsim.owner.boot"

#define HF_RUN_ID_MAX 128 /* bytes, with the terminating NUL */

struct hf_owner {
    char host[72];            /* this machine's host name (at most 64 bytes on Linux) */
    char boot[40];            /* the kernel's boot id ("" when unreadable) */
    long pid;
    unsigned long long start; /* clock ticks after boot */
};

/* The calling process's identity. */
bool hf_owner_self(struct hf_owner *o, struct hf_error *err);

/* "<kind>-<pid>@<host>" for process `pid` of this machine (out: HF_RUN_ID_MAX bytes). */
void hf_run_id(char *out, size_t size, const char *kind, long pid);

/* A new object of the labels of a container of run `run_id` owned by `o` (role: "worker",
 * "calibrate", ...). The caller owns the result. */
json_t *hf_owner_labels(const struct hf_owner *o, const char *run_id, const char *role);

enum hf_owner_verdict {
    HF_OWNER_RUNNING,    /* its process runs on this machine: keep */
    HF_OWNER_GONE,       /* its process has ended (or the machine rebooted): leftovers */
    HF_OWNER_ELSEWHERE,  /* made on another machine: hfsim cannot see its process */
    HF_OWNER_UNLABELLED, /* no owner labels (made by an hfsim before them, or by hand) */
};

/* Judges a container's labels (an object of strings, as the engine lists them) from this machine
 * (`self`); `why` (>= 160 bytes) says why, in words for the user. */
enum hf_owner_verdict hf_owner_judge(const json_t *labels, const struct hf_owner *self, char *why, size_t size);

#endif
