/* Privilege levels and segment protection (SDM Vol. 3 ch. 5, §6.12, §6.13):
 * ring 3 entered by IRET and left by `int 0x80` through a DPL-3 gate; the TSS ring-0 stack;
 * #GP(0) for privileged instructions at CPL 3; the error codes of segment loads with bad
 * selectors (#GP/#NP/#SS with the selector); INT n through a DPL-0 or not-present gate. */
#include "lib/sys.h"

/* Spare GDT slots this program fills in. */
#define SEL_DATA_NP   0x30      /* data, not present */
#define SEL_CODE_XO   0x38      /* code, execute-only */
#define SEL_DATA_RO   0x40      /* data, read-only */
#define SEL_DATA_DPL3 0x48      /* data, read/write, DPL 3 */
#define SEL_CODE_RX   0x50      /* code, readable */
#define SEL_CODE_NP   0x58      /* code, not present */
#define SEL_DATA_4K   0x60      /* data, read/write, limit 0xfff */
#define SEL_BEYOND    0x80      /* first selector past the GDT limit */

static void line(const char *what)
{
    printf("%-46s ", what);
    sys_print_fault();
    if (sys_last.vector != VEC_NONE && !sys_fault_at_probe())
        printf(" eip=WRONG");
    putchar('\n');
}

/* For a probe of two instructions (load a segment, then use it) where the second one faults.
 * QEMU checks neither data-segment limits nor the type or null-ness of a segment on use, so
 * these lines carry the "sdm-only:" tag that run.sh drops when comparing with QEMU. */
static void use_line(const char *what)
{
    printf("sdm-only: %-36s ", what);
    sys_print_fault();
    putchar('\n');
}

/* ---- loads at ring 0: each probe restores DS/ES/SS itself when the load succeeds ---- */
static void load_ds(const char *what, uint16_t sel)
{
    SYS_PROBE("movw %w0, %%ds\n\tmovw %w1, %%ds", : : "r"(sel), "r"(SEL_KDATA) : "memory");
    line(what);
}

static void load_ss(const char *what, uint16_t sel)
{
    SYS_PROBE("movw %w0, %%ss\n\tmovw %w1, %%ss", : : "r"(sel), "r"(SEL_KDATA) : "memory");
    line(what);
}

/* ---- ring 3 bodies: they only record (printing needs port I/O, which ring 3 lacks) ---- */
static uint32_t u_cpl(uint32_t unused)
{
    (void)unused;
    uint32_t cs, ss;
    __asm__ volatile("movl %%cs, %0\n\tmovl %%ss, %1" : "=r"(cs), "=r"(ss));
    return (cs & 0xFFFF) | (ss & 0xFFFF) << 16;
}

static uint32_t u_hlt(uint32_t a) { (void)a; SYS_PROBE("hlt", ); return 0; }
static uint32_t u_cli(uint32_t a) { (void)a; SYS_PROBE("cli", ); return 0; }
static uint32_t u_sti(uint32_t a) { (void)a; SYS_PROBE("sti", ); return 0; }
static uint32_t u_read_cr0(uint32_t a) { (void)a; SYS_PROBE("movl %%cr0, %%eax", : : : "eax"); return 0; }
static uint32_t u_write_cr3(uint32_t a) { (void)a; SYS_PROBE("movl %%eax, %%cr3", : : "a"(0) : "memory"); return 0; }
static uint32_t u_lgdt(uint32_t a) { (void)a; static uint8_t d[6]; SYS_PROBE("lgdt %0", : : "m"(d)); return 0; }
static uint32_t u_lidt(uint32_t a) { (void)a; static uint8_t d[6]; SYS_PROBE("lidt %0", : : "m"(d)); return 0; }
static uint32_t u_ltr(uint32_t a) { (void)a; SYS_PROBE("ltr %w0", : : "r"(SEL_TSS)); return 0; }
static uint32_t u_lldt(uint32_t a) { (void)a; SYS_PROBE("lldt %w0", : : "r"(0)); return 0; }
static uint32_t u_invlpg(uint32_t a) { (void)a; SYS_PROBE("invlpg (%0)", : : "r"(0x1000) : "memory"); return 0; }
static uint32_t u_rdmsr(uint32_t a) { (void)a; SYS_PROBE("rdmsr", : : "c"(0x10) : "eax", "edx"); return 0; }
static uint32_t u_inb(uint32_t a) { (void)a; SYS_PROBE("inb $0x80, %%al", : : : "eax"); return 0; }
static uint32_t u_outb(uint32_t a) { (void)a; SYS_PROBE("outb %%al, $0x80", : : "a"(0)); return 0; }
static uint32_t u_insb(uint32_t a)
{
    (void)a;
    static uint8_t buf[4];
    SYS_PROBE("insb", : : "D"(buf), "d"(0x80) : "memory");
    return 0;
}
static uint32_t u_int40(uint32_t a) { (void)a; SYS_PROBE("int $0x40", ); return 0; }
static uint32_t u_int31(uint32_t a) { (void)a; SYS_PROBE("int $0x31", ); return 0; }
static uint32_t u_int81(uint32_t a) { (void)a; SYS_PROBE("int $0x81", ); return 0; }
static uint32_t u_ud2(uint32_t a) { (void)a; SYS_PROBE("ud2", ); return 0; }
static uint32_t u_load_ds(uint32_t sel)
{
    SYS_PROBE("movw %w0, %%ds\n\tmovw %w1, %%ds", : : "r"(sel), "r"(SEL_UDATA) : "memory");
    return 0;
}
static uint32_t u_load_ss(uint32_t sel)
{
    SYS_PROBE("movw %w0, %%ss\n\tmovw %w1, %%ss", : : "r"(sel), "r"(SEL_UDATA) : "memory");
    return 0;
}
static uint32_t u_ljmp_kernel(uint32_t a)
{
    (void)a;
    SYS_PROBE("ljmp $0x08, $1f", );
    return 0;
}
/* POPF at CPL 3 with IOPL 0 neither faults nor changes IF or IOPL (SDM POPF). */
static uint32_t u_popf(uint32_t a)
{
    (void)a;
    uint32_t after;
    __asm__ volatile("pushfl\n\t"
                     "orl $0x3200, (%%esp)\n\t"
                     "popfl\n\t"
                     "pushfl\n\t"
                     "popl %0" : "=r"(after) : : "cc");
    return after;
}

