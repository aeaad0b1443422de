/* The machine API: the one door through which the CLI, the Lua module, the TUI, the GUI and the
 * GDB stub drive vx86. Nothing outside emu/ touches CPU or device internals. */
#ifndef VX86_MACHINE_H
#define VX86_MACHINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "arch/x86.h"   /* register and segment numbering (R_*, S_*), EFLAGS/CR bits, exception names */

#define MACHINE_MAX_MODULES 16

typedef struct machine_module {
    const char *path;
    const char *args;      /* may be NULL; the multiboot string is "path args" */
} machine_module;

struct costs;
struct trace;

typedef struct machine_config {
    const char *kernel;                 /* Multiboot v1 ELF32 image */
    const char *cmdline;                /* appended after the image path, may be NULL */
    machine_module modules[MACHINE_MAX_MODULES];
    int module_count;
    uint32_t memory_bytes;              /* default 64 MiB */
    /* Serial (COM1) output sink; NULL writes to stdout. */
    void (*serial_out)(void *ctx, uint8_t byte);
    void *serial_ctx;
    const struct costs *costs;          /* virtual-time cost table (emu/costs.h); NULL = defaults */
    size_t trace_capacity;              /* events kept in the trace ring; 0 = TRACE_DEFAULT_CAPACITY */
    bool trace_walks;                   /* every page walk becomes a trace event (high volume) */
    bool explain;                       /* say on stderr which check failed a VMRUN */
} machine_config;

typedef enum machine_stop {
    MACHINE_STOP_LIMIT,      /* ran the requested number of cycles */
    MACHINE_STOP_EXIT,       /* guest wrote the debug-exit port: see machine_exit_status */
    MACHINE_STOP_HALTED,     /* HLT with interrupts off and nothing scheduled: the guest is done */
    MACHINE_STOP_SHUTDOWN,   /* triple fault */
    MACHINE_STOP_BREAK,      /* a breakpoint or an explicit stop request */
} machine_stop;

typedef struct machine machine;

/* Build a machine and load the image. On failure returns NULL and writes a one-line message
 * naming the file and the problem into err. */
machine *machine_create(const machine_config *cfg, char *err, size_t errlen);
void machine_destroy(machine *m);

/* Run until `cycles` more cycles have elapsed or the guest stops. */
machine_stop machine_run(machine *m, uint64_t cycles);
/* Status as QEMU's isa-debug-exit reports it: (value << 1) | 1. */
int machine_exit_status(const machine *m);

uint64_t machine_cycles(const machine *m);
uint64_t machine_instructions(const machine *m);

/* Register access by name ("eax", "eip", "eflags", "cr3", "cs", ...). Returns false if unknown. */
bool machine_get_reg(machine *m, const char *name, uint64_t *value);
bool machine_set_reg(machine *m, const char *name, uint64_t value);

/* Physical memory access (bounds-checked; returns false outside RAM). */
bool machine_read_phys(machine *m, uint32_t paddr, void *buf, size_t len);
bool machine_write_phys(machine *m, uint32_t paddr, const void *buf, size_t len);

/* Queue bytes for the guest's COM1 receiver. False (nothing queued) if host memory ran out. */
bool machine_serial_input(machine *m, const uint8_t *bytes, size_t len);
/* Type text on the PS/2 keyboard (scancode set 1, with Shift/Ctrl as needed). Returns the bytes queued. */
size_t machine_type_keys(machine *m, const char *text);
/* Hold scripted input (serial and keys) until the guest's serial output contains `text`, as a
 * person would wait for a prompt. NULL or "" releases it at once. */
void machine_input_gate(machine *m, const char *text);

/* Virtual time: the clock rate that converts cycles to guest seconds (PIT, trace timestamps). */
uint64_t machine_cycles_per_second(const machine *m);

/* The cost table in force. Setting it drops decoded instructions (they cache their cost), so it
 * is cheap only between runs. machine_load_costs reads a cost file over the current table; on
 * error nothing changes and err holds "FILE:LINE: problem". */
const struct costs *machine_costs(const machine *m);
void machine_set_costs(machine *m, const struct costs *c);
bool machine_load_costs(machine *m, const char *path, char *err, size_t errlen);

