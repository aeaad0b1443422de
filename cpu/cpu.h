/* vx86 CPU: the public contract of the processor model.
 *
 * The CPU sees the world only through `cpu_bus` (physical memory, port I/O, interrupt acknowledge)
 * and reports events through one callback. It includes nothing from devices/ or emu/.
 * Fields of `struct cpu` below the "internal" marker are private to cpu/. */
#ifndef VX86_CPU_H
#define VX86_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>

#include "arch/x86.h"   /* EFLAGS, CR0/CR4, EFER, exception vectors: the hardware facts */

/* The segment caches: the six of arch/x86.h's S_ES..S_GS, then the two system segments. */
enum { S_LDTR = S_GS + 1, S_TR, S_COUNT };

/* A segment register's hidden part (descriptor cache). */
typedef struct cpu_seg {
    uint16_t sel;
    uint16_t attr;   /* descriptor byte 5 in 7:0, byte 6 high nibble in 11:8 (the VMCB layout) */
    uint32_t base;
    uint32_t limit;  /* byte-granular, already scaled */
} cpu_seg;

typedef struct cpu_dtr {
    uint32_t base;
    uint16_t limit;
} cpu_dtr;

/* What the CPU tells its owner. `cpu_bus.event` receives these. */
typedef enum cpu_event_kind {
    CPU_EV_EXCEPTION,   /* vector, error (has_error), eip of the faulting insn, cr2 for #PF */
    CPU_EV_INTERRUPT,   /* external interrupt delivered: vector */
    CPU_EV_SOFTINT,     /* INT n: vector */
    CPU_EV_CR3_WRITE,   /* value */
    CPU_EV_TLB_FLUSH,   /* value = 0 full flush, else linear address (INVLPG) */
    CPU_EV_TRIPLE_FAULT,
    CPU_EV_HALT,
    CPU_EV_VMRUN,         /* value = VMCB physical address, vector = guest ASID */
    CPU_EV_VMEXIT,        /* info1/info2/exitcode; aux = cycles spent in the guest */
    CPU_EV_VMRUN_INVALID, /* VMRUN failed a consistency check: value = check (cpu_svm_check_name) */
    CPU_EV_PAGE_WALK,     /* a TLB miss walked the tables (only with cpu->trace_walks): value = linear
                             address, vector = access (0 read, 1 write, 2 fetch) | 4 if user,
                             error = #PF error code (has_error on a fault), walk = the steps */
} cpu_event_kind;

typedef struct cpu_event {
    cpu_event_kind kind;
    uint32_t vector;
    uint32_t error;
    bool has_error;
    uint32_t eip;
    uint32_t value;
    uint64_t exitcode, info1, info2, aux;   /* SVM events */
    const struct cpu_walk *walk;            /* CPU_EV_PAGE_WALK */
} cpu_event;

/* The world as the CPU sees it. RAM is a flat host buffer for speed; everything outside it goes
 * through mmio_read/mmio_write (which may be NULL: reads return all ones, writes are dropped). */
typedef struct cpu_bus {
    void *ctx;
    uint8_t *ram;
    uint32_t ram_size;
    uint32_t (*mmio_read)(void *ctx, uint32_t paddr, int size);
    void (*mmio_write)(void *ctx, uint32_t paddr, int size, uint32_t value);
    uint32_t (*io_in)(void *ctx, uint16_t port, int size);
    void (*io_out)(void *ctx, uint16_t port, int size, uint32_t value);
    /* Returns the vector of the highest pending external interrupt and acknowledges it, or -1. */
    int (*intr_ack)(void *ctx);
    void (*event)(void *ctx, const cpu_event *ev);
} cpu_bus;

/* Why cpu_run returned. */
typedef enum cpu_stop {
    CPU_STOP_LIMIT,        /* reached the cycle limit (or cpu_request_stop was called) */
    CPU_STOP_HALT,         /* HLT executed; cpu->halted is set until an interrupt wakes it */
    CPU_STOP_SHUTDOWN,     /* triple fault */
    CPU_STOP_BREAK,        /* EIP reached a breakpoint (before executing it) */
    CPU_STOP_WATCH,        /* an instruction touched a watched address (after it completed) */
} cpu_stop;

