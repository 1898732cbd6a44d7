/* hybrid: the hybrid-histogram keep-alive of Shahrad et al., "Serverless in the Wild" (USENIX ATC
 * 2020), per function.
 *
 * Each idle time (from the moment a function has nothing in flight or waiting to its next request)
 * goes into a histogram of 1-minute bins over a 4-hour range. When the histogram is representative
 * (at least min_samples idle times, and the coefficient of variation of its bin counts above
 * cv_threshold), the pre-warm window is its 5th percentile and the keep-alive window its 99th
 * percentile minus the pre-warm, with a 10 % margin each way (pre-warm shortened, keep-alive
 * lengthened). Otherwise (too few samples or no clear pattern) the policy keeps containers for the
 * whole range and does not pre-warm. When a function goes idle: with a pre-warm window, its
 * containers are unloaded at once and one is loaded again when the window ends, then kept for the
 * keep-alive window; without, they stay for the keep-alive window. Idle times beyond the range
 * count as out of bounds; the paper forecasts those with ARIMA, which is not modelled here (they
 * simply do not enter the histogram). Containers start on demand (keep_alive.c). */
#include <math.h>
#include <stdlib.h>

#include "policies/keep_alive.h"

#define BINS 240 /* 1-minute bins over 4 hours */

static const struct hf_field params[] = {
    {"head_percentile", HF_T_NUMBER, "%", "Pre-warm window percentile.", "5", HF_F_MIN | HF_F_MAX, 0, 100,
     NULL, NULL},
    {"tail_percentile", HF_T_NUMBER, "%", "Keep-alive window percentile.", "99", HF_F_MIN | HF_F_MAX, 0, 100,
     NULL, NULL},
    {"margin", HF_T_NUMBER, "", "Safety margin on both windows.", "0.1", HF_F_MIN | HF_F_MAX, 0, 1, NULL,
     NULL},
    {"cv_threshold", HF_T_NUMBER, "", "Bin-count CV above which the histogram is trusted.", "2", HF_F_MIN, 0,
     0, NULL, NULL},
    {"min_samples", HF_T_INT, "count", "Idle times needed before the histogram is trusted.", "10", HF_F_MIN,
     1, 0, NULL, NULL},
    {0},
};

struct function_state {
    uint32_t bins[BINS];
    uint32_t samples;
    bool busy;
    hf_time idle_since;
    bool unloaded, prewarmed;
};

struct hybrid {
    struct hf_keep_alive_common common; /* first: hf_keep_alive_on_request reads it */
    double head, tail, margin, cv_threshold;
    uint32_t min_samples, functions;
    struct function_state *f;
};

static bool init(void *state, const json_t *p, struct hf_platform *platform, struct hf_error *err)
{
    struct hybrid *s = state;
    s->head = hf_json_number_at(p, "head_percentile") / 100;
    s->tail = hf_json_number_at(p, "tail_percentile") / 100;
    s->margin = hf_json_number_at(p, "margin");
    s->cv_threshold = hf_json_number_at(p, "cv_threshold");
    s->min_samples = (uint32_t)hf_json_int_at(p, "min_samples");
    if (s->head > s->tail)
        return hf_fail(err, HF_EXIT_BAD_INPUT, "hybrid: head_percentile is above tail_percentile");
    s->functions = hf_platform_function_count(platform);
    s->f = calloc(s->functions ? s->functions : 1, sizeof *s->f);
    if (!s->f)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint32_t i = 0; i < s->functions; i++)
        hf_platform_set_replicas(platform, i, 0);
    return hf_platform_timer_after(platform, hf_time_from_s(1), 0) ||
           hf_fail(err, HF_EXIT_RUN_FAILED, "hybrid: cannot schedule its tick");
}

/* The windows for a function, in seconds: pre-warm and keep-alive. */
static void windows(const struct hybrid *s, const struct function_state *f, double *prewarm, double *keep)
{
    *prewarm = 0;
    *keep = BINS * 60.0;
    if (f->samples < s->min_samples)
        return;
    double mean = (double)f->samples / BINS, var = 0;
    for (int i = 0; i < BINS; i++)
        var += (f->bins[i] - mean) * (f->bins[i] - mean);
    double cv = sqrt(var / BINS) / mean;
    if (cv <= s->cv_threshold)
        return;
    uint32_t seen = 0;
    int head_bin = -1, tail_bin = BINS - 1;
    for (int i = 0; i < BINS; i++) {
        seen += f->bins[i];
        if (head_bin < 0 && seen >= s->head * f->samples)
            head_bin = i;
        if (seen >= s->tail * f->samples) {
            tail_bin = i;
            break;
        }
    }
    *prewarm = head_bin * 60.0 * (1 - s->margin);
    *keep = ((tail_bin + 1) * 60.0 - *prewarm) * (1 + s->margin);
}

static void on_timer(void *state, struct hf_platform *platform, uint64_t arg)
{
    (void)arg;
    struct hybrid *s = state;
    hf_time now = hf_platform_now(platform);
    for (uint32_t i = 0; i < s->functions; i++) {
        struct function_state *f = &s->f[i];
        struct hf_function_load load;
        hf_platform_load(platform, i, &load);
        bool busy = load.in_flight + load.queued > 0;
        if (busy && !f->busy && f->idle_since != 0) {
            double minutes = hf_time_to_s(now - f->idle_since) / 60;
            if (minutes < BINS) {
                f->bins[(int)minutes]++;
                f->samples++;
            }
        }
        if (busy) {
            hf_keep_alive_scale_up(&s->common, platform, i);
            f->busy = true;
            f->unloaded = f->prewarmed = false;
            continue;
        }
        if (f->busy) {
            f->busy = false;
            f->idle_since = now;
        }
        if (f->idle_since == 0)
            continue;
        double prewarm, keep;
        windows(s, f, &prewarm, &keep);
        double idle = hf_time_to_s(now - f->idle_since);
        if (prewarm > 0 && idle < prewarm) {
            if (!f->unloaded && load.replicas > 0)
                hf_platform_set_replicas(platform, i, 0);
            f->unloaded = true;
        } else if (idle < prewarm + keep) {
            if (prewarm > 0 && !f->prewarmed) {
                hf_platform_set_replicas(platform, i, 1);
                f->prewarmed = true;
            }
        } else if (load.replicas > 0) {
            hf_platform_set_replicas(platform, i, 0);
        }
    }
    hf_platform_timer_after(platform, hf_time_from_s(1), 0);
}

static void fini(void *state) { free(((struct hybrid *)state)->f); }

const struct hf_policy_type hf_policy_hybrid = {
    .name = "hybrid",
    .needs = HF_PF_ROUTING,
    .summary = "hybrid-histogram keep-alive (Shahrad et al., ATC 2020): pre-warm and keep-alive from idle times",
    .params = params,
    .state_size = sizeof(struct hybrid),
    .init = init,
    .on_timer = on_timer,
    .on_request = hf_keep_alive_on_request,
    .fini = fini,
};
