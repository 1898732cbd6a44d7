#include "models/distribution.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <string.h>

const char *const hf_dist_kind_names[] = {"constant", "exponential", "lognormal", NULL};

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
}

hf_time hf_distribution_draw(const struct hf_distribution *d, gsl_rng *rng)
{
    double x;
    switch (d->kind) {
    case HF_DIST_EXPONENTIAL: x = gsl_ran_exponential(rng, d->mean_ns); break;
    case HF_DIST_LOGNORMAL: x = gsl_ran_lognormal(rng, d->mu, d->sigma); break;
    case HF_DIST_CONSTANT:
    default: x = d->mean_ns; break;
    }
    return x > 0 ? (hf_time)llround(x) : 0;
}
