/* The cluster model's mechanics, driven directly: cold starts and image pulls, placement, pending
 * pods, fair CPU sharing on a VM, OOM, keep-alive, conservation; and its execution model against queueing theory (M/G/1-PS
 * insensitivity, M/G/1-FIFO Pollaczek-Khinchine) over long seeded runs. */
#include <criterion/criterion.h>
#include <math.h>
#include <string.h>

#include "app/run.h"
#include "app/scenario.h"
#include "models/cluster/cluster.h"
#include "sim/engine.h"
#include "sim/results.h"

struct bench {
    struct hf_engine engine;
    struct hf_cluster *cluster;
    struct hf_cluster_config config;
    hf_time work;
    uint32_t memory_mb;
    uint64_t next_id;
};

static void base_config(struct hf_cluster_config *c)
{
    memset(c, 0, sizeof *c);
    c->vm = (struct hf_vm_type){"test.2core", 2.0, 8192.0, 0.1};
    c->vm_count = 2;
    c->placement = HF_PLACE_FIRST_FIT;
    c->registry_mib_per_s = 100;
    c->function_count = 1;
    c->function = (struct hf_function_spec){.cpu_limit = 1, .cpu_request = 1, .memory_mib = 512,
                                            .base_memory_mib = 128, .concurrency = 4, .image_mib = 100};
    /* Deterministic stages: 100 + 200 + 300 ms. */
    hf_distribution_init(&c->function.cold_start.stage[HF_STAGE_SANDBOX], HF_DIST_CONSTANT, 100e6, 0);
    hf_distribution_init(&c->function.cold_start.stage[HF_STAGE_RUNTIME], HF_DIST_CONSTANT, 200e6, 0);
    hf_distribution_init(&c->function.cold_start.stage[HF_STAGE_FUNCTION_INIT], HF_DIST_CONSTANT, 300e6, 0);
    c->routing = HF_ROUTE_ROUND_ROBIN;
    c->queue_capacity = 1000;
    c->timeout = hf_time_from_s(30);
    c->metric_resolution = hf_time_from_s(15);
}

static void start(struct bench *b)
{
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&b->engine, 1, "heap4", &err), "%s", err.message);
    cr_assert(hf_cluster_create(&b->cluster, &b->engine, &b->config, &err), "%s", err.message);
    b->work = hf_time_from_ms(100);
    b->memory_mb = 16;
}

static void stop(struct bench *b)
{
    hf_cluster_destroy(b->cluster);
    hf_engine_fini(&b->engine);
}

static void on_arrival(struct hf_engine *engine, void *ctx, uint64_t function)
{
    struct bench *b = ctx;
    struct hf_invocation inv = {b->next_id++, hf_engine_now(engine), b->work, (uint32_t)function,
                                b->memory_mb, 0};
    hf_cluster_arrive(b->cluster, &inv);
}

static uint32_t pods(struct bench *b, struct hf_pod_view *v, uint32_t cap)
{
    struct hf_platform *p = hf_cluster_platform(b->cluster);
    return p->ops->pods(p->backend, 0, v, cap);
}

static uint32_t set_replicas(struct bench *b, uint32_t n)
{
    struct hf_platform *p = hf_cluster_platform(b->cluster);
    return p->ops->set_replicas(p->backend, 0, n);
}

Test(cluster, cold_start_is_pull_then_stages_and_the_image_is_pulled_once_per_vm)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.placement = HF_PLACE_FIRST_FIT;
    start(&b);
    cr_assert_eq(set_replicas(&b, 2), 2u);
    struct hf_pod_view v[4];
    cr_assert_eq(pods(&b, v, 4), 2u);
    cr_assert(v[0].scheduled && v[1].scheduled);
    cr_assert_eq(v[0].node, 0u, "first-fit fills VM 0 first");
    cr_assert_eq(v[1].node, 0u);
    cr_assert(!v[0].running && !v[0].ready, "pulling: Pending");
    /* One 100 MiB pull at 100 MiB/s = 1 s, shared by both containers; then 600 ms of stages. */
    hf_engine_run_until(&b.engine, hf_time_from_ms(1599));
    pods(&b, v, 4);
    cr_assert(!v[0].ready && v[0].running, "stages running after the pull");
    hf_engine_run_until(&b.engine, hf_time_from_ms(1601));
    pods(&b, v, 4);
    cr_assert(v[0].ready && v[1].ready);
    cr_assert_eq(v[0].ready_change, hf_time_from_ms(1600));
    /* A third container lands on VM 1 (VM 0 is full) and pulls there: ready 1.6 s later. */
    set_replicas(&b, 3);
    hf_time t3 = hf_engine_now(&b.engine);
    cr_assert_eq(pods(&b, v, 4), 3u);
    cr_assert_eq(v[2].node, 1u);
    hf_engine_run_until(&b.engine, t3 + hf_time_from_ms(1601));
    pods(&b, v, 4);
    cr_assert(v[2].ready);
    /* A fourth lands on VM 1 too, whose image is now cached: 600 ms. */
    set_replicas(&b, 4);
    hf_time t4 = hf_engine_now(&b.engine);
    hf_engine_run_until(&b.engine, t4 + hf_time_from_ms(601));
    pods(&b, v, 4);
    cr_assert(v[3].ready, "cached image: no pull");
    cr_assert_eq(hf_cluster_stats(b.cluster)->cold_starts, 4u);
    stop(&b);
}

