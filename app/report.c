#include "app/report.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/metric_labels.h"
#include "traces/csv_stream.h"

static void html_text(FILE *out, const char *text)
{
    for (const char *c = text; *c; c++) {
        switch (*c) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        default: fputc(*c, out);
        }
    }
}

static const char style[] =
    "body{font-family:sans-serif;max-width:1150px;margin:1.5em auto;padding:0 1em;color:#222}"
    "h1{font-size:1.5em}h2{font-size:1.2em;margin-top:2em;border-bottom:1px solid #ccc}"
    "table{border-collapse:collapse;font-size:.85em}td,th{border:1px solid #ccc;padding:.25em .5em}td{white-space:nowrap}"
    "th{background:#f2f2f2;vertical-align:bottom}tbody th{text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
    "th small{display:block;color:#666;font-weight:normal}dl.facts{display:grid;grid-template-columns:max-content auto;"
    "gap:.2em 1em}dl.facts dt{font-weight:bold}dl.facts dd{margin:0}figure{margin:1.5em 0}"
    "figure svg{width:100%;height:auto;border:1px solid #eee}figcaption{font-size:.9em;color:#333}"
    "p.note{background:#fff3cd;padding:.5em}p.missing{color:#a00}.scroll{overflow-x:auto}";

static bool is_number(const char *text)
{
    if (!*text)
        return false;
    char *end;
    strtod(text, &end);
    return *end == '\0';
}

/* The table's cells, as read (rows beyond the limit counted, not kept). */
struct table {
    char ***cells; /* cells[row][field] */
    size_t *widths, rows, hidden;
};

static void table_free(struct table *t)
{
    for (size_t r = 0; r < t->rows; r++) {
        for (size_t f = 0; f < t->widths[r]; f++)
            free(t->cells[r][f]);
        free(t->cells[r]);
    }
    free(t->cells);
    free(t->widths);
}

