/* A pull-based CSV row reader over libcsv, streaming a file of any size in bounded memory.
 *
 * hf_csv_next() hands out one row at a time with the physical line it ends on, so every reader above
 * it can say "FILE:LINE: what is wrong". Rows end at '\n' only; a trailing '\r' (CRLF files) and
 * spaces around unquoted fields are trimmed; blank lines are skipped. A field may be quoted ("a,b").
 *
 * Memory: one 64 KiB read buffer plus the longest row seen; a line without quotes (most trace rows)
 * is split in place in the read buffer, without a copy. Ownership: the reader owns the file and
 * the row storage; a row's fields stay valid until the next hf_csv_next(). Errors: open and next fill
 * `err` with "PATH: ..." or "PATH:LINE: ..." and code HF_EXIT_BAD_INPUT (I/O errors too: the input
 * cannot be read as given). */
#ifndef HF_CSV_STREAM_H
#define HF_CSV_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/error.h"

struct hf_csv_reader;

struct hf_csv_row {
    const char *const *fields; /* NUL-terminated field texts */
    const size_t *lengths;     /* their lengths in bytes (a field holds no NUL: such a row is an error) */
    size_t count;
    uint64_t line; /* 1-based physical line the row ends on */
};

bool hf_csv_open(struct hf_csv_reader **out, const char *path, struct hf_error *err);
/* 1: a row; 0: end of file; -1: error (malformed quoting, read error, out of memory). */
int hf_csv_next(struct hf_csv_reader *r, struct hf_csv_row *row, struct hf_error *err);
void hf_csv_close(struct hf_csv_reader *r);
const char *hf_csv_path(const struct hf_csv_reader *r);
/* Bytes consumed so far, and the file's size (0 when unknown): for progress reports. */
uint64_t hf_csv_offset(const struct hf_csv_reader *r);
uint64_t hf_csv_size(const struct hf_csv_reader *r);

/* Column lookup in a header row: index of `name`, or -1. */
int hf_csv_column(const struct hf_csv_row *header, const char *name);

/* Strict field conversions: the whole field must be the number; false otherwise (empty, garbage,
 * out of range, NaN or infinite). They fill `err` with "PATH:LINE: column NAME: ..." on failure. */
bool hf_csv_u32(const struct hf_csv_reader *r, const struct hf_csv_row *row, size_t index,
                const char *column, uint32_t *out, struct hf_error *err);
bool hf_csv_double(const struct hf_csv_reader *r, const struct hf_csv_row *row, size_t index,
                   const char *column, double *out, struct hf_error *err);
/* "PATH:LINE: <message>" with HF_EXIT_BAD_INPUT; returns false. */
bool hf_csv_fail(const struct hf_csv_reader *r, uint64_t line, struct hf_error *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
