#include "app/sweep_plot.h"

#include <errno.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <jansson.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/csv_field.h"
#include "app/gnuplot.h"
#include "app/metric_labels.h"
#include "app/plot_compare.h"
#include "app/policy_list.h"
#include "app/replace_file.h"
#include "app/report.h"
#include "app/scenario.h"
#include "app/study.h"
#include "app/summary_columns.h"
#include "app/sweep.h"
#include "app/sweep_grid.h"
#include "sim/json_file.h"
#include "sim/schema.h"
#include <sys/stat.h>
#include "version.h"

/* The metrics a sweep plots, by comparison.csv column name. */
static const char *const plotted_metrics[] = {"p50_ms", "p99_ms", "time_to_stabilize_s", "failed",
                                              "cpu_allocated_core_s", "memory_gb_s", "cold_starts",
                                              "last_container_ready_s"};
#define METRIC_COUNT (sizeof plotted_metrics / sizeof plotted_metrics[0])

/* How the grid maps onto a figure. The x axis is the first varied parameter (a numeric one when
 * there is one), the lines are the values of the next (and any beyond a third, combined), the
 * panels the values of a third; the seed axis is averaged over. Without a varied parameter the
 * policies are the x axis. */
struct layout {
    const struct hf_sweep_grid *grid;
    int policies;
    int x_axis;       /* -1: the policies are the x axis */
    bool x_numeric;
    int facet_axis;   /* -1: one panel */
    int group_axes[HF_SWEEP_MAX_AXES];
    int group_count;
    int seed_axis;    /* -1: no seeds averaged */
    size_t x_count, facet_count, group_combinations;
    uint64_t stride[HF_SWEEP_MAX_AXES]; /* points between successive values of an axis */
};

static bool is_number(const char *text)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    return end != text && *end == '\0' && errno == 0 && isfinite(v);
}

static void plan_layout(struct layout *l, const struct hf_sweep_grid *g, int policies)
{
    memset(l, 0, sizeof *l);
    l->grid = g;
    l->policies = policies;
    l->x_axis = l->facet_axis = l->seed_axis = -1;
    uint64_t stride = 1;
    for (size_t a = g->axis_count; a-- > 0;) {
        l->stride[a] = stride;
        stride *= g->axes[a].count;
    }
    int varied[HF_SWEEP_MAX_AXES], varied_count = 0;
    for (size_t a = 0; a < g->axis_count; a++) {
        if (g->axes[a].count < 2)
            continue;
        if (strcmp(g->axes[a].path, "seed") == 0)
            l->seed_axis = (int)a;
        else
            varied[varied_count++] = (int)a;
    }
    for (int v = 0; v < varied_count && l->x_axis < 0; v++) {
        bool numeric = true;
        for (size_t k = 0; k < g->axes[varied[v]].count; k++)
            numeric = numeric && is_number(g->axes[varied[v]].values[k]);
        if (numeric) {
            l->x_axis = varied[v];
            l->x_numeric = true;
        }
    }
    if (l->x_axis < 0 && varied_count > 0)
        l->x_axis = varied[0];
    int rest = 0;
    for (int v = 0; v < varied_count; v++) {
        if (varied[v] == l->x_axis)
            continue;
        if (rest++ == 1)
            l->facet_axis = varied[v];
        else
            l->group_axes[l->group_count++] = varied[v];
    }
    l->x_count = l->x_axis >= 0 ? g->axes[l->x_axis].count : (size_t)policies;
    l->facet_count = l->facet_axis >= 0 ? g->axes[l->facet_axis].count : 1;
    l->group_combinations = 1;
    for (int i = 0; i < l->group_count; i++)
        l->group_combinations *= g->axes[l->group_axes[i]].count;
}

static size_t value_index(const struct layout *l, uint64_t point, int axis)
{
    return (size_t)((point / l->stride[axis]) % l->grid->axes[axis].count);
}

static size_t group_index(const struct layout *l, uint64_t point)
{
    size_t g = 0;
    for (int i = 0; i < l->group_count; i++)
        g = g * l->grid->axes[l->group_axes[i]].count + value_index(l, point, l->group_axes[i]);
    return g;
}

