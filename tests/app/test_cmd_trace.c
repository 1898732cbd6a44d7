/* Trace replay from the command line: hfsim trace gen / info and hfsim run --trace, with their
 * outputs, determinism, the replay check, and exit codes on bad input. */
#include <criterion/criterion.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/results.h"
#include "sim/schema.h"
#include "support/cli_run.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-cmdtrace-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(cmd_trace, .init = setup, .fini = teardown);

static json_t *load(const char *rel)
{
    char p[300];
    snprintf(p, sizeof p, "%s/%s", base, rel);
    json_error_t e;
    json_t *j = json_load_file(p, 0, &e);
    cr_assert_not_null(j, "%s: %s", p, e.text);
    return j;
}

static bool exists(const char *rel)
{
    char p[300];
    struct stat st;
    snprintf(p, sizeof p, "%s/%s", base, rel);
    return stat(p, &st) == 0;
}

Test(cmd_trace, gen_info_and_replay_on_the_cluster)
{
    cli_run(HFSIM_BIN, base, "trace gen --functions 60 --minutes 10 --invocations 3000 --seed 4 --out g", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(exists("g/invocations_per_function_md.anon.d01.csv"));
    cr_assert(exists("g/function_durations_percentiles.anon.d01.csv"));
    cr_assert(exists("g/app_memory_percentiles.anon.d01.csv"));
    cli_run(HFSIM_BIN, base, "trace info azure2019:g/invocations_per_function_md.anon.d01.csv", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "functions:") && strstr(r.out, "per minute:") && strstr(r.out, "duration ms:"),
              "%s", r.out);
    cr_assert(strstr(r.out, "(0.000 % off)"), "%s", r.out);

    const char *run = "run " HFSIM_SOURCE_DIR "/scenarios/azure-replay.json --trace "
                      "azure2019:g/invocations_per_function_md.anon.d01.csv --set cluster.vms=20 -q";
    char cmd[1024];
    for (int i = 0; i < 2; i++) {
        snprintf(cmd, sizeof cmd, "%s --out out%d", run, i);
        cli_run(HFSIM_BIN, base, cmd, &r);
        cr_assert_eq(r.code, 0, "%s", r.err);
    }
    json_t *s = load("out0/summary.json"), *again = load("out1/summary.json");
    cr_assert(json_equal(s, again), "same scenario, seed and trace: identical summaries");
    const json_t *check = json_object_get(json_object_get(s, "trace"), "check");
    cr_assert(json_is_true(json_object_get(check, "ok")));
    json_int_t issued = json_integer_value(json_object_get(check, "issued"));
    cr_assert_gt(issued, 0);
    const json_t *req = json_object_get(s, "requests");
    cr_assert_eq(json_integer_value(json_object_get(req, "arrived")), issued);
    cr_assert_eq(json_integer_value(json_object_get(req, "completed")) +
                     json_integer_value(json_object_get(json_object_get(req, "failed"), "total")),
                 issued, "conservation");
    json_t *config = load("out0/config.json");
    cr_assert_float_eq(json_number_value(json_object_get(config, "duration_s")), 600, 1e-9,
                       "the run lasts the trace's 10 minutes");
    cr_assert(exists("out0/functions.csv"));
    json_decref(s);
    json_decref(again);
    json_decref(config);
}

Test(cmd_trace, bad_traces_exit_3_and_leave_no_results)
{
    char p[300];
    snprintf(p, sizeof p, "%s/bad.csv", base);
    FILE *f = fopen(p, "w");
    fputs("time_s,function,duration_ms\n0,a,5\n1,a,oops\n", f);
    fclose(f);
    cli_run(HFSIM_BIN, base, "run --trace csv:bad.csv --out res -q", &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "hfsim: bad.csv:3: column duration_ms"), "%s", r.err);
    cr_assert_not(exists("res"), "no partial results directory");
    cli_run(HFSIM_BIN, base, "run --trace csv:missing.csv --out res -q", &r);
    cr_assert_eq(r.code, 3);
    cr_assert(strstr(r.err, "missing.csv: cannot open"), "%s", r.err);
    cli_run(HFSIM_BIN, base, "run --trace bogus:bad.csv -q", &r);
    cr_assert_eq(r.code, 2);
    cr_assert(strstr(r.err, "FORMAT:PATH"), "%s", r.err);
    cli_run(HFSIM_BIN, base, "run --trace csv:bad.csv --skip-bad-rows --out res -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    json_t *s = load("res/summary.json");
    cr_assert_eq(json_integer_value(json_object_get(json_object_get(s, "trace"), "skipped_rows")), 1);
    json_decref(s);
    cli_run(HFSIM_BIN, base, "trace gen --minutes 0 --out x", &r);
    cr_assert_eq(r.code, 2);
    cli_run(HFSIM_BIN, base, "trace info", &r);
    cr_assert_eq(r.code, 2);
    cli_run(HFSIM_BIN, base, "trace", &r);
    cr_assert_eq(r.code, 2);
}

