#include "live/contention.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The "cpu" line of /proc/stat: steal and the total of all fields, in jiffies. */
static bool read_stat(uint64_t *steal, uint64_t *total)
{
    FILE *f = fopen("/proc/stat", "r");
    if (!f)
        return false;
    unsigned long long v[10] = {0};
    int n = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                   &v[5], &v[6], &v[7], &v[8], &v[9]);
    fclose(f);
    if (n < 8)
        return false;
    *total = 0;
    for (int i = 0; i < 8; i++) /* guest time is already in user time */
        *total += v[i];
    *steal = v[7];
    return true;
}

void hf_contention_begin(struct hf_contention *c)
{
    *c = (struct hf_contention){0};
    c->have_stat = read_stat(&c->steal_start, &c->total_start);
}

void hf_contention_sample(struct hf_contention *c)
{
    FILE *f = fopen("/proc/loadavg", "r");
    double load;
    if (!f)
        return;
    if (fscanf(f, "%lf", &load) == 1) {
        c->have_load = true;
        c->load_sum += load;
        c->load_max = load > c->load_max ? load : c->load_max;
        c->load_samples++;
    }
    fclose(f);
}

void hf_host_load_add(struct hf_host_load *h, double at_s, double load_1m, unsigned long long cpu_total,
                      unsigned long long cpu_idle, unsigned long long cpu_steal)
{
    if (h->samples == 0) {
        h->first_at_s = at_s;
        h->total_first = cpu_total;
        h->idle_first = cpu_idle;
        h->steal_first = cpu_steal;
    }
    h->last_at_s = at_s;
    h->total_last = cpu_total;
    h->idle_last = cpu_idle;
    h->steal_last = cpu_steal;
    h->samples++;
    h->load_sum += load_1m;
    h->load_max = load_1m > h->load_max ? load_1m : h->load_max;
}

void hf_host_load_container(struct hf_host_load *h, double since_s, double core_ns)
{
    if (h->samples > 0 && since_s >= h->first_at_s)
        h->containers_core_ns += core_ns;
}

/* One engine's entry of "hosts", with its warnings. */
/* The cores the run's containers used on average on engine i's machine: its own, and those of the
 * engines that share the machine (the same boot id), each over its own reporting window. */
static double containers_on_machine(const struct hf_contention_host *hosts, size_t count, size_t i, json_t *shared)
{
    double cores = 0;
    for (size_t j = 0; j < count; j++) {
        bool same = j == i || (hosts[i].machine && *hosts[i].machine && hosts[j].machine &&
                               strcmp(hosts[i].machine, hosts[j].machine) == 0);
        const struct hf_host_load *h = hosts[j].load;
        if (!same || !h || h->last_at_s <= h->first_at_s)
            continue;
        cores += h->containers_core_ns / 1e9 / (h->last_at_s - h->first_at_s);
        if (j != i)
            json_array_append_new(shared, json_string(hosts[j].address));
    }
    return cores;
}

static json_t *host_json(const struct hf_contention_host *hosts, size_t count, size_t i, json_t *warnings)
{
    const struct hf_contention_host *host = &hosts[i];
    json_t *o = json_pack("{s:s, s:f}", "address", host->address, "cores", host->cores);
    const struct hf_host_load *h = host->load;
    if (!h || h->samples == 0)
        return o;
    char text[600];
    double load_mean = h->load_sum / (double)h->samples;
    json_object_set_new(o, "load_avg_1m", json_pack("{s:f, s:f}", "mean", load_mean, "max", h->load_max));
    json_object_set_new(o, "samples", json_integer((json_int_t)h->samples));
    if (h->total_last > h->total_first && h->last_at_s > h->first_at_s) {
        double span = (double)(h->total_last - h->total_first);
        double idle = (double)(h->idle_last - h->idle_first), steal = (double)(h->steal_last - h->steal_first);
        double busy_pct = 100.0 * (span - idle - steal) / span, steal_pct = 100.0 * steal / span;
        json_t *shared = json_array();
        double containers = containers_on_machine(hosts, count, i, shared);
        if (json_array_size(shared) > 0)
            json_object_set_new(o, "shares_machine_with", shared);
        else
            json_decref(shared);
        double other = busy_pct / 100.0 * host->cores - containers;
        json_object_set_new(o, "cpu_busy_pct", json_real(busy_pct));
        json_object_set_new(o, "cpu_steal_pct", json_real(steal_pct));
        json_object_set_new(o, "containers_cores", json_real(containers));
        json_object_set_new(o, "other_cores", json_real(other > 0 ? other : 0));
        if (other > 0.1 * host->cores) {
            snprintf(text, sizeof text,
                     "engine %s: other work used %.2f of its %.0f cores on average (CPU busy %.0f %%, the run's "
                     "containers %.2f cores)", host->address, other, host->cores, busy_pct, containers);
            json_array_append_new(warnings, json_string(text));
        }
        if (steal_pct > 5) {
            snprintf(text, sizeof text, "engine %s: the hypervisor took %.1f %% of the CPU (steal)", host->address,
                     steal_pct);
            json_array_append_new(warnings, json_string(text));
        }
    }
    return o;
}

void hf_contention_api(struct hf_contention *c, double ms)
{
    c->api_ms_sum += ms;
    c->api_ms_max = ms > c->api_ms_max ? ms : c->api_ms_max;
    c->api_calls++;
}

json_t *hf_contention_json(const struct hf_contention *c, double lateness_max_ms,
                           const struct hf_contention_host *hosts, size_t host_count)
{
    json_t *o = json_object(), *warnings = json_array();
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    json_object_set_new(o, "cores", json_integer(cores > 0 ? cores : 0));
    char text[200];
    if (c->have_load && c->load_samples > 0)
        json_object_set_new(o, "load_avg_1m", json_pack("{s:f, s:f}", "mean", c->load_sum / (double)c->load_samples,
                                                       "max", c->load_max));
    uint64_t steal, total;
    if (c->have_stat && read_stat(&steal, &total) && total > c->total_start) {
        double pct = 100.0 * (double)(steal - c->steal_start) / (double)(total - c->total_start);
        json_object_set_new(o, "cpu_steal_pct", json_real(pct));
        if (pct > 5) {
            snprintf(text, sizeof text, "the hypervisor took %.1f %% of the CPU (steal)", pct);
            json_array_append_new(warnings, json_string(text));
        }
    }
    if (c->api_calls > 0) {
        json_object_set_new(o, "engine_api_ms", json_pack("{s:f, s:f, s:I}", "mean", c->api_ms_sum / (double)c->api_calls,
                                                         "max", c->api_ms_max, "calls", (json_int_t)c->api_calls));
        if (c->api_ms_max > 1000) {
            snprintf(text, sizeof text, "an engine call took %.0f ms", c->api_ms_max);
            json_array_append_new(warnings, json_string(text));
        }
    }
    json_t *engines = json_array();
    for (size_t i = 0; i < host_count; i++)
        json_array_append_new(engines, host_json(hosts, host_count, i, warnings));
    json_object_set_new(o, "hosts", engines);
    if (lateness_max_ms > 50) {
        snprintf(text, sizeof text, "an arrival was issued %.0f ms late", lateness_max_ms);
        json_array_append_new(warnings, json_string(text));
    }
    json_object_set_new(o, "reliable", json_boolean(json_array_size(warnings) == 0));
    json_object_set_new(o, "warnings", warnings);
    return o;
}
