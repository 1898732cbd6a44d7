/* The station as a backend entry (sim/backend.h): its scenario section and the glue to the model. */
#include <stdlib.h>

#include "models/station/station.h"
#include "sim/backend.h"

#define NUM(key, unit, def, flags, min, max, doc) {key, HF_T_NUMBER, unit, doc, def, flags, min, max, NULL, NULL}
#define INT(key, unit, def, flags, min, max, doc) {key, HF_T_INT, unit, doc, def, flags, min, max, NULL, NULL}
#define POSITIVE (HF_F_MIN | HF_F_MIN_EXCL)

static const struct hf_field station_fields[] = {
    INT("servers", "count", "16", HF_F_MIN | HF_F_MAX, 1, 1e7,
        "Servers in the single-queue model: the most requests served at once."),
    INT("queue_capacity", "count", "100000", HF_F_MIN | HF_F_MAX, 0, 1e9,
        "Requests the gateway queue holds; an arrival beyond it fails with reason queue_full."),
    NUM("timeout_s", "s", "30", POSITIVE, 0, 0,
        "Longest a request waits in the gateway queue before it fails with reason timeout."),
    {0},
};

static const struct hf_field sections[] = {
    {"station", HF_T_OBJECT, "", "The single-queue model (model = station).", NULL, 0, 0, 0, NULL, station_fields},
    {0},
};

static const char *const reads[] = {"station", NULL};

static void *create(struct hf_engine *engine, const json_t *scenario, struct hf_error *err)
{
    double timeout_s = hf_json_number_at(scenario, "station.timeout_s");
    struct hf_station_config config = {
        .servers = (uint32_t)hf_json_int_at(scenario, "station.servers"),
        .queue_capacity = (uint32_t)hf_json_int_at(scenario, "station.queue_capacity"),
        .timeout = timeout_s > 1e9 ? HF_TIME_NEVER : hf_time_from_s(timeout_s),
    };
    struct hf_station *s = malloc(sizeof *s);
    if (!s || !hf_station_create(s, engine, &config)) {
        free(s);
        hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory creating the model");
        return NULL;
    }
    return s;
}

static void destroy(void *s)
{
    hf_station_destroy(s);
    free(s);
}

static struct hf_platform *platform(void *s) { return &((struct hf_station *)s)->platform; }
static struct hf_model_stats *stats(void *s) { return &((struct hf_station *)s)->stats; }
static void attach(void *s, const struct hf_policy_type *p, void *state) { hf_station_attach_policy(s, p, state); }
static void account(void *s) { hf_station_account(s); }
static void fail_all(void *s, enum hf_fail_reason reason) { hf_station_fail_all(s, reason); }

const struct hf_backend_type hf_backend_station = {
    .name = "station",
    .summary = "one M/G/c/K queue, for theory checks",
    .features = 0,
    .sections = sections,
    .reads = reads,
    .create = create,
    .destroy = destroy,
    .platform = platform,
    .stats = stats,
    .arrive = hf_station_arrive,
    .attach_policy = attach,
    .account = account,
    .fail_all = fail_all,
};
