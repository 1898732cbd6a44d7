/* How busy the machine driving a live run is, measured so that a comparison with the simulator can be
 * trusted or not (R2.4): the load average and CPU steal of this machine (/proc; the load generator
 * and a local engine run here), the load generator's lateness, and the engine API's latency.
 *
 * Use: hf_contention_begin at the start, hf_contention_sample every outputs.interval_s,
 * hf_contention_api for each engine call timed, then hf_contention_json at the end. Reading /proc
 * can fail (not Linux, a container without it): the figures are then left out, never made up.
 * A remote engine's own load is not read. */
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

void hf_contention_begin(struct hf_contention *c);
void hf_contention_sample(struct hf_contention *c);
void hf_contention_api(struct hf_contention *c, double ms);
/* The "contention" object: load (mean, max), cpu_steal_pct, engine_api_ms (mean, max), the cores
 * of this machine, and `reliable` with `warnings` (why the comparison may not be): load above the
 * cores, steal above 5 %, an arrival issued more than 50 ms late (lateness_max_ms), an engine call
 * over 1 s. */
json_t *hf_contention_json(const struct hf_contention *c, double lateness_max_ms);

#endif
