/* study.json: what a study directory (hfsim compare, sweep, validate, or hfsim plot of several
 * runs) is and how it was made, so that `hfsim plot DIR` can redraw its plots and report.html
 * later without the command line that made it.
 *
 * {"kind": "comparison"|"sweep"|"validation", "title": "...",
 *  "facts": [{"name": "...", "value": "..."}, ...],   what report.html lists under "What was run"
 *  "runs": [{"name": "...", "dir": "..."}, ...]}      comparison: the runs, dirs relative to DIR or absolute
 *
 * Ownership: a struct hf_study holds copies. Errors: load fails with HF_EXIT_BAD_INPUT naming the
 * file and what is wrong; save fails with HF_EXIT_RUN_FAILED. */
#ifndef HF_STUDY_H
#define HF_STUDY_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/error.h"

#define HF_STUDY_MAX_FACTS 16
#define HF_STUDY_MAX_RUNS 64

struct hf_study {
    char kind[32];
    char title[256];
    size_t fact_count;
    struct {
        char name[64], value[1024];
    } facts[HF_STUDY_MAX_FACTS];
    size_t run_count;
    struct {
        char name[128], dir[4096];
    } runs[HF_STUDY_MAX_RUNS];
};

/* Appends a fact (printf-style value); silently ignored past HF_STUDY_MAX_FACTS. */
void hf_study_fact(struct hf_study *s, const char *name, const char *format, ...) __attribute__((format(printf, 3, 4)));
/* The facts every study starts with: "Scenario" (name: description), "Scenario file" (`file`), and,
 * when `overrides` is not NULL, "Changes to it" (the --set arguments, or "none"). */
struct json_t;
void hf_study_scenario_facts(struct hf_study *s, const struct json_t *scenario, const char *file,
                             const char *const *overrides, size_t override_count);
/* Appends a run; false past HF_STUDY_MAX_RUNS or for a name or dir too long. */
bool hf_study_run(struct hf_study *s, const char *name, const char *dir);

bool hf_study_save(const char *dir, const struct hf_study *s, struct hf_error *err);
bool hf_study_load(const char *dir, struct hf_study *s, struct hf_error *err);

#endif
