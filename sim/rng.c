#include "sim/rng.h"

static uint64_t splitmix64(uint64_t x)
{
    x += UINT64_C(0x9E3779B97F4A7C15);
    x = (x ^ (x >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94D049BB133111EB);
    return x ^ (x >> 31);
}

uint64_t hf_rng_derive_seed(uint64_t scenario_seed, const char *purpose)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a offset basis */
    for (const unsigned char *p = (const unsigned char *)purpose; *p; p++)
        h = (h ^ *p) * UINT64_C(0x100000001b3);
    return splitmix64(splitmix64(scenario_seed) ^ h);
}

gsl_rng *hf_rng_stream(uint64_t scenario_seed, const char *purpose)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r)
        return NULL;
    /* gsl_rng_set takes an unsigned long; MT19937 uses its low 32 bits, so fold the high half in. */
    uint64_t s = hf_rng_derive_seed(scenario_seed, purpose);
    gsl_rng_set(r, (unsigned long)((s ^ (s >> 32)) & 0xffffffffu));
    return r;
}