/* Cells in figure order: panel, line (policy within group), x. */
static size_t series_count(const struct layout *l)
{
    return l->group_combinations * (size_t)(l->x_axis >= 0 ? l->policies : 1);
}

static size_t cell_of(const struct layout *l, uint64_t point, int policy)
{
    size_t facet = l->facet_axis >= 0 ? value_index(l, point, l->facet_axis) : 0;
    size_t series = group_index(l, point) * (size_t)(l->x_axis >= 0 ? l->policies : 1) +
                    (size_t)(l->x_axis >= 0 ? policy : 0);
    size_t x = l->x_axis >= 0 ? value_index(l, point, l->x_axis) : (size_t)policy;
    return (facet * series_count(l) + series) * l->x_count + x;
}

/* The text of group combination g: "path=value, path=value". */
static void group_label(const struct layout *l, size_t g, char *buf, size_t size)
{
    buf[0] = '\0';
    for (int i = l->group_count; i-- > 0;) {
        const struct hf_sweep_axis *axis = &l->grid->axes[l->group_axes[i]];
        size_t k = g % axis->count;
        g /= axis->count;
        char part[256];
        snprintf(part, sizeof part, "%s=%s%s%s", axis->path, axis->labels[k], buf[0] ? ", " : "", buf);
        snprintf(buf, size, "%s", part);
    }
}

struct cell_stats {
    size_t n;
    double mean, low, high;
};

/* Mean and 95 % interval of the values of one cell (Student's t over n seeds). */
static struct cell_stats summarize(const double *values, size_t n)
{
    struct cell_stats s = {.n = n, .mean = NAN, .low = NAN, .high = NAN};
    if (n == 0)
        return s;
    s.mean = gsl_stats_mean(values, 1, n);
    double half = 0;
    if (n >= 2)
        half = gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * gsl_stats_sd_m(values, 1, n, s.mean) / sqrt((double)n);
    s.low = s.mean - half;
    s.high = s.mean + half;
    return s;
}

struct sweep_data {
    struct hf_sweep_grid grid;
    struct hf_policy_list list;
    uint64_t points;
    double *values; /* [job * hf_summary_column_count + column]; NAN where absent */
};

static bool load_runs(const char *dir, struct sweep_data *d, struct hf_error *err)
{
    char *scenario = NULL, *policies = NULL;
    bool ok = hf_sweep_load_manifest(dir, &d->grid, &scenario, &policies, err) &&
              hf_policy_list_parse(&d->list, policies, err);
    free(scenario);
    free(policies);
    if (!ok)
        return false;
    d->points = hf_sweep_grid_points(&d->grid);
    uint64_t jobs = d->points * (uint64_t)d->list.count;
    d->values = malloc(jobs * hf_summary_column_count * sizeof *d->values);
    if (!d->values)
        return hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    for (uint64_t job = 0; ok && job < jobs; job++) {
        char run[PATH_MAX + 64], path[PATH_MAX + 96];
        hf_sweep_run_dir(dir, d->list.names[job % (uint64_t)d->list.count], job / (uint64_t)d->list.count, run,
                         sizeof run);
        snprintf(path, sizeof path, "%s/summary.json", run);
        struct stat st;
        json_t *summary = stat(path, &st) == 0 ? hf_json_load_file(path, err) : NULL;
        if (!summary) {
            if (stat(path, &st) != 0)
                hf_fail(err, HF_EXIT_BAD_INPUT, "%s: missing (the sweep is not complete: run it again to finish)",
                        path);
            ok = false;
            break;
        }
        for (size_t c = 0; c < hf_summary_column_count; c++) {
            bool present;
            double v = hf_summary_value(summary, &hf_summary_columns[c], &present);
            d->values[job * hf_summary_column_count + c] = present ? v : NAN;
        }
        json_decref(summary);
    }
    return ok;
}

static size_t column_of(const char *name)
{
    for (size_t c = 0; c < hf_summary_column_count; c++)
        if (strcmp(hf_summary_columns[c].name, name) == 0)
            return c;
    return 0;
}

