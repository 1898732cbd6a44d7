/* Azure 2019 replay: the join of the three files, arrivals inside a minute, ranges, sampling,
 * fallbacks, and every kind of bad input with its FILE:LINE. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/trace_replay.h"
#include "traces/generator.h"
#include "traces/trace.h"
#include "sim/results.h"

static char dir[64];
static char invocations[PATH_LEN];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-az19-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(invocations, sizeof invocations, "%s/invocations_per_function_md.anon.d01.csv", dir);
}

/* Each test's files go with it. */
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(azure2019, .init = make_dir, .fini = remove_dir);

static bool open_2019(struct hf_trace **t, const char *path, void (*tweak)(struct hf_trace_options *),
                      struct hf_error *err)
{
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = HF_TRACE_AZURE2019;
    o.path = path;
    if (tweak)
        tweak(&o);
    return hf_trace_open(t, &o, err);
}

/* A hand-written day of 3 minutes: two apps, three functions. */
static void write_small(void)
{
    char path[PATH_LEN];
    write_file(path, dir, "invocations_per_function_md.anon.d01.csv",
               "HashOwner,HashApp,HashFunction,Trigger,1,2,3\n"
               "o1,a1,f1,http,2,0,1\n"
               "o1,a1,f2,timer,0,0,0\n"
               "o2,a2,f3,queue,4,1,0\n");
    write_file(path, dir, "function_durations_percentiles.anon.d01.csv",
               "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
               "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
               "percentile_Average_99,percentile_Average_100\n"
               "o1,a1,f1,100,3,100,100,100,100,100,100,100,100,100\n"
               "o2,a2,f3,10,5,5,20,5,5,8,10,12,19,20\n");
    write_file(path, dir, "app_memory_percentiles.anon.d01.csv",
               "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,"
               "AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,"
               "AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n"
               "o1,a1,10,200,200,200,200,200,200,200,200,200\n");
}

Test(azure2019, joins_the_three_files_and_replays_counts_equidistantly)
{
    write_small();
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2019(&t, invocations, NULL, &err), "%s", err.message);
    const struct hf_trace_stats *s = hf_trace_stats(t);
    cr_assert_eq(s->functions_in_file, 3);
    cr_assert_eq(s->functions, 2, "f2 is never invoked: not replayed");
    cr_assert_eq(s->expected, 8);
    cr_assert_eq(s->missing_durations, 0);
    cr_assert_eq(s->missing_memory, 1, "app a2 has no memory row");
    cr_assert_float_eq(hf_trace_duration_s(t), 180, 1e-9);
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_not(r.failed, "%s", r.error.message);
    cr_assert_eq(r.count, 8);
    /* Minute 0: f1 x2 at 15 s and 45 s, f3 x4 at 7.5, 22.5, 37.5, 52.5 s; in time order. */
    const double want[] = {7.5, 15, 22.5, 37.5, 45, 52.5, 90, 150};
    const uint32_t fn[] = {1, 0, 1, 1, 0, 1, 1, 0};
    for (size_t i = 0; i < r.count; i++) {
        cr_assert_float_eq(hf_time_to_s(r.items[i].arrival), want[i], 1e-6, "item %zu", i);
        cr_assert_eq(r.items[i].function, fn[i], "item %zu", i);
        cr_assert_eq(r.items[i].id, i);
    }
    /* f1: constant 100 ms and app a1's 200 MB shared by its two functions; f3: the fallback memory. */
    cr_assert_eq(r.items[1].work, hf_time_from_ms(100));
    cr_assert_eq(r.items[1].memory_mb, 100);
    cr_assert_eq(r.items[0].memory_mb, 128);
    cr_assert(r.items[0].work >= hf_time_from_ms(5) && r.items[0].work <= hf_time_from_ms(20));
    cr_assert_str_eq(hf_trace_function_name(t, 0), "o1/a1/f1");
    free(r.items);
    hf_trace_close(t);
}

static void minutes_1_to_3(struct hf_trace_options *o)
{
    o->from_minute = 1;
    o->to_minute = 3;
}

Test(azure2019, a_minute_range_shifts_time_and_counts_only_its_minutes)
{
    write_small();
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2019(&t, invocations, minutes_1_to_3, &err), "%s", err.message);
    cr_assert_eq(hf_trace_stats(t)->expected, 2);
    cr_assert_float_eq(hf_trace_duration_s(t), 120, 1e-9);
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_eq(r.count, 2);
    cr_assert_float_eq(hf_time_to_s(r.items[0].arrival), 30, 1e-6, "minute 1's middle, shifted to 0");
    cr_assert_float_eq(hf_time_to_s(r.items[1].arrival), 90, 1e-6);
    free(r.items);
    hf_trace_close(t);
}