#define CPU_MAX_BREAKPOINTS 64
#define CPU_MAX_WATCHPOINTS 16
enum { CPU_WATCH_WRITE = 1, CPU_WATCH_READ = 2, CPU_WATCH_ACCESS = 3 };
typedef struct cpu_watch {
    uint32_t lin, len;
    int kind;
} cpu_watch;

/* Instruction-cost classes (COST_*, cpu_cost_class): one cost table entry each (virtual time). */
#include "cpu/cost_class.h"

struct cpu_insn;
struct cpu_code_page;

#define CPU_TLB_SIZE 256
typedef struct cpu_tlb_entry {
    uint32_t tag;        /* linear page number, or CPU_TLB_INVALID */
    uint32_t global;     /* a CR4.PGE global page: survives CR3 writes */
    uintptr_t addend;    /* host address = addend + linear address */
} cpu_tlb_entry;
#define CPU_TLB_INVALID 0xFFFFFFFFu

typedef struct cpu {
    /* ---- architectural state (public: read by emu/, tests and debuggers) ---- */
    uint32_t regs[8];
    uint32_t eip;
    uint32_t eflags_rest;     /* non-arithmetic EFLAGS bits; use cpu_get_eflags() for the whole */
    cpu_seg seg[S_COUNT];
    cpu_dtr gdtr, idtr;
    uint32_t cr0, cr2, cr3, cr4;
    uint64_t efer;
    uint64_t tsc_offset;
    uint64_t cycles;          /* virtual time */
    uint64_t icount;          /* retired instructions */
    bool halted;
    bool shutdown;
    uint64_t cost[COST_CLASS_COUNT];

    cpu_bus bus;

    /* ---- internal ---- */
    uint32_t eip_next;
    uint32_t lf_res, lf_dst, lf_src;   /* lazy flags: result and operands of the last ALU op */
    uint32_t lf_op;                     /* lazy-flag operation kind; 0 = arith flags are in lf_flags */
    uint32_t lf_flags;                  /* materialised arithmetic flags when lf_op == 0 */
    uint32_t lf_cf_in;                  /* carry before INC/DEC, ADC/SBB */
    uint8_t lf_size;                    /* operand size of the lazy operation: 1, 2 or 4 */
    uint8_t seg_flat[S_COUNT];          /* segment is flat 4 GiB and usable: no limit checks */
    uint8_t seg_fast[S_COUNT];          /* seg_flat and no watchpoint set: the inline TLB path applies */
    int exc_vector;                     /* the exception being raised (cpu_raise -> run loop) */
    uint32_t exc_error;
    bool exc_has_error;
    uint32_t insn_esp;                  /* ESP to restore on a fault when esp_rollback is set */
    bool esp_rollback;
    int delivering;                     /* vector being delivered, -1 if none (double faults) */
    uint64_t dr[8];
    uint64_t msr_sysenter[3];
    uint64_t exc_cr2;                   /* faulting address of a #PF being raised */
    uint32_t deliver_info;              /* EVENTINJ-format word of the event being delivered */
    uint32_t deliver_error;
    /* debugging: breakpoints on EIP, watchpoints on linear addresses */
    uint32_t bp_addr[CPU_MAX_BREAKPOINTS];
    int bp_count;
    bool bp_skip;                       /* resume over the breakpoint at bp_skip_eip once */
    uint32_t bp_skip_eip;
    cpu_watch watch[CPU_MAX_WATCHPOINTS];
    int watch_count;
    bool watch_hit;
    uint32_t watch_hit_addr;
    int watch_hit_kind;
    bool trace_walks;                   /* emit CPU_EV_PAGE_WALK for every walk (high volume) */
    bool guest_mode;                    /* running an SVM guest */
    bool gif;                           /* SVM global interrupt flag */
    struct cpu_svm *svm;                /* the rest of the SVM state (cpu/svm.c) */
    uint64_t deadline;                  /* cpu_run leaves its loop when cycles reach this */
    uint64_t run_limit;
    bool stop_requested;
    bool intr_line;                     /* an external interrupt may be pending */
    uint8_t inhibit_irq;                /* STI / MOV SS shadow: 1 = one more instruction */
    int cpl;
    bool seg_checks;                    /* a data segment is not flat: check limits */
    int exc_depth;                      /* nesting of exception delivery (for #DF / triple fault) */
    jmp_buf exc_jmp;
    cpu_tlb_entry tlb[2][2][CPU_TLB_SIZE];  /* [user][write] */
    uint16_t tlb_used[4 * CPU_TLB_SIZE];     /* entries filled since the last full flush (flat index) */
    uint32_t tlb_used_count;                 /* so a flush touches only those: world switches are frequent */
    /* decoded-instruction cache */
    struct cpu_code_page **code_pages;  /* indexed by physical page number; NULL if none */
    uint32_t code_page_count;
    uint32_t code_pages_live;
    uint32_t fetch_lin_page;            /* linear page of the cached fetch translation */
    struct cpu_code_page *fetch_page;
    const struct cpu_code_page *dispatch_page;  /* the page the dispatch chain runs (cpu/dispatch.h) */
    uint32_t dispatch_eip_base;         /* EIP of its first byte */
    void (*slow_handler)(struct cpu *, const struct cpu_insn *);  /* see dispatch_slow */
    uint32_t fetch_phys_page;
} cpu;

