/* Runs the embedded default scenario with `--set` texts into `out_dir` (a path under a test's own
 * temporary directory) and returns the run's summary.json; asserts (Criterion) that the scenario
 * loads and the run succeeds. The caller owns the JSON. */
#ifndef HF_TEST_RUN_SUMMARY_H
#define HF_TEST_RUN_SUMMARY_H

#include <jansson.h>
#include <stddef.h>

json_t *run_summary(const char *out_dir, const char *const *sets, size_t count);
/* DIR/summary.json of any run (simulated or live), loaded; asserts it loads. The caller owns it. */
json_t *summary_load(const char *dir);

#endif
