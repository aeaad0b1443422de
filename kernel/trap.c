/* trap.c: descriptor tables (GDT with a TSS, IDT), the 8259A PIC pair and the PIT, and the
 * one C entry for every exception, interrupt and system call.
 *
 * The kernel runs with interrupts off except inside system calls and the idle loop, and is not
 * preempted: a timer tick only asks for a reschedule, which happens on the way back to user
 * mode (xv6 preempts in the kernel too; not preempting keeps every kernel path simple). */
#include "kernel/kernel.h"
#include "kernel/proc.h"
#include "kernel/syscall.h"
#include "kernel/vm.h"
#include "kernel/uapi/signal.h"

#define T_IRQ0    32
#define T_SYSCALL 0x80
#define IRQ_TIMER 0
#define IRQ_KBD   1
#define IRQ_SLAVE 2
#define IRQ_COM1  4
#define IRQ_SPURIOUS_MASTER 7
#define IRQ_SPURIOUS_SLAVE 15
#define PIC1 0x20
#define PIC2 0xA0
#define PIC_EOI 0x20
#define PIT_CH0 0x40
#define PIT_CMD 0x43
#define PIT_HZ  1193182

struct segdesc { uint16_t lim0, base0; uint8_t base1, access, flags_lim1, base2; };
struct gatedesc { uint16_t off0, sel; uint8_t zero, type_attr; uint16_t off1; };
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap;
};

static struct segdesc gdt[6];
static struct gatedesc idt[256];
static struct tss tss;
extern uint32_t vectors[48], vector_syscall;
void trap(struct trapframe *tf);

/* A flat 4 GiB segment (granularity 4 KiB, 32-bit) or a byte-granular system segment. */
static struct segdesc seg(uint32_t base, uint32_t limit, uint8_t access, int flat)
{
    struct segdesc d;
    if (flat)
        limit >>= 12;
    d.lim0 = limit & 0xFFFF;
    d.base0 = base & 0xFFFF;
    d.base1 = (base >> 16) & 0xFF;
    d.access = access;
    d.flags_lim1 = (uint8_t)(((limit >> 16) & 0xF) | (flat ? 0xC0 : 0x00));   /* G | D/B */
    d.base2 = base >> 24;
    return d;
}

static void set_gate(int v, uint32_t handler, int dpl)
{
    idt[v].off0 = handler & 0xFFFF;
    idt[v].sel = KCODE_SEL;
    idt[v].zero = 0;
    idt[v].type_attr = SEG_P | SEG_DPL(dpl) | SEG_TYPE_INTGATE32;
    idt[v].off1 = handler >> 16;
}

void tss_set_kstack(uint32_t esp0) { tss.esp0 = esp0; }

static void pic_init(void)
{
    outb(PIC1, 0x11); outb(PIC2, 0x11);               /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC1 + 1, T_IRQ0); outb(PIC2 + 1, T_IRQ0 + 8); /* ICW2: vector bases */
    outb(PIC1 + 1, 1 << IRQ_SLAVE); outb(PIC2 + 1, IRQ_SLAVE);   /* ICW3: cascade wiring */
    outb(PIC1 + 1, 0x01); outb(PIC2 + 1, 0x01);       /* ICW4: 8086 mode */
    outb(PIC1 + 1, (uint8_t)~((1 << IRQ_TIMER) | (1 << IRQ_KBD) | (1 << IRQ_SLAVE) | (1 << IRQ_COM1)));
    outb(PIC2 + 1, 0xFF);
}

static uint32_t pit_divisor;

static void pit_init(uint32_t ticks_per_second)
{
    uint32_t div = PIT_HZ / ticks_per_second;
    pit_divisor = div;
    outb(PIT_CMD, 0x34);                               /* channel 0, lo/hi byte, mode 2 */
    outb(PIT_CH0, div & 0xFF);
    outb(PIT_CH0, (div >> 8) & 0xFF);
}

/* Nanoseconds since the last timer tick: latch channel 0 and read its count (it counts down
 * from the divisor, 8254 datasheet, counter latch command). */
uint32_t pit_ns_since_tick(void)
{
    outb(PIT_CMD, 0x00);
    uint32_t count = inb(PIT_CH0);
    count |= (uint32_t)inb(PIT_CH0) << 8;
    if (count == 0 || count > pit_divisor)
        count = pit_divisor;
    return (uint32_t)((uint64_t)(pit_divisor - count) * 1000000000ull / PIT_HZ);
}