static volatile uint32_t seen_cs, seen_ss, seen_esp_ok, seen_vector;
static void on_int81(struct sys_frame *f)
{
    seen_vector = f->vector;
    seen_cs = f->cs & 0xFFFF;
    seen_ss = f->user_ss & 0xFFFF;
    uint32_t ss;
    __asm__ volatile("movl %%ss, %0" : "=r"(ss));
    /* The handler runs on the TSS's SS0:ESP0 stack, not on the user stack. */
    seen_esp_ok = (ss & 0xFFFF) == SEL_KDATA && (uint32_t)(uintptr_t)f != f->user_esp;
}

static void user(const char *what, uint32_t (*fn)(uint32_t), uint32_t arg, int iopl)
{
    sys_run_user(fn, arg, iopl);
    line(what);
}

int main(void)
{
    sys_init();
    sys_gdt_set(6, 0, 0xFFFFF, ACC_DATA_W & ~ACC_PRESENT);
    sys_gdt_set(7, 0, 0xFFFFF, ACC_CODE_X);
    sys_gdt_set(8, 0, 0xFFFFF, ACC_DATA_R);
    sys_gdt_set(9, 0, 0xFFFFF, ACC_DATA_W | ACC_DPL(3));
    sys_gdt_set(10, 0, 0xFFFFF, ACC_CODE_R);
    sys_gdt_set(11, 0, 0xFFFFF, ACC_CODE_R & ~ACC_PRESENT);
    sys_gdt_set(12, 0, 0xFFF, ACC_DATA_W);
    __asm__ volatile("lldt %w0" : : "r"(0));

    puts("-- segment loads at ring 0");
    load_ds("DS <- null", 0);
    load_ds("DS <- DPL0 data", SEL_KDATA);
    load_ds("DS <- DPL3 data", SEL_DATA_DPL3);
    load_ds("DS <- readable code", SEL_CODE_RX);
    load_ds("DS <- read-only data", SEL_DATA_RO);
    load_ds("DS <- selector past GDT limit", SEL_BEYOND);
    load_ds("DS <- selector past limit, RPL 3", SEL_BEYOND | 3);
    load_ds("DS <- LDT selector, null LDT", 0x0C);
    load_ds("DS <- TSS (system descriptor)", SEL_TSS);
    load_ds("DS <- execute-only code", SEL_CODE_XO);
    load_ds("DS <- not-present data", SEL_DATA_NP);
    load_ds("DS <- not-present data, RPL 3", SEL_DATA_NP | 3);
    load_ss("SS <- DPL0 data", SEL_KDATA);
    load_ss("SS <- null", 0);
    load_ss("SS <- DPL0 data, RPL 3", SEL_KDATA | 3);
    load_ss("SS <- DPL3 data", SEL_DATA_DPL3);
    load_ss("SS <- read-only data", SEL_DATA_RO);
    load_ss("SS <- code", SEL_CODE_RX);
    load_ss("SS <- past GDT limit", SEL_BEYOND);
    load_ss("SS <- not-present data", SEL_DATA_NP);
    SYS_PROBE("ljmp $0x10, $1f", );
    line("far JMP to a data segment");
    SYS_PROBE("ljmp $0x58, $1f", );
    line("far JMP to a not-present code segment");
    SYS_PROBE("movw %w0, %%es\n\tmovl $1, %%es:(%1)", : : "r"(SEL_DATA_RO), "r"(0x200000) : "memory");
    use_line("write through read-only ES");
    SYS_PROBE("movw %w0, %%es\n\tmovl %%es:(%1), %%eax", : : "r"(0), "r"(0x200000) : "eax", "memory");
    use_line("read through null ES");
    SYS_PROBE("movw %w0, %%es\n\tmovl %%es:(%1), %%eax", : : "r"(SEL_DATA_4K), "r"(0xffc) : "eax", "memory");
    line("read inside a 4 KiB data limit");
    SYS_PROBE("movw %w0, %%es\n\tmovl %%es:(%1), %%eax", : : "r"(SEL_DATA_4K), "r"(0xffd) : "eax", "memory");
    use_line("read straddling a 4 KiB data limit");
    SYS_PROBE("movw %w0, %%es\n\tmovl %%es:(%1), %%eax", : : "r"(SEL_DATA_4K), "r"(0x1000) : "eax", "memory");
    use_line("read past a 4 KiB data limit");

    puts("-- ring 3");
    uint32_t v = sys_run_user(u_cpl, 0, 0);
    printf("entered by IRET: CS=%#x SS=%#x, back through int 0x80\n", v & 0xFFFF, v >> 16);
    sys_set_gate(0x81, SEG_P | SEG_DPL(3) | SEG_TYPE_INTGATE32);
    sys_set_handler(0x81, on_int81);
    user("int 0x81 (DPL3 gate)", u_int81, 0, 0);
    printf("  handler saw vector %#x, CS=%#x, SS=%#x, on the ring-0 stack: %s\n",
           (unsigned)seen_vector, (unsigned)seen_cs, (unsigned)seen_ss, yn(seen_esp_ok));
    v = sys_run_user(u_popf, 0, 0);
    printf("POPF setting IF and IOPL at CPL3/IOPL0: IF=%u IOPL=%u\n", (v >> 9) & 1, (v >> 12) & 3);
    v = sys_run_user(u_popf, 0, 3);
    printf("POPF setting IF at CPL3/IOPL3: IF=%u IOPL=%u\n", (v >> 9) & 1, (v >> 12) & 3);
    user("HLT", u_hlt, 0, 0);
    user("CLI, IOPL 0", u_cli, 0, 0);
    user("STI, IOPL 0", u_sti, 0, 0);
    user("CLI, IOPL 3", u_cli, 0, 3);
    user("MOV EAX, CR0", u_read_cr0, 0, 0);
    user("MOV CR3, EAX", u_write_cr3, 0, 0);
    user("LGDT", u_lgdt, 0, 0);
    user("LIDT", u_lidt, 0, 0);
    user("LTR", u_ltr, 0, 0);
    user("LLDT", u_lldt, 0, 0);
    user("INVLPG", u_invlpg, 0, 0);
    user("RDMSR", u_rdmsr, 0, 0);
    user("IN AL, 0x80 (IOPL 0, port denied)", u_inb, 0, 0);
    user("OUT 0x80, AL (IOPL 0, port denied)", u_outb, 0, 0);
    user("INSB from 0x80 (IOPL 0, port denied)", u_insb, 0, 0);
    user("IN AL, 0x80 (IOPL 3)", u_inb, 0, 3);
    user("UD2", u_ud2, 0, 0);
    user("DS <- DPL0 data", u_load_ds, SEL_KDATA, 0);
    user("DS <- DPL3 data", u_load_ds, SEL_DATA_DPL3, 0);
    user("DS <- null", u_load_ds, 0, 0);
    user("DS <- DPL3 data with RPL 0", u_load_ds, SEL_DATA_DPL3 & ~3, 0);
    user("DS <- readable DPL0 code", u_load_ds, SEL_CODE_RX, 0);
    user("SS <- DPL0 data", u_load_ss, SEL_KDATA, 0);
    user("SS <- DPL3 data", u_load_ss, SEL_DATA_DPL3, 0);
    user("far JMP to ring-0 code", u_ljmp_kernel, 0, 0);
    user("INT 0x40 (DPL0 gate)", u_int40, 0, 0);
    sys_set_gate(0x31, 0x6E);           /* DPL 3 but not present */
    user("INT 0x31 (DPL3 gate, not present)", u_int31, 0, 0);
    uint32_t after = sys_run_user(u_cpl, 0, 0);
    printf("still working after the faults: CS=%#x\n", after & 0xFFFF);

    puts("rings: done");
    return 0;
}
