#include "traces/quantile_curve.h"

bool hf_quantile_curve_set(struct hf_quantile_curve *c, const double *probabilities, const double *values,
                           int count)
{
    bool monotone = true;
    c->count = count;
    double running = values[0];
    for (int i = 0; i < count; i++) {
        if (values[i] < running)
            monotone = false;
        else
            running = values[i];
        c->p[i] = (float)probabilities[i];
        c->v[i] = (float)running;
    }
    return monotone;
}

double hf_quantile_curve_at(const struct hf_quantile_curve *c, double u)
{
    if (u <= c->p[0])
        return c->v[0];
    for (int i = 1; i < c->count; i++)
        if (u <= c->p[i]) {
            double span = (double)c->p[i] - (double)c->p[i - 1];
            double f = span > 0 ? (u - (double)c->p[i - 1]) / span : 1.0;
            return (double)c->v[i - 1] + f * ((double)c->v[i] - (double)c->v[i - 1]);
        }
    return c->v[c->count - 1];
}

double hf_quantile_curve_draw(const struct hf_quantile_curve *c, gsl_rng *rng)
{
    return hf_quantile_curve_at(c, gsl_rng_uniform(rng));
}
