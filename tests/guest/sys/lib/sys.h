/* sys: the small system library shared by the tests/guest/sys programs.
 *
 * It gives a program a GDT (ring-0 and ring-3 flat code/data, a TSS, spare slots for tests),
 * an IDT whose 256 stubs all land in one dispatcher, a way to run a function at ring 3 and come
 * back through an `int 0x80` gate, "probes" that run one instruction and report the fault it
 * raised instead of dying, paging helpers and PIC/PIT helpers.
 *
 * Faults: a probe stores the address after its instruction in sys_resume_eip; when a fault
 * arrives the dispatcher records it in sys_last and resumes there. A fault with no probe armed
 * and no handler installed prints what happened and ends the run with exit code 0x7e. */
#ifndef SYS_H
#define SYS_H

#include <stdint.h>
#include <stdbool.h>
#include "vxlib.h"
#include "vx/io.h"
#include "arch/x86.h"
#include "devices/pic_abi.h"
#include "devices/pit_abi.h"

/* ---- selectors ---- */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UCODE 0x1B      /* GDT slot 3, RPL 3 */
#define SEL_UDATA 0x23      /* GDT slot 4, RPL 3 */
#define SEL_TSS   0x28
#define GDT_FIRST_SPARE 6   /* slots 6 .. GDT_SLOTS-1 are free for tests */
#define GDT_SLOTS 16        /* the GDT limit is GDT_SLOTS * 8 - 1 */

/* Descriptor access bytes (P, DPL, S, type), from arch/x86.h's SEG_* bits. */
#define ACC_CODE_R  (SEG_P | SEG_S | SEG_CODE | SEG_RW)   /* present, DPL0, code, execute/read */
#define ACC_CODE_X  (SEG_P | SEG_S | SEG_CODE)            /* present, DPL0, code, execute-only */
#define ACC_DATA_W  (SEG_P | SEG_S | SEG_RW)              /* present, DPL0, data, read/write */
#define ACC_DATA_R  (SEG_P | SEG_S)                       /* present, DPL0, data, read-only */
#define ACC_DPL(n)  SEG_DPL(n)
#define ACC_PRESENT SEG_P

/* ---- exceptions: vectors are arch/x86.h's EXC_* ---- */
enum { VEC_SYSCALL = 0x80, VEC_NONE = -1 };

/* What the dispatcher pushed/saved, lowest address first. user_esp/user_ss exist only when the
 * interrupt came from ring 3. */
struct sys_frame {
    uint32_t gs, fs, es, ds;
    uint32_t edi, esi, ebp, esp_at_pusha, ebx, edx, ecx, eax;
    uint32_t vector, error;
    uint32_t eip, cs, eflags;
    uint32_t user_esp, user_ss;
};

struct sys_fault {
    int vector;             /* VEC_NONE if the probe ran without a fault */
    uint32_t error, eip, cs, cr2;
};

/* Read and written by ring-3 code too: every page the library maps is user-accessible. */
extern volatile uint32_t sys_resume_eip;    /* armed probe: where to resume after a fault */
extern volatile uint32_t sys_probe_eip;     /* address of the probed instruction */
extern volatile struct sys_fault sys_last;

typedef void (*sys_handler)(struct sys_frame *f);

/* GDT, TSS (ESP0 on a private stack, I/O bitmap all ones = every port denied), IDT, and the PIC
 * remapped to 0x20/0x28 with every IRQ masked: call first. */
void sys_init(void);
/* Route `vector` to `h` (NULL restores the default). The gate type is unchanged. */
void sys_set_handler(int vector, sys_handler h);
/* Rewrite IDT entry `vector`: handler stub of the same vector, `type_attr` e.g. 0x8E (DPL0
 * interrupt gate), 0xEE (DPL3 interrupt gate), 0x0E (not present). */
void sys_set_gate(int vector, uint8_t type_attr);
/* Set GDT slot `index` (GDT_FIRST_SPARE..): byte granularity if limit < 1 MiB else 4 KiB. */
void sys_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access);

/* Run fn(arg) at ring 3 with IOPL `iopl` and IF clear; returns fn's value (delivered by int 0x80). */
uint32_t sys_run_user(uint32_t (*fn)(uint32_t), uint32_t arg, int iopl);

/* TSS I/O permission bitmap: a set bit denies the port. */
void sys_iomap_set(uint16_t port, bool allowed);
void sys_iomap_fill(bool allowed);
/* Reload TR with the TSS limit set to `limit` bytes past its base (inclusive); 104 + 8192 is
 * the full bitmap, as sys_init sets it. */
void sys_tss_limit(uint32_t limit);

