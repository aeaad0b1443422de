/* The Gantt chart (emu/gantt.h's model) laid out as a scene: a bar per task, a rectangle per span. */
#include <string.h>

#include "emu/pictures/pictures.h"

static const uint32_t PALETTE[] = { 0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00, 0xF0E442, 0x000000 };

uint32_t pic_gantt_colour(size_t row)
{
    return PALETTE[row % (sizeof PALETTE / sizeof PALETTE[0])];
}

void pic_gantt_bar(const gantt *g, uint64_t start, uint64_t end, int plot_x, int plot_w, int *x, int *w)
{
    uint64_t span = g->end > g->start ? g->end - g->start : 1;
    /* 128-bit free: cycles * pixels stays below 2^64 for runs up to 2^52 cycles at 4096 pixels. */
    uint64_t x0 = (start - g->start) * (uint64_t)plot_w / span, x1 = (end - g->start) * (uint64_t)plot_w / span;
    *x = plot_x + (int)x0;
    *w = x1 > x0 ? (int)(x1 - x0) : 1;
}

void pic_gantt_layout_for(const gantt *g, int width, int height, pic_gantt_layout *l)
{
    (void)height;
    int lw = 4;
    for (size_t i = 0; i < g->count; i++) {
        int n = (int)strlen(g->rows[i].label);
        lw = n > lw ? n : lw;
    }
    if (lw > 20) lw = 20;
    l->label_w = lw * PIC_CHAR_PX + 8;
    l->plot_x = l->label_w + 4;
    l->plot_w = width - l->plot_x - 8;
    if (l->plot_w < 16) l->plot_w = 16;
    l->top = PIC_LINE_PX + 4;
    l->row_h = PIC_LINE_PX + 4;
    l->bar_h = PIC_LINE_PX - 2;
}

void pic_gantt_scene(const gantt *g, pic_scene *s, int width, int height)
{
    pic_gantt_layout l;
    pic_gantt_layout_for(g, width, height, &l);
    if (!height)
        height = l.top + (int)(g->count ? g->count : 1) * l.row_h + 2 * PIC_LINE_PX + 4;
    pic_scene_init(s, width, height, "scheduling timeline");
    if (!g->count) {
        pic_text(s, 4, 0, PIC_LEFT, PIC_DIM, "timeline: no task switches reported yet");
        return;
    }
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "timeline: cycles %llu..%llu", (unsigned long long)g->start,
             (unsigned long long)g->end);
    int fit = (height - l.top - PIC_LINE_PX - 4) / l.row_h;
    size_t first = g->count > (size_t)(fit > 0 ? fit : 0) ? g->count - (size_t)(fit > 0 ? fit : 0) : 0;
    int y = l.top;
    for (size_t i = first; i < g->count; i++, y += l.row_h) {
        const gantt_row *r = &g->rows[i];
        pic_text(s, 4, y, PIC_LEFT, PIC_INK, "%.20s", r->label);
        pic_rect(s, l.plot_x, y, l.plot_w, l.bar_h, PIC_PANEL, PIC_NONE, NULL);
        for (size_t k = 0; k < r->count; k++) {
            int x, w;
            pic_gantt_bar(g, r->spans[k].start, r->spans[k].end, l.plot_x, l.plot_w, &x, &w);
            char tip[PIC_TEXT_BYTES];
            snprintf(tip, sizeof tip, "%.20s: %llu..%llu", r->label, (unsigned long long)r->spans[k].start,
                     (unsigned long long)r->spans[k].end);
            pic_rect(s, x, y, w, l.bar_h, pic_gantt_colour(i), PIC_NONE, tip);
        }
    }
    pic_line(s, l.plot_x, y, l.plot_x + l.plot_w, y, PIC_INK);
    pic_text(s, l.plot_x, y + 2, PIC_LEFT, PIC_INK, "%llu", (unsigned long long)g->start);
    pic_text(s, l.plot_x + l.plot_w, y + 2, PIC_RIGHT, PIC_INK, "%llu", (unsigned long long)g->end);
}
