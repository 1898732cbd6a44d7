#include "models/cluster/image_transfer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const hf_provisioning_names[] = {"registry", "function-tree", NULL};

#define NONE UINT32_MAX
#define REGISTRY 0u /* endpoint 0; VM v's upload is 1 + 2v, its download 2 + 2v */

static uint32_t up_end(uint32_t vm) { return 1 + 2 * vm; }
static uint32_t down_end(uint32_t vm) { return 2 + 2 * vm; }

/* One end of transfers: the registry, or a VM's upload or download link. */
struct endpoint {
    double capacity; /* MiB/s; INFINITY: no limit */
    uint32_t *flows, count, cap;
};

struct flow {
    uint32_t src, dst;         /* endpoints */
    uint32_t src_pos, dst_pos; /* its index in each endpoint's list */
    uint32_t node;             /* the receiving node */
    double remaining_mib, rate;
    hf_time updated;
    hf_event_handle done;
    uint32_t next_free;
};

/* A VM fetching (or holding) one function's image. */
struct node {
    uint32_t vm, function;
    uint32_t position; /* in its function's tree; NONE in registry mode */
    uint32_t have;     /* blocks received (registry mode: 0, the usable part, or both parts) */
    uint32_t inbound;  /* its running transfer, or NONE */
    bool usable_told;
};

struct tree {
    uint32_t *nodes, count, cap; /* level order */
};

struct hf_image_transfer {
    struct hf_engine *engine;
    struct hf_image_transfer_config config;
    struct hf_image_transfer_events events;
    struct hf_image_transfer_stats stats;
    uint32_t blocks;        /* function tree: image / block, rounded up; registry: 2 parts */
    uint32_t usable_blocks; /* blocks (or parts) after which containers may start */
    double part_mib[2];     /* registry mode: the usable part, then the rest */
    struct endpoint *ends;
    struct flow *flows;
    uint32_t flow_count, flow_cap, free_flow;
    struct node *nodes;
    uint32_t node_count, node_cap;
    /* (vm, function) -> node: open addressing, keys vm * function_count + function + 1 (0: empty) */
    uint64_t *keys;
    uint32_t *values;
    size_t map_cap, map_used; /* used counts tombstones too */
    struct tree *trees;       /* per function (function-tree mode) */
};

#define TOMBSTONE UINT64_MAX

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return h;
}

static uint64_t key_of(const struct hf_image_transfer *x, uint32_t vm, uint32_t function)
{
    return (uint64_t)vm * x->config.function_count + function + 1;
}

static uint32_t find_node(const struct hf_image_transfer *x, uint32_t vm, uint32_t function)
{
    if (x->map_cap == 0)
        return NONE;
    uint64_t key = key_of(x, vm, function);
    for (size_t i = mix(key) & (x->map_cap - 1);; i = (i + 1) & (x->map_cap - 1)) {
        if (x->keys[i] == 0)
            return NONE;
        if (x->keys[i] == key)
            return x->values[i];
    }
}

static bool map_put(struct hf_image_transfer *x, uint64_t key, uint32_t value);

static bool map_grow(struct hf_image_transfer *x)
{
    size_t old_cap = x->map_cap;
    uint64_t *old_keys = x->keys;
    uint32_t *old_values = x->values;
    x->map_cap = old_cap ? 2 * old_cap : 1024;
    x->keys = calloc(x->map_cap, sizeof *x->keys);
    x->values = malloc(x->map_cap * sizeof *x->values);
    x->map_used = 0;
    if (!x->keys || !x->values) {
        free(x->keys);
        free(x->values);
        x->keys = old_keys;
        x->values = old_values;
        x->map_cap = old_cap;
        return false;
    }
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i] != 0 && old_keys[i] != TOMBSTONE)
            map_put(x, old_keys[i], old_values[i]);
    free(old_keys);
    free(old_values);
    return true;
}

static bool map_put(struct hf_image_transfer *x, uint64_t key, uint32_t value)
{
    if (2 * (x->map_used + 1) > x->map_cap && !map_grow(x))
        return false;
    size_t i = mix(key) & (x->map_cap - 1);
    while (x->keys[i] != 0 && x->keys[i] != TOMBSTONE && x->keys[i] != key)
        i = (i + 1) & (x->map_cap - 1);
    if (x->keys[i] == 0)
        x->map_used++;
    x->keys[i] = key;
    x->values[i] = value;
    return true;
}

