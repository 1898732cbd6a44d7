#include "live/cleanup.h"

#include <string.h>

#include "live/owner.h"

static const char *plural(json_int_t n) { return n == 1 ? "" : "s"; }

/* Counts one container under (what was done, run, why): lines are printed per group, in the
 * order first seen (jansson keeps insertion order). */
static void count(json_t *groups, const char *action, const char *run, const char *why)
{
    char key[2048];
    snprintf(key, sizeof key, "%.32s\t%.256s\t%.1200s", action, run, why);
    json_t *n = json_object_get(groups, key);
    json_object_set_new(groups, key, json_integer(n ? json_integer_value(n) + 1 : 1));
}

bool hf_live_cleanup(struct hf_docker *d, const char *run_id, FILE *out, struct hf_cleanup_report *report,
                     struct hf_error *err)
{
    *report = (struct hf_cleanup_report){0};
    struct hf_owner self;
    if (!hf_owner_self(&self, err))
        return false;
    json_t *list = hf_docker_containers(d, HF_LABEL_RUN, run_id, err);
    if (!list)
        return false;
    json_t *groups = json_object();
    bool ok = true;
    size_t i;
    const json_t *c;
    json_array_foreach(list, i, c) {
        const char *id = json_string_value(json_object_get(c, "Id"));
        const json_t *labels = json_object_get(c, "Labels");
        const char *run = json_string_value(json_object_get(labels, HF_LABEL_RUN));
        if (!id || !run)
            continue;
        char why[512], reason[600];
        enum hf_owner_verdict verdict = hf_owner_judge(labels, &self, why, sizeof why);
        if (!run_id && verdict != HF_OWNER_GONE) {
            if (verdict == HF_OWNER_RUNNING)
                snprintf(reason, sizeof reason, "%s", why);
            else
                snprintf(reason, sizeof reason, "%s (`hfsim live --cleanup --run %s` removes it)", why, run);
            count(groups, "kept", run, reason);
            report->kept++;
            continue;
        }
        if (run_id)
            snprintf(reason, sizeof reason, "asked for by --run; %s", why);
        else
            snprintf(reason, sizeof reason, "%s", why);
        struct hf_error rm = {0};
        if (hf_docker_remove(d, id, &rm)) {
            count(groups, "removed", run, reason);
            report->removed++;
        } else {
            count(groups, "could not remove", run, rm.message);
            report->kept++;
            if (ok)
                *err = rm;
            ok = false;
        }
    }
    const char *key;
    json_t *n;
    json_object_foreach(groups, key, n) {
        const char *tab1 = strchr(key, '\t'), *tab2 = strchr(tab1 + 1, '\t');
        json_int_t k = json_integer_value(n);
        fprintf(out, "%s: %.*s %lld container%s of run %.*s: %s\n", hf_docker_host(d), (int)(tab1 - key), key,
                (long long)k, plural(k), (int)(tab2 - tab1 - 1), tab1 + 1, tab2 + 1);
    }
    if (run_id && report->removed + report->kept == 0)
        fprintf(out, "%s: no container of run %s\n", hf_docker_host(d), run_id);
    else
        fprintf(out, "%s: removed %zu hfsim container%s, kept %zu\n", hf_docker_host(d), report->removed,
                plural((json_int_t)report->removed), report->kept);
    json_decref(groups);
    json_decref(list);
    return ok;
}
