#include "sim/distribution.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

const char *const hf_dist_kind_names[] = {"constant", "exponential", "lognormal", "empirical", NULL};

void hf_distribution_init(struct hf_distribution *d, enum hf_dist_kind kind, double mean_ns, double cv)
{
    d->kind = kind;
    d->mean_ns = mean_ns;
    d->sigma = sqrt(log1p(cv * cv));
    d->mu = log(mean_ns > 0 ? mean_ns : 1) - d->sigma * d->sigma / 2;
    if (kind == HF_DIST_LOGNORMAL && cv == 0)
        d->kind = HF_DIST_CONSTANT;
}

void hf_distribution_from_json(struct hf_distribution *d, const json_t *spec)
{
    const char *name = json_string_value(json_object_get(spec, "dist"));
    enum hf_dist_kind kind = HF_DIST_CONSTANT;
    for (int i = 0; hf_dist_kind_names[i]; i++)
        if (name && strcmp(name, hf_dist_kind_names[i]) == 0)
            kind = (enum hf_dist_kind)i;
    hf_distribution_init(d, kind, json_number_value(json_object_get(spec, "mean_ms")) * 1e6,
                         json_number_value(json_object_get(spec, "cv")));
    d->sample_count = 0;
    if (kind != HF_DIST_EMPIRICAL)
        return;
    const json_t *samples = json_object_get(spec, "samples_ms");
    double sum = 0;
    for (size_t i = 0; i < json_array_size(samples) && i < HF_DIST_MAX_SAMPLES; i++) {
        d->samples_ns[d->sample_count++] = json_number_value(json_array_get(samples, i)) * 1e6;
        sum += d->samples_ns[i];
    }
    d->mean_ns = d->sample_count ? sum / d->sample_count : 0;
}

bool hf_distribution_check(const json_t *spec, const char *path, struct hf_error *err)
{
    const char *name = json_string_value(json_object_get(spec, "dist"));
    size_t n = json_array_size(json_object_get(spec, "samples_ms"));
    if (name && strcmp(name, "empirical") == 0 && (n == 0 || n > HF_DIST_MAX_SAMPLES))
        return hf_fail(err, HF_EXIT_BAD_INPUT,
                       "%s.samples_ms: an empirical distribution needs 1 to %d samples (got %zu)", path,
                       HF_DIST_MAX_SAMPLES, n);
    return true;
}

hf_time hf_distribution_draw(const struct hf_distribution *d, gsl_rng *rng)
{
    double x;
    switch (d->kind) {
    case HF_DIST_EXPONENTIAL: x = gsl_ran_exponential(rng, d->mean_ns); break;
    case HF_DIST_LOGNORMAL: x = gsl_ran_lognormal(rng, d->mu, d->sigma); break;
    case HF_DIST_EMPIRICAL:
        x = d->sample_count ? d->samples_ns[gsl_rng_uniform_int(rng, d->sample_count)] : 0;
        break;
    case HF_DIST_CONSTANT:
    default: x = d->mean_ns; break;
    }
    return x > 0 ? hf_time_from_ns(x) : 0; /* a far tail saturates (time.h), never wraps */
}