static void map_remove(struct hf_image_transfer *x, uint64_t key)
{
    if (x->map_cap == 0)
        return;
    for (size_t i = mix(key) & (x->map_cap - 1);; i = (i + 1) & (x->map_cap - 1)) {
        if (x->keys[i] == 0)
            return;
        if (x->keys[i] == key) {
            x->keys[i] = TOMBSTONE;
            return;
        }
    }
}

static bool push_u32(uint32_t **items, uint32_t *count, uint32_t *cap, uint32_t value)
{
    if (*count == *cap) {
        uint32_t grown_cap = *cap ? 2 * *cap : 4;
        uint32_t *grown = realloc(*items, grown_cap * sizeof *grown);
        if (!grown)
            return false;
        *items = grown;
        *cap = grown_cap;
    }
    (*items)[(*count)++] = value;
    return true;
}

/* ---- bandwidth sharing ---- */

static double share(const struct hf_image_transfer *x, uint32_t end)
{
    const struct endpoint *e = &x->ends[end];
    return e->count ? e->capacity / e->count : e->capacity;
}

static void on_flow_done(struct hf_engine *engine, void *ctx, uint64_t fi);

/* Brings the flow's progress up to now and sets its rate from its ends' current shares. */
static void rerate(struct hf_image_transfer *x, uint32_t fi)
{
    struct flow *f = &x->flows[fi];
    hf_time now = hf_engine_now(x->engine);
    f->remaining_mib -= f->rate * (double)(now - f->updated) / 1e9;
    if (f->remaining_mib < 0)
        f->remaining_mib = 0;
    f->updated = now;
    double rate = fmin(share(x, f->src), share(x, f->dst));
    if (rate == f->rate && f->done != HF_EVENT_NONE)
        return;
    f->rate = rate;
    if (f->done != HF_EVENT_NONE)
        hf_engine_cancel(x->engine, f->done);
    /* Rounded up, so that the transfer is whole when its event fires; a transfer too slow to end
     * within any run saturates far in the future (sim/time.h) instead of overflowing. */
    hf_time left = hf_time_from_ns(ceil(f->remaining_mib / rate * 1e9));
    f->done = hf_engine_at(x->engine, hf_time_add(now, left), on_flow_done, x, fi);
}

static void rerate_end(struct hf_image_transfer *x, uint32_t end)
{
    for (uint32_t i = 0; i < x->ends[end].count; i++)
        rerate(x, x->ends[end].flows[i]);
}

static bool end_add(struct hf_image_transfer *x, uint32_t end, uint32_t fi, uint32_t *pos)
{
    struct endpoint *e = &x->ends[end];
    *pos = e->count;
    return push_u32(&e->flows, &e->count, &e->cap, fi);
}

static void end_remove(struct hf_image_transfer *x, uint32_t end, uint32_t pos)
{
    struct endpoint *e = &x->ends[end];
    uint32_t moved = e->flows[--e->count];
    if (pos < e->count) {
        e->flows[pos] = moved;
        struct flow *m = &x->flows[moved];
        if (m->src == end && m->src_pos == e->count)
            m->src_pos = pos;
        else
            m->dst_pos = pos;
    }
}

static bool start_flow(struct hf_image_transfer *x, uint32_t src, uint32_t node, double mib)
{
    uint32_t fi;
    if (x->free_flow != NONE) {
        fi = x->free_flow;
        x->free_flow = x->flows[fi].next_free;
    } else {
        if (x->flow_count == x->flow_cap) {
            uint32_t cap = x->flow_cap ? 2 * x->flow_cap : 64;
            struct flow *grown = realloc(x->flows, cap * sizeof *grown);
            if (!grown)
                return false;
            x->flows = grown;
            x->flow_cap = cap;
        }
        fi = x->flow_count++;
    }
    struct node *n = &x->nodes[node];
    struct flow *f = &x->flows[fi];
    *f = (struct flow){.src = src, .dst = down_end(n->vm), .node = node, .remaining_mib = mib,
                       .updated = hf_engine_now(x->engine), .done = HF_EVENT_NONE, .next_free = NONE};
    if (!end_add(x, f->src, fi, &f->src_pos))
        return false;
    f = &x->flows[fi];
    if (!end_add(x, f->dst, fi, &f->dst_pos)) {
        end_remove(x, src, x->flows[fi].src_pos);
        return false;
    }
    n->inbound = fi;
    if (src == REGISTRY)
        x->stats.registry_mib += mib;
    else
        x->stats.peer_mib += mib;
    rerate_end(x, src);
    rerate_end(x, x->flows[fi].dst);
    return true;
}