/* Lifecycle. cpu_init zeroes the state and sets the Multiboot entry state (flat protected mode). */
void cpu_init(cpu *c, const cpu_bus *bus);
void cpu_free(cpu *c);
void cpu_reset_flat32(cpu *c);         /* CR0.PE=1, flat 4 GiB CS/DS/ES/SS/FS/GS, IF=0 */

/* Run until the cycle counter reaches `cycle_limit`, HLT, or shutdown. */
cpu_stop cpu_run(cpu *c, uint64_t cycle_limit);
/* Execute exactly one instruction (or deliver one pending event). */
cpu_stop cpu_step(cpu *c);
/* Ask a running cpu_run to return at the next instruction boundary (safe from bus callbacks). */
void cpu_request_stop(cpu *c);
/* A device raised or changed an interrupt line: re-check at the next instruction boundary. */
void cpu_interrupt_changed(cpu *c);

uint32_t cpu_get_eflags(cpu *c);
void cpu_set_eflags(cpu *c, uint32_t value);

/* Snapshots: the CPU state (and the TLB/decoded-code layout that decides timing) as an explicit
 * little-endian blob. save(c, NULL, 0) returns the size; load returns false on a malformed blob. */
size_t cpu_snapshot_save(cpu *c, uint8_t *buf, size_t cap);
bool cpu_snapshot_load(cpu *c, const uint8_t *buf, size_t len);
/* Validate a blob for c without changing c, and hand back the cost table it carries (so the
 * caller can range-check it before anything is restored). */
bool cpu_snapshot_check(cpu *c, const uint8_t *buf, size_t len, uint64_t cost[COST_CLASS_COUNT]);

/* Host-side writes to guest RAM (loader, debugger) must invalidate decoded code. */
void cpu_invalidate_phys(cpu *c, uint32_t paddr, uint32_t len);
void cpu_flush_tlb(cpu *c);

/* One page walk, step by step: the single walk used by the CPU, the debugger and Lua. With nested
 * paging (an SVM guest with NP_ENABLE) it is the two-dimensional walk: every guest-physical address
 * the guest walk uses (its PDE, its PTE, the final address) is itself translated through the nested
 * tables, and every memory reference of both dimensions is a step, in the order the CPU makes them. */
typedef struct cpu_walk_step {
    int level;            /* 2 = page directory, 1 = page table */
    bool nested;          /* a nested-table (NPT) reference */
    uint32_t gpa;         /* nested steps: the guest-physical address being translated */
    uint32_t entry_addr;  /* physical address of the entry read */
    uint32_t value;       /* the entry as read (before A/D updates) */
} cpu_walk_step;

