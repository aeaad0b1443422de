/* The page-table tree under CR3: each present page-directory entry with the page table it points
 * to, counted (present, user, writable PTEs). Intel SDM vol. 3 §4.3 (32-bit paging). */
#include <string.h>

#include "emu/pictures/pictures.h"

void pic_pagetable_from_machine(pic_pagetable *pt, machine *m)
{
    memset(pt, 0, sizeof *pt);
    machine_regs r;
    machine_get_regs(m, &r);
    pt->paging = (r.cr0 & CR0_PG) != 0;
    pt->in_guest = r.guest_mode;
    pt->cr3 = r.cr3 & PTE_ADDR;
    uint32_t pdes[1024];
    if (!pt->paging || !machine_read_phys(m, pt->cr3, pdes, sizeof pdes))
        return;
    for (int i = 0; i < 1024; i++) {
        uint32_t e = pdes[i];
        if (!(e & PTE_P))
            continue;
        pic_pde *d = &pt->pde[pt->count++];
        d->index = (uint16_t)i;
        d->value = e;
        d->large = (e & PTE_PS) && (r.cr4 & CR4_PSE);
        if (d->large) {
            d->present = 1024;
            d->user = (e & PTE_U) ? 1024 : 0;
            d->writable = (e & PTE_W) ? 1024 : 0;
            continue;
        }
        uint32_t ptes[1024];
        if (!machine_read_phys(m, e & PTE_ADDR, ptes, sizeof ptes))
            continue;
        for (int k = 0; k < 1024; k++) {
            if (!(ptes[k] & PTE_P))
                continue;
            d->present++;
            d->user += (ptes[k] & e & PTE_U) != 0;
            d->writable += (ptes[k] & e & PTE_W) != 0;
        }
    }
}

static void describe(const pic_pde *d, char *buf, size_t cap)
{
    uint32_t va = (uint32_t)d->index << 22;
    if (d->large)
        snprintf(buf, cap, "PDE %4u 0x%08x-0x%08x 4 MiB page at 0x%08x %s", d->index, va, va + 0x3FFFFF,
                 d->value & PDE_ADDR_4M, (d->value & PTE_U) ? "user" : "kernel");
    else
        snprintf(buf, cap, "PDE %4u 0x%08x-0x%08x PT 0x%08x: %u pages, %u user", d->index, va, va + 0x3FFFFF,
                 d->value & PTE_ADDR, d->present, d->user);
}

char *pic_pagetable_text(const pic_pagetable *pt)
{
    pic_buf b = { 0 };
    if (!pt->paging) {
        pic_printf(&b, "page tables: paging is off (CR0.PG = 0)%s\n", pt->in_guest ? " in the VM's guest running now" : "");
        return pic_finish(&b);
    }
    pic_printf(&b, "page directory at CR3 0x%08x: %d present entries\n", pt->cr3, pt->count);
    for (int i = 0; i < pt->count; i++) {
        char line[128];
        describe(&pt->pde[i], line, sizeof line);
        pic_printf(&b, "  %s\n", line);
    }
    return pic_finish(&b);
}

void pic_pagetable_scene(const pic_pagetable *pt, pic_scene *s, int width, int height)
{
    if (!height)
        height = 2 * PIC_LINE_PX + 8 + (pt->count ? pt->count : 1) * (PIC_LINE_PX + 2);
    pic_scene_init(s, width, height, "page-table tree");
    if (!pt->paging) {
        pic_text(s, 4, 0, PIC_LEFT, PIC_DIM, "paging is off (CR0.PG = 0)");
        if (pt->in_guest)
            pic_text(s, 4, PIC_LINE_PX, PIC_LEFT, PIC_DIM, "in the VM's guest running now");
        return;
    }
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "%spage directory at CR3 0x%08x, %d entries", pt->in_guest ? "VM guest's " : "",
             pt->cr3, pt->count);
    /* CR3's box on the left, a branch to each entry; each entry's bar shows its 1024 PTEs. */
    int root_y = PIC_LINE_PX + 4, row = PIC_LINE_PX + 2, bar_x = width - 90, bar_w = 84;
    pic_rect(s, 4, root_y, 40, PIC_LINE_PX, 0xE69F00, PIC_INK, "page directory");
    pic_text(s, 24, root_y, PIC_MIDDLE, 0xFFFFFF, "CR3");
    int fit = (height - root_y) / row;
    int shown = pt->count <= fit ? pt->count : fit - 1;
    if (shown < 0) shown = 0;
    for (int i = 0; i < shown; i++) {
        const pic_pde *d = &pt->pde[i];
        int y = root_y + i * row;
        pic_line(s, 44, root_y + PIC_LINE_PX / 2, 56, y + PIC_LINE_PX / 2, PIC_DIM);
        uint32_t va = (uint32_t)d->index << 22;
        pic_text(s, 58, y, PIC_LEFT, PIC_INK, "%4u %08x %s", d->index, va,
                 d->large ? "4M" : (d->value & PTE_U) ? "PT U" : "PT");
        pic_rect(s, bar_x, y + 2, bar_w, PIC_LINE_PX - 4, PIC_PANEL, PIC_GRID, NULL);
        int kw = (d->present - d->user) * bar_w / 1024, uw = d->user * bar_w / 1024;
        if (kw) pic_rect(s, bar_x, y + 2, kw, PIC_LINE_PX - 4, 0x0072B2, PIC_NONE, "kernel pages");
        if (uw) pic_rect(s, bar_x + kw, y + 2, uw, PIC_LINE_PX - 4, 0x009E73, PIC_NONE, "user pages");
    }
    if (shown < pt->count)
        pic_text(s, 58, root_y + shown * row, PIC_LEFT, PIC_DIM, "... %d more", pt->count - shown);
}
