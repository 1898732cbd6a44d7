/* Numbers as text, fast, for the files a run streams row by row (timeseries.csv): the exact bytes
 * printf("%.9g") writes, without printf in the per-row path (it was most of a long run's time).
 *
 * Integers below 10^9 and values with 9 significant digits in fixed notation (10^-4 <= |v| < 10^9)
 * are written directly: the value is scaled by a power of ten (exact in a double) and rounded once,
 * the rounding decided exactly (fma gives the scaling's error; ties to even, as printf). Anything
 * unusual (exponent notation, NaN, infinities, -0, a rounding up to the next power of ten) falls
 * back to snprintf, so the output is always printf's. tests/sim/test_number_format.c compares the two on millions of values.
 *
 * No allocation; `buf` needs HF_NUMBER_G9_MAX bytes. Returns the length written (no NUL counted,
 * one written). */
#ifndef HF_NUMBER_FORMAT_H
#define HF_NUMBER_FORMAT_H

#include <stddef.h>

#define HF_NUMBER_G9_MAX 32

size_t hf_format_g9(char *buf, double value);

#endif
