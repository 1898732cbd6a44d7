/* A distribution given by a few of its percentiles, as the Azure 2019 trace publishes durations and
 * memory: the inverse CDF is the piecewise-linear curve through the (probability, value) points, so a
 * draw is the curve at a uniform u. Between the 25th and 50th percentile, for example, values spread
 * evenly; beyond the last given point nothing is drawn (p100 is the maximum).
 *
 * Values must be finite and >= 0. Published percentiles are rounded aggregates and are sometimes not
 * monotone (p1 a hair above p25); hf_quantile_curve_set takes the running maximum so the curve is a
 * valid inverse CDF, and reports whether it had to. Fixed size, owns nothing, copies by value. */
#ifndef HF_QUANTILE_CURVE_H
#define HF_QUANTILE_CURVE_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>

#define HF_QUANTILE_MAX_POINTS 10

struct hf_quantile_curve {
    int count;
    float p[HF_QUANTILE_MAX_POINTS]; /* strictly increasing in [0, 1] */
    float v[HF_QUANTILE_MAX_POINTS]; /* non-decreasing */
};

/* probabilities strictly increasing, from 0 to 1 inclusive, count in 2..HF_QUANTILE_MAX_POINTS.
 * Returns true when the values were already monotone. */
bool hf_quantile_curve_set(struct hf_quantile_curve *c, const double *probabilities, const double *values,
                           int count);
double hf_quantile_curve_at(const struct hf_quantile_curve *c, double u);
double hf_quantile_curve_draw(const struct hf_quantile_curve *c, gsl_rng *rng);

#endif
