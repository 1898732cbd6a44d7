#include "app/timeseries_columns.h"

#include <stdlib.h>
#include <string.h>

#include "traces/csv_stream.h"

void hf_timeseries_columns_free(struct hf_timeseries_columns *t)
{
    for (size_t c = 0; c < t->count && c < HF_TIMESERIES_MAX_COLUMNS; c++)
        free(t->values[c]);
    memset(t, 0, sizeof *t);
}

bool hf_timeseries_columns_load(const char *path, const char *const *names, size_t count,
                                struct hf_timeseries_columns *out, struct hf_error *err)
{
    memset(out, 0, sizeof *out);
    if (count == 0 || count > HF_TIMESERIES_MAX_COLUMNS)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "%s: between 1 and %d columns can be read", path,
                       HF_TIMESERIES_MAX_COLUMNS);
    struct hf_csv_reader *r;
    if (!hf_csv_open(&r, path, err))
        return false;
    out->count = count;
    struct hf_csv_row row;
    int got = hf_csv_next(r, &row, err);
    bool ok = got > 0 || (got == 0 && hf_fail(err, HF_EXIT_BAD_INPUT, "%s: empty (no header)", path));
    int field[HF_TIMESERIES_MAX_COLUMNS];
    for (size_t c = 0; ok && c < count; c++)
        if ((field[c] = hf_csv_column(&row, names[c])) < 0)
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: no column '%s' in the header", path, names[c]);
    size_t cap = 0;
    while (ok && (got = hf_csv_next(r, &row, err)) > 0) {
        if (out->rows == cap) {
            cap = cap ? 2 * cap : 1024;
            for (size_t c = 0; ok && c < count; c++) {
                double *grown = realloc(out->values[c], cap * sizeof *grown);
                ok = grown ? (out->values[c] = grown, true) : hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            }
        }
        for (size_t c = 0; ok && c < count; c++)
            ok = ((size_t)field[c] < row.count ||
                  hf_csv_fail(r, row.line, err, "fewer fields than the header (no column '%s')", names[c])) &&
                 hf_csv_double(r, &row, (size_t)field[c], names[c], &out->values[c][out->rows], err);
        if (ok)
            out->rows++;
    }
    ok = ok && got == 0;
    hf_csv_close(r);
    if (!ok)
        hf_timeseries_columns_free(out);
    return ok;
}
