/* hfsim validate: the same scenario simulated (plain and calibrated) and live, side by side. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "live/docker.h"
#include "live/validate.h"
#include "sim/results.h"

#define HOST "unix:///var/run/docker.sock"

static void engine_or_skip(void)
{
    struct hf_docker *d;
    struct hf_error err = {0};
    cr_assert(hf_docker_open(&d, HOST, &err));
    bool up = hf_docker_ping(d, &err);
    hf_docker_close(d);
    if (!up) {
        fprintf(stderr, "!!!!! validate tests SKIPPED: no Docker engine answers: %s !!!!!\n", err.message);
        cr_skip_test("no Docker engine answers at %s: %s", HOST, err.message);
    }
}

static const char *const sets[] = {
    "policy=\"fixed\"", "model=\"cluster\"", "duration_s=4", "drain_s=20", "fixed.replicas=2",
    "workload.rate_per_s=4", "workload.bursts=[]", "workload.service={\"dist\": \"constant\", \"mean_ms\": 40}",
    /* field by field: a whole "function" object here would replace the profile's function fields */
    "function.cpu_limit=1", "function.cpu_request=0.5", "function.memory_mib=128", "function.base_memory_mib=16",
    "function.concurrency=2",
};

Test(validate, simulated_calibrated_and_live_side_by_side, .timeout = 120)
{
    engine_or_skip();
    char dir[] = "/tmp/hfsim-test-validate-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char profile[300], out[300], path[400];
    snprintf(profile, sizeof profile, "%s/cal.json", dir);
    FILE *f = fopen(profile, "w");
    fputs("{\"function\": {\"cold_start\": {\"preset\": \"docker\", \"sandbox\": {\"dist\": \"constant\", "
          "\"mean_ms\": 250}, \"runtime\": {\"dist\": \"constant\", \"mean_ms\": 2}, \"function_init\": "
          "{\"dist\": \"constant\", \"mean_ms\": 0}}, \"image_mib\": 1}, \"_calibration\": {}}", f);
    fclose(f);
    snprintf(out, sizeof out, "%s/v", dir);
    struct hf_validate_options o = {.scenario_path = HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json",
                                    .overrides = sets, .override_count = sizeof sets / sizeof sets[0],
                                    .profile = profile, .hosts = HOST, .out_dir = out, .progress = false};
    struct hf_error err = {0};
    cr_assert(hf_validate(&o, &err), "%s", err.message);
    snprintf(path, sizeof path, "%s/validation.csv", out);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    char line[256];
    int rows = 0;
    cr_assert_not_null(fgets(line, sizeof line, f));
    cr_assert(strncmp(line, "metric,sim,sim_calibrated,live,sim_error,sim_calibrated_error", 61) == 0, "%s", line);
    bool completed_equal = false, containers_equal = false;
    double p99_error = 0, p99_calibrated_error = 0;
    while (fgets(line, sizeof line, f)) {
        rows++;
        double s, c, l, es, ec;
        if (sscanf(line, "completed,%lf,%lf,%lf", &s, &c, &l) == 3)
            completed_equal = s == l && c == l && l > 5;
        if (sscanf(line, "containers_max,%lf,%lf,%lf", &s, &c, &l) == 3)
            containers_equal = s == 2 && c == 2 && l == 2; /* fixed.replicas */
        if (sscanf(line, "latency_p99_ms,%lf,%lf,%lf,%lf,%lf", &s, &c, &l, &es, &ec) == 5) {
            p99_error = es;
            p99_calibrated_error = ec;
        }
    }
    fclose(f);
    cr_assert_eq(rows, 13);
    cr_assert(completed_equal, "the same open-loop workload completes the same requests in all three");
    cr_assert(containers_equal, "container counts from the three timeseries.csv agree");
    /* The point of calibration: the Figure 1 scenario's docker preset pulls a 150 MiB image, this
     * engine starts the 1 MiB worker in about 250 ms; the calibrated tail is closer to live. */
    cr_assert_lt(fabs(p99_calibrated_error), fabs(p99_error), "p99 error calibrated %.2f vs not %.2f",
                 p99_calibrated_error, p99_error);
    struct stat st;
    snprintf(path, sizeof path, "%s/live/latency_cdf.csv", out);
    cr_assert_eq(stat(path, &st), 0);
    snprintf(path, sizeof path, "%s/sim-calibrated/summary.json", out);
    cr_assert_eq(stat(path, &st), 0);
    hf_remove_tree(dir);
}

Test(validate, an_engine_that_does_not_answer_is_named_and_leaves_nothing, .timeout = 60)
{
    engine_or_skip();
    char dir[] = "/tmp/hfsim-test-validate-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[300];
    snprintf(out, sizeof out, "%s/v", dir);
    const char *overrides[] = {"policy=\"fixed\"", "duration_s=4", "workload.bursts=[]"};
    struct hf_validate_options o = {.scenario_path = HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json",
                                    .overrides = overrides, .override_count = 3, .hosts = "tcp://127.0.0.1:1",
                                    .out_dir = out};
    struct hf_error err = {0};
    cr_assert_not(hf_validate(&o, &err));
    cr_assert(strstr(err.message, "tcp://127.0.0.1:1") && strstr(err.message, "did not answer"), "%s", err.message);
    struct stat st;
    cr_assert_neq(stat(out, &st), 0, "no validation directory");
    hf_remove_tree(dir);
}
