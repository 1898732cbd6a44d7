/* The reaper: a small process forked at the start of a live run that removes the run's containers
 * (label hfsim.run=<run id>) on every engine once the run's process is gone, however it went: a
 * normal end, an error, SIGKILL or a crash. It waits on a pipe whose only writer is the run's
 * process; the kernel closes it when that process dies, and the reaper wakes on end-of-file.
 * After a normal end (or an error the run handled) the run removes its containers itself and
 * hf_reaper_finish tells the reaper so with one byte: it then exits without asking the engines.
 *
 * Ownership: hf_reaper_start forks; hf_reaper_finish closes the pipe and waits for the reaper
 * (call it after the run's own cleanup). Start it before any thread exists (it forks).
 * Errors: false with err set when the pipe or fork fails (HF_EXIT_RUN_FAILED). */
#ifndef HF_REAPER_H
#define HF_REAPER_H

#include <stdbool.h>
#include <sys/types.h>

#include "sim/error.h"

struct hf_reaper {
    pid_t pid;
    int write_fd;
};

/* hosts: the run's engines, comma-separated (as --hosts). */
bool hf_reaper_start(struct hf_reaper *r, const char *hosts, const char *run_id, struct hf_error *err);
void hf_reaper_finish(struct hf_reaper *r);
/* When the run could not remove everything itself (containers still being created): closes the
 * pipe without the byte, so the reaper removes the run's containers on every engine, without waiting
 * for it. */
void hf_reaper_hand_over(struct hf_reaper *r);

#endif
