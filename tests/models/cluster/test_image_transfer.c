/* Image provisioning (models/cluster/image_transfer.c): registry pulls sharing the registry, FaaSNet
 * function trees (shape, repair when a VM leaves, block streaming down the tree, containers that
 * start before the image is whole), against hand-computed times and as properties over random
 * joins and leaves. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "models/cluster/image_transfer.h"

#define S 1000000000LL

struct seen {
    hf_time usable_at[64][4]; /* [vm][function]; HF_TIME_NEVER until told */
    uint32_t told[64][4];
    struct hf_engine *engine;
};

static void on_usable(void *ctx, uint32_t vm, uint32_t function)
{
    struct seen *s = ctx;
    s->usable_at[vm][function] = hf_engine_now(s->engine);
    s->told[vm][function]++;
}

struct rig {
    struct hf_engine engine;
    struct hf_image_transfer *x;
    struct seen seen;
};

static void rig_init(struct rig *r, struct hf_image_transfer_config c)
{
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&r->engine, 1, "heap4", &err), "%s", err.message);
    memset(&r->seen, 0, sizeof r->seen);
    for (int v = 0; v < 64; v++)
        for (int f = 0; f < 4; f++)
            r->seen.usable_at[v][f] = HF_TIME_NEVER;
    r->seen.engine = &r->engine;
    struct hf_image_transfer_events ev = {&r->seen, on_usable};
    cr_assert(hf_image_transfer_create(&r->x, &r->engine, &c, &ev));
}

static void rig_fini(struct rig *r)
{
    hf_image_transfer_destroy(r->x);
    hf_engine_fini(&r->engine);
}

static struct hf_image_transfer_config config(enum hf_provisioning mode, uint32_t vms)
{
    return (struct hf_image_transfer_config){.mode = mode, .image_mib = 4, .block_mib = 1, .start_fraction = 1,
                                             .registry_mib_per_s = INFINITY, .vm_down_mib_per_s = 1,
                                             .vm_up_mib_per_s = 1, .vm_count = vms, .function_count = 4};
}

static double seconds(hf_time t) { return (double)t / S; }

Test(image_transfer, registry_pulls_share_the_registry)
{
    struct rig r;
    struct hf_image_transfer_config c = config(HF_PROVISION_REGISTRY, 8);
    c.image_mib = 100;
    c.vm_down_mib_per_s = 1000;
    c.registry_mib_per_s = 100;
    rig_init(&r, c);
    /* Four VMs at once: 25 MiB/s each, 4 s. */
    for (uint32_t v = 0; v < 4; v++)
        cr_assert(hf_image_transfer_fetch(r.x, v, 0));
    cr_assert_eq(hf_image_transfer_incoming(r.x, 0), 1);
    hf_engine_run_until(&r.engine, 1000 * S);
    for (uint32_t v = 0; v < 4; v++) {
        cr_assert_float_eq(seconds(r.seen.usable_at[v][0]), 4.0, 1e-8, "vm %u: %.9f s", v, seconds(r.seen.usable_at[v][0]));
        cr_assert_eq(r.seen.told[v][0], 1);
    }
    cr_assert_eq(hf_image_transfer_incoming(r.x, 0), 0);
    cr_assert_float_eq(hf_image_transfer_stats(r.x)->registry_mib, 400.0, 1e-9);
    cr_assert_float_eq(hf_image_transfer_stats(r.x)->peer_mib, 0.0, 1e-9);
    /* A VM that has the image is not fetched again. */
    cr_assert(hf_image_transfer_fetch(r.x, 0, 0));
    cr_assert_eq(hf_image_transfer_stats(r.x)->fetches, 4);
    rig_fini(&r);
}