Test(cluster, concurrent_pulls_share_the_registry_bandwidth)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.function_count = 2;
    b.config.vm_count = 1;
    start(&b);
    struct hf_platform *p = hf_cluster_platform(b.cluster);
    p->ops->set_replicas(p->backend, 0, 1);
    p->ops->set_replicas(p->backend, 1, 1);
    /* Two different 100 MiB images on one VM at 100 MiB/s: both pulls end at 2 s, ready at 2.6 s. */
    hf_engine_run_until(&b.engine, hf_time_from_ms(2599));
    struct hf_pod_view v[2];
    p->ops->pods(p->backend, 1, v, 2);
    cr_assert(!v[0].ready);
    hf_engine_run_until(&b.engine, hf_time_from_ms(2601));
    p->ops->pods(p->backend, 1, v, 2);
    cr_assert(v[0].ready);
    stop(&b);
}

/* The transfer model with the settings of the per-VM links (no registry limit, whole images, one
 * pull per VM) gives the same ready times as the links themselves. */
Test(cluster, registry_transfers_match_the_per_vm_links)
{
    for (int model = 0; model < 2; model++) {
        struct bench b = {0};
        base_config(&b.config);
        b.config.vm_count = 3;
        b.config.placement = HF_PLACE_SPREAD;
        if (model)
            b.config.function.image_start_fraction = 1 - 1e-12; /* turns the transfer model on */
        start(&b);
        set_replicas(&b, 3);
        hf_engine_run_until(&b.engine, hf_time_from_s(10));
        struct hf_pod_view v[3];
        cr_assert_eq(pods(&b, v, 3), 3u);
        for (int i = 0; i < 3; i++)
            cr_assert(llabs(v[i].ready_change - hf_time_from_ms(1600)) <= 1, "model %d pod %d: ready at %lld ns", model,
                      i, (long long)v[i].ready_change);
        stop(&b);
    }
}

/* FaaSNet on the cluster: 7 VMs, one container each, a 4 MiB image in 1 MiB blocks, 1 MiB/s links.
 * The root (VM 0) is ready after 4 s of pull and 0.6 s of stages; its children stream at 0.5 MiB/s
 * (their parent's upload is split two ways), each block 2 s, starting when the root has block 1
 * (1 s): done at 9 s. Theirs stream at the same pace one block (2 s) behind: 11 s. Then 0.6 s of
 * stages each. */
Test(cluster, function_tree_provisioning_ready_times_by_depth)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 7;
    b.config.placement = HF_PLACE_SPREAD;
    b.config.provisioning = HF_PROVISION_FUNCTION_TREE;
    b.config.registry_mib_per_s = 1;
    b.config.function.image_mib = 4;
    b.config.function.image_block_mib = 1;
    start(&b);
    set_replicas(&b, 7);
    hf_engine_run_until(&b.engine, hf_time_from_s(60));
    struct hf_pod_view v[7];
    cr_assert_eq(pods(&b, v, 7), 7u);
    for (int i = 0; i < 7; i++) {
        uint32_t vm = v[i].node;
        hf_time expect = vm == 0 ? hf_time_from_ms(4600) : vm <= 2 ? hf_time_from_ms(9600) : hf_time_from_ms(11600);
        cr_assert(llabs(v[i].ready_change - expect) <= 2, "pod on vm %u ready at %.6f s, expected %.1f s", vm,
                  hf_time_to_s(v[i].ready_change), hf_time_to_s(expect));
    }
    const struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    hf_cluster_account(b.cluster);
    cr_assert(st->images.reported);
    cr_assert_float_eq(st->images.registry_mib, 4.0, 1e-9, "only the root read the registry");
    cr_assert_float_eq(st->images.peer_mib, 24.0, 1e-9);
    cr_assert_eq(st->images.fetches, 7u);
    cr_assert(llabs(st->images.last_ready_at - hf_time_from_ms(11600)) <= 2);
    stop(&b);
}

