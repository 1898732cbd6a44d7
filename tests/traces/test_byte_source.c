/* Compressed traces: gzip and xz read as the plain file, other formats and damaged streams refused. */
#include <criterion/criterion.h>
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "sim/results.h"
#include "traces/byte_source.h"

static char base[64];
static char text[256 * 1024];
static size_t text_len;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-bytes-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
    /* Enough rows that the compressed stream spans several reads. */
    text_len = 0;
    for (int i = 0; text_len + 64 < sizeof text; i++)
        text_len += (size_t)snprintf(text + text_len, sizeof text - text_len, "%d,function-%d,%d\n", i, i % 97,
                                     (i * 7919) % 1000);
}

static void teardown(void) { hf_remove_tree(base); }

TestSuite(byte_source, .init = setup, .fini = teardown);

static void write_bytes(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    cr_assert_not_null(f);
    cr_assert_eq(fwrite(data, 1, n, f), n);
    fclose(f);
}

static void write_gzip(const char *path)
{
    gzFile gz = gzopen(path, "wb");
    cr_assert_not_null(gz);
    cr_assert_eq(gzwrite(gz, text, (unsigned)text_len), (int)text_len);
    cr_assert_eq(gzclose(gz), Z_OK);
}

static size_t xz_bytes(uint8_t *out, size_t cap)
{
    size_t pos = 0;
    cr_assert_eq(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, (const uint8_t *)text, text_len, out, &pos, cap),
                 LZMA_OK);
    return pos;
}

/* Reads the whole source; returns the byte count, or -1 with err set. */
static long read_all(const char *path, char *out, size_t cap, struct hf_error *err)
{
    struct hf_byte_source *s;
    if (!hf_byte_source_open(&s, path, err))
        return -1;
    size_t total = 0;
    for (;;) {
        long n = hf_byte_source_read(s, out + total, cap - total < 4096 ? cap - total : 4096, err);
        if (n <= 0) {
            hf_byte_source_close(s);
            return n < 0 ? -1 : (long)total;
        }
        total += (size_t)n;
    }
}

static char got[sizeof text];

Test(byte_source, gzip_and_xz_read_as_the_plain_bytes)
{
    char path[128];
    struct hf_error err = {0};
    snprintf(path, sizeof path, "%s/t.csv.gz", base);
    write_gzip(path);
    cr_assert_eq(read_all(path, got, sizeof got, &err), (long)text_len, "%s", err.message);
    cr_assert_eq(memcmp(got, text, text_len), 0);

    static uint8_t xz[sizeof text];
    size_t n = xz_bytes(xz, sizeof xz);
    snprintf(path, sizeof path, "%s/t.csv.xz", base);
    write_bytes(path, xz, n);
    cr_assert_eq(read_all(path, got, sizeof got, &err), (long)text_len, "%s", err.message);
    cr_assert_eq(memcmp(got, text, text_len), 0);
}

Test(byte_source, a_truncated_stream_is_an_error_not_a_shorter_trace)
{
    char path[128], cut[128];
    struct hf_error err = {0};
    snprintf(path, sizeof path, "%s/t.csv.gz", base);
    write_gzip(path);
    FILE *f = fopen(path, "rb");
    static char gz[sizeof text];
    size_t n = fread(gz, 1, sizeof gz, f);
    fclose(f);
    snprintf(cut, sizeof cut, "%s/cut.gz", base);
    write_bytes(cut, gz, n / 2);
    cr_assert_eq(read_all(cut, got, sizeof got, &err), -1);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, "gzip") && strstr(err.message, "truncated"), "%s", err.message);

    static uint8_t xz[sizeof text];
    n = xz_bytes(xz, sizeof xz);
    snprintf(cut, sizeof cut, "%s/cut.xz", base);
    write_bytes(cut, xz, n - 20);
    cr_assert_eq(read_all(cut, got, sizeof got, &err), -1);
    cr_assert(strstr(err.message, "xz"), "%s", err.message);
}

Test(byte_source, other_compressions_are_refused_by_their_magic_bytes)
{
    static const struct {
        const char *name, *bytes;
        size_t n;
    } cases[] = {{"bzip2", "BZh91AY&SY", 10}, {"zstd", "\x28\xb5\x2f\xfd\x00\x00", 6},
                 {"zip", "PK\x03\x04\x14\x00", 6}, {"rar", "Rar!\x1a\x07\x00", 7},
                 {"7z", "7z\xbc\xaf\x27\x1c\x00", 7}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/trace.csv", base); /* the name says nothing */
        write_bytes(path, cases[i].bytes, cases[i].n);
        struct hf_byte_source *s;
        struct hf_error err = {0};
        cr_assert_not(hf_byte_source_open(&s, path, &err), "%s", cases[i].name);
        char want[64];
        snprintf(want, sizeof want, "compressed (%s): unpack it first", cases[i].name);
        cr_assert(strstr(err.message, want), "%s", err.message);
    }
    struct hf_byte_source *s;
    struct hf_error err = {0};
    cr_assert_not(hf_byte_source_open(&s, base, &err));
    cr_assert(strstr(err.message, "is a directory"), "%s", err.message);
}
