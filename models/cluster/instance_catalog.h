/* The VM instance catalog (models/instances.json, compiled in): vCPUs, memory and hourly price of
 * EC2 types (m5, c5, t3 families).
 * Errors: lookup fails with HF_EXIT_BAD_INPUT naming the known types. */
#ifndef HF_INSTANCE_CATALOG_H
#define HF_INSTANCE_CATALOG_H

#include <stdbool.h>

#include "models/cluster/cluster.h"
#include "sim/error.h"

/* `field` names the scenario path for the message ("$.cluster.instance_type"). */
bool hf_instance_lookup(const char *name, const char *field, struct hf_vm_type *out, struct hf_error *err);

#endif
