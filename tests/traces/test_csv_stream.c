/* The streaming CSV reader: rows, physical line numbers, quoting, conversions and their errors. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "support/trace_replay.h"
#include "traces/csv_stream.h"

static char dir[64];

static void make_dir(void)
{
    strcpy(dir, "/tmp/hfsim-test-csv-XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
}

TestSuite(csv_stream, .init = make_dir);

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
