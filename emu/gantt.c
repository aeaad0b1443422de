/* The Gantt view model and its text and SVG renderers. */
#include "emu/gantt.h"
#include "emu/vis_text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "emu/grow.h"

void gantt_init(gantt *g, uint64_t start, uint64_t end)
{
    memset(g, 0, sizeof *g);
    g->start = start;
    g->end = end > start ? end : start;
}

void gantt_free(gantt *g)
{
    for (size_t i = 0; i < g->count; i++)
        free(g->rows[i].spans);
    free(g->rows);
    memset(g, 0, sizeof *g);
}

gantt_row *gantt_add_row(gantt *g, uint32_t vm, uint32_t pid, const char *name)
{
    if (!GROW(g->rows, g->count, g->cap, 8)) {
        g->failed = true;
        return NULL;
    }
    gantt_row *r = &g->rows[g->count++];
    memset(r, 0, sizeof *r);
    r->vm = vm;
    r->pid = pid;
    if (vm)
        snprintf(r->label, sizeof r->label, "vm%u:%u %s", vm, pid, name ? name : "");
    else
        snprintf(r->label, sizeof r->label, "%u %s", pid, name ? name : "");
    size_t n = strlen(r->label);
    if (n && r->label[n - 1] == ' ')
        r->label[n - 1] = '\0';
    return r;
}

void gantt_add_span(gantt *g, gantt_row *r, uint64_t start, uint64_t end)
{
    if (start < g->start)
        start = g->start;
    if (end > g->end)
        end = g->end;
    if (!r || end <= start)
        return;
    if (!GROW(r->spans, r->count, r->cap, 8)) {
        g->failed = true;
        return;
    }
    r->spans[r->count++] = (task_span){ start, end };
    r->total += end - start;
}

bool gantt_from_tasks(gantt *g, const task_table *tt)
{
    gantt_init(g, tt->first, tt->last);
    for (size_t i = 0; i < tt->count; i++) {
        const task_info *t = &tt->tasks[i];
        gantt_row *r = gantt_add_row(g, t->vm, t->pid, t->name);
        for (size_t k = 0; r && k < t->span_count; k++)
            gantt_add_span(g, r, t->spans[k].start, t->spans[k].end);
    }
    return !g->failed;
}

/* ---- columns ---- */

static uint64_t range(const gantt *g) { return g->end > g->start ? g->end - g->start : 1; }

/* The first cycle of column k of n: start + k * range / n without overflow. */
static uint64_t column_start(const gantt *g, int k, int n)
{
    uint64_t span = range(g);
    return g->start + span / (uint64_t)n * (uint64_t)k + span % (uint64_t)n * (uint64_t)k / (uint64_t)n;
}

char gantt_cell(const gantt *g, const gantt_row *r, int column, int columns)
{
    uint64_t lo = column_start(g, column, columns), hi = column_start(g, column + 1, columns);
    if (hi <= lo)
        return ' ';
    uint64_t ran = 0;
    for (size_t k = 0; k < r->count; k++) {
        uint64_t s = r->spans[k].start > lo ? r->spans[k].start : lo;
        uint64_t e = r->spans[k].end < hi ? r->spans[k].end : hi;
        if (e > s)
            ran += e - s;
    }
    if (ran == 0)
        return ' ';
    return 2 * ran >= hi - lo ? '#' : '+';
}

/* ---- text ---- */

char *gantt_text(const gantt *g, int columns)
{
    columns = vis_clamp(columns, 8, 400);
    vis_buf b = { 0 };
    int lw = 4;
    for (size_t i = 0; i < g->count; i++) {
        int n = (int)strlen(g->rows[i].label);
        lw = n > lw ? n : lw;
    }
    uint64_t span = range(g);
    vis_printf(&b, "cycles %llu..%llu (%llu), one column = %llu cycles\n", (unsigned long long)g->start,
              (unsigned long long)g->end, (unsigned long long)(g->end - g->start),
              (unsigned long long)((span + (uint64_t)columns - 1) / (uint64_t)columns));
    char *strip = malloc((size_t)columns + 1);
    if (!strip) {
        free(b.s);
        return NULL;
    }
    for (size_t i = 0; i < g->count; i++) {
        const gantt_row *r = &g->rows[i];
        for (int c = 0; c < columns; c++)
            strip[c] = gantt_cell(g, r, c, columns);
        strip[columns] = '\0';
        unsigned long long pct10 = (unsigned long long)(r->total * 1000 / span);
        vis_printf(&b, "%-*s |%s| %llu cycles %llu.%llu%%\n", lw, r->label, strip, (unsigned long long)r->total,
                  pct10 / 10, pct10 % 10);
    }
    /* The ruler: a tick every 10 columns, then the cycles at both ends. */
    for (int c = 0; c < columns; c++)
        strip[c] = c % 10 == 0 ? '|' : '-';
    strip[columns] = '\0';
    vis_printf(&b, "%-*s +%s+\n", lw, "", strip);
    char left[24], right[24];
    snprintf(left, sizeof left, "%llu", (unsigned long long)g->start);
    snprintf(right, sizeof right, "%llu", (unsigned long long)g->end);
    int gap = columns + 2 - (int)strlen(left) - (int)strlen(right);
    vis_printf(&b, "%-*s %s%*s%s\n", lw, "", left, gap > 1 ? gap : 1, "", right);
    vis_printf(&b, "legend: '#' running at least half of a column, '+' running less, ' ' not running\n");
    free(strip);
    return vis_finish(&b);
}