#define CPU_WALK_MAX_STEPS 12
typedef struct cpu_walk {
    bool paging;          /* guest (or host) CR0.PG was set: otherwise linear == (guest-)physical */
    bool nested;          /* a nested-paging walk */
    int step_count;
    cpu_walk_step steps[CPU_WALK_MAX_STEPS];
    bool ok;
    bool large;           /* a 4 MiB page */
    uint32_t gpa;         /* guest-physical result (== paddr without nested paging) */
    uint32_t paddr;       /* host-physical result */
    uint32_t error_code;  /* #PF error code when !ok and !npf */
    bool npf;             /* failed in the nested dimension: a #NPF */
    uint64_t npf_info1;   /* EXITINFO1 of that #NPF */
    uint32_t npf_gpa;     /* EXITINFO2: the guest-physical address */
} cpu_walk;

enum { CPU_ACCESS_READ = 0, CPU_ACCESS_WRITE = 1, CPU_ACCESS_EXEC = 2 };
/* Translate without side effects (no A/D updates, no TLB fill): for debuggers and labs. */
bool cpu_translate(cpu *c, uint32_t lin, int access, bool user, cpu_walk *out);

/* Debugging. Breakpoints compare EIP before an instruction runs; watchpoints compare linear
 * addresses of data accesses and stop after the instruction. Both cost nothing when none is set. */
bool cpu_add_breakpoint(cpu *c, uint32_t eip);
bool cpu_remove_breakpoint(cpu *c, uint32_t eip);
bool cpu_add_watchpoint(cpu *c, uint32_t lin, uint32_t len, int kind);
bool cpu_remove_watchpoint(cpu *c, uint32_t lin, uint32_t len, int kind);

/* Translate with the paging state of a guest that is not running (its VMCB): the 2-D walk a
 * debugger or lab wants to show. vmcb is the guest's VMCB physical address. */
bool cpu_translate_vmcb(cpu *c, uint32_t vmcb, uint32_t lin, int access, cpu_walk *out);

/* SVM (the AMD-V subset cpu/README.md describes). */
bool cpu_in_guest(const cpu *c);
uint32_t cpu_vmcb(const cpu *c);           /* VMCB of the running (or last) guest, 0 if none */
const char *cpu_svm_check_name(int check); /* the consistency check that failed a VMRUN */
uint32_t cpu_guest_asid(const cpu *c);
const char *cpu_svm_exit_name(uint64_t exitcode);

/* Instruction length decoder over raw bytes (32-bit code segment). Returns the length in bytes
 * (1..15) of a supported instruction, or 0 if the encoding raises #UD in vx86 (or is longer
 * than 15 bytes / runs past `avail`). */
int cpu_insn_length(const uint8_t *bytes, size_t avail);

/* The opcode table, one row per supported encoding (cpu/opcodes.def): for docs, tests, disassembly. */
typedef struct cpu_opcode_info {
    uint16_t opcode;    /* 0x00-0xFF one byte, 0x0F00-0x0FFF two bytes */
    int8_t group_reg;   /* ModRM.reg for group opcodes, -1 otherwise */
    int8_t mod_req;     /* -1 any, 3 register-only, 0 memory-only (mod != 3) */
    const char *mnemonic;
    uint32_t flags;     /* CPU_OPF_* */
} cpu_opcode_info;
#define CPU_OPF_MODRM   0x0001u
#define CPU_OPF_IMM8    0x0002u
#define CPU_OPF_IMM16   0x0004u
#define CPU_OPF_IMMZ    0x0008u   /* 16 or 32 bits by operand size */
#define CPU_OPF_MOFFS   0x0010u   /* 16 or 32 bits by address size */
#define CPU_OPF_FAR     0x0020u   /* ptr16:16/32 */
#define CPU_OPF_BYTE    0x0040u   /* 8-bit operand */
#define CPU_OPF_PRIV    0x0080u   /* CPL 0 only */
#define CPU_OPF_ALU     0x0100u   /* covered by the host-oracle ALU tests */
#define CPU_OPF_FORCEREG 0x0200u  /* ModRM.mod is ignored and taken as 3 (MOV to/from CR/DR) */
const cpu_opcode_info *cpu_opcode_table(size_t *count);

#endif