/* The per-cell statistics of one metric; false when no run has the metric. */
static bool metric_stats(const struct sweep_data *d, const struct layout *l, size_t column,
                         struct cell_stats *cells, size_t cell_count, double *scratch, size_t *cell_jobs_start,
                         const uint64_t *cell_jobs, bool *all_zero)
{
    bool any = false;
    for (size_t c = 0; c < cell_count; c++) {
        size_t n = 0;
        for (size_t j = cell_jobs_start[c]; j < cell_jobs_start[c + 1]; j++) {
            double v = d->values[cell_jobs[j] * hf_summary_column_count + column];
            if (!isnan(v)) {
                scratch[n++] = v;
                *all_zero = *all_zero && v == 0;
            }
        }
        cells[c] = summarize(scratch, n);
        any = any || n > 0;
    }
    (void)l;
    return any;
}

static void gnuplot_term(FILE *gp, int width, int height)
{
    fprintf(gp, "if (ext eq 'svg') { set terminal svg size %d,%d dynamic noenhanced font 'sans,11' } "
                "else { set terminal pngcairo size %d,%d noenhanced font 'sans,10' }\n",
            width, height, width, height);
}

/* A swept parameter's name on an axis: its path, and its unit from the scenario schema. */
static void parameter_label(const struct hf_field *schema, const char *path, char *buf, size_t size)
{
    const struct hf_field *f = hf_schema_find(schema, path);
    if (f && f->unit && f->unit[0] && strcmp(f->unit, "count") != 0)
        snprintf(buf, size, "%s (%s)", path, f->unit);
    else
        snprintf(buf, size, "%s", path);
}

/* The x values in drawing order: numeric ones ascending (a line drawn in the order the values were
 * given zigzags), others as given. */
