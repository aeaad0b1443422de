/* One translation as the CPU made it (machine_translate): the 2-D walk with nested paging, every
 * memory reference a step. AMD APM vol. 2 §15.25.5 (nested table walk). */
#include <string.h>

#include "emu/pictures/pictures.h"

void pic_walk_from_machine(pic_walk *pw, machine *m, uint32_t lin, uint32_t vmcb)
{
    memset(pw, 0, sizeof *pw);
    pw->lin = lin;
    pw->vmcb = vmcb;
    if (vmcb)
        machine_translate_vm(m, vmcb, lin, false, &pw->w);
    else
        machine_translate(m, lin, false, &pw->w);
}

static void step_text(const machine_walk_step *st, char *buf, size_t cap)
{
    const char *what = st->level == 2 ? "PDE" : "PTE";
    if (st->nested)
        snprintf(buf, cap, "nested %s for gPA 0x%08x at 0x%08x = 0x%08x%s%s%s", what, st->gpa, st->entry_addr,
                 st->value, (st->value & PTE_P) ? " P" : " not present", (st->value & PTE_W) ? " W" : "",
                 (st->value & PTE_U) ? " U" : "");
    else
        snprintf(buf, cap, "%s at 0x%08x = 0x%08x%s%s%s", what, st->entry_addr, st->value,
                 (st->value & PTE_P) ? " P" : " not present", (st->value & PTE_W) ? " W" : "",
                 (st->value & PTE_U) ? " U" : "");
}

static void result_text(const pic_walk *pw, char *buf, size_t cap)
{
    const machine_walk *w = &pw->w;
    if (!w->paging && !w->nested)
        snprintf(buf, cap, "paging off: physical 0x%08x", pw->lin);
    else if (w->ok && w->nested)
        snprintf(buf, cap, "-> guest-physical 0x%08x -> host-physical 0x%08x%s", w->gpa, w->paddr,
                 w->large ? " (4 MiB page)" : "");
    else if (w->ok)
        snprintf(buf, cap, "-> physical 0x%08x%s", w->paddr, w->large ? " (4 MiB page)" : "");
    else if (w->npf)
        snprintf(buf, cap, "#NPF at guest-physical 0x%08x (exitinfo1 0x%llx)", w->npf_gpa,
                 (unsigned long long)w->npf_info1);
    else
        snprintf(buf, cap, "#PF (error code 0x%x)", w->error_code);
}

char *pic_walk_text(const pic_walk *pw)
{
    pic_buf b = { 0 };
    pic_printf(&b, "walk of 0x%08x%s", pw->lin, pw->w.nested ? " (2-D: guest and nested tables)" : "");
    if (pw->vmcb)
        pic_printf(&b, " in the guest of VMCB 0x%08x", pw->vmcb);
    pic_printf(&b, "\n");
    for (int i = 0; i < pw->w.step_count; i++) {
        char line[160];
        step_text(&pw->w.steps[i], line, sizeof line);
        pic_printf(&b, "  %d. %s\n", i + 1, line);
    }
    char res[160];
    result_text(pw, res, sizeof res);
    pic_printf(&b, "  %s\n", res);
    return pic_finish(&b);
}

void pic_walk_scene(const pic_walk *pw, pic_scene *s, int width, int height)
{
    int row = PIC_LINE_PX + 4;
    if (!height)
        height = (pw->w.step_count + 3) * row + PIC_LINE_PX;
    pic_scene_init(s, width, height, "page walk");
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "walk of 0x%08x%s", pw->lin, pw->w.nested ? " (2-D)" : "");
    /* Guest steps in the left column, the nested steps that serve them indented to the right:
     * the two dimensions of the walk, in the order the CPU made the references. */
    int y = row;
    for (int i = 0; i < pw->w.step_count && y + row <= height - row; i++, y += row) {
        const machine_walk_step *st = &pw->w.steps[i];
        int x = st->nested ? 28 : 4;
        bool present = (st->value & PTE_P) != 0;
        uint32_t fill = st->nested ? 0xCC79A7 : st->level == 2 ? 0xE69F00 : 0x56B4E9;
        pic_rect(s, x, y, 40, PIC_LINE_PX, present ? fill : 0xD55E00, PIC_INK, NULL);
        pic_text(s, x + 20, y, PIC_MIDDLE, 0x000000, "%s%s", st->nested ? "n" : "", st->level == 2 ? "PDE" : "PTE");
        pic_text(s, x + 46, y, PIC_LEFT, PIC_INK, "0x%08x = 0x%08x", st->entry_addr, st->value);
        if (i > 0)
            pic_line(s, x + 4, y - 4, x + 4, y, PIC_DIM);
    }
    uint32_t ink = pw->w.ok || (!pw->w.paging && !pw->w.nested) ? 0x007A50 : 0xC00000;
    if (pw->w.ok && pw->w.nested) {   /* two lines: the pane is narrow */
        pic_text(s, 4, y, PIC_LEFT, ink, "-> guest-physical 0x%08x", pw->w.gpa);
        pic_text(s, 4, y + PIC_LINE_PX, PIC_LEFT, ink, "-> host-physical 0x%08x%s", pw->w.paddr,
                 pw->w.large ? " (4 MiB)" : "");
        return;
    }
    char res[160];
    result_text(pw, res, sizeof res);
    pic_text(s, 4, y, PIC_LEFT, ink, "%s", res);
}
