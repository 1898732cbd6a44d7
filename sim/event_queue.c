#include "sim/event_queue.h"

#include <string.h>

#include "sim/event_queue_impl.h"

struct queue_kind {
    const char *name;
    const struct hf_event_queue_ops *ops;
    void *(*create)(size_t capacity_hint);
};

static const struct queue_kind kinds[] = {
    {"heap4", &hf_heap4_ops, hf_heap4_create},
    {"heap2", &hf_heap2_ops, hf_heap2_create},
};

const char *const hf_event_queue_kinds[] = {"heap4", "heap2", NULL};

bool hf_event_queue_create(struct hf_event_queue *q, const char *kind, size_t capacity_hint)
{
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        if (strcmp(kinds[i].name, kind) != 0)
            continue;
        q->impl = kinds[i].create(capacity_hint);
        q->ops = q->impl ? kinds[i].ops : NULL;
        return q->impl != NULL;
    }
    q->ops = NULL;
    q->impl = NULL;
    return false;
}

void hf_event_queue_destroy(struct hf_event_queue *q)
{
    if (q->ops)
        q->ops->destroy(q->impl);
    q->ops = NULL;
    q->impl = NULL;
}
