/* report.html in a real browser: headless Chromium (Debian's chromium-headless-shell or chromium)
 * renders a comparison's page; the screenshot must show the page and its plots (not blank, the
 * plots' line colours present), and a copy of the page with tests/app/report_check.js appended
 * must find no broken reference. Skipped, never passed, where no browser can start. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sim/results.h"
#include "support/cli_run.h"
#include "support/png_pixels.h"
#include "support/skip_aware_main.h"

int main(int argc, char *argv[]) { return skip_aware_main(argc, argv); }

static char base[64];
static struct cli_result r;

static void setup(void)
{
    strcpy(base, "/tmp/hfsim-test-browser-XXXXXX");
    cr_assert_not_null(mkdtemp(base));
}
static void teardown(void) { hf_remove_tree(base); }

TestSuite(report_browser, .init = setup, .fini = teardown);

#define SHORT "--set duration_s=80 --set drain_s=30 --set workload.bursts.0.start_s=40 " \
              "--set workload.bursts.0.duration_s=40 -q"

/* The browser command, or NULL: $HFSIM_BROWSER, else the first Chromium in PATH. */
static const char *find_browser(void)
{
    const char *chosen = getenv("HFSIM_BROWSER");
    if (chosen && *chosen)
        return chosen;
    static const char *const names[] = {"chromium-headless-shell", "chromium", "chromium-browser", "google-chrome"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char cmd[128];
        snprintf(cmd, sizeof cmd, "command -v %s >/dev/null 2>&1", names[i]);
        if (system(cmd) == 0)
            return names[i];
    }
    return NULL;
}

/* Runs the browser headless on file `page` of the test directory with extra flags; its stdout goes
 * to `out` (in the test directory). Root needs --no-sandbox; the profile stays in the test
 * directory. */
static int browse(const char *browser, const char *flags, const char *page, const char *out)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && timeout 120 %s --headless --no-sandbox --disable-gpu --hide-scrollbars --no-first-run "
             "--user-data-dir=%s/profile %s file://%s/%s >%s 2>browser.log",
             base, browser, base, flags, base, page, out);
    return system(cmd);
}

Test(report_browser, a_comparison_page_renders_with_its_plots_and_no_broken_reference, .timeout = 300)
{
    const char *browser = find_browser();
    if (!browser)
        cr_skip_test("no browser: apt-get install chromium-headless-shell (or set HFSIM_BROWSER)");
    if (system("command -v gnuplot >/dev/null 2>&1") != 0)
        cr_skip_test("no gnuplot: the page would have no plots to render");
    cli_run(HFSIM_BIN, base, "compare --policies hpa,hyperfaas --out c " SHORT, &r);
    cr_assert_eq(r.code, 0, "%s", r.err);

    char shot[300];
    snprintf(shot, sizeof shot, "%s/shot.png", base);
    if (browse(browser, "--window-size=1200,3000 --screenshot=shot.png", "c/report.html", "browser.out") != 0) {
        struct stat st;
        if (stat(shot, &st) != 0)
            cr_skip_test("%s could not start or render here (see browser.log in a kept run)", browser);
    }
    struct png_pixels png;
    char why[128];
    cr_assert(png_pixels_load(shot, &png, why, sizeof why), "the screenshot: %s", why);
    cr_assert_eq(png.width, 1200);
    /* Not blank: a good share of the page differs from its white background, and the plots' line
     * colours (gnuplot's first two: purple 9400d3, green 009e73) are on it. */
    size_t ink = 0, purple = 0, green = 0, pixels = (size_t)png.width * png.height;
    for (size_t i = 0; i < pixels; i++) {
        const unsigned char *p = png.rgb + 3 * i;
        ink += p[0] < 235 || p[1] < 235 || p[2] < 235;
        purple += abs(p[0] - 0x94) < 24 && p[1] < 40 && abs(p[2] - 0xd3) < 24;
        green += p[0] < 40 && abs(p[1] - 0x9e) < 24 && abs(p[2] - 0x73) < 24;
    }
    free(png.rgb);
    cr_assert_gt(ink, pixels / 50, "the page looks blank: %zu of %zu pixels are not background", ink, pixels);
    cr_assert_gt(purple, 200, "no plot line of the first policy on the page (%zu pixels)", purple);
    cr_assert_gt(green, 200, "no plot line of the second policy on the page (%zu pixels)", green);

    /* The page's references, checked by the browser itself on a copy with the check appended. */
    char cmd[1024];
    snprintf(cmd, sizeof cmd,
             "cd %s && sed '/<\\/body>/,$d' c/report.html > c/check.html && printf '<script>\\n' >> c/check.html && "
             "cat %s/tests/app/report_check.js >> c/check.html && printf '</script>\\n</body>\\n</html>\\n' >> c/check.html",
             base, HFSIM_SOURCE_DIR);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(browse(browser, "--dump-dom --virtual-time-budget=5000", "c/check.html", "dom.html"), 0,
                 "%s --dump-dom failed", browser);
    char path[300];
    snprintf(path, sizeof path, "%s/dom.html", base);
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f);
    static char dom[1 << 22];
    dom[fread(dom, 1, sizeof dom - 1, f)] = '\0';
    fclose(f);
    const char *check = strstr(dom, "data-check=\"");
    cr_assert_not_null(check, "the check did not run in the browser");
    char result[512];
    snprintf(result, sizeof result, "%.*s", (int)strcspn(check + 12, "\""), check + 12);
    cr_assert(strncmp(result, "svgs=5 bad=0", 12) == 0, "in the browser: %s", result);
}