/* The trace ring buffer (emu/trace.h): CPU events and trace-probe records, cycle-stamped. */
struct trace *machine_trace(machine *m);

/* The underlying cpu (for emu/ internals and CPU-level unit tests only; front ends use the
 * functions above). */
struct cpu *machine_cpu(machine *m);

/* Snapshots (emu/snapshot.c): the whole machine state, versioned and CRC-checked, so that a
 * restored machine continues exactly as the original would have (same output, same cycle and
 * instruction counts). Serial output already produced is not part of it. On failure these return
 * false/NULL and write one line, "NAME: problem", into err: "not a vx86 snapshot", "snapshot
 * version N, this vx86 reads version M", "truncated (expected N bytes, got M)", "checksum
 * mismatch (corrupted)", "RAM size mismatch (...)".
 * to_buffer hands back a malloc'd buffer (free() it). from_buffer restores into an existing
 * machine of the same RAM size; `name` (may be NULL) names the snapshot in errors. restore builds
 * a new machine from a file, with the snapshot's RAM size and the rest of cfg (serial sink,
 * trace capacity; may be NULL); the image is not loaded again. */
bool machine_snapshot_to_buffer(machine *m, uint8_t **buf, size_t *len, char *err, size_t errlen);
bool machine_snapshot_from_buffer(machine *m, const uint8_t *buf, size_t len, const char *name, char *err,
                                  size_t errlen);
bool machine_snapshot_save(machine *m, const char *path, char *err, size_t errlen);
machine *machine_snapshot_restore(const char *path, const machine_config *cfg, char *err, size_t errlen);
/* The kernel image the machine was built from (restored from a snapshot), or NULL. */
const char *machine_kernel_path(const machine *m);

/* ---- inspection and debugging: the TUI, the GDB stub and the Lua module use these ---- */

typedef struct machine_seg {
    uint16_t sel, attr;      /* attr: descriptor byte 5 in bits 7:0, byte 6's high nibble in 11:8 */
    uint32_t base, limit;
} machine_seg;

enum { MACHINE_SEG_LDTR = S_GS + 1, MACHINE_SEG_TR, MACHINE_SEG_COUNT };

typedef struct machine_regs {
    uint32_t gpr[8];         /* indexed by R_EAX..R_EDI (arch/x86.h): eax ecx edx ebx esp ebp esi edi */
    uint32_t eip, eflags;
    machine_seg seg[MACHINE_SEG_COUNT];   /* S_ES..S_GS (arch/x86.h), MACHINE_SEG_LDTR, MACHINE_SEG_TR */
    uint32_t gdtr_base, idtr_base;
    uint16_t gdtr_limit, idtr_limit;
    uint32_t cr0, cr2, cr3, cr4;
    uint64_t efer;
    int cpl;
    bool guest_mode;         /* running an SVM guest */
    bool halted;
    uint32_t vmcb;           /* VMCB of the current (or last) guest, 0 if none */
    uint64_t cycles, instructions;
} machine_regs;

void machine_get_regs(machine *m, machine_regs *r);

/* Execute one instruction (or take one pending interrupt / idle step). */
machine_stop machine_step(machine *m);
/* Ask a running machine_run to return MACHINE_STOP_BREAK at the next instruction boundary. */
void machine_request_stop(machine *m);

/* Breakpoints on EIP; watchpoints on linear data addresses (kind: MACHINE_WATCH_*).
 * machine_run returns MACHINE_STOP_BREAK when one hits; machine_last_break says which. At most
 * MACHINE_MAX_BREAKPOINTS and MACHINE_MAX_WATCHPOINTS are set at once (adding more returns false). */
#define MACHINE_MAX_BREAKPOINTS 64
#define MACHINE_MAX_WATCHPOINTS 16
enum { MACHINE_WATCH_WRITE = 1, MACHINE_WATCH_READ = 2, MACHINE_WATCH_ACCESS = 3 };
bool machine_add_breakpoint(machine *m, uint32_t eip);
bool machine_remove_breakpoint(machine *m, uint32_t eip);
bool machine_add_watchpoint(machine *m, uint32_t lin, uint32_t len, int kind);
bool machine_remove_watchpoint(machine *m, uint32_t lin, uint32_t len, int kind);
typedef enum { MACHINE_BREAK_NONE, MACHINE_BREAK_BREAKPOINT, MACHINE_BREAK_WATCHPOINT, MACHINE_BREAK_REQUEST } machine_break_kind;
typedef struct machine_break_info {
    machine_break_kind kind;
    uint32_t addr;           /* the breakpoint's EIP or the watched address touched */
    int access;              /* watchpoints: MACHINE_WATCH_WRITE or MACHINE_WATCH_READ */
} machine_break_info;
void machine_last_break(const machine *m, machine_break_info *info);