static void poisson(struct hf_trace_options *o) { o->arrivals = HF_ARRIVALS_POISSON; }
static void uniform(struct hf_trace_options *o) { o->arrivals = HF_ARRIVALS_UNIFORM; }
static void sample_50(struct hf_trace_options *o)
{
    o->functions = 50;
    o->sample_seed = 3;
}

static void generate(uint32_t functions, uint32_t minutes, double invocations_total)
{
    struct hf_trace_gen_options g;
    hf_trace_gen_default_options(&g);
    g.functions = functions;
    g.minutes = minutes;
    g.invocations = invocations_total;
    g.out_dir = dir;
    struct hf_error err = {0};
    uint64_t total;
    cr_assert(hf_trace_generate(&g, NULL, &total, &err), "%s", err.message);
}

Test(azure2019, arrival_modes_issue_what_the_trace_holds)
{
    generate(300, 30, 50000);
    struct hf_trace *t;
    struct hf_error err = {0};
    void (*modes[])(struct hf_trace_options *) = {NULL, uniform, poisson};
    for (int m = 0; m < 3; m++) {
        cr_assert(open_2019(&t, invocations, modes[m], &err), "%s", err.message);
        uint64_t expected = hf_trace_stats(t)->expected;
        struct replayed r;
        replay_trace(t, 5, &r);
        cr_assert_not(r.failed);
        for (size_t i = 1; i < r.count; i++)
            cr_assert_geq(r.items[i].arrival, r.items[i - 1].arrival, "mode %d: sorted", m);
        if (m < 2)
            cr_assert_eq(r.count, expected, "mode %d issues exactly the counts", m);
        else /* Poisson: the count varies, within a few standard deviations */
            cr_assert_lt(fabs((double)r.count - (double)expected), 5 * sqrt((double)expected) + 1);
        cr_assert_eq(hf_trace_stats(t)->issued, r.count);
        free(r.items);
        hf_trace_close(t);
    }
}

Test(azure2019, a_stratified_sample_keeps_head_and_tail)
{
    generate(1000, 20, 0);
    struct hf_trace *all, *t;
    struct hf_error err = {0};
    cr_assert(open_2019(&all, invocations, NULL, &err), "%s", err.message);
    cr_assert(open_2019(&t, invocations, sample_50, &err), "%s", err.message);
    cr_assert_eq(hf_trace_function_count(t), 50);
    /* Ranks of the sampled functions among all invoked ones: one per stratum of n/50 ranks. */
    uint32_t n = hf_trace_function_count(all);
    struct replayed ra, rs;
    replay_trace(all, 1, &ra);
    replay_trace(t, 1, &rs);
    uint64_t *per_all = calloc(n, sizeof *per_all), *per_sample = calloc(50, sizeof *per_sample);
    for (size_t i = 0; i < ra.count; i++)
        per_all[ra.items[i].function]++;
    for (size_t i = 0; i < rs.count; i++)
        per_sample[rs.items[i].function]++;
    uint64_t top = 0, sample_top = 0, sample_bottom = UINT64_MAX;
    for (uint32_t i = 0; i < n; i++)
        top = per_all[i] > top ? per_all[i] : top;
    for (uint32_t i = 0; i < 50; i++) {
        sample_top = per_sample[i] > sample_top ? per_sample[i] : sample_top;
        sample_bottom = per_sample[i] < sample_bottom ? per_sample[i] : sample_bottom;
    }
    uint32_t rank_of_sample_top = 0; /* how many functions are more popular than the sample's top */
    for (uint32_t i = 0; i < n; i++)
        rank_of_sample_top += per_all[i] > sample_top;
    cr_assert_lt(rank_of_sample_top, n / 50 + 1, "the sample's most popular is in the top stratum");
    cr_assert_leq(sample_bottom, 2, "the long tail is sampled too");
    /* Same seed, same sample: names match. */
    struct hf_trace *again;
    cr_assert(open_2019(&again, invocations, sample_50, &err));
    for (uint32_t i = 0; i < 50; i++)
        cr_assert_str_eq(hf_trace_function_name(t, i), hf_trace_function_name(again, i));
    free(per_all);
    free(per_sample);
    free(ra.items);
    free(rs.items);
    hf_trace_close(all);
    hf_trace_close(t);
    hf_trace_close(again);
}

static void expect_error(const char *invocations_text, const char *needle)
{
    char path[PATH_LEN];
    write_file(path, dir, "invocations_per_function_md.anon.d02.csv", invocations_text);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_2019(&t, path, NULL, &err), "accepted: %s", invocations_text);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT, "%s", err.message);
    cr_assert_not_null(strstr(err.message, needle), "wanted \"%s\" in: %s", needle, err.message);
}

