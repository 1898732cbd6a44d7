#include "support/skip_aware_main.h"

#include <criterion/criterion.h>
#include <criterion/hooks.h>

/* Criterion hands the run's totals to a hook only; skip_aware_main reads them after the run. */
static struct criterion_global_stats totals;

ReportHook(POST_ALL)(struct criterion_global_stats *stats) { totals = *stats; }

int skip_aware_main(int argc, char *argv[])
{
    struct criterion_test_set *tests = criterion_initialize();
    int result = 0;
    bool ran = criterion_handle_args(argc, argv, true);
    if (ran)
        result = !criterion_run_all_tests(tests);
    criterion_finalize(tests);
    if (ran && result == 0 && totals.nb_tests > 0 && totals.tests_skipped == totals.nb_tests)
        return SKIP_AWARE_SKIPPED;
    return result;
}
