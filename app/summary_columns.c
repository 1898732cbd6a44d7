#include "app/summary_columns.h"

#include "sim/schema.h"

const struct hf_summary_column hf_summary_columns[] = {
    {"p50_ms", "latency_ms.p50", "%.1f"},
    {"p99_ms", "latency_ms.p99", "%.1f"},
    {"mean_ms", "latency_ms.mean", "%.1f"},
    {"time_to_stabilize_s", "burst.time_to_stabilize_s", "%.1f"},
    {"completed", "requests.completed", "%.0f"},
    {"failed", "requests.failed.total", "%.0f"},
    {"cpu_allocated_core_s", "cpu_core_s.allocated", "%.1f"},
    {"cpu_used_core_s", "cpu_core_s.used", "%.1f"},
    {"memory_gb_s", "memory_gb_s", "%.1f"},
    {"wasted_memory_gb_s", "wasted_memory_gb_s", "%.1f"},
    {"cold_starts", "cold_starts", "%.0f"},
    {"cold_start_probability", "cold_start_probability", "%.4f"},
    {"app_cold_start_pct_p75", "cold_start_pct_over_apps.p75", "%.2f"},
    {"resizes", "resizes", "%.0f"},
    {"specializations", "specializations", "%.0f"},
    {"bounces", "bounces", "%.0f"},
    {"vm_cost_usd", "vm_cost_usd", "%.4f"},
    {"last_container_ready_s", "images.last_container_ready_s", "%.3f"},
    {"registry_mib", "images.registry_mib", "%.0f"},
    {"isolate_starts", "isolates.isolate_starts", "%.0f"},
    {"completed_per_gb_s", "completed_per_gb_s", "%.2f"},
};
const size_t hf_summary_column_count = sizeof hf_summary_columns / sizeof hf_summary_columns[0];

double hf_summary_value(const json_t *summary, const struct hf_summary_column *column, bool *present)
{
    const json_t *v = hf_json_at(summary, column->path);
    *present = v && json_is_number(v);
    return *present ? json_number_value(v) : 0;
}