static bool table_load(const char *path, size_t max_rows, struct table *t, struct hf_error *err)
{
    memset(t, 0, sizeof *t);
    struct hf_csv_reader *csv;
    if (!hf_csv_open(&csv, path, err))
        return false;
    struct hf_csv_row row;
    int got;
    bool ok = true;
    size_t cap = 0;
    while (ok && (got = hf_csv_next(csv, &row, err)) > 0) {
        if (max_rows && t->rows > max_rows) { /* the header and max_rows rows are kept */
            t->hidden++;
            continue;
        }
        if (t->rows == cap) {
            cap = cap ? 2 * cap : 16;
            char ***cells = realloc(t->cells, cap * sizeof *cells);
            size_t *widths = cells ? realloc(t->widths, cap * sizeof *widths) : NULL;
            if (cells)
                t->cells = cells;
            if (widths)
                t->widths = widths;
            if (!cells || !widths) {
                ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
                break;
            }
        }
        t->cells[t->rows] = calloc(row.count ? row.count : 1, sizeof **t->cells);
        t->widths[t->rows] = 0;
        if (!t->cells[t->rows]) {
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            break;
        }
        for (size_t f = 0; f < row.count; f++) {
            t->cells[t->rows][f] = strdup(row.fields[f]);
            t->widths[t->rows] += t->cells[t->rows][f] != NULL;
            ok = ok && t->cells[t->rows][f];
        }
        t->rows++;
        if (!ok)
            hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    hf_csv_close(csv);
    if (ok && got < 0)
        ok = false;
    if (!ok)
        table_free(t);
    return ok;
}

/* A header cell: the metric's label, with the CSV's column name under it to find it there. */
static void header_cell(FILE *out, const char *name, const char *tag)
{
    const char *label = hf_metric_label(name);
    fprintf(out, "<%s>", tag);
    html_text(out, label);
    if (strcmp(label, name) != 0) {
        fputs("<small>", out);
        html_text(out, name);
        fputs("</small>", out);
    }
    fprintf(out, "</%s>", tag);
}

static void data_cell(FILE *out, const char *text)
{
    fputs(is_number(text) ? "<td class=\"n\">" : "<td>", out);
    html_text(out, text);
    fputs("</td>", out);
}

/* A few rows of many metrics (a comparison, a validation) read best transposed: a row per metric,
 * a column per run, so that the page needs no sideways scrolling. */
static void write_table_transposed(FILE *out, const struct table *t)
{
    fputs("<thead><tr>", out);
    for (size_t r = 0; r < t->rows; r++) {
        fputs("<th>", out);
        html_text(out, t->widths[r] ? t->cells[r][0] : "");
        fputs("</th>", out);
    }
    fputs("</tr></thead>\n<tbody>\n", out);
    for (size_t f = 1; f < t->widths[0]; f++) {
        fputs("<tr>", out);
        header_cell(out, t->cells[0][f], "th");
        for (size_t r = 1; r < t->rows; r++)
            data_cell(out, f < t->widths[r] ? t->cells[r][f] : "");
        fputs("</tr>\n", out);
    }
}

static bool write_table(FILE *out, const char *dir, const struct hf_report *r, struct hf_error *err)
{
    char path[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/%s", dir, r->table_file);
    struct table t;
    if (!table_load(path, r->table_max_rows, &t, err))
        return false;
    fputs("<div class=\"scroll\"><table>\n", out);
    if (t.rows && r->table_transposed) {
        write_table_transposed(out, &t);
    } else if (t.rows) {
        fputs("<thead><tr>", out);
        for (size_t f = 0; f < t.widths[0]; f++)
            header_cell(out, t.cells[0][f], "th");
        fputs("</tr></thead>\n<tbody>\n", out);
        for (size_t row = 1; row < t.rows; row++) {
            fputs("<tr>", out);
            for (size_t f = 0; f < t.widths[row]; f++) {
                /* A row per metric (validation.csv): its name, labelled, heads the row. */
                if (f == 0 && strcmp(hf_metric_label(t.cells[row][0]), t.cells[row][0]) != 0)
                    header_cell(out, t.cells[row][0], "th");
                else
                    data_cell(out, t.cells[row][f]);
            }
            fputs("</tr>\n", out);
        }
    }
    fputs("</tbody></table></div>\n<p>Data: <a href=\"", out);
    html_text(out, r->table_file);
    fputs("\">", out);
    html_text(out, r->table_file);
    fputs("</a>", out);
    if (t.hidden)
        fprintf(out, " (the first %zu rows are shown; %zu more are in the file)", r->table_max_rows, t.hidden);
    fputs(".</p>\n", out);
    table_free(&t);
    return true;
}

/* True when `at` starts an attribute that defines or refers to an id: the id value follows. */
static size_t id_reference(const char *at)
{
    static const char *const starts[] = {" id='", " id=\"", "href='#", "href=\"#", "url(#"};
    for (size_t i = 0; i < sizeof starts / sizeof starts[0]; i++)
        if (strncmp(at, starts[i], strlen(starts[i])) == 0)
            return strlen(starts[i]);
    return 0;
}

/* The SVG of one plot, inline: from its <svg> element on, every id and reference to one prefixed
 * with "p<index>-" (gnuplot names the same ids in every plot, and on one page the first would win),
 * and its <title> the caption. False when the file cannot be read. */
static bool inline_svg(FILE *out, const char *dir, const struct hf_report_plot *plot, size_t index)
{
    char path[PATH_MAX + 200];
    snprintf(path, sizeof path, "%s/%s.svg", dir, plot->file);
    FILE *in = fopen(path, "rb");
    if (!in)
        return false;
    char *text = NULL;
    size_t size = 0;
    FILE *mem = open_memstream(&text, &size);
    char chunk[65536];
    size_t n;
    while (mem && (n = fread(chunk, 1, sizeof chunk, in)) > 0)
        fwrite(chunk, 1, n, mem);
    bool read_ok = !ferror(in);
    fclose(in);
    if (!mem || fclose(mem) != 0 || !read_ok) {
        free(text);
        return false;
    }
    const char *svg = strstr(text, "<svg");
    if (!svg) {
        free(text);
        return false;
    }
    for (const char *c = svg; *c;) {
        size_t skip = id_reference(c);
        if (skip) {
            fwrite(c, 1, skip, out);
            fprintf(out, "p%zu-", index);
            c += skip;
        } else if (strncmp(c, "<title>", 7) == 0 && strstr(c, "</title>")) {
            fputs("<title>", out);
            html_text(out, plot->caption);
            c = strstr(c, "</title>");
        } else {
            fputc(*c++, out);
        }
    }
    free(text);
    return true;
}

bool hf_report_write(const char *dir, const struct hf_report *r, struct hf_error *err)
{
    char path[PATH_MAX + 32], tmp[PATH_MAX + 64];
    snprintf(path, sizeof path, "%s/report.html", dir);
    snprintf(tmp, sizeof tmp, "%s/.report.html.tmp-%ld", dir, (long)getpid());
    FILE *out = fopen(tmp, "w");
    if (!out)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", tmp, strerror(errno));
    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>", out);
    html_text(out, r->title);
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", style);
    html_text(out, r->title);
    fputs("</h1>\n<h2>What was run</h2>\n<dl class=\"facts\">\n", out);
    for (size_t i = 0; i < r->fact_count; i++) {
        fputs("<dt>", out);
        html_text(out, r->facts[i].name);
        fputs("</dt><dd>", out);
        html_text(out, r->facts[i].value);
        fputs("</dd>\n", out);
    }
    fputs("</dl>\n", out);
    bool ok = true;
    if (r->table_file) {
        fputs("<h2>Results</h2>\n", out);
        ok = write_table(out, dir, r, err);
    }
    for (size_t i = 0; i < r->note_count; i++) {
        fputs("<p class=\"note\">", out);
        html_text(out, r->notes[i]);
        fputs("</p>\n", out);
    }
    if (r->plot_count)
        fputs("<h2>Plots</h2>\n", out);
    for (size_t i = 0; ok && i < r->plot_count; i++) {
        fputs("<figure>\n", out);
        if (!inline_svg(out, dir, &r->plots[i], i + 1)) {
            fputs("<p class=\"missing\">Not drawn: ", out);
            html_text(out, r->plots[i].file);
            fputs(".svg is missing (is gnuplot installed? `hfsim plot` on this directory draws it).</p>\n", out);
        }
        fputs("\n<figcaption>", out);
        html_text(out, r->plots[i].caption);
        fputs("</figcaption>\n</figure>\n", out);
    }
    fputs("<p><small>Written by hfsim; redraw with <code>hfsim plot DIR</code>.</small></p>\n</body>\n</html>\n", out);
    ok = !ferror(out) && ok;
    if (fclose(out) != 0 && ok)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed", tmp);
    else if (!ok && !err->message[0])
        hf_fail(err, HF_EXIT_RUN_FAILED, "%s: write failed", tmp);
    if (ok && rename(tmp, path) != 0)
        ok = hf_fail(err, HF_EXIT_RUN_FAILED, "%s: %s", path, strerror(errno));
    if (!ok)
        remove(tmp);
    return ok;
}
