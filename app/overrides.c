#include "app/overrides.h"

#include <stdlib.h>
#include <string.h>

static json_t *parse_value(const char *text)
{
    json_error_t jerr;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &jerr);
    return v ? v : json_string(text);
}

bool hf_apply_override(json_t *doc, const char *assignment, struct hf_error *err)
{
    const char *eq = strchr(assignment, '=');
    if (!eq || eq == assignment)
        return hf_fail(err, HF_EXIT_USAGE, "--set %s: expected PATH=VALUE, e.g. station.servers=16",
                       assignment);
    char path[256];
    size_t len = (size_t)(eq - assignment);
    if (len >= sizeof path)
        return hf_fail(err, HF_EXIT_USAGE, "--set %s: path too long", assignment);
    memcpy(path, assignment, len);
    path[len] = '\0';

    json_t *cur = doc;
    char *save = NULL;
    char *part = strtok_r(path, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        bool last = next == NULL;
        if (json_is_array(cur)) {
            char *end;
            unsigned long idx = strtoul(part, &end, 10);
            if (*end || *part == '\0' || idx >= json_array_size(cur))
                return hf_fail(err, HF_EXIT_USAGE, "--set %s: \"%s\" is not an index of that array "
                               "(it has %zu items)", assignment, part, json_array_size(cur));
            if (last)
                return json_array_set_new(cur, idx, parse_value(eq + 1)) == 0 ||
                       hf_fail(err, HF_EXIT_USAGE, "--set %s: cannot set", assignment);
            cur = json_array_get(cur, idx);
        } else if (json_is_object(cur)) {
            if (last) {
                json_object_set_new(cur, part, parse_value(eq + 1));
                return true;
            }
            json_t *child = json_object_get(cur, part);
            if (!child) {
                child = json_object();
                json_object_set_new(cur, part, child);
            }
            cur = child;
        } else {
            return hf_fail(err, HF_EXIT_USAGE, "--set %s: \"%s\" is inside a value that is not an "
                           "object or array", assignment, part);
        }
        part = next;
    }
    return hf_fail(err, HF_EXIT_USAGE, "--set %s: empty path", assignment);
}