/* Ends a flow (done or cut): off both ends, whose other transfers speed up. */
static void end_flow(struct hf_image_transfer *x, uint32_t fi, bool cut)
{
    struct flow *f = &x->flows[fi];
    uint32_t src = f->src, dst = f->dst;
    if (cut) {
        if (f->done != HF_EVENT_NONE)
            hf_engine_cancel(x->engine, f->done);
        /* What it did not carry was counted when it started. */
        double left = f->remaining_mib - f->rate * (double)(hf_engine_now(x->engine) - f->updated) / 1e9;
        if (left > 0) {
            if (src == REGISTRY)
                x->stats.registry_mib -= left;
            else
                x->stats.peer_mib -= left;
        }
    }
    end_remove(x, src, f->src_pos);
    end_remove(x, dst, x->flows[fi].dst_pos);
    x->nodes[x->flows[fi].node].inbound = NONE;
    x->flows[fi].next_free = x->free_flow;
    x->free_flow = fi;
    rerate_end(x, src);
    rerate_end(x, dst);
}

/* ---- what a node fetches next ---- */

static double block_mib(const struct hf_image_transfer *x, uint32_t block)
{
    if (x->config.mode == HF_PROVISION_REGISTRY)
        return x->part_mib[block];
    double from = block * x->config.block_mib;
    return fmin(x->config.block_mib, x->config.image_mib - from);
}

/* The node's parent in its tree, or NONE for the root (which fetches from the registry). */
static uint32_t parent_of(const struct hf_image_transfer *x, const struct node *n)
{
    if (n->position == NONE || n->position == 0)
        return NONE;
    return x->trees[n->function].nodes[(n->position - 1) / 2];
}

/* Starts the node's next block when its source has it and nothing is running into it. */
static void pump(struct hf_image_transfer *x, uint32_t node)
{
    struct node *n = &x->nodes[node];
    if (n->inbound != NONE || n->have >= x->blocks)
        return;
    uint32_t parent = parent_of(x, n);
    uint32_t src = REGISTRY;
    if (parent != NONE) {
        if (x->nodes[parent].have <= n->have)
            return; /* it waits: the parent pumps it when the block arrives */
        src = up_end(x->nodes[parent].vm);
    }
    /* Out of memory here leaves the node waiting; the next change pumps it again. */
    (void)start_flow(x, src, node, block_mib(x, n->have));
}

static void pump_children(struct hf_image_transfer *x, uint32_t node)
{
    const struct node *n = &x->nodes[node];
    if (n->position == NONE)
        return;
    const struct tree *t = &x->trees[n->function];
    for (uint32_t c = 2 * n->position + 1; c <= 2 * n->position + 2 && c < t->count; c++)
        pump(x, t->nodes[c]);
}

static void tell_usable(struct hf_image_transfer *x, uint32_t node)
{
    struct node *n = &x->nodes[node];
    if (n->usable_told || n->have < x->usable_blocks)
        return;
    n->usable_told = true;
    x->events.usable(x->events.ctx, n->vm, n->function);
}

static void on_flow_done(struct hf_engine *engine, void *ctx, uint64_t fi)
{
    (void)engine;
    struct hf_image_transfer *x = ctx;
    x->flows[fi].done = HF_EVENT_NONE;
    uint32_t node = x->flows[fi].node;
    end_flow(x, (uint32_t)fi, false);
    x->nodes[node].have++;
    pump(x, node);
    pump_children(x, node);
    tell_usable(x, node); /* last: the callback may start containers, and fetches */
}

