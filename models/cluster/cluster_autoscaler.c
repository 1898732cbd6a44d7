/* The VM autoscaler (cluster-autoscaler-like): boots VMs for pods that fit nowhere, stops idle ones. */
#include "models/cluster/cluster_internal.h"

/* ---- cluster-autoscaler ---- */

static void on_vm_booted(struct hf_engine *engine, void *ctx, uint64_t vi)
{
    (void)engine;
    struct hf_cluster *c = ctx;
    struct vm *v = &c->vms[vi];
    v->state = VM_ON;
    v->empty_since = hf_cl_now(c);
    c->booting_vms--;
    hf_cl_place_unscheduled(c);
}

/* How many containers of the largest pending shape (in each dimension) a VM holds: a lower bound,
 * so the VMs booted are enough for the pending containers whatever their mix. */
static uint32_t containers_per_vm(const struct hf_cluster *c, double most_cpu, double most_memory)
{
    double by_cpu = floor(c->config.vm.cores / most_cpu + 1e-9); /* autoscaling boots config.vm (one group) */
    double by_memory = floor(c->config.vm.memory_mib / most_memory + 1e-9);
    return (uint32_t)(by_cpu < by_memory ? by_cpu : by_memory);
}

/* Boots enough VMs for the pending containers (counting what booting VMs will take) and stops VMs
 * empty for longer than idle_time, never going below vm_count. */
void hf_cl_on_autoscale(struct hf_engine *engine, void *ctx, uint64_t arg)
{
    (void)arg;
    struct hf_cluster *c = ctx;
    const struct hf_vm_autoscaling *as = &c->config.autoscaling;
    hf_time now = hf_engine_now(engine);
    uint32_t pending = 0;
    double most_cpu = 0, most_memory = 0;
    for (uint32_t i = 0; i < c->unscheduled_count; i++) {
        const struct container *k = &c->containers[c->unscheduled[(c->unscheduled_head + i) % c->unscheduled_cap]];
        if (k->state != C_UNSCHEDULED)
            continue;
        pending++;
        most_cpu = fmax(most_cpu, hf_cl_shape(c, k->function)->cpu_request);
        most_memory = fmax(most_memory, hf_cl_shape(c, k->function)->memory_mib);
    }
    uint32_t per_vm = pending ? containers_per_vm(c, most_cpu, most_memory) : 1;
    uint32_t coming = c->booting_vms * per_vm;
    uint32_t wanted = pending > coming ? (pending - coming + per_vm - 1) / per_vm : 0;
    for (uint32_t vi = 0; vi < c->vm_slots && wanted > 0; vi++) {
        struct vm *v = &c->vms[vi];
        if (v->state != VM_OFF)
            continue;
        hf_cl_account_allocation(c);
        v->state = VM_BOOTING;
        c->billed_vms++;
        c->billed_price_per_hour += v->price_per_hour;
        c->booting_vms++;
        wanted--;
        hf_engine_after(engine, as->boot_delay, on_vm_booted, c, vi);
    }
    for (uint32_t vi = c->vm_slots; vi-- > 0 && c->billed_vms > c->config.vm_count;) {
        struct vm *v = &c->vms[vi];
        if (v->state == VM_ON && v->member_count == 0 && v->pulls.count == 0 &&
            (!c->transfer || hf_image_transfer_incoming(c->transfer, vi) == 0) &&
            now - v->empty_since >= as->idle_time) {
            hf_cl_account_allocation(c);
            v->state = VM_OFF;
            c->billed_vms--;
            c->billed_price_per_hour -= v->price_per_hour;
            /* A stopped VM loses its image cache. */
            memset(&c->images[(size_t)vi * c->config.function_count], IMAGE_ABSENT,
                   c->config.function_count);
            if (c->transfer) /* and leaves the function trees it was in */
                hf_image_transfer_vm_gone(c->transfer, vi);
        }
    }
    c->stats.vms = c->billed_vms;
    hf_engine_after(engine, as->scan_interval, hf_cl_on_autoscale, c, 0);
}
