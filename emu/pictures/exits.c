/* The VM-exit histogram: how often each #VMEXIT code happened, from the trace. */
#include <string.h>

#include "arch/svm.h"
#include "emu/pictures/pictures.h"
#include "emu/trace.h"

void pic_exits_init(pic_exits *e)
{
    memset(e, 0, sizeof *e);
}

void pic_exits_add(pic_exits *e, uint64_t code, uint64_t guest_cycles)
{
    e->total++;
    for (int i = 0; i < e->count; i++)
        if (e->bar[i].code == code) {
            e->bar[i].n++;
            e->bar[i].guest_cycles += guest_cycles;
            return;
        }
    if (e->count == PIC_EXITS_MAX)
        return;   /* more distinct codes than the picture has rows: counted in total only */
    e->bar[e->count].code = code;
    e->bar[e->count].n = 1;
    e->bar[e->count].guest_cycles = guest_cycles;
    e->count++;
}

void pic_exits_sort(pic_exits *e)
{
    for (int i = 1; i < e->count; i++)
        for (int k = i; k > 0; k--) {
            bool swap = e->bar[k].n > e->bar[k - 1].n ||
                        (e->bar[k].n == e->bar[k - 1].n && e->bar[k].code < e->bar[k - 1].code);
            if (!swap)
                break;
            __typeof__(e->bar[0]) t = e->bar[k];
            e->bar[k] = e->bar[k - 1];
            e->bar[k - 1] = t;
        }
}

void pic_exits_from_machine(pic_exits *e, machine *m)
{
    pic_exits_init(e);
    const trace *t = machine_trace(m);
    trace_iter it;
    trace_iter_init(&it, t, 0, 0, TRACE_KIND_BIT(TRACE_VMEXIT));
    for (const trace_event *ev; (ev = trace_iter_next(&it));) {
        trace_vmexit_data d = { 0 };
        memcpy(&d, trace_payload(t, ev), ev->length < sizeof d ? ev->length : sizeof d);
        pic_exits_add(e, d.exitcode, d.guest_cycles);
    }
    pic_exits_sort(e);
}

char *pic_exits_text(const pic_exits *e, int bar_columns)
{
    if (bar_columns < 10) bar_columns = 10;
    pic_buf b = { 0 };
    if (!e->total) {
        pic_printf(&b, "VM exits: none yet\n  (no guest has run under SVM)\n");
        return pic_finish(&b);
    }
    pic_printf(&b, "VM exits: %llu\n", (unsigned long long)e->total);
    uint64_t most = e->bar[0].n;
    for (int i = 0; i < e->count; i++) {
        int len = (int)(e->bar[i].n * (uint64_t)bar_columns / most);
        pic_printf(&b, "  0x%03llx %-10s |%-*.*s| %llu\n", (unsigned long long)e->bar[i].code,
                   svm_exit_name(e->bar[i].code), bar_columns, len,
                   "################################################################################################"
                   "########################################################################################",
                   (unsigned long long)e->bar[i].n);
    }
    return pic_finish(&b);
}

void pic_exits_scene(const pic_exits *e, pic_scene *s, int width, int height)
{
    int row = PIC_LINE_PX + 2;
    if (!height)
        height = (e->count + 2) * row;
    pic_scene_init(s, width, height, "VM-exit histogram");
    if (!e->total) {
        pic_text(s, 4, 0, PIC_LEFT, PIC_DIM, "VM exits: none yet");
        pic_text(s, 4, PIC_LINE_PX, PIC_LEFT, PIC_DIM, "(no guest has run under SVM)");
        return;
    }
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "VM exits: %llu", (unsigned long long)e->total);
    int label_w = 16 * PIC_CHAR_PX, count_w = 8 * PIC_CHAR_PX;
    int plot_w = width - label_w - count_w - 12;
    if (plot_w < 10) plot_w = 10;
    uint64_t most = e->bar[0].n;
    for (int i = 0; i < e->count && (i + 2) * row <= height; i++) {
        int y = (i + 1) * row;
        pic_text(s, 4, y, PIC_LEFT, PIC_INK, "0x%03llx %s", (unsigned long long)e->bar[i].code,
                 svm_exit_name(e->bar[i].code));
        int w = (int)(e->bar[i].n * (uint64_t)plot_w / most);
        char tip[64];
        snprintf(tip, sizeof tip, "%llu exits, %llu guest cycles", (unsigned long long)e->bar[i].n,
                 (unsigned long long)e->bar[i].guest_cycles);
        pic_rect(s, 4 + label_w, y + 2, w > 1 ? w : 1, PIC_LINE_PX - 4, 0xCC79A7, PIC_NONE, tip);
        pic_text(s, width - 4, y, PIC_RIGHT, PIC_INK, "%llu", (unsigned long long)e->bar[i].n);
    }
}