/* An image of no bytes is usable at once, but still from an event; `key` names (vm, function), as
 * the node may have gone (its VM left) or moved in the pool meanwhile. */
static void on_empty_image(struct hf_engine *engine, void *ctx, uint64_t key)
{
    (void)engine;
    struct hf_image_transfer *x = ctx;
    uint32_t function = (uint32_t)((key - 1) % x->config.function_count);
    uint32_t node = find_node(x, (uint32_t)((key - 1) / x->config.function_count), function);
    if (node != NONE)
        tell_usable(x, node);
}

/* ---- public ---- */

bool hf_image_transfer_fetch(struct hf_image_transfer *x, uint32_t vm, uint32_t function)
{
    if (find_node(x, vm, function) != NONE)
        return true;
    if (x->node_count == x->node_cap) {
        uint32_t cap = x->node_cap ? 2 * x->node_cap : 64;
        struct node *grown = realloc(x->nodes, cap * sizeof *grown);
        if (!grown)
            return false;
        x->nodes = grown;
        x->node_cap = cap;
    }
    uint32_t node = x->node_count;
    if (!map_put(x, key_of(x, vm, function), node))
        return false;
    x->node_count++;
    x->nodes[node] = (struct node){.vm = vm, .function = function, .position = NONE, .inbound = NONE};
    x->stats.fetches++;
    if (x->config.mode == HF_PROVISION_FUNCTION_TREE) {
        struct tree *t = &x->trees[function];
        x->nodes[node].position = t->count;
        if (!push_u32(&t->nodes, &t->count, &t->cap, node))
            return false;
    }
    if (x->blocks == 0)
        return hf_engine_after(x->engine, 0, on_empty_image, x, key_of(x, vm, function)) != HF_EVENT_NONE;
    pump(x, node);
    return true;
}

/* Takes the node out of its tree: the last node moves into its place, and the transfers into the
 * moved node and into the children of both places restart from their new parents. */
static void leave_tree(struct hf_image_transfer *x, uint32_t node)
{
    struct node *n = &x->nodes[node];
    struct tree *t = &x->trees[n->function];
    uint32_t pos = n->position, last = t->nodes[t->count - 1];
    /* Cut what streams out of the leaving node to its children. */
    for (uint32_t c = 2 * pos + 1; c <= 2 * pos + 2 && c < t->count; c++) {
        struct node *child = &x->nodes[t->nodes[c]];
        if (child->inbound != NONE)
            end_flow(x, child->inbound, true);
    }
    t->count--;
    if (last != node) {
        struct node *moved = &x->nodes[last];
        if (moved->inbound != NONE)
            end_flow(x, moved->inbound, true);
        t->nodes[pos] = last;
        moved->position = pos;
        x->stats.repairs++;
        pump(x, last);
        pump_children(x, last);
    }
}

/* Removes node `node` from the pool, moving the last node into its index. */
static void drop_node(struct hf_image_transfer *x, uint32_t node)
{
    struct node *n = &x->nodes[node];
    map_remove(x, key_of(x, n->vm, n->function));
    uint32_t last = --x->node_count;
    if (node == last)
        return;
    x->nodes[node] = x->nodes[last];
    struct node *m = &x->nodes[node];
    uint64_t key = key_of(x, m->vm, m->function);
    for (size_t i = mix(key) & (x->map_cap - 1);; i = (i + 1) & (x->map_cap - 1))
        if (x->keys[i] == key) {
            x->values[i] = node;
            break;
        }
    if (m->inbound != NONE)
        x->flows[m->inbound].node = node;
    if (m->position != NONE)
        x->trees[m->function].nodes[m->position] = node;
}

void hf_image_transfer_vm_gone(struct hf_image_transfer *x, uint32_t vm)
{
    for (uint32_t i = x->node_count; i-- > 0;) {
        if (x->nodes[i].vm != vm)
            continue;
        if (x->nodes[i].inbound != NONE)
            end_flow(x, x->nodes[i].inbound, true);
        if (x->nodes[i].position != NONE)
            leave_tree(x, i);
        drop_node(x, i);
    }
}

