#include "sim/schema.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *json_kind(const json_t *v)
{
    switch (json_typeof(v)) {
    case JSON_OBJECT: return "object";
    case JSON_ARRAY: return "array";
    case JSON_STRING: return "string";
    case JSON_INTEGER: return "integer";
    case JSON_REAL: return "number";
    case JSON_TRUE:
    case JSON_FALSE: return "boolean";
    case JSON_NULL: return "null";
    }
    return "value";
}

static const char *type_name(enum hf_field_type t)
{
    switch (t) {
    case HF_T_INT: return "integer";
    case HF_T_NUMBER: return "number";
    case HF_T_BOOL: return "boolean";
    case HF_T_STRING: return "string";
    case HF_T_ENUM: return "string";
    case HF_T_OBJECT: return "object";
    case HF_T_ARRAY: return "array";
    }
    return "value";
}

static void format_bound(char *buf, size_t n, double v)
{
    snprintf(buf, n, "%.12g", v);
}

/* Bounds every field of a unit gets, so that no value overflows the int64-nanosecond clock, a
 * 32-bit count or memory (products such as rate x duration are checked where they are formed).
 * Times are bounded to 1e9 s (about 31 years): sums of a few of them still fit in 2^63 ns. */
static const struct {
    const char *unit;
    double max;
    const char *why;
} unit_caps[] = {
    {"s", 1e9, "times are bounded to 1e9 s, within the int64-nanosecond clock"},
    {"ms", 1e12, "times are bounded to 1e9 s, within the int64-nanosecond clock"},
    {"min", 1e9 / 60, "times are bounded to 1e9 s, within the int64-nanosecond clock"},
    {"1/s", 1e9, "a rate above 1e9/s is below the clock's 1 ns resolution"},
    {"count", 1e9, "counts are 32-bit"},
    {"MiB", 1e9, "memory is bounded to 1e9 MiB"},
    {"MiB/s", 1e9, "bandwidth is bounded to 1e9 MiB/s"},
    {"cores", 1e6, "cores are bounded to 1e6"},
    {"%", 1e6, "percentages are bounded to 1e6"},
};

double hf_schema_max(const struct hf_field *f, const char **why)
{
    double max = (f->flags & HF_F_MAX) ? f->max : INFINITY;
    *why = NULL;
    for (size_t i = 0; f->unit && i < sizeof unit_caps / sizeof *unit_caps; i++)
        if (strcmp(f->unit, unit_caps[i].unit) == 0 && unit_caps[i].max < max) {
            max = unit_caps[i].max;
            *why = unit_caps[i].why;
        }
    return max;
}

static bool check_range(const struct hf_field *f, double v, const char *path, struct hf_error *err)
{
    char lo[32], hi[32], got[32];
    const char *cap_why;
    double max = hf_schema_max(f, &cap_why);
    format_bound(lo, sizeof lo, f->min);
    format_bound(hi, sizeof hi, max);
    format_bound(got, sizeof got, v);
    if (!isfinite(v))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: must be a finite number", path);
    if ((f->flags & HF_F_MIN) && (f->flags & HF_F_MIN_EXCL) && !(v > f->min))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: must be > %s (got %s)", path, lo, got);
    if ((f->flags & HF_F_MIN) && !(f->flags & HF_F_MIN_EXCL) && !(v >= f->min))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: must be >= %s (got %s)", path, lo, got);
    if (!(v <= max))
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: must be <= %s%s%s (got %s)%s%s", path, hi,
                       f->unit && *f->unit ? " " : "", f->unit ? f->unit : "", got, cap_why ? ": " : "",
                       cap_why ? cap_why : "");
    return true;
}

static json_t *resolve_value(const struct hf_field *f, const json_t *v, const char *path,
                             struct hf_error *err);

