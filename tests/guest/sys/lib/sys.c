/* The sys library: descriptor tables, the trap dispatcher, paging, PIC and PIT helpers.
 * Layouts and bit meanings follow the Intel SDM Vol. 3 (§3.4.5 segment descriptors, §6.11 IDT
 * gates, §7.2.1 the 32-bit TSS, §4.3 32-bit paging) and the 8259A/8254 data sheets. */
#include "sys.h"

volatile uint32_t sys_resume_eip;
volatile uint32_t sys_probe_eip;
volatile struct sys_fault sys_last;

extern uint8_t sys_stubs[];                 /* 256 stubs of 16 bytes (stubs.S) */
__attribute__((noreturn)) void sys_resume_kernel(uint32_t value);
void sys_trap(struct sys_frame *f);

static uint64_t gdt[GDT_SLOTS];
static uint64_t idt[256];
static sys_handler handlers[256];

/* 32-bit TSS (104 bytes) followed by the I/O permission bitmap and the all-ones byte the SDM
 * requires after it (§20.5.2). */
struct tss {
    uint32_t link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
    uint32_t eax, ecx, edx, ebx, esp, ebp, esi, edi;
    uint32_t es, cs, ss, ds, fs, gs, ldt;
    uint16_t trap, iomap_base;
    uint8_t iomap[8192];
    uint8_t iomap_end;
} __attribute__((packed));
static struct tss tss __attribute__((aligned(128)));
static uint8_t ring0_stack[16384] __attribute__((aligned(16)));

struct __attribute__((packed)) table_reg {
    uint16_t limit;
    uint32_t base;
};

static uint64_t make_desc(uint32_t base, uint32_t limit, uint8_t access, uint8_t flags)
{
    return (uint64_t)(limit & 0xFFFF) | ((uint64_t)(base & 0xFFFFFF) << 16) |
           ((uint64_t)access << 40) | ((uint64_t)((limit >> 16) & 0xF) << 48) |
           ((uint64_t)(flags & 0xF) << 52) | ((uint64_t)(base >> 24) << 56);
}

void sys_gdt_set(int index, uint32_t base, uint32_t limit, uint8_t access)
{
    if (limit >= (1u << 20))
        gdt[index] = make_desc(base, limit >> 12, access, 0xC);    /* G=1, D/B=1 */
    else
        gdt[index] = make_desc(base, limit, access, 0x4);
}

void sys_set_gate(int vector, uint8_t type_attr)
{
    uint32_t off = (uint32_t)(uintptr_t)&sys_stubs[vector * 16];
    idt[vector] = (uint64_t)(off & 0xFFFF) | ((uint64_t)SEL_KCODE << 16) |
                  ((uint64_t)type_attr << 40) | ((uint64_t)(off >> 16) << 48);
}

void sys_set_handler(int vector, sys_handler h)
{
    handlers[vector] = h;
}

void sys_iomap_set(uint16_t port, bool allowed)
{
    if (allowed)
        tss.iomap[port / 8] &= (uint8_t)~(1u << (port % 8));
    else
        tss.iomap[port / 8] |= (uint8_t)(1u << (port % 8));
}

void sys_iomap_fill(bool allowed)
{
    memset(tss.iomap, allowed ? 0x00 : 0xFF, sizeof tss.iomap);
}

