/* The TSS I/O permission bitmap (SDM Vol. 1 §19.5): at CPL 3 with IOPL 0 an I/O instruction is
 * allowed only if the bit of every port it touches is clear, the bitmap is read two bytes at a
 * time and both bytes must lie within the TSS limit. IOPL 3 allows every port; ring 0 never
 * consults the bitmap. Ports used: 0x80-0x8f (POST/DMA page registers, harmless to read). */
#include "lib/sys.h"

static uint32_t u_inb(uint32_t port) { SYS_PROBE("inb %w0, %%al", : : "d"(port) : "eax"); return 0; }
static uint32_t u_inw(uint32_t port) { SYS_PROBE("inw %w0, %%ax", : : "d"(port) : "eax"); return 0; }
static uint32_t u_inl(uint32_t port) { SYS_PROBE("inl %w0, %%eax", : : "d"(port) : "eax"); return 0; }
static uint32_t u_outb(uint32_t port) { SYS_PROBE("outb %%al, %w0", : : "d"(port), "a"(0)); return 0; }
static uint32_t u_inb_imm(uint32_t unused) { (void)unused; SYS_PROBE("inb $0x80, %%al", : : : "eax"); return 0; }
static uint32_t u_insw(uint32_t port)
{
    static uint16_t buf[2];
    SYS_PROBE("insw", : : "D"(buf), "d"(port) : "memory");
    return 0;
}
static uint32_t u_rep_outsb(uint32_t port)
{
    static const uint8_t buf[3];
    SYS_PROBE("rep outsb", : : "S"(buf), "d"(port), "c"(3) : "memory");
    return 0;
}

static void run(const char *what, uint32_t (*fn)(uint32_t), uint32_t port, int iopl)
{
    sys_run_user(fn, port, iopl);
    printf("%-44s ", what);
    sys_print_fault();
    if (sys_last.vector != VEC_NONE && !sys_fault_at_probe())
        printf(" eip=WRONG");
    putchar('\n');
}

int main(void)
{
    sys_init();
    sys_iomap_fill(false);
    sys_iomap_set(0x80, true);
    sys_iomap_set(0x84, true);
    sys_iomap_set(0x85, true);
    sys_iomap_set(0x87, true);          /* 0x87 and 0x88 sit in different bitmap bytes */
    sys_iomap_set(0x88, true);
    for (uint16_t p = 0x8c; p <= 0x8f; p++)
        sys_iomap_set(p, true);

    puts("-- IOPL 0, bitmap allows 0x80 0x84 0x85 0x87 0x88 0x8c-0x8f");
    run("IN AL, DX  0x80 (allowed)", u_inb, 0x80, 0);
    run("IN AL, 0x80 (immediate form, allowed)", u_inb_imm, 0, 0);
    run("OUT DX, AL 0x80 (allowed)", u_outb, 0x80, 0);
    run("IN AL, DX  0x81 (denied)", u_inb, 0x81, 0);
    run("OUT DX, AL 0x81 (denied)", u_outb, 0x81, 0);
    run("IN AX, DX  0x80 (0x81 denied)", u_inw, 0x80, 0);
    run("IN AX, DX  0x84 (both allowed)", u_inw, 0x84, 0);
    run("IN AX, DX  0x83 (0x83 denied)", u_inw, 0x83, 0);
    run("IN AX, DX  0x87 (straddles a bitmap byte)", u_inw, 0x87, 0);
    run("IN EAX, DX 0x87 (0x89 0x8a denied)", u_inl, 0x87, 0);
    run("IN EAX, DX 0x86 (0x86 denied)", u_inl, 0x86, 0);
    run("IN EAX, DX 0x8c (all four allowed)", u_inl, 0x8c, 0);
    run("IN EAX, DX 0x8d (0x90 denied)", u_inl, 0x8d, 0);
    run("INSW 0x84 (allowed)", u_insw, 0x84, 0);
    run("INSW 0x85 (0x86 denied)", u_insw, 0x85, 0);
    run("REP OUTSB 0x80 (allowed)", u_rep_outsb, 0x80, 0);
    run("REP OUTSB 0x81 (denied)", u_rep_outsb, 0x81, 0);

    puts("-- IOPL 3 ignores the bitmap");
    run("IN AL, DX 0x81", u_inb, 0x81, 3);
    run("IN EAX, DX 0x81", u_inl, 0x81, 3);
    puts("-- ring 0 ignores the bitmap");
    SYS_PROBE("inb %w0, %%al", : : "d"(0x81) : "eax");
    printf("%-44s ", "ring 0 IN AL, DX 0x81");
    sys_print_fault();
    putchar('\n');

    /* The bitmap starts at TSS offset 104 + 8192 bytes; port 0x80 is in bitmap byte 0x10. */
    puts("-- TSS limit cuts the bitmap after byte 0x10 (ports 0x80-0x87)");
    sys_iomap_set(0x78, true);
    sys_iomap_set(0x7f, true);
    sys_tss_limit(104 + 0x10);
    run("IN AL, DX 0x78 (byte 0x0f; 0x10 in limit)", u_inb, 0x78, 0);
    run("IN AL, DX 0x7f (byte 0x0f; 0x10 in limit)", u_inb, 0x7f, 0);
    run("IN AL, DX 0x80 (byte 0x10; 0x11 past limit)", u_inb, 0x80, 0);
    run("IN AL, DX 0x88 (byte 0x11 past limit)", u_inb, 0x88, 0);
    run("IN AL, DX 0x88 with IOPL 3", u_inb, 0x88, 3);
    sys_tss_limit(104 + 8192);
    run("IN AL, DX 0x80 (full limit again)", u_inb, 0x80, 0);

    puts("iobitmap: done");
    return 0;
}