void hf_image_transfer_running(const struct hf_image_transfer *x, hf_time now, double *registry_mib, double *peer_mib)
{
    *registry_mib = *peer_mib = 0;
    for (uint32_t v = 0; v < x->config.vm_count; v++) {
        /* every transfer ends at exactly one download link: count each there once */
        uint32_t e = down_end(v);
        for (uint32_t i = 0; i < x->ends[e].count; i++) {
            const struct flow *f = &x->flows[x->ends[e].flows[i]];
            double left = f->remaining_mib - f->rate * (double)(now - f->updated) / 1e9;
            if (left > 0)
                *(f->src == REGISTRY ? registry_mib : peer_mib) += left;
        }
    }
}

uint32_t hf_image_transfer_incoming(const struct hf_image_transfer *x, uint32_t vm)
{
    return x->ends[down_end(vm)].count;
}

const struct hf_image_transfer_stats *hf_image_transfer_stats(const struct hf_image_transfer *x)
{
    return &x->stats;
}

uint32_t hf_image_transfer_tree(const struct hf_image_transfer *x, uint32_t function, uint32_t *vms, uint32_t cap)
{
    if (!x->trees || function >= x->config.function_count)
        return 0;
    const struct tree *t = &x->trees[function];
    for (uint32_t i = 0; i < t->count && i < cap; i++)
        vms[i] = x->nodes[t->nodes[i]].vm;
    return t->count;
}

uint32_t hf_image_transfer_blocks(const struct hf_image_transfer *x, uint32_t vm, uint32_t function)
{
    uint32_t node = find_node(x, vm, function);
    return node == NONE ? 0 : x->nodes[node].have;
}

uint32_t hf_image_transfer_block_count(const struct hf_image_transfer *x) { return x->blocks; }

bool hf_image_transfer_create(struct hf_image_transfer **out, struct hf_engine *engine,
                              const struct hf_image_transfer_config *config,
                              const struct hf_image_transfer_events *events)
{
    *out = NULL;
    struct hf_image_transfer *x = calloc(1, sizeof *x);
    if (!x)
        return false;
    x->engine = engine;
    x->config = *config;
    x->events = *events;
    x->free_flow = NONE;
    double image = config->image_mib > 0 ? config->image_mib : 0;
    if (image == 0) {
        x->blocks = x->usable_blocks = 0;
    } else if (config->mode == HF_PROVISION_REGISTRY) {
        /* Two parts: what a container needs to start, then the rest (none when it needs it all). */
        x->part_mib[0] = image * config->start_fraction;
        x->part_mib[1] = image - x->part_mib[0];
        x->blocks = x->part_mib[1] > 0 ? 2 : 1;
        x->usable_blocks = 1;
    } else {
        x->blocks = (uint32_t)ceil(image / config->block_mib);
        x->usable_blocks = (uint32_t)ceil(config->start_fraction * x->blocks);
        if (x->usable_blocks == 0)
            x->usable_blocks = 1;
    }
    x->ends = calloc(1 + 2 * (size_t)config->vm_count, sizeof *x->ends);
    if (config->mode == HF_PROVISION_FUNCTION_TREE)
        x->trees = calloc(config->function_count ? config->function_count : 1, sizeof *x->trees);
    if (!x->ends || (config->mode == HF_PROVISION_FUNCTION_TREE && !x->trees)) {
        hf_image_transfer_destroy(x);
        return false;
    }
    x->ends[REGISTRY].capacity = config->registry_mib_per_s;
    for (uint32_t v = 0; v < config->vm_count; v++) {
        x->ends[up_end(v)].capacity = config->vm_up_mib_per_s;
        x->ends[down_end(v)].capacity = config->vm_down_mib_per_s;
    }
    *out = x;
    return true;
}

void hf_image_transfer_destroy(struct hf_image_transfer *x)
{
    if (!x)
        return;
    if (x->ends)
        for (uint32_t e = 0; e < 1 + 2 * x->config.vm_count; e++)
            free(x->ends[e].flows);
    if (x->trees)
        for (uint32_t f = 0; f < x->config.function_count; f++)
            free(x->trees[f].nodes);
    free(x->ends);
    free(x->trees);
    free(x->flows);
    free(x->nodes);
    free(x->keys);
    free(x->values);
    free(x);
}
