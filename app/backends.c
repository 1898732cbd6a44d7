#include "app/backends.h"

#include <string.h>

extern const struct hf_backend_type hf_backend_station;
extern const struct hf_backend_type hf_backend_cluster;
extern const struct hf_backend_type hf_backend_live;

/* Order is the order of their sections in the schema and in config.json. */
static const struct hf_backend_type *const backends[] = {
    &hf_backend_station,
    &hf_backend_cluster,
    &hf_backend_live,
};

size_t hf_backend_count(void) { return sizeof backends / sizeof backends[0]; }

const struct hf_backend_type *hf_backend_at(size_t index)
{
    return index < hf_backend_count() ? backends[index] : NULL;
}

const struct hf_backend_type *hf_backend_find(const char *name)
{
    for (size_t i = 0; name && i < hf_backend_count(); i++)
        if (strcmp(backends[i]->name, name) == 0)
            return backends[i];
    return NULL;
}