static void arrive_isolate(struct bench *b, uint32_t isolate)
{
    struct hf_invocation inv = {b->next_id++, hf_engine_now(&b->engine), b->work, 0, b->memory_mb, isolate + 1};
    hf_cluster_arrive(b->cluster, &inv);
}

/* Hydra on the cluster: one runtime (ready at 1.6 s) serves two functions in isolates. Function A
 * arrives at 2 s (an isolate start: 100 ms of work + 50 ms of start, done at 2.15 s), B at 3 s (done
 * 3.15 s), A again at 4 s (warm: done 4.1 s). Each isolate is dropped 5 s after its last request:
 * A at 9.1 s, B at 8.15 s. Memory held: the runtime's 100 MiB from its placement at 0 to the end
 * (20 s), A's 10 MiB from 2 to 9.1 s, B's from 3 to 8.15 s, each request's while it runs. */
Test(cluster, isolates_start_in_a_warm_runtime_and_hold_memory_until_they_expire)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;
    b.config.function.concurrency = 2;
    b.config.function.isolates = (struct hf_isolate_config){.enabled = true, .runtime_memory_mib = 100,
                                                            .isolate_memory_mib = 10, .max_isolates = 2,
                                                            .start = hf_time_from_ms(50),
                                                            .keep_alive = hf_time_from_s(5)};
    start(&b);
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(2));
    arrive_isolate(&b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(3));
    arrive_isolate(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(4));
    arrive_isolate(&b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(20));
    hf_cluster_account(b.cluster);
    const struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    cr_assert_eq(st->ledger.completed, 3u);
    cr_assert_eq(st->cold_starts, 1u, "one runtime");
    cr_assert_eq(st->isolate_starts, 2u, "two isolates; the third request found A warm");
    cr_assert(st->isolates_reported);
    /* ... and each request its 16 MB while it runs: 0.15 + 0.15 + 0.1 s. */
    double expect = (100 * 20.0 + 10 * (9.1 - 2) + 10 * (8.15 - 3) + 16 * (0.15 + 0.15 + 0.1)) / 1024.0;
    cr_assert_float_eq(st->memory_gb_s, expect, 1e-9, "memory %.9f GiB-s, expected %.9f", st->memory_gb_s, expect);
    /* The latency of the first request paid the isolate start: 150 ms. */
    cr_assert_float_eq(hf_histogram_quantile(&st->latency, 1.0) / 1e6, 150.0, 1.0);
    stop(&b);
}

Test(cluster, spread_placement_and_pending_pods)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.placement = HF_PLACE_SPREAD;
    start(&b);
    set_replicas(&b, 5); /* 2 VMs x 2 cores, 1 core each: 4 fit */
    struct hf_pod_view v[8];
    cr_assert_eq(pods(&b, v, 8), 5u);
    cr_assert_eq(v[0].node, 0u);
    cr_assert_eq(v[1].node, 1u, "spread alternates VMs");
    cr_assert(!v[4].scheduled, "no room: Pending without a node");
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    set_replicas(&b, 4); /* the pending one goes first */
    cr_assert_eq(pods(&b, v, 8), 4u);
    for (int i = 0; i < 4; i++)
        cr_assert(v[i].scheduled && v[i].ready);
    set_replicas(&b, 3);
    set_replicas(&b, 4); /* the freed core is reused */
    cr_assert_eq(pods(&b, v, 8), 4u);
    cr_assert(v[3].scheduled);
    stop(&b);
}

Test(cluster, requests_wait_for_the_cold_start_then_run)
{
    struct bench b = {0};
    base_config(&b.config);
    start(&b);
    set_replicas(&b, 1);
    hf_engine_at(&b.engine, 0, on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(10));
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    cr_assert_eq(st->ledger.completed, 1u);
    cr_assert_eq(st->waited, 1u);
    /* 1 s pull + 0.6 s stages + 0.1 s work. */
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 1700u);
    stop(&b);
}

Test(cluster, memory_over_the_limit_fails_oom_and_everything_is_accounted)
{
    struct bench b = {0};
    base_config(&b.config);
    start(&b);
    b.memory_mb = 200; /* 384 MiB free per container: one fits, a second concurrent one does not */
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    for (int i = 0; i < 3; i++)
        hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(20));
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    cr_assert_eq(st->ledger.arrived, 3u);
    cr_assert_eq(st->ledger.completed, 1u);
    cr_assert_eq(st->ledger.failed[HF_FAIL_OOM], 2u);
    struct hf_error err;
    cr_assert(hf_ledger_check(&st->ledger, &err));
    stop(&b);
}

