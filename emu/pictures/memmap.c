/* Physical memory, one owner per 4 KiB frame, and its picture: a grid of coloured cells. */
#include <stdlib.h>
#include <string.h>

#include "devices/vga_abi.h"
#include "emu/loader.h"
#include "emu/pictures/pictures.h"
#include "kernel/vm.h"   /* the toy OS's struct frame and enum frame_kind (plain data) */

#define FRAME_SHIFT 12

const char pic_owner_char[PIC_OWNER_COUNT] = { '.', 'K', 'U', 'P', 'V', 'C', 'D' };
/* Colours a reader can tell apart (Okabe-Ito), free frames pale grey. */
const uint32_t pic_owner_colour[PIC_OWNER_COUNT] = {
    0xE8E8E8, 0x0072B2, 0x009E73, 0xE69F00, 0xCC79A7, 0x56B4E9, 0x000000,
};
static const char *const OWNER_NAMES[PIC_OWNER_COUNT] = {
    "free", "kernel", "process", "page table", "VM", "container", "device",
};

const char *pic_owner_name(int owner)
{
    return owner >= 0 && owner < PIC_OWNER_COUNT ? OWNER_NAMES[owner] : "?";
}

bool pic_memmap_init(pic_memmap *mm, uint32_t frames)
{
    memset(mm, 0, sizeof *mm);
    mm->frames = frames;
    mm->owner = calloc(frames ? frames : 1, 1);
    mm->failed = mm->owner == NULL;
    return !mm->failed;
}

void pic_memmap_free(pic_memmap *mm)
{
    free(mm->owner);
    mm->owner = NULL;
}

uint32_t pic_memmap_count(const pic_memmap *mm, int owner)
{
    uint32_t n = 0;
    for (uint32_t i = 0; mm->owner && i < mm->frames; i++)
        n += mm->owner[i] == owner;
    return n;
}

int pic_memmap_cell_owner(const pic_memmap *mm, uint32_t first, uint32_t n)
{
    /* The owner a reader must not miss wins: one page-table frame among 15 kernel frames still
     * shows. Highest first. */
    static const int PRIORITY[PIC_OWNER_COUNT] = {
        [PIC_OWNER_PAGETABLE] = 6, [PIC_OWNER_USER] = 5, [PIC_OWNER_VM] = 4, [PIC_OWNER_CONTAINER] = 3,
        [PIC_OWNER_DEVICE] = 2, [PIC_OWNER_KERNEL] = 1, [PIC_OWNER_FREE] = 0,
    };
    int best = PIC_OWNER_FREE;
    for (uint32_t i = first; i < first + n && i < mm->frames; i++) {
        int o = mm->owner[i] % PIC_OWNER_COUNT;
        if (PRIORITY[o] > PRIORITY[best])
            best = o;
    }
    return best;
}

/* A frame claimed twice keeps the stronger claim: page table over user over kernel. */
static void claim(pic_memmap *mm, uint32_t paddr, int owner)
{
    static const int RANK[PIC_OWNER_COUNT] = { 0, 1, 2, 4, 3, 3, 5 };
    uint32_t f = paddr >> FRAME_SHIFT;
    if (f < mm->frames && RANK[owner] > RANK[mm->owner[f]])
        mm->owner[f] = (uint8_t)owner;
}

bool pic_memmap_from_pagetables(pic_memmap *mm, machine *m, uint32_t ram_bytes)
{
    if (!pic_memmap_init(mm, ram_bytes >> FRAME_SHIFT))
        return false;
    for (uint32_t a = VGA_TEXT_ADDR; a < VGA_TEXT_ADDR + 0x8000; a += 1u << FRAME_SHIFT)
        claim(mm, a, PIC_OWNER_DEVICE);
    machine_regs r;
    machine_get_regs(m, &r);
    if (!(r.cr0 & CR0_PG)) {
        snprintf(mm->source, sizeof mm->source, "page tables");
        snprintf(mm->note, sizeof mm->note, "paging is off: owners unknown");
        return true;
    }
    uint32_t pd = r.cr3 & PTE_ADDR;
    snprintf(mm->source, sizeof mm->source, "page tables (CR3 0x%08x)", pd);
    uint32_t pdes[1024];
    if (!machine_read_phys(m, pd, pdes, sizeof pdes)) {
        snprintf(mm->note, sizeof mm->note, "CR3 0x%08x is outside RAM", pd);
        return true;
    }
    claim(mm, pd, PIC_OWNER_PAGETABLE);
    for (int i = 0; i < 1024; i++) {
        uint32_t e = pdes[i];
        if (!(e & PTE_P))
            continue;
        if ((e & PTE_PS) && (r.cr4 & CR4_PSE)) {
            for (uint32_t k = 0; k < 1024; k++)
                claim(mm, (e & PDE_ADDR_4M) + (k << FRAME_SHIFT), (e & PTE_U) ? PIC_OWNER_USER : PIC_OWNER_KERNEL);
            continue;
        }
        uint32_t ptes[1024];
        if (!machine_read_phys(m, e & PTE_ADDR, ptes, sizeof ptes))
            continue;
        claim(mm, e & PTE_ADDR, PIC_OWNER_PAGETABLE);
        for (int k = 0; k < 1024; k++)
            if (ptes[k] & PTE_P)
                claim(mm, ptes[k] & PTE_ADDR, (e & ptes[k] & PTE_U) ? PIC_OWNER_USER : PIC_OWNER_KERNEL);
    }
    return true;
}

