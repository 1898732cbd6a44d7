/* Random durations: constant, exponential or lognormal, given by mean and coefficient of variation,
 * or empirical: a uniform draw from measured samples (a bootstrap of a measured distribution).
 *
 * The lognormal is parameterised by its mean m and CV c (not by mu/sigma), because published
 * measurements report those: sigma^2 = ln(1 + c^2), mu = ln(m) - sigma^2 / 2.
 * Draws are rounded to whole nanoseconds and never negative. */
#ifndef HF_DISTRIBUTION_H
#define HF_DISTRIBUTION_H

#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/error.h"

#include "sim/time.h"

enum hf_dist_kind { HF_DIST_CONSTANT, HF_DIST_EXPONENTIAL, HF_DIST_LOGNORMAL, HF_DIST_EMPIRICAL };

/* Samples an empirical distribution holds inline (so distributions copy by value, owning nothing). */
#define HF_DIST_MAX_SAMPLES 256

struct hf_distribution {
    enum hf_dist_kind kind;
    double mean_ns;
    double mu, sigma; /* lognormal parameters of ln(X), X in ns */
    uint32_t sample_count;
    double samples_ns[HF_DIST_MAX_SAMPLES];
};

/* Field values accepted for "dist" (schema enum), NULL-terminated. */
extern const char *const hf_dist_kind_names[];

/* From a resolved {"dist", "mean_ms", "cv", "samples_ms"} object, already checked by
 * hf_distribution_check (empirical: 1..HF_DIST_MAX_SAMPLES samples). */
void hf_distribution_from_json(struct hf_distribution *d, const json_t *spec);
void hf_distribution_init(struct hf_distribution *d, enum hf_dist_kind kind, double mean_ns, double cv);
hf_time hf_distribution_draw(const struct hf_distribution *d, gsl_rng *rng);

/* Checks what the schema cannot: an empirical distribution needs 1..HF_DIST_MAX_SAMPLES samples.
 * `path` names the object in messages ("$.workload.service"). */
bool hf_distribution_check(const json_t *spec, const char *path, struct hf_error *err);

#endif
