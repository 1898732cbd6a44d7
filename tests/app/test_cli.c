/* The hfsim binary as a user meets it: help, version, exit codes, error format, outputs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sim/results.h"

static char base[64];
static char out_text[65536], err_text[65536];

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-cli-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

static void read_all(const char *path, char *buf, size_t size)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, size - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Runs "hfsim ARGS" in base/, capturing stdout and stderr; returns the exit code. */
static int hfsim(const char *args)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd, "cd %s && %s %s >%s/stdout 2>%s/stderr </dev/null", base, HFSIM_BIN,
             args, base, base);
    int status = system(cmd);
    char p[256];
    snprintf(p, sizeof p, "%s/stdout", base);
    read_all(p, out_text, sizeof out_text);
    snprintf(p, sizeof p, "%s/stderr", base);
    read_all(p, err_text, sizeof err_text);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void write_file(const char *name, const char *text)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", base, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
}

TestSuite(cli, .init = setup, .fini = teardown);

Test(cli, help_and_version)
{
    cr_assert_eq(hfsim("--help"), 0);
    cr_assert(strstr(out_text, "run") && strstr(out_text, "bench") && strstr(out_text, "exit codes"));
    cr_assert_eq(hfsim("--version"), 0);
    cr_assert(strncmp(out_text, "hfsim ", 6) == 0);
    cr_assert_eq(hfsim("run --help"), 0);
    cr_assert(strstr(out_text, "--set") && strstr(out_text, "--out") && strstr(out_text, "--seed"));
    cr_assert_eq(hfsim("policies"), 0);
    cr_assert(strstr(out_text, "fixed"));
}

Test(cli, usage_errors_exit_2)
{
    cr_assert_eq(hfsim(""), 2);
    cr_assert_eq(hfsim("frobnicate"), 2);
    cr_assert(strstr(err_text, "hfsim: unknown command"));
    cr_assert_eq(hfsim("run --bogus"), 2);
    cr_assert(strstr(err_text, "hfsim: run: unknown option --bogus"), "%s", err_text);
    cr_assert_eq(hfsim("run --out"), 2);
    cr_assert_eq(hfsim("run --seed -4"), 2);
    cr_assert_eq(hfsim("run a.json b.json"), 2);
    cr_assert_eq(hfsim("run --set nonsense"), 2);
    cr_assert_eq(hfsim("bench --fast"), 2);
}

Test(cli, bad_input_exits_3_naming_file_and_line)
{
    write_file("broken.json", "{\n  \"seed\": 1,\n  \"station\": {\"servers\": 4,}\n}\n");
    cr_assert_eq(hfsim("run broken.json"), 3);
    cr_assert(strncmp(err_text, "hfsim: broken.json:3:", 21) == 0, "%s", err_text);
    write_file("wrong.json", "{\"station\": {\"servers\": \"four\"}}");
    cr_assert_eq(hfsim("run wrong.json"), 3);
    cr_assert(strstr(err_text, "hfsim: wrong.json: $.station.servers: expected an integer"), "%s", err_text);
    cr_assert_eq(hfsim("run missing.json"), 3);
    cr_assert(strstr(err_text, "missing.json"));
    cr_assert_eq(hfsim("run --set station.servers=0"), 3);
    cr_assert(strstr(err_text, "--set station.servers=0: $.station.servers: must be >= 1"), "%s", err_text);
    cr_assert_eq(hfsim("run --policy nope"), 3);
    /* No results directory was made for any of these, where hfsim ran (base/, not the test's own
     * working directory). */
    char results[128];
    snprintf(results, sizeof results, "%s/results", base);
    cr_assert_neq(access(results, F_OK), 0, "%s was made", results);
    cr_assert_eq(hfsim("run --set duration_s=1 -q"), 0, "%s", err_text);
    cr_assert_eq(access(results, F_OK), 0, "the check looks where hfsim writes: a good run makes %s", results);
}

Test(cli, run_writes_a_complete_results_directory)
{
    cr_assert_eq(hfsim("run --set duration_s=30 --seed 5 -q"), 0, "%s", err_text);
    cr_assert_eq(err_text[0], '\0', "quiet run printed: %s", err_text);
    const char *files[] = {"config.json", "summary.json", "timeseries.csv", "perf.json"};
    for (int i = 0; i < 4; i++) {
        char p[256];
        snprintf(p, sizeof p, "%s/results/default-fixed-5/%s", base, files[i]);
        cr_assert_eq(access(p, R_OK), 0, "missing %s", p);
    }
    /* config.json is the resolved scenario: it runs again as a scenario file. */
    cr_assert_eq(hfsim("run results/default-fixed-5/config.json --out again -q"), 0, "%s", err_text);
    cr_assert_eq(hfsim("run --set duration_s=30 --out custom/place"), 0);
    cr_assert(strstr(err_text, "custom/place") && strstr(err_text, "requests"), "%s", err_text);
}

