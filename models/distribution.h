/* Random durations: constant, exponential or lognormal, given by mean and coefficient of variation.
 *
 * The lognormal is parameterised by its mean m and CV c (not by mu/sigma), because published
 * measurements report those: sigma^2 = ln(1 + c^2), mu = ln(m) - sigma^2 / 2.
 * Draws are rounded to whole nanoseconds and never negative. */
#ifndef HF_DISTRIBUTION_H
#define HF_DISTRIBUTION_H

#include <gsl/gsl_rng.h>
#include <jansson.h>

#include "sim/time.h"

enum hf_dist_kind { HF_DIST_CONSTANT, HF_DIST_EXPONENTIAL, HF_DIST_LOGNORMAL };

struct hf_distribution {
    enum hf_dist_kind kind;
    double mean_ns;
    double mu, sigma; /* lognormal parameters of ln(X), X in ns */
};

/* Field values accepted for "dist" (schema enum), NULL-terminated. */
extern const char *const hf_dist_kind_names[];

/* From a resolved {"dist", "mean_ms", "cv"} object. */
void hf_distribution_from_json(struct hf_distribution *d, const json_t *spec);
void hf_distribution_init(struct hf_distribution *d, enum hf_dist_kind kind, double mean_ns, double cv);
hf_time hf_distribution_draw(const struct hf_distribution *d, gsl_rng *rng);

#endif
