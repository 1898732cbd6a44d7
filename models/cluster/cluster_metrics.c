/* The metrics-server: periodic scrapes of container CPU counters. */
#include "models/cluster/cluster_internal.h"

static void on_scrape(struct hf_engine *engine, void *ctx, uint64_t arg);

/* ---- metrics-server ---- */

static void on_scrape(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct hf_cluster *c = ctx;
    hf_time now = hf_engine_now(engine);
    double window_ns = (double)c->metric_resolution;
    for (uint32_t ci = 0; ci < c->container_cap; ci++) {
        struct container *k = &c->containers[ci];
        if (k->state < C_STARTING)
            continue;
        hf_ps_advance(&k->cpu, now);
        if (k->scraped) {
            /* A rate needs two points: the first scrape of a container yields no metric. */
            k->has_metric = true;
            k->usage_milli = (k->cpu.busy_core_ns - k->scraped_busy_core_ns) / window_ns * 1000.0;
            k->metric_time = now;
        }
        k->scraped = true;
        k->scraped_busy_core_ns = k->cpu.busy_core_ns;
    }
    c->scrape_event = hf_engine_after(engine, c->metric_resolution, on_scrape, c, 0);
}

void hf_cl_schedule_first_scrape(struct hf_cluster *c)
{
    hf_time res = c->metric_resolution;
    hf_time offset = (hf_time)(c->metric_phase * (double)res);
    hf_time now = hf_cl_now(c);
    hf_time next = now - (now - offset) % res + (now >= offset ? res : 0);
    if (now < offset)
        next = offset;
    c->scrape_event = hf_engine_at(c->engine, next, on_scrape, c, 0);
}
