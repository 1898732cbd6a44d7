/* The streaming CSV reader: rows, physical line numbers, quoting, conversions and their errors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/trace_replay.h"
#include "traces/csv_stream.h"
#include "sim/results.h"

#include <csv.h>
#include <stdio.h>

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-csv-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

/* Each test's files go with it. */
static void remove_dir(void) { hf_remove_tree(dir); }

TestSuite(csv_stream, .init = make_dir, .fini = remove_dir);

Test(csv_stream, rows_lines_crlf_blank_lines_and_quotes)
{
    char path[PATH_LEN];
    write_file(path, dir, "a.csv", "h1,h2\r\n\r\nx, y \r\n\"a,b\",\"multi\nline\"\nlast,row");
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err), "%s", err.message);
    struct hf_csv_row row;
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(row.line, 1);
    cr_assert_eq(row.count, 2);
    cr_assert_str_eq(row.fields[1], "h2", "the CR is trimmed");
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(row.line, 3, "the blank line 2 is skipped but counted");
    cr_assert_str_eq(row.fields[0], "x");
    cr_assert_str_eq(row.fields[1], "y", "spaces around unquoted fields are trimmed");
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_str_eq(row.fields[0], "a,b");
    cr_assert_str_eq(row.fields[1], "multi\nline");
    cr_assert_eq(row.line, 5, "a row with a quoted newline ends on the next line");
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(row.line, 6);
    cr_assert_str_eq(row.fields[1], "row", "the last row needs no newline");
    cr_assert_eq(hf_csv_next(r, &row, &err), 0);
    cr_assert_eq(hf_csv_next(r, &row, &err), 0, "end of file stays the end");
    hf_csv_close(r);
}

Test(csv_stream, malformed_quoting_names_the_line)
{
    char path[PATH_LEN];
    write_file(path, dir, "b.csv", "a,b\n1,2\n3,x\"y\n");
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err));
    struct hf_csv_row row;
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(hf_csv_next(r, &row, &err), -1);
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert_not_null(strstr(err.message, "b.csv:3: malformed CSV"), "%s", err.message);
    hf_csv_close(r);

    write_file(path, dir, "c.csv", "a,b\n\"never closed,2\n");
    cr_assert(hf_csv_open(&r, path, &err));
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    cr_assert_eq(hf_csv_next(r, &row, &err), -1);
    cr_assert_not_null(strstr(err.message, "c.csv:"), "%s", err.message);
    hf_csv_close(r);
}

Test(csv_stream, missing_file_and_directory)
{
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert_not(hf_csv_open(&r, "/nonexistent/x.csv", &err));
    cr_assert_not_null(strstr(err.message, "/nonexistent/x.csv: cannot open"), "%s", err.message);
    cr_assert_not(hf_csv_open(&r, dir, &err));
    cr_assert_not_null(strstr(err.message, "is a directory"), "%s", err.message);
}

Test(csv_stream, strict_conversions)
{
    char path[PATH_LEN];
    write_file(path, dir, "d.csv", "n,x\n12,1.5\n-3,nan\n99999999999,1e999\n4x,\n");
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err));
    struct hf_csv_row row;
    uint32_t n;
    double x;
    hf_csv_next(r, &row, &err);
    hf_csv_next(r, &row, &err);
    cr_assert(hf_csv_u32(r, &row, 0, "n", &n, &err) && n == 12);
    cr_assert(hf_csv_double(r, &row, 1, "x", &x, &err) && x == 1.5);
    hf_csv_next(r, &row, &err);
    cr_assert_not(hf_csv_u32(r, &row, 0, "n", &n, &err));
    cr_assert_not_null(strstr(err.message, "d.csv:3: column n: negative count"), "%s", err.message);
    cr_assert_not(hf_csv_double(r, &row, 1, "x", &x, &err));
    cr_assert_not_null(strstr(err.message, "not a finite number"), "%s", err.message);
    hf_csv_next(r, &row, &err);
    cr_assert_not(hf_csv_u32(r, &row, 0, "n", &n, &err));
    cr_assert_not_null(strstr(err.message, "too large"), "%s", err.message);
    cr_assert_not(hf_csv_double(r, &row, 1, "x", &x, &err));
    hf_csv_next(r, &row, &err);
    cr_assert_not(hf_csv_u32(r, &row, 0, "n", &n, &err));
    cr_assert_not_null(strstr(err.message, "d.csv:5: column n: \"4x\" is not a whole number"), "%s", err.message);
    cr_assert_not(hf_csv_double(r, &row, 1, "x", &x, &err));
    cr_assert_not_null(strstr(err.message, "empty"), "%s", err.message);
    hf_csv_close(r);
}

