/* The name index (traces/name_index.h) against a plain list: random names, inserts and lookups of
 * present and absent names, through several growths. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "traces/name_index.h"

Test(name_index, finds_what_was_inserted_and_nothing_else)
{
    struct hf_name_index ix;
    hf_name_index_init(&ix);
    cr_assert_eq(hf_name_index_find(&ix, "a"), -1, "an empty index finds nothing");
    cr_assert(hf_name_index_insert(&ix, "a", 7));
    cr_assert(hf_name_index_insert(&ix, "", 8));
    cr_assert_eq(hf_name_index_find(&ix, "a"), 7);
    cr_assert_eq(hf_name_index_find(&ix, ""), 8);
    cr_assert_eq(hf_name_index_find(&ix, "b"), -1);
    hf_name_index_fini(&ix);
}

Test(name_index, property_matches_a_plain_list_through_growth)
{
    enum { N = 20000 };
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 3);
    char **names = calloc(N, sizeof *names);
    struct hf_name_index ix;
    hf_name_index_init(&ix);
    for (int i = 0; i < N; i++) {
        /* lengths 1-200 (Azure names are 64-character hashes joined by '/'), many sharing prefixes */
        size_t len = 1 + gsl_rng_uniform_int(rng, 200);
        names[i] = malloc(len + 64);
        size_t written = (size_t)snprintf(names[i], 64, "%s%d", i % 3 ? "app/shared-prefix/" : "", i);
        for (size_t k = written; k < len; k++)
            names[i][k] = (char)('a' + gsl_rng_uniform_int(rng, 26));
        names[i][len > written ? len : written] = '\0'; /* unique: the number, then random letters */
        cr_assert(hf_name_index_insert(&ix, names[i], (uint32_t)i));
        if (i % 997 == 0) /* everything inserted so far is still found, with its value */
            for (int j = 0; j <= i; j++)
                cr_assert_eq(hf_name_index_find(&ix, names[j]), j, "name %d after %d inserts", j, i + 1);
    }
    char absent[64];
    for (int i = 0; i < 5000; i++) {
        snprintf(absent, sizeof absent, "absent-%d", i);
        cr_assert_eq(hf_name_index_find(&ix, absent), -1);
    }
    cr_assert_eq(ix.count, N);
    hf_name_index_fini(&ix);
    for (int i = 0; i < N; i++)
        free(names[i]);
    free(names);
    gsl_rng_free(rng);
}

/* Long names are hashed by a few of their words: names that differ only between them all share one
 * hash, and are still told apart (by length and bytes); a prefix of a stored name is not found. */
Test(name_index, names_that_share_a_hash_are_told_apart)
{
    enum { N = 600 };
    static char names[N][101];
    struct hf_name_index ix;
    hf_name_index_init(&ix);
    for (int i = 0; i < N; i++) {
        memset(names[i], 'x', 100);
        names[i][100] = '\0';
        snprintf(names[i] + 25, 12, "%011d", i); /* bytes 25-35: between the hashed words */
        names[i][36] = 'x';
        cr_assert(hf_name_index_insert(&ix, names[i], (uint32_t)i));
    }
    for (int i = 0; i < N; i++) {
        cr_assert_eq(hf_name_index_find(&ix, names[i]), i);
        cr_assert_eq(hf_name_index_find_n(&ix, names[i], 99), -1, "a prefix is another name");
    }
    cr_assert_eq(hf_name_index_find_n(&ix, names[7], 100), 7, "find_n with the full length");
    hf_name_index_fini(&ix);
}
