/* Mutation fuzzing of the trace readers, bounded and seeded so it runs in every test run (the
 * libFuzzer harnesses in tests/fuzz explore further, in CI for a bounded time). Each mutant of a
 * valid trace must either replay with every invocation it announced or be refused with exit code 3
 * and a message that starts with the file's path: never crash, hang or leak (ASan runs this too).
 * Inputs that once broke a reader live in tests/fuzz/regressions and are replayed here as well. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/results.h"
#include "support/trace_replay.h"
#include "traces/generator.h"
#include "traces/trace.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-tfuzz-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(trace_fuzz, .init = make_dir, .fini = remove_dir);

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

static void spit(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    fwrite(data, 1, n, f);
    fclose(f);
}

/* One random edit of the kinds that break CSV readers: flip, delete, duplicate, insert a
 * meaningful byte, truncate. `out` must hold n + 64 bytes; returns the new length. */
static size_t mutate(const char *in, size_t n, char *out, gsl_rng *rng)
{
    static const char meaningful[] = ",\n\r\"-.0123456789e x";
    memcpy(out, in, n);
    if (n == 0)
        return 0;
    size_t at = gsl_rng_uniform_int(rng, n);
    switch (gsl_rng_uniform_int(rng, 5)) {
    case 0:
        out[at] = (char)gsl_rng_uniform_int(rng, 256);
        return n;
    case 1: {
        size_t len = 1 + gsl_rng_uniform_int(rng, 16);
        len = at + len > n ? n - at : len;
        memmove(out + at, in + at + len, n - at - len);
        return n - len;
    }
    case 2: {
        size_t len = 1 + gsl_rng_uniform_int(rng, 32);
        len = at + len > n ? n - at : len;
        memcpy(out + at + len, in + at, n - at);
        return n + len;
    }
    case 3:
        memmove(out + at + 1, in + at, n - at);
        out[at] = meaningful[gsl_rng_uniform_int(rng, sizeof meaningful - 1)];
        return n + 1;
    default:
        return at;
    }
}

/* Opens and replays; checks the contract. */
static void check_one(enum hf_trace_format format, const char *path)
{
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = format;
    o.path = path;
    o.reorder_window_s = 60;
    struct hf_trace *t;
    struct hf_error err = {0};
    if (!hf_trace_open(&t, &o, &err)) {
        cr_assert(err.code == HF_EXIT_BAD_INPUT || err.code == HF_EXIT_USAGE, "code %d: %s", err.code, err.message);
        /* azure2019: the error may be in a companion file of the same directory */
        cr_assert(strncmp(err.message, dir, strlen(dir)) == 0 || strncmp(err.message, path, strlen(path)) == 0 ||
                      err.code == HF_EXIT_USAGE,
                  "the error does not start with the file: %s", err.message);
        return;
    }
    struct replayed r;
    replay_trace(t, 1, &r);
    cr_assert_not(r.failed, "%s", r.error.message);
    cr_assert_eq(r.count, hf_trace_stats(t)->expected, "%s: issued %zu, announced %llu", path, r.count,
                 (unsigned long long)hf_trace_stats(t)->expected);
    for (size_t i = 1; i < r.count; i++)
        cr_assert_geq(r.items[i].arrival, r.items[i - 1].arrival);
    free(r.items);
    hf_trace_close(t);
}

static void fuzz_file(enum hf_trace_format format, const char *victim, const char *target, int rounds,
                      const char *open_path, unsigned long seed)
{
    size_t n;
    char *original = slurp(victim, &n);
    char *buf = malloc(n + 64 * 8);
    char *tmp = malloc(n + 64 * 8);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    for (int i = 0; i < rounds; i++) {
        size_t len = mutate(original, n, buf, rng);
        for (int extra = (int)gsl_rng_uniform_int(rng, 3); extra > 0; extra--) {
            memcpy(tmp, buf, len);
            len = mutate(tmp, len, buf, rng);
        }
        spit(target, buf, len);
        check_one(format, open_path);
    }
    spit(target, original, n); /* leave the set valid for the next file */
    gsl_rng_free(rng);
    free(tmp);
    free(buf);
    free(original);
}

Test(trace_fuzz, azure2019_files_mutated, .timeout = 120)
{
    struct hf_trace_gen_options g;
    hf_trace_gen_default_options(&g);
    g.functions = 30;
    g.minutes = 8;
    g.invocations = 300;
    g.out_dir = dir;
    struct hf_error err = {0};
    cr_assert(hf_trace_generate(&g, NULL, NULL, &err), "%s", err.message);
    char inv[300], dur[300], mem[300];
    snprintf(inv, sizeof inv, "%s/invocations_per_function_md.anon.d01.csv", dir);
    snprintf(dur, sizeof dur, "%s/function_durations_percentiles.anon.d01.csv", dir);
    snprintf(mem, sizeof mem, "%s/app_memory_percentiles.anon.d01.csv", dir);
    check_one(HF_TRACE_AZURE2019, inv);
    fuzz_file(HF_TRACE_AZURE2019, inv, inv, 400, inv, 1);
    fuzz_file(HF_TRACE_AZURE2019, dur, dur, 300, inv, 2);
    fuzz_file(HF_TRACE_AZURE2019, mem, mem, 300, inv, 3);
}

Test(trace_fuzz, azure2021_and_csv_mutated, .timeout = 120)
{
    struct hf_trace_gen_options g;
    hf_trace_gen_default_options(&g);
    g.format = HF_TRACE_AZURE2021;
    g.functions = 20;
    g.minutes = 5;
    g.invocations = 200;
    g.out_dir = dir;
    struct hf_error err = {0};
    cr_assert(hf_trace_generate(&g, NULL, NULL, &err), "%s", err.message);
    char path[300];
    snprintf(path, sizeof path, "%s/AzureFunctionsInvocationTrace2021.csv", dir);
    check_one(HF_TRACE_AZURE2021, path);
    fuzz_file(HF_TRACE_AZURE2021, path, path, 600, path, 4);

    char csv[PATH_LEN];
    write_file(csv, dir, "own.csv", "time_s,function,duration_ms,memory_mb\n0,a,10,64\n0.5,b,20,32\n1,a,5,64\n"
                                    "2.25,c,100,128\n2.5,a,1,1\n");
    check_one(HF_TRACE_CSV, csv);
    fuzz_file(HF_TRACE_CSV, csv, csv, 600, csv, 5);
}

/* tests/fuzz/regressions/<format>-<name>: inputs that once crashed or fooled a reader. */
Test(trace_fuzz, regressions)
{
    char root[] = HFSIM_SOURCE_DIR "/tests/fuzz/regressions";
    DIR *d = opendir(root);
    cr_assert_not_null(d, "%s", root);
    struct dirent *e;
    int seen = 0;
    while ((e = readdir(d)) != NULL) {
        enum hf_trace_format format = strncmp(e->d_name, "azure2019-", 10) == 0   ? HF_TRACE_AZURE2019
                                    : strncmp(e->d_name, "azure2021-", 10) == 0 ? HF_TRACE_AZURE2021
                                    : strncmp(e->d_name, "csv-", 4) == 0         ? HF_TRACE_CSV
                                                                                 : HF_TRACE_NONE;
        if (format == HF_TRACE_NONE)
            continue;
        char path[600];
        snprintf(path, sizeof path, "%s/%s", root, e->d_name);
        check_one(format, path);
        seen++;
    }
    closedir(d);
    cr_assert_gt(seen, 0, "the regression corpus is empty");
}
