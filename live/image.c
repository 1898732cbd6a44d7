#include "live/image.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "version.h"

/* FNV-1a of the worker binary: the image tag changes whenever the worker does, so an engine never
 * runs a stale worker under a current name. 0 when the binary cannot be read. */
static uint64_t worker_digest(void)
{
    char path[4096];
    struct hf_error err = {0};
    if (!hf_worker_binary_path(path, sizeof path, &err))
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    uint64_t h = 0xcbf29ce484222325ull;
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        for (size_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 0x100000001b3ull;
    fclose(f);
    return h;
}

void hf_worker_image_reference(char *out, size_t size)
{
    snprintf(out, size, HF_WORKER_REPO ":%s-%08llx", HF_VERSION, (unsigned long long)(worker_digest() >> 32));
}

bool hf_worker_binary_path(char *out, size_t size, struct hf_error *err)
{
    const char *env = getenv("HFSIM_WORKER");
    if (env && *env) {
        snprintf(out, size, "%s", env);
    } else {
        char self[4096];
        ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
        if (n <= 0)
            return hf_fail(err, HF_EXIT_RUN_FAILED, "live: cannot find the hfsim binary (/proc/self/exe)");
        self[n] = '\0';
        char *slash = strrchr(self, '/');
        if (slash)
            *slash = '\0';
        /* the test binaries live in build/tests/, hfsim and the worker in build/ */
        snprintf(out, size, "%s/hfsim-worker", self);
        if (access(out, X_OK) != 0)
            snprintf(out, size, "%s/../hfsim-worker", self);
    }
    if (access(out, X_OK) != 0)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "live: no worker binary at %s (build it: cmake --build build; "
                                                "or set HFSIM_WORKER)", out);
    return true;
}

/* One ustar header block. */
static void tar_header(unsigned char block[512], const char *name, size_t size, unsigned mode)
{
    memset(block, 0, 512);
    snprintf((char *)block, 100, "%s", name);
    snprintf((char *)block + 100, 8, "%07o", mode);
    snprintf((char *)block + 108, 8, "%07o", 0u);            /* uid */
    snprintf((char *)block + 116, 8, "%07o", 0u);            /* gid */
    snprintf((char *)block + 124, 12, "%011lo", (unsigned long)size);
    snprintf((char *)block + 136, 12, "%011lo", 0ul);        /* mtime: fixed, so the tar is reproducible */
    block[156] = '0';                                        /* regular file */
    memcpy(block + 257, "ustar", 6);
    memcpy(block + 263, "00", 2);
    memset(block + 148, ' ', 8);
    unsigned sum = 0;
    for (int i = 0; i < 512; i++)
        sum += block[i];
    snprintf((char *)block + 148, 8, "%06o", sum);
    block[155] = ' ';
}

bool hf_worker_tar(const char *binary, void **tar, size_t *size, struct hf_error *err)
{
    FILE *f = fopen(binary, "rb");
    if (!f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", binary, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0) {
        fclose(f);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", binary, strerror(errno));
    }
    size_t body = (size_t)st.st_size, padded = (body + 511) / 512 * 512;
    size_t total = 512 + padded + 1024; /* header, file, two zero blocks */
    unsigned char *t = calloc(1, total);
    if (!t) {
        fclose(f);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    tar_header(t, "worker", body, 0755);
    bool ok = fread(t + 512, 1, body, f) == body;
    fclose(f);
    if (!ok) {
        free(t);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: short read", binary);
    }
    *tar = t;
    *size = total;
    return true;
}

bool hf_worker_image_ensure(struct hf_docker *d, bool force, struct hf_error *err)
{
    char reference[128];
    hf_worker_image_reference(reference, sizeof reference);
    bool exists = false;
    if (!force && !hf_docker_image_exists(d, reference, &exists, err))
        return false;
    if (exists)
        return true;
    char binary[4096];
    void *tar;
    size_t size;
    if (!hf_worker_binary_path(binary, sizeof binary, err) || !hf_worker_tar(binary, &tar, &size, err))
        return false;
    const char *tag = strchr(reference, ':') + 1;
    bool ok = hf_docker_import(d, tar, size, HF_WORKER_REPO, tag, err);
    free(tar);
    return ok;
}
