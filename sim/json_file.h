/* Reading a JSON input file (scenario, profile, snapshot) with the project's plain errors:
 * "PATH: cannot open: No such file or directory", "PATH: is a directory, not a JSON file",
 * "PATH:LINE:COL: what jansson found". Duplicate keys are refused (the second would silently win).
 *
 * Ownership: a new reference (json_decref it). Errors: NULL with HF_EXIT_BAD_INPUT. */
#ifndef HF_JSON_FILE_H
#define HF_JSON_FILE_H

#include <jansson.h>

#include "sim/error.h"

json_t *hf_json_load_file(const char *path, struct hf_error *err);

#endif