void sys_init(void)
{
    gdt[0] = 0;
    gdt[1] = make_desc(0, 0xFFFFF, ACC_CODE_R, 0xC);
    gdt[2] = make_desc(0, 0xFFFFF, ACC_DATA_W, 0xC);
    gdt[3] = make_desc(0, 0xFFFFF, ACC_CODE_R | ACC_DPL(3), 0xC);
    gdt[4] = make_desc(0, 0xFFFFF, ACC_DATA_W | ACC_DPL(3), 0xC);
    /* Available 32-bit TSS (type 9), limit covering the bitmap and its terminator. */
    gdt[5] = make_desc((uint32_t)(uintptr_t)&tss, sizeof tss - 1, SEG_P | SEG_TYPE_TSS32, 0x0);
    for (int i = GDT_FIRST_SPARE; i < GDT_SLOTS; i++)
        gdt[i] = 0;

    memset(&tss, 0, sizeof tss);
    tss.ss0 = SEL_KDATA;
    tss.esp0 = (uint32_t)(uintptr_t)(ring0_stack + sizeof ring0_stack);
    tss.iomap_base = (uint16_t)__builtin_offsetof(struct tss, iomap);
    sys_iomap_fill(false);
    tss.iomap_end = 0xFF;

    for (int v = 0; v < 256; v++) {
        sys_set_gate(v, SEG_P | SEG_TYPE_INTGATE32);   /* DPL0 */
        handlers[v] = NULL;
    }
    sys_set_gate(VEC_SYSCALL, SEG_P | SEG_DPL(3) | SEG_TYPE_INTGATE32);   /* ring 3 may `int 0x80` */

    struct table_reg gdtr = { sizeof gdt - 1, (uint32_t)(uintptr_t)gdt };
    struct table_reg idtr = { sizeof idt - 1, (uint32_t)(uintptr_t)idt };
    __asm__ volatile("lgdt %0\n\t"
                     "ljmp %1, $1f\n"
                     "1:\tmovw %w2, %%ds\n\t"
                     "movw %w2, %%es\n\t"
                     "movw %w2, %%fs\n\t"
                     "movw %w2, %%gs\n\t"
                     "movw %w2, %%ss\n\t"
                     "lidt %3\n\t"
                     "ltr %w4"
                     : : "m"(gdtr), "i"(SEL_KCODE), "r"(SEL_KDATA), "m"(idtr), "r"(SEL_TSS)
                     : "memory");
    /* Firmware leaves the PIC at the BIOS vectors (IRQ0 on vector 8, where #DF lives) and the
     * PIT running: move it out of the exception range and mask everything. */
    sys_pic_remap();
}

void sys_tss_limit(uint32_t limit)
{
    /* LTR marks the descriptor busy and refuses a busy one: write it back as available. */
    gdt[5] = make_desc((uint32_t)(uintptr_t)&tss, limit, SEG_P | SEG_TYPE_TSS32, 0x0);
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS) : "memory");
}

const char *sys_vector_name(int vector)
{
    const char *name = vector >= 0 ? x86_exception_name((unsigned)vector) : NULL;
    return name ? name : "int";
}

void sys_print_fault(void)
{
    if (sys_last.vector == VEC_NONE)
        printf("ok");
    else if (sys_last.vector >= 0 && x86_exception_name((unsigned)sys_last.vector))
        printf("%s(0x%04x)", sys_vector_name(sys_last.vector), (unsigned)sys_last.error);
    else
        printf("vector %#x", (unsigned)sys_last.vector);
}

void sys_trap(struct sys_frame *f)
{
    if (handlers[f->vector] != NULL) {
        handlers[f->vector](f);
        return;
    }
    if (f->vector == VEC_SYSCALL && (f->cs & 3) == 3)
        sys_resume_kernel(f->eax);
    if (sys_resume_eip != 0) {
        sys_last.vector = (int)f->vector;
        sys_last.error = f->error;
        sys_last.eip = f->eip;
        sys_last.cs = f->cs;
        sys_last.cr2 = f->vector == EXC_PF ? read_cr2() : 0;
        f->eip = sys_resume_eip;
        sys_resume_eip = 0;
        return;
    }
    printf("unexpected vector %u error %#x at %#x:%#x cr2 %#x\n", (unsigned)f->vector,
           (unsigned)f->error, (unsigned)f->cs & 0xFFFF, (unsigned)f->eip, (unsigned)read_cr2());
    vx_exit(0x7e);
}

/* ---- paging ---- */

uint32_t sys_page_dir[1024] __attribute__((aligned(4096)));
static uint32_t low_table[1024] __attribute__((aligned(4096)));
static uint32_t test_table[1024] __attribute__((aligned(4096)));
uint8_t sys_frames[SYS_FRAMES][4096] __attribute__((aligned(4096)));

