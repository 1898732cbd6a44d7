/* How busy the machine driving a live run is, measured so that a comparison with the simulator can be
 * trusted or not (R2.4): the load average and CPU steal of this machine (/proc; the load generator
 * and a local engine run here), the load generator's lateness, and the engine API's latency.
 *
 * Use: hf_contention_begin at the start, hf_contention_sample every outputs.interval_s,
 * hf_contention_api for each engine call timed, then hf_contention_json at the end. Reading /proc
 * can fail (not Linux, a container without it): the figures are then left out, never made up.
 *
 * Every engine's machine, remote ones too, is read through its workers: their /stats report the
 * /proc/loadavg and /proc/stat they see, which inside a container are the machine's (Docker without
 * lxcfs). hf_host_load_add takes one report per host and sampling round. */
#ifndef HF_CONTENTION_H
#define HF_CONTENTION_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct hf_contention {
    bool have_load, have_stat;
    double load_sum, load_max; /* 1-minute load average at the samples */
    uint64_t load_samples;
    uint64_t steal_start, total_start; /* /proc/stat cpu jiffies at the start */
    double api_ms_sum, api_ms_max;
    uint64_t api_calls;
};

/* One engine's machine as its workers report it. Zero-initialized: nothing reported yet. */
struct hf_host_load {
    uint64_t samples;
    double first_at_s, last_at_s; /* wall clock of the first and latest report */
    double load_sum, load_max;
    double containers_core_ns; /* CPU the run's containers there used between those reports */
    unsigned long long total_first, idle_first, steal_first; /* jiffies at the first report */
    unsigned long long total_last, idle_last, steal_last;    /* and at the latest */
};

void hf_host_load_add(struct hf_host_load *h, double at_s, double load_1m, unsigned long long cpu_total,
                      unsigned long long cpu_idle, unsigned long long cpu_steal);
/* CPU one of the run's containers there used from `since_s` (its previous sample) on: counted when
 * that is after the host's first report, so that it and the host's CPU cover the same time. */
void hf_host_load_container(struct hf_host_load *h, double since_s, double core_ns);

/* One engine of the run, for the report: its address, its cores (GET /info) and its load. */
struct hf_contention_host {
    const char *address;
    double cores;
    const struct hf_host_load *load;
    const char *machine; /* its machine's boot id ("" or NULL: unknown): engines with the same one share
                            a machine, and each one's containers are not "other work" for the others */
};

void hf_contention_begin(struct hf_contention *c);
void hf_contention_sample(struct hf_contention *c);
void hf_contention_api(struct hf_contention *c, double ms);
/* The "contention" object: load (mean, max), cpu_steal_pct, engine_api_ms (mean, max), the cores
 * of this machine; "hosts", one per engine with what its workers reported (load_avg_1m mean and max,
 * cpu_busy_pct, cpu_steal_pct, containers_cores and other_cores: the cores busy with anything but the
 * run's containers on that machine (of every engine there), samples, shares_machine_with; only `address` and `cores` when none was); and `reliable` with `warnings` (why the
 * comparison may not be): other work on an engine's machine above 10 % of its cores, steal above
 * 5 % (here or there), an arrival issued more than 50 ms late (lateness_max_ms), an engine call over
 * 1 s. The load average is reported, not judged: the run's own requests waiting for a core (its
 * containers may use more cores than the machine has) count in it, and the simulator models that. */
json_t *hf_contention_json(const struct hf_contention *c, double lateness_max_ms,
                           const struct hf_contention_host *hosts, size_t host_count);

#endif
