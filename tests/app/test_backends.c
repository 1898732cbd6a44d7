/* The backend registry: every entry can be created from a scenario naming it, its ops table provides
 * exactly the features its entry declares, and it reads every section it defines. */
#include <criterion/criterion.h>
#include <string.h>

#include "app/backends.h"
#include "app/scenario.h"
#include "sim/engine.h"

Test(backends, every_entry_creates_declares_its_features_and_reads_its_sections)
{
    cr_assert_geq(hf_backend_count(), 2);
    for (size_t i = 0; i < hf_backend_count(); i++) {
        const struct hf_backend_type *b = hf_backend_at(i);
        cr_assert_eq(hf_backend_find(b->name), b);
        if (b->drive) { /* on its own clock (live): driven whole, its features checked by its run */
            cr_assert_null(b->create, "%s: both lifecycles", b->name);
            continue;
        }
        cr_assert(b->create && b->destroy && b->platform && b->stats && b->arrive && b->attach_policy &&
                  b->account && b->fail_all, "%s: a simulated backend without one of its ops", b->name);
        char set[64];
        snprintf(set, sizeof set, "model=\"%s\"", b->name);
        const char *sets[] = {set};
        struct hf_error err = {0};
        json_t *scenario = hf_scenario_load(NULL, sets, 1, &err);
        cr_assert_not_null(scenario, "%s: %s", b->name, err.message);
        struct hf_engine engine;
        cr_assert(hf_engine_init(&engine, 1, "heap4", &err));
        void *impl = b->create(&engine, scenario, &err);
        cr_assert_not_null(impl, "%s: %s", b->name, err.message);
        cr_assert_eq(hf_platform_features(b->platform(impl)->ops), b->features, "%s: features differ", b->name);
        cr_assert_not_null(b->stats(impl));
        for (const struct hf_field *f = b->sections; f->key; f++) {
            bool read = false;
            for (const char *const *r = b->reads; *r; r++)
                read = read || strcmp(*r, f->key) == 0;
            cr_assert(read, "%s defines section %s but does not read it", b->name, f->key);
        }
        b->destroy(impl);
        hf_engine_fini(&engine);
        json_decref(scenario);
    }
    cr_assert_null(hf_backend_find("nope"));
}