/* The toy OS maps all of physical memory at KERNBASE + physical address (kernel/kernel.h), so a
 * kernel pointer is read through physical memory: that works whatever paging is current, also
 * while a VM's guest runs with its own. */
#define TOYOS_KERNBASE 0xC0000000u

int pic_owner_of_frame(int kind, int memcg)
{
    switch (kind) {
    case FRAME_FREE: return PIC_OWNER_FREE;
    case FRAME_PGTABLE: return PIC_OWNER_PAGETABLE;
    case FRAME_USER: return memcg ? PIC_OWNER_CONTAINER : PIC_OWNER_USER;
    case FRAME_VM: return PIC_OWNER_VM;
    default: return PIC_OWNER_KERNEL;   /* RESERVED (boot, image, modules, the table) and KERNEL */
    }
}

static bool kernel_var(machine *m, const loader_symbols *syms, const char *name, uint32_t *value)
{
    const loader_symbol *s = loader_sym_lookup_name(syms, name);
    return s && s->addr >= TOYOS_KERNBASE && machine_read_phys(m, s->addr - TOYOS_KERNBASE, value, sizeof *value);
}

bool pic_memmap_from_frames(pic_memmap *mm, machine *m)
{
    memset(mm, 0, sizeof *mm);
    const loader_symbols *syms = machine_symbols(m);
    uint32_t table, n;
    if (!syms || !loader_sym_lookup_name(syms, "frame_alloc") || !kernel_var(m, syms, "frames", &table) ||
        !kernel_var(m, syms, "nframes", &n))
        return false;
    if (table == 0 || n == 0)          /* the kernel has not set its allocator up yet */
        return false;
    uint32_t bytes = n * (uint32_t)sizeof(struct frame);
    if (table < TOYOS_KERNBASE || n > (1u << 20))
        return false;
    struct frame *fr = malloc(bytes);
    if (!fr || !machine_read_phys(m, table - TOYOS_KERNBASE, fr, bytes) || !pic_memmap_init(mm, n)) {
        free(fr);
        return false;
    }
    for (uint32_t i = 0; i < n; i++)
        mm->owner[i] = (uint8_t)pic_owner_of_frame(fr[i].kind, fr[i].memcg);
    /* The VGA text window is memory the kernel never allocates; shown as the device it is. */
    for (uint32_t a = VGA_TEXT_ADDR; a < VGA_TEXT_ADDR + 0x8000; a += 1u << FRAME_SHIFT)
        if ((a >> FRAME_SHIFT) < n && fr[a >> FRAME_SHIFT].kind == FRAME_RESERVED)
            mm->owner[a >> FRAME_SHIFT] = PIC_OWNER_DEVICE;
    free(fr);
    snprintf(mm->source, sizeof mm->source, "the kernel's frame table");
    return true;
}

bool pic_memmap_from_machine(pic_memmap *mm, machine *m, uint32_t ram_bytes)
{
    if (pic_memmap_from_frames(mm, m))
        return true;
    pic_memmap_free(mm);
    return pic_memmap_from_pagetables(mm, m, ram_bytes);
}

char *pic_memmap_text(const pic_memmap *mm, int columns)
{
    if (columns < 16) columns = 16;
    if (columns > 256) columns = 256;
    uint32_t cells_max = (uint32_t)columns * 32;
    uint32_t per = (mm->frames + cells_max - 1) / cells_max;
    if (per == 0) per = 1;
    pic_buf b = { 0 };
    pic_printf(&b, "physical memory: %u frames of 4 KiB, one character = %u frame%s, owners from %s\n", mm->frames,
               per, per == 1 ? "" : "s", mm->source[0] ? mm->source : "(none)");
    if (mm->note[0])
        pic_printf(&b, "%s\n", mm->note);
    uint32_t cells = (mm->frames + per - 1) / per;
    for (uint32_t c = 0; c < cells; c += (uint32_t)columns) {
        pic_printf(&b, "0x%08x |", (c * per) << FRAME_SHIFT);
        for (uint32_t k = c; k < c + (uint32_t)columns && k < cells; k++)
            pic_printf(&b, "%c", pic_owner_char[pic_memmap_cell_owner(mm, k * per, per)]);
        pic_printf(&b, "|\n");
    }
    pic_printf(&b, "legend:");
    for (int o = 0; o < PIC_OWNER_COUNT; o++)
        pic_printf(&b, " %c %s %u%s", pic_owner_char[o], pic_owner_name(o), pic_memmap_count(mm, o),
                   o + 1 < PIC_OWNER_COUNT ? "," : "\n");
    return pic_finish(&b);
}

