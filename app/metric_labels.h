/* Human names of the metrics hfsim plots and tabulates: one table, so that a plot's axis, a sweep's
 * title, a report's table header and a validation row say the same thing about the same number.
 *
 * Keys are the column names of comparison.csv and sweep.csv (app/summary_columns.h), of
 * timeseries.csv (docs/results.md) and of validation.csv. Each label carries its unit in
 * parentheses; a count has none. */
#ifndef HF_METRIC_LABELS_H
#define HF_METRIC_LABELS_H

#include <stdio.h>

/* The label of `name`, or `name` itself when the table has none (a new column still plots, under
 * its raw name, until it is added here). Never NULL; the string is static. */
const char *hf_metric_label(const char *name);

/* Writes the table as gnuplot variables, one line each: `L_<name> = '<label>'`, so that the plot
 * scripts hfsim writes (and a user edits) name axes from the same table. */
void hf_metric_labels_gnuplot(FILE *out);

#endif