/* One page walk, step by step, as the CPU made it. With nested paging (an SVM guest with
 * NP_ENABLE) it is the two-dimensional walk: every guest-physical address the guest walk uses (its
 * PDE, its PTE, the final address) is itself translated through the nested tables, and every
 * memory reference of both dimensions is a step, in the order the CPU makes them. */
typedef struct machine_walk_step {
    int level;            /* 2 = page directory, 1 = page table */
    bool nested;          /* a nested-table (NPT) reference */
    uint32_t gpa;         /* nested steps: the guest-physical address being translated */
    uint32_t entry_addr;  /* physical address of the entry read */
    uint32_t value;       /* the entry as read (before A/D updates) */
} machine_walk_step;

#define MACHINE_WALK_MAX_STEPS 12
typedef struct machine_walk {
    bool paging;          /* guest (or host) CR0.PG was set: otherwise linear == (guest-)physical */
    bool nested;          /* a nested-paging walk */
    int step_count;
    machine_walk_step steps[MACHINE_WALK_MAX_STEPS];
    bool ok;
    bool large;           /* a 4 MiB page */
    uint32_t gpa;         /* guest-physical result (== paddr without nested paging) */
    uint32_t paddr;       /* host-physical result */
    uint32_t error_code;  /* #PF error code (arch/x86.h PF_*) when !ok and !npf */
    bool npf;             /* failed in the nested dimension: a #NPF */
    uint64_t npf_info1;   /* EXITINFO1 of that #NPF */
    uint32_t npf_gpa;     /* EXITINFO2: the guest-physical address */
} machine_walk;

/* The first walks with the CPU's current paging state (inside a running guest: the 2-D walk); the
 * second with the paging state saved in a guest's VMCB. No side effects: A/D bits are not touched. */
bool machine_translate(machine *m, uint32_t lin, bool write, machine_walk *out);
bool machine_translate_vm(machine *m, uint32_t vmcb, uint32_t lin, bool write, machine_walk *out);

/* The VMRUN consistency check a trace's vmrun_invalid event names by number, as text ("guest
 * EFER.SVME (VMCB 0x4D0 bit 12) is 0"). Exit codes are named by arch/svm.h's svm_exit_name. */
const char *machine_svm_check_name(int check);

/* Linear (virtual) memory through the current page tables, without side effects. */
bool machine_read_linear(machine *m, uint32_t lin, void *buf, size_t len);
bool machine_write_linear(machine *m, uint32_t lin, const void *buf, size_t len);

/* The kernel image's ELF symbols (emu/loader.h), loaded on first use; NULL if unreadable. */
struct loader_symbols;
const struct loader_symbols *machine_symbols(machine *m);

/* The VGA text screen as UTF-8, one '\n'-terminated row per line, trailing blanks dropped;
 * returns the length (truncated to cap). The cursor cell goes to cur_row/cur_col (either may be
 * NULL), or -1/-1 when the cursor is off. */
size_t machine_vga_text(machine *m, char *buf, size_t cap, int *cur_row, int *cur_col);
/* The screen is MACHINE_VGA_ROWS rows of MACHINE_VGA_COLS cells; a buffer of MACHINE_VGA_TEXT_MAX
 * bytes always holds it all (3 UTF-8 bytes a cell, plus line ends). */
#define MACHINE_VGA_ROWS 25
#define MACHINE_VGA_COLS 80
#define MACHINE_VGA_TEXT_MAX ((MACHINE_VGA_COLS * 3 + 2) * MACHINE_VGA_ROWS)

