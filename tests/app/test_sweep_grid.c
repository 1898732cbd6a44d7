/* Sweep grids: lists, ranges, JSON values, sweep files, point numbering, and their errors. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/sweep_grid.h"

Test(sweep_grid, lists_ranges_and_point_order)
{
    struct hf_sweep_grid g = {0};
    struct hf_error err = {0};
    cr_assert(hf_sweep_grid_add(&g, "hpa.sync_period_s=5,15,30", &err), "%s", err.message);
    cr_assert(hf_sweep_grid_add(&g, "cluster.vms=4..16:4", &err), "%s", err.message);
    cr_assert(hf_sweep_grid_add(&g, "workload.bursts=[{\"start_s\":1,\"duration_s\":2}],[]", &err), "%s",
              err.message);
    cr_assert_eq(g.axes[1].count, 4, "4, 8, 12, 16");
    cr_assert_str_eq(g.axes[1].values[3], "16");
    cr_assert_eq(g.axes[2].count, 2, "commas inside JSON do not split");
    cr_assert_eq(hf_sweep_grid_points(&g), 3 * 4 * 2);
    /* The first axis varies slowest, the last fastest. */
    cr_assert_str_eq(hf_sweep_grid_value(&g, 0, 0), "5");
    cr_assert_str_eq(hf_sweep_grid_value(&g, 1, 2), "[]");
    cr_assert_str_eq(hf_sweep_grid_value(&g, 2, 1), "8");
    cr_assert_str_eq(hf_sweep_grid_value(&g, 8, 0), "15");
    cr_assert_str_eq(hf_sweep_grid_value(&g, 23, 0), "30");
    char *sets[HF_SWEEP_MAX_AXES];
    cr_assert(hf_sweep_grid_overrides(&g, 9, sets, &err));
    cr_assert_str_eq(sets[0], "hpa.sync_period_s=15");
    cr_assert_str_eq(sets[1], "cluster.vms=4");
    cr_assert_str_eq(sets[2], "workload.bursts=[]");
    for (int i = 0; i < 3; i++)
        free(sets[i]);
    hf_sweep_grid_free(&g);
}

Test(sweep_grid, fractional_ranges_include_their_end)
{
    struct hf_sweep_grid g = {0};
    struct hf_error err = {0};
    cr_assert(hf_sweep_grid_add(&g, "x=0.1..0.3:0.1", &err), "%s", err.message);
    cr_assert_eq(g.axes[0].count, 3);
    cr_assert_str_eq(g.axes[0].values[2], "0.3");
    hf_sweep_grid_free(&g);
}

static void expect_error(const char *assignment, const char *needle)
{
    struct hf_sweep_grid g = {0};
    struct hf_error err = {0};
    bool ok = hf_sweep_grid_add(&g, "a=1,2", &err) && hf_sweep_grid_add(&g, assignment, &err);
    cr_assert_not(ok, "accepted %s", assignment);
    cr_assert_eq(err.code, HF_EXIT_USAGE);
    cr_assert_not_null(strstr(err.message, needle), "wanted \"%s\" in: %s", needle, err.message);
    hf_sweep_grid_free(&g);
}

Test(sweep_grid, errors_name_the_argument)
{
    expect_error("novalue", "--set novalue: expected PATH=");
    expect_error("=1,2", "empty parameter path");
    expect_error("a=3,4", "a is swept twice");
    expect_error("b=1,,2", "an empty value");
    expect_error("b=5..1:1", "a range needs FROM <= TO");
    expect_error("b=1..5:0", "STEP > 0");
    expect_error("b=x..5:1", "FROM is not a number");
    expect_error("b=1..5:y", "STEP is not a number");
}

Test(sweep_grid, sweep_files)
{
    char path[] = "/tmp/hfsim-test-sweepfile-XXXXXX";
    int fd = mkstemp(path);
    cr_assert_geq(fd, 0);
    const char *text = "{\"axes\": {\"seed\": [1, 2], \"cluster.vms\": {\"from\": 2, \"to\": 6, \"step\": 2}},"
                       " \"policies\": [\"hpa\", \"hyperfaas\"]}";
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    struct hf_sweep_grid g = {0};
    struct hf_error err = {0};
    cr_assert(hf_sweep_grid_load(&g, path, &err), "%s", err.message);
    cr_assert_eq(hf_sweep_grid_points(&g), 6);
    cr_assert_str_eq(g.policies, "hpa,hyperfaas");
    hf_sweep_grid_free(&g);

    FILE *f = fopen(path, "w");
    fputs("{\"axes\": {\"seed\": []}}", f);
    fclose(f);
    cr_assert_not(hf_sweep_grid_load(&g, path, &err));
    cr_assert_eq(err.code, HF_EXIT_BAD_INPUT);
    cr_assert_not_null(strstr(err.message, "$.axes.seed: expected a non-empty array"), "%s", err.message);
    hf_sweep_grid_free(&g);
    f = fopen(path, "w");
    fputs("{\"axes\": {\"seed\": [1,]}", f);
    fclose(f);
    cr_assert_not(hf_sweep_grid_load(&g, path, &err));
    cr_assert_not_null(strstr(err.message, path), "%s", err.message);
    hf_sweep_grid_free(&g);
    unlink(path);
}
