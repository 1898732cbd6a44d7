/* Synthetic Azure-format traces. Every distribution below is read off Shahrad et al., "Serverless in
 * the Wild: Characterizing and Optimizing the Serverless Workload at a Large Cloud Provider" (USENIX
 * ATC 2020); the numbers are approximate readings of the figures, good enough to give a replay the
 * published shape (heavy-tailed popularity, most functions rare, diurnal load, bursts), not a fit.
 *
 * - Functions per app (Fig. 2): 54 % of apps have one function, 95 % at most 10: one with
 *   probability 0.54, else 1 + ceil(Pareto(shape 1.0, scale 1)) capped at 200 (P(<=10 | >1) = 0.89).
 * - Invocation rate (Fig. 5a, per app): 45 % invoked at most once per hour on average, 81 % at most
 *   once per minute: log10(invocations per minute) ~ Normal(-1.555, 1.771), the normal through both
 *   points, applied per function. --invocations rescales every rate by one factor, keeping the shape.
 * - Triggers (Fig. 3a, share of functions): HTTP 55 %, timer 15.6 %, queue 15.2 %, orchestration 6.9 %,
 *   storage 2.8 %, event 2.2 %, others 2.3 %. Timer functions fire periodically (Fig. 6: timers are
 *   the most regular); the others are Poisson per minute around a diurnal cycle (Fig. 4: load varies
 *   roughly +-50 % over the day), and one in ten of them has 1-3 bursts of 20x for 5-30 minutes.
 * - Execution time (Fig. 7): per-function average in seconds is log-normal, ln-mean -0.38,
 *   ln-sd 2.36 (the paper's fit), clamped to [1 ms, 10 min]; within a function, log-normal with
 *   ln-sd uniform in [0.2, 1.0].
 * - Memory (Fig. 8, per app): about half the apps allocate at most ~170 MB and 90 % at most ~400 MB:
 *   log-normal with median 170 MB, ln-sd 0.668; within an app, ln-sd 0.2. */
#include "traces/generator.h"

#include "sim/interrupt.h"
#include "sim/out_dir.h"
#include "sim/results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

enum trigger { HTTP, TIMER, QUEUE, ORCHESTRATION, STORAGE, EVENT, OTHERS, TRIGGERS };
static const char *const trigger_names[TRIGGERS] = {"http", "timer", "queue", "orchestration",
                                                     "storage", "event", "others"};
static const double trigger_share[TRIGGERS] = {0.55, 0.156, 0.152, 0.069, 0.028, 0.022, 0.023};

struct gen_function {
    uint32_t app;
    enum trigger trigger;
    double rate;          /* mean invocations per minute */
    double phase;         /* diurnal phase, minutes */
    uint32_t period, offset; /* timers below one per minute: every `period` minutes */
    uint32_t bursts, burst_start[3], burst_len[3];
    double avg_ms, sigma; /* execution time: mean and ln-sd within the function */
    uint64_t total;       /* invocations written */
};

struct gen_app {
    double memory_median_mb;
    uint32_t functions;
};

struct model {
    struct gen_function *functions;
    struct gen_app *apps;
    uint32_t function_count, app_count;
};

void hf_trace_gen_default_options(struct hf_trace_gen_options *o)
{
    memset(o, 0, sizeof *o);
    o->format = HF_TRACE_AZURE2019;
    o->functions = 200;
    o->minutes = 60;
    o->seed = 1;
    o->day = 1;
}

static uint64_t splitmix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

/* A 64-hex-digit name like the dataset's SHA-256 hashes, unique per (seed, kind, index). */
static void hash_name(char out[65], uint64_t seed, uint64_t kind, uint64_t index)
{
    uint64_t x = splitmix(seed ^ splitmix(kind * 0x100000001b3ull ^ splitmix(index)));
    for (int w = 0; w < 4; w++) {
        x = splitmix(x);
        snprintf(out + 16 * w, 17, "%016llx", (unsigned long long)x);
    }
}

