/* hfsim's own CSV trace format. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/trace_replay.h"
#include "traces/trace.h"
#include "sim/results.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-csvtrace-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

/* Each test's files go with it. */
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(trace_csv, .init = make_dir, .fini = remove_dir);

/* The defaults for a CSV file at `path`. */
static void csv_options(struct hf_trace_options *o, const char *path)
{
    hf_trace_default_options(o);
    o->format = HF_TRACE_CSV;
    o->path = path;
}

static bool open_csv(struct hf_trace **t, const char *path, double from, double to, struct hf_error *err)
{
    struct hf_trace_options o;
    csv_options(&o, path);
    o.from_minute = from;
    o.to_minute = to;
    o.default_memory_mb = 32;
    return hf_trace_open(t, &o, err);
}

Test(trace_csv, rows_become_invocations_with_optional_memory)
{
    char path[PATH_LEN];
    write_file(path, dir, "w.csv", "function,duration_ms,time_s,memory_mb\nresize,80,0,256\nthumb,120,0.5,64\n"
                                   "resize,10,61,128\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_csv(&t, path, -1, -1, &err), "%s", err.message);
    cr_assert_eq(hf_trace_function_count(t), 2);
    cr_assert_float_eq(hf_trace_duration_s(t), 61, 1e-9);
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 3);
    cr_assert_eq(r.items[1].function, 1);
    cr_assert_eq(r.items[1].work, hf_time_from_ms(120));
    cr_assert_eq(r.items[1].memory_mb, 64);
    cr_assert_float_eq(hf_time_to_s(r.items[2].arrival), 61, 1e-9);
    free(r.items);
    hf_trace_close(t);

    cr_assert(open_csv(&t, path, 1, -1, &err), "%s", err.message);
    cr_assert_eq(hf_trace_stats(t)->expected, 1);
    cr_assert_eq(hf_trace_stats(t)->outside_range, 2);
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 1);
    cr_assert_float_eq(hf_time_to_s(r.items[0].arrival), 1, 1e-9, "61 s minus the range start at 60 s");
    free(r.items);
    hf_trace_close(t);
}

static void expect_error(const char *text, const char *needle)
{
    char path[PATH_LEN];
    write_file(path, dir, "bad.csv", text);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_csv(&t, path, -1, -1, &err), "accepted: %s", text);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert_not_null(strstr(err.message, needle), "wanted \"%s\" in: %s", needle, err.message);
}

Test(trace_csv, bad_input_names_file_and_line)
{
    expect_error("time_s,function\n0,a\n", "bad.csv:1: missing column duration_ms");
    expect_error("time_s,function,duration_ms\n1,a,5\n0.5,a,5\n", "bad.csv:3: time_s 0.5 is before the previous");
    expect_error("time_s,function,duration_ms\n-1,a,5\n", "bad.csv:2: column time_s: -1 is outside");
    expect_error("time_s,function,duration_ms\n1,,5\n", "bad.csv:2: column function: empty");
    expect_error("time_s,function,duration_ms,memory_mb\n1,a,5,-3\n", "bad.csv:2: column memory_mb: negative");
    expect_error("time_s,function,duration_ms\n1,a,5\n2,a,inf\n", "bad.csv:3: column duration_ms");
    /* Found by libFuzzer: a time beyond the int64-ns clock, and a NUL that silently ended a field. */
    expect_error("time_s,function,duration_ms\n9999999999,a,1\n", "bad.csv:2: column time_s: 1e+10 is outside");
    static const char nul[] = "time_s,function,duration_ms\n1\0002,a,1\n";
    char path[PATH_LEN];
    snprintf(path, sizeof path, "%s/nul.csv", dir);
    FILE *f = fopen(path, "wb");
    fwrite(nul, 1, sizeof nul - 1, f);
    fclose(f);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_csv(&t, path, -1, -1, &err));
    cr_assert_not_null(strstr(err.message, "nul.csv:2: a NUL byte inside a field"), "%s", err.message);
}

