/* hfsim bench [--json] [--quick] */
#include <jansson.h>
#include <stdio.h>

#include "app/bench.h"
#include "app/bench_outputs.h"
#include "app/bench_readers.h"
#include "app/cli.h"
#include "app/cli_args.h"
#include "version.h"

static const char bench_usage[] =
    "usage: hfsim bench [--json] [--quick | --full-day]\n"
    "\n"
    "Measures the simulator on this machine, each figure for the default event queue (heap4) and\n"
    "the binary-heap baseline (heap2) in the same process:\n"
    "  hold_1e3/1e5/1e6  event-queue holds per second with 10^3, 10^5, 10^6 events pending; also\n"
    "                    as a ratio of a plain 4-ary heap of (double, uint32) on the same holds\n"
    "  invocations       simulated invocations per second on an open-loop Poisson workload\n"
    "  cluster_*         the full cluster model with HPA: 1,000 functions, results written\n"
    "  trace_*           a synthetic Azure 2019 trace replayed with keepalive (scenarios/azure-replay.json's\n"
    "                    cluster): 5,000 functions, 2 h, 10 million invocations, reading included\n"
    "\n"
    "  reader_*          each trace reader's invocations and rows per second without a model: a\n"
    "                    synthetic Azure 2019 trace (3 million invocations) and the same as hfsim's CSV\n"
    "  outputs_overhead  a 10^6 s run of the default scenario with 1 s timeseries rows over the same\n"
    "                    with 3600 s rows (fastest of 3 each; --quick: 10^5 s, 2 each)\n"
    "\n"
    "  --json    one JSON object on stdout instead of a table\n"
    "  --quick   a tenth of the work (a smoke test, less precise)\n"
    "  --full-day  only the trace replay, at full scale: 50,000 functions, a day, 100 million\n"
    "            invocations (a few minutes; peak memory reported), and its invocations per second\n"
    "            as a ratio of the plain heap's holds at 10^5 pending (--json: one object)\n";

struct row {
    const char *key;
    double value, baseline;
};

/* Long on purpose (docs/architecture.md: functions over ~80 lines say why): one flat branch per
 * option, in the order of the usage text above, then the checks that need them all; split up, the
 * options would be scattered over helpers that each see a few. */