static double diurnal(const struct gen_function *f, uint32_t minute)
{
    return 1.0 + 0.5 * sin(2 * 3.14159265358979323846 * ((double)minute - f->phase) / 1440.0);
}

static double burst_factor(const struct gen_function *f, uint32_t minute)
{
    for (uint32_t b = 0; b < f->bursts; b++)
        if (minute >= f->burst_start[b] && minute < f->burst_start[b] + f->burst_len[b])
            return 20.0;
    return 1.0;
}

static double expected_in_minute(const struct gen_function *f, uint32_t minute)
{
    if (f->trigger == TIMER) {
        if (f->rate >= 1.0)
            return round(f->rate);
        return (minute + f->offset) % f->period == 0 ? 1.0 : 0.0;
    }
    return f->rate * diurnal(f, minute) * burst_factor(f, minute);
}

static bool build_model(struct model *m, const struct hf_trace_gen_options *o, gsl_rng *rng,
                        struct hf_error *err)
{
    m->functions = calloc(o->functions, sizeof *m->functions);
    m->apps = calloc(o->functions, sizeof *m->apps);
    if (!m->functions || !m->apps)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    uint32_t f = 0;
    while (f < o->functions) {
        uint32_t n = 1;
        if (gsl_rng_uniform(rng) >= 0.54)
            n = 1 + (uint32_t)fmin(200, ceil(gsl_ran_pareto(rng, 1.0, 1.0)));
        if (n > o->functions - f)
            n = o->functions - f;
        struct gen_app *app = &m->apps[m->app_count];
        app->memory_median_mb = 170.0 * exp(gsl_ran_gaussian(rng, 0.668));
        app->functions = n;
        for (uint32_t k = 0; k < n; k++, f++) {
            struct gen_function *fn = &m->functions[f];
            fn->app = m->app_count;
            double u = gsl_rng_uniform(rng), acc = 0;
            fn->trigger = OTHERS;
            for (int t = 0; t < TRIGGERS; t++)
                if (u < (acc += trigger_share[t])) {
                    fn->trigger = (enum trigger)t;
                    break;
                }
            fn->rate = pow(10.0, gsl_ran_gaussian(rng, 1.771) - 1.555);
            fn->phase = gsl_rng_uniform(rng) * 1440.0;
            fn->period = fn->rate >= 1.0 ? 1 : (uint32_t)fmax(1, fmin(1440, round(1.0 / fn->rate)));
            fn->offset = (uint32_t)gsl_rng_uniform_int(rng, fn->period);
            if (fn->trigger != TIMER && gsl_rng_uniform(rng) < 0.1) {
                fn->bursts = 1 + (uint32_t)gsl_rng_uniform_int(rng, 3);
                for (uint32_t b = 0; b < fn->bursts; b++) {
                    fn->burst_start[b] = (uint32_t)gsl_rng_uniform_int(rng, o->minutes);
                    fn->burst_len[b] = 5 + (uint32_t)gsl_rng_uniform_int(rng, 26);
                }
            }
            fn->avg_ms = fmin(600000.0, fmax(1.0, 1000.0 * exp(gsl_ran_gaussian(rng, 2.36) - 0.38)));
            fn->sigma = 0.2 + 0.8 * gsl_rng_uniform(rng);
        }
        m->app_count++;
    }
    if (o->invocations > 0) {
        double expected = 0;
        for (uint32_t i = 0; i < o->functions; i++)
            for (uint32_t minute = 0; minute < o->minutes; minute++)
                expected += expected_in_minute(&m->functions[i], minute);
        double factor = expected > 0 ? o->invocations / expected : 1.0;
        for (uint32_t i = 0; i < o->functions; i++) {
            struct gen_function *fn = &m->functions[i];
            fn->rate *= factor;
            fn->period = fn->rate >= 1.0 ? 1 : (uint32_t)fmax(1, fmin(1440, round(1.0 / fn->rate)));
            fn->offset %= fn->period;
        }
    }
    m->function_count = o->functions;
    return true;
}