Test(cmd_trace, the_replay_check_can_fail_a_run)
{
    cli_run(HFSIM_BIN, base, "trace gen --functions 40 --minutes 5 --invocations 400 --out g", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    /* Poisson arrivals issue a random count: with a zero tolerance the check fails, with a wide one
     * it passes. */
    cli_run(HFSIM_BIN, base,
            "run " HFSIM_SOURCE_DIR "/scenarios/azure-replay.json --set cluster.vms=20 --trace "
            "azure2019:g/invocations_per_function_md.anon.d01.csv --arrivals poisson "
            "--set trace.check_tolerance=0 --check-fail --out strict -q", &r);
    cr_assert_eq(r.code, 1, "%s", r.err);
    cr_assert(strstr(r.err, "replay check"), "%s", r.err);
    cr_assert_not(exists("strict"));
    cli_run(HFSIM_BIN, base,
            "run " HFSIM_SOURCE_DIR "/scenarios/azure-replay.json --set cluster.vms=20 --trace "
            "azure2019:g/invocations_per_function_md.anon.d01.csv --arrivals poisson "
            "--set trace.check_tolerance=0.5 --check-fail --out loose -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
}

/* The samples shipped for docs and tests open and replay as the README says. */
Test(cmd_trace, shipped_samples_replay)
{
    const char *specs[] = {
        "azure2019:" HFSIM_SOURCE_DIR "/traces/samples/azure2019/invocations_per_function_md.anon.d01.csv",
        "azure2021:" HFSIM_SOURCE_DIR "/traces/samples/azure2021/AzureFunctionsInvocationTrace2021.csv",
        "csv:" HFSIM_SOURCE_DIR "/traces/samples/hand-written.csv",
    };
    char cmd[1024];
    for (int i = 0; i < 3; i++) {
        snprintf(cmd, sizeof cmd, "trace info %s", specs[i]);
        cli_run(HFSIM_BIN, base, cmd, &r);
        cr_assert_eq(r.code, 0, "%s: %s", specs[i], r.err);
        cr_assert(strstr(r.out, "(0.000 % off)"), "%s", r.out);
    }
    snprintf(cmd, sizeof cmd, "run " HFSIM_SOURCE_DIR "/scenarios/azure-replay.json --set cluster.vms=50 --trace %s "
                              "--minutes 0-10 --out s -q", specs[0]);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
}

/* trace gen refuses what it cannot write faithfully, before it writes, and leaves nothing behind:
 * a count a trace may not hold, a function count past the readers' index, a day that is not dNN. */
Test(cmd_trace, gen_refuses_out_of_range_options_and_leaves_nothing)
{
    const char *cases[][2] = {
        {"trace gen --invocations 1e12 --out g", "per function-minute a trace may hold"},
        {"trace gen --functions 4294967297 --out g", "--functions 4294967297: must be 1..1000000"},
        {"trace gen --functions 0 --out g", "--functions 0: must be 1..1000000"},
        {"trace gen --day 100 --out g", "--day 100: must be 1..99"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cli_run(HFSIM_BIN, base, cases[i][0], &r);
        cr_assert_eq(r.code, 2, "%s: exit %d: %s", cases[i][0], r.code, r.err);
        cr_assert(strstr(r.err, cases[i][1]), "%s: %s", cases[i][0], r.err);
        cr_assert_not(exists("g"), "%s left a directory", cases[i][0]);
    }
    /* A high rate that fits is written whole, and the reader accepts it. */
    cli_run(HFSIM_BIN, base, "trace gen --functions 2 --minutes 2 --invocations 1e6 --out g", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cli_run(HFSIM_BIN, base, "trace info azure2019:g/invocations_per_function_md.anon.d01.csv", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
}

/* --rate rescales a replay to a target mean arrival rate: the run lasts what the trace's
 * invocations take at that rate, config.json records the time scale it gave, every invocation is
 * still issued; with --time-scale as well it is refused. */
Test(cmd_trace, a_replay_rescaled_to_a_target_rate)
{
    cli_run(HFSIM_BIN, base, "trace gen --functions 40 --minutes 10 --invocations 6000 --seed 2 --out g", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    const char *run = "run " HFSIM_SOURCE_DIR "/scenarios/azure-replay.json --trace "
                      "azure2019:g/invocations_per_function_md.anon.d01.csv --set cluster.vms=20 -q";
    char cmd[1024];
    snprintf(cmd, sizeof cmd, "%s --rate 50 --out fast", run);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    json_t *s = load("fast/summary.json"), *config = load("fast/config.json");
    const json_t *check = json_object_get(json_object_get(s, "trace"), "check");
    double expected = (double)json_integer_value(json_object_get(check, "expected"));
    double duration = json_number_value(json_object_get(config, "duration_s"));
    cr_assert_gt(expected, 1000);
    cr_assert_float_eq(expected / duration, 50, 1e-6, "mean rate %.6f over %.3f s", expected / duration, duration);
    cr_assert_float_eq(hf_json_number_at(config, "trace.time_scale"), duration / 600, 1e-9,
                       "config.json records the scale the rate gave");
    cr_assert(json_is_true(json_object_get(check, "ok")), "every invocation issued");
    json_decref(s);
    json_decref(config);
    snprintf(cmd, sizeof cmd, "%s --rate 50 --time-scale 2 --out both", run);
    cli_run(HFSIM_BIN, base, cmd, &r);
    cr_assert_eq(r.code, 3, "%s", r.err);
    cr_assert(strstr(r.err, "trace.rate_per_s: set it or trace.time_scale, not both"), "%s", r.err);
    cr_assert_not(exists("both"));
}
