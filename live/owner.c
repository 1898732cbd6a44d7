#include "live/owner.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* State and start time of process `pid` from /proc/PID/stat; false when there is no such process. */
static bool process_stat(long pid, char *state, unsigned long long *start)
{
    char path[64], text[1024];
    snprintf(path, sizeof path, "/proc/%ld/stat", pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    /* The command name (field 2) may hold spaces and parentheses: the fields go on after the last ')'. */
    const char *p = strrchr(text, ')');
    if (!p || sscanf(++p, " %c", state) != 1) /* p: the space before field 3 */
        return false;
    for (int field = 3; field < 22; field++) { /* to the space before field 22, the start time */
        p = strchr(p + 1, ' ');
        if (!p)
            return false;
    }
    return sscanf(p + 1, "%llu", start) == 1;
}

bool hf_owner_self(struct hf_owner *o, struct hf_error *err)
{
    memset(o, 0, sizeof *o);
    if (gethostname(o->host, sizeof o->host - 1) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "gethostname: %s", strerror(errno));
    FILE *f = fopen("/proc/sys/kernel/random/boot_id", "r");
    if (f) {
        if (!fgets(o->boot, sizeof o->boot, f))
            o->boot[0] = '\0';
        o->boot[strcspn(o->boot, "\n")] = '\0';
        fclose(f);
    }
    o->pid = (long)getpid();
    char state;
    if (!process_stat(o->pid, &state, &o->start))
        return hf_fail(err, HF_EXIT_RUN_FAILED, "/proc/%ld/stat: cannot read this process's start time", o->pid);
    return true;
}

void hf_run_id(char *out, size_t size, const char *kind, long pid)
{
    char host[72] = "";
    if (gethostname(host, sizeof host - 1) != 0)
        snprintf(host, sizeof host, "unknown");
    snprintf(out, size, "%s-%ld@%s", kind, pid, host);
}

json_t *hf_owner_labels(const struct hf_owner *o, const char *run_id, const char *role)
{
    char pid[32], start[32];
    snprintf(pid, sizeof pid, "%ld", o->pid);
    snprintf(start, sizeof start, "%llu", o->start);
    json_t *labels = json_pack("{s:s, s:s, s:s, s:s, s:s}", HF_LABEL_RUN, run_id, HF_LABEL_ROLE, role,
                               HF_LABEL_HOST, o->host, HF_LABEL_PID, pid, HF_LABEL_START, start);
    if (labels && o->boot[0])
        json_object_set_new(labels, HF_LABEL_BOOT, json_string(o->boot));
    return labels;
}

enum hf_owner_verdict hf_owner_judge(const json_t *labels, const struct hf_owner *self, char *why, size_t size)
{
    const char *host = json_string_value(json_object_get(labels, HF_LABEL_HOST));
    const char *pid_text = json_string_value(json_object_get(labels, HF_LABEL_PID));
    const char *start_text = json_string_value(json_object_get(labels, HF_LABEL_START));
    const char *boot = json_string_value(json_object_get(labels, HF_LABEL_BOOT));
    char *end;
    long pid = pid_text ? strtol(pid_text, &end, 10) : 0;
    bool pid_ok = pid_text && *pid_text && !*end && pid > 0;
    unsigned long long start = start_text ? strtoull(start_text, &end, 10) : 0;
    bool start_ok = start_text && *start_text && !*end;
    if (!host || !pid_ok || !start_ok) {
        snprintf(why, size, "it has no owner labels (made by an older hfsim or by hand)");
        return HF_OWNER_UNLABELLED;
    }
    if (strcmp(host, self->host) != 0) {
        snprintf(why, size, "it was made on %s, whose processes this machine cannot see", host);
        return HF_OWNER_ELSEWHERE;
    }
    if (boot && self->boot[0] && strcmp(boot, self->boot) != 0) {
        snprintf(why, size, "its process %ld ran before this machine rebooted", pid);
        return HF_OWNER_GONE;
    }
    char state;
    unsigned long long now_start;
    if (!process_stat(pid, &state, &now_start)) {
        snprintf(why, size, "its process %ld has exited", pid);
        return HF_OWNER_GONE;
    }
    if (now_start != start) {
        snprintf(why, size, "its process %ld has exited (the pid now belongs to another process)", pid);
        return HF_OWNER_GONE;
    }
    if (state == 'Z' || state == 'X') {
        snprintf(why, size, "its process %ld has exited (not yet reaped by its parent)", pid);
        return HF_OWNER_GONE;
    }
    snprintf(why, size, "its process %ld is running", pid);
    return HF_OWNER_RUNNING;
}
