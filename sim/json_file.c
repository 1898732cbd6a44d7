#include "sim/json_file.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

json_t *hf_json_load_file(const char *path, struct hf_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    if (S_ISDIR(st.st_mode)) {
        hf_fail(err, HF_EXIT_BAD_INPUT, "%s: is a directory, not a JSON file", path);
        return NULL;
    }
    json_error_t jerr;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!doc) {
        if (jerr.line < 1)
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s: %s", path, jerr.text);
        else
            hf_fail(err, HF_EXIT_BAD_INPUT, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
    }
    return doc;
}