static void x_order(const struct sweep_data *d, const struct layout *l, size_t *order)
{
    for (size_t x = 0; x < l->x_count; x++)
        order[x] = x;
    if (!l->x_numeric)
        return;
    const struct hf_sweep_axis *axis = &d->grid.axes[l->x_axis];
    for (size_t i = 1; i < l->x_count; i++) /* insertion sort: a handful of values */
        for (size_t j = i; j > 0 && strtod(axis->values[order[j]], NULL) < strtod(axis->values[order[j - 1]], NULL);
             j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

static const int marker_types[] = {7, 5, 9, 11, 13, 15, 4, 6};

/* One line's colour: by its value of the second parameter when there are several (distinct
 * palette up to 12, evenly spaced hues beyond, never a repeat), else by policy. */
static void series_colour(const struct layout *l, size_t group, int policy, char *buf, size_t size)
{
    static const char *const palette[] = {"9400d3", "009e73", "56b4e9", "e69f00", "0072b2", "e51e10",
                                          "000000", "cc79a7", "8c564b", "7f7f7f", "bcbd22", "17becf"};
    size_t index = l->group_combinations > 1 ? group : (size_t)policy;
    size_t count = l->group_combinations > 1 ? l->group_combinations : (size_t)l->policies;
    if (count <= 12) {
        snprintf(buf, size, "#%s", palette[index]);
        return;
    }
    /* HSV to RGB, hue spread over 0.9 of the circle, saturation 0.85, value 0.8 */
    double h = (double)index / (double)count * 0.9 * 6, v = 0.8, sat = 0.85;
    int sector = (int)h;
    double f = h - sector, p = v * (1 - sat), q = v * (1 - sat * f), t = v * (1 - sat * (1 - f));
    double rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
    snprintf(buf, size, "#%02x%02x%02x", (int)(rgb[sector % 6][0] * 255), (int)(rgb[sector % 6][1] * 255),
             (int)(rgb[sector % 6][2] * 255));
}

/* The figure of one metric: a datablock per panel and line, then the plot commands. */
static void write_figure(FILE *gp, const struct sweep_data *d, const struct layout *l, const char *metric,
                         const struct cell_stats *cells, struct hf_sweep_plot_info *info, int seeds,
                         const struct hf_field *schema)
{
    char x_name[300];
    if (l->x_axis >= 0)
        parameter_label(schema, d->grid.axes[l->x_axis].path, x_name, sizeof x_name);
    else
        snprintf(x_name, sizeof x_name, "policy");
    size_t series = series_count(l);
    int index = info->plot_count;
    const char *spread = seeds > 1 ? "mean over %d seeds, bars: 95 %% confidence interval (Student t)"
                                   : "one run per point";
    char spread_text[384];
    snprintf(spread_text, sizeof spread_text, spread, seeds);
    size_t order[4096];
    size_t x_count = l->x_count < 4096 ? l->x_count : 4096;
    x_order(d, l, order);
    /* With error bars and several lines, markers are nudged sideways so that bars at the same x do
     * not hide each other: all of a point's lines within an eighth of the gap to the nearest other x
     * value, so no marker strays towards another value. The title says so. */
    double gap = 1;
    if (l->x_numeric) {
        gap = INFINITY;
        for (size_t i = 1; i < x_count; i++) {
            double g = strtod(d->grid.axes[l->x_axis].values[order[i]], NULL) -
                       strtod(d->grid.axes[l->x_axis].values[order[i - 1]], NULL);
            gap = g > 0 && g < gap ? g : gap;
        }
        gap = isfinite(gap) ? gap : 1;
    }
    double nudge = seeds > 1 && series > 1 ? 0.12 * gap / (double)(series - 1) : 0;
    char notes[256] = ""; /* a third title line: how to read what is drawn */
    if (nudge > 0)
        snprintf(notes, sizeof notes, "markers nudged sideways to keep bars apart");
    double y_max = 0;
    bool fewer = false, cut = false;
    /* Datablocks: $m<index>_<facet>_<series>, rows "x mean low high"; a cell without a value (no
     * run has the metric there) is a blank line, which breaks the line instead of bridging it. */
    for (size_t f = 0; f < l->facet_count; f++)
        for (size_t s = 0; s < series; s++) {
            fprintf(gp, "$m%d_%zu_%zu << EOD\n", index, f, s);
            double shift = nudge * ((double)s - (double)(series - 1) / 2);
            for (size_t k = 0; k < x_count; k++) {
                size_t x = order[k];
                const struct cell_stats *c = &cells[(f * series + s) * l->x_count + x];
                fewer = fewer || (int)c->n < seeds;
                if (c->n == 0) {
                    fputc('\n', gp);
                    continue;
                }
                cut = cut || c->low < 0;
                double at = l->x_numeric ? strtod(d->grid.axes[l->x_axis].values[x], NULL) : (double)x;
                fprintf(gp, "%.10g %.10g %.10g %.10g\n", at + shift, c->mean, c->low, c->high);
                y_max = c->high > y_max ? c->high : y_max;
            }
            fputs("EOD\n", gp);
        }
    if (fewer && seeds > 1)
        snprintf(spread_text + strlen(spread_text), sizeof spread_text - strlen(spread_text),
                 ", fewer where a run has no value");
    if (cut)
        snprintf(notes + strlen(notes), sizeof notes - strlen(notes), "%sbars below 0 cut at the axis",
                 notes[0] ? "; " : "");
    /* Panels side by side, three to a row, and a last one for the legend alone: one legend for all
     * (repeated under every panel it crowded them), the same size as the panels. */
    bool facets = l->facet_count > 1;
    size_t panels = l->facet_count + (facets ? 1 : 0);
    int columns = panels <= 3 ? (int)panels : 3;
    int rows = (int)((panels + 2) / 3);
    gnuplot_term(gp, facets ? 480 * columns : 1000, facets ? 440 * rows : 560);
    snprintf(info->file[index], sizeof info->file[index], "%s-%s%s", metric, l->x_axis >= 0 ? "vs-" : "by-",
             l->x_axis >= 0 ? d->grid.axes[l->x_axis].path : "policy");
    fprintf(gp, "set output '%s.'.ext\n", info->file[index]);
    if (l->x_numeric) {
        /* The x axis spans the swept values and a margin, not the tics around them. */
        fputs("set autoscale xfix\nset offsets graph 0.05, graph 0.05, 0, 0\n", gp);
        /* A few swept values: the tics are those values (autofreq put 4.5 VMs between 4 and 8). */
        if (x_count <= 12) {
            fputs("set xtics (", gp);
            for (size_t k = 0; k < x_count; k++)
                fprintf(gp, "%s%s", k ? ", " : "", d->grid.axes[l->x_axis].labels[order[k]]);
            fputs(")\n", gp);
        } else {
            fputs("set xtics autofreq\n", gp);
        }
    } else {
        fprintf(gp, "set xrange [-0.5:%zu.5]\nset offsets 0, 0, 0, 0\nset xtics (", l->x_count - 1);
        for (size_t x = 0; x < l->x_count; x++) {
            fputs(x ? ", " : "", gp);
            hf_gnuplot_quote(gp, l->x_axis >= 0 ? d->grid.axes[l->x_axis].labels[x] : d->list.names[x]);
            fprintf(gp, " %zu", x);
        }
        fputs(")\n", gp);
    }
    /* Every plotted metric is a count, a time or an amount: none is negative, so the y axis starts
     * at 0 (a wide interval's lower bar stops there; sweep_stats.csv has its value) and ends above
     * the highest bar; panels share it, so that they compare at a glance. */
    fprintf(gp, "set yrange [0:%.6g]\nset xlabel ", y_max > 0 ? y_max * 1.08 : 1);
    hf_gnuplot_quote(gp, x_name);
    fputs("\nset ylabel ", gp);
    hf_gnuplot_quote(gp, hf_metric_label(metric));
    fputc('\n', gp);
    /* Two title lines: what is plotted, then how the points were made. */
    char title[512];
    snprintf(title, sizeof title, "%s against %s", hf_metric_label(metric), x_name);
    fputs("figure_title = ", gp);
    hf_gnuplot_quote(gp, title);
    fputs(".\"\\n\".", gp);
    hf_gnuplot_quote(gp, spread_text);
    if (notes[0]) {
        fputs(".\"\\n\".", gp);
        hf_gnuplot_quote(gp, notes);
    }
    fputc('\n', gp);
    if (facets)
        fprintf(gp, "set key off\nset multiplot layout %d,%d title figure_title\n", rows, columns);
    else
        fputs("set key outside right top vertical\nset title figure_title\n", gp);
    /* Lines join the points of an ordered parameter; the policies (a seed-only sweep) are not a
     * trend, so their points stand alone. */
    const char *style = l->x_numeric ? "lines" : "points";
    for (size_t f = 0; f <= l->facet_count; f++) {
        bool legend_panel = f == l->facet_count;
        if (legend_panel && !facets)
            break;
        if (legend_panel) {
            /* The legend's own panel: the same series with no data in view, axes hidden. */
            fputs("unset title\nset key inside center center vertical\nset border 0\nunset tics\nunset xlabel\n"
                  "unset ylabel\nset yrange [-1:-0.5]\n", gp);
        } else if (facets) {
            char panel[512];
            snprintf(panel, sizeof panel, "%s = %s", d->grid.axes[l->facet_axis].path,
                     d->grid.axes[l->facet_axis].labels[f]);
            fputs("set title ", gp);
            hf_gnuplot_quote(gp, panel);
            fputc('\n', gp);
        }
        fputs("plot ", gp);
        for (size_t s = 0; s < series; s++) {
            int policy = l->x_axis >= 0 ? (int)(s % (size_t)l->policies) : 0;
            size_t group = l->x_axis >= 0 ? s / (size_t)l->policies : s;
            char name[512] = "", groups[384], colour[16];
            group_label(l, group, groups, sizeof groups);
            if (l->x_axis >= 0 && (l->policies > 1 || !groups[0]))
                snprintf(name, sizeof name, "%s", d->list.names[policy]);
            if (groups[0])
                snprintf(name + strlen(name), sizeof name - strlen(name), "%s%s", name[0] ? ", " : "", groups);
            if (!name[0])
                snprintf(name, sizeof name, seeds > 1 ? "mean over the seeds" : "each policy's run");
            series_colour(l, group, policy, colour, sizeof colour);
            size_t panel = legend_panel ? 0 : f;
            /* The bars in solid strokes first, then the line (dashed per policy) with its markers on
             * top (an error-bar plot draws a hollow marker of its own, whatever its size). */
            if (seeds > 1 && !legend_panel)
                fprintf(gp, "%s$m%d_%zu_%zu using 1:2:3:4 with yerrorbars lw 1.5 lc rgb '%s' dt 1 pt %d ps 1.2 "
                            "notitle",
                        s ? ", \\\n     " : "", index, panel, s, colour, marker_types[policy % 8]);
            fprintf(gp, "%s$m%d_%zu_%zu using 1:2 with %s%s lw 2 lc rgb '%s' dt %d pt %d ps 1.2 title ",
                    s || (seeds > 1 && !legend_panel) ? ", \\\n     " : "", index, panel, s, style,
                    l->x_numeric ? "points" : "", colour, policy + 1, marker_types[policy % 8]);
            hf_gnuplot_quote(gp, name);
        }
        fputc('\n', gp);
    }
    if (facets)
        fputs("unset multiplot\nset border\nset tics\n", gp);
    fputs("unset title\nset key on\n\n", gp);
    char lines[400] = "", panels_text[400] = "";
    if (l->group_count) {
        char group_name[300];
        parameter_label(schema, d->grid.axes[l->group_axes[0]].path, group_name, sizeof group_name);
        snprintf(lines, sizeof lines, ", a line per value of %s%s", group_name, l->group_count > 1 ? " (and beyond)" : "");
    }
    if (l->facet_axis >= 0)
        snprintf(panels_text, sizeof panels_text, ", a panel per value of %s", d->grid.axes[l->facet_axis].path);
    snprintf(info->caption[index], sizeof info->caption[index], "%s against %s%s%s; %s%s%s.",
             hf_metric_label(metric), x_name, lines, panels_text, spread_text, notes[0] ? "; " : "", notes);
    info->plot_count++;
}

static int compare_cell_jobs(const void *a, const void *b)
{
    const uint64_t *x = a, *y = b;
    if (x[0] != y[0])
        return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

/* sweep_stats.csv: a row per metric, policy and cell. */
static void write_stats_row(FILE *csv, const struct sweep_data *d, const struct layout *l, const char *metric,
                            size_t cell, const struct cell_stats *c)
{
    size_t series = series_count(l);
    size_t x = cell % l->x_count, s = (cell / l->x_count) % series, f = cell / l->x_count / series;
    int policy = l->x_axis >= 0 ? (int)(s % (size_t)l->policies) : (int)x;
    size_t group = l->x_axis >= 0 ? s / (size_t)l->policies : s;
    char groups[384];
    group_label(l, group, groups, sizeof groups);
    fprintf(csv, "%s,%s,", metric, d->list.names[policy]);
    hf_csv_field(csv, l->x_axis >= 0 ? d->grid.axes[l->x_axis].labels[x] : "");
    fputc(',', csv);
    hf_csv_field(csv, groups);
    fputc(',', csv);
    char panel[600] = "";
    if (l->facet_axis >= 0)
        snprintf(panel, sizeof panel, "%s=%s", d->grid.axes[l->facet_axis].path, d->grid.axes[l->facet_axis].labels[f]);
    hf_csv_field(csv, panel);
    fprintf(csv, ",%zu", c->n);
    if (c->n)
        fprintf(csv, ",%.6g,%.6g,%.6g\n", c->mean, c->low, c->high);
    else
        fputs(",,,\n", csv);
}

bool hf_sweep_plot(const char *dir, bool draw, struct hf_sweep_plot_info *info, struct hf_error *err)
{
    memset(info, 0, sizeof *info);
    struct sweep_data d = {0};
    struct layout l;
    bool ok = load_runs(dir, &d, err);
    uint64_t jobs = d.points * (uint64_t)d.list.count;
    uint64_t(*order)[2] = NULL;
    size_t cell_count = 0, *start = NULL;
    uint64_t *cell_jobs = NULL;
    double *scratch = NULL;
    struct cell_stats *cells = NULL;
    if (ok) {
        plan_layout(&l, &d.grid, d.list.count);
        info->seeds = l.seed_axis >= 0 ? (int)d.grid.axes[l.seed_axis].count : 1;
        cell_count = l.facet_count * series_count(&l) * l.x_count;
        order = malloc(jobs * sizeof *order);
        start = calloc(cell_count + 1, sizeof *start);
        cell_jobs = malloc(jobs * sizeof *cell_jobs);
        scratch = malloc(jobs * sizeof *scratch);
        cells = malloc(cell_count * sizeof *cells);
        ok = (order && start && cell_jobs && scratch && cells) || hf_fail(err, HF_EXIT_RUN_FAILED, "out of memory");
    }
    if (ok) {
        /* Jobs grouped by cell, in job order within a cell (the seeds' order). */
        for (uint64_t job = 0; job < jobs; job++) {
            order[job][0] = cell_of(&l, job / (uint64_t)d.list.count, (int)(job % (uint64_t)d.list.count));
            order[job][1] = job;
        }
        qsort(order, jobs, sizeof *order, compare_cell_jobs);
        for (uint64_t j = 0; j < jobs; j++) {
            cell_jobs[j] = order[j][1];
            start[order[j][0] + 1]++;
        }
        for (size_t c = 0; c < cell_count; c++)
            start[c + 1] += start[c];
    }
    /* Both files are replaced only when complete: a failed redraw keeps the ones that worked. */
    struct hf_replace_file csv_file, gp_file;
    FILE *csv = ok ? hf_replace_file_open(&csv_file, dir, "sweep_stats.csv", err) : NULL;
    FILE *gp = csv ? hf_replace_file_open(&gp_file, dir, "sweep.gp", err) : NULL;
    ok = ok && csv && gp;
    static struct hf_scenario_schema schema;
    if (ok) {
        hf_scenario_schema_init(&schema);
        fputs("metric,policy,x,lines,panel,runs,mean,ci95_low,ci95_high\n", csv);
        fprintf(gp, "# Plots of this sweep (hfsim sweep / hfsim plot), data inline: redraw with\n"
                    "# `gnuplot sweep.gp` here (-e \"ext='svg'\" for SVG). sweep_stats.csv holds the same numbers.\n"
                    "if (!exists(\"ext\")) ext = 'png'\n"
                    "set grid\nset bars small\n\n");
        for (size_t m = 0; m < METRIC_COUNT && info->plot_count < HF_SWEEP_PLOT_MAX; m++) {
            bool all_zero = true;
            if (!metric_stats(&d, &l, column_of(plotted_metrics[m]), cells, cell_count, scratch, start, cell_jobs,
                              &all_zero))
                continue; /* no run has it (no burst: no time to stabilize) */
            for (size_t c = 0; c < cell_count; c++)
                write_stats_row(csv, &d, &l, plotted_metrics[m], c, &cells[c]);
            if (all_zero) { /* a flat line at zero says nothing a sentence cannot */
                size_t used = strlen(info->not_plotted);
                snprintf(info->not_plotted + used, sizeof info->not_plotted - used, "%s%s", used ? ", " : "",
                         hf_metric_label(plotted_metrics[m]));
                continue;
            }
            write_figure(gp, &d, &l, plotted_metrics[m], cells, info, info->seeds, schema.fields);
        }
    }
    if (csv)
        ok = hf_replace_file_commit(&csv_file, ok, err) && ok;
    if (gp)
        ok = hf_replace_file_commit(&gp_file, ok, err) && ok;
    if (ok && draw && info->plot_count)
        info->drawn = hf_gnuplot_draw(dir, "sweep.gp", "sweep", dir);
    free(order);
    free(start);
    free(cell_jobs);
    free(scratch);
    free(cells);
    free(d.values);
    hf_sweep_grid_free(&d.grid);
    return ok;
}

/* What was swept, for report.html: the manifest's axes and policies, and the scenario as the first
 * run resolved it. */
static bool sweep_facts(const char *dir, struct hf_study *study, struct hf_error *err)
{
    struct hf_sweep_grid grid = {0};
    char *scenario_path = NULL, *policies = NULL;
    if (!hf_sweep_load_manifest(dir, &grid, &scenario_path, &policies, err))
        return false;
    struct hf_policy_list list;
    bool ok = hf_policy_list_parse(&list, policies, err);
    char run[PATH_MAX + 64], path[PATH_MAX + 96];
    json_t *scenario = NULL;
    if (ok) {
        hf_sweep_run_dir(dir, list.names[0], 0, run, sizeof run);
        snprintf(path, sizeof path, "%s/config.json", run);
        scenario = hf_json_load_file(path, err);
        ok = scenario != NULL;
    }
    if (ok) {
        snprintf(study->title, sizeof study->title, "hfsim sweep: %s", hf_json_string_at(scenario, "name"));
        hf_study_scenario_facts(study, scenario,
                                scenario_path ? scenario_path : "embedded (scenarios/figure1-hpa-burst.json)", NULL, 0);
        bool seeds = false;
        for (size_t a = 0; a < grid.axis_count; a++) {
            char values[1024] = "";
            for (size_t v = 0; v < grid.axes[a].count; v++)
                snprintf(values + strlen(values), sizeof values - strlen(values), "%s%s", v ? ", " : "",
                         grid.axes[a].labels[v]);
            hf_study_fact(study, grid.axes[a].path, "%s", values);
            seeds = seeds || strcmp(grid.axes[a].path, "seed") == 0;
        }
        if (!seeds)
            hf_study_fact(study, "seed", "%lld (the same for every point)", hf_json_int_at(scenario, "seed"));
        char spaced[1100] = "";
        for (const char *c = policies; *c && strlen(spaced) + 3 < sizeof spaced; c++)
            strncat(spaced, *c == ',' ? ", " : (char[2]){*c, 0}, sizeof spaced - strlen(spaced) - 1);
        hf_study_fact(study, "Policies", "%s", spaced);
        hf_study_fact(study, "Runs", "%llu point%s x %d polic%s", (unsigned long long)hf_sweep_grid_points(&grid),
                      hf_sweep_grid_points(&grid) == 1 ? "" : "s", list.count, list.count == 1 ? "y" : "ies");
        hf_study_fact(study, "hfsim", "%s", HF_VERSION);
    }
    json_decref(scenario);
    free(scenario_path);
    free(policies);
    hf_sweep_grid_free(&grid);
    return ok;
}

bool hf_sweep_redraw(const char *dir, bool draw, bool *drawn, struct hf_error *err)
{
    static struct hf_sweep_plot_info info;
    static struct hf_study study;
    memset(&study, 0, sizeof study);
    snprintf(study.kind, sizeof study.kind, "sweep");
    bool ok = hf_sweep_plot(dir, draw, &info, err);
    if (drawn)
        *drawn = ok && (info.drawn || info.plot_count == 0);
    if (!ok || !sweep_facts(dir, &study, err))
        return false;
    struct hf_report_fact facts[HF_STUDY_MAX_FACTS];
    for (size_t i = 0; i < study.fact_count; i++)
        facts[i] = (struct hf_report_fact){.name = study.facts[i].name, .value = study.facts[i].value};
    struct hf_report_plot plots[HF_SWEEP_PLOT_MAX];
    for (int i = 0; i < info.plot_count; i++)
        plots[i] = (struct hf_report_plot){.file = info.file[i], .caption = info.caption[i]};
    char notes[2][400];
    const char *note_list[2];
    size_t note_count = 0;
    if (info.seeds > 1)
        snprintf(notes[note_count++], sizeof notes[0], "The table has a row per run; the plots show the mean over "
                 "the %d seeds of each point with a 95 %% confidence interval, which sweep_stats.csv lists.", info.seeds);
    if (info.not_plotted[0])
        snprintf(notes[note_count++], sizeof notes[0], "Not plotted, being zero in every run: %s.", info.not_plotted);
    for (size_t i = 0; i < note_count; i++)
        note_list[i] = notes[i];
    struct hf_report report = {.title = study.title, .facts = facts, .fact_count = study.fact_count,
                               .table_file = "sweep.csv", .table_max_rows = 50, .notes = note_list,
                               .note_count = note_count, .plots = plots, .plot_count = (size_t)info.plot_count};
    return hf_report_write(dir, &report, err);
}
