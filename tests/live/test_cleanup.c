/* hfsim live --cleanup against the real engine (live/cleanup.h): a run that is still going keeps
 * its containers; the containers of a run whose process is gone are removed, those of another
 * machine's run and unlabelled ones are kept, and each decision is printed with its reason;
 * --run ID removes exactly that run's containers, whatever their owner's state. Other runs on the
 * same engine (other tests running beside these) are judged the same way, so the checks look at
 * this test's runs only. Skipped loudly where no engine answers. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "app/scenario.h"
#include "live/docker.h"
#include "live/image.h"
#include "live/live_run.h"
#include "policies/registry.h"
#include "sim/schema.h"
#include "live/owner.h"
#include "sim/results.h"
#include "support/cli_run.h"
#include "support/live_engine.h"

TestSuite(cleanup, .fini = live_test_remove_mine);

static struct hf_docker *engine_or_skip(void)
{
    struct hf_docker *d = live_test_engine_or_skip();
    struct hf_error err = {0};
    cr_assert(hf_worker_image_ensure(d, false, &err), "%s", err.message);
    return d;
}

static size_t containers_of(struct hf_docker *d, const char *run)
{
    struct hf_error err = {0};
    json_t *ids = hf_docker_list(d, HF_LABEL_RUN, run, &err);
    cr_assert_not_null(ids, "%s", err.message);
    size_t n = json_array_size(ids);
    json_decref(ids);
    return n;
}

/* containers_of, once it stops falling (up to 10 s): a force removal the engine has accepted can
 * still be listed for a moment on a busy machine (seen once under the sanitizer build in CI). */
static size_t containers_left(struct hf_docker *d, const char *run)
{
    size_t n = containers_of(d, run);
    for (int i = 0; i < 100 && n > 0; i++) {
        struct timespec nap = {0, 100000000};
        nanosleep(&nap, NULL);
        n = containers_of(d, run);
    }
    return n;
}

/* A worker container with `labels` (consumed), created and, when `start`, started. */
static void make_container(struct hf_docker *d, json_t *labels, bool start)
{
    char ref[128], id[65];
    hf_worker_image_reference(ref, sizeof ref);
    struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                            .labels = labels, .cpus = 0.1, .memory_bytes = 64ull << 20};
    struct hf_error err = {0};
    bool ok = hf_docker_create(d, &spec, id, &err) && (!start || hf_docker_start(d, id, &err));
    json_decref(labels);
    cr_assert(ok, "%s", err.message);
}

/* Runs `hfsim ARGS` in a fresh temporary directory (the engine: $DOCKER_HOST, as the tests'). */
static void hfsim(const char *args, struct cli_result *r)
{
    char dir[] = "/tmp/hfsim-test-cleanup-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cli_run(HFSIM_BIN, dir, args, r);
    hf_remove_tree(dir);
}

static struct cli_result r;

/* A live run going in another process: `hfsim live --cleanup` beside it keeps its containers. */
Test(cleanup, a_running_runs_containers_survive_a_concurrent_cleanup, .timeout = 600)
{
    struct hf_docker *d = engine_or_skip();
    const char *sets[] = {"model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=2", "duration_s=120",
                          "workload.bursts=[]", "workload.rate_per_s=1", "workload.memory_mb=4",
                          "workload.service={\"dist\": \"constant\", \"mean_ms\": 20}", "function.memory_mib=128",
                          "function.base_memory_mib=16"};
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, sizeof sets / sizeof sets[0], &err);
    cr_assert_not_null(s, "%s", err.message);
    char dir[] = "/tmp/hfsim-test-cleanuprun-XXXXXX", out[300];
    cr_assert_not_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/run", dir);
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        struct hf_live_options o = {.out_dir = out,
                                .policy = hf_policy_find(hf_json_string_at(s, "policy"))};
        struct hf_error child_err = {0};
        _exit(hf_live_run(s, &o, &child_err) ? 0 : (int)child_err.code);
    }
    json_decref(s);
    char run[HF_RUN_ID_MAX];
    hf_run_id(run, sizeof run, "live", (long)child);
    size_t before = 0, after = 0;
    for (int i = 0; i < 6000 && before < 2; i++) { /* until both replicas exist (a minute at most) */
        before = containers_of(d, run);
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    if (before == 2) {
        hfsim("live --cleanup", &r);
        after = containers_of(d, run);
    }
    /* The run stops (SIGTERM: it removes its own containers) before any assertion. */
    kill(child, SIGTERM);
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert_eq(before, 2, "the run started its two containers");
    cr_assert_eq(r.code, 0, "%s", r.err);
    char line[512];
    snprintf(line, sizeof line, "kept 2 containers of run %s: its process %ld is running", run, (long)child);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    cr_assert_eq(after, 2, "a running run's containers survive --cleanup");
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 143, "the interrupted run exits 128 + SIGTERM");
    cr_assert_eq(containers_of(d, run), 0, "the interrupted run removed its containers");
    hf_docker_close(d);
    hf_remove_tree(dir);
}