/* A function-minute's count; false (with the reason) when its mean is more than a trace may hold
 * (the readers accept at most HF_TRACE_MAX_PER_MINUTE, and a Poisson draw would overflow). */
/* False (exit 128 + signal) when SIGINT/SIGTERM is pending (the caller holds them blocked in an
 * hf_interrupt scope): the half-written directory is then removed. */
static bool interrupted(struct hf_error *err)
{
    int signo = hf_interrupt_pending();
    return signo && !hf_fail(err, (enum hf_exit)(HF_EXIT_SIGNAL + signo), "trace gen interrupted by %s",
                             hf_interrupt_name(signo));
}

static bool count_in_minute(const struct gen_function *f, uint32_t index, uint32_t minute, gsl_rng *rng,
                            uint32_t *count, struct hf_error *err)
{
    double mean = expected_in_minute(f, minute);
    if (mean > HF_TRACE_MAX_PER_MINUTE)
        return hf_fail(err, HF_EXIT_USAGE, "trace gen: function %u would average %.3g invocations in minute %u, "
                       "more than the %u per function-minute a trace may hold: lower --invocations or raise "
                       "--functions or --minutes", index, mean, minute + 1, HF_TRACE_MAX_PER_MINUTE);
    *count = f->trigger == TIMER ? (uint32_t)mean : mean > 0 ? gsl_ran_poisson(rng, mean) : 0;
    return true;
}

/* ln-normal with mean `mean` and ln-sd sigma: quantile q. */
static double lognormal_quantile(double mean, double sigma, double q)
{
    return exp(log(mean) - sigma * sigma / 2 + sigma * gsl_cdf_ugaussian_Pinv(q));
}

static char *join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

static FILE *create(const char *path, struct hf_error *err)
{
    FILE *f = fopen(path, "w");
    if (!f)
        hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot create: %s", path, strerror(errno));
    return f;
}

static bool finish(FILE *f, const char *path, struct hf_error *err)
{
    bool ok = !ferror(f);
    ok = fclose(f) == 0 && ok;
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed", path);
}

/* Appends the decimal digits of v and a separator: the invocations file is ~72M numbers at full scale. */
static char *put_u32(char *p, uint32_t v, char sep)
{
    char digits[10];
    int n = 0;
    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = digits[--n];
    *p++ = sep;
    return p;
}

