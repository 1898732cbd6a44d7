#include "app/profile.h"

#include "sim/json_file.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool push(char ***out, size_t *count, const char *section, const char *key, const json_t *value)
{
    char *text = json_dumps(value, JSON_ENCODE_ANY | JSON_COMPACT);
    if (!text)
        return false;
    size_t n = strlen(section) + strlen(key) + strlen(text) + 3;
    char *line = malloc(n);
    char **grown = realloc(*out, (*count + 1) * sizeof *grown);
    if (!line || !grown) {
        free(text);
        free(line);
        if (grown)
            *out = grown;
        return false;
    }
    snprintf(line, n, "%s%s%s=%s", section, *key ? "." : "", key, text);
    free(text);
    *out = grown;
    (*out)[(*count)++] = line;
    return true;
}

bool hf_profile_overrides(const char *path, char ***out, size_t *count, struct hf_error *err)
{
    *out = NULL;
    *count = 0;
    json_t *doc = hf_json_load_file(path, err);
    if (!doc)
        return false;
    bool ok = json_is_object(doc) || hf_fail(err, HF_EXIT_BAD_INPUT, "%s: $: a profile is a JSON object", path);
    const char *section, *key;
    json_t *value, *inner;
    json_object_foreach(ok ? doc : NULL, section, value) {
        if (!ok)
            break;
        if (section[0] == '_')
            continue; /* metadata (where and how it was measured), not a scenario field */
        if (json_is_object(value)) {
            json_object_foreach(value, key, inner) {
                if (ok && !push(out, count, section, key, inner))
                    ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
            }
        } else if (!push(out, count, section, "", value)) {
            ok = hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
        }
    }
    json_decref(doc);
    if (!ok) {
        hf_profile_free(*out, *count);
        *out = NULL;
        *count = 0;
    }
    return ok;
}

void hf_profile_free(char **overrides, size_t count)
{
    for (size_t i = 0; i < count; i++)
        free(overrides[i]);
    free(overrides);
}
