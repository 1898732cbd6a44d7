/* Table-driven validation of JSON configuration (scenario files, policy parameters).
 *
 * A schema is an array of `struct hf_field` ended by an entry with key == NULL. Validation walks a
 * document against it and builds a *resolved* copy: every field present, defaults filled in, keys in
 * schema order (so config.json is byte-stable). It rejects unknown keys, wrong types, values out of
 * range and enum values not listed, naming the JSON path ("$.cluster.servers") in a plain message.
 * The same table prints the field reference (`hfsim schema`, docs/scenario.md), so the documentation
 * cannot drift from what the parser accepts.
 *
 * Ownership: hf_schema_resolve returns a new reference the caller json_decref()s.
 * Errors: NULL with err set to HF_EXIT_BAD_INPUT and "$.path: message". */
#ifndef HF_SCHEMA_H
#define HF_SCHEMA_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "sim/error.h"

enum hf_field_type {
    HF_T_INT,    /* JSON integer */
    HF_T_NUMBER, /* JSON integer or real; resolved as real */
    HF_T_BOOL,
    HF_T_STRING,
    HF_T_ENUM,   /* string from `choices` */
    HF_T_OBJECT, /* nested fields in `fields` */
    HF_T_ARRAY,  /* items described by fields[0] (its key is ignored); default "[]" unless given */
};

enum {
    HF_F_MIN = 1u << 0,      /* value >= min */
    HF_F_MIN_EXCL = 1u << 1, /* value > min (with HF_F_MIN) */
    HF_F_MAX = 1u << 2,      /* value <= max */
    HF_F_REQUIRED = 1u << 3, /* no default: must be given */
    HF_F_OPTIONAL = 1u << 4, /* no default: when absent, the resolved copy lacks it too (absence
                                carries meaning, e.g. a missing metric) */
};

struct hf_field {
    const char *key;
    enum hf_field_type type;
    const char *unit; /* "s", "ms", "1/s", "count", "" for none */
    const char *doc;  /* one sentence for the reference */
    const char *def;  /* default as JSON text (scalars); NULL for objects and required fields */
    unsigned flags;
    double min, max;
    const char *const *choices;    /* HF_T_ENUM: NULL-terminated */
    const struct hf_field *fields; /* HF_T_OBJECT: children; HF_T_ARRAY: item schema */
};

/* A field's upper bound: its own max, or the bound of its unit when lower (INFINITY if none);
 * *why says where a unit bound comes from (NULL for the field's own). */
double hf_schema_max(const struct hf_field *f, const char **why);

json_t *hf_schema_resolve(const struct hf_field *fields, const json_t *doc, struct hf_error *err);

/* The field a dotted path names ("cluster.vms", "workload.bursts.0.rate_per_s": an array index
 * stands for the item schema), or NULL when the schema has none. */
const struct hf_field *hf_schema_find(const struct hf_field *fields, const char *dotted_path);

/* Writes the field reference as a Markdown table: path, type, unit, default, constraint, meaning. */
void hf_schema_write_markdown(FILE *out, const struct hf_field *fields);

/* Looks up "a.b.0.c" in a resolved document (array indices as numbers); NULL when absent. */
const json_t *hf_json_at(const json_t *doc, const char *dotted_path);
double hf_json_number_at(const json_t *doc, const char *dotted_path);
long long hf_json_int_at(const json_t *doc, const char *dotted_path);
const char *hf_json_string_at(const json_t *doc, const char *dotted_path);
bool hf_json_bool_at(const json_t *doc, const char *dotted_path);

#endif
