#include "app/bench_plain_heap.h"

#include <stdlib.h>

#include "sim/wallclock.h"

struct plain_entry {
    double time;
    uint32_t id;
};

struct plain_heap {
    struct plain_entry *a;
    uint64_t n;
};

static void plain_push(struct plain_heap *h, struct plain_entry e)
{
    uint64_t i = h->n++;
    while (i > 0) {
        uint64_t parent = (i - 1) / 4;
        if (h->a[parent].time <= e.time)
            break;
        h->a[i] = h->a[parent];
        i = parent;
    }
    h->a[i] = e;
}

static struct plain_entry plain_pop(struct plain_heap *h)
{
    struct plain_entry top = h->a[0], last = h->a[--h->n];
    uint64_t i = 0;
    for (;;) {
        uint64_t first = 4 * i + 1;
        if (first >= h->n)
            break;
        uint64_t best = first, end = first + 4 < h->n ? first + 4 : h->n;
        for (uint64_t c = first + 1; c < end; c++)
            if (h->a[c].time < h->a[best].time)
                best = c;
        if (last.time <= h->a[best].time)
            break;
        h->a[i] = h->a[best];
        i = best;
    }
    h->a[i] = last;
    return top;
}

bool hf_bench_plain_hold(uint64_t pending, uint64_t holds, const int64_t *inc, uint64_t count,
                         struct hf_bench_hold *out)
{
    struct plain_heap h = {malloc(pending * sizeof *h.a), 0};
    if (!h.a)
        return false;
    uint64_t mask = count - 1;
    for (uint64_t i = 0; i < pending; i++)
        plain_push(&h, (struct plain_entry){(double)(inc[i & mask] * (int64_t)(i % 7 + 1)), (uint32_t)i});
    uint64_t warm = pending < 1000000 ? pending : 1000000;
    for (uint64_t i = 0; i < warm; i++) {
        struct plain_entry e = plain_pop(&h);
        e.time += (double)inc[(i * 7) & mask];
        plain_push(&h, e);
    }
    double start = hf_wall_seconds();
    for (uint64_t i = 0; i < holds; i++) {
        struct plain_entry e = plain_pop(&h);
        e.time += (double)inc[i & mask];
        plain_push(&h, e);
    }
    out->seconds = hf_wall_seconds() - start;
    out->holds_per_s = out->seconds > 0 ? (double)holds / out->seconds : 0;
    free(h.a);
    return true;
}
