/* Test helper: the pixels of a PNG file (8-bit RGB or RGBA, not interlaced: what Chromium's
 * screenshots are), to check a rendered page is not blank. zlib inflates; the scanline filters
 * (none, sub, up, average, Paeth; PNG spec section 9) are undone here.
 *
 * Ownership: png_pixels_load allocates rgb (width * height * 3 bytes); free it. Errors: false with
 * a reason in `why` for a file that is not such a PNG. */
#ifndef HF_TEST_PNG_PIXELS_H
#define HF_TEST_PNG_PIXELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct png_pixels {
    uint32_t width, height;
    unsigned char *rgb;
};

bool png_pixels_load(const char *path, struct png_pixels *out, char *why, size_t why_size);

#endif