Test(cli, schema_reference_lists_every_section)
{
    cr_assert_eq(hfsim("schema --markdown"), 0);
    const char *paths[] = {"`seed`", "`station.servers`", "`workload.bursts[].rate_per_s`",
                           "`outputs.interval_s`", "`fixed.replicas`"};
    for (int i = 0; i < 5; i++)
        cr_assert(strstr(out_text, paths[i]), "schema lacks %s", paths[i]);
}

Test(cli, bench_json_has_the_documented_keys)
{
    cr_assert_eq(hfsim("bench --quick --json"), 0, "%s", err_text);
    const char *keys[] = {"\"hold_1e3_per_s\"", "\"hold_1e5_per_s\"", "\"hold_1e6_per_s\"",
                          "\"invocations_per_s\"", "\"ratio_vs_baseline\""};
    for (int i = 0; i < 5; i++)
        cr_assert(strstr(out_text, keys[i]), "bench JSON lacks %s", keys[i]);
}

Test(cli, docs_scenario_reference_is_current)
{
    cr_assert_eq(hfsim("schema --markdown"), 0);
    static char doc[65536];
    read_all(HFSIM_SOURCE_DIR "/docs/scenario.md", doc, sizeof doc);
    cr_assert(strstr(doc, out_text),
              "docs/scenario.md is out of date: regenerate its table with `hfsim schema --markdown`");
}

Test(cli, hpa_calc_prints_the_decision_as_json)
{
    /* Kubernetes' TestReplicaCalcScaleUp as a snapshot file. */
    write_file("snap.json",
               "{\"current_replicas\": 3, \"target_utilization\": 30, \"max_replicas\": 10, \"pods\": [\n"
               " {\"ready\": true, \"start_age_s\": 600, \"cpu_request_milli\": 1000, \"cpu_usage_milli\": 300},\n"
               " {\"ready\": true, \"start_age_s\": 600, \"cpu_request_milli\": 1000, \"cpu_usage_milli\": 500},\n"
               " {\"ready\": true, \"start_age_s\": 600, \"cpu_request_milli\": 1000, \"cpu_usage_milli\": 700}]}\n");
    cr_assert_eq(hfsim("hpa-calc snap.json"), 0, "%s", err_text);
    cr_assert_str_eq(out_text, "{\"desired\": 5, \"utilization\": 50, \"raw_usage\": 500}\n");
    cr_assert_str_eq(err_text, "");

    write_file("nometrics.json", "{\"current_replicas\": 2, \"target_utilization\": 30, \"max_replicas\": 4,"
                                 " \"pods\": [{\"ready\": true, \"start_age_s\": 600, \"cpu_request_milli\": 1000}]}");
    cr_assert_eq(hfsim("hpa-calc nometrics.json"), 0);
    cr_assert_str_eq(out_text, "{\"desired\": 2, \"utilization\": null, \"raw_usage\": null}\n");
    cr_assert(strstr(err_text, "no metric-based decision"), "%s", err_text);

    write_file("bad.json", "{\"current_replicas\": 2,\n \"pods\": [,]}");
    cr_assert_eq(hfsim("hpa-calc bad.json"), 3);
    cr_assert(strncmp(err_text, "hfsim: bad.json:2:", 18) == 0, "%s", err_text);
    cr_assert_str_eq(out_text, "");
    write_file("invalid.json", "{\"current_replicas\": -1, \"target_utilization\": 30, \"max_replicas\": 4, \"pods\": []}");
    cr_assert_eq(hfsim("hpa-calc invalid.json"), 3);
    cr_assert(strstr(err_text, "hfsim: invalid.json: $.current_replicas: must be >= 0"), "%s", err_text);
    cr_assert_eq(hfsim("hpa-calc"), 2);
    cr_assert_eq(hfsim("hpa-calc a.json b.json"), 2);
    cr_assert_eq(hfsim("hpa-calc --fast a.json"), 2);
}

Test(cli, docs_hpa_calc_reference_is_current)
{
    cr_assert_eq(hfsim("hpa-calc --schema"), 0);
    static char doc[65536];
    read_all(HFSIM_SOURCE_DIR "/docs/hpa-calc.md", doc, sizeof doc);
    cr_assert(strstr(doc, out_text),
              "docs/hpa-calc.md is out of date: regenerate its table with `hfsim hpa-calc --schema`");
}

/* --help on every command and subcommand prints a usage on stdout and exits 0, wherever it stands,
 * and starts nothing (no engine is contacted, no directory made). */
Test(cli, help_on_every_command_and_subcommand)
{
    static const char *const commands[] = {
        "run", "compare", "sweep", "sweep --merge", "sweep --run-job", "bench", "schema", "policies",
        "hpa-calc", "live", "live smoke", "live run", "live image", "live cleanup", "live calibrate",
        "live scenario.json", "calibrate", "validate", "trace", "trace info", "trace gen",
    };
    for (size_t i = 0; i < sizeof commands / sizeof *commands; i++) {
        char args[128];
        snprintf(args, sizeof args, "%s --help", commands[i]);
        cr_expect_eq(hfsim(args), 0, "hfsim %s: %s", args, err_text);
        cr_expect(strstr(out_text, "usage"), "hfsim %s printed no usage: %s", args, out_text);
    }
}
