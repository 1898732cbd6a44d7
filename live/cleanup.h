/* `hfsim live --cleanup`: removes the containers hfsim runs left on an engine, and only those.
 *
 * Without a run id, a container goes when its owner (live/owner.h) is gone: the process that made
 * it has exited on this machine (or the machine rebooted since). Containers of runs still going on
 * this machine, of runs made on another machine (their processes cannot be seen from here) and
 * containers without owner labels are kept. With a run id, every container of that run goes,
 * whatever its owner's state (the user asked for it by name).
 *
 * Prints to `out` one line per run and decision ("HOST: removed 2 containers of run live-12@box:
 * its process 12 has exited"), then a total per engine. Errors: engine errors name the engine
 * (HF_EXIT_RUN_FAILED); a container that cannot be removed fails the call after the others were
 * tried. */
#ifndef HF_LIVE_CLEANUP_H
#define HF_LIVE_CLEANUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "live/docker.h"

struct hf_cleanup_report {
    size_t removed, kept;
};

/* run_id: NULL for every run whose process is gone, else exactly that run's containers. */
bool hf_live_cleanup(struct hf_docker *d, const char *run_id, FILE *out, struct hf_cleanup_report *report,
                     struct hf_error *err);

#endif