Test(azure2019, bad_input_names_file_and_line)
{
    const char *h = "HashOwner,HashApp,HashFunction,Trigger,1,2\n";
    char text[512];
    expect_error("", "d02.csv:1: empty file");
    expect_error("HashOwner,HashApp,Trigger,1,2\no,a,http,1,2\n", "d02.csv:1: missing column HashFunction");
    snprintf(text, sizeof text, "%so,a,f,http,1,2\no,a,g,http,-1,2\n", h);
    expect_error(text, "d02.csv:3: column 1: negative count");
    snprintf(text, sizeof text, "%so,a,f,http,1,2\no,a,g,http,1\n", h);
    expect_error(text, "d02.csv:3: expected 6 fields as in the header, found 5 (truncated row?)");
    snprintf(text, sizeof text, "%so,a,f,http,1,2\no,a,f,http,3,4\n", h);
    expect_error(text, "d02.csv:3: duplicate function f");
    snprintf(text, sizeof text, "%so,a,f,http,1,x\n", h);
    expect_error(text, "d02.csv:2: column 2: \"x\" is not a whole number");
    snprintf(text, sizeof text, "%s", h);
    expect_error(text, "no function rows");
}

static void skip_bad(struct hf_trace_options *o) { o->skip_bad_rows = true; }

Test(azure2019, skip_bad_rows_counts_them)
{
    char path[PATH_LEN];
    write_file(path, dir, "invocations_per_function_md.anon.d03.csv",
               "HashOwner,HashApp,HashFunction,Trigger,1,2\no,a,f,http,1,2\no,a,g,http,-1,2\no,a,h,http,1\n"
               "o,a,f,http,5,5\no,a,i,http,0,3\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2019(&t, path, skip_bad, &err), "%s", err.message);
    cr_assert_eq(hf_trace_stats(t)->skipped_rows, 3);
    cr_assert_eq(hf_trace_stats(t)->expected, 6);
    cr_assert_eq(hf_trace_stats(t)->missing_durations, 2, "no durations file beside d03: fallback");
    hf_trace_close(t);
}

Test(azure2019, companion_file_errors)
{
    write_small();
    char path[PATH_LEN];
    write_file(path, dir, "function_durations_percentiles.anon.d01.csv",
               "HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
               "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
               "percentile_Average_99\n");
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_2019(&t, invocations, NULL, &err));
    cr_assert_not_null(strstr(err.message, "function_durations_percentiles.anon.d01.csv:1: missing column "
                                           "percentile_Average_100"), "%s", err.message);
    write_small();
    write_file(path, dir, "app_memory_percentiles.anon.d01.csv",
               "HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,"
               "AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,"
               "AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n"
               "o1,a1,10,200,200,200,200,200,200,200,200,200\n"
               "o1,a1,10,200,200,200,200,200,200,200,-1,200\n");
    cr_assert_not(open_2019(&t, invocations, NULL, &err));
    cr_assert_not_null(strstr(err.message, "app_memory_percentiles.anon.d01.csv:3: column AverageAllocatedMb_pct99: "
                                           "negative"), "%s", err.message);
}

static void missing_durations(struct hf_trace_options *o) { o->durations_path = "/nonexistent/durations.csv"; }

Test(azure2019, an_explicit_companion_must_exist)
{
    write_small();
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert_not(open_2019(&t, invocations, missing_durations, &err));
    cr_assert_not_null(strstr(err.message, "/nonexistent/durations.csv: cannot open"), "%s", err.message);
}

/* gzip and xz are read transparently, so the companions are found beside a compressed invocations
 * file whether they are compressed too or not (a user may compress only the large file). */
Test(azure2019, companions_are_found_beside_a_compressed_invocations_file)
{
    write_small();
    char cmd[3 * PATH_LEN];
    snprintf(cmd, sizeof cmd, "gzip -f '%s' && gzip -f '%s/function_durations_percentiles.anon.d01.csv'",
             invocations, dir);
    cr_assert_eq(system(cmd), 0);
    char compressed[PATH_LEN + 8];
    snprintf(compressed, sizeof compressed, "%s.gz", invocations);
    struct hf_trace *t;
    struct hf_error err = {0};
    cr_assert(open_2019(&t, compressed, NULL, &err), "%s", err.message);
    const struct hf_trace_stats *s = hf_trace_stats(t);
    cr_assert_eq(s->expected, 8);
    cr_assert_eq(s->missing_durations, 0, "the gzipped durations file beside it is read");
    cr_assert_eq(s->missing_memory, 1, "the plain memory file beside it is read: only app a2 falls back");
    hf_trace_close(t);
}