Test(csv_stream, rows_longer_than_a_read_chunk)
{
    /* 3 rows of 100,000 fields each: they span many 64 KiB reads. */
    size_t fields = 100000;
    char *text = malloc(fields * 2 * 3 + 16);
    size_t n = 0;
    for (int r = 0; r < 3; r++) {
        for (size_t i = 0; i < fields; i++) {
            text[n++] = (char)('0' + (i + (size_t)r) % 10);
            text[n++] = i + 1 == fields ? '\n' : ',';
        }
    }
    text[n] = '\0';
    char path[PATH_LEN];
    write_file(path, dir, "e.csv", text);
    free(text);
    struct hf_csv_reader *rd;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&rd, path, &err));
    struct hf_csv_row row;
    for (int r = 0; r < 3; r++) {
        cr_assert_eq(hf_csv_next(rd, &row, &err), 1);
        cr_assert_eq(row.count, fields);
        cr_assert_eq(row.line, (uint64_t)r + 1);
        cr_assert_eq(row.fields[fields - 1][0], (char)('0' + (fields - 1 + (size_t)r) % 10));
    }
    cr_assert_eq(hf_csv_next(rd, &row, &err), 0);
    cr_assert_eq(hf_csv_offset(rd), hf_csv_size(rd));
    hf_csv_close(rd);
}

/* The reader's fast path for lines without quotes must read exactly what libcsv reads with the same
 * settings (strict, only '\n' ends a row, spaces, tabs and CRs trimmed). 300 random files of lines
 * built from separators, blanks, CRs, text and, now and then, quoted fields (some spanning lines),
 * so the reader also switches between its two paths: the same rows with the same fields. */
struct collected {
    char fields[4096][16];
    size_t field_len[4096];
    int row_of[4096];
    int count, rows;
};

static void collect_field(void *data, size_t len, void *ctx)
{
    struct collected *c = ctx;
    cr_assert_lt(c->count, 4096);
    cr_assert_lt(len, 16u);
    memcpy(c->fields[c->count], data, len);
    c->field_len[c->count] = len;
    c->row_of[c->count++] = c->rows;
}
static void collect_row(int ch, void *ctx)
{
    (void)ch;
    ((struct collected *)ctx)->rows++;
}
static int newline_only(unsigned char c) { return c == '\n'; }
static int blank(unsigned char c) { return c == ' ' || c == '\t' || c == '\r'; }

Test(csv_stream, the_fast_path_reads_what_libcsv_reads)
{
    static const char alphabet[] = "ab1.-,, \t\r\n\n";
    static struct collected expected, got;
    srand(11);
    for (int file = 0; file < 300; file++) {
        char text[600];
        size_t len = 0;
        int quotes = 0;
        while (len < 400) {
            int pick = rand() % 40;
            if (pick == 0 && len + 6 < sizeof text) { /* a quoted field, closed on this line or a later one */
                memcpy(text + len, "\"x,\n", 4);
                len += 4;
                quotes++;
                if (rand() % 2) {
                    text[len++] = '"';
                    quotes++;
                }
            } else {
                text[len++] = alphabet[rand() % (sizeof alphabet - 1)];
            }
        }
        if (quotes % 2)
            text[len++] = '"'; /* close it, so the file is well formed */
        text[len++] = '\n';
        char path[128];
        snprintf(path, sizeof path, "%s/random-%d.csv", dir, file);
        FILE *f = fopen(path, "wb");
        cr_assert_not_null(f);
        fwrite(text, 1, len, f);
        fclose(f);

        memset(&expected, 0, sizeof expected);
        struct csv_parser p;
        csv_init(&p, CSV_STRICT | CSV_STRICT_FINI);
        csv_set_term_func(&p, newline_only);
        csv_set_space_func(&p, blank);
        int parsed = csv_parse(&p, text, len, collect_field, collect_row, &expected) == len &&
                     csv_fini(&p, collect_field, collect_row, &expected) == 0;
        csv_free(&p);

        memset(&got, 0, sizeof got);
        struct hf_csv_reader *r;
        struct hf_error err = {0};
        cr_assert(hf_csv_open(&r, path, &err), "%s", err.message);
        struct hf_csv_row row;
        int status;
        while ((status = hf_csv_next(r, &row, &err)) == 1) {
            for (size_t i = 0; i < row.count; i++) {
                cr_assert_eq(row.lengths[i], strlen(row.fields[i]), "file %d: a field's length", file);
                collect_field((void *)row.fields[i], row.lengths[i], &got);
            }
            got.rows++;
        }
        hf_csv_close(r);
        cr_assert_eq(status == 0, parsed, "file %d: libcsv %s, the reader %s (%s)", file, parsed ? "reads it" : "refuses it",
                     status == 0 ? "reads it" : "refuses it", err.message);
        if (!parsed)
            continue;
        cr_assert_eq(got.rows, expected.rows, "file %d: %d rows, libcsv %d", file, got.rows, expected.rows);
        cr_assert_eq(got.count, expected.count, "file %d: %d fields, libcsv %d", file, got.count, expected.count);
        for (int i = 0; i < got.count; i++) {
            cr_assert_eq(got.row_of[i], expected.row_of[i], "file %d field %d: row", file, i);
            cr_assert(got.field_len[i] == expected.field_len[i] &&
                          memcmp(got.fields[i], expected.fields[i], got.field_len[i]) == 0,
                      "file %d field %d: \"%.*s\", libcsv \"%.*s\"", file, i, (int)got.field_len[i], got.fields[i],
                      (int)expected.field_len[i], expected.fields[i]);
        }
    }
}

