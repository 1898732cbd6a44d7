/* The contention report: figures from this machine's /proc, and the warnings that say when a live
 * run was too disturbed for a fair comparison. No engine needed. */
#include <criterion/criterion.h>
#include <string.h>

#include "live/contention.h"
#include "sim/schema.h"

Test(contention, a_quiet_run_is_reliable_and_reports_its_figures)
{
    struct hf_contention c;
    hf_contention_begin(&c);
    hf_contention_sample(&c);
    hf_contention_api(&c, 3);
    hf_contention_api(&c, 5);
    /* a quiet machine cannot be arranged in a test: judge only what was given */
    c.load_sum = c.load_max = 0.1;
    c.load_samples = 1;
    json_t *o = hf_contention_json(&c, 2.0);
    cr_assert_float_eq(hf_json_number_at(o, "engine_api_ms.mean"), 4, 1e-9);
    cr_assert_float_eq(hf_json_number_at(o, "engine_api_ms.max"), 5, 1e-9);
    cr_assert_gt(hf_json_int_at(o, "cores"), 0);
    if (c.have_load)
        cr_assert_float_eq(hf_json_number_at(o, "load_avg_1m.max"), 0.1, 1e-9);
    const json_t *warnings = hf_json_at(o, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++) /* only steal, which the test cannot control */
        cr_assert(strstr(json_string_value(json_array_get(warnings, i)), "steal"), "%s",
                  json_string_value(json_array_get(warnings, i)));
    json_decref(o);
}

Test(contention, each_disturbance_is_named)
{
    struct hf_contention c = {0};
    c.have_load = true;
    c.load_sum = c.load_max = 1e6; /* more than any machine's cores */
    c.load_samples = 1;
    hf_contention_api(&c, 2500);
    json_t *o = hf_contention_json(&c, 400);
    cr_assert(json_is_false(hf_json_at(o, "reliable")));
    char *text = json_dumps(hf_json_at(o, "warnings"), 0);
    cr_assert(strstr(text, "load average") && strstr(text, "engine call took 2500 ms") &&
                  strstr(text, "issued 400 ms late"),
              "%s", text);
    free(text);
    json_decref(o);
}
