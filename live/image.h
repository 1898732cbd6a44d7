/* The live-mode worker image: the static hfsim-worker binary (built beside hfsim) packed into a
 * one-file tar rootfs and imported into an engine as hfsim-worker:<hfsim version>, so an engine
 * with no images and no registry can run it.
 *
 * Errors: a missing worker binary names where it was looked for; engine errors as live/docker.h. */
#ifndef HF_LIVE_IMAGE_H
#define HF_LIVE_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "live/docker.h"

#define HF_WORKER_REPO "hfsim-worker"

/* "hfsim-worker:<version>-<digest of the worker binary>" */
void hf_worker_image_reference(char *out, size_t size);
/* Where the worker binary is: beside the running hfsim (or $HFSIM_WORKER). */
bool hf_worker_binary_path(char *out, size_t size, struct hf_error *err);
/* A tar archive holding `binary` as /worker (mode 0755); *tar is malloc'd. */
bool hf_worker_tar(const char *binary, void **tar, size_t *size, struct hf_error *err);
/* Imports the image unless the engine has it already (force: always). */
bool hf_worker_image_ensure(struct hf_docker *d, bool force, struct hf_error *err);

#endif
