#include "support/run_summary.h"

#include <criterion/criterion.h>
#include <stdio.h>

#include "app/run.h"
#include "app/scenario.h"

json_t *run_summary(const char *out_dir, const char *const *sets, size_t count)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, sets, count, &err);
    cr_assert_not_null(s, "%s", err.message);
    struct hf_run_options o = {.out_dir = out_dir};
    struct hf_run_report report;
    cr_assert(hf_run_scenario(s, &o, &report, &err), "%s", err.message);
    json_decref(s);
    return summary_load(out_dir);
}

json_t *summary_load(const char *dir)
{
    char path[512];
    snprintf(path, sizeof path, "%s/summary.json", dir);
    json_error_t jerr;
    json_t *summary = json_load_file(path, 0, &jerr);
    cr_assert_not_null(summary, "%s: %s", path, jerr.text);
    return summary;
}
