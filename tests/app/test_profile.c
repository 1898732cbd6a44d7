/* Profiles: second-level fields become whole-value overrides, metadata is skipped, errors name the file. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/profile.h"
#include "app/scenario.h"

static char path[] = "/tmp/hfsim-test-profile-XXXXXX";

static void write_profile(const char *text)
{
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
}

Test(profile, fields_become_overrides_the_scenario_accepts)
{
    write_profile("{\"_calibration\": {\"host\": \"x\"}, \"function\": {\"resize_ms\": 12.5, \"cold_start\": "
                  "{\"preset\": \"docker\", \"sandbox\": {\"dist\": \"empirical\", \"samples_ms\": [200, 300]}}},"
                  " \"seed\": 9}");
    char **sets;
    size_t n;
    struct hf_error err = {0};
    cr_assert(hf_profile_overrides(path, &sets, &n, &err), "%s", err.message);
    cr_assert_eq(n, 3, "metadata skipped");
    cr_assert_str_eq(sets[0], "function.resize_ms=12.5");
    cr_assert(strncmp(sets[1], "function.cold_start={", 21) == 0, "%s", sets[1]);
    cr_assert_str_eq(sets[2], "seed=9");
    json_t *s = hf_scenario_load(HFSIM_SOURCE_DIR "/scenarios/figure1-hpa-burst.json", (const char *const *)sets, n,
                                 &err);
    cr_assert_not_null(s, "%s", err.message);
    cr_assert_float_eq(hf_json_number_at(s, "function.resize_ms"), 12.5, 1e-9);
    cr_assert_str_eq(hf_json_string_at(s, "function.cold_start.sandbox.dist"), "empirical");
    json_decref(s);
    hf_profile_free(sets, n);
    unlink(path);
}

Test(profile, errors_name_the_file)
{
    write_profile("[1, 2]");
    char **sets;
    size_t n;
    struct hf_error err = {0};
    cr_assert_not(hf_profile_overrides(path, &sets, &n, &err));
    cr_assert(strstr(err.message, path) && strstr(err.message, "a profile is a JSON object"), "%s", err.message);
    unlink(path);
    strcpy(path, "/tmp/hfsim-test-profile-XXXXXX");
    write_profile("{\"function\": {");
    cr_assert_not(hf_profile_overrides(path, &sets, &n, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert(strstr(err.message, path), "%s", err.message);
    unlink(path);
}