void sys_paging_on(void)
{
    for (uint32_t i = 0; i < 1024; i++) {
        low_table[i] = (i << 12) | PTE_P | PTE_W | PTE_U;
        test_table[i] = 0;
        sys_page_dir[i] = 0;
    }
    sys_page_dir[0] = (uint32_t)(uintptr_t)low_table | PTE_P | PTE_W | PTE_U;
    for (uint32_t i = 1; i < 16; i++)
        sys_page_dir[i] = (i << 22) | PTE_PS | PTE_P | PTE_W | PTE_U;
    sys_page_dir[PDX(TEST_VA)] = (uint32_t)(uintptr_t)test_table | PTE_P | PTE_W | PTE_U;
    write_cr4(read_cr4() | CR4_PSE);
    write_cr3((uint32_t)(uintptr_t)sys_page_dir);
    write_cr0(read_cr0() | CR0_PG);
}

uint32_t *sys_pde(uint32_t va)
{
    return &sys_page_dir[PDX(va)];
}

uint32_t *sys_pte(uint32_t va)
{
    uint32_t *table = PDX(va) == 0 ? low_table : test_table;
    return &table[PTX(va)];
}

void sys_map(uint32_t va, uint32_t pa, uint32_t flags)
{
    *sys_pte(va) = (pa & ~0xFFFu) | flags;
    invlpg(va);
}

/* ---- PIC and PIT ---- */

/* Ports and command words: devices/pic_abi.h, devices/pit_abi.h. */
#define PIC1_CMD PIC_MASTER_CMD
#define PIC1_DATA PIC_MASTER_DATA
#define PIC2_CMD PIC_SLAVE_CMD
#define PIC2_DATA PIC_SLAVE_DATA

void sys_pic_remap(void)
{
    outb(PIC1_CMD, ICW1_INIT | ICW1_ICW4);   /* ICW1: edge, cascade, ICW4 follows */
    outb(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
    outb(PIC1_DATA, PIC1_BASE);     /* ICW2: vector base */
    outb(PIC2_DATA, PIC2_BASE);
    outb(PIC1_DATA, 1u << PIC_CASCADE_IRQ);  /* ICW3: slave on IRQ2 */
    outb(PIC2_DATA, PIC_CASCADE_IRQ);        /* ICW3: slave identity 2 */
    outb(PIC1_DATA, ICW4_8086);              /* ICW4: 8086 mode, normal EOI */
    outb(PIC2_DATA, ICW4_8086);
    sys_pic_mask(0xFFFF);
}

void sys_pic_mask(uint16_t mask)
{
    outb(PIC1_DATA, (uint8_t)mask);
    outb(PIC2_DATA, (uint8_t)(mask >> 8));
}

uint8_t sys_pic_isr(int chip)
{
    uint16_t port = chip ? PIC2_CMD : PIC1_CMD;
    outb(port, OCW3_READ_ISR);      /* the next read returns the ISR */
    return inb(port);
}

uint8_t sys_pic_irr(int chip)
{
    uint16_t port = chip ? PIC2_CMD : PIC1_CMD;
    outb(port, OCW3_READ_IRR);      /* the next read returns the IRR */
    return inb(port);
}

void sys_pic_eoi(int irq)
{
    if (irq >= 8)
        outb(PIC2_CMD, OCW2_EOI);
    outb(PIC1_CMD, OCW2_EOI);
}

void sys_pit_periodic(uint16_t divisor)
{
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_RW_LOHI | PIT_MODE_RATE);   /* binary */
    outb(PIT_CH0, (uint8_t)divisor);
    outb(PIT_CH0, (uint8_t)(divisor >> 8));
}

uint16_t sys_pit_read(void)
{
    outb(PIT_CMD, PIT_SEL_CH0 | PIT_RW_LATCH);   /* counter latch, channel 0 */
    uint8_t lo = inb(PIT_CH0);
    uint8_t hi = inb(PIT_CH0);
    return (uint16_t)(lo | hi << 8);
}
