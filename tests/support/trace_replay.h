/* Test helper: replays an opened trace through an engine with no model behind it and collects
 * what it issues, so trace tests can check arrivals, durations and memory directly. */
#ifndef HF_TEST_TRACE_REPLAY_H
#define HF_TEST_TRACE_REPLAY_H

#include <stddef.h>

#include "sim/invocation.h"
#include "traces/trace.h"

struct replayed {
    struct hf_invocation *items;
    size_t count, cap;
    bool failed;
    struct hf_error error;
};

/* Replays every invocation; the caller frees r->items. */
void replay_trace(struct hf_trace *t, uint64_t seed, struct replayed *r);
/* Writes `text` to dir/name; `path` (PATH_LEN bytes) gets the file's path and is returned. */
#define PATH_LEN 512
const char *write_file(char *path, const char *dir, const char *name, const char *text);

#endif