/* ---- record and replay: the hooks emu/replay.c drives (front ends use the functions below) ----
 * With hooks set, machine_run calls boundary() at every stop of its loop (after due timers fire)
 * and never runs past next_stop() cycles without stopping there; input() hears every byte of guest
 * input as it enters a device (COM1 receiver, keyboard controller), always at an instruction
 * boundary; modified() hears that a debugger changed registers, memory or costs. While
 * `replaying`, the machine re-executes recorded history: nothing is printed or traced, and host
 * input (machine_serial_input, machine_type_keys, the input gate) waits until replaying ends. */
enum { MACHINE_INPUT_SERIAL = 1, MACHINE_INPUT_KEYS = 2 };
typedef struct machine_history_hooks {
    void *ctx;
    uint64_t (*next_stop)(void *ctx);
    void (*boundary)(void *ctx);
    void (*input)(void *ctx, int kind, const uint8_t *bytes, size_t len);
    void (*modified)(void *ctx);
} machine_history_hooks;
void machine_set_history_hooks(machine *m, const machine_history_hooks *h);   /* NULL removes */
void *machine_history_ctx(const machine *m);
void machine_set_replaying(machine *m, bool on);
bool machine_replaying(const machine *m);
/* Put recorded input straight into the device, as input() reported it. */
void machine_inject_input(machine *m, int kind, const uint8_t *bytes, size_t len);
void machine_set_last_break(machine *m, const machine_break_info *info);

/* ---- reverse execution (emu/replay.c): snapshots plus deterministic re-execution ----
 * machine_history_enable starts recording here (the start of history): a snapshot every
 * `interval` cycles (0: MACHINE_HISTORY_INTERVAL), old ones thinned out to stay under `budget`
 * bytes (0: MACHINE_HISTORY_BUDGET), and every input with its position. Going back restores the
 * nearest earlier snapshot and re-executes to the target; the state there is bit-identical to the
 * one the run passed through. Running forward from the past re-executes the recorded history
 * (same input) and continues live at its end. A debugger changing registers or memory starts a
 * new history at that point (the old one no longer leads here). */
/* The interval, from `make bench-replay` (the bench image, 64 MiB RAM): one snapshot costs about
 * 7-9 ms to take and as much to restore (both mostly scanning RAM), and re-execution runs at the
 * emulator's speed, so the first step back costs ~0.04 s at 2e6, ~0.08 s at 5e6, ~0.16 s at 1e7,
 * ~0.3 s at 2e7, ~0.6 s at 5e7 cycles, wherever the run is (1e8 or 1e9 cycles in); the next one
 * ~0.01 s (a checkpoint is left near the target). 1e7 keeps the first step back interactive with
 * a forward cost of one snapshot per ~0.1 s of running (~6-10%). */
#define MACHINE_HISTORY_INTERVAL 10000000ull
#define MACHINE_HISTORY_BUDGET (512ull << 20)
typedef enum machine_reverse {
    MACHINE_REVERSE_OK,      /* arrived where asked */
    MACHINE_REVERSE_BREAK,   /* reverse continue: at the previous breakpoint/watchpoint hit (machine_last_break) */
    MACHINE_REVERSE_BEGIN,   /* stopped at the start of history */
    MACHINE_REVERSE_ERROR,   /* no history, or out of memory: machine_history_error says why */
} machine_reverse;
bool machine_history_enable(machine *m, uint64_t interval, size_t budget, char *err, size_t errlen);
void machine_history_disable(machine *m);
bool machine_history_enabled(const machine *m);
/* Back n instructions (to the state just after the instruction n before the last one retired). */
machine_reverse machine_step_back(machine *m, uint64_t n);
/* Back to the last breakpoint or watchpoint hit before this point, or to the start of history. */
machine_reverse machine_reverse_continue(machine *m);
const char *machine_history_error(const machine *m);
typedef struct machine_history_info {
    bool enabled;
    uint64_t begin_cycles, begin_instructions;    /* the start of history */
    uint64_t end_cycles, end_instructions;        /* the furthest point reached (the present) */
    bool in_past;                                 /* the machine is before the present */
    int checkpoints;
    size_t bytes;                                 /* memory the checkpoints and input take */
    uint64_t interval;
} machine_history_info;
void machine_history_get(const machine *m, machine_history_info *info);

#endif