static json_t *resolve_object(const struct hf_field *fields, const json_t *doc, const char *path,
                              struct hf_error *err)
{
    if (doc && !json_is_object(doc)) {
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected an object, got %s", path, json_kind(doc));
        return NULL;
    }
    /* Unknown keys first: a typo is the most likely mistake and the most useful message. */
    if (doc) {
        const char *key;
        json_t *value;
        json_object_foreach((json_t *)doc, key, value) {
            bool known = false;
            for (const struct hf_field *f = fields; f->key; f++)
                if (strcmp(f->key, key) == 0)
                    known = true;
            if (!known) {
                char hint[256] = "";
                size_t used = 0;
                for (const struct hf_field *f = fields; f->key && used < sizeof hint - 40; f++)
                    used += (size_t)snprintf(hint + used, sizeof hint - used, "%s%s",
                                             used ? ", " : "", f->key);
                hf_fail(err, HF_EXIT_BAD_INPUT, "%s: unknown key \"%s\" (known keys: %s)", path,
                        key, hint);
                return NULL;
            }
        }
    }
    json_t *out = json_object();
    for (const struct hf_field *f = fields; f->key; f++) {
        char child_path[512];
        snprintf(child_path, sizeof child_path, "%s.%s", path, f->key);
        const json_t *given = doc ? json_object_get(doc, f->key) : NULL;
        if (!given && (f->flags & HF_F_OPTIONAL))
            continue;
        json_t *resolved = resolve_value(f, given, child_path, err);
        if (!resolved) {
            json_decref(out);
            return NULL;
        }
        json_object_set_new(out, f->key, resolved);
    }
    return out;
}

static json_t *resolve_value(const struct hf_field *f, const json_t *v, const char *path,
                             struct hf_error *err)
{
    json_t *parsed_default = NULL;
    if (!v) {
        if (f->flags & HF_F_REQUIRED) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: missing (required %s)", path, type_name(f->type));
            return NULL;
        }
        if (f->type == HF_T_OBJECT)
            return resolve_object(f->fields, NULL, path, err);
        json_error_t jerr;
        parsed_default = json_loads(f->def ? f->def : (f->type == HF_T_ARRAY ? "[]" : "null"),
                                    JSON_DECODE_ANY, &jerr);
        v = parsed_default;
    }
    json_t *out = NULL;
    switch (f->type) {
    case HF_T_INT:
        if (!json_is_integer(v))
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected an integer, got %s", path, json_kind(v));
        else if (check_range(f, (double)json_integer_value(v), path, err))
            out = json_integer(json_integer_value(v));
        break;
    case HF_T_NUMBER:
        if (!json_is_number(v))
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected a number, got %s", path, json_kind(v));
        else if (check_range(f, json_number_value(v), path, err))
            out = json_real(json_number_value(v));
        break;
    case HF_T_BOOL:
        if (!json_is_boolean(v))
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected true or false, got %s", path,
                    json_kind(v));
        else
            out = json_boolean(json_is_true(v));
        break;
    case HF_T_STRING:
        if (!json_is_string(v))
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected a string, got %s", path, json_kind(v));
        else
            out = json_string(json_string_value(v));
        break;
    case HF_T_ENUM: {
        if (!json_is_string(v)) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected a string, got %s", path, json_kind(v));
            break;
        }
        char list[256] = "";
        size_t used = 0;
        for (const char *const *c = f->choices; *c; c++) {
            if (strcmp(*c, json_string_value(v)) == 0) {
                out = json_string(*c);
                break;
            }
            if (used < sizeof list - 40)
                used += (size_t)snprintf(list + used, sizeof list - used, "%s%s", used ? ", " : "", *c);
        }
        if (!out)
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: \"%s\" is not one of: %s", path,
                    json_string_value(v), list);
        break;
    }
    case HF_T_OBJECT:
        out = resolve_object(f->fields, v, path, err);
        break;
    case HF_T_ARRAY: {
        if (!json_is_array(v)) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected an array, got %s", path, json_kind(v));
            break;
        }
        out = json_array();
        size_t i;
        json_t *item;
        json_array_foreach(v, i, item) {
            char item_path[512];
            snprintf(item_path, sizeof item_path, "%s[%zu]", path, i);
            json_t *r = resolve_value(&f->fields[0], item, item_path, err);
            if (!r) {
                json_decref(out);
                out = NULL;
                break;
            }
            json_array_append_new(out, r);
        }
        if (out && (f->flags & HF_F_MIN) && json_array_size(out) < (size_t)f->min) {
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: needs at least %.0f item(s)", path, f->min);
            json_decref(out);
            out = NULL;
        }
        break;
    }
    }
    json_decref(parsed_default);
    return out;
}

json_t *hf_schema_resolve(const struct hf_field *fields, const json_t *doc, struct hf_error *err)
{
    return resolve_object(fields, doc, "$", err);
}

