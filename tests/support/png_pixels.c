#include "support/png_pixels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

static uint32_t be32(const unsigned char *p) { return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]; }

static int paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

static bool fail(char *why, size_t size, const char *text)
{
    snprintf(why, size, "%s", text);
    return false;
}

bool png_pixels_load(const char *path, struct png_pixels *out, char *why, size_t why_size)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(why, why_size, "cannot open");
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *file = malloc(size > 0 ? (size_t)size : 1);
    bool read = file && size > 8 && fread(file, 1, (size_t)size, f) == (size_t)size;
    fclose(f);
    static const unsigned char signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (!read || memcmp(file, signature, 8) != 0) {
        free(file);
        return fail(why, why_size, "not a PNG file");
    }
    unsigned char *idat = NULL;
    size_t idat_size = 0;
    int channels = 0;
    bool ok = true;
    for (size_t at = 8; ok && at + 12 <= (size_t)size;) {
        uint32_t length = be32(file + at);
        const unsigned char *type = file + at + 4, *data = file + at + 8;
        if (at + 12 + length > (size_t)size)
            ok = fail(why, why_size, "truncated chunk");
        else if (memcmp(type, "IHDR", 4) == 0) {
            out->width = be32(data);
            out->height = be32(data + 4);
            channels = data[9] == 2 ? 3 : data[9] == 6 ? 4 : 0;
            if (data[8] != 8 || !channels || data[12] != 0)
                ok = fail(why, why_size, "not 8-bit RGB or RGBA without interlace");
        } else if (memcmp(type, "IDAT", 4) == 0) {
            unsigned char *grown = realloc(idat, idat_size + length);
            ok = grown != NULL;
            if (ok) {
                idat = grown;
                memcpy(idat + idat_size, data, length);
                idat_size += length;
            }
        }
        at += 12 + length;
    }
    size_t stride = (size_t)out->width * (size_t)channels;
    uLongf raw_size = (uLongf)((stride + 1) * out->height);
    unsigned char *raw = ok && channels ? malloc(raw_size) : NULL;
    if (ok && (!raw || uncompress(raw, &raw_size, idat, (uLong)idat_size) != Z_OK ||
               raw_size != (stride + 1) * out->height))
        ok = fail(why, why_size, "image data does not inflate to the image's size");
    out->rgb = ok ? malloc((size_t)out->width * out->height * 3) : NULL;
    for (uint32_t y = 0; ok && y < out->height; y++) {
        unsigned char *line = raw + y * (stride + 1), filter = line[0], *px = line + 1;
        const unsigned char *up = y ? raw + (y - 1) * (stride + 1) + 1 : NULL;
        for (size_t x = 0; x < stride; x++) {
            int a = x >= (size_t)channels ? px[x - (size_t)channels] : 0, b = up ? up[x] : 0,
                c = up && x >= (size_t)channels ? up[x - (size_t)channels] : 0;
            int add = filter == 0 ? 0 : filter == 1 ? a : filter == 2 ? b : filter == 3 ? (a + b) / 2 : paeth(a, b, c);
            px[x] = (unsigned char)(px[x] + add);
        }
        if (filter > 4)
            ok = fail(why, why_size, "unknown scanline filter");
        for (uint32_t x = 0; ok && x < out->width; x++)
            memcpy(out->rgb + ((size_t)y * out->width + x) * 3, px + (size_t)x * (size_t)channels, 3);
    }
    free(raw);
    free(idat);
    free(file);
    if (!ok) {
        free(out->rgb);
        out->rgb = NULL;
    }
    return ok;
}
