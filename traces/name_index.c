#include "traces/name_index.h"

#include <stdlib.h>
#include <string.h>

static inline uint64_t mix_word(uint64_t h, const char *s)
{
    uint64_t w;
    memcpy(&w, s, 8);
    h = (h ^ w) * UINT64_C(0xff51afd7ed558ccd);
    return h ^ (h >> 29);
}

/* Eight bytes at a time (Azure names are 64-character hashes: byte-at-a-time FNV was slower than
 * the JSON object it replaced), then murmur3's finalizer so that the low bits, which pick the slot,
 * depend on every byte hashed. A long name (Azure 2019's owner/app/function is 194 bytes) is
 * hashed by its length and six words, from its start, middle and end: its hash was a chain of 25
 * dependent multiplies, a sixth of reading a CSV trace. Names that differ only between those words
 * share a hash and are told apart by the length and byte comparison that follows. */
static uint64_t hash_name(const char *s, size_t n)
{
    uint64_t h = UINT64_C(0x9E3779B97F4A7C15) ^ n;
    if (n > 48) {
        const char *mid = s + n / 2 - 8;
        h = mix_word(h, s);
        h = mix_word(h, s + 8);
        h = mix_word(h, mid);
        h = mix_word(h, mid + 8);
        h = mix_word(h, s + n - 16);
        h = mix_word(h, s + n - 8);
    } else {
        for (; n >= 8; s += 8, n -= 8)
            h = mix_word(h, s);
        uint64_t tail = 0;
        memcpy(&tail, s, n);
        h ^= tail;
    }
    h *= UINT64_C(0xc4ceb9fe1a85ec53);
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

void hf_name_index_init(struct hf_name_index *ix) { memset(ix, 0, sizeof *ix); }

void hf_name_index_fini(struct hf_name_index *ix)
{
    free(ix->keys);
    free(ix->hashes);
    free(ix->lengths);
    free(ix->values);
    memset(ix, 0, sizeof *ix);
}

int64_t hf_name_index_find_n(const struct hf_name_index *ix, const char *key, size_t len)
{
    if (ix->cap == 0)
        return -1;
    uint64_t h = hash_name(key, len);
    for (size_t i = h & (ix->cap - 1);; i = (i + 1) & (ix->cap - 1)) {
        if (!ix->keys[i])
            return -1;
        if (ix->hashes[i] == h && ix->lengths[i] == len && memcmp(ix->keys[i], key, len) == 0)
            return ix->values[i];
    }
}

int64_t hf_name_index_find(const struct hf_name_index *ix, const char *key)
{
    return hf_name_index_find_n(ix, key, strlen(key));
}

static void place(struct hf_name_index *ix, const char *key, size_t len, uint64_t h, uint32_t value)
{
    size_t i = h & (ix->cap - 1);
    while (ix->keys[i])
        i = (i + 1) & (ix->cap - 1);
    ix->keys[i] = key;
    ix->hashes[i] = h;
    ix->lengths[i] = len;
    ix->values[i] = value;
}

static bool grow(struct hf_name_index *ix)
{
    size_t cap = ix->cap ? ix->cap * 2 : 1024;
    struct hf_name_index bigger = {calloc(cap, sizeof(char *)), malloc(cap * sizeof(uint64_t)),
                                   malloc(cap * sizeof(size_t)), malloc(cap * sizeof(uint32_t)), cap, ix->count};
    if (!bigger.keys || !bigger.hashes || !bigger.lengths || !bigger.values) {
        hf_name_index_fini(&bigger);
        return false;
    }
    for (size_t i = 0; i < ix->cap; i++)
        if (ix->keys[i])
            place(&bigger, ix->keys[i], ix->lengths[i], ix->hashes[i], ix->values[i]);
    hf_name_index_fini(ix);
    *ix = bigger;
    return true;
}

bool hf_name_index_insert(struct hf_name_index *ix, const char *key, uint32_t value)
{
    if (2 * (ix->count + 1) > ix->cap && !grow(ix))
        return false;
    size_t len = strlen(key);
    place(ix, key, len, hash_name(key, len), value);
    ix->count++;
    return true;
}
