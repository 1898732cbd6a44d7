/* Azure 2021 replay: arrival = end - duration, put back in order within the reorder window. */
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
    strcpy(dir, "/tmp/hfsim-test-az21-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

/* Each test's files go with it. */
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(azure2021, .init = make_dir, .fini = remove_dir);

static bool open_2021(struct hf_trace **t, const char *path, double window, bool skip, struct hf_error *err)
{
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = HF_TRACE_AZURE2021;
    o.path = path;
    o.reorder_window_s = window;
    o.skip_bad_rows = skip;
    o.default_memory_mb = 77;
    return hf_trace_open(t, &o, err);
}

/* Ordered by end time; arrivals (end - duration) are not. */
static const char *const sample = "app,func,end_timestamp,duration\n"
                                  "A,x,1.0,0.5\n"   /* arrives 0.5 */
                                  "B,y,2.0,1.9\n"   /* arrives 0.1 */
                                  "A,x,3.0,0.2\n"   /* arrives 2.8 */
                                  "A,z,10.0,9.5\n"; /* arrives 0.5, after A,x's 0.5 in file order */

Test(azure2021, arrivals_come_out_in_order_with_their_durations)
{
    char path[PATH_LEN];
    write_file(path, dir, "t.csv", sample);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2021(&t, path, 3600, false, &err), "%s", err.message);
    cr_assert_eq(hf_trace_function_count(t), 3);
    cr_assert_float_eq(hf_trace_stats(t)->range_start_s, 0.1, 1e-9, "the range starts at the first arrival");
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 4);
    const double at[] = {0.0, 0.4, 0.4, 2.7};
    const double work[] = {1.9, 0.5, 9.5, 0.2};
    for (int i = 0; i < 4; i++) {
        cr_assert_float_eq(hf_time_to_s(r.items[i].arrival), at[i], 1e-6, "item %d", i);
        cr_assert_float_eq(hf_time_to_s(r.items[i].work), work[i], 1e-6, "item %d", i);
        cr_assert_eq(r.items[i].memory_mb, 77);
    }
    cr_assert_eq(r.items[1].function, 0, "ties keep file order");
    cr_assert_eq(hf_trace_stats(t)->late_rows, 0);
    free(r.items);
    hf_trace_close(t);
}

Test(azure2021, a_window_shorter_than_a_duration_counts_late_rows)
{
    char path[PATH_LEN];
    /* A,z ran 9.8 s: it arrived at 0.2, before 0.5 was released with a 1 s window. */
    write_file(path, dir, "late.csv", "app,func,end_timestamp,duration\nA,x,1.0,0.5\nB,y,2.0,1.9\nA,x,3.0,0.2\n"
                                      "A,z,10.0,9.8\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2021(&t, path, 1.0, false, &err), "%s", err.message);
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 4, "late rows are still delivered");
    for (size_t i = 1; i < r.count; i++)
        cr_assert_geq(r.items[i].arrival, r.items[i - 1].arrival);
    cr_assert_eq(hf_trace_stats(t)->late_rows, 1);
    free(r.items);
    hf_trace_close(t);
}

static void expect_error(const char *text, const char *needle)
{
    char path[PATH_LEN];
    write_file(path, dir, "bad.csv", text);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_2021(&t, path, 3600, false, &err), "accepted: %s", text);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert_not_null(strstr(err.message, needle), "wanted \"%s\" in: %s", needle, err.message);
}

Test(azure2021, bad_input_names_file_and_line)
{
    expect_error("app,func,end\nA,x,1\n", "bad.csv:1: missing column end_timestamp");
    expect_error("app,func,end_timestamp,duration\nA,x,1,0.5\nA,x,2,-1\n", "bad.csv:3: column duration: negative");
    expect_error("app,func,end_timestamp,duration\nA,x,one,0.5\n", "bad.csv:2: column end_timestamp");
    expect_error("app,func,end_timestamp,duration\nA,x,1\n", "bad.csv:2: expected 4 fields");
    expect_error("app,func,end_timestamp,duration\n,x,1,1\n", "bad.csv:2: empty app or func");
    expect_error("app,func,end_timestamp,duration\n", "no invocation rows");
}

Test(azure2021, skip_bad_rows_replays_the_rest)
{
    char path[PATH_LEN];
    write_file(path, dir, "skip.csv", "app,func,end_timestamp,duration\nA,x,1,0.5\nA,x,2,-1\nA,x,3,0.5\nA,x\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2021(&t, path, 3600, true, &err), "%s", err.message);
    cr_assert_eq(hf_trace_stats(t)->skipped_rows, 2);
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_not(r.failed, "%s", r.error.message);
    cr_assert_eq(r.count, 2);
    free(r.items);
    hf_trace_close(t);
}

Test(azure2021, rows_starting_before_zero_are_replayed_and_counted)
{
    char path[PATH_LEN];
    /* B,y ended at 1.0 after 3.0 s: it started at -2.0, before the trace's window. */
    write_file(path, dir, "neg.csv", "app,func,end_timestamp,duration\nB,y,1.0,3.0\nA,x,2.0,0.5\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2021(&t, path, 3600, false, &err), "%s", err.message);
    cr_assert_eq(hf_trace_stats(t)->negative_starts, 1);
    cr_assert_float_eq(hf_trace_stats(t)->range_start_s, -2.0, 1e-9, "the range starts at the earliest start");
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 2, "a negative start is replayed, not dropped");
    cr_assert_float_eq(hf_time_to_s(r.items[1].arrival), 3.5, 1e-6);
    free(r.items);
    hf_trace_close(t);
}