Test(cluster, keep_alive_scales_to_zero_and_back)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.keep_alive = hf_time_from_s(10);
    start(&b);
    hf_engine_at(&b.engine, 0, on_arrival, &b, 0); /* scale from zero */
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    struct hf_pod_view v[2];
    cr_assert_eq(pods(&b, v, 2), 1u);
    hf_engine_run_until(&b.engine, hf_time_from_s(11));
    cr_assert_eq(pods(&b, v, 2), 0u, "idle 10 s: scaled to zero");
    hf_engine_at(&b.engine, hf_time_from_s(12), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(15));
    cr_assert_eq(pods(&b, v, 2), 1u);
    cr_assert_eq(hf_cluster_stats(b.cluster)->ledger.completed, 2u);
    stop(&b);
}

Test(cluster, a_container_bigger_than_a_vm_is_a_clear_error)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.function.cpu_request = 3;
    b.config.function.cpu_limit = 3;
    struct hf_error err = {0};
    cr_assert(hf_engine_init(&b.engine, 1, "heap4", &err));
    cr_assert_not(hf_cluster_create(&b.cluster, &b.engine, &b.config, &err));
    cr_assert(strstr(err.message, "does not fit"), "%s", err.message);
    hf_engine_fini(&b.engine);
}

Test(cluster, containers_on_a_vm_share_its_cores_fairly_up_to_their_limits)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;              /* 2 cores */
    b.config.function.cpu_request = 0.5; /* 4 containers fit, each may burst to 1 core */
    b.config.function.concurrency = 1;
    start(&b);
    set_replicas(&b, 4);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    /* Two requests: two containers at their 1-core limit, 2 cores suffice: 100 ms each. */
    hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(7));
    cr_assert_eq(st->ledger.completed, 2u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 100u);
    /* Four at once: demand 4 cores on 2, each container gets 0.5: 200 ms. */
    hf_histogram_reset(&st->latency);
    for (int i = 0; i < 4; i++)
        hf_engine_at(&b.engine, hf_time_from_s(8), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(9));
    cr_assert_eq(st->ledger.completed, 6u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 0.0) / 1000000, 200u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 200u);
    /* Three at once: 3 cores of demand on 2: 2/3 core each: 150 ms. */
    hf_histogram_reset(&st->latency);
    for (int i = 0; i < 3; i++)
        hf_engine_at(&b.engine, hf_time_from_s(10), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(11));
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 150u);
    stop(&b);
}

/* cpu_model cfs-quota: a limit of 0.5 cores is 50 ms of CPU per 100 ms period, used at up to one core
 * per request. 100 ms of work alone: from a period's start, 0-50 and 100-150 (150 ms); from 30 ms into
 * one, 30-80 and 100-150 (120 ms). Two at once: both at one core for 25 ms a period, 200 ms of work
 * in 4 periods (the fluid share's rate): the last ends 325 ms after they came. */
Test(cluster, cfs_quota_runs_requests_in_bursts_of_the_containers_quota)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;
    b.config.function.cpu_limit = 0.5;
    b.config.function.cpu_request = 0.5;
    b.config.cfs_period = hf_time_from_ms(100);
    start(&b);
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(7));
    cr_assert_eq(st->ledger.completed, 1u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 150u, "%llu",
                 (unsigned long long)hf_histogram_quantile(&st->latency, 1.0));
    hf_histogram_reset(&st->latency);
    hf_engine_at(&b.engine, hf_time_from_ms(8030), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(9));
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 120u);
    hf_histogram_reset(&st->latency);
    hf_engine_at(&b.engine, hf_time_from_s(10), on_arrival, &b, 0);
    hf_engine_at(&b.engine, hf_time_from_s(10), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(11));
    cr_assert_eq(st->ledger.completed, 4u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 0.0) / 1000000, 325u);
    cr_assert_eq(hf_histogram_quantile(&st->latency, 1.0) / 1000000, 325u);
    stop(&b);
}

static uint32_t ready_pods(struct bench *b)
{
    struct hf_pod_view v[16];
    uint32_t n = pods(b, v, 16), ready = 0;
    for (uint32_t i = 0; i < n && i < 16; i++)
        ready += v[i].ready;
    return ready;
}

/* cluster.sandbox_concurrency 1: a VM's runtime creates one sandbox at a time, first come first
 * served. Three containers after one shared 1 s pull: sandboxes 1.0-1.1, 1.1-1.2 and 1.2-1.3 s, each
 * then 500 ms of runtime and init: ready at 1.6, 1.7 and 1.8 s (all at 1.6 s without the limit). A
 * container removed while its sandbox waits or is being created gives its turn or slot on. */
