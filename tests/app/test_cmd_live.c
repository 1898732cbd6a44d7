/* The live commands' engine (sim/cmd_live.c, sim/cmd_validate.c): --hosts, else $DOCKER_HOST, else
 * the local socket, as for the docker CLI. Every live command (live run, smoke, image, cleanup,
 * calibrate, validate's live side) uses DOCKER_HOST and names it when it does not answer; --hosts
 * wins over it. The engine checks need a Docker engine and skip loudly without one
 * (tests/support/live_engine.h). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "sim/results.h"
#include "sim/schema.h"
#include "support/cli_run.h"
#include "support/live_engine.h"

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-cmdlive-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
    /* A 2 s live scenario: two containers, a few requests. */
    char path[128];
    snprintf(path, sizeof path, "%s/tiny.json", base);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("{\"name\": \"tiny\", \"model\": \"cluster\", \"policy\": \"fixed\", \"duration_s\": 2, \"drain_s\": 300,\n"
          " \"fixed\": {\"replicas\": 2}, \"gateway\": {\"timeout_s\": 600},\n"
          " \"function\": {\"cpu_limit\": 0.5, \"cpu_request\": 0.25, \"memory_mib\": 128, \"base_memory_mib\": 16},\n"
          " \"workload\": {\"rate_per_s\": 2, \"bursts\": [], \"memory_mb\": 4,\n"
          "              \"service\": {\"dist\": \"constant\", \"mean_ms\": 10}}}\n", f);
    fclose(f);
}

static void teardown(void)
{
    hf_remove_tree(base);
    live_test_remove_mine();
}

TestSuite(cmd_live, .init = setup, .fini = teardown);

static bool exists(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", base, name);
    struct stat st;
    return stat(path, &st) == 0;
}

static json_t *load(const char *name)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", base, name);
    json_error_t jerr;
    json_t *j = json_load_file(path, 0, &jerr);
    cr_assert_not_null(j, "%s: %s", path, jerr.text);
    return j;
}

#define NOWHERE "DOCKER_HOST=tcp://127.0.0.1:1"

/* Skips without an engine, removing base/ first (no .fini runs after a skip). */
static void engine_or_skip(void)
{
    struct hf_error why = {0};
    if (!live_test_engine_answers(&why))
        hf_remove_tree(base);
    hf_docker_close(live_test_engine_or_skip());
}

/* An engine that does not answer, from DOCKER_HOST: every live command names it (exit 1) and
 * writes nothing. (The live side of validate comes after its simulations.) */
Test(cmd_live, every_live_command_uses_docker_host_and_names_it, .timeout = 600)
{
    const char *commands[] = {
        "live image", "live smoke", "live cleanup", "live --cleanup", "live calibrate --samples 1 --out cal.json",
        "calibrate --samples 1 --out cal.json", "live tiny.json --out run -q", "live run tiny.json --out run -q",
        "validate tiny.json --out val -q",
    };
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        cli_run_env(NOWHERE, HFSIM_BIN, base, commands[i], &r);
        cr_assert_eq(r.code, 1, "hfsim %s: exit %d: %s", commands[i], r.code, r.err);
        cr_assert(strstr(r.err, "hfsim: docker tcp://127.0.0.1:1: ") && strstr(r.err, "did not answer"),
                  "hfsim %s names the engine: %s", commands[i], r.err);
    }
    cr_assert_not(exists("run"), "no live results directory");
    cr_assert_not(exists("val"), "no validation directory");
    cr_assert_not(exists("cal.json"), "no profile");
    /* An address docker would not take either is a usage error naming where it came from. */
    cli_run_env("DOCKER_HOST=ssh://somewhere", HFSIM_BIN, base, "live image", &r);
    cr_assert_eq(r.code, 2, "%s", r.err);
    cr_assert(strstr(r.err, "\"ssh://somewhere\" (from --hosts, the scenario's live.hosts or DOCKER_HOST)"), "%s", r.err);
}

/* The engine under test under another name (a symbolic link to its socket), so output that names
 * it shows DOCKER_HOST was used, not the default. */
static void engine_alias(char *env, size_t size, char *host, size_t host_size)
{
    const char *engine = live_test_host();
    if (strncmp(engine, "unix://", 7) == 0) {
        char link[128];
        snprintf(link, sizeof link, "%s/engine.sock", base);
        cr_assert_eq(symlink(engine + 7, link), 0);
        snprintf(host, host_size, "unix://%s", link);
    } else {
        snprintf(host, host_size, "%s", engine); /* a tcp:// engine is not the default already */
    }
    snprintf(env, size, "DOCKER_HOST=%s", host);
}

Test(cmd_live, docker_host_is_the_engine_of_every_live_command, .timeout = 600)
{
    engine_or_skip();
    char env[300], host[256], ready[300];
    engine_alias(env, sizeof env, host, sizeof host);
    snprintf(ready, sizeof ready, "%s: hfsim-worker:", host);
    cli_run_env(env, HFSIM_BIN, base, "live image", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, ready), "%s", r.out);
    cli_run_env(env, HFSIM_BIN, base, "live smoke", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(ready, sizeof ready, "%s: cold start", host);
    cr_assert(strstr(r.out, ready), "%s", r.out);
    cli_run_env(env, HFSIM_BIN, base, "live --cleanup", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(ready, sizeof ready, "%s: removed ", host);
    cr_assert(strstr(r.out, ready), "%s", r.out);
    cli_run_env(env, HFSIM_BIN, base, "calibrate --samples 1 --out cal.json", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    json_t *profile = load("cal.json");
    cr_assert_str_eq(hf_json_string_at(profile, "_calibration.host"), host);
    json_decref(profile);
    cli_run_env(env, HFSIM_BIN, base, "live tiny.json --out run -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    json_t *summary = load("run/summary.json");
    cr_assert_str_eq(hf_json_string_at(summary, "live.hosts.0.address"), host);
    json_decref(summary);
    cli_run_env(env, HFSIM_BIN, base, "validate tiny.json --out val -q", &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    summary = load("val/live/summary.json");
    cr_assert_str_eq(hf_json_string_at(summary, "live.hosts.0.address"), host);
    json_decref(summary);
}

Test(cmd_live, hosts_wins_over_docker_host, .timeout = 600)
{
    engine_or_skip();
    char args[400];
    snprintf(args, sizeof args, "live image --hosts %s", live_test_host());
    cli_run_env(NOWHERE, HFSIM_BIN, base, args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    snprintf(args, sizeof args, "live --hosts %s --cleanup --run no-such-run", live_test_host());
    cli_run_env(NOWHERE, HFSIM_BIN, base, args, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);
    cr_assert(strstr(r.out, "no container of run no-such-run"), "%s", r.out);
}

int main(int argc, char *argv[]) { return live_test_main(argc, argv); }
