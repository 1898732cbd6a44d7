#include "fuzz_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void sink(void *model, const struct hf_invocation *inv)
{
    (void)inv;
    (*(uint64_t *)model)++;
}

static void put(const char *path, const uint8_t *data, size_t size)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data, 1, size, f);
    fclose(f);
}

int hf_fuzz_trace_one(enum hf_trace_format format, const uint8_t *data, size_t size)
{
    char dir[64], names[3][128];
    snprintf(dir, sizeof dir, "/tmp/hfsim-fuzz-%ld", (long)getpid());
    if (access(dir, F_OK) != 0 && mkdir(dir, 0700) != 0)
        abort();
    static const char *const files[3] = {"invocations_per_function_md.anon.d01.csv",
                                         "function_durations_percentiles.anon.d01.csv",
                                         "app_memory_percentiles.anon.d01.csv"};
    size_t start = 0;
    for (int i = 0; i < 3; i++) {
        snprintf(names[i], sizeof names[i], "%s/%s", dir, files[i]);
        size_t end = start;
        while (end < size && (format != HF_TRACE_AZURE2019 || data[end] != 1))
            end++;
        if (i == 0 || format == HF_TRACE_AZURE2019)
            put(names[i], data + start, end - start);
        start = end < size ? end + 1 : size;
    }
    struct hf_trace_options o;
    hf_trace_default_options(&o);
    o.format = format;
    o.path = names[0];
    o.reorder_window_s = 60;
    struct hf_trace *t;
    struct hf_error err = {0};
    if (hf_trace_open(&t, &o, &err)) {
        struct hf_engine engine;
        if (!hf_engine_init(&engine, 1, "heap4", &err))
            abort();
        uint64_t issued = 0;
        struct hf_source *source = hf_trace_start(t, &engine, sink, &issued, &err);
        if (source) {
            hf_engine_set_source(&engine, source);
            hf_engine_run_until(&engine, hf_time_from_s(hf_trace_duration_s(t)) + 1);
            if (!hf_trace_failed(t, &err) && issued != hf_trace_stats(t)->expected)
                abort(); /* announced and issued disagree */
        }
        hf_engine_fini(&engine);
        hf_trace_close(t);
    } else if (strncmp(err.message, dir, strlen(dir)) != 0 && err.code != HF_EXIT_USAGE) {
        abort(); /* an input error must name the file */
    }
    for (int i = 0; i < 3; i++)
        unlink(names[i]);
    return 0;
}
