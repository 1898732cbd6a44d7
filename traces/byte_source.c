#include "traces/byte_source.h"

#include <errno.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#define XZ_CHUNK (64u * 1024u)

enum format { PLAIN, GZIP, XZ };

struct hf_byte_source {
    const char *path; /* borrowed from the caller for messages; copied below */
    char *path_copy;
    enum format format;
    FILE *file;   /* plain and xz */
    gzFile gz;    /* gzip */
    lzma_stream xz;
    uint8_t *xz_in;
    bool xz_done;
    uint64_t size;
};

static const struct {
    const char *name;
    const unsigned char *magic;
    size_t length;
} refused[] = {
    {"bzip2", (const unsigned char *)"BZh", 3},
    {"zstd", (const unsigned char *)"\x28\xb5\x2f\xfd", 4},
    {"zip", (const unsigned char *)"PK\x03\x04", 4},
    {"rar", (const unsigned char *)"Rar!\x1a\x07", 6},
    {"7z", (const unsigned char *)"7z\xbc\xaf\x27\x1c", 6},
    {"lz4", (const unsigned char *)"\x04\x22\x4d\x18", 4},
};

static bool fail_open(struct hf_byte_source *s, struct hf_error *err, const char *fmt, const char *what)
{
    hf_fail(err, HF_EXIT_BAD_INPUT, fmt, s->path, what);
    hf_byte_source_close(s);
    return false;
}

bool hf_byte_source_open(struct hf_byte_source **out, const char *path, struct hf_error *err)
{
    *out = NULL;
    struct hf_byte_source *s = calloc(1, sizeof *s);
    if (!s || !(s->path_copy = strdup(path))) {
        free(s);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    s->path = s->path_copy;
    s->file = fopen(path, "rb");
    if (!s->file)
        return fail_open(s, err, "%s: cannot open: %s", strerror(errno));
    struct stat st;
    if (fstat(fileno(s->file), &st) == 0 && S_ISDIR(st.st_mode))
        return fail_open(s, err, "%s: %s", "is a directory, not a trace file");
    if (S_ISREG(st.st_mode))
        s->size = (uint64_t)st.st_size;
    unsigned char head[8] = {0};
    size_t got = fread(head, 1, sizeof head, s->file);
    rewind(s->file);
    for (size_t i = 0; i < sizeof refused / sizeof *refused; i++)
        if (got >= refused[i].length && memcmp(head, refused[i].magic, refused[i].length) == 0)
            return fail_open(s, err, "%s: compressed (%s): unpack it first", refused[i].name);
    if (got >= 2 && head[0] == 0x1f && head[1] == 0x8b) {
        s->format = GZIP;
        fclose(s->file);
        s->file = NULL;
        s->gz = gzopen(path, "rb");
        if (!s->gz)
            return fail_open(s, err, "%s: cannot open: %s", strerror(errno));
        gzbuffer(s->gz, 64u * 1024u);
    } else if (got >= 6 && memcmp(head, "\xfd" "7zXZ\x00", 6) == 0) {
        s->format = XZ;
        s->xz = (lzma_stream)LZMA_STREAM_INIT;
        s->xz_in = malloc(XZ_CHUNK);
        if (!s->xz_in || lzma_stream_decoder(&s->xz, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            return fail_open(s, err, "%s: %s", "cannot start the xz decoder");
    }
    if (s->format != PLAIN)
        s->size = 0;
    *out = s;
    return true;
}

static long read_xz(struct hf_byte_source *s, void *buf, size_t cap, struct hf_error *err)
{
    if (s->xz_done)
        return 0;
    s->xz.next_out = buf;
    s->xz.avail_out = cap;
    while (s->xz.avail_out == cap) {
        lzma_action action = LZMA_RUN;
        if (s->xz.avail_in == 0) {
            size_t n = fread(s->xz_in, 1, XZ_CHUNK, s->file);
            if (ferror(s->file)) {
                hf_fail(err, HF_EXIT_BAD_INPUT, "%s: read error: %s", s->path, strerror(errno));
                return -1;
            }
            s->xz.next_in = s->xz_in;
            s->xz.avail_in = n;
            if (n == 0)
                action = LZMA_FINISH;
        }
        lzma_ret ret = lzma_code(&s->xz, action);
        if (ret == LZMA_STREAM_END) {
            s->xz_done = true;
            break;
        }
        if (ret != LZMA_OK) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: compressed (xz) stream is %s", s->path,
                    ret == LZMA_BUF_ERROR ? "truncated" : "corrupt");
            return -1;
        }
    }
    return (long)(cap - s->xz.avail_out);
}

long hf_byte_source_read(struct hf_byte_source *s, void *buf, size_t cap, struct hf_error *err)
{
    if (s->format == XZ)
        return read_xz(s, buf, cap, err);
    if (s->format == GZIP) {
        int n = gzread(s->gz, buf, (unsigned)(cap > (1u << 30) ? 1u << 30 : cap));
        int code = Z_OK;
        const char *text = gzerror(s->gz, &code);
        if (n < 0 || (code != Z_OK && code != Z_STREAM_END)) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: compressed (gzip) stream is %s (%s)", s->path,
                    code == Z_BUF_ERROR ? "truncated" : "corrupt", text);
            return -1;
        }
        return n;
    }
    size_t n = fread(buf, 1, cap, s->file);
    if (n < cap && ferror(s->file)) {
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: read error: %s", s->path, strerror(errno));
        return -1;
    }
    return (long)n;
}

const char *hf_byte_source_format(const struct hf_byte_source *s)
{
    return s->format == GZIP ? "gzip" : s->format == XZ ? "xz" : "plain";
}

uint64_t hf_byte_source_size(const struct hf_byte_source *s) { return s->size; }

void hf_byte_source_close(struct hf_byte_source *s)
{
    if (!s)
        return;
    if (s->file)
        fclose(s->file);
    if (s->gz)
        gzclose(s->gz);
    if (s->format == XZ)
        lzma_end(&s->xz);
    free(s->xz_in);
    free(s->path_copy);
    free(s);
}
