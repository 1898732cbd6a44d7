/* Named random streams derived from one scenario seed.
 *
 * Each purpose (arrivals, service times, cold starts, placement, ...) draws from its own GSL
 * generator whose seed is a hash of (scenario seed, purpose name). Adding draws to one model
 * therefore never reshuffles another model's randomness, and two runs with the same seed draw
 * identical numbers whatever else changed.
 *
 * Ownership: the caller owns the returned generator and frees it with gsl_rng_free().
 * Errors: returns NULL only when out of memory. */
#ifndef HF_RNG_H
#define HF_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The 64-bit seed for a purpose: splitmix64 over FNV-1a(purpose) mixed with the scenario seed. */
uint64_t hf_rng_derive_seed(uint64_t scenario_seed, const char *purpose);

/* A new generator (MT19937) for the purpose. */
gsl_rng *hf_rng_stream(uint64_t scenario_seed, const char *purpose);

#endif
