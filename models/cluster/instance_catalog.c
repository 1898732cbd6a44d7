#include "models/cluster/instance_catalog.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

extern const char hf_instance_catalog_json[];

bool hf_instance_lookup(const char *name, const char *field, struct hf_vm_type *out, struct hf_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loads(hf_instance_catalog_json, 0, &jerr);
    if (!doc)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "models/instances.json:%d: %s", jerr.line, jerr.text);
    char known[512] = "";
    size_t used = 0;
    bool found = false;
    size_t i;
    json_t *it;
    json_array_foreach(json_object_get(doc, "instances"), i, it) {
        const char *n = json_string_value(json_object_get(it, "name"));
        if (n && strcmp(n, name) == 0) {
            snprintf(out->name, sizeof out->name, "%s", n);
            out->cores = json_number_value(json_object_get(it, "vcpu"));
            out->memory_mib = json_number_value(json_object_get(it, "memory_gib")) * 1024.0;
            out->price_per_hour = json_number_value(json_object_get(it, "price_per_hour"));
            found = true;
            break;
        }
        if (n && used < sizeof known - 32)
            used += (size_t)snprintf(known + used, sizeof known - used, "%s%s", used ? ", " : "", n);
    }
    json_decref(doc);
    if (!found)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "%s: unknown \"%s\" (known: %s)", field, name, known);
    return true;
}