Test(image_transfer, a_later_pull_slows_the_earlier_one)
{
    struct rig r;
    struct hf_image_transfer_config c = config(HF_PROVISION_REGISTRY, 2);
    c.image_mib = 100;
    c.vm_down_mib_per_s = 1000;
    c.registry_mib_per_s = 100;
    rig_init(&r, c);
    cr_assert(hf_image_transfer_fetch(r.x, 0, 0));
    hf_engine_run_until(&r.engine, S / 2); /* 50 MiB done alone */
    cr_assert(hf_image_transfer_fetch(r.x, 1, 0));
    hf_engine_run_until(&r.engine, 1000 * S);
    /* Then 50 MiB/s each: VM 0's last 50 MiB take 1 s (done at 1.5 s); VM 1 has 50 MiB then and
     * takes the rest at 100 MiB/s: 0.5 s more, done at 2 s. */
    cr_assert_float_eq(seconds(r.seen.usable_at[0][0]), 1.5, 1e-8, "%.9f", seconds(r.seen.usable_at[0][0]));
    cr_assert_float_eq(seconds(r.seen.usable_at[1][0]), 2.0, 1e-8, "%.9f", seconds(r.seen.usable_at[1][0]));
    rig_fini(&r);
}

Test(image_transfer, registry_containers_start_after_the_needed_fraction)
{
    struct rig r;
    struct hf_image_transfer_config c = config(HF_PROVISION_REGISTRY, 1);
    c.image_mib = 100;
    c.vm_down_mib_per_s = 50;
    c.start_fraction = 0.25;
    rig_init(&r, c);
    cr_assert(hf_image_transfer_fetch(r.x, 0, 0));
    hf_engine_run_until(&r.engine, 1000 * S);
    cr_assert_float_eq(seconds(r.seen.usable_at[0][0]), 0.5, 1e-8); /* 25 MiB at 50 MiB/s */
    cr_assert_eq(hf_image_transfer_blocks(r.x, 0, 0), 2, "the rest arrived after the start");
    cr_assert_float_eq(hf_image_transfer_stats(r.x)->registry_mib, 100.0, 1e-9);
    rig_fini(&r);
}

Test(image_transfer, tree_is_level_order_and_streams_blocks_down)
{
    struct rig r;
    rig_init(&r, config(HF_PROVISION_FUNCTION_TREE, 8));
    for (uint32_t v = 0; v < 3; v++)
        cr_assert(hf_image_transfer_fetch(r.x, v, 1));
    uint32_t vms[8];
    cr_assert_eq(hf_image_transfer_tree(r.x, 1, vms, 8), 3);
    cr_assert(vms[0] == 0 && vms[1] == 1 && vms[2] == 2);
    cr_assert_eq(hf_image_transfer_block_count(r.x), 4);
    /* The root pulls 4 blocks of 1 MiB at 1 MiB/s: block k at k s. Its upload (1 MiB/s) is shared
     * by its two children, 0.5 MiB/s each, and each waits for the root's block: block 1 from 1 to
     * 3 s, then 3-5, 5-7, 7-9. */
    hf_engine_run_until(&r.engine, 2 * S);
    cr_assert_eq(hf_image_transfer_blocks(r.x, 0, 1), 2);
    cr_assert_eq(hf_image_transfer_blocks(r.x, 1, 1), 0, "block 1 still streaming to the child");
    hf_engine_run_until(&r.engine, 1000 * S);
    cr_assert_float_eq(seconds(r.seen.usable_at[0][1]), 4.0, 1e-8);
    cr_assert_float_eq(seconds(r.seen.usable_at[1][1]), 9.0, 1e-8, "%.9f", seconds(r.seen.usable_at[1][1]));
    cr_assert_float_eq(seconds(r.seen.usable_at[2][1]), 9.0, 1e-8);
    const struct hf_image_transfer_stats *st = hf_image_transfer_stats(r.x);
    cr_assert_float_eq(st->registry_mib, 4.0, 1e-9, "only the root reads the registry");
    cr_assert_float_eq(st->peer_mib, 8.0, 1e-9);
    rig_fini(&r);
}

Test(image_transfer, containers_start_before_the_image_is_whole)
{
    struct rig r;
    struct hf_image_transfer_config c = config(HF_PROVISION_FUNCTION_TREE, 8);
    c.start_fraction = 0.5;
    rig_init(&r, c);
    for (uint32_t v = 0; v < 3; v++)
        cr_assert(hf_image_transfer_fetch(r.x, v, 0));
    hf_engine_run_until(&r.engine, 1000 * S);
    /* Two of four blocks: the root at 2 s, the children after their second block at 5 s. */
    cr_assert_float_eq(seconds(r.seen.usable_at[0][0]), 2.0, 1e-8);
    cr_assert_float_eq(seconds(r.seen.usable_at[1][0]), 5.0, 1e-8);
    cr_assert_eq(hf_image_transfer_blocks(r.x, 1, 0), 4, "and the rest streamed on");
    rig_fini(&r);
}

