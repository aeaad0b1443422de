/* The picture kinds by name: `vx86 picture KIND`, the GUI's panes and --pictures use this table. */
#include <stdlib.h>
#include <string.h>

#include "arch/svm.h"
#include "emu/pictures/pictures.h"

static const char *const NAMES[PIC_KIND_COUNT] = {
    "console", "memmap", "pagetable", "walk", "gantt", "namespaces", "cgroups", "exits",
};

const char *pic_kind_name(int kind)
{
    return kind >= 0 && kind < PIC_KIND_COUNT ? NAMES[kind] : NULL;
}

int pic_kind_lookup(const char *name)
{
    for (int k = 0; k < PIC_KIND_COUNT; k++)
        if (strcmp(name, NAMES[k]) == 0)
            return k;
    return -1;
}

uint32_t pic_ram_bytes(machine *m)
{
    /* The highest 4 KiB frame machine_read_phys accepts, by bisection over 4 KiB..4 GiB. */
    uint64_t lo = 0, hi = 1ull << 20;   /* frames: lo readable (frame 0 always is), hi not */
    uint8_t b;
    while (hi - lo > 1) {
        uint64_t mid = (lo + hi) / 2;
        if (machine_read_phys(m, (uint32_t)(mid << 12), &b, 1)) lo = mid;
        else hi = mid;
    }
    return (uint32_t)((lo + 1) << 12);
}

bool pic_build(int kind, const pic_source *src, pic_scene *s, int width, int height, char **text)
{
    machine *m = src->m;
    uint32_t ram = src->ram_bytes ? src->ram_bytes : pic_ram_bytes(m);
    if (!width)
        width = 640;
    char *t = NULL;
    switch (kind) {
    case PIC_KIND_CONSOLE: {
        pic_console c;
        pic_console_from_machine(&c, m);
        pic_console_scene(&c, s);
        t = text ? pic_console_text(&c) : NULL;
        break;
    }
    case PIC_KIND_MEMMAP: {
        pic_memmap mm;
        if (!pic_memmap_from_machine(&mm, m, ram))
            return false;
        pic_memmap_scene(&mm, s, width, height ? height : 400);
        t = text ? pic_memmap_text(&mm, 64) : NULL;
        pic_memmap_free(&mm);
        break;
    }
    case PIC_KIND_PAGETABLE: {
        pic_pagetable *pt = malloc(sizeof *pt);
        if (!pt)
            return false;
        pic_pagetable_from_machine(pt, m);
        pic_pagetable_scene(pt, s, width, height);
        t = text ? pic_pagetable_text(pt) : NULL;
        free(pt);
        break;
    }
    case PIC_KIND_WALK: {
        /* In a VM when there is one: inside the guest the CPU's own walk is the 2-D one; after a
         * #VMEXIT, the walk of the last guest's paging state saved in its VMCB (at its RIP by
         * default). */
        machine_regs r;
        machine_get_regs(m, &r);
        uint32_t vmcb = !r.guest_mode ? r.vmcb : 0, addr = r.eip;
        if (vmcb && !machine_read_phys(m, vmcb + VMCB_RIP, &addr, sizeof addr))
            vmcb = 0, addr = r.eip;
        pic_walk w;
        pic_walk_from_machine(&w, m, src->walk_set ? src->walk_addr : addr, vmcb);
        pic_walk_scene(&w, s, width, height);
        t = text ? pic_walk_text(&w) : NULL;
        break;
    }
    case PIC_KIND_GANTT:
    case PIC_KIND_NAMESPACES:
    case PIC_KIND_CGROUPS: {
        task_table tt;
        task_table_init(&tt);
        task_table_from_trace(&tt, machine_trace(m), machine_cycles(m));
        if (kind == PIC_KIND_GANTT) {
            gantt g;
            gantt_init(&g, 0, 1);
            gantt_from_tasks(&g, &tt);
            pic_gantt_scene(&g, s, width, height);
            t = !text ? NULL : g.count ? gantt_text(&g, 64) : strdup("timeline: no task switches reported yet\n");
            gantt_free(&g);
        } else {
            pic_tree *tr = malloc(sizeof *tr);
            if (!tr) {
                task_table_free(&tt);
                return false;
            }
            if (kind == PIC_KIND_NAMESPACES) {
                ns_table nt;
                ns_table_init(&nt);
                ns_table_from_trace(&nt, machine_trace(m), machine_cycles(m));
                pic_tree_namespaces(tr, &nt);
                ns_table_free(&nt);
            } else {
                cg_table ct;
                cg_table_init(&ct);
                cg_table_from_trace(&ct, machine_trace(m), machine_cycles(m));
                pic_tree_cgroups(tr, &ct);
                cg_table_free(&ct);
            }
            pic_tree_scene(tr, s, width, height);
            t = text ? pic_tree_text(tr) : NULL;
            free(tr);
        }
        task_table_free(&tt);
        break;
    }
    case PIC_KIND_EXITS: {
        pic_exits e;
        pic_exits_from_machine(&e, m);
        pic_exits_scene(&e, s, width, height);
        t = text ? pic_exits_text(&e, 40) : NULL;
        break;
    }
    default:
        return false;
    }
    if (text)
        *text = t;
    else
        free(t);
    return !s->failed;
}
