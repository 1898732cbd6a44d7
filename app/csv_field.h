/* Writing one CSV field (RFC 4180): quoted, with quotes doubled, when it holds a comma, a quote or
 * a line break; as it is otherwise. For the CSV files hfsim writes from user-given text (swept
 * values, run names). */
#ifndef HF_CSV_FIELD_H
#define HF_CSV_FIELD_H

#include <stdio.h>

void hf_csv_field(FILE *out, const char *text);

#endif
