/* The bytes of a trace file, decompressed when the file is compressed.
 *
 * The format is told by the file's first bytes, not its name: gzip (1f 8b) and xz (fd 37 7a 58 5a
 * 00) are decompressed as they stream (zlib, liblzma); bzip2, zstd, zip, rar and 7z are refused
 * with "compressed (FORMAT): unpack it first"; anything else is read as it is. A truncated or
 * corrupt compressed stream is an error, never a silently shorter trace.
 *
 * Memory: one 64 KiB input buffer for xz; zlib keeps its own. Ownership: the source owns its file.
 * Errors: open and read fill `err` with "PATH: ..." and HF_EXIT_BAD_INPUT. */
#ifndef HF_BYTE_SOURCE_H
#define HF_BYTE_SOURCE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "sim/error.h"

struct hf_byte_source;

bool hf_byte_source_open(struct hf_byte_source **out, const char *path, struct hf_error *err);
/* Up to `cap` bytes into buf; 0 at the end; -1 on error. */
long hf_byte_source_read(struct hf_byte_source *s, void *buf, size_t cap, struct hf_error *err);
/* "plain", "gzip" or "xz". */
const char *hf_byte_source_format(const struct hf_byte_source *s);
/* The file's size on disk when it is read as it is; 0 when compressed (the unpacked size is unknown). */
uint64_t hf_byte_source_size(const struct hf_byte_source *s);
void hf_byte_source_close(struct hf_byte_source *s);

#endif
