/* The metrics that comparisons put side by side (hfsim compare's table and comparison.csv, hfsim
 * sweep's sweep.csv): a column name, where it is in summary.json, and how to print it. */
#ifndef HF_SUMMARY_COLUMNS_H
#define HF_SUMMARY_COLUMNS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

struct hf_summary_column {
    const char *name, *path, *format;
};

extern const struct hf_summary_column hf_summary_columns[];
extern const size_t hf_summary_column_count;

/* The column's value in a summary; *present false (value 0) when the summary has no such field
 * (no burst, no VMs, never stabilized). */
double hf_summary_value(const json_t *summary, const struct hf_summary_column *column, bool *present);

#endif
