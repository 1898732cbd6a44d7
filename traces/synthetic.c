#include "traces/synthetic.h"

#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The rate in force at t, and the burst's target function (-1: spread over all functions). */
static double rate_at(const json_t *workload, double t, int64_t *target)
{
    double rate = json_number_value(json_object_get(workload, "rate_per_s"));
    *target = -1;
    size_t i;
    json_t *burst;
    json_array_foreach(json_object_get(workload, "bursts"), i, burst) {
        double start = json_number_value(json_object_get(burst, "start_s"));
        double dur = json_number_value(json_object_get(burst, "duration_s"));
        if (t >= start && t < start + dur) {
            rate = json_number_value(json_object_get(burst, "rate_per_s"));
            const json_t *fn = json_object_get(burst, "function");
            *target = fn ? json_integer_value(fn) : -1;
        }
    }
    return rate;
}

/* Cuts [0, end) at every burst boundary and records the rate of each piece. */
static bool build_segments(struct hf_synthetic *s, const json_t *workload, double end_s)
{
    const json_t *bursts = json_object_get(workload, "bursts");
    size_t nb = json_array_size(bursts);
    double *cuts = malloc((2 * nb + 2) * sizeof *cuts);
    s->segments = malloc((2 * nb + 1) * sizeof *s->segments);
    if (!cuts || !s->segments) {
        free(cuts);
        return false;
    }
    size_t n = 0;
    cuts[n++] = 0;
    cuts[n++] = end_s;
    for (size_t i = 0; i < nb; i++) {
        const json_t *b = json_array_get(bursts, i);
        double start = json_number_value(json_object_get(b, "start_s"));
        double stop = start + json_number_value(json_object_get(b, "duration_s"));
        if (start > 0 && start < end_s)
            cuts[n++] = start;
        if (stop > 0 && stop < end_s)
            cuts[n++] = stop;
    }
    qsort(cuts, n, sizeof *cuts, compare_double);
    s->segment_count = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (!(cuts[i + 1] > cuts[i]))
            continue;
        struct hf_rate_segment *seg = &s->segments[s->segment_count++];
        seg->start_s = cuts[i];
        seg->end_s = cuts[i + 1];
        seg->rate_per_s = rate_at(workload, (cuts[i] + cuts[i + 1]) / 2, &seg->target);
    }
    free(cuts);
    return true;
}

/* Advances to the next arrival: consume one unit of integrated rate (an Exp(1) draw for Poisson,
 * exactly 1 for even spacing) across as many segments as it takes. */
static void advance(struct hf_synthetic *s)
{
    double need = s->poisson ? gsl_ran_exponential(s->arrival_rng, 1.0) : 1.0;
    while (s->segment < s->segment_count) {
        const struct hf_rate_segment *seg = &s->segments[s->segment];
        double t = s->t_s > seg->start_s ? s->t_s : seg->start_s;
        double capacity = seg->rate_per_s * (seg->end_s - t);
        if (seg->rate_per_s > 0 && need < capacity) {
            s->t_s = t + need / seg->rate_per_s;
            hf_time at = hf_time_from_s(s->t_s);
            /* Rounding to ns must not reorder arrivals. */
            s->source.next_time = at > s->source.next_time || s->source.next_time == HF_TIME_NEVER
                                      ? at
                                      : s->source.next_time;
            return;
        }
        need -= capacity > 0 ? capacity : 0;
        s->t_s = seg->end_s;
        s->segment++;
    }
    s->source.next_time = HF_TIME_NEVER;
}

static uint32_t pick_function(struct hf_synthetic *s)
{
    if (s->segment < s->segment_count) {
        const struct hf_rate_segment *seg = &s->segments[s->segment];
        if (seg->target >= 0 && seg->rate_per_s > s->base_rate &&
            gsl_rng_uniform(s->function_rng) < (seg->rate_per_s - s->base_rate) / seg->rate_per_s)
            return (uint32_t)seg->target;
    }
    return s->functions > 1 ? (uint32_t)gsl_rng_uniform_int(s->function_rng, s->functions) : 0;
}

static void deliver(struct hf_engine *engine, void *ctx)
{
    struct hf_synthetic *s = ctx;
    struct hf_invocation inv = {
        .id = s->next_id++,
        .arrival = hf_engine_now(engine),
        .work = hf_distribution_draw(&s->service, s->service_rng),
        .function = pick_function(s),
        .memory_mb = s->memory_mb,
    };
    advance(s);
    s->sink(s->model, &inv);
}

bool hf_synthetic_create(struct hf_synthetic *s, const json_t *workload, hf_time end,
                         struct hf_engine *engine, hf_invocation_sink sink, void *model)
{
    memset(s, 0, sizeof *s);
    if (!build_segments(s, workload, hf_time_to_s(end)))
        return false;
    s->poisson = strcmp(json_string_value(json_object_get(workload, "arrival")), "poisson") == 0;
    hf_distribution_from_json(&s->service, json_object_get(workload, "service"));
    s->memory_mb = (uint32_t)json_integer_value(json_object_get(workload, "memory_mb"));
    s->arrival_rng = hf_engine_rng(engine, "arrivals");
    s->service_rng = hf_engine_rng(engine, "service");
    s->functions = (uint32_t)json_integer_value(json_object_get(workload, "functions"));
    s->base_rate = json_number_value(json_object_get(workload, "rate_per_s"));
    s->function_rng = hf_engine_rng(engine, "function-choice");
    if (!s->arrival_rng || !s->service_rng || !s->function_rng)
        return false;
    s->sink = sink;
    s->model = model;
    s->source.deliver = deliver;
    s->source.ctx = s;
    s->source.next_time = 0;
    advance(s);
    return true;
}

void hf_synthetic_destroy(struct hf_synthetic *s)
{
    free(s->segments);
    s->segments = NULL;
}

double hf_synthetic_rate_at(const struct hf_synthetic *s, double t_s)
{
    for (size_t i = 0; i < s->segment_count; i++)
        if (t_s >= s->segments[i].start_s && t_s < s->segments[i].end_s)
            return s->segments[i].rate_per_s;
    return 0;
}

double hf_synthetic_expected(const struct hf_synthetic *s)
{
    double total = 0;
    for (size_t i = 0; i < s->segment_count; i++)
        total += s->segments[i].rate_per_s * (s->segments[i].end_s - s->segments[i].start_s);
    return total;
}