static void markdown_rows(FILE *out, const struct hf_field *fields, const char *prefix)
{
    for (const struct hf_field *f = fields; f->key; f++) {
        char path[256];
        snprintf(path, sizeof path, "%s%s%s", prefix, *prefix ? "." : "", f->key);
        if (f->type == HF_T_OBJECT) {
            fprintf(out, "| `%s` | object | | %s | | %s |\n", path,
                    (f->flags & HF_F_OPTIONAL) ? "optional" : "", f->doc);
            markdown_rows(out, f->fields, path);
            continue;
        }
        char constraint[160] = "";
        size_t used = 0;
        if (f->flags & HF_F_MIN)
            used += (size_t)snprintf(constraint + used, sizeof constraint - used, "%s %.12g",
                                     (f->flags & HF_F_MIN_EXCL) ? ">" : ">=", f->min);
        const char *cap_why;
        double max = hf_schema_max(f, &cap_why);
        if (isfinite(max) && (f->type == HF_T_INT || f->type == HF_T_NUMBER))
            used += (size_t)snprintf(constraint + used, sizeof constraint - used, "%s<= %.12g",
                                     used ? ", " : "", max);
        if (f->type == HF_T_ENUM)
            for (const char *const *c = f->choices; *c; c++)
                used += (size_t)snprintf(constraint + used, sizeof constraint - used, "%s`%s`",
                                         c == f->choices ? "one of " : ", ", *c);
        const char *def = (f->flags & HF_F_REQUIRED) ? "required"
                          : (f->flags & HF_F_OPTIONAL) ? "optional"
                          : (f->def ? f->def : "[]");
        bool plain = (f->flags & (HF_F_REQUIRED | HF_F_OPTIONAL)) != 0;
        char type[48];
        if (f->type == HF_T_ARRAY)
            snprintf(type, sizeof type, "array of %ss", type_name(f->fields[0].type));
        else
            snprintf(type, sizeof type, "%s", type_name(f->type));
        fprintf(out, plain ? "| `%s` | %s | %s | %s | %s | %s |\n"
                           : "| `%s` | %s | %s | `%s` | %s | %s |\n", path, type, f->unit, def,
                constraint, f->doc);
        if (f->type == HF_T_ARRAY && f->fields[0].type == HF_T_OBJECT) {
            char item[300];
            snprintf(item, sizeof item, "%s[]", path);
            markdown_rows(out, f->fields[0].fields, item);
        }
    }
}

void hf_schema_write_markdown(FILE *out, const struct hf_field *fields)
{
    fprintf(out, "| path | type | unit | default | constraint | meaning |\n");
    fprintf(out, "|---|---|---|---|---|---|\n");
    markdown_rows(out, fields, "");
}

const struct hf_field *hf_schema_find(const struct hf_field *fields, const char *dotted_path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", dotted_path);
    const struct hf_field *found = NULL;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part; part = strtok_r(NULL, ".", &save)) {
        if (found && found->type == HF_T_ARRAY) { /* an index: the item schema */
            found = found->fields;
            continue;
        }
        if (found)
            fields = found->type == HF_T_OBJECT ? found->fields : NULL;
        found = NULL;
        for (const struct hf_field *f = fields; f && f->key; f++)
            if (strcmp(f->key, part) == 0)
                found = f;
        if (!found)
            return NULL;
    }
    return found;
}

const json_t *hf_json_at(const json_t *doc, const char *dotted_path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", dotted_path);
    const json_t *cur = doc;
    char *save = NULL;
    for (char *part = strtok_r(buf, ".", &save); part && cur; part = strtok_r(NULL, ".", &save)) {
        if (json_is_array(cur)) {
            char *end;
            unsigned long idx = strtoul(part, &end, 10);
            cur = *end ? NULL : json_array_get(cur, idx);
        } else {
            cur = json_object_get(cur, part);
        }
    }
    return cur;
}

double hf_json_number_at(const json_t *doc, const char *p) { return json_number_value(hf_json_at(doc, p)); }
long long hf_json_int_at(const json_t *doc, const char *p) { return json_integer_value(hf_json_at(doc, p)); }
const char *hf_json_string_at(const json_t *doc, const char *p)
{
    const char *s = json_string_value(hf_json_at(doc, p));
    return s ? s : "";
}
bool hf_json_bool_at(const json_t *doc, const char *p) { return json_is_true(hf_json_at(doc, p)); }
