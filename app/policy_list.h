/* A --policies argument: "a,b,c", each a registered policy, none twice (hfsim compare and sweep).
 * Errors: HF_EXIT_USAGE naming the offending name. The names point into the struct's buffer. */
#ifndef HF_POLICY_LIST_H
#define HF_POLICY_LIST_H

#include <stdbool.h>

#include "sim/error.h"

#define HF_POLICY_LIST_MAX 32

struct hf_policy_list {
    char buffer[1024];
    const char *names[HF_POLICY_LIST_MAX];
    int count;
};

bool hf_policy_list_parse(struct hf_policy_list *l, const char *list, struct hf_error *err);

#endif
