#include "models/cluster/ps_server.h"

#include <math.h>
#include <stdlib.h>

/* Finish tags within this many virtual ns of the clock count as done: next_finish rounds the real
 * time up to a whole ns, so a due request is never more than one ns of progress short. */
#define DONE_SLACK_NS 1e-3

static double per_request_rate(const struct hf_ps_server *s)
{
    if (s->count == 0)
        return 0.0;
    if (!s->contention)
        return 1.0;
    double share = s->cores / (double)s->count;
    return share < 1.0 ? share : 1.0;
}

bool hf_ps_init(struct hf_ps_server *s, double cores, uint32_t capacity)
{
    *s = (struct hf_ps_server){.cores = cores, .contention = true, .capacity = capacity, .owns_heap = true};
    s->heap = malloc((capacity ? capacity : 1) * sizeof *s->heap);
    return s->heap != NULL;
}

void hf_ps_init_in(struct hf_ps_server *s, double cores, uint32_t capacity, struct hf_ps_entry *storage)
{
    *s = (struct hf_ps_server){.cores = cores, .contention = true, .capacity = capacity, .heap = storage};
}

void hf_ps_fini(struct hf_ps_server *s)
{
    if (s->owns_heap)
        free(s->heap);
    s->heap = NULL;
}

void hf_ps_advance(struct hf_ps_server *s, hf_time now)
{
    if (now <= s->updated) {
        s->updated = now > s->updated ? now : s->updated;
        return;
    }
    double dt = (double)(now - s->updated);
    double rate = per_request_rate(s);
    s->vtime += dt * rate;
    s->busy_core_ns += dt * rate * (double)s->count;
    s->updated = now;
}

double hf_ps_busy_at(const struct hf_ps_server *s, hf_time now)
{
    if (now <= s->updated)
        return s->busy_core_ns;
    return s->busy_core_ns + (double)(now - s->updated) * per_request_rate(s) * (double)s->count;
}

static void sift_up(struct hf_ps_entry *h, uint32_t i)
{
    struct hf_ps_entry e = h[i];
    while (i > 0) {
        uint32_t parent = (i - 1) / 2;
        if (h[parent].finish_v <= e.finish_v)
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

static void sift_down(struct hf_ps_entry *h, uint32_t n, uint32_t i)
{
    struct hf_ps_entry e = h[i];
    for (;;) {
        uint32_t child = 2 * i + 1;
        if (child >= n)
            break;
        if (child + 1 < n && h[child + 1].finish_v < h[child].finish_v)
            child++;
        if (e.finish_v <= h[child].finish_v)
            break;
        h[i] = h[child];
        i = child;
    }
    h[i] = e;
}

bool hf_ps_add(struct hf_ps_server *s, hf_time now, double work, uint32_t slot)
{
    if (s->count == s->capacity)
        return false;
    hf_ps_advance(s, now);
    s->heap[s->count] = (struct hf_ps_entry){s->vtime + work, slot};
    sift_up(s->heap, s->count++);
    return true;
}

void hf_ps_set_cores(struct hf_ps_server *s, hf_time now, double cores)
{
    hf_ps_advance(s, now);
    s->cores = cores;
}

hf_time hf_ps_next_finish(const struct hf_ps_server *s)
{
    if (s->count == 0)
        return HF_TIME_NEVER;
    double remaining = s->heap[0].finish_v - s->vtime;
    double rate = per_request_rate(s);
    if (rate <= 0.0) /* stopped (a throttled quota): done only if it was done already */
        return remaining <= DONE_SLACK_NS ? s->updated : HF_TIME_NEVER;
    if (remaining <= 0.0)
        return s->updated;
    double dt = ceil(remaining / rate);
    return hf_time_add(s->updated, hf_time_from_ns(dt));
}

bool hf_ps_pop_done(struct hf_ps_server *s, uint32_t *slot)
{
    if (s->count == 0 || s->heap[0].finish_v > s->vtime + DONE_SLACK_NS)
        return false;
    *slot = s->heap[0].slot;
    s->heap[0] = s->heap[--s->count];
    if (s->count > 0)
        sift_down(s->heap, s->count, 0);
    else
        s->vtime = 0.0; /* empty: restart the virtual clock (see header) */
    return true;
}
