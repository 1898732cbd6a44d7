/* How container images reach VMs: from the registry, or through FaaSNet's function trees (Wang et
 * al., USENIX ATC'21), as bandwidth-sharing transfers in simulated time.
 *
 *  - registry: each VM that needs a function's image pulls it from the registry, whose total
 *    bandwidth all concurrent pulls share (cluster.registry_total_mib_per_s).
 *  - function-tree: the VMs that need a function's image form a balanced binary tree per function;
 *    the root pulls from the registry and every VM streams the blocks it has on to its (at most
 *    two) children while it still receives the rest, so the image flows down the tree in a pipeline.
 *
 * Bandwidth sharing: every active transfer runs from a source (the registry, or a VM's upload link)
 * to a VM's download link, at the lesser of the two ends' equal shares (capacity / transfers at that
 * end). A share left unused by a transfer limited at its other end is not handed to the others: a
 * simple, local rule (not max-min fairness), stated in docs/cold-starts.md.
 *
 * Start before complete: a VM's containers of a function may start once start_fraction of the
 * image has arrived (FaaSNet's on-demand fetching; 1: the whole image); the rest keeps streaming.
 *
 * Tree shape: level order in an array, so a node at position p has its parent at (p - 1) / 2 and
 * children at 2p + 1 and 2p + 2: the tree is complete, its height floor(log2(n)). A VM joins at the
 * end (the first free place in breadth-first order); a VM that leaves is replaced by the last one,
 * which then streams from its new parent (and its new children from it). A transfer cut by a change
 * loses its partial block.
 *
 * Units: MiB, MiB/s, ns. Ownership: the transfer state owns its memory; the engine is borrowed.
 * Errors: create and fetch return false when out of memory. */
#ifndef HF_IMAGE_TRANSFER_H
#define HF_IMAGE_TRANSFER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/engine.h"

enum hf_provisioning { HF_PROVISION_REGISTRY, HF_PROVISION_FUNCTION_TREE };

/* Scenario names, NULL-terminated, in enum order: "registry", "function-tree". */
extern const char *const hf_provisioning_names[];

struct hf_image_transfer_config {
    enum hf_provisioning mode;
    double image_mib;          /* > 0 */
    double block_mib;          /* the function tree's unit of transfer, > 0 */
    double start_fraction;     /* (0, 1] */
    double registry_mib_per_s; /* total, shared by all pulls; INFINITY: no limit */
    double vm_down_mib_per_s;  /* each VM's download link, > 0 */
    double vm_up_mib_per_s;    /* each VM's upload link (function tree), > 0 */
    uint32_t vm_count, function_count;
};

struct hf_image_transfer_events {
    void *ctx;
    /* Enough of the image is on the VM for its containers of the function to start. */
    void (*usable)(void *ctx, uint32_t vm, uint32_t function);
};

struct hf_image_transfer_stats {
    double registry_mib; /* transferred from the registry */
    double peer_mib;     /* transferred between VMs */
    uint64_t fetches;    /* images asked for */
    uint64_t repairs;    /* tree nodes moved because a VM left */
};

struct hf_image_transfer;

bool hf_image_transfer_create(struct hf_image_transfer **out, struct hf_engine *engine,
                              const struct hf_image_transfer_config *config,
                              const struct hf_image_transfer_events *events);
void hf_image_transfer_destroy(struct hf_image_transfer *x);

/* The VM wants the function's image and holds none of it: it joins the function's tree or starts a
 * registry pull. `usable` follows, later (never from inside this call). */
bool hf_image_transfer_fetch(struct hf_image_transfer *x, uint32_t vm, uint32_t function);
/* The VM is gone (switched off): its images are lost, its transfers cut, the trees repaired. */
void hf_image_transfer_vm_gone(struct hf_image_transfer *x, uint32_t vm);
/* Transfers into the VM still running (it is fetching an image). */
uint32_t hf_image_transfer_incoming(const struct hf_image_transfer *x, uint32_t vm);

/* Counted when each transfer starts (a cut one gives back what it did not carry). */
const struct hf_image_transfer_stats *hf_image_transfer_stats(const struct hf_image_transfer *x);
/* MiB the transfers running at `now` have still to carry, from the registry and between VMs: the
 * stats less these are what was carried by then. Read-only. */
void hf_image_transfer_running(const struct hf_image_transfer *x, hf_time now, double *registry_mib, double *peer_mib);

/* For tests and reports: the function's tree as VM indices in level order (returns its size, fills
 * at most `cap`), the blocks a VM holds of a function's image (0 when it is not fetching it), and
 * the image's block count (registry mode: its parts, the usable one and the rest). */
uint32_t hf_image_transfer_tree(const struct hf_image_transfer *x, uint32_t function, uint32_t *vms, uint32_t cap);
uint32_t hf_image_transfer_blocks(const struct hf_image_transfer *x, uint32_t vm, uint32_t function);
uint32_t hf_image_transfer_block_count(const struct hf_image_transfer *x);

#endif
