#include "app/bench_outputs.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "app/run.h"
#include "app/scenario.h"
#include "sim/results.h"
#include "sim/wallclock.h"

/* One run of the default scenario; its wall time, or a negative number when it failed. */
static double timed_run(const char *dir, double duration_s, double interval_s, double *megabytes)
{
    char duration[64], interval[64], out_dir[128];
    snprintf(duration, sizeof duration, "duration_s=%.17g", duration_s);
    snprintf(interval, sizeof interval, "outputs.interval_s=%.17g", interval_s);
    snprintf(out_dir, sizeof out_dir, "%s/run-%g", dir, interval_s);
    const char *sets[] = {duration, interval};
    struct hf_error err = {0};
    json_t *scenario = hf_scenario_load(NULL, sets, 2, &err);
    struct hf_run_options options = {.out_dir = out_dir, .progress = false};
    struct hf_run_report report;
    double start = hf_wall_seconds();
    bool ok = scenario && hf_run_scenario(scenario, &options, &report, &err);
    double seconds = hf_wall_seconds() - start;
    json_decref(scenario);
    if (!ok) {
        fprintf(stderr, "hfsim: bench: outputs run failed: %s\n", err.message);
        return -1;
    }
    char series[160];
    struct stat st;
    snprintf(series, sizeof series, "%s/timeseries.csv", out_dir);
    *megabytes = stat(series, &st) == 0 ? (double)st.st_size / 1e6 : 0;
    return seconds;
}

bool hf_bench_outputs(double duration_s, int rounds, struct hf_bench_outputs *out)
{
    char dir[] = "/tmp/hfsim-bench-outputs-XXXXXX";
    if (!mkdtemp(dir))
        return false;
    out->fine_s = out->coarse_s = 1e300;
    bool ok = true;
    for (int r = 0; ok && r < rounds; r++) {
        double mb_fine, mb_coarse;
        double fine = timed_run(dir, duration_s, 1, &mb_fine);
        double coarse = timed_run(dir, duration_s, 3600, &mb_coarse);
        ok = fine >= 0 && coarse >= 0;
        out->fine_s = fine < out->fine_s ? fine : out->fine_s;
        out->coarse_s = coarse < out->coarse_s ? coarse : out->coarse_s;
        out->megabytes = mb_fine;
    }
    out->ratio = out->fine_s / out->coarse_s;
    out->rows = (uint64_t)(duration_s + 120); /* the arrivals, then the default 120 s drain */
    hf_remove_tree(dir);
    return ok;
}
