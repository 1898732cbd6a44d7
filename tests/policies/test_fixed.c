/* The fixed policy against a recording fake platform: what it calls, in which order. */
#include <criterion/criterion.h>
#include <string.h>

#include "policies/registry.h"

struct recorder {
    char log[512];
    hf_time now;
};

static void record(struct recorder *r, const char *line)
{
    strncat(r->log, line, sizeof r->log - strlen(r->log) - 1);
}

static hf_time fake_now(void *b) { return ((struct recorder *)b)->now; }
static hf_timer fake_timer_after(void *b, hf_time d, uint64_t arg)
{
    char line[64];
    snprintf(line, sizeof line, "timer(%lld,%llu);", (long long)d, (unsigned long long)arg);
    record(b, line);
    return 1;
}
static bool fake_timer_cancel(void *b, hf_timer t)
{
    (void)t;
    record(b, "cancel;");
    return true;
}
static uint32_t fake_functions(void *b)
{
    (void)b;
    return 3;
}
static uint32_t fake_set_replicas(void *b, uint32_t f, uint32_t n)
{
    char line[64];
    snprintf(line, sizeof line, "set(%u,%u);", f, n);
    record(b, line);
    return n;
}
static void fake_load(void *b, uint32_t f, struct hf_function_load *out)
{
    (void)b;
    (void)f;
    memset(out, 0, sizeof *out);
}

static const struct hf_platform_ops fake_ops = {
    .now = fake_now, .timer_after = fake_timer_after, .timer_cancel = fake_timer_cancel,
    .function_count = fake_functions, .set_replicas = fake_set_replicas, .load = fake_load,
};

Test(fixed, sets_every_function_once_and_nothing_else)
{
    const struct hf_policy_type *p = hf_policy_find("fixed");
    cr_assert_not_null(p);
    struct recorder rec = {.log = "", .now = 0};
    struct hf_platform platform = {&fake_ops, &rec};
    char state[64];
    cr_assert_leq(p->state_size, sizeof state);
    json_t *params = json_pack("{s:i}", "replicas", 6);
    struct hf_error err;
    cr_assert(p->init(state, params, &platform, &err));
    p->on_timer(state, &platform, 0);
    p->fini(state);
    cr_assert_str_eq(rec.log, "set(0,6);set(1,6);set(2,6);");
    json_decref(params);
}

Test(registry, names_are_unique_and_documented)
{
    for (size_t i = 0; i < hf_policy_count(); i++) {
        const struct hf_policy_type *p = hf_policy_at(i);
        cr_assert(p->name && *p->name && p->summary && *p->summary && p->params && p->init);
        cr_assert_eq(hf_policy_find(p->name), p);
    }
    cr_assert_null(hf_policy_find("no-such-policy"));
}
