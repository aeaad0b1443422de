/* The default fault handler: a program that takes an exception it did not plan for prints what
 * happened on COM1 and exits, instead of triple-faulting with no word.
 *
 *   guest fault: #PF at eip=0x100a3c cr2=0xdead0000 err=0x2
 *
 * then vx_exit(VX_EXIT_FAULT), which `vx86 run` reports as status (0x7e << 1) | 1 = 253.
 * A program may take a vector itself with vx_set_fault_handler (a demand-paging #PF handler,
 * say); a handler that returns false leaves the fault to this report.
 *
 * kernel_entry calls vx_fault_init before main. It loads a flat GDT of our own (the Multiboot
 * spec, section 3.2, says the loader's GDTR may be invalid, so an interrupt gate cannot trust
 * the loader's CS) and an IDT whose 32 exception gates lead to the stubs below. A program that
 * installs its own GDT and IDT (the system tests, the toy OS) simply replaces both.
 *
 * Sources: Intel SDM vol. 3A §6.11 (IDT descriptors), §6.12 (the stack frame an interrupt gate
 * pushes), table 6-1 (which vectors push an error code). */
#include "vxlib.h"

#include "arch/x86.h"

#define EXCEPTION_VECTORS 32
#define GDT_CODE_SEL      0x08   /* entry 1 of gdt[] */
#define GDT_DATA_SEL      0x10   /* entry 2 */

/* A segment or gate descriptor as two 32-bit words (SDM 3A figures 3-8 and 6-2). */
struct descriptor {
    uint32_t lo, hi;
};

/* Flat 4 GiB segments, base 0, 4 KiB granularity, 32-bit: bits 55 (G) and 54 (D/B) in hi. */
#define FLAT_HI(access) (0x000F0000u | ((uint32_t)(access) << 8) | (1u << 23) | (1u << 22))
static const struct descriptor gdt[3] = {
    { 0, 0 },
    { 0x0000FFFFu, FLAT_HI(SEG_P | SEG_S | SEG_CODE | SEG_RW) },
    { 0x0000FFFFu, FLAT_HI(SEG_P | SEG_S | SEG_RW) },
};
static struct descriptor idt[EXCEPTION_VECTORS];

/* LGDT/LIDT operand: 16-bit limit, 32-bit base. */
struct __attribute__((packed)) table_register {
    uint16_t limit;
    uint32_t base;
};

/* Vectors whose exception pushes an error code (SDM 3A table 6-1). */
#define HAS_ERROR(v) ((v) == EXC_DF || ((v) >= EXC_TS && (v) <= EXC_PF) || (v) == EXC_AC)

/* One stub per vector: push a dummy error code where the CPU pushes none, then the vector, and
 * join vx_fault_common. Each stub is 16 bytes apart so the table below is just stub0 + 16 * v. */
#define STUB_ERR(v) ".balign 16\n" "pushl $" #v "\n" "jmp vx_fault_common\n"
#define STUB_NOERR(v) ".balign 16\n" "pushl $0\n" "pushl $" #v "\n" "jmp vx_fault_common\n"
__asm__(".text\n"
        ".balign 16\n"
        ".globl vx_fault_stubs\n"
        "vx_fault_stubs:\n"
        STUB_NOERR(0) STUB_NOERR(1) STUB_NOERR(2) STUB_NOERR(3) STUB_NOERR(4) STUB_NOERR(5)
        STUB_NOERR(6) STUB_NOERR(7) STUB_ERR(8) STUB_NOERR(9) STUB_ERR(10) STUB_ERR(11)
        STUB_ERR(12) STUB_ERR(13) STUB_ERR(14) STUB_NOERR(15) STUB_NOERR(16) STUB_ERR(17)
        STUB_NOERR(18) STUB_NOERR(19) STUB_NOERR(20) STUB_NOERR(21) STUB_NOERR(22) STUB_NOERR(23)
        STUB_NOERR(24) STUB_NOERR(25) STUB_NOERR(26) STUB_NOERR(27) STUB_NOERR(28) STUB_NOERR(29)
        STUB_NOERR(30) STUB_NOERR(31)
        "vx_fault_common:\n"
        "pushal\n"
        "pushl %esp\n"                    /* vx_fault_dispatch(frame) */
        "call vx_fault_dispatch\n"        /* returns only when a handler took the fault */
        "addl $4, %esp\n"
        "popal\n"
        "addl $8, %esp\n"                 /* vector and error code */
        "iret\n");
#define STUB_BYTES 16
extern const char vx_fault_stubs[];

static vx_fault_fn handlers[EXCEPTION_VECTORS];

void vx_set_fault_handler(unsigned vector, vx_fault_fn fn)
{
    if (vector < EXCEPTION_VECTORS)
        handlers[vector] = fn;
}

void vx_fault_report(const struct vx_fault_frame *f)
{
    static bool reporting;
    if (reporting)   /* a fault while reporting one: do not loop, just stop */
        vx_exit(VX_EXIT_FAULT);
    reporting = true;

    const char *name = x86_exception_name(f->vector);
    char vec[16];
    if (name == NULL) {
        snprintf(vec, sizeof vec, "vector %u", (unsigned)f->vector);
        name = vec;
    }
    printf("guest fault: %s at eip=%#x", name, (unsigned)f->eip);
    if (f->vector == EXC_PF)
        printf(" cr2=%#x", (unsigned)vx_read_cr2());
    if (HAS_ERROR(f->vector))
        printf(" err=%#x", (unsigned)f->error);
    putchar('\n');
    vx_exit(VX_EXIT_FAULT);
}

void vx_fault_dispatch(struct vx_fault_frame *f);
void vx_fault_dispatch(struct vx_fault_frame *f)
{
    vx_fault_fn fn = f->vector < EXCEPTION_VECTORS ? handlers[f->vector] : NULL;
    if (fn != NULL && fn(f))
        return;   /* handled: IRET resumes at f->eip (the faulting instruction, for a fault) */
    vx_fault_report(f);
}

void vx_fault_init(void)
{
    struct table_register gdtr = { sizeof gdt - 1, (uint32_t)(uintptr_t)gdt };
    /* Load the GDT, reload every data segment register, then CS with a far jump. */
    __asm__ volatile("lgdt %0\n"
                     "movw %1, %%ax\n"
                     "movw %%ax, %%ds\n"
                     "movw %%ax, %%es\n"
                     "movw %%ax, %%fs\n"
                     "movw %%ax, %%gs\n"
                     "movw %%ax, %%ss\n"
                     "ljmp %2, $1f\n"
                     "1:\n"
                     :
                     : "m"(gdtr), "i"(GDT_DATA_SEL), "i"(GDT_CODE_SEL)
                     : "eax", "memory");
    for (unsigned v = 0; v < EXCEPTION_VECTORS; v++) {
        uint32_t target = (uint32_t)(uintptr_t)(vx_fault_stubs + v * STUB_BYTES);
        /* 32-bit interrupt gate, DPL 0, present: handlers run with interrupts off. */
        idt[v].lo = (uint32_t)GDT_CODE_SEL << 16 | (target & 0xFFFFu);
        idt[v].hi = (target & 0xFFFF0000u) | (uint32_t)(SEG_P | SEG_DPL(0) | SEG_TYPE_INTGATE32) << 8;
    }
    struct table_register idtr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr) : "memory");
}