/* The legend: a swatch, the owner's name and its count, as many to a line as fit, drawn into s
 * when s is given; returns the lines it takes. */
static int legend(const pic_memmap *mm, pic_scene *s, int width, int y0)
{
    int lx = 4, lines = 1, y = y0;
    for (int o = 0; o < PIC_OWNER_COUNT; o++) {
        char label[48];
        int len = snprintf(label, sizeof label, "%s %u", pic_owner_name(o), pic_memmap_count(mm, o));
        int w = 14 + len * PIC_CHAR_PX + 10;
        if (lx + w > width && lx > 4) {
            lx = 4;
            y += PIC_LINE_PX;
            lines++;
        }
        if (s) {
            pic_rect(s, lx, y + 3, 10, 10, pic_owner_colour[o], PIC_GRID, NULL);
            pic_text(s, lx + 14, y, PIC_LEFT, PIC_INK, "%s", label);
        }
        lx += w;
    }
    return lines;
}

void pic_memmap_layout_for(const pic_memmap *mm, int width, int height, pic_memmap_layout *l)
{
    /* Title on top, legend (two lines) below, the grid between: the biggest cell that shows every
     * frame alone, else 3-pixel cells each standing for several frames. */
    l->x0 = 4;
    l->y0 = PIC_LINE_PX + 4;
    int gw = width - 8, gh = height - l->y0 - legend(mm, NULL, width, 0) * PIC_LINE_PX - 6;
    if (gw < 4) gw = 4;
    if (gh < 4) gh = 4;
    static const int SIZES[] = { 16, 12, 10, 8, 6, 5, 4, 3 };
    l->per_cell = 0;
    for (size_t i = 0; i < sizeof SIZES / sizeof SIZES[0]; i++) {
        int cols = gw / SIZES[i], rows = gh / SIZES[i];
        if ((uint64_t)cols * (uint64_t)rows >= mm->frames) {
            l->cell = SIZES[i];
            l->per_cell = 1;
            break;
        }
    }
    if (!l->per_cell) {
        l->cell = 3;
        uint32_t cells = (uint32_t)(gw / 3) * (uint32_t)(gh / 3);
        l->per_cell = (mm->frames + cells - 1) / (cells ? cells : 1);
    }
    l->cols = gw / l->cell;
    uint32_t ncells = (mm->frames + l->per_cell - 1) / l->per_cell;
    l->rows = (int)((ncells + (uint32_t)l->cols - 1) / (uint32_t)l->cols);
}

void pic_memmap_scene(const pic_memmap *mm, pic_scene *s, int width, int height)
{
    pic_scene_init(s, width, height, "physical memory map");
    pic_memmap_layout l;
    pic_memmap_layout_for(mm, width, height, &l);
    pic_text(s, 4, 0, PIC_LEFT, PIC_INK, "physical memory: %u frames, %u per cell%s%s", mm->frames, l.per_cell,
             mm->source[0] ? ", from " : "", mm->source);
    if (mm->note[0])
        pic_text(s, 4, l.y0, PIC_LEFT, PIC_DIM, "%s", mm->note);
    uint32_t ncells = (mm->frames + l.per_cell - 1) / l.per_cell;
    int gap = l.cell > 4 ? 1 : 0;
    for (uint32_t i = 0; i < ncells;) {
        int owner = pic_memmap_cell_owner(mm, i * l.per_cell, l.per_cell);
        int x = l.x0 + (int)(i % (uint32_t)l.cols) * l.cell, y = l.y0 + (int)(i / (uint32_t)l.cols) * l.cell;
        /* Without gaps, a run of cells of one owner along a row is one rectangle: the same
         * pixels, a few hundred items instead of one per frame. */
        uint32_t run = 1;
        while (!gap && i + run < ncells && (i + run) % (uint32_t)l.cols != 0 &&
               pic_memmap_cell_owner(mm, (i + run) * l.per_cell, l.per_cell) == owner)
            run++;
        i += run;
        if (mm->note[0] && y < l.y0 + PIC_LINE_PX)
            continue;   /* the note sits over the first row */
        pic_rect(s, x, y, (int)run * l.cell - gap, l.cell - gap, pic_owner_colour[owner], PIC_NONE, NULL);
    }
    legend(mm, s, width, height - legend(mm, NULL, width, 0) * PIC_LINE_PX - 2);
}