/* Print the last fault as "#GP(0x0010)" etc., or "ok" when none. */
void sys_print_fault(void);
/* "#GP" for 13 (arch/x86.h's x86_exception_name), "int" for other vectors. */
const char *sys_vector_name(int vector);
/* Did the last fault's EIP point at the probed instruction? */
static inline bool sys_fault_at_probe(void) { return sys_last.eip == sys_probe_eip; }

/* Run one instruction (asm text, may use operands %0..) and record the fault it raises, if any.
 * Usable at ring 0 and ring 3. Outputs/inputs/clobbers follow as in asm(). */
#define SYS_PROBE(insn, ...)                                                         \
    do {                                                                             \
        sys_last.vector = VEC_NONE;                                                  \
        __asm__ volatile("movl $1f, sys_resume_eip\n\t"                              \
                         "movl $0f, sys_probe_eip\n"                                 \
                         "0:\t" insn "\n"                                            \
                         "1:\tmovl $0, sys_resume_eip" __VA_ARGS__);                 \
    } while (0)

/* One probed 32-bit read or write (a fault is recorded in sys_last, then execution resumes
 * after the access). Usable at any ring. */
static inline uint32_t sys_probe_read32(uint32_t va)
{
    uint32_t v = 0;
    SYS_PROBE("movl (%1), %0", : "+r"(v) : "r"(va) : "memory");
    return v;
}

static inline void sys_probe_write32(uint32_t va, uint32_t value)
{
    SYS_PROBE("movl %1, (%0)", : : "r"(va), "r"(value) : "memory");
}

/* ---- control registers (bits: arch/x86.h) ---- */
static inline uint32_t read_cr0(void) { uint32_t v; __asm__ volatile("mov %%cr0, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr2(void) { uint32_t v; __asm__ volatile("mov %%cr2, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr3(void) { uint32_t v; __asm__ volatile("mov %%cr3, %0" : "=r"(v)); return v; }
static inline uint32_t read_cr4(void) { uint32_t v; __asm__ volatile("mov %%cr4, %0" : "=r"(v)); return v; }
static inline void write_cr0(uint32_t v) { __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory"); }
static inline void write_cr3(uint32_t v) { __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory"); }
static inline void write_cr4(uint32_t v) { __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory"); }
static inline void invlpg(uint32_t va) { __asm__ volatile("invlpg (%0)" : : "r"(va) : "memory"); }
static inline uint32_t read_eflags(void) { uint32_t v; __asm__ volatile("pushfl; popl %0" : "=r"(v)); return v; }

/* ---- paging ----
 * sys_paging_on: identity-maps 0..4 MiB with 4 KiB pages (one page table) and 4..64 MiB with
 * 4 MiB pages, all present, writable and user; enables CR4.PSE and CR0.PG (CR0.WP stays off).
 * Virtual TEST_VA .. TEST_VA + 4 MiB has its own page table, initially all not present; the
 * program maps TEST_VA pages onto sys_frames with sys_map. Entry bits: arch/x86.h's PTE_*. */
#define TEST_VA 0x40000000u
#define SYS_FRAMES 8
extern uint8_t sys_frames[SYS_FRAMES][4096];
extern uint32_t sys_page_dir[1024];
void sys_paging_on(void);
/* Pointer to the PTE mapping `va` (only for the two 4 KiB-mapped regions), or to its PDE. */
uint32_t *sys_pte(uint32_t va);
uint32_t *sys_pde(uint32_t va);
/* Map the 4 KiB page at `va` onto physical `pa` with `flags` (P/W/U/...), then INVLPG it. */
void sys_map(uint32_t va, uint32_t pa, uint32_t flags);

/* ---- 8259A PIC and 8254 PIT ---- */
#define PIC1_BASE 0x20      /* vectors of IRQ0-7 after sys_pic_remap */
#define PIC2_BASE 0x28
void sys_pic_remap(void);                   /* ICW1-4: master 0x20, slave 0x28, all masked */
void sys_pic_mask(uint16_t mask);           /* bit n masks IRQ n (slave in the high byte) */
uint8_t sys_pic_isr(int chip);              /* OCW3 read ISR of chip 0 (master) or 1 (slave) */
uint8_t sys_pic_irr(int chip);
void sys_pic_eoi(int irq);                  /* non-specific EOI (and to the master for IRQ8+) */
void sys_pit_periodic(uint16_t divisor);    /* channel 0, mode 2, lobyte/hibyte */
uint16_t sys_pit_read(void);                /* latch and read channel 0's count */

/* "yes"/"no" for printing properties. */
static inline const char *yn(bool b) { return b ? "yes" : "no"; }

#endif
