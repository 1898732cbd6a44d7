#include "app/policy_list.h"

#include <string.h>

#include "policies/registry.h"

bool hf_policy_list_parse(struct hf_policy_list *l, const char *list, struct hf_error *err)
{
    l->count = 0;
    if (strlen(list) >= sizeof l->buffer)
        return hf_fail(err, HF_EXIT_USAGE, "--policies: list too long");
    strcpy(l->buffer, list);
    for (char *save = NULL, *tok = strtok_r(l->buffer, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (!hf_policy_find(tok))
            return hf_fail(err, HF_EXIT_USAGE, "--policies: unknown policy \"%s\" (`hfsim policies` lists them)", tok);
        for (int i = 0; i < l->count; i++)
            if (strcmp(l->names[i], tok) == 0)
                return hf_fail(err, HF_EXIT_USAGE, "--policies: \"%s\" given twice", tok);
        if (l->count == HF_POLICY_LIST_MAX)
            return hf_fail(err, HF_EXIT_USAGE, "--policies: at most %d", HF_POLICY_LIST_MAX);
        l->names[l->count++] = tok;
    }
    return l->count > 0 || hf_fail(err, HF_EXIT_USAGE, "--policies: no policy given");
}
