#include "traces/csv_stream.h"

#include "traces/byte_source.h"

#include <csv.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define READ_CHUNK (64u * 1024u)
/* A row longer than this is not a trace row: a file without newlines would otherwise be buffered whole. */
#define MAX_ROW_BYTES (16u * 1024u * 1024u)

struct hf_csv_reader {
    char *path;
    struct hf_byte_source *source; /* the file, decompressed if it is gzip or xz */
    struct csv_parser parser;
    char buffer[READ_CHUNK];
    size_t buffer_len, buffer_pos;
    uint64_t offset, size;
    uint64_t line;      /* physical line the parser is on */
    size_t row_bytes;   /* bytes fed since the last completed row */
    bool eof, finished;
    /* The row being assembled: field texts back to back, each NUL-terminated. */
    char *text;
    size_t text_len, text_cap;
    size_t *starts;  /* libcsv path: offsets in text; fast path: the commas' offsets in the line */
    const char **fields;
    size_t *lengths;
    size_t field_count, field_cap;
    bool row_done, out_of_memory;
    bool nul_in_row; /* a NUL byte inside a field: the text would silently end there */
    bool at_row_start; /* the parser holds no partial row: the next line may take the fast path */
};

static int only_newline_ends_rows(unsigned char c) { return c == '\n'; }
static int is_trimmed(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

bool hf_csv_fail(const struct hf_csv_reader *r, uint64_t line, struct hf_error *err, const char *fmt, ...)
{
    char what[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return hf_fail(err, HF_EXIT_BAD_INPUT, "%s:%llu: %s", r->path, (unsigned long long)line, what);
}

bool hf_csv_open(struct hf_csv_reader **out, const char *path, struct hf_error *err)
{
    *out = NULL;
    struct hf_csv_reader *r = calloc(1, sizeof *r);
    if (!r || !(r->path = strdup(path))) {
        free(r);
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (!hf_byte_source_open(&r->source, path, err)) {
        free(r->path);
        free(r);
        return false;
    }
    r->size = hf_byte_source_size(r->source);
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI);
    csv_set_term_func(&r->parser, only_newline_ends_rows);
    csv_set_space_func(&r->parser, is_trimmed);
    r->line = 1;
    r->at_row_start = true;
    *out = r;
    return true;
}

void hf_csv_close(struct hf_csv_reader *r)
{
    if (!r)
        return;
    csv_free(&r->parser);
    hf_byte_source_close(r->source);
    free(r->path);
    free(r->text);
    free(r->starts);
    free(r->fields);
    free(r->lengths);
    free(r);
}

const char *hf_csv_path(const struct hf_csv_reader *r) { return r->path; }
uint64_t hf_csv_offset(const struct hf_csv_reader *r) { return r->offset; }
uint64_t hf_csv_size(const struct hf_csv_reader *r) { return r->size; }

/* Room for `count` fields; false (and out_of_memory set) when memory runs out. */
static bool reserve_fields(struct hf_csv_reader *r, size_t count)
{
    if (count <= r->field_cap)
        return true;
    size_t cap = r->field_cap ? r->field_cap : 64;
    while (cap < count)
        cap *= 2;
    size_t *starts = realloc(r->starts, cap * sizeof *starts);
    if (starts)
        r->starts = starts;
    const char **fields = realloc(r->fields, cap * sizeof *fields);
    if (fields)
        r->fields = fields;
    size_t *lengths = realloc(r->lengths, cap * sizeof *lengths);
    if (lengths)
        r->lengths = lengths;
    if (!starts || !fields || !lengths) {
        r->out_of_memory = true;
        return false;
    }
    r->field_cap = cap;
    return true;
}

static void on_field(void *data, size_t len, void *ctx)
{
    struct hf_csv_reader *r = ctx;
    if (r->row_done) { /* a previous row not yet handed out: cannot happen with one '\n' per feed */
        r->out_of_memory = true;
        return;
    }
    if (!reserve_fields(r, r->field_count + 1))
        return;
    if (r->text_len + len + 1 > r->text_cap) {
        size_t cap = r->text_cap ? r->text_cap : 4096;
        while (cap < r->text_len + len + 1)
            cap *= 2;
        char *text = realloc(r->text, cap);
        if (!text) {
            r->out_of_memory = true;
            return;
        }
        r->text = text;
        r->text_cap = cap;
    }
    r->lengths[r->field_count] = len;
    r->starts[r->field_count++] = r->text_len;
    if (len && memchr(data, '\0', len))
        r->nul_in_row = true;
    if (len)
        memcpy(r->text + r->text_len, data, len);
    r->text_len += len;
    r->text[r->text_len++] = '\0';
}

static void on_row_end(int c, void *ctx)
{
    (void)c;
    ((struct hf_csv_reader *)ctx)->row_done = true;
}

/* Whether any of the 8 bytes at p is ',', '"' or NUL: the classic has-a-zero-byte test on the word
 * XORed with each (exact as a yes/no answer). */
static inline bool word_has_special(const char *p)
{
    const uint64_t ones = UINT64_C(0x0101010101010101), highs = UINT64_C(0x8080808080808080);
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t comma = w ^ (ones * ','), quote = w ^ (ones * '"');
    return (((comma - ones) & ~comma) | ((quote - ones) & ~quote) | ((w - ones) & ~w)) & highs;
}

/* The fast path for a line without quotes or NULs (most trace rows): fields split at commas and
 * trimmed of spaces, tabs and CRs at both ends, exactly as libcsv reads an unquoted line with this
 * reader's settings (tests/traces/test_csv_stream.c compares the two on random lines). The split is
 * done in place: each field's end becomes a NUL in the read buffer, which stays untouched until the
 * next hf_csv_next. One pass over the bytes finds the commas and rules the line in or out before
 * anything is written; libcsv and a copy per field were most of reading a CSV trace.
 * Returns 1 for a row, 0 for a blank line (libcsv reports no row for it), -1 when the line holds a
 * quote or a NUL (left unchanged, for libcsv) or memory ran out. */
static int split_plain_line(struct hf_csv_reader *r, char *line, size_t len)
{
    size_t commas = 0;
    for (size_t i = 0; i < len; i++) {
        /* Eight bytes at a time while they hold no comma, quote or NUL (most of a line). */
        while (i + 8 <= len && !word_has_special(line + i))
            i += 8;
        if (i >= len)
            break;
        char c = line[i];
        if (c == ',') {
            if (commas == r->field_cap && !reserve_fields(r, commas + 2))
                return -1;
            r->starts[commas++] = i;
        } else if (c == '"' || c == '\0') {
            return -1;
        }
    }
    if (!reserve_fields(r, commas + 1))
        return -1;
    size_t first = 0;
    while (first < len && is_trimmed((unsigned char)line[first]))
        first++;
    if (first == len)
        return 0;
    size_t from = 0;
    for (size_t k = 0; k <= commas; k++) {
        size_t to = k < commas ? r->starts[k] : len, a = from, b = to;
        while (a < b && is_trimmed((unsigned char)line[a]))
            a++;
        while (b > a && is_trimmed((unsigned char)line[b - 1]))
            b--;
        line[b] = '\0';
        r->fields[k] = line + a;
        r->lengths[k] = b - a;
        from = to + 1;
    }
    r->field_count = commas + 1;
    return 1;
}

static bool parse_error(struct hf_csv_reader *r, struct hf_error *err)
{
    if (r->out_of_memory)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s:%llu: out of memory", r->path,
                       (unsigned long long)r->line);
    int code = csv_error(&r->parser);
    if (code == CSV_EPARSE)
        return hf_csv_fail(r, r->line, err, "malformed CSV (a quote inside an unquoted field, or an "
                                            "unterminated quoted field)");
    return hf_csv_fail(r, r->line, err, "CSV parser: %s", csv_strerror(code));
}

/* A split row (fields and lengths set) out to the caller. */
static int give_row(struct hf_csv_reader *r, struct hf_csv_row *row, uint64_t line)
{
    row->fields = r->fields;
    row->lengths = r->lengths;
    row->count = r->field_count;
    row->line = line;
    r->row_bytes = 0;
    return 1;
}

/* A row libcsv assembled in `text`, out to the caller. */
static int hand_out(struct hf_csv_reader *r, struct hf_csv_row *row, uint64_t line, struct hf_error *err)
{
    if (r->nul_in_row) {
        r->nul_in_row = false;
        hf_csv_fail(r, line, err, "a NUL byte inside a field (a binary file, or a damaged one?)");
        return -1;
    }
    for (size_t i = 0; i < r->field_count; i++)
        r->fields[i] = r->text + r->starts[i];
    return give_row(r, row, line);
}

int hf_csv_next(struct hf_csv_reader *r, struct hf_csv_row *row, struct hf_error *err)
{
    r->row_done = false;
    r->field_count = 0;
    r->text_len = 0;
    for (;;) {
        if (r->buffer_pos == r->buffer_len) {
            if (r->finished)
                return 0;
            if (!r->eof) {
                long got = hf_byte_source_read(r->source, r->buffer, sizeof r->buffer, err);
                if (got < 0)
                    return -1; /* "PATH: read error" or a truncated/corrupt compressed stream */
                r->buffer_len = (size_t)got;
                r->buffer_pos = 0;
                /* A UTF-8 byte-order mark (spreadsheets write one) is not part of the header. */
                if (r->offset == 0 && got >= 3 && memcmp(r->buffer, "\xEF\xBB\xBF", 3) == 0) {
                    r->buffer_pos = 3;
                    r->offset = 3;
                }
                if (got == 0)
                    r->eof = true;
            }
            if (r->buffer_len == 0) {
                r->finished = true;
                if (csv_fini(&r->parser, on_field, on_row_end, r) != 0 || r->out_of_memory) {
                    parse_error(r, err);
                    return -1;
                }
                if (r->row_done)
                    return hand_out(r, row, r->line, err);
                return 0;
            }
        }
        /* Feed up to and including the next newline: at most one row can end per feed. */
        const char *start = r->buffer + r->buffer_pos;
        size_t avail = r->buffer_len - r->buffer_pos;
        const char *nl = memchr(start, '\n', avail);
        size_t n = nl ? (size_t)(nl - start) + 1 : avail;
        if (r->at_row_start && nl) {
            int split = split_plain_line(r, r->buffer + r->buffer_pos, n - 1);
            if (r->out_of_memory) {
                parse_error(r, err);
                return -1;
            }
            if (split >= 0) {
                r->buffer_pos += n;
                r->offset += n;
                if (r->buffer_pos == r->buffer_len && r->eof)
                    r->buffer_len = r->buffer_pos = 0;
                uint64_t ended_on = r->line++;
                if (split == 1)
                    return give_row(r, row, ended_on);
                continue; /* a blank line: no row, as libcsv skips it */
            }
        }
        bool quoted = memchr(start, '"', n) != NULL;
        if (csv_parse(&r->parser, start, n, on_field, on_row_end, r) != n || r->out_of_memory) {
            parse_error(r, err);
            return -1;
        }
        r->buffer_pos += n;
        r->offset += n;
        r->row_bytes += n;
        if (r->buffer_pos == r->buffer_len && r->eof)
            r->buffer_len = r->buffer_pos = 0;
        uint64_t ended_on = r->line;
        if (nl)
            r->line++;
        /* Back at a row's start after a row ended, or after a blank line outside quotes. */
        r->at_row_start = r->row_done || (r->at_row_start && nl && !quoted);
        if (r->row_done)
            return hand_out(r, row, ended_on, err);
        if (r->row_bytes > MAX_ROW_BYTES) {
            hf_csv_fail(r, ended_on, err, "a row longer than %u MiB: not a CSV trace (or a quoted field "
                                          "never closed)", MAX_ROW_BYTES >> 20);
            return -1;
        }
    }
}

int hf_csv_column(const struct hf_csv_row *header, const char *name)
{
    for (size_t i = 0; i < header->count; i++)
        if (strcmp(header->fields[i], name) == 0)
            return (int)i;
    return -1;
}

bool hf_csv_u32(const struct hf_csv_reader *r, const struct hf_csv_row *row, size_t index,
                const char *column, uint32_t *out, struct hf_error *err)
{
    const char *text = row->fields[index];
    if (!*text)
        return hf_csv_fail(r, row->line, err, "column %s: empty, expected a count", column);
    if (*text == '-')
        return hf_csv_fail(r, row->line, err, "column %s: negative count \"%.40s\"", column, text);
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (*end)
        return hf_csv_fail(r, row->line, err, "column %s: \"%.40s\" is not a whole number", column, text);
    if (errno == ERANGE || v > UINT32_MAX)
        return hf_csv_fail(r, row->line, err, "column %s: %.40s is too large", column, text);
    *out = (uint32_t)v;
    return true;
}

/* Clinger's fast path for the common "[-+]digits[.digits]": with at most 19 digits whose value is
 * exact in a double (below 2^53) and at most 22 after the point, m / 10^k divides two exact doubles,
 * which IEEE rounds once: exactly strtod's correctly rounded result, at a fraction of its cost (it
 * was a third of reading a CSV trace). Anything else (exponents, long mantissas) goes to strtod. */
static bool fast_decimal(const char *s, double *out)
{
    static const double powers[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                                    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    bool negative = *s == '-';
    if (*s == '-' || *s == '+')
        s++;
    uint64_t m = 0;
    int digits = 0, after_point = 0;
    for (; *s >= '0' && *s <= '9'; s++, digits++)
        m = m * 10 + (uint64_t)(*s - '0');
    if (*s == '.')
        for (s++; *s >= '0' && *s <= '9'; s++, digits++, after_point++)
            m = m * 10 + (uint64_t)(*s - '0');
    if (*s || digits == 0 || digits > 19 || after_point > 22 || m > (1ull << 53))
        return false;
    double v = (double)m / powers[after_point];
    *out = negative ? -v : v;
    return true;
}

bool hf_csv_double(const struct hf_csv_reader *r, const struct hf_csv_row *row, size_t index,
                   const char *column, double *out, struct hf_error *err)
{
    const char *text = row->fields[index];
    if (!*text)
        return hf_csv_fail(r, row->line, err, "column %s: empty, expected a number", column);
    if (fast_decimal(text, out))
        return true;
    /* Only decimal notation: strtod would also take hexadecimal ("0x10" = 16), "inf" and "nan". */
    if (text[strspn(text, "0123456789+-.eE")] != '\0')
        return hf_csv_fail(r, row->line, err, "column %s: \"%.40s\" is not a finite number", column, text);
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (*end || !isfinite(v))
        return hf_csv_fail(r, row->line, err, "column %s: \"%.40s\" is not a finite number", column, text);
    if (errno == ERANGE && fabs(v) > 1.0)
        return hf_csv_fail(r, row->line, err, "column %s: %.40s is out of range", column, text);
    *out = v;
    return true;
}