Test(cluster, sandbox_concurrency_serializes_a_vms_container_creation)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;
    b.config.function.cpu_request = 0.5;
    b.config.sandbox_concurrency = 1;
    start(&b);
    set_replicas(&b, 3);
    const hf_time at_ms[] = {1590, 1650, 1750, 1850};
    const uint32_t expected[] = {0, 1, 2, 3};
    for (int i = 0; i < 4; i++) {
        hf_engine_run_until(&b.engine, hf_time_from_ms((double)at_ms[i]));
        cr_assert_eq(ready_pods(&b), expected[i], "at %lld ms", (long long)at_ms[i]);
    }
    /* scale to zero while none waits, then to 3 and back to 1 during the first creation: the two
     * removed never block the one kept */
    set_replicas(&b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(3));
    set_replicas(&b, 3);
    hf_engine_run_until(&b.engine, hf_time_from_ms(3050));
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    cr_assert_eq(ready_pods(&b), 1);
    set_replicas(&b, 2);
    hf_engine_run_until(&b.engine, hf_time_from_ms(5610)); /* 5.0 + 0.1 + 0.5 s */
    cr_assert_eq(ready_pods(&b), 2, "the slot was given back: the next creation did not wait");
    stop(&b);
}

Test(cluster, vm_autoscaling_boots_for_pending_pods_and_stops_idle_vms)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1; /* 2 cores: two 1-core containers */
    b.config.autoscaling = (struct hf_vm_autoscaling){true, 3, hf_time_from_s(30), hf_time_from_s(60),
                                                      hf_time_from_s(10)};
    start(&b);
    set_replicas(&b, 5);
    struct hf_pod_view v[8];
    pods(&b, v, 8);
    cr_assert(!v[2].scheduled && !v[3].scheduled && !v[4].scheduled);
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    /* Scan at 10 s: 3 pending, 2 per VM -> boot 2 VMs; usable at 40 s. */
    hf_engine_run_until(&b.engine, hf_time_from_s(11));
    cr_assert_eq(st->vms, 3u);
    pods(&b, v, 8);
    cr_assert(!v[4].scheduled, "still booting");
    hf_engine_run_until(&b.engine, hf_time_from_s(41));
    pods(&b, v, 8);
    for (int i = 0; i < 5; i++)
        cr_assert(v[i].scheduled, "pod %d placed once the VMs booted", i);
    /* Scale to 1: the two new VMs empty at 50 s, stopped at the first scan 60 s later; never below 1. */
    hf_engine_run_until(&b.engine, hf_time_from_s(50));
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(105));
    cr_assert_eq(st->vms, 3u, "not idle long enough");
    hf_engine_run_until(&b.engine, hf_time_from_s(121));
    cr_assert_eq(st->vms, 1u);
    hf_cluster_account(b.cluster);
    /* Billed: 1 VM for 121 s + 2 VMs from 10 s to 110 s. */
    cr_assert_float_eq(st->vm_seconds, 121.0 + 2 * 100.0, 1e-6, "vm_seconds %g", st->vm_seconds);
    stop(&b);
}

Test(cluster, resize_applies_after_its_latency_and_is_bounded_by_the_vm)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;
    b.config.vm.cores = 4;
    b.config.function.cpu_request = 0.5;
    b.config.function.cpu_limit = 0.5;
    b.config.resize_latency = hf_time_from_ms(20);
    start(&b);
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    struct hf_platform *p = hf_cluster_platform(b.cluster);
    struct hf_container_view cv[2];
    cr_assert_eq(p->ops->containers(p->backend, 0, cv, 2), 1u);
    cr_assert_float_eq(cv[0].node_cores_free, 3.5, 1e-9);
    cr_assert_not(p->ops->resize(p->backend, cv[0].id, 5.0), "4.5 cores reserved > 3.5 free");
    /* Two 100 ms requests at 5 s and a resize to 2 cores: 20 ms at 0.25 core each (5 ms done),
     * then a full core each for the remaining 95 ms: both done at 115 ms. */
    hf_engine_at(&b.engine, hf_time_from_s(5), on_arrival, &b, 0);
    hf_engine_at(&b.engine, hf_time_from_s(5), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    cr_assert(p->ops->resize(p->backend, cv[0].id, 2.0));
    cr_assert_not(p->ops->resize(p->backend, cv[0].id, 1.0), "one resize at a time");
    p->ops->containers(p->backend, 0, cv, 2);
    cr_assert(cv[0].resizing);
    cr_assert_float_eq(cv[0].node_cores_free, 2.0, 1e-9, "headroom reserved at once");
    hf_engine_run_until(&b.engine, hf_time_from_s(6));
    struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    cr_assert_eq(st->ledger.completed, 2u);
    cr_assert_float_eq(hf_histogram_quantile(&st->latency, 1.0) / 1e6, 115.0, 0.01);
    cr_assert_eq(st->resizes, 1u);
    p->ops->containers(p->backend, 0, cv, 2);
    cr_assert_float_eq(cv[0].cpu_limit, 2.0, 1e-9);
    /* Back down releases the headroom; a stopped container's id goes stale. */
    cr_assert(p->ops->resize(p->backend, cv[0].id, 0.5));
    hf_engine_run_until(&b.engine, hf_time_from_s(7));
    p->ops->containers(p->backend, 0, cv, 2);
    cr_assert_float_eq(cv[0].node_cores_free, 3.5, 1e-9);
    uint64_t id = cv[0].id;
    set_replicas(&b, 0);
    cr_assert_not(p->ops->resize(p->backend, id, 1.0), "stale id");
    stop(&b);
}

