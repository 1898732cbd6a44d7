#include "sim/function_stats.h"

#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct app_total {
    bool unnamed;      /* no names (f0, f1, ...): each function is its own app, by index */
    const char *name;  /* the app's name: a prefix of its function's, borrowed from the name callback */
    size_t name_len;
    uint32_t function; /* for unnamed apps */
    uint64_t arrived, waited;
};

static int by_name(const void *a, const void *b)
{
    const struct app_total *x = a, *y = b;
    if (x->unnamed || y->unnamed)
        return x->unnamed != y->unnamed ? (x->unnamed ? -1 : 1) : (x->function > y->function) - (x->function < y->function);
    size_t n = x->name_len < y->name_len ? x->name_len : y->name_len;
    int c = memcmp(x->name, y->name, n);
    if (c != 0)
        return c;
    return (x->name_len > y->name_len) - (x->name_len < y->name_len);
}

static double pct(uint64_t part, uint64_t whole) { return whole ? 100.0 * (double)part / (double)whole : 0; }

/* Where the app's name ends in its function's name n: at its last '/', or the whole name when it
 * has none (a function of its own) or the names are apps already. */
static const char *app_end(const struct hf_function_names *names, const char *n)
{
    const char *slash = names->are_apps ? NULL : strrchr(n, '/');
    return slash ? slash : n + strlen(n);
}

static json_t *app_distribution(const struct hf_function_counts *counts, uint32_t count,
                                const struct hf_function_names *names, struct hf_error *err)
{
    struct app_total *apps = malloc((count ? count : 1) * sizeof *apps);
    double *values = malloc((count ? count : 1) * sizeof *values);
    if (!apps || !values) {
        free(apps);
        free(values);
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    for (uint32_t f = 0; f < count; f++) {
        const char *n = names ? names->name(names->ctx, f) : NULL;
        apps[f] = (struct app_total){!n, n ? n : "", n ? (size_t)(app_end(names, n) - n) : 0, f, counts[f].arrived,
                                     counts[f].queued_on_arrival};
    }
    qsort(apps, count, sizeof *apps, by_name);
    size_t n_apps = 0;
    for (uint32_t i = 0; i < count;) {
        uint64_t arrived = 0, waited = 0;
        uint32_t j = i;
        for (; j < count && by_name(&apps[i], &apps[j]) == 0; j++) {
            arrived += apps[j].arrived;
            waited += apps[j].waited;
        }
        if (arrived > 0)
            values[n_apps++] = pct(waited, arrived);
        i = j;
    }
    gsl_sort(values, 1, n_apps);
    json_t *out = json_object();
    json_object_set_new(out, "apps", json_integer((json_int_t)n_apps));
    static const struct { const char *key; double q; } qs[] = {{"p50", 0.5}, {"p75", 0.75}, {"p90", 0.9}};
    for (size_t k = 0; k < sizeof qs / sizeof qs[0]; k++)
        json_object_set_new(out, qs[k].key,
                            json_real(n_apps ? gsl_stats_quantile_from_sorted_data(values, 1, n_apps, qs[k].q) : 0));
    json_object_set_new(out, "mean", json_real(n_apps ? gsl_stats_mean(values, 1, n_apps) : 0));
    free(apps);
    free(values);
    return out;
}

/* CSV quoting for names that hold a comma or a quote (trace names are user input). */
static void put_name(FILE *f, const char *s, size_t len)
{
    bool quote = strcspn(s, ",\"\n\r") < len;
    if (quote)
        fputc('"', f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            fputc('"', f);
        fputc(s[i], f);
    }
    if (quote)
        fputc('"', f);
}

json_t *hf_function_stats_write(struct hf_results *results, const struct hf_function_counts *counts, uint32_t count,
                                const struct hf_function_names *names, struct hf_error *err)
{
    FILE *f = hf_results_open(results, "functions.csv", err);
    if (!f)
        return NULL;
    fputs("function,name,app,arrived,completed,failed,queued_on_arrival,cold_starts,cold_start_pct\n", f);
    for (uint32_t i = 0; i < count; i++) {
        const struct hf_function_counts *c = &counts[i];
        const char *n = names ? names->name(names->ctx, i) : NULL;
        char own[24];
        if (!n) {
            snprintf(own, sizeof own, "f%u", i);
            n = own;
        }
        fprintf(f, "%u,", i);
        put_name(f, n, strlen(n));
        fputc(',', f);
        put_name(f, n, names ? (size_t)(app_end(names, n) - n) : strlen(n));
        fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%.6g\n", (unsigned long long)c->arrived,
                (unsigned long long)c->completed, (unsigned long long)c->failed,
                (unsigned long long)c->queued_on_arrival, (unsigned long long)c->cold_starts,
                pct(c->queued_on_arrival, c->arrived));
    }
    if (!hf_results_close(results, f, "functions.csv", err))
        return NULL;
    return app_distribution(counts, count, names, err);
}
