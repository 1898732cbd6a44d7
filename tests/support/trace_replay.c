#include "support/trace_replay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/engine.h"

static void collect(void *model, const struct hf_invocation *inv)
{
    struct replayed *r = model;
    if (r->count == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 1024;
        struct hf_invocation *grown = realloc(r->items, r->cap * sizeof *grown);
        if (!grown)
            abort();
        r->items = grown;
    }
    r->items[r->count++] = *inv;
}

void replay_trace(struct hf_trace *t, uint64_t seed, struct replayed *r)
{
    memset(r, 0, sizeof *r);
    struct hf_engine engine;
    struct hf_error err;
    if (!hf_engine_init(&engine, seed, "heap4", &err))
        abort();
    struct hf_source *source = hf_trace_start(t, &engine, collect, r, &r->error);
    if (!source) {
        r->failed = true;
    } else {
        hf_engine_set_source(&engine, source);
        hf_engine_run_until(&engine, hf_time_from_s(hf_trace_duration_s(t)) + 1);
        r->failed = hf_trace_failed(t, &r->error);
    }
    hf_engine_fini(&engine);
}

const char *write_file(char *path, const char *dir, const char *name, const char *text)
{
    snprintf(path, PATH_LEN, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}
