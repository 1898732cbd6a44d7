/* report.html: one self-contained page per study (hfsim compare, sweep, validate, and hfsim plot
 * when it redraws one), for a reader who opens a results directory in a browser.
 *
 * The page holds what was run (the facts the caller gives: scenario, policies, seeds, hfsim
 * version), a table (a CSV of the directory, with the metric labels of app/metric_labels.h as
 * headers) and the plots, each inline as SVG (read from <file>.svg in the directory, with its ids
 * prefixed so that several plots on one page do not share them) and a one-line caption. No script,
 * no style sheet, font or image from elsewhere: it reads the same offline and from an archive. A
 * plot that was not drawn (gnuplot missing) is said in place of the figure.
 *
 * The page depends only on the directory's files: the same study gives the same bytes.
 *
 * Ownership: everything borrowed. Errors: false with err set when the page cannot be written
 * (HF_EXIT_RUN_FAILED) or the table's CSV cannot be read (its error, naming file and line). */
#ifndef HF_REPORT_H
#define HF_REPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

struct hf_report_fact {
    const char *name, *value;
};

struct hf_report_plot {
    const char *file;    /* in the directory, without .svg */
    const char *caption; /* one line */
};

struct hf_report {
    const char *title;
    const struct hf_report_fact *facts;
    size_t fact_count;
    const char *table_file;   /* a CSV in the directory, shown as the table; NULL: none */
    bool table_transposed;    /* a row per column of the CSV (few runs, many metrics) */
    size_t table_max_rows;    /* rows shown (0: all); the page says how many more are in the file */
    const char *const *notes; /* paragraphs under the table (warnings); may be NULL */
    size_t note_count;
    const struct hf_report_plot *plots;
    size_t plot_count;
};

/* Writes DIR/report.html (through a temporary file renamed into place). */
bool hf_report_write(const char *dir, const struct hf_report *report, struct hf_error *err);

#endif
