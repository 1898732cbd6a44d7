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

static bool open_csv(struct hf_trace **t, const char *path, double from, double to, struct hf_error *err)
{
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = HF_TRACE_CSV;
    o.path = path;
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
