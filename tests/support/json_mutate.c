/* See json_mutate.h. */
#include "support/json_mutate.h"

#include <string.h>

static const char *const fragments[] = {
    "{", "}", "[", "]", ",", ":", "\"", "0", "-1", "1e309", "null", "true", "\"x\"", "{}", "[]",
    "\"station\"", "\"bursts\"", "\"policy\"", "\"fixed\"", "1.5", "\\u0000", "9223372036854775808",
    "\"pods\"", "\"behavior\"", "\"scaleUp\"", "\"Pending\"", "2147483648",
};

size_t hf_test_json_mutate(gsl_rng *rng, const char *seed_text, char *out, size_t cap)
{
    size_t len = strlen(seed_text);
    memcpy(out, seed_text, len);
    int edits = 1 + (int)gsl_rng_uniform_int(rng, 4);
    for (int e = 0; e < edits && len > 0; e++) {
        size_t at = gsl_rng_uniform_int(rng, len);
        switch (gsl_rng_uniform_int(rng, 4)) {
        case 0: /* flip a byte */
            out[at] = (char)gsl_rng_uniform_int(rng, 256);
            break;
        case 1: /* delete a span */
            {
                size_t n = 1 + gsl_rng_uniform_int(rng, 8);
                if (at + n > len)
                    n = len - at;
                memmove(out + at, out + at + n, len - at - n);
                len -= n;
            }
            break;
        case 2: /* insert a JSON fragment */
            {
                const char *f = fragments[gsl_rng_uniform_int(rng, sizeof fragments / sizeof *fragments)];
                size_t n = strlen(f);
                if (len + n < cap) {
                    memmove(out + at + n, out + at, len - at);
                    memcpy(out + at, f, n);
                    len += n;
                }
            }
            break;
        default: /* truncate */
            len = at;
            break;
        }
    }
    return len;
}