static bool write_2019(struct model *m, const struct hf_trace_gen_options *o, gsl_rng *rng, char **written,
                       uint64_t *total, struct hf_error *err)
{
    char name[128];
    snprintf(name, sizeof name, "invocations_per_function_md.anon.d%02u.csv", o->day);
    char *path = join(o->out_dir, name);
    FILE *f = path ? create(path, err) : NULL;
    if (!f) {
        free(path);
        return path ? false : hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    fputs("HashOwner,HashApp,HashFunction,Trigger", f);
    for (uint32_t minute = 1; minute <= o->minutes; minute++)
        fprintf(f, ",%u", minute);
    fputc('\n', f);
    char *line = malloc(300 + 11 * (size_t)o->minutes);
    char owner[65], app[65], fn[65];
    bool counted = true;
    for (uint32_t i = 0; line && counted && i < m->function_count; i++) {
        if (interrupted(err)) {
            counted = false;
            break;
        }
        struct gen_function *g = &m->functions[i];
        hash_name(owner, o->seed, 1, g->app);
        hash_name(app, o->seed, 2, g->app);
        hash_name(fn, o->seed, 3, i);
        char *p = line + sprintf(line, "%s,%s,%s,%s,", owner, app, fn, trigger_names[g->trigger]);
        for (uint32_t minute = 0; counted && minute < o->minutes; minute++) {
            uint32_t c = 0;
            counted = count_in_minute(g, i, minute, rng, &c, err);
            g->total += c;
            *total += c;
            p = put_u32(p, c, minute + 1 == o->minutes ? '\n' : ',');
        }
        fwrite(line, 1, (size_t)(p - line), f);
    }
    bool ok = counted && (line != NULL || hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory"));
    free(line);
    ok = finish(f, path, ok ? err : NULL) && ok;
    if (!ok) {
        free(path);
        return false;
    }
    *written = path;

    snprintf(name, sizeof name, "function_durations_percentiles.anon.d%02u.csv", o->day);
    path = join(o->out_dir, name);
    if (!path || !(f = create(path, err))) {
        free(path);
        return false;
    }
    fputs("HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,"
          "percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,"
          "percentile_Average_99,percentile_Average_100\n", f);
    static const double q[] = {0.0005, 0.01, 0.25, 0.50, 0.75, 0.99, 0.9995};
    for (uint32_t i = 0; i < m->function_count; i++) {
        const struct gen_function *g = &m->functions[i];
        hash_name(owner, o->seed, 1, g->app);
        hash_name(app, o->seed, 2, g->app);
        hash_name(fn, o->seed, 3, i);
        double v[7];
        for (int k = 0; k < 7; k++)
            v[k] = lognormal_quantile(g->avg_ms, g->sigma, q[k]);
        fprintf(f, "%s,%s,%s,%.0f,%llu,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f,%.0f\n", owner, app, fn,
                g->avg_ms, (unsigned long long)g->total, v[0], v[6], v[0], v[1], v[2], v[3], v[4], v[5], v[6]);
    }
    ok = finish(f, path, err);
    free(path);
    if (!ok)
        return false;

    snprintf(name, sizeof name, "app_memory_percentiles.anon.d%02u.csv", o->day);
    path = join(o->out_dir, name);
    if (!path || !(f = create(path, err))) {
        free(path);
        return false;
    }
    fputs("HashOwner,HashApp,SampleCount,AverageAllocatedMb,AverageAllocatedMb_pct1,AverageAllocatedMb_pct5,"
          "AverageAllocatedMb_pct25,AverageAllocatedMb_pct50,AverageAllocatedMb_pct75,AverageAllocatedMb_pct95,"
          "AverageAllocatedMb_pct99,AverageAllocatedMb_pct100\n", f);
    static const double mq[] = {0.01, 0.05, 0.25, 0.50, 0.75, 0.95, 0.99, 0.9995};
    for (uint32_t a = 0; a < m->app_count; a++) {
        hash_name(owner, o->seed, 1, a);
        hash_name(app, o->seed, 2, a);
        double median = m->apps[a].memory_median_mb, sigma = 0.2;
        double mean = median * exp(sigma * sigma / 2);
        fprintf(f, "%s,%s,%u,%.0f", owner, app, o->minutes, mean);
        for (int k = 0; k < 8; k++)
            fprintf(f, ",%.0f", lognormal_quantile(mean, sigma, mq[k]));
        fputc('\n', f);
    }
    ok = finish(f, path, err);
    free(path);
    return ok;
}

struct row2021 {
    double end, duration;
    uint32_t function;
};

static int by_end(const void *a, const void *b)
{
    const struct row2021 *x = a, *y = b;
    if (x->end != y->end)
        return x->end < y->end ? -1 : 1;
    return x->function < y->function ? -1 : x->function > y->function;
}

static bool write_2021(struct model *m, const struct hf_trace_gen_options *o, gsl_rng *rng, char **written,
                       uint64_t *total, struct hf_error *err)
{
    struct row2021 *rows = NULL;
    size_t count = 0, cap = 0;
    for (uint32_t minute = 0; minute < o->minutes; minute++)
        for (uint32_t i = 0; i < m->function_count; i++) {
            const struct gen_function *g = &m->functions[i];
            uint32_t c = 0;
            if ((i == 0 && interrupted(err)) || !count_in_minute(g, i, minute, rng, &c, err)) {
                free(rows);
                return false;
            }
            if (count + c > HF_TRACE_GEN_MAX_ROWS_2021) {
                free(rows);
                return hf_fail(err, HF_EXIT_USAGE, "trace gen: more than %llu rows in the azure2021 format; "
                                                   "generate azure2019 for traces this large",
                               HF_TRACE_GEN_MAX_ROWS_2021);
            }
            for (uint32_t k = 0; k < c; k++) {
                if (count == cap) {
                    cap = cap ? cap * 2 : 4096;
                    struct row2021 *grown = realloc(rows, cap * sizeof *grown);
                    if (!grown) {
                        free(rows);
                        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
                    }
                    rows = grown;
                }
                double arrival = (minute + gsl_rng_uniform(rng)) * 60.0;
                double duration = lognormal_quantile(g->avg_ms, g->sigma, gsl_rng_uniform_pos(rng)) / 1000.0;
                rows[count++] = (struct row2021){arrival + duration, duration, i};
            }
        }
    qsort(rows, count, sizeof *rows, by_end);
    char *path = join(o->out_dir, "AzureFunctionsInvocationTrace2021.csv");
    FILE *f = path ? create(path, err) : NULL;
    bool ok = f != NULL;
    if (ok) {
        fputs("app,func,end_timestamp,duration\n", f);
        char app[65], fn[65];
        for (size_t r = 0; r < count; r++) {
            hash_name(app, o->seed, 2, m->functions[rows[r].function].app);
            hash_name(fn, o->seed, 3, rows[r].function);
            fprintf(f, "%s,%s,%.6f,%.6f\n", app, fn, rows[r].end, rows[r].duration);
        }
        ok = finish(f, path, err);
    }
    free(rows);
    *total = count;
    if (ok)
        *written = path;
    else
        free(path);
    return ok;
}

bool hf_trace_generate(const struct hf_trace_gen_options *o, char **written, uint64_t *invocations,
                       struct hf_error *err)
{
    if (o->functions == 0)
        return hf_fail(err, HF_EXIT_USAGE, "trace gen: --functions must be at least 1");
    if (o->minutes == 0 || (o->format == HF_TRACE_AZURE2019 && o->minutes > 1440))
        return hf_fail(err, HF_EXIT_USAGE, "trace gen: --minutes must be 1..1440 (one day)");
    if (o->format != HF_TRACE_AZURE2019 && o->format != HF_TRACE_AZURE2021)
        return hf_fail(err, HF_EXIT_USAGE, "trace gen: --format must be azure2019 or azure2021");
    /* Written into a hidden sibling and renamed when complete, as a run's results are: an error or
     * an interruption leaves nothing that looks like a trace. */
    struct hf_results results;
    if (!hf_results_begin_kind(&results, o->out_dir, HF_OUT_KIND_TRACE, err))
        return false;
    struct hf_trace_gen_options into_tmp = *o;
    into_tmp.out_dir = results.tmp_dir;
    o = &into_tmp;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (!rng) {
        hf_results_abort(&results);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    gsl_rng_set(rng, (unsigned long)o->seed);
    struct model m = {0};
    char *path = NULL;
    uint64_t total = 0;
    bool ok = build_model(&m, o, rng, err);
    if (ok)
        ok = o->format == HF_TRACE_AZURE2019 ? write_2019(&m, o, rng, &path, &total, err)
                                             : write_2021(&m, o, rng, &path, &total, err);
    free(m.functions);
    free(m.apps);
    gsl_rng_free(rng);
    ok = ok && hf_results_commit(&results, err);
    if (!ok)
        hf_results_abort(&results);
    if (invocations)
        *invocations = total;
    if (ok && written) /* the main file's name in the final directory */
        *written = join(results.final_dir, strrchr(path, '/') + 1);
    free(path);
    return ok;
}