/* A minimal global scheduler for the routing hook: sends function f's requests to `target[f]` after
 * `delay`, counting one bounce, or queues them while it has no target. */
struct steer {
    bool has_target[2];
    uint64_t target[2];
    hf_time delay;
    int ready_calls, specialized_calls, requests_seen, from_queue_seen;
};

static struct hf_route steer_route(void *state, struct hf_platform *p, const struct hf_request_view *r)
{
    (void)p;
    struct steer *s = state;
    s->requests_seen++;
    s->from_queue_seen += r->from_queue;
    if (!s->has_target[r->function])
        return (struct hf_route){HF_ROUTE_QUEUE, 0, 0};
    return (struct hf_route){s->target[r->function], s->delay, s->delay > 0 ? 1 : 0};
}

static void steer_ready(void *state, struct hf_platform *p, uint64_t id, uint32_t f)
{
    (void)p;
    (void)id;
    (void)f;
    ((struct steer *)state)->ready_calls++;
}

static void steer_specialized(void *state, struct hf_platform *p, uint64_t id, uint32_t f)
{
    (void)p;
    (void)id;
    (void)f;
    ((struct steer *)state)->specialized_calls++;
}

static const struct hf_policy_type steer_policy = {
    .name = "steer", .on_request = steer_route, .on_container_ready = steer_ready,
    .on_specialized = steer_specialized,
};

Test(cluster, policy_routing_with_bounce_delay_and_container_sharing)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.function_count = 2;
    b.config.specialize_latency = hf_time_from_ms(50);
    start(&b);
    struct steer st = {0};
    hf_cluster_attach_policy(b.cluster, &steer_policy, &st);
    struct hf_platform *p = hf_cluster_platform(b.cluster);
    p->ops->set_replicas(p->backend, 0, 1); /* only function 0 has a container */
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    cr_assert_eq(st.ready_calls, 1);
    struct hf_container_view cv;
    cr_assert_eq(p->ops->containers(p->backend, 0, &cv, 1), 1u);
    cr_assert_eq(cv.shared_function, HF_GENERIC);

    /* Function 0 through the hook with a 30 ms bounce: 100 ms of work ends 130 ms after arrival. */
    st.target[0] = cv.id;
    st.has_target[0] = true;
    st.delay = hf_time_from_ms(30);
    hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(7));
    struct hf_model_stats *ms = hf_cluster_stats(b.cluster);
    cr_assert_eq(ms->ledger.completed, 1u, "arrived %lu completed %lu queued %u busy %u seen %d",
                 (unsigned long)ms->ledger.arrived, (unsigned long)ms->ledger.completed, ms->queued, ms->busy,
                 st.requests_seen);
    cr_assert_eq(ms->bounces, 1u);
    cr_assert_float_eq(hf_histogram_quantile(&ms->latency, 1.0) / 1e6, 130.0, 0.01);

    /* Function 1 has no container: its request waits in the queue until the container's second
     * worker is specialized for it (50 ms), then the scheduler is asked again and sends it there. */
    st.delay = 0;
    hf_engine_at(&b.engine, hf_time_from_s(8), on_arrival, &b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(8));
    cr_assert_eq(ms->queued, 1u);
    cr_assert_not(p->ops->specialize(p->backend, cv.id, 0), "a container's own function");
    st.target[1] = cv.id;
    st.has_target[1] = true;
    cr_assert(p->ops->specialize(p->backend, cv.id, 1));
    cr_assert_not(p->ops->specialize(p->backend, cv.id, 1), "already switching");
    hf_engine_run_until(&b.engine, hf_time_from_s(9));
    cr_assert_eq(st.specialized_calls, 1);
    cr_assert_eq(ms->specializations, 1u);
    cr_assert_eq(ms->ledger.completed, 2u);
    cr_assert_geq(st.from_queue_seen, 1);
    cr_assert(p->ops->container(p->backend, cv.id, &cv));
    cr_assert_eq(cv.shared_function, 1u);
    cr_assert_eq(cv.shared_in_flight, 0u);
    cr_assert(p->ops->specialize(p->backend, cv.id, HF_GENERIC), "idle: back to generic");
    cr_assert(p->ops->container(p->backend, cv.id, &cv));
    cr_assert_eq(cv.shared_function, HF_GENERIC);
    struct hf_error err;
    cr_assert(hf_ledger_check(&ms->ledger, &err));
    stop(&b);
}

