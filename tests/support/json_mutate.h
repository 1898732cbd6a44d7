/* Test support: seeded mutation of JSON text for the parser fuzz tests (byte flips, deleted spans,
 * inserted JSON fragments, truncation). Writes at most `cap` bytes into `out` (not NUL-terminated)
 * and returns the length. Deterministic for a given rng state. */
#ifndef HF_TEST_JSON_MUTATE_H
#define HF_TEST_JSON_MUTATE_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

size_t hf_test_json_mutate(gsl_rng *rng, const char *seed_text, char *out, size_t cap);

#endif