Test(image_transfer, a_leaving_vm_is_replaced_by_the_last)
{
    struct rig r;
    rig_init(&r, config(HF_PROVISION_FUNCTION_TREE, 8));
    for (uint32_t v = 0; v < 7; v++)
        cr_assert(hf_image_transfer_fetch(r.x, v, 0));
    hf_engine_run_until(&r.engine, 3 * S);
    hf_image_transfer_vm_gone(r.x, 1);
    uint32_t vms[8];
    cr_assert_eq(hf_image_transfer_tree(r.x, 0, vms, 8), 6);
    uint32_t expect[6] = {0, 6, 2, 3, 4, 5};
    for (int i = 0; i < 6; i++)
        cr_assert_eq(vms[i], expect[i], "position %d: vm %u", i, vms[i]);
    cr_assert_eq(hf_image_transfer_stats(r.x)->repairs, 1);
    cr_assert_eq(hf_image_transfer_blocks(r.x, 1, 0), 0, "the gone VM holds nothing");
    /* The root leaves too: the last (5) becomes the root and reads the registry. */
    hf_image_transfer_vm_gone(r.x, 0);
    cr_assert_eq(hf_image_transfer_tree(r.x, 0, vms, 8), 5);
    cr_assert_eq(vms[0], 5);
    hf_engine_run_until(&r.engine, 1000 * S);
    for (uint32_t v = 2; v < 7; v++)
        cr_assert_eq(hf_image_transfer_blocks(r.x, v, 0), 4, "vm %u completes after the repairs", v);
    cr_assert_eq(r.seen.told[1][0], 0, "vm 1 left before it could start anything");
    rig_fini(&r);
}

/* Time until every VM can start, for n VMs fetching at once. */
static double all_usable_s(enum hf_provisioning mode, uint32_t n)
{
    struct rig r;
    struct hf_image_transfer_config c = config(mode, n);
    c.image_mib = 64;
    c.block_mib = 1;
    c.registry_mib_per_s = 8;
    c.vm_down_mib_per_s = c.vm_up_mib_per_s = 8;
    rig_init(&r, c);
    for (uint32_t v = 0; v < n; v++)
        cr_assert(hf_image_transfer_fetch(r.x, v, 0));
    hf_engine_run_until(&r.engine, 100000 * S);
    hf_time last = 0;
    for (uint32_t v = 0; v < n && v < 64; v++)
        last = r.seen.usable_at[v][0] > last ? r.seen.usable_at[v][0] : last;
    rig_fini(&r);
    return seconds(last);
}

Test(image_transfer, tree_time_grows_with_depth_registry_time_with_vms)
{
    /* The registry (8 MiB/s) serves n pulls of 64 MiB: 8n s. The tree: the root at the registry's
     * pace, then every level adds one block at half an upload (0.25 s at 4 MiB/s) behind a stream
     * at 4 MiB/s: 16 s + 0.25 s per level, give or take a block. */
    double reg16 = all_usable_s(HF_PROVISION_REGISTRY, 16), reg32 = all_usable_s(HF_PROVISION_REGISTRY, 32);
    cr_assert_float_eq(reg16, 128.0, 1e-6, "%.6f", reg16);
    cr_assert_float_eq(reg32, 256.0, 1e-6, "%.6f", reg32);
    double t16 = all_usable_s(HF_PROVISION_FUNCTION_TREE, 16), t32 = all_usable_s(HF_PROVISION_FUNCTION_TREE, 32);
    double t63 = all_usable_s(HF_PROVISION_FUNCTION_TREE, 63);
    cr_assert(t16 > 16.0 && t16 < 16.0 + 5 * 0.25 + 0.5, "16 VMs (4 levels below the root): %.3f s", t16);
    cr_assert(t32 > t16 && t32 - t16 <= 0.25 + 1e-6, "one level more adds a block: %.3f -> %.3f s", t16, t32);
    cr_assert(t63 - t32 <= 0.25 + 1e-6, "and no more for a full level: %.3f -> %.3f s", t32, t63);
}