int hf_cmd_bench(int argc, char **argv)
{
    bool json = false, quick = false, full_day = false;
    for (int i = 1; i < argc; i++) {
        if (hf_arg_flag(argv[i], "--json"))
            json = true;
        else if (hf_arg_flag(argv[i], "--quick"))
            quick = true;
        else if (hf_arg_flag(argv[i], "--full-day"))
            full_day = true;
        else if (hf_arg_flag(argv[i], "--help") || hf_arg_flag(argv[i], "-h")) {
            fputs(bench_usage, stdout);
            return HF_EXIT_OK;
        } else {
            fprintf(stderr, "hfsim: bench: unknown option %s (try hfsim bench --help)\n", argv[i]);
            return HF_EXIT_USAGE;
        }
    }
    const uint64_t scale = quick ? 10 : 1;
    if (full_day) {
        struct hf_bench_engine tr, tr_base;
        double rss = 0, rss_base = 0;
        if (!hf_bench_trace("heap4", 50000, 1440, 1e8, &tr, &rss) ||
            !hf_bench_trace("heap2", 50000, 1440, 1e8, &tr_base, &rss_base))
            return HF_EXIT_RUN_FAILED;
        /* The machine-independent yardstick: the plain heap's holds at 10^5 pending, in this process. */
        struct hf_bench_hold queue_hold, plain_hold;
        if (!hf_bench_hold("heap4", 100000, 10000000, &queue_hold, &plain_hold))
            return HF_EXIT_RUN_FAILED;
        double vs_plain = tr.invocations_per_s / plain_hold.holds_per_s;
        if (json) {
            json_t *o = json_pack("{s:f, s:f, s:f, s:f, s:I, s:f, s:f, s:f, s:f, s:s}", "trace_invocations_per_s",
                                  tr.invocations_per_s, "trace_events_per_s", tr.events_per_s,
                                  "baseline_heap2_trace_invocations_per_s", tr_base.invocations_per_s,
                                  "ratio_vs_baseline", tr.invocations_per_s / tr_base.invocations_per_s,
                                  "invocations", (json_int_t)tr.invocations, "seconds", tr.seconds,
                                  "plain_heap_holds_1e5_per_s", plain_hold.holds_per_s,
                                  "ratio_vs_plain_heap_holds_1e5", vs_plain, "peak_rss_mib", rss,
                                  "hfsim_version", HF_VERSION);
            json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
            putchar('\n');
            json_decref(o);
            return HF_EXIT_OK;
        }
        printf("%-26s %16s %16s %8s\n", "benchmark", "heap4 (per s)", "heap2 baseline", "ratio");
        printf("%-26s %16.0f %16.0f %7.2fx\n", "trace_invocations_per_s", tr.invocations_per_s,
               tr_base.invocations_per_s, tr.invocations_per_s / tr_base.invocations_per_s);
        printf("%-26s %16.0f %16.0f %7.2fx\n", "trace_events_per_s", tr.events_per_s, tr_base.events_per_s,
               tr.events_per_s / tr_base.events_per_s);
        printf("%-26s %16.0f %16.0f %7.2fx\n", "vs plain heap holds, 1e5", tr.invocations_per_s,
               plain_hold.holds_per_s, vs_plain);
        printf("(one core; a synthetic Azure 2019 day: 50,000 functions, %llu invocations replayed in %.1f s;\n"
               " peak RSS %.0f MiB; the last row divides replayed invocations per second by a plain 4-ary heap's\n"
               " holds per second at 10^5 pending in this process: target >= 0.3)\n",
               (unsigned long long)tr.invocations, tr.seconds, rss);
        return HF_EXIT_OK;
    }
    const uint64_t pendings[3] = {1000, 100000, 1000000};
    const uint64_t holds[3] = {30000000 / scale, 10000000 / scale, 5000000 / scale};
    const char *keys[3] = {"hold_1e3_per_s", "hold_1e5_per_s", "hold_1e6_per_s"};
    struct row rows[9], plain[3];
    for (int i = 0; i < 3; i++) {
        struct hf_bench_hold main_q, base_q, plain_q;
        if (!hf_bench_hold("heap4", pendings[i], holds[i], &main_q, &plain_q) ||
            !hf_bench_hold("heap2", pendings[i], holds[i], &base_q, NULL)) {
            fprintf(stderr, "hfsim: bench: out of memory\n");
            return HF_EXIT_RUN_FAILED;
        }
        rows[i] = (struct row){keys[i], main_q.holds_per_s, base_q.holds_per_s};
        plain[i] = (struct row){keys[i], main_q.holds_per_s, plain_q.holds_per_s};
    }
    struct hf_bench_engine eng, eng_base;
    if (!hf_bench_engine("heap4", 10000000 / scale, &eng) ||
        !hf_bench_engine("heap2", 10000000 / scale, &eng_base)) {
        fprintf(stderr, "hfsim: bench: engine benchmark failed\n");
        return HF_EXIT_RUN_FAILED;
    }
    rows[3] = (struct row){"invocations_per_s", eng.invocations_per_s, eng_base.invocations_per_s};
    rows[4] = (struct row){"events_per_s", eng.events_per_s, eng_base.events_per_s};
    struct hf_bench_engine cl, cl_base;
    if (!hf_bench_cluster("heap4", 10000000 / scale, &cl) ||
        !hf_bench_cluster("heap2", 10000000 / scale, &cl_base)) {
        fprintf(stderr, "hfsim: bench: cluster benchmark failed\n");
        return HF_EXIT_RUN_FAILED;
    }
    rows[5] = (struct row){"cluster_invocations_per_s", cl.invocations_per_s, cl_base.invocations_per_s};
    rows[6] = (struct row){"cluster_events_per_s", cl.events_per_s, cl_base.events_per_s};
    struct hf_bench_engine tr, tr_base;
    double rss;
    if (!hf_bench_trace("heap4", 5000, 120, 1e7 / (double)scale, &tr, &rss) ||
        !hf_bench_trace("heap2", 5000, 120, 1e7 / (double)scale, &tr_base, &rss)) {
        fprintf(stderr, "hfsim: bench: trace benchmark failed\n");
        return HF_EXIT_RUN_FAILED;
    }
    rows[7] = (struct row){"trace_invocations_per_s", tr.invocations_per_s, tr_base.invocations_per_s};
    rows[8] = (struct row){"trace_events_per_s", tr.events_per_s, tr_base.events_per_s};
    struct hf_bench_readers readers;
    if (!hf_bench_readers(5000, 3e6 / (double)scale, quick ? 1 : 3, &readers)) {
        fprintf(stderr, "hfsim: bench: reader benchmark failed\n");
        return HF_EXIT_RUN_FAILED;
    }
    struct hf_bench_outputs outputs;
    if (!hf_bench_outputs(quick ? 1e5 : 1e6, quick ? 2 : 3, &outputs)) {
        fprintf(stderr, "hfsim: bench: outputs benchmark failed\n");
        return HF_EXIT_RUN_FAILED;
    }

    if (json) {
        json_t *o = json_object();
        json_t *base = json_object();
        json_t *ratio = json_object();
        for (int i = 0; i < 9; i++) {
            json_object_set_new(o, rows[i].key, json_real(rows[i].value));
            json_object_set_new(base, rows[i].key, json_real(rows[i].baseline));
            json_object_set_new(ratio, rows[i].key, json_real(rows[i].value / rows[i].baseline));
        }
        json_object_set_new(o, "baseline_heap2", base);
        json_object_set_new(o, "ratio_vs_baseline", ratio);
        json_t *plain_o = json_object(), *plain_ratio = json_object();
        for (int i = 0; i < 3; i++) {
            json_object_set_new(plain_o, plain[i].key, json_real(plain[i].baseline));
            json_object_set_new(plain_ratio, plain[i].key, json_real(plain[i].value / plain[i].baseline));
        }
        json_object_set_new(o, "plain_heap", plain_o);
        json_object_set_new(o, "readers",
                            json_pack("{s:f, s:f, s:f, s:I, s:f, s:f, s:I, s:I}", "azure2019_invocations_per_s",
                                      readers.azure2019_per_s, "csv_invocations_per_s", readers.csv_per_s,
                                      "csv_vs_azure2019", readers.csv_per_s / readers.azure2019_per_s, "invocations",
                                      (json_int_t)readers.invocations, "azure2019_rows_per_s",
                                      readers.azure2019_rows_per_s, "csv_rows_per_s", readers.csv_rows_per_s,
                                      "azure2019_rows", (json_int_t)readers.azure2019_rows, "csv_rows",
                                      (json_int_t)readers.csv_rows));
        json_object_set_new(o, "outputs_overhead",
                            json_pack("{s:f, s:f, s:f, s:I, s:f}", "ratio", outputs.ratio, "seconds_1s_rows",
                                      outputs.fine_s, "seconds_3600s_rows", outputs.coarse_s, "rows",
                                      (json_int_t)outputs.rows, "timeseries_mb", outputs.megabytes));
        json_object_set_new(o, "ratio_vs_plain_heap", plain_ratio);
        json_object_set_new(o, "hfsim_version", json_string(HF_VERSION));
        json_object_set_new(o, "quick", json_boolean(quick));
        json_dumpf(o, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
        putchar('\n');
        json_decref(o);
        return HF_EXIT_OK;
    }
    printf("%-26s %16s %16s %8s\n", "benchmark", "heap4 (per s)", "heap2 baseline", "ratio");
    for (int i = 0; i < 9; i++)
        printf("%-26s %16.0f %16.0f %7.2fx\n", rows[i].key, rows[i].value, rows[i].baseline,
               rows[i].value / rows[i].baseline);
    printf("\n%-26s %16s %16s %8s\n", "event queue", "hfsim (per s)", "plain heap", "ratio");
    for (int i = 0; i < 3; i++)
        printf("%-26s %16.0f %16.0f %7.2fx\n", plain[i].key, plain[i].value, plain[i].baseline,
               plain[i].value / plain[i].baseline);
    printf("(plain heap: a textbook 4-ary heap of (double time, uint32 id), the same holds and increments;\n"
           " it has no tie order, cancel or payload: what holding events costs at the least)\n\n");
    printf("%-26s %16s %16s %8s\n", "trace reader", "csv (per s)", "azure2019", "ratio");
    printf("%-26s %16.0f %16.0f %7.2fx\n", "reader_invocations_per_s", readers.csv_per_s, readers.azure2019_per_s,
           readers.csv_per_s / readers.azure2019_per_s);
    printf("%-26s %16.0f %16.0f %7.2fx\n", "reader_rows_per_s", readers.csv_rows_per_s, readers.azure2019_rows_per_s,
           readers.csv_rows_per_s / readers.azure2019_rows_per_s);
    printf("(the same %llu invocations of a synthetic Azure 2019 trace, read and replayed without a model,\n"
           " opening included; a csv row is one invocation (%llu rows), an azure2019 row a function's day of\n"
           " minute counts (%llu rows); target: csv at least as fast as azure2019)\n\n",
           (unsigned long long)readers.invocations, (unsigned long long)readers.csv_rows,
           (unsigned long long)readers.azure2019_rows);
    printf("%-26s %16.2f %16.2f %7.2fx\n", "outputs_overhead (s)", outputs.fine_s, outputs.coarse_s, outputs.ratio);
    printf("(the default scenario for %.0e s: 1 s timeseries rows (%llu rows, %.0f MB) over 3600 s rows; the\n"
           " fastest of each; target: at most 1.15x)\n\n",
           quick ? 1e5 : 1e6, (unsigned long long)outputs.rows, outputs.megabytes);
    printf("(one core; invocations: Poisson arrivals, 10 ms constant service, %llu invocations;\n"
           " cluster: the full model with HPA, 1,000 functions, %llu invocations;\n"
           " trace: Azure 2019 format, 5,000 functions, keepalive, %llu invocations)\n",
           (unsigned long long)eng.invocations, (unsigned long long)cl.invocations,
           (unsigned long long)tr.invocations);
    return HF_EXIT_OK;
}
