#include "support/live_engine.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "live/owner.h"

const char *live_test_host(void) { return hf_docker_default_host(); }

bool live_test_engine_answers(struct hf_error *why)
{
    struct hf_docker *d;
    if (!hf_docker_open(&d, live_test_host(), why))
        return false;
    bool up = hf_docker_ping(d, why);
    hf_docker_close(d);
    return up;
}

struct hf_docker *live_test_engine_or_skip(void)
{
    struct hf_error err = {0};
    if (!live_test_engine_answers(&err)) {
        fprintf(stderr, "!!!!! live test SKIPPED: no Docker engine answers: %s !!!!!\n", err.message);
        cr_skip_test("no Docker engine answers at %s: %s", live_test_host(), err.message);
    }
    struct hf_docker *d;
    cr_assert(hf_docker_open(&d, live_test_host(), &err), "%s", err.message);
    return d;
}

static void maker(const struct hf_owner *self, char *out, size_t size)
{
    snprintf(out, size, "%s:%ld", self->host, self->pid);
}

void live_test_mark(json_t *labels)
{
    struct hf_owner self;
    struct hf_error err = {0};
    cr_assert(hf_owner_self(&self, &err), "%s", err.message);
    char me[128];
    maker(&self, me, sizeof me);
    json_object_set_new(labels, LIVE_TEST_LABEL, json_string(me));
}

json_t *live_test_labels(const char *run)
{
    struct hf_owner self;
    struct hf_error err = {0};
    cr_assert(hf_owner_self(&self, &err), "%s", err.message);
    json_t *labels = hf_owner_labels(&self, run, "test");
    live_test_mark(labels);
    return labels;
}

/* Removes the containers `selected` picks; returns how many went. */
static size_t remove_where(bool (*selected)(const json_t *container, const struct hf_owner *self, void *ctx),
                           void *ctx)
{
    struct hf_owner self;
    struct hf_error err = {0};
    struct hf_docker *d;
    if (!hf_owner_self(&self, &err) || !hf_docker_open(&d, live_test_host(), &err))
        return 0;
    json_t *list = hf_docker_containers(d, HF_LABEL_RUN, NULL, &err);
    size_t removed = 0, i;
    const json_t *c;
    json_array_foreach(list, i, c)
        if (selected(c, &self, ctx) && hf_docker_remove(d, json_string_value(json_object_get(c, "Id")), &err))
            removed++;
    json_decref(list);
    hf_docker_close(d);
    return removed;
}

static bool owned_by_me(const json_t *c, const struct hf_owner *self, void *ctx)
{
    (void)ctx;
    const json_t *labels = json_object_get(c, "Labels");
    const char *host = json_string_value(json_object_get(labels, HF_LABEL_HOST));
    const char *pid = json_string_value(json_object_get(labels, HF_LABEL_PID));
    const char *made_by = json_string_value(json_object_get(labels, LIVE_TEST_LABEL));
    char mine[32], me[128];
    snprintf(mine, sizeof mine, "%ld", self->pid);
    maker(self, me, sizeof me);
    return (host && pid && strcmp(host, self->host) == 0 && strcmp(pid, mine) == 0) ||
           (made_by && strcmp(made_by, me) == 0);
}

void live_test_remove_mine(void)
{
    size_t n = remove_where(owned_by_me, NULL);
    if (n)
        fprintf(stderr, "live test: removed %zu container%s the test left behind (it stopped before its own "
                        "cleanup)\n", n, n == 1 ? "" : "s");
}

/* Made since `ctx` (a time_t: when main started) by a process of this machine that has exited. */
static bool left_by_a_dead_test(const json_t *c, const struct hf_owner *self, void *ctx)
{
    char why[512];
    return json_integer_value(json_object_get(c, "Created")) >= *(time_t *)ctx - 1 &&
           hf_owner_judge(json_object_get(c, "Labels"), self, why, sizeof why) == HF_OWNER_GONE;
}

/* Criterion hands the run's totals to a hook only; live_test_main reads them after the run. */
static struct criterion_global_stats totals;

ReportHook(POST_ALL)(struct criterion_global_stats *stats) { totals = *stats; }

int live_test_main(int argc, char *argv[])
{
    time_t started = time(NULL);
    struct hf_error why = {0};
    bool engine = live_test_engine_answers(&why);
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    bool ran = criterion_handle_args(argc, argv, true); /* false: --help, --list, --version */
    if (ran)
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    if (engine) {
        size_t n = remove_where(left_by_a_dead_test, &started);
        if (n)
            fprintf(stderr, "live tests: removed %zu container%s left by tests that crashed or timed out\n", n,
                    n == 1 ? "" : "s");
    } else if (ran && result == 0) {
        fprintf(stderr, "!!!!! live tests SKIPPED: no Docker engine answers: %s (exit %d: ctest shows Skipped) "
                        "!!!!!\n", why.message, LIVE_TEST_SKIPPED);
        return LIVE_TEST_SKIPPED;
    }
    if (ran && result == 0 && totals.nb_tests > 0 && totals.tests_skipped == totals.nb_tests) {
        fprintf(stderr, "!!!!! live tests SKIPPED: all %zu skipped themselves (reasons above; exit %d: ctest shows "
                        "Skipped) !!!!!\n", totals.nb_tests, LIVE_TEST_SKIPPED);
        return LIVE_TEST_SKIPPED;
    }
    return result;
}