/* Property: random joins and leaves over several functions; after the run every VM still in a tree
 * holds the whole image, each was told once at most, the trees stay complete (level order without
 * gaps: only the count is stored, so check that every member is a live fetcher), and without leaves
 * the bytes add up exactly. */
Test(image_transfer, random_joins_and_leaves_complete)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    for (int round = 0; round < 60; round++) {
        gsl_rng_set(rng, (unsigned long)round + 1);
        struct rig r;
        struct hf_image_transfer_config c = config(round % 3 ? HF_PROVISION_FUNCTION_TREE : HF_PROVISION_REGISTRY, 40);
        c.image_mib = 1 + gsl_rng_uniform(rng) * 20;
        c.block_mib = 0.5 + gsl_rng_uniform(rng) * 4;
        c.start_fraction = 0.1 + 0.9 * gsl_rng_uniform(rng);
        c.registry_mib_per_s = round % 2 ? INFINITY : 5 + gsl_rng_uniform(rng) * 50;
        c.vm_down_mib_per_s = 1 + gsl_rng_uniform(rng) * 20;
        c.vm_up_mib_per_s = 1 + gsl_rng_uniform(rng) * 20;
        rig_init(&r, c);
        bool fetched[40][4] = {{false}};
        bool leaves = round % 4 != 0;
        uint32_t fetches = 0;
        for (int step = 0; step < 120; step++) {
            uint32_t v = (uint32_t)gsl_rng_uniform_int(rng, 40), f = (uint32_t)gsl_rng_uniform_int(rng, 4);
            if (leaves && gsl_rng_uniform(rng) < 0.15) {
                hf_image_transfer_vm_gone(r.x, v);
                for (int k = 0; k < 4; k++)
                    fetched[v][k] = false;
            } else if (!fetched[v][f]) {
                cr_assert(hf_image_transfer_fetch(r.x, v, f));
                fetched[v][f] = true;
                fetches++;
            }
            hf_engine_run_until(&r.engine, hf_engine_now(&r.engine) + (hf_time)(gsl_rng_uniform(rng) * 2 * S));
        }
        hf_engine_run_until(&r.engine, hf_engine_now(&r.engine) + 1000000 * S);
        cr_assert(hf_engine_idle(&r.engine), "round %d: nothing left to transfer", round);
        uint32_t holders = 0;
        for (uint32_t v = 0; v < 40; v++)
            for (uint32_t f = 0; f < 4; f++) {
                if (!fetched[v][f])
                    continue;
                holders++;
                cr_assert_eq(hf_image_transfer_blocks(r.x, v, f), hf_image_transfer_block_count(r.x),
                             "round %d: vm %u function %u complete", round, v, f);
                cr_assert_geq(r.seen.told[v][f], 1, "round %d: vm %u function %u told", round, v, f);
                cr_assert_eq(hf_image_transfer_incoming(r.x, v), 0);
            }
        for (uint32_t f = 0; f < 4 && c.mode == HF_PROVISION_FUNCTION_TREE; f++) {
            uint32_t vms[160], n = hf_image_transfer_tree(r.x, f, vms, 160), members = 0;
            for (uint32_t i = 0; i < n; i++)
                cr_assert(fetched[vms[i]][f], "round %d: tree %u holds only live fetchers", round, f);
            for (uint32_t v = 0; v < 40; v++)
                members += fetched[v][f];
            cr_assert_eq(n, members, "round %d: tree %u holds every fetcher", round, f);
        }
        const struct hf_image_transfer_stats *st = hf_image_transfer_stats(r.x);
        double carried = st->registry_mib + st->peer_mib;
        if (!leaves)
            cr_assert_float_eq(carried, holders * c.image_mib, 1e-6 * holders * c.image_mib,
                               "round %d: %.6f MiB carried for %u images", round, carried, holders);
        else
            cr_assert_geq(carried + 1e-6, holders * c.image_mib, "round %d", round);
        cr_assert_eq(st->fetches, fetches);
        rig_fini(&r);
    }
    gsl_rng_free(rng);
}
