#include "models/cluster/isolates.h"

#include <stdlib.h>

bool hf_isolates_init(struct hf_isolate_table *t, uint32_t cap)
{
    t->items = malloc((cap ? cap : 1) * sizeof *t->items);
    t->count = 0;
    t->cap = cap;
    return t->items != NULL;
}

void hf_isolates_fini(struct hf_isolate_table *t)
{
    free(t->items);
    t->items = NULL;
    t->count = t->cap = 0;
}

void hf_isolates_clear(struct hf_isolate_table *t) { t->count = 0; }

static struct hf_isolate *find(struct hf_isolate_table *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->count; i++)
        if (t->items[i].id == id)
            return &t->items[i];
    return NULL;
}

bool hf_isolates_has(const struct hf_isolate_table *t, uint32_t id)
{
    for (uint32_t i = 0; i < t->count; i++)
        if (t->items[i].id == id)
            return true;
    return false;
}

enum hf_isolate_use hf_isolates_begin(struct hf_isolate_table *t, uint32_t id)
{
    struct hf_isolate *found = find(t, id);
    if (found) {
        found->in_flight++;
        found->idle_since = HF_TIME_NEVER;
        return HF_ISOLATE_WARM;
    }
    enum hf_isolate_use use = HF_ISOLATE_STARTED;
    struct hf_isolate *slot = NULL;
    if (t->count < t->cap) {
        slot = &t->items[t->count++];
    } else {
        /* Evict the isolate idle the longest (ties: the first in the table, deterministic). */
        for (uint32_t i = 0; i < t->count; i++)
            if (t->items[i].in_flight == 0 && (!slot || t->items[i].idle_since < slot->idle_since))
                slot = &t->items[i];
        if (!slot)
            return HF_ISOLATE_FULL;
        use = HF_ISOLATE_EVICTED;
    }
    *slot = (struct hf_isolate){id, 1, HF_TIME_NEVER};
    return use;
}

uint32_t hf_isolates_pinned(const struct hf_isolate_table *t, uint32_t keep)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < t->count; i++)
        n += t->items[i].in_flight > 0 || t->items[i].id == keep;
    return n;
}

bool hf_isolates_evict_idle(struct hf_isolate_table *t, uint32_t keep)
{
    uint32_t victim = UINT32_MAX;
    for (uint32_t i = 0; i < t->count; i++)
        if (t->items[i].in_flight == 0 && t->items[i].id != keep &&
            (victim == UINT32_MAX || t->items[i].idle_since < t->items[victim].idle_since))
            victim = i;
    if (victim == UINT32_MAX)
        return false;
    t->items[victim] = t->items[--t->count];
    return true;
}

void hf_isolates_end(struct hf_isolate_table *t, uint32_t id, hf_time now)
{
    struct hf_isolate *found = find(t, id);
    if (found && found->in_flight > 0 && --found->in_flight == 0)
        found->idle_since = now;
}

uint32_t hf_isolates_expire(struct hf_isolate_table *t, hf_time now, hf_time keep, double *expired_ns)
{
    uint32_t dropped = 0;
    for (uint32_t i = 0; i < t->count;) {
        const struct hf_isolate *s = &t->items[i];
        if (s->in_flight == 0 && s->idle_since != HF_TIME_NEVER && now - s->idle_since >= keep) {
            *expired_ns += (double)(now - (s->idle_since + keep));
            t->items[i] = t->items[--t->count]; /* order does not matter: eviction compares times */
            dropped++;
        } else {
            i++;
        }
    }
    return dropped;
}
