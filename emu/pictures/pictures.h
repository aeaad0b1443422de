/* The diagrams of the GUI, `vx86 picture` and the labs, as view models: plain data built from the
 * machine (or by a test), each with a text form, and a layout into a scene (emu/pictures/scene.h)
 * that SVG and SDL both draw. One model per picture:
 *   console   the VGA text screen: cells, colours, cursor            (console.c)
 *   memmap    physical memory, one owner per 4 KiB frame            (memmap.c)
 *   pagetable the tree of the current page directory                (pagetable.c)
 *   walk      one translation, step by step (2-D with nested paging) (walk.c)
 *   exits     the VM-exit histogram from the trace                  (exits.c)
 *   tree      the namespace and cgroup trees from the task table    (tree.c)
 *   gantt     emu/gantt.h's model, laid out here                    (gantt_scene.c)
 * Front ends use the machine API only (emu/machine.h). */
#ifndef VX86_PICTURES_H
#define VX86_PICTURES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "emu/gantt.h"
#include "emu/machine.h"
#include "emu/pictures/scene.h"
#include "emu/trace_cgroups.h"
#include "emu/trace_ns.h"
#include "emu/trace_tasks.h"

/* Shared colours (0xRRGGBB). */
#define PIC_INK    0x202020u
#define PIC_DIM    0x808080u
#define PIC_PANEL  0xF4F4F4u
#define PIC_GRID   0xC8C8C8u

/* ---- console: the VGA text screen ---- */
typedef struct pic_console {
    uint8_t ch[MACHINE_VGA_ROWS][MACHINE_VGA_COLS];    /* CP437 bytes */
    uint8_t attr[MACHINE_VGA_ROWS][MACHINE_VGA_COLS];  /* foreground bits 3:0, background 6:4 */
    int cur_row, cur_col;                              /* -1 when the cursor is off */
} pic_console;
#define PIC_CELL_W 8
#define PIC_CELL_H 16
/* The 16 text-mode colours of the default VGA palette (IBM VGA Technical Reference, DAC defaults). */
extern const uint32_t pic_vga_palette[16];
/* The cells as the guest wrote them at 0xB8000 (start address 0) and the CRTC cursor. */
void pic_console_from_machine(pic_console *c, machine *m);
/* One '\n'-terminated UTF-8 line per row, trailing blanks dropped. malloc'd. */
char *pic_console_text(const pic_console *c);
/* 640x400: a background rectangle per run of one colour, a text item per run of one foreground. */
void pic_console_scene(const pic_console *c, pic_scene *s);

/* ---- memmap: who owns each physical frame ---- */
typedef enum pic_owner {
    PIC_OWNER_FREE, PIC_OWNER_KERNEL, PIC_OWNER_USER, PIC_OWNER_PAGETABLE, PIC_OWNER_VM,
    PIC_OWNER_CONTAINER, PIC_OWNER_DEVICE, PIC_OWNER_COUNT
} pic_owner;
extern const char pic_owner_char[PIC_OWNER_COUNT];        /* '.', 'K', 'U', 'P', 'V', 'C', 'D' */
extern const uint32_t pic_owner_colour[PIC_OWNER_COUNT];
const char *pic_owner_name(int owner);

typedef struct pic_memmap {
    uint32_t frames;            /* 4 KiB frames of RAM */
    uint8_t *owner;             /* pic_owner per frame */
    char source[64];            /* where the owners came from: "page tables (CR3 0x...)" */
    char note[128];             /* "" or why nothing is known ("paging is off") */
    bool failed;
} pic_memmap;
bool pic_memmap_init(pic_memmap *mm, uint32_t frames);
void pic_memmap_free(pic_memmap *mm);
uint32_t pic_memmap_count(const pic_memmap *mm, int owner);
/* A cell's owner when it stands for several frames: the one a reader must not miss, by priority
 * page table > user > VM > container > device > kernel > free (free only when all are). */
int pic_memmap_cell_owner(const pic_memmap *mm, uint32_t first, uint32_t n);
/* Source: the current page tables (CR3). Page directory and page tables are PAGETABLE, frames
 * mapped with U=1 at both levels USER, other mapped frames KERNEL, the VGA window DEVICE, the
 * rest FREE. (The toy OS's own frame table is a better source: see emu/pictures/README.md.) */
bool pic_memmap_from_pagetables(pic_memmap *mm, machine *m, uint32_t ram_bytes);
/* Source: the toy OS's own frame table (kernel/vm.h: `frames`, `nframes`, found by symbol and read
 * through physical memory). One cell per frame of the kernel's, owners by kind: FREE free,
 * RESERVED and KERNEL kernel (the VGA window device), PGTABLE page table, VM VM, USER user, or
 * container when the frame is charged to a memory cgroup (memcg != 0: a process in a non-root
 * cgroup with the memory controller on, which `ctr run` sets up for every container). False
 * (nothing allocated) when the image is not the toy OS or its allocator is not set up yet. */
bool pic_memmap_from_frames(pic_memmap *mm, machine *m);
int pic_owner_of_frame(int kind, int memcg);
/* The frame table when the guest is the toy OS, else the page tables. */
bool pic_memmap_from_machine(pic_memmap *mm, machine *m, uint32_t ram_bytes);
/* Text: rows of `columns` characters (pic_owner_char), one character per K frames, with the
 * address of each row and a legend with the counts. */
char *pic_memmap_text(const pic_memmap *mm, int columns);
/* The scene's grid: cell i (0-based) covers frames [i*per_cell, (i+1)*per_cell) and sits at
 * (x0 + (i % cols) * cell, y0 + (i / cols) * cell), cell-1 pixels square. */