/* A NUL or a quote anywhere in a line, also inside a long run the fast path skips eight bytes at a
 * time, takes the line off the fast path: a NUL is refused with its line, a quote is parsed. */
Test(csv_stream, nul_and_quote_found_at_every_position)
{
    for (size_t at = 0; at < 40; at++) {
        for (int kind = 0; kind < 2; kind++) {
            char text[128] = "h1,h2\n";
            size_t len = strlen(text);
            char line[48];
            memset(line, 'x', sizeof line);
            line[20] = ',';
            line[41] = '\n';
            line[at] = kind == 0 ? '\0' : '"';
            if (kind == 1)
                line[40] = '"'; /* ... a quote opened at `at` closes at the end, or quotes a quote */
            memcpy(text + len, line, 42);
            len += 42;
            char path[128];
            snprintf(path, sizeof path, "%s/special-%zu-%d.csv", dir, at, kind);
            FILE *f = fopen(path, "wb");
            cr_assert_not_null(f);
            fwrite(text, 1, len, f);
            fclose(f);
            struct hf_csv_reader *r;
            struct hf_error err = {0};
            cr_assert(hf_csv_open(&r, path, &err), "%s", err.message);
            struct hf_csv_row row;
            cr_assert_eq(hf_csv_next(r, &row, &err), 1);
            int status = hf_csv_next(r, &row, &err);
            if (kind == 0) {
                cr_assert_eq(status, -1, "a NUL at %zu is refused", at);
                cr_assert(strstr(err.message, ":2: a NUL byte"), "%s", err.message);
            } else {
                /* libcsv decides: at a field's start (0, 21) a quote opens a quoted field that the
                 * quote at 40 closes; anywhere else it is malformed. The fast path would read it as
                 * a plain character. */
                bool opens = at == 0 || at == 21;
                cr_assert_eq(status, opens ? 1 : -1, "a quote at %zu: %s", at, err.message);
                if (opens)
                    cr_assert_eq(row.count, at == 0 ? 1u : 2u, "a quote at %zu", at);
            }
            hf_csv_close(r);
        }
    }
}

/* hf_csv_double's fast path must give strtod's double, bit for bit: 20,000 random decimals of
 * 1-22 digits with and without a point, signs, and some that must fall back (exponents). */
Test(csv_stream, numbers_read_exactly_as_strtod_reads_them)
{
    char path[128];
    snprintf(path, sizeof path, "%s/numbers.csv", dir);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs("x\n", f);
    srand(5);
    for (int i = 0; i < 20000; i++) {
        char number[64];
        int len = 0, digits = 1 + rand() % 22, point = rand() % (digits + 2);
        if (rand() % 5 == 0)
            number[len++] = rand() % 2 ? '-' : '+';
        for (int d = 0; d < digits; d++) {
            if (d == point)
                number[len++] = '.';
            number[len++] = (char)('0' + rand() % 10);
        }
        if (rand() % 10 == 0)
            len += snprintf(number + len, sizeof number - (size_t)len, "e%d", rand() % 40 - 20);
        number[len] = '\0';
        fprintf(f, "%s\n", number);
    }
    fclose(f);
    struct hf_csv_reader *r;
    struct hf_error err = {0};
    cr_assert(hf_csv_open(&r, path, &err), "%s", err.message);
    struct hf_csv_row row;
    cr_assert_eq(hf_csv_next(r, &row, &err), 1);
    int rows = 0;
    while (hf_csv_next(r, &row, &err) == 1) {
        double got, expected = strtod(row.fields[0], NULL);
        cr_assert(hf_csv_double(r, &row, 0, "x", &got, &err), "%s", err.message);
        cr_assert(memcmp(&got, &expected, sizeof got) == 0, "%s: %.17g, strtod %.17g", row.fields[0], got, expected);
        rows++;
    }
    cr_assert_eq(rows, 20000);
    hf_csv_close(r);
}