/* ---- SVG ---- */


/* Colours a reader can tell apart (Okabe-Ito), one per row in turn. */
static const char *const PALETTE[] = { "#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                       "#56B4E9", "#D55E00", "#F0E442", "#000000" };
#define PALETTE_SIZE (sizeof PALETTE / sizeof PALETTE[0])

char *gantt_svg(const gantt *g, int width_px)
{
    width_px = vis_svg_width(width_px);
    const int label_w = 170, right = 20, top = 30, row_h = 24, bar_h = 16;
    const int plot_w = width_px - label_w - right;
    int rows = (int)g->count;
    int axis_y = top + rows * row_h + 6;
    int legend_y = axis_y + 40;
    int height = legend_y + ((rows + 3) / 4) * 20 + 10;
    uint64_t span = range(g);
    vis_buf b = { 0 };
    vis_printf(&b,
              "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
              "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" "
              "font-family=\"monospace\" font-size=\"12\">\n",
              width_px, height);
    vis_printf(&b, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n", width_px, height);
    vis_printf(&b, "<text x=\"10\" y=\"18\">scheduling: cycles %llu..%llu</text>\n", (unsigned long long)g->start,
              (unsigned long long)g->end);
    for (int i = 0; i < rows; i++) {
        const gantt_row *r = &g->rows[i];
        int y = top + i * row_h;
        const char *colour = PALETTE[(size_t)i % PALETTE_SIZE];
        vis_printf(&b, "<g class=\"task\" data-pid=\"%u\" data-vm=\"%u\">\n", r->pid, r->vm);
        vis_printf(&b, "<text x=\"10\" y=\"%d\">", y + bar_h - 3);
        vis_xml(&b, r->label);
        vis_printf(&b, "</text>\n<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#f2f2f2\"/>\n", label_w, y,
                  plot_w, bar_h);
        for (size_t k = 0; k < r->count; k++) {
            const task_span *s = &r->spans[k];
            /* Hundredths of a pixel, printed without printf's locale-dependent %f. */
            unsigned long long x = (unsigned long long)(label_w * 100.0 +
                                                        (double)(s->start - g->start) * plot_w * 100.0 / (double)span + 0.5);
            unsigned long long w = (unsigned long long)((double)(s->end - s->start) * plot_w * 100.0 / (double)span + 0.5);
            if (w < 50)
                w = 50;   /* half a pixel: even a short slice stays visible */
            vis_printf(&b, "<rect x=\"%llu.%02llu\" y=\"%d\" width=\"%llu.%02llu\" height=\"%d\" fill=\"%s\"><title>",
                      x / 100, x % 100, y, w / 100, w % 100, bar_h, colour);
            vis_xml(&b, r->label);
            vis_printf(&b, ": cycles %llu..%llu (%llu)</title></rect>\n", (unsigned long long)s->start,
                      (unsigned long long)s->end, (unsigned long long)(s->end - s->start));
        }
        vis_printf(&b, "</g>\n");
    }
    /* The cycle axis: five ticks with their cycle numbers. */
    vis_printf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n", label_w, axis_y,
              label_w + plot_w, axis_y);
    for (int k = 0; k <= 4; k++) {
        int x = label_w + plot_w * k / 4;
        uint64_t cyc = column_start(g, k, 4);
        vis_printf(&b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>\n", x, axis_y, x,
                  axis_y + 5);
        vis_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\">%llu</text>\n", x, axis_y + 18,
                  k == 0 ? "start" : k == 4 ? "end" : "middle", (unsigned long long)cyc);
    }
    vis_printf(&b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">cycles</text>\n", label_w + plot_w / 2,
              axis_y + 32);
    /* The legend: a swatch and the label of each task, four to a line. */
    int col_w = (width_px - 20) / 4;
    for (int i = 0; i < rows; i++) {
        int x = 10 + (i % 4) * col_w, y = legend_y + (i / 4) * 20;
        vis_printf(&b, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>\n", x, y,
                  PALETTE[(size_t)i % PALETTE_SIZE]);
        vis_printf(&b, "<text x=\"%d\" y=\"%d\">", x + 16, y + 10);
        vis_xml(&b, g->rows[i].label);
        vis_printf(&b, "</text>\n");
    }
    vis_printf(&b, "</svg>\n");
    return vis_finish(&b);
}