typedef struct pic_memmap_layout { int x0, y0, cell, cols, rows; uint32_t per_cell; } pic_memmap_layout;
void pic_memmap_layout_for(const pic_memmap *mm, int width, int height, pic_memmap_layout *l);
void pic_memmap_scene(const pic_memmap *mm, pic_scene *s, int width, int height);

/* ---- pagetable: the tree under CR3 ---- */
typedef struct pic_pde {
    uint16_t index;             /* 0..1023: maps [index << 22, +4 MiB) */
    uint32_t value;
    bool large;                 /* a 4 MiB page */
    uint16_t present, user, writable;   /* PTEs of its table (a large page counts as 1024) */
} pic_pde;
typedef struct pic_pagetable {
    bool paging;
    bool in_guest;              /* the CPU runs an SVM guest: these are the guest's tables */
    uint32_t cr3;
    int count;                  /* present PDEs */
    pic_pde pde[1024];
} pic_pagetable;
void pic_pagetable_from_machine(pic_pagetable *pt, machine *m);
char *pic_pagetable_text(const pic_pagetable *pt);
void pic_pagetable_scene(const pic_pagetable *pt, pic_scene *s, int width, int height);

/* ---- walk: one translation ---- */
typedef struct pic_walk {
    uint32_t lin;
    uint32_t vmcb;              /* 0: the CPU's current paging; else the guest of that VMCB */
    machine_walk w;
} pic_walk;
void pic_walk_from_machine(pic_walk *pw, machine *m, uint32_t lin, uint32_t vmcb);
char *pic_walk_text(const pic_walk *pw);
void pic_walk_scene(const pic_walk *pw, pic_scene *s, int width, int height);

/* ---- exits: the VM-exit histogram ---- */
#define PIC_EXITS_MAX 64
typedef struct pic_exits {
    int count;                  /* distinct exit codes, most frequent first (ties: lower code) */
    struct { uint64_t code, n, guest_cycles; } bar[PIC_EXITS_MAX];
    uint64_t total;
} pic_exits;
void pic_exits_init(pic_exits *e);
void pic_exits_add(pic_exits *e, uint64_t code, uint64_t guest_cycles);
void pic_exits_sort(pic_exits *e);
/* Every TRACE_VMEXIT event in the machine's trace. */
void pic_exits_from_machine(pic_exits *e, machine *m);
char *pic_exits_text(const pic_exits *e, int bar_columns);
void pic_exits_scene(const pic_exits *e, pic_scene *s, int width, int height);

/* ---- tree: namespaces and cgroups ---- */
#define PIC_TREE_MAX 128
typedef struct pic_tree {
    char title[PIC_TEXT_BYTES];
    char empty[128];                /* what the picture says when there are no nodes */
    int count;
    struct { char label[PIC_TEXT_BYTES]; int depth; uint64_t value, max; } node[PIC_TREE_MAX];
} pic_tree;
/* The trace's namespace model (emu/trace_ns.h), as lsns draws it: VM -> each namespace by type
 * and nesting with its task count (a UTS namespace's hostname, a mount namespace's mounts) ->
 * a PID namespace's tasks (pid, pid inside, name). */
void pic_tree_namespaces(pic_tree *t, const ns_table *nt);
/* The trace's cgroup model (emu/trace_cgroups.h): cgroup by path -> its tasks; a usage bar of
 * memory.current / memory.max, or else pids.current / pids.max, where a limit is set. */
void pic_tree_cgroups(pic_tree *t, const cg_table *ct);
char *pic_tree_text(const pic_tree *t);
void pic_tree_scene(const pic_tree *t, pic_scene *s, int width, int height);

/* ---- gantt: emu/gantt.h's model ---- */
/* Span [start, end) of the chart drawn over plot_w pixels from plot_x: x and w in pixels
 * (w at least 1), exact integer arithmetic. */
void pic_gantt_bar(const gantt *g, uint64_t start, uint64_t end, int plot_x, int plot_w, int *x, int *w);
typedef struct pic_gantt_layout { int label_w, plot_x, plot_w, top, row_h, bar_h; } pic_gantt_layout;
void pic_gantt_layout_for(const gantt *g, int width, int height, pic_gantt_layout *l);
void pic_gantt_scene(const gantt *g, pic_scene *s, int width, int height);
/* Row colours, one per task in turn (Okabe-Ito, as gantt_svg). */
uint32_t pic_gantt_colour(size_t row);

/* ---- the picture kinds, by name (vx86 picture, --pictures) ---- */
typedef enum pic_kind {
    PIC_KIND_CONSOLE, PIC_KIND_MEMMAP, PIC_KIND_PAGETABLE, PIC_KIND_WALK, PIC_KIND_GANTT,
    PIC_KIND_NAMESPACES, PIC_KIND_CGROUPS, PIC_KIND_EXITS, PIC_KIND_COUNT
} pic_kind;
const char *pic_kind_name(int kind);
int pic_kind_lookup(const char *name);      /* -1 if unknown */
typedef struct pic_source {
    machine *m;
    uint32_t ram_bytes;                     /* 0: found out with pic_ram_bytes */
    uint32_t walk_addr;                     /* the walk picture's address */
    bool walk_set;                          /* else EIP */
} pic_source;
/* The machine's RAM size (the end of what machine_read_phys reads). */
uint32_t pic_ram_bytes(machine *m);
/* Lay out picture `kind` of the machine into s (width x height; 0 = the picture's own size);
 * text (may be NULL) gets its text form, malloc'd. */
bool pic_build(int kind, const pic_source *src, pic_scene *s, int width, int height, char **text);

#endif