/* Containers whose owner process is gone go: a run whose process exited (it made two and exited
 * without removing them), and one whose pid is now another process's. Another machine's and an
 * unlabelled container stay, with the --run that removes them. */
Test(cleanup, a_dead_runs_containers_are_removed_and_the_rest_kept_with_reasons, .timeout = 600)
{
    struct hf_docker *d = engine_or_skip();
    struct hf_owner me;
    struct hf_error err = {0};
    cr_assert(hf_owner_self(&me, &err), "%s", err.message);
    /* A process that made two containers, one of them running, and exited. */
    char dead[HF_RUN_ID_MAX];
    pid_t child = fork();
    cr_assert_geq(child, 0);
    if (child == 0) {
        struct hf_owner o;
        struct hf_error child_err = {0};
        struct hf_docker *mine; /* its own connection: the parent's is the parent's */
        char run[HF_RUN_ID_MAX], ref[128], id[65];
        if (!hf_owner_self(&o, &child_err) || !hf_docker_open(&mine, live_test_host(), &child_err))
            _exit(1);
        hf_run_id(run, sizeof run, "live", o.pid);
        hf_worker_image_reference(ref, sizeof ref);
        for (int k = 0; k < 2; k++) {
            json_t *labels = hf_owner_labels(&o, run, "worker");
            live_test_mark(labels); /* made for this test: its fini removes it if the test fails */
            struct hf_docker_container_spec spec = {.image = ref, .cmd = (const char *const[]){"/worker", NULL},
                                                    .labels = labels, .cpus = 0.1, .memory_bytes = 64ull << 20};
            if (!hf_docker_create(mine, &spec, id, &child_err) || (k == 0 && !hf_docker_start(mine, id, &child_err)))
                _exit(2);
            json_decref(labels);
        }
        _exit(0); /* without removing them: a crash */
    }
    int status;
    cr_assert_eq(waitpid(child, &status, 0), child);
    cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child made its containers");
    hf_run_id(dead, sizeof dead, "live", (long)child);
    /* This process's pid with another start time: the owner was an earlier process with this pid. */
    char reused[HF_RUN_ID_MAX], elsewhere[HF_RUN_ID_MAX], unlabelled[HF_RUN_ID_MAX];
    snprintf(reused, sizeof reused, "live-%ld@%s-reused", me.pid, me.host);
    struct hf_owner earlier = me;
    earlier.start -= 1;
    json_t *labels = hf_owner_labels(&earlier, reused, "worker");
    live_test_mark(labels);
    make_container(d, labels, false);
    /* Another machine's run, and a container without owner labels (an older hfsim's). */
    snprintf(elsewhere, sizeof elsewhere, "live-%ld@elsewhere.invalid", me.pid);
    struct hf_owner remote = me;
    snprintf(remote.host, sizeof remote.host, "elsewhere.invalid");
    labels = hf_owner_labels(&remote, elsewhere, "worker");
    live_test_mark(labels);
    make_container(d, labels, true);
    snprintf(unlabelled, sizeof unlabelled, "live-%ld-unlabelled", me.pid);
    labels = json_pack("{s:s}", HF_LABEL_RUN, unlabelled);
    live_test_mark(labels);
    make_container(d, labels, false);

    hfsim("live --cleanup", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    char line[700];
    snprintf(line, sizeof line, "removed 2 containers of run %s: its process %ld has exited\n", dead, (long)child);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    snprintf(line, sizeof line, "removed 1 container of run %s: its process %ld has exited (the pid now belongs to "
                                "another process)\n", reused, me.pid);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    snprintf(line, sizeof line, "kept 1 container of run %s: it was made on elsewhere.invalid, whose processes this "
                                "machine cannot see (`hfsim live --cleanup --run %s` removes it)\n",
             elsewhere, elsewhere);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    snprintf(line, sizeof line, "kept 1 container of run %s: it has no owner labels", unlabelled);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    cr_assert_eq(containers_left(d, dead), 0);
    cr_assert_eq(containers_left(d, reused), 0);
    cr_assert_eq(containers_of(d, elsewhere), 1);
    cr_assert_eq(containers_of(d, unlabelled), 1);

    /* Named, they go. */
    char args[400];
    snprintf(args, sizeof args, "live --cleanup --run %s", elsewhere);
    hfsim(args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(line, sizeof line, "removed 1 container of run %s: asked for by --run; it was made on elsewhere.invalid",
             elsewhere);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    snprintf(args, sizeof args, "live cleanup --run %s", unlabelled);
    hfsim(args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert_eq(containers_left(d, elsewhere), 0);
    cr_assert_eq(containers_left(d, unlabelled), 0);
    snprintf(args, sizeof args, "live --cleanup --run %s", dead);
    hfsim(args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(line, sizeof line, "no container of run %s\n", dead);
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    hf_docker_close(d);
}

/* --run ID removes that run's containers, running or not and although their process (this one)
 * runs, and nothing else. */
Test(cleanup, run_removes_exactly_that_runs_containers, .timeout = 600)
{
    struct hf_docker *d = engine_or_skip();
    char a[HF_RUN_ID_MAX], b[HF_RUN_ID_MAX];
    snprintf(a, sizeof a, "test-%ld-a", (long)getpid());
    snprintf(b, sizeof b, "test-%ld-b", (long)getpid());
    make_container(d, live_test_labels(a), true);
    make_container(d, live_test_labels(a), false);
    make_container(d, live_test_labels(b), true);
    make_container(d, live_test_labels(b), false);
    char args[300], line[600];
    snprintf(args, sizeof args, "live --cleanup --run %s", a);
    hfsim(args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(line, sizeof line, "removed 2 containers of run %s: asked for by --run; its process %ld is running\n", a,
             (long)getpid());
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    cr_assert(strstr(r.out, "removed 2 hfsim containers, kept 0\n"), "only run %s was looked at:\n%s", a, r.out);
    cr_assert_eq(containers_left(d, a), 0);
    cr_assert_eq(containers_of(d, b), 2, "the other run's containers are untouched");
    /* Without --run, a run whose process runs keeps everything. */
    hfsim("live --cleanup", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(line, sizeof line, "kept 2 containers of run %s: its process %ld is running\n", b, (long)getpid());
    cr_assert(strstr(r.out, line), "expected \"%s\" in:\n%s", line, r.out);
    cr_assert_eq(containers_of(d, b), 2);
    snprintf(args, sizeof args, "live --cleanup --run %s", b);
    hfsim(args, &r);
    cr_assert_eq(containers_left(d, b), 0);
    hf_docker_close(d);
}

Test(cleanup, an_engine_that_does_not_answer_is_named)
{
    char dir[] = "/tmp/hfsim-test-cleanup-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    cli_run_env("DOCKER_HOST=tcp://127.0.0.1:1", HFSIM_BIN, dir, "live --cleanup", &r);
    hf_remove_tree(dir);
    cr_assert_eq(r.code, 1, "%s", r.err);
    cr_assert(strstr(r.err, "hfsim: docker tcp://127.0.0.1:1: GET /_ping: the engine did not answer"), "%s", r.err);
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }
