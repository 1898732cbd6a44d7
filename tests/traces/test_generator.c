/* hfsim trace gen: deterministic, and the statistics it cites from Shahrad et al. come out. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/results.h"
#include "traces/csv_stream.h"
#include "traces/generator.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-gen-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(generator, .init = make_dir, .fini = remove_dir);

static void generate(const char *sub, uint32_t functions, uint32_t minutes, uint64_t seed, enum hf_trace_format format)
{
    char out[128];
    snprintf(out, sizeof out, "%s/%s", dir, sub);
    struct hf_trace_gen_options o;
    hf_trace_gen_default_options(&o);
    o.functions = functions;
    o.minutes = minutes;
    o.seed = seed;
    o.format = format;
    o.out_dir = out;
    struct hf_error err = {0};
    cr_assert(hf_trace_generate(&o, NULL, NULL, &err), "%s", err.message);
}

static char *slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    cr_assert_not_null(f, "%s", path);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    char *buf = malloc(*n + 1);
    cr_assert_eq(fread(buf, 1, *n, f), *n);
    fclose(f);
    return buf;
}

Test(generator, same_seed_same_bytes_other_seed_other_bytes)
{
    const char *files[] = {"invocations_per_function_md.anon.d01.csv", "function_durations_percentiles.anon.d01.csv",
                           "app_memory_percentiles.anon.d01.csv"};
    generate("a", 100, 30, 9, HF_TRACE_AZURE2019);
    generate("b", 100, 30, 9, HF_TRACE_AZURE2019);
    generate("c", 100, 30, 10, HF_TRACE_AZURE2019);
    for (int i = 0; i < 3; i++) {
        char pa[200], pb[200], pc[200];
        snprintf(pa, sizeof pa, "%s/a/%s", dir, files[i]);
        snprintf(pb, sizeof pb, "%s/b/%s", dir, files[i]);
        snprintf(pc, sizeof pc, "%s/c/%s", dir, files[i]);
        size_t na, nb, nc;
        char *a = slurp(pa, &na), *b = slurp(pb, &nb), *c = slurp(pc, &nc);
        cr_assert(na == nb && memcmp(a, b, na) == 0, "%s differs for the same seed", files[i]);
        cr_assert(na != nc || memcmp(a, c, na) != 0, "%s is the same for another seed", files[i]);
        free(a);
        free(b);
        free(c);
    }
}

Test(generator, popularity_triggers_and_durations_follow_the_paper)
{
    uint32_t functions = 4000;
    generate("day", functions, 1440, 1, HF_TRACE_AZURE2019);
    char path[200];
    snprintf(path, sizeof path, "%s/day/invocations_per_function_md.anon.d01.csv", dir);
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err));
    struct hf_csv_row row;
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    int first = hf_csv_column(&row, "1"), trigger = hf_csv_column(&row, "Trigger");
    uint32_t hourly_or_less = 0, minutely_or_less = 0, http = 0, rows = 0;
    while (hf_csv_next(r, &row, &err) == 1) {
        uint64_t total = 0;
        for (int m = 0; m < 1440; m++)
            total += strtoull(row.fields[first + m], NULL, 10);
        hourly_or_less += total <= 24;
        minutely_or_less += total <= 1440;
        http += strcmp(row.fields[trigger], "http") == 0;
        rows++;
    }
    hf_csv_close(r);
    cr_assert_eq(rows, functions);
    /* Fig. 5a: 45 % at most once per hour, 81 % at most once per minute; Fig. 3a: 55 % HTTP. */
    cr_assert_float_eq(hourly_or_less / (double)functions, 0.45, 0.06);
    cr_assert_float_eq(minutely_or_less / (double)functions, 0.81, 0.05);
    cr_assert_float_eq(http / (double)functions, 0.55, 0.03);

    snprintf(path, sizeof path, "%s/day/function_durations_percentiles.anon.d01.csv", dir);
    cr_assert(hf_csv_open(&r, path, &err));
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    int average = hf_csv_column(&row, "Average");
    double *averages = malloc(functions * sizeof *averages);
    uint32_t n = 0;
    while (hf_csv_next(r, &row, &err) == 1)
        averages[n++] = strtod(row.fields[average], NULL);
    hf_csv_close(r);
    uint32_t below = 0;
    for (uint32_t i = 0; i < n; i++)
        below += averages[i] <= 1000.0 * exp(-0.38);
    /* Fig. 7: averages are log-normal with ln-mean -0.38 s: half of them below e^-0.38 s. */
    cr_assert_float_eq(below / (double)n, 0.5, 0.04);
    free(averages);
}

Test(generator, azure2021_rows_are_ordered_by_end_time)
{
    generate("y", 50, 20, 2, HF_TRACE_AZURE2021);
    char path[200];
    snprintf(path, sizeof path, "%s/y/AzureFunctionsInvocationTrace2021.csv", dir);
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err));
    struct hf_csv_row row;
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(hf_csv_column(&row, "end_timestamp"), 2);
    double previous = -1;
    int rows = 0;
    while (hf_csv_next(r, &row, &err) == 1) {
        double end = strtod(row.fields[2], NULL), duration = strtod(row.fields[3], NULL);
        cr_assert_geq(end, previous);
        cr_assert_geq(duration, 0);
        previous = end;
        rows++;
    }
    cr_assert_gt(rows, 0);
    hf_csv_close(r);
}

Test(generator, bad_options_are_usage_errors)
{
    struct hf_trace_gen_options o;
    hf_trace_gen_default_options(&o);
    o.out_dir = dir;
    struct hf_error err = {0};
    o.minutes = 1441;
    cr_assert_not(hf_trace_generate(&o, NULL, NULL, &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
    o.minutes = 10;
    o.functions = 0;
    cr_assert_not(hf_trace_generate(&o, NULL, NULL, &err));
    cr_assert_eq(err.code, HF_EXIT_USAGE);
}
