/* Function names to indices, for the trace readers' per-row lookups: an open-addressing hash table
 * (a word-at-a-time hash, linear probing, at most half full). A JSON object served as this map before; its hashing
 * and allocation were 45 % of a CSV replay without a model.
 *
 * Ownership: the index keeps the key pointers it is given, not copies: each key must outlive the
 * index (the trace's function names do). Errors: insert returns false when out of memory. */
#ifndef HF_NAME_INDEX_H
#define HF_NAME_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hf_name_index {
    const char **keys; /* NULL: an empty slot */
    uint64_t *hashes;
    size_t *lengths; /* strlen of each key: lookups compare lengths, then bytes */
    uint32_t *values;
    size_t cap, count;
};

void hf_name_index_init(struct hf_name_index *ix);
void hf_name_index_fini(struct hf_name_index *ix);
/* The value of `key`, or -1 when absent. */
int64_t hf_name_index_find(const struct hf_name_index *ix, const char *key);
/* The same for the `len` bytes at `key` (no NUL needed): the readers know each field's length. */
int64_t hf_name_index_find_n(const struct hf_name_index *ix, const char *key, size_t len);
/* Adds `key` (not present yet) with `value`. */
bool hf_name_index_insert(struct hf_name_index *ix, const char *key, uint32_t value);

#endif