Test(cluster, requests_in_transit_at_run_end_are_failed_not_lost)
{
    struct bench b = {0};
    base_config(&b.config);
    start(&b);
    struct steer st = {0};
    hf_cluster_attach_policy(b.cluster, &steer_policy, &st);
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(5));
    struct hf_container_view cv;
    struct hf_platform *p = hf_cluster_platform(b.cluster);
    p->ops->containers(p->backend, 0, &cv, 1);
    st.target[0] = cv.id;
    st.has_target[0] = true;
    st.delay = hf_time_from_s(10);
    hf_engine_at(&b.engine, hf_time_from_s(6), on_arrival, &b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(7)); /* still on its way */
    hf_cluster_fail_all(b.cluster, HF_FAIL_RUN_END);
    struct hf_model_stats *ms = hf_cluster_stats(b.cluster);
    cr_assert_eq(ms->ledger.failed[HF_FAIL_RUN_END], 1u);
    struct hf_error err;
    cr_assert(hf_ledger_check(&ms->ledger, &err));
    stop(&b);
}

/* ---- theory, through whole runs ---- */

static double run_mean_latency_ms(const char *const *sets, size_t n)
{
    char dir[] = "/tmp/hfsim-test-cluster-XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    char out[128];
    snprintf(out, sizeof out, "%s/run", dir);
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, n, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_run_options opt = {.out_dir = out};
    struct hf_run_report rep;
    cr_assert(hf_run_scenario(s, &opt, &rep, &err), "%s", err.message);
    cr_assert_eq(rep.failed, 0u);
    json_decref(s);
    hf_remove_tree(dir);
    return rep.mean_ms;
}

#define THEORY_SETS(concurrency)                                                                   \
    "model=\"cluster\"", "policy=\"fixed\"", "fixed.replicas=1", "cluster.vms=1",                    \
        "function.cpu_limit=1", "function.cpu_request=1", "function.concurrency=" concurrency,       \
        "function.memory_mib=8192", "workload.memory_mb=0", "gateway.ingress_ms=0",                 \
        "gateway.timeout_s=1e9", "workload.bursts=[]", "workload.rate_per_s=7",                     \
        "workload.service.dist=\"lognormal\"", "workload.service.mean_ms=100",                       \
        "workload.service.cv=1.5", "duration_s=60000", "drain_s=600", "outputs.interval_s=60",       \
        "function.cold_start.preset=\"checkpoint-restore\""

/* M/G/1-PS: E[T] = E[S] / (1 - rho), whatever the service distribution (insensitivity). */
Test(cluster_theory, mg1_ps_mean_response_time_is_insensitive, .timeout = 120)
{
    const char *sets[] = {THEORY_SETS("100000")};
    double expected = 100.0 / (1.0 - 0.7);
    double got = run_mean_latency_ms(sets, sizeof sets / sizeof sets[0]);
    cr_assert(fabs(got - expected) / expected < 0.03, "PS mean %.1f ms, theory %.1f ms", got, expected);
}

/* M/M/1-PS, the exponential special case, at a higher load: E[T] = E[S] / (1 - rho) = 500 ms. */
Test(cluster_theory, mm1_ps_mean_response_time, .timeout = 120)
{
    const char *sets[] = {THEORY_SETS("100000"), "workload.service.dist=\"exponential\"",
                          "workload.rate_per_s=8"};
    double expected = 100.0 / (1.0 - 0.8);
    double got = run_mean_latency_ms(sets, sizeof sets / sizeof sets[0]);
    cr_assert(fabs(got - expected) / expected < 0.03, "M/M/1-PS mean %.1f ms, theory %.1f ms", got,
              expected);
}

