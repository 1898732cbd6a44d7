#include "app/study.h"

#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/json_file.h"
#include "sim/schema.h"

void hf_study_fact(struct hf_study *s, const char *name, const char *format, ...)
{
    if (s->fact_count >= HF_STUDY_MAX_FACTS)
        return;
    snprintf(s->facts[s->fact_count].name, sizeof s->facts[0].name, "%s", name);
    va_list ap;
    va_start(ap, format);
    vsnprintf(s->facts[s->fact_count].value, sizeof s->facts[0].value, format, ap);
    va_end(ap);
    s->fact_count++;
}

bool hf_study_run(struct hf_study *s, const char *name, const char *dir)
{
    if (s->run_count >= HF_STUDY_MAX_RUNS || strlen(name) >= sizeof s->runs[0].name ||
        strlen(dir) >= sizeof s->runs[0].dir)
        return false;
    snprintf(s->runs[s->run_count].name, sizeof s->runs[0].name, "%s", name);
    snprintf(s->runs[s->run_count].dir, sizeof s->runs[0].dir, "%s", dir);
    s->run_count++;
    return true;
}

bool hf_study_save(const char *dir, const struct hf_study *s, struct hf_error *err)
{
    json_t *facts = json_array(), *runs = json_array();
    for (size_t i = 0; i < s->fact_count; i++)
        json_array_append_new(facts, json_pack("{s:s, s:s}", "name", s->facts[i].name, "value", s->facts[i].value));
    for (size_t i = 0; i < s->run_count; i++)
        json_array_append_new(runs, json_pack("{s:s, s:s}", "name", s->runs[i].name, "dir", s->runs[i].dir));
    json_t *doc = json_pack("{s:s, s:s, s:o, s:o}", "kind", s->kind, "title", s->title, "facts", facts, "runs", runs);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/study.json", dir);
    bool ok = doc && json_dump_file(doc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0;
    json_decref(doc);
    return ok || hf_fail(err, HF_EXIT_RUN_FAILED, "%s: cannot write", path);
}

static bool copy_string(const json_t *obj, const char *key, char *out, size_t size)
{
    const char *v = json_string_value(json_object_get(obj, key));
    if (!v || strlen(v) >= size)
        return false;
    memcpy(out, v, strlen(v) + 1);
    return true;
}

bool hf_study_load(const char *dir, struct hf_study *s, struct hf_error *err)
{
    memset(s, 0, sizeof *s);
    char path[PATH_MAX + 32];
    snprintf(path, sizeof path, "%s/study.json", dir);
    json_t *doc = hf_json_load_file(path, err);
    if (!doc)
        return false;
    bool ok = copy_string(doc, "kind", s->kind, sizeof s->kind) && copy_string(doc, "title", s->title, sizeof s->title);
    const json_t *facts = json_object_get(doc, "facts"), *runs = json_object_get(doc, "runs"), *item;
    size_t i;
    ok = ok && json_is_array(facts) && json_is_array(runs) && json_array_size(facts) <= HF_STUDY_MAX_FACTS &&
         json_array_size(runs) <= HF_STUDY_MAX_RUNS;
    json_array_foreach(ok ? facts : NULL, i, item) {
        ok = ok && copy_string(item, "name", s->facts[i].name, sizeof s->facts[i].name) &&
             copy_string(item, "value", s->facts[i].value, sizeof s->facts[i].value);
        s->fact_count += ok;
    }
    json_array_foreach(ok ? runs : NULL, i, item) {
        ok = ok && copy_string(item, "name", s->runs[i].name, sizeof s->runs[i].name) &&
             copy_string(item, "dir", s->runs[i].dir, sizeof s->runs[i].dir);
        s->run_count += ok;
    }
    json_decref(doc);
    return ok || hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected {\"kind\", \"title\", \"facts\": [{\"name\", "
                                                  "\"value\"}], \"runs\": [{\"name\", \"dir\"}]} (at most %d facts "
                                                  "and %d runs)", path, HF_STUDY_MAX_FACTS, HF_STUDY_MAX_RUNS);
}

void hf_study_scenario_facts(struct hf_study *s, const json_t *scenario, const char *file,
                             const char *const *overrides, size_t override_count)
{
    const char *description = hf_json_string_at(scenario, "description");
    hf_study_fact(s, "Scenario", "%s%s%s", hf_json_string_at(scenario, "name"), description[0] ? ": " : "",
                  description);
    hf_study_fact(s, "Scenario file", "%s", file);
    if (!overrides)
        return;
    char sets[1024] = "";
    for (size_t i = 0; i < override_count; i++)
        snprintf(sets + strlen(sets), sizeof sets - strlen(sets), "%s--set %s", i ? " " : "", overrides[i]);
    hf_study_fact(s, "Changes to it", "%s", sets[0] ? sets : "none");
}