Test(trace_csv, an_empty_range_is_an_error)
{
    char path[PATH_LEN];
    write_file(path, dir, "r.csv", "time_s,function,duration_ms\n1,a,5\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_csv(&t, path, 10, 20, &err));
    cr_assert_not_null(strstr(err.message, "no invocations in the selected range"), "%s", err.message);
    cr_assert_not(open_csv(&t, path, 20, 10, &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
}

/* The rows the index pass keeps replay exactly as the file read again does: random files (many
 * functions, repeated times, rows out of range, malformed rows skipped, a sampled subset of
 * functions), replayed with the rows kept, with none kept, and with a budget that runs out midway
 * (the kept rows dropped, the file read again). */
Test(trace_csv, property_kept_rows_replay_as_the_file_read_again, .timeout = 120)
{
    unsigned seed = 99;
    for (int run = 0; run < 30; run++) {
        size_t rows = 1 + (size_t)(rand_r(&seed) % 9000);
        int functions = 1 + rand_r(&seed) % 300;
        bool bad_rows = run % 3 == 0;
        size_t cap = 64 + rows * 48, n = 0;
        char *text = malloc(cap);
        cr_assert_not_null(text);
        n += (size_t)snprintf(text + n, cap - n, "time_s,function,duration_ms,memory_mb\n");
        double time = 0;
        for (size_t i = 0; i < rows; i++) {
            time += rand_r(&seed) % 4 == 0 ? 0 : (double)(rand_r(&seed) % 1000) / 97.0;
            if (bad_rows && rand_r(&seed) % 50 == 0)
                n += (size_t)snprintf(text + n, cap - n, "%.6f,f%d,oops,1\n", time, rand_r(&seed) % functions);
            else
                n += (size_t)snprintf(text + n, cap - n, "%.6f,f%d,%.3f,%d\n", time, rand_r(&seed) % functions,
                                      (double)(rand_r(&seed) % 100000) / 7.0, 1 + rand_r(&seed) % 4096);
        }
        char path[PATH_LEN];
        write_file(path, dir, "random.csv", text);
        free(text);
        double from = run % 2 ? (double)(rand_r(&seed) % 5) : -1;
        uint32_t sampled = run % 4 == 1 ? (uint32_t)(1 + rand_r(&seed) % (unsigned)functions) : 0;
        /* The third: room for the first 4,096 rows kept, not for the 8,192 after: over 4,096 rows in
         * range, the kept rows are dropped midway. */
        const uint64_t budgets[] = {HF_TRACE_CSV_KEEP_BYTES, 0, 24 * 6144};
        struct replayed r[3];
        for (int b = 0; b < 3; b++) {
            struct hf_trace_options o;
            csv_options(&o, path);
            o.from_minute = from;
            o.functions = sampled;
            o.skip_bad_rows = bad_rows;
            o.csv_keep_bytes = budgets[b];
            struct hf_trace *t;
            struct hf_error err = {0};
            if (!hf_trace_open(&t, &o, &err)) { /* e.g. nothing in the range: the same for all three */
                cr_assert_eq(b, 0, "run %d: budget %d refused what the first accepted: %s", run, b, err.message);
                r[0].count = SIZE_MAX;
                break;
            }
            replay_trace(t, 7, &r[b]);
            cr_assert_not(r[b].failed, "run %d budget %d: %s", run, b, r[b].error.message);
            hf_trace_close(t);
        }
        if (r[0].count == SIZE_MAX)
            continue;
        for (int b = 1; b < 3; b++) {
            cr_assert_eq(r[b].count, r[0].count, "run %d: %zu invocations with budget %d, %zu with the rows kept",
                         run, r[b].count, b, r[0].count);
            for (size_t i = 0; i < r[0].count; i++)
                cr_assert(r[b].items[i].arrival == r[0].items[i].arrival &&
                              r[b].items[i].function == r[0].items[i].function &&
                              r[b].items[i].work == r[0].items[i].work &&
                              r[b].items[i].memory_mb == r[0].items[i].memory_mb,
                          "run %d budget %d: invocation %zu differs", run, b, i);
            free(r[b].items);
        }
        cr_assert_gt(r[0].count, 0);
        free(r[0].items);
    }
}

/* Kept rows are replayed from memory: the file is not opened again (it may even be gone), unless
 * the budget is 0 or too small. */
Test(trace_csv, kept_rows_do_not_read_the_file_again)
{
    for (int keep = 0; keep < 3; keep++) {
        char path[PATH_LEN];
        write_file(path, dir, "once.csv", "time_s,function,duration_ms\n0,a,5\n1,b,6\n2,a,7\n3,a,8\n");
        struct hf_trace_options o;
        csv_options(&o, path);
        o.csv_keep_bytes = keep == 0 ? HF_TRACE_CSV_KEEP_BYTES : keep == 1 ? 0 : 24; /* 24: one row only */
        struct hf_trace *t;
        struct hf_error err = {0};
        cr_assert(hf_trace_open(&t, &o, &err), "%s", err.message);
        cr_assert_eq(unlink(path), 0);
        struct replayed r;
        replay_trace(t, 1, &r);
        if (keep == 0) {
            cr_assert_not(r.failed, "%s", r.error.message);
            cr_assert_eq(r.count, 4);
        } else {
            cr_assert(r.failed, "budget %s: the replay must read the file again, which is gone", keep == 1 ? "0" : "24 B");
        }
        free(r.items);
        hf_trace_close(t);
    }
}
