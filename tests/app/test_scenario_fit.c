/* Settings a run never reads are refused, each with who ignores it; the same settings are accepted
 * where the run reads them. */
#include <criterion/criterion.h>
#include <string.h>

#include "app/scenario.h"
#include "app/scenario_fit.h"

static void expect(const char *const *scenario_sets, size_t count, const char *path, const char *why_part)
{
    struct hf_error err = {0};
    json_t *s = hf_scenario_load(NULL, scenario_sets, count, &err);
    cr_assert_not_null(s, "%s", err.message);
    char why[256] = "";
    bool ignored = hf_scenario_ignores(s, path, why, sizeof why);
    if (why_part)
        cr_assert(ignored && strstr(why, why_part), "%s: %s", path, ignored ? why : "accepted");
    else
        cr_assert_not(ignored, "%s refused: %s", path, why);
    json_decref(s);
}

Test(scenario_fit, another_policys_section_and_an_hpa_presets_resolution)
{
    const char *tuned[] = {"model=\"cluster\"", "policy=\"hpa-tuned\""};
    expect(tuned, 2, "hpa.sync_period_s", "read only by policy hpa");
    expect(tuned, 2, "hpa-tuned.sync_period_s", NULL);
    expect(tuned, 2, "metrics.resolution_s", "sets the metrics-server resolution itself");
}

Test(scenario_fit, trace_settings_without_a_trace_and_synthetic_ones_with_one)
{
    const char *plain[] = {"model=\"cluster\""};
    expect(plain, 1, "trace.unit=\"app\"", "no trace is replayed");
    expect(plain, 1, "workload.rate_per_s", NULL);
}

Test(scenario_fit, vms_and_instance_type_beside_hosts)
{
    const char *hosts[] = {"model=\"cluster\"", "cluster.hosts=[{\"type\": \"m5.large\", \"count\": 2}]"};
    expect(hosts, 2, "cluster.vms=10", "cluster.hosts gives the VMs");
    expect(hosts, 2, "cluster.instance_type=\"c5.large\"", "cluster.hosts gives the VMs");
    expect(hosts, 2, "cluster.placement=\"spread\"", NULL);
    const char *plain[] = {"model=\"cluster\""};
    expect(plain, 1, "cluster.vms=10", NULL);
}

Test(scenario_fit, keepalive_seed_only_with_exponential_timeouts)
{
    const char *idle[] = {"model=\"cluster\"", "policy=\"keepalive\""};
    expect(idle, 2, "keepalive.seed=5", "only exponential timeouts draw");
    const char *exponential[] = {"model=\"cluster\"", "policy=\"keepalive\"", "keepalive.timeout=\"exponential\""};
    expect(exponential, 3, "keepalive.seed=5", NULL);
}
