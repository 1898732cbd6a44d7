#include "app/sweep_grid.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool add_value(struct hf_sweep_axis *a, const char *text)
{
    char **grown = realloc(a->values, (a->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    a->values = grown;
    grown = realloc(a->labels, (a->count + 1) * sizeof *grown);
    if (!grown)
        return false;
    a->labels = grown;
    json_t *decoded = json_loads(text, JSON_DECODE_ANY, NULL);
    /* A string with a control character (a newline) keeps its JSON text: gnuplot and one-line
     * labels cannot hold it. */
    const char *label = text;
    if (json_is_string(decoded)) {
        label = json_string_value(decoded);
        for (const char *c = label; *c; c++)
            if ((unsigned char)*c < 0x20)
                label = text;
    }
    a->values[a->count] = strdup(text);
    a->labels[a->count] = strdup(label);
    json_decref(decoded);
    if (!a->values[a->count] || !a->labels[a->count]) {
        free(a->values[a->count]);
        free(a->labels[a->count]);
        return false;
    }
    a->count++;
    return true;
}

static struct hf_sweep_axis *new_axis(struct hf_sweep_grid *g, const char *path, size_t len, const char *where,
                                      struct hf_error *err)
{
    if (len == 0) {
        hf_fail(err, HF_EXIT_USAGE, "%s: empty parameter path", where);
        return NULL;
    }
    for (size_t i = 0; i < g->axis_count; i++)
        if (strlen(g->axes[i].path) == len && strncmp(g->axes[i].path, path, len) == 0) {
            hf_fail(err, HF_EXIT_USAGE, "%s: %.*s is swept twice", where, (int)len, path);
            return NULL;
        }
    if (g->axis_count == HF_SWEEP_MAX_AXES) {
        hf_fail(err, HF_EXIT_USAGE, "%s: at most %d swept parameters", where, HF_SWEEP_MAX_AXES);
        return NULL;
    }
    struct hf_sweep_axis *a = &g->axes[g->axis_count];
    memset(a, 0, sizeof *a);
    if (!(a->path = strndup(path, len))) {
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        return NULL;
    }
    g->axis_count++;
    return a;
}

/* from..to:step, inclusive of `to` within rounding. */
static bool add_range(struct hf_sweep_axis *a, double from, double to, double step, const char *where,
                      struct hf_error *err)
{
    if (!isfinite(from) || !isfinite(to) || !isfinite(step) || step <= 0 || to < from)
        return hf_fail(err, HF_EXIT_USAGE, "%s: a range needs FROM <= TO and STEP > 0", where);
    double n = floor((to - from) / step + 1e-9) + 1;
    if (n > HF_SWEEP_MAX_POINTS)
        return hf_fail(err, HF_EXIT_USAGE, "%s: %.0f values: too many", where, n);
    for (double k = 0; k < n; k++) {
        char text[64];
        double v = from + k * step;
        snprintf(text, sizeof text, "%.15g", fabs(v) < 1e-12 ? 0.0 : v);
        if (!add_value(a, text))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    return true;
}

bool hf_sweep_grid_add(struct hf_sweep_grid *g, const char *assignment, struct hf_error *err)
{
    const char *eq = strchr(assignment, '=');
    char where[300];
    snprintf(where, sizeof where, "--set %.250s", assignment);
    if (!eq)
        return hf_fail(err, HF_EXIT_USAGE, "%s: expected PATH=V1,V2,... or PATH=FROM..TO:STEP", where);
    struct hf_sweep_axis *a = new_axis(g, assignment, (size_t)(eq - assignment), where, err);
    if (!a)
        return false;
    const char *spec = eq + 1;
    const char *dots = strstr(spec, "..");
    if (dots && strchr(dots, ':') && spec[0] != '"' && spec[0] != '[' && spec[0] != '{') {
        char *end, head[64];
        snprintf(head, sizeof head, "%.*s", (int)(dots - spec < 63 ? dots - spec : 63), spec);
        double from = strtod(head, &end); /* on a copy: "4..8" must not read "4." as the number */
        if (!*head || *end)
            return hf_fail(err, HF_EXIT_USAGE, "%s: FROM is not a number", where);
        double to = strtod(dots + 2, &end);
        if (*end != ':')
            return hf_fail(err, HF_EXIT_USAGE, "%s: TO is not a number", where);
        double step = strtod(end + 1, &end);
        if (*end)
            return hf_fail(err, HF_EXIT_USAGE, "%s: STEP is not a number", where);
        return add_range(a, from, to, step, where, err);
    }
    /* A comma list; commas inside JSON brackets or quotes do not split. */
    const char *start = spec;
    int depth = 0;
    bool quoted = false;
    for (const char *c = spec;; c++) {
        if (*c == '"' && (c == spec || c[-1] != '\\'))
            quoted = !quoted;
        else if (!quoted && (*c == '[' || *c == '{'))
            depth++;
        else if (!quoted && (*c == ']' || *c == '}'))
            depth--;
        if (*c == '\0' || (*c == ',' && depth == 0 && !quoted)) {
            if (c == start)
                return hf_fail(err, HF_EXIT_USAGE, "%s: an empty value", where);
            char *text = strndup(start, (size_t)(c - start));
            if (!text)
                return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            bool ok = add_value(a, text);
            free(text);
            if (!ok)
                return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            if (*c == '\0')
                break;
            start = c + 1;
        }
    }
    return true;
}

bool hf_sweep_grid_add_axis(struct hf_sweep_grid *g, const char *path, const char *const *values, size_t count,
                            struct hf_error *err)
{
    struct hf_sweep_axis *a = new_axis(g, path, strlen(path), "sweep manifest", err);
    if (!a)
        return false;
    for (size_t i = 0; i < count; i++)
        if (!add_value(a, values[i]))
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    return count > 0 || hf_fail(err, HF_EXIT_BAD_INPUT, "sweep manifest: %s has no values", path);
}

bool hf_sweep_grid_load(struct hf_sweep_grid *g, const char *path, struct hf_error *err)
{
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    bool ok = true;
    const json_t *axes = json_object_get(doc, "axes");
    if (!json_is_object(axes))
        ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.axes: expected an object of PATH: values", path);
    const char *key;
    const json_t *spec;
    json_object_foreach((json_t *)axes, key, spec) {
        if (!ok)
            break;
        char where[400];
        snprintf(where, sizeof where, "%s: $.axes.%.300s", path, key);
        struct hf_sweep_axis *a = new_axis(g, key, strlen(key), where, err);
        if (!a) {
            err->code = HF_EXIT_BAD_INPUT;
            ok = false;
            break;
        }
        if (json_is_array(spec) && json_array_size(spec) > 0) {
            size_t i;
            const json_t *v;
            json_array_foreach(spec, i, v) {
                char *text = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
                ok = text && add_value(a, text);
                free(text);
                if (!ok) {
                    hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
                    break;
                }
            }
        } else if (json_is_object(spec) && json_is_number(json_object_get(spec, "from")) &&
                   json_is_number(json_object_get(spec, "to")) && json_is_number(json_object_get(spec, "step"))) {
            ok = add_range(a, json_number_value(json_object_get(spec, "from")),
                           json_number_value(json_object_get(spec, "to")),
                           json_number_value(json_object_get(spec, "step")), where, err);
            if (!ok)
                err->code = HF_EXIT_BAD_INPUT;
        } else {
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: expected a non-empty array of values or "
                                                 "{\"from\", \"to\", \"step\"}", where);
        }
    }
    const json_t *policies = json_object_get(doc, "policies");
    if (ok && policies) {
        size_t i;
        const json_t *p;
        char list[1024] = "";
        if (!json_is_array(policies))
            ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.policies: expected an array of names", path);
        json_array_foreach(policies, i, p) {
            if (!ok)
                break;
            if (!json_is_string(p) || strlen(list) + strlen(json_string_value(p)) + 2 > sizeof list)
                ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $.policies[%zu]: expected a policy name", path, i);
            else {
                strcat(list, i ? "," : "");
                strcat(list, json_string_value(p));
            }
        }
        if (ok && !(g->policies = strdup(list)))
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    json_decref(doc);
    if (ok && hf_sweep_grid_points(g) > HF_SWEEP_MAX_POINTS)
        ok = hf_fail(err, HF_EXIT_BAD_INPUT, "%s: more than %d points", path, HF_SWEEP_MAX_POINTS);
    return ok;
}

uint64_t hf_sweep_grid_points(const struct hf_sweep_grid *g)
{
    uint64_t n = 1;
    for (size_t a = 0; a < g->axis_count; a++) {
        n *= g->axes[a].count;
        if (n > HF_SWEEP_MAX_POINTS)
            return HF_SWEEP_MAX_POINTS + 1;
    }
    return n;
}

/* The index of point p's value on an axis: mixed radix, the last axis fastest. */
static size_t value_index(const struct hf_sweep_grid *g, uint64_t p, size_t axis)
{
    for (size_t a = g->axis_count; a-- > axis + 1;)
        p /= g->axes[a].count;
    return (size_t)(p % g->axes[axis].count);
}

const char *hf_sweep_grid_value(const struct hf_sweep_grid *g, uint64_t p, size_t axis)
{
    return g->axes[axis].values[value_index(g, p, axis)];
}

const char *hf_sweep_grid_label(const struct hf_sweep_grid *g, uint64_t p, size_t axis)
{
    return g->axes[axis].labels[value_index(g, p, axis)];
}

bool hf_sweep_grid_overrides(const struct hf_sweep_grid *g, uint64_t p, char **out, struct hf_error *err)
{
    for (size_t a = 0; a < g->axis_count; a++) {
        const char *v = hf_sweep_grid_value(g, p, a);
        size_t n = strlen(g->axes[a].path) + strlen(v) + 2;
        if (!(out[a] = malloc(n))) {
            while (a-- > 0)
                free(out[a]);
            return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        }
        snprintf(out[a], n, "%s=%s", g->axes[a].path, v);
    }
    return true;
}

void hf_sweep_grid_free(struct hf_sweep_grid *g)
{
    for (size_t a = 0; a < g->axis_count; a++) {
        for (size_t v = 0; v < g->axes[a].count; v++) {
            free(g->axes[a].values[v]);
            free(g->axes[a].labels[v]);
        }
        free(g->axes[a].values);
        free(g->axes[a].labels);
        free(g->axes[a].path);
    }
    free(g->policies);
    memset(g, 0, sizeof *g);
}