void trap_init(void)
{
    uint8_t code = SEG_P | SEG_S | SEG_CODE | SEG_RW, data = SEG_P | SEG_S | SEG_RW;
    gdt[SEG_KCODE] = seg(0, 0xFFFFFFFF, code | SEG_DPL(0), 1);
    gdt[SEG_KDATA] = seg(0, 0xFFFFFFFF, data | SEG_DPL(0), 1);
    gdt[SEG_UCODE] = seg(0, 0xFFFFFFFF, code | SEG_DPL(3), 1);
    gdt[SEG_UDATA] = seg(0, 0xFFFFFFFF, data | SEG_DPL(3), 1);
    gdt[SEG_TSS] = seg((uint32_t)&tss, sizeof tss - 1, SEG_P | SEG_TYPE_TSS32, 0);
    tss.ss0 = KDATA_SEL;
    tss.iomap = sizeof tss;                            /* no I/O bitmap: user IN/OUT is #GP */
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) gdtr = { sizeof gdt - 1, (uint32_t)gdt };
    __asm__ volatile("lgdt %0" : : "m"(gdtr));
    __asm__ volatile("ljmp %0, $1f\n1:" : : "i"(KCODE_SEL));
    __asm__ volatile("movw %w0, %%ds; movw %w0, %%es; movw %w0, %%ss; movw %w0, %%fs; movw %w0, %%gs"
                     : : "r"(KDATA_SEL));
    __asm__ volatile("ltr %w0" : : "r"(SEG_TSS << 3));

    for (int v = 0; v < 48; v++)
        set_gate(v, vectors[v], 0);
    set_gate(T_SYSCALL, vector_syscall, 3);
    struct { uint16_t limit; uint32_t base; } __attribute__((packed)) idtr = { sizeof idt - 1, (uint32_t)idt };
    __asm__ volatile("lidt %0" : : "m"(idtr));
    pic_init();
    pit_init(hz);
}

static void eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2, PIC_EOI);
    outb(PIC1, PIC_EOI);
}

/* The signal a user-mode exception raises, as Linux's traps.c chooses. */
static int exception_signal(uint32_t trapno)
{
    switch (trapno) {
    case EXC_DE: return SIGFPE;
    case EXC_DB: case EXC_BP: return SIGTRAP;
    case EXC_UD: case EXC_NM: return SIGILL;
    case EXC_MF: case EXC_XF: return SIGFPE;
    case EXC_AC: return SIGBUS;
    default: return SIGSEGV;
    }
}

void trap(struct trapframe *tf)
{
    int from_user = (tf->cs & 3) == 3;
    struct proc *p = current;
    if (from_user)
        p->tf = tf;
    if (tf->trapno == T_SYSCALL) {
        sti();
        syscall_dispatch(tf);
        cli();
    } else if (tf->trapno >= T_IRQ0 && tf->trapno < T_IRQ0 + 16) {
        int irq = (int)tf->trapno - T_IRQ0;
        if (irq == IRQ_TIMER) {
            eoi(irq);
            sched_tick();
        } else if (irq == IRQ_COM1) {
            console_intr();
            eoi(irq);
        } else if (irq == IRQ_KBD) {
            console_kbd_intr();
            eoi(irq);
        } else if (irq != IRQ_SPURIOUS_MASTER && irq != IRQ_SPURIOUS_SLAVE) {
            eoi(irq);
        }
    } else if (tf->trapno == EXC_PF && from_user && vm_fault(p, rcr2(), tf->err) == 0) {
        /* demand-zero or copy-on-write page supplied */
    } else if (from_user) {
        klog("%s[%d]: %s at eip %x addr %x: signal %d\n", p->name, p->pid,
             x86_exception_name(tf->trapno), tf->eip, tf->trapno == EXC_PF ? rcr2() : 0,
             exception_signal(tf->trapno));
        signal_force(p, exception_signal(tf->trapno));
    } else {
        panic("%s (vector %u, error %x) in the kernel at eip %x, cr2 %x, task %d",
              x86_exception_name(tf->trapno) ? x86_exception_name(tf->trapno) : "interrupt",
              tf->trapno, tf->err, tf->eip, rcr2(), p->pid);
    }
    if (from_user) {
        if (need_resched)
            schedule();
        signal_deliver(tf);
    }
}
