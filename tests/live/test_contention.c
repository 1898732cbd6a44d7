/* The contention report: figures from this machine's /proc, and the warnings that say when a live
 * run was too disturbed for a fair comparison. No engine needed. */
#include <criterion/criterion.h>
#include <string.h>

#include "live/contention.h"
#include "sim/schema.h"

Test(contention, a_quiet_run_is_reliable_and_reports_its_figures)
{
    struct hf_contention c;
    hf_contention_begin(&c);
    hf_contention_sample(&c);
    hf_contention_api(&c, 3);
    hf_contention_api(&c, 5);
    /* a quiet machine cannot be arranged in a test: judge only what was given */
    c.load_sum = c.load_max = 0.1;
    c.load_samples = 1;
    json_t *o = hf_contention_json(&c, 2.0, NULL, 0);
    cr_assert_float_eq(hf_json_number_at(o, "engine_api_ms.mean"), 4, 1e-9);
    cr_assert_float_eq(hf_json_number_at(o, "engine_api_ms.max"), 5, 1e-9);
    cr_assert_gt(hf_json_int_at(o, "cores"), 0);
    if (c.have_load)
        cr_assert_float_eq(hf_json_number_at(o, "load_avg_1m.max"), 0.1, 1e-9);
    const json_t *warnings = hf_json_at(o, "warnings");
    for (size_t i = 0; i < json_array_size(warnings); i++) /* only steal, which the test cannot control */
        cr_assert(strstr(json_string_value(json_array_get(warnings, i)), "steal"), "%s",
                  json_string_value(json_array_get(warnings, i)));
    json_decref(o);
}

/* An engine none of whose workers reported (no container ran there) is listed with what is known. */
Test(contention, an_engine_without_reports_gets_no_made_up_figures)
{
    struct hf_contention c = {0};
    struct hf_host_load none = {0};
    struct hf_contention_host hosts[] = {{"unix:///var/run/docker.sock", 2, &none, NULL}};
    json_t *o = hf_contention_json(&c, 0, hosts, 1);
    const json_t *h = json_array_get(hf_json_at(o, "hosts"), 0);
    cr_assert_eq(json_object_size(h), 2, "address and cores only");
    cr_assert(json_is_true(hf_json_at(o, "reliable")));
    json_decref(o);
}

Test(contention, each_disturbance_is_named)
{
    struct hf_contention c = {0};
    c.have_load = true;
    c.load_sum = c.load_max = 1e6; /* reported, not judged: the run's own requests count in it */
    c.load_samples = 1;
    hf_contention_api(&c, 2500);
    /* A remote engine's machine as its workers saw it over 10 s: 4 cores 92 % busy and 6 % stolen,
     * the run's containers using 1 core of that: 2.68 cores of other work. */
    struct hf_host_load remote = {0};
    hf_host_load_add(&remote, 100.0, 7.0, 1000, 400, 10);
    hf_host_load_container(&remote, 99.0, 5e9); /* before the first report: not counted */
    hf_host_load_container(&remote, 100.0, 10e9);
    hf_host_load_add(&remote, 110.0, 9.0, 2000, 420, 70);
    struct hf_contention_host hosts[] = {{"tcp://10.0.0.2:2376", 4, &remote, "boot-a"}};
    json_t *o = hf_contention_json(&c, 400, hosts, 1);
    cr_assert(json_is_false(hf_json_at(o, "reliable")));
    char *text = json_dumps(hf_json_at(o, "warnings"), 0);
    cr_assert(strstr(text, "engine call took 2500 ms") && strstr(text, "issued 400 ms late"), "%s", text);
    cr_assert(!strstr(text, "load average"), "the load average is not a warning: %s", text);
    cr_assert(strstr(text, "engine tcp://10.0.0.2:2376: other work used 2.68 of its 4 cores") &&
                  strstr(text, "engine tcp://10.0.0.2:2376: the hypervisor took 6.0 %"),
              "%s", text);
    const json_t *h = json_array_get(hf_json_at(o, "hosts"), 0);
    cr_assert_float_eq(hf_json_number_at(h, "load_avg_1m.mean"), 8.0, 1e-9);
    cr_assert_float_eq(hf_json_number_at(h, "cpu_busy_pct"), 92.0, 1e-9, "(1000 - 20 idle - 60 steal) of 1000");
    cr_assert_float_eq(hf_json_number_at(h, "cpu_steal_pct"), 6.0, 1e-9);
    cr_assert_float_eq(hf_json_number_at(h, "containers_cores"), 1.0, 1e-9);
    cr_assert_float_eq(hf_json_number_at(h, "other_cores"), 2.68, 1e-9);
    free(text);
    json_decref(o);
}

/* Two engines on one machine (the same boot id, as the two-host test cluster): the CPU each one's
 * containers use is not "other work" for the other, so neither is flagged; a third on another
 * machine is judged on its own. */
Test(contention, engines_sharing_a_machine_count_each_others_containers)
{
    struct hf_contention c = {0};
    struct hf_host_load a = {0}, b = {0}, far = {0};
    /* one 2-core machine 60 % busy over 10 s: 0.7 core of containers on each engine */
    hf_host_load_add(&a, 0.0, 1.0, 1000, 1000, 0);
    hf_host_load_container(&a, 0.0, 7e9);
    hf_host_load_add(&a, 10.0, 1.0, 3000, 1800, 0);
    hf_host_load_add(&b, 0.0, 1.0, 1000, 1000, 0);
    hf_host_load_container(&b, 0.0, 7e9);
    hf_host_load_add(&b, 10.0, 1.0, 3000, 1800, 0);
    /* the same figures on another machine: 1.2 busy cores, 0.7 its own containers' */
    hf_host_load_add(&far, 0.0, 1.0, 1000, 1000, 0);
    hf_host_load_container(&far, 0.0, 7e9);
    hf_host_load_add(&far, 10.0, 1.0, 3000, 1800, 0);
    struct hf_contention_host hosts[] = {{"unix:///var/run/docker.sock", 2, &a, "boot-1"},
                                         {"tcp://10.213.0.2:2376", 2, &b, "boot-1"},
                                         {"tcp://10.0.0.9:2376", 2, &far, "boot-2"}};
    json_t *o = hf_contention_json(&c, 0, hosts, 3);
    const json_t *engines = hf_json_at(o, "hosts");
    for (size_t i = 0; i < 2; i++) {
        const json_t *h = json_array_get(engines, i);
        cr_assert_float_eq(hf_json_number_at(h, "containers_cores"), 1.4, 1e-9, "engine %zu", i);
        cr_assert_float_eq(hf_json_number_at(h, "other_cores"), 0.0, 1e-9, "engine %zu", i);
        cr_assert_eq(json_array_size(json_object_get(h, "shares_machine_with")), 1);
    }
    const json_t *h = json_array_get(engines, 2);
    cr_assert_float_eq(hf_json_number_at(h, "other_cores"), 0.5, 1e-9);
    cr_assert_null(json_object_get(h, "shares_machine_with"));
    char *text = json_dumps(hf_json_at(o, "warnings"), 0);
    cr_assert(strstr(text, "engine tcp://10.0.0.9:2376: other work used 0.50") && !strstr(text, "10.213.0.2"), "%s",
              text);
    free(text);
    json_decref(o);
}