/* cpu_model cfs-quota keeps the limit's long-run rate: at 70 % load the container is saturated as
 * often as under a fluid share, so the mean response time stays near M/G/1-PS's (the quota's bursts
 * finish a request sooner when it is alone, later when it waits for the next period). */
Test(cluster_theory, cfs_quota_keeps_the_limits_rate, .timeout = 120)
{
    const char *sets[] = {THEORY_SETS("100000"), "cluster.cpu_model=\"cfs-quota\"", "function.cpu_request=0.5",
                          "function.cpu_limit=0.5",
                          "workload.rate_per_s=3.5"};
    double fluid = 200.0 / (1.0 - 0.7);
    double got = run_mean_latency_ms(sets, sizeof sets / sizeof sets[0]);
    cr_assert(fabs(got - fluid) / fluid < 0.15, "cfs-quota mean %.1f ms, fluid M/G/1-PS %.1f ms", got, fluid);
    fprintf(stderr, "cfs-quota at 70 %% load: mean %.1f ms (fluid PS %.1f ms)\n", got, fluid);
}

/* Concurrency 1 makes the container FIFO behind the gateway queue: M/G/1 with P-K mean wait
 * rho E[S] (1 + cv^2) / (2 (1 - rho)), clearly above PS for cv > 1. */
Test(cluster_theory, mg1_fifo_mean_response_time_is_pollaczek_khinchine, .timeout = 120)
{
    const char *sets[] = {THEORY_SETS("1")};
    double expected = 0.7 * 100.0 * (1 + 1.5 * 1.5) / (2 * 0.3) + 100.0;
    double got = run_mean_latency_ms(sets, sizeof sets / sizeof sets[0]);
    cr_assert(fabs(got - expected) / expected < 0.03, "FIFO mean %.1f ms, theory %.1f ms", got, expected);
}

/* A runtime's requests fit when its own memory, its isolates' (with the one a request needs) and
 * its requests' stay within its limit (185 MiB): 100 + 2 x 10 + 2 x 30 = 180 MiB fits; a third
 * function's isolate and request (220) do not, and with both isolates busy nothing can be dropped:
 * OOM. Once function 1's request has ended its isolate is idle: function 2 would make 190, so
 * memory pressure drops that isolate (180). base_memory_mib (a container's) plays no part. */
Test(cluster, a_runtime_drops_idle_isolates_for_memory_then_refuses)
{
    struct bench b = {0};
    base_config(&b.config);
    b.config.vm_count = 1;
    b.config.function.memory_mib = 185;
    b.config.function.base_memory_mib = 180; /* a container's base: would leave 5 MiB for requests */
    b.config.function.concurrency = 3;
    b.config.function.isolates = (struct hf_isolate_config){.enabled = true, .runtime_memory_mib = 100,
                                                            .isolate_memory_mib = 10, .max_isolates = 3,
                                                            .keep_alive = hf_time_from_s(60)};
    start(&b);
    b.memory_mb = 30;
    set_replicas(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_s(2));
    b.work = hf_time_from_s(10);
    arrive_isolate(&b, 0);
    b.work = hf_time_from_s(1);
    arrive_isolate(&b, 1);
    hf_engine_run_until(&b.engine, hf_time_from_ms(2500));
    const struct hf_model_stats *st = hf_cluster_stats(b.cluster);
    cr_assert_eq(hf_ledger_failed_total(&st->ledger), 0u, "180 MiB fit");
    arrive_isolate(&b, 2);
    hf_engine_run_until(&b.engine, hf_time_from_s(4));
    cr_assert_eq(st->ledger.failed[HF_FAIL_OOM], 1u, "220 MiB would not, and both isolates were busy");
    arrive_isolate(&b, 2); /* function 1's request ended at 3 s: its idle isolate makes room */
    hf_engine_run_until(&b.engine, hf_time_from_s(30));
    cr_assert_eq(st->ledger.failed[HF_FAIL_OOM], 1u);
    cr_assert_eq(st->ledger.completed, 3u);
    cr_assert_eq(st->isolate_evictions, 1u);
    cr_assert_eq(st->isolate_starts, 3u);
    /* A request that cannot fit even with every idle isolate dropped (100 + 10 + 100 > 185) fails
     * without dropping any. */
    b.memory_mb = 100;
    arrive_isolate(&b, 0);
    hf_engine_run_until(&b.engine, hf_time_from_s(40));
    cr_assert_eq(st->ledger.failed[HF_FAIL_OOM], 2u);
    cr_assert_eq(st->isolate_evictions, 1u, "no isolate dropped in vain");
    stop(&b);
}
